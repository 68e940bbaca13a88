//! `brief check --external`: is every cited source still there?
//!
//! Every citation URL of the site is fetched once ([`fetch`]: HEAD, then GET
//! where HEAD is refused; redirects followed one by one; a few threads, at
//! most [`fetch::PER_HOST`] requests at a time per host; a timeout; retries
//! with backoff), and the answers are kept in `.brief/external.json`
//! ([`cache`]) for `--max-age`, so that a CI run does not ask the same
//! servers again. An address that does not answer, or answers 4xx or 5xx,
//! is a `dead-url` warning at its `url:` in the front-matter; one that
//! redirects permanently is a `moved-url` warning naming the new address.
//! Nothing here runs during `build`.

pub mod cache;
pub mod fetch;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use crate::base::diag::{Diagnostic, Diagnostics, Pos};
use crate::pipeline::session::{BuildOptions, Failure, Session};

pub use cache::Cache;
pub use fetch::{Outcome, Probe};

/// How `check --external` fetches.
#[derive(Debug, Clone)]
pub struct ExternalOptions {
    /// Timeout of one request, from connecting to the response's head.
    pub timeout: Duration,
    /// How long a cached answer is used before the URL is fetched again.
    pub max_age: Duration,
    /// Further attempts after a timeout, a failed connection or a 5xx.
    pub retries: u32,
    /// Threads that fetch.
    pub threads: usize,
}

impl Default for ExternalOptions {
    fn default() -> Self {
        ExternalOptions {
            timeout: Duration::from_secs(10),
            max_age: Duration::from_secs(24 * 3600),
            retries: 2,
            threads: 8,
        }
    }
}

/// Where one URL is cited: the file and the position of its `url:`, and the
/// citation's id.
#[derive(Debug, Clone)]
pub struct Use {
    pub file: PathBuf,
    pub pos: Pos,
    pub citation: String,
}

/// What `check --external` found.
#[derive(Debug)]
pub struct Report {
    pub diagnostics: Diagnostics,
    /// Distinct URLs checked.
    pub urls: usize,
    /// Of them, answered from the cache.
    pub cached: usize,
}

/// Every citation URL of the site's articles (drafts only with `--drafts`),
/// with the places it is cited, in a fixed order.
pub fn citation_urls(opts: &BuildOptions) -> Result<BTreeMap<String, Vec<Use>>, Failure> {
    let mut session = Session::open(opts)?;
    let files = session.load();
    let parsed = session.parse(&files);
    let mut out: BTreeMap<String, Vec<Use>> = BTreeMap::new();
    for (src, (_, p)) in files.iter().zip(&parsed.files) {
        let Some(a) = &p.article else { continue };
        if a.fm.draft && !opts.drafts {
            continue;
        }
        for (i, c) in a.fm.citations.iter().enumerate() {
            let Some(url) = &c.url else { continue };
            let item = a.fm.citation_pos.get(i).copied().unwrap_or(Pos::START);
            let next = a.fm.citation_pos.get(i + 1).map(|p| p.line);
            out.entry(url.0.trim().to_string()).or_default().push(Use {
                file: a.file.clone(),
                pos: url_pos(&src.text, item, next),
                citation: c.id.0.clone(),
            });
        }
    }
    Ok(out)
}

/// The position of the `url:` key of the citation whose entry starts at
/// `item` (and ends before line `next`), else the entry's.
fn url_pos(text: &str, item: Pos, next: Option<usize>) -> Pos {
    for (i, line) in text.lines().enumerate().skip(item.line.saturating_sub(1)) {
        let n = i + 1;
        if next.is_some_and(|next| n >= next) || (n > item.line && line.trim_end() == "---") {
            break;
        }
        let t = line.trim_start();
        let t = t.strip_prefix("- ").map_or(t, str::trim_start);
        if t.strip_prefix("url")
            .is_some_and(|r| r.trim_start().starts_with(':'))
        {
            let col = line.len() - t.len();
            return Pos::new(n, line[..col].chars().count() + 1);
        }
    }
    item
}

