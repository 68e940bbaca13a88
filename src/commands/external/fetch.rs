//! Fetching citation URLs: the only module that names the HTTP client.
//!
//! Each URL is asked with HEAD; a server that refuses HEAD (any 4xx or 5xx
//! to it, such as 405 or 501, or 403 from some firewalls) is asked again
//! with GET, whose body is not read. Redirects are followed one at a time
//! (at most [`MAX_REDIRECTS`]), so that a permanent one (301, 308) at the
//! start can be reported with where it leads. A timeout, a failed connection
//! or a 5xx is tried again after a pause that doubles each time. A few
//! threads work through the URLs, never more than [`PER_HOST`] requests to
//! one host at once.

use std::collections::{HashMap, VecDeque};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::ExternalOptions;

/// Requests to one host at a time.
pub const PER_HOST: usize = 2;
/// Redirects followed from one URL.
pub const MAX_REDIRECTS: usize = 10;
/// The pause before the first retry; it doubles for each further one.
const BACKOFF: Duration = Duration::from_millis(250);

/// The final answer for a URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The HTTP status of the last response (after redirects).
    Status(u16),
    /// No answer: a timeout, a refused connection, a TLS failure, too many
    /// redirects.
    Failed(String),
}

/// What fetching one URL found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Probe {
    pub outcome: Outcome,
    /// Where the redirects ended, when there were any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_url: Option<String>,
    /// Where the URL moved, when its first redirect is permanent: the end of
    /// the run of permanent redirects that starts there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved_to: Option<String>,
}

impl Probe {
    /// Whether the answer holds for a while (kept in the cache): a
    /// status below 500. Timeouts, failed connections and server errors are
    /// asked again next time.
    pub fn is_lasting(&self) -> bool {
        matches!(self.outcome, Outcome::Status(s) if s < 500)
    }
}

/// `404 Not Found`.
pub fn status_text(s: u16) -> String {
    match ureq::http::StatusCode::from_u16(s)
        .ok()
        .and_then(|c| c.canonical_reason())
    {
        Some(reason) => format!("{s} {reason}"),
        None => s.to_string(),
    }
}

/// The user agent: the tool, its version and what it does.
pub fn user_agent() -> String {
    format!(
        "brief/{} (citation link check; static-site generator)",
        env!("CARGO_PKG_VERSION")
    )
}

fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .max_redirects(0)
        .max_redirects_will_error(false)
        .http_status_as_error(false)
        .user_agent(user_agent())
        .build()
        .into()
}

/// One request's answer: the status and the `Location` header.
type Answer = Result<(u16, Option<String>), String>;

fn request(agent: &ureq::Agent, method: &str, url: &str) -> Answer {
    let accept = "text/html,application/xhtml+xml,application/pdf;q=0.9,*/*;q=0.8";
    let result = if method == "HEAD" {
        agent.head(url).header("Accept", accept).call()
    } else {
        agent.get(url).header("Accept", accept).call()
    };
    match result {
        // The body is never read: dropping the response closes it.
        Ok(resp) => Ok((
            resp.status().as_u16(),
            resp.headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
        )),
        Err(ureq::Error::Timeout(_)) => Err("timed out".into()),
        Err(ureq::Error::HostNotFound) => Err("host not found".into()),
        Err(ureq::Error::ConnectionFailed) => Err("connection failed".into()),
        Err(ureq::Error::Io(e)) => Err(format!("connection error: {e}")),
        Err(e) => Err(e.to_string()),
    }
}

/// A request with retries after a timeout, a failed connection or a 5xx.
fn with_retries(agent: &ureq::Agent, method: &str, url: &str, retries: u32) -> Answer {
    let mut pause = BACKOFF;
    let mut attempt = 0;
    loop {
        let answer = request(agent, method, url);
        let again = match &answer {
            Ok((s, _)) => *s >= 500,
            Err(_) => true,
        };
        if !again || attempt >= retries {
            return answer;
        }
        std::thread::sleep(pause);
        pause *= 2;
        attempt += 1;
    }
}

/// Fetches one URL, following redirects.
pub fn probe(agent: &ureq::Agent, url: &str, retries: u32) -> Probe {
    let mut current = url.to_string();
    let mut moved_to: Option<String> = None;
    // Whether every redirect so far was permanent.
    let mut permanent = true;
    let mut hops = 0;
    loop {
        let mut answer = with_retries(agent, "HEAD", &current, retries);
        if matches!(answer, Ok((s, _)) if s >= 400) {
            answer = with_retries(agent, "GET", &current, retries);
        }
        let final_url = (hops > 0).then(|| current.clone());
        let (status, location) = match answer {
            Ok(a) => a,
            Err(why) => {
                return Probe {
                    outcome: Outcome::Failed(why),
                    final_url,
                    moved_to,
                }
            }
        };
        let next = location
            .filter(|_| (300..400).contains(&status))
            .and_then(|l| url::Url::parse(&current).ok()?.join(&l).ok());
        let Some(next) = next else {
            return Probe {
                outcome: Outcome::Status(status),
                final_url,
                moved_to,
            };
        };
        hops += 1;
        if hops > MAX_REDIRECTS {
            return Probe {
                outcome: Outcome::Failed(format!("more than {MAX_REDIRECTS} redirects")),
                final_url,
                moved_to,
            };
        }
        permanent &= matches!(status, 301 | 308);
        if permanent {
            moved_to = Some(next.to_string());
        }
        current = next.to_string();
    }
}

/// The host a URL is limited by.
fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| {
            u.host_str()
                .map(|h| format!("{h}:{}", u.port_or_known_default().unwrap_or(0)))
        })
        .unwrap_or_default()
}

/// Fetches every URL on `ext.threads` threads, at most [`PER_HOST`] at a
/// time per host; the answers in the order of `urls`.
pub fn probe_all(urls: &[&String], ext: &ExternalOptions) -> Vec<Probe> {
    struct Queue {
        waiting: VecDeque<usize>,
        busy: HashMap<String, usize>,
    }
    if urls.is_empty() {
        return Vec::new();
    }
    let agent = agent(ext.timeout);
    let hosts: Vec<String> = urls.iter().map(|u| host_of(u)).collect();
    let queue = Mutex::new(Queue {
        waiting: (0..urls.len()).collect(),
        busy: HashMap::new(),
    });
    let ready = Condvar::new();
    let results: Mutex<Vec<Option<Probe>>> = Mutex::new(vec![None; urls.len()]);
    let threads = ext.threads.clamp(1, urls.len());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                // The next URL whose host has a free slot.
                let i = {
                    let mut q = queue.lock().expect("queue");
                    loop {
                        if q.waiting.is_empty() {
                            return;
                        }
                        let free = q
                            .waiting
                            .iter()
                            .position(|&i| q.busy.get(&hosts[i]).copied().unwrap_or(0) < PER_HOST);
                        if let Some(at) = free {
                            let i = q.waiting.remove(at).expect("in range");
                            *q.busy.entry(hosts[i].clone()).or_insert(0) += 1;
                            break i;
                        }
                        q = ready.wait(q).expect("queue");
                    }
                };
                let p = probe(&agent, urls[i], ext.retries);
                results.lock().expect("results")[i] = Some(p);
                let mut q = queue.lock().expect("queue");
                if let Some(n) = q.busy.get_mut(&hosts[i]) {
                    *n -= 1;
                }
                drop(q);
                ready.notify_all();
            });
        }
    });
    results
        .into_inner()
        .expect("results")
        .into_iter()
        .map(|p| p.expect("every URL probed"))
        .collect()
}