/// Checks every citation URL of the site, using and refreshing the cache
/// `.brief/external.json` in the site root.
pub fn run(opts: &BuildOptions, ext: &ExternalOptions) -> Result<Report, Failure> {
    let urls = citation_urls(opts)?;
    let mut diagnostics = Diagnostics::new();
    let cache_path = cache::path(&opts.root);
    let now = cache::now();
    let mut cache = match Cache::read(&cache_path) {
        Ok(c) => c,
        Err(why) => {
            diagnostics.push(
                Diagnostic::warning(
                    "external-cache-unreadable",
                    format!(
                        "the link-check cache cannot be read ({why}); every URL is fetched again"
                    ),
                )
                .in_file(cache::REL_PATH)
                .help("nothing to do: it is rewritten after this check (or delete it)"),
            );
            Cache::default()
        }
    };
    let (fresh, stale): (Vec<&String>, Vec<&String>) = urls
        .keys()
        .partition(|u| cache.fresh(u, now, ext.max_age).is_some());
    let fetched = fetch::probe_all(&stale, ext);
    for (url, probe) in stale.iter().zip(fetched) {
        cache.record(url, now, probe);
    }
    for (url, uses) in &urls {
        let Some(probe) = cache.get(url) else {
            continue;
        };
        for u in uses {
            if let Some(d) = diagnostic(url, probe, u, ext) {
                diagnostics.push(d);
            }
        }
    }
    cache.retain(|u| urls.contains_key(u));
    if let Err(e) = cache.write(&cache_path) {
        diagnostics.push(
            Diagnostic::warning(
                "external-cache-unreadable",
                format!("the link-check cache cannot be written: {e}"),
            )
            .in_file(cache::REL_PATH)
            .help("check that .brief/ in the site root is writable; the next check fetches every URL again"),
        );
    }
    diagnostics.normalize();
    Ok(Report {
        diagnostics,
        urls: urls.len(),
        cached: fresh.len(),
    })
}

/// The warning for one place a URL is cited, if its answer calls for one.
fn diagnostic(url: &str, probe: &Probe, u: &Use, ext: &ExternalOptions) -> Option<Diagnostic> {
    let at = |d: Diagnostic| Some(d.at(&u.file, u.pos));
    let via = |final_url: &Option<String>| match final_url {
        Some(f) if f != url => format!(" (redirected to {f})"),
        _ => String::new(),
    };
    match &probe.outcome {
        Outcome::Status(s) if *s >= 400 => at(Diagnostic::warning(
            "dead-url",
            format!(
                "the URL of citation `{}` answers {}{}: {url}",
                u.citation,
                fetch::status_text(*s),
                via(&probe.final_url)
            ),
        )
        .help(if *s >= 500 {
            "the server failed; check again later, and if it stays so, cite an archived copy"
        } else {
            "find where the page went and update `url:`, or cite an archived copy (e.g. the Wayback Machine)"
        })),
        Outcome::Failed(why) => at(Diagnostic::warning(
            "dead-url",
            format!(
                "the URL of citation `{}` cannot be reached ({why}): {url}",
                u.citation
            ),
        )
        .help(format!(
            "check the address; a slow server may need a longer --timeout (now {} s)",
            ext.timeout.as_secs_f64()
        ))),
        Outcome::Status(_) => probe.moved_to.as_ref().map(|to| {
            Diagnostic::warning(
                "moved-url",
                format!(
                    "the URL of citation `{}` has moved permanently to {to}: {url}",
                    u.citation
                ),
            )
            .at(&u.file, u.pos)
            .help(format!("update `url:` to {to}"))
        }),
    }
}

/// `24h`, `30m`, `2d`, `90s` or a number of seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| !c.is_ascii_digit() && c != '.') {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, "s"),
    };
    let n: f64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a duration (e.g. 30s, 10m, 24h, 7d)"))?;
    let secs = match unit {
        "s" => n,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        "d" => n * 86400.0,
        _ => return Err(format!("`{s}`: the unit must be s, m, h or d")),
    };
    if !secs.is_finite() || !(0.0..=1e9).contains(&secs) {
        return Err(format!("`{s}` is out of range"));
    }
    Ok(Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("24h"), Ok(Duration::from_secs(86400)));
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert!(parse_duration("2w").is_err());
        assert!(parse_duration("x").is_err());
    }

    #[test]
    fn url_positions() {
        let text = "---\ntitle: x\ncitations:\n  - id: \"1\"\n    title: a\n    url: \"https://a\"\n  - url: https://b\n    id: \"2\"\n  - id: \"3\"\n---\nurl: body\n";
        assert_eq!(url_pos(text, Pos::new(4, 3), Some(7)), Pos::new(6, 5));
        assert_eq!(url_pos(text, Pos::new(7, 3), Some(9)), Pos::new(7, 5));
        assert_eq!(url_pos(text, Pos::new(9, 3), None), Pos::new(9, 3));
    }
}
