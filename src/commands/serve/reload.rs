//! Live reload: every HTML response carries a small script that long-polls
//! `<base>__brief/events?since=GENERATION`; the request is held until a build
//! bumps the generation (or [`POLL_TIMEOUT`] passes), and the page reloads
//! when the answer names another generation.
//!
//! Waiting polls are held by one thread ([`poll_loop`]), apart from the
//! request slots of pages, at most [`MAX_POLLS`] of them, and each is freed
//! soon after its client goes away (see [`Poll`]).

use std::io::Write;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use tiny_http::{HTTPVersion, Request, ResponseBox};

use super::{header, respond_bytes, Shared, State};

/// Site path (below the base path) of the long-poll endpoint.
pub const EVENTS_PATH: &str = "__brief/events";
/// Site path (below the base path) of the live-reload script.
pub const SCRIPT_PATH: &str = "__brief/livereload.js";
/// How long a long-poll request is held open before answering "no change".
pub const POLL_TIMEOUT: Duration = Duration::from_secs(25);
/// Long polls waiting at once; more are answered 503 (the script retries
/// after a pause). They hold none of the page-request slots.
pub const MAX_POLLS: usize = 256;
/// How often a waiting poll is sent a byte, to find out whether its client
/// is still there.
const PING: Duration = Duration::from_secs(1);

const LIVE_RELOAD_JS: &str = r#"(function () {
  "use strict";
  var me = document.currentScript;
  if (!me) { return; }
  var events = me.getAttribute("data-events");
  var generation = me.getAttribute("data-generation");
  var failures = 0;
  function poll() {
    fetch(events + "?since=" + encodeURIComponent(generation), { cache: "no-store" })
      .then(function (r) {
        if (!r.ok) { throw new Error("HTTP " + r.status); }
        return r.json();
      })
      .then(function (d) {
        failures = 0;
        if (String(d.generation) !== generation) {
          location.reload();
        } else {
          poll();
        }
      })
      .catch(function () {
        failures = Math.min(failures + 1, 10);
        setTimeout(poll, 500 * failures);
      });
  }
  poll();
})();
"#;

/// The script itself, served at [`SCRIPT_PATH`].
pub(super) fn script() -> ResponseBox {
    respond_bytes(
        200,
        "text/javascript; charset=utf-8",
        LIVE_RELOAD_JS.as_bytes().to_vec(),
    )
}

/// Inserts `snippet` before the last `</body>` (or at the end).
pub(super) fn inject(html: &[u8], snippet: &str) -> Vec<u8> {
    let needle = b"</body>";
    let at = html
        .windows(needle.len())
        .rposition(|w| w.eq_ignore_ascii_case(needle))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + snippet.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(snippet.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

pub(super) fn reload_snippet(base_path: &str, generation: u64) -> String {
    let base = crate::base::text::escape_html(base_path);
    format!(
        "<script src=\"{base}{SCRIPT_PATH}\" data-events=\"{base}{EVENTS_PATH}\" data-generation=\"{generation}\"></script>\n"
    )
}

/// The generation and build status, as the long-poll endpoint answers them.
fn answer_body(st: &State) -> String {
    format!(
        "{{\"generation\":{},\"ok\":{}}}",
        st.generation,
        st.error_page.is_none()
    )
}

/// The `since=` of a long-poll query.
pub(super) fn since(query: Option<&str>) -> Option<u64> {
    query.and_then(|q| {
        q.split('&')
            .find_map(|kv| kv.strip_prefix("since="))
            .and_then(|v| v.parse().ok())
    })
}

/// The long-poll endpoint answered at once: a request without `since=`, or
/// a `HEAD`. Polls that wait go to [`enqueue`] instead.
pub(super) fn events_now(shared: &Shared) -> ResponseBox {
    let body = answer_body(&shared.lock());
    respond_bytes(200, "application/json", body.into_bytes())
        .with_header(header("Cache-Control", "no-store"))
}

/// A poll refused because [`MAX_POLLS`] are waiting: the script retries
/// after a pause.
pub(super) fn too_many_polls() -> ResponseBox {
    respond_bytes(
        503,
        "text/plain; charset=utf-8",
        b"503 Service Unavailable: too many live-reload connections\n".to_vec(),
    )
    .with_header(header("Retry-After", "1"))
}

/// A long poll waiting for the next build.
///
/// It holds no request slot and no thread: the one poll thread
/// ([`poll_loop`]) owns every waiting poll. The status line and headers are
/// written as soon as the poll is taken, then a space every [`PING`] (JSON
/// allows leading white space): writing to a connection the client has
/// closed fails, which frees the poll within two pings instead of
/// [`POLL_TIMEOUT`].
pub(super) struct Poll {
    writer: Box<dyn Write + Send>,
    since: u64,
    /// HTTP/1.1: a chunked body on a connection that stays open. HTTP/1.0:
    /// the body ends when the connection closes.
    chunked: bool,
    deadline: Instant,
    next_ping: Instant,
}

impl Poll {
    pub(super) fn new(rq: Request, since: u64) -> Poll {
        let chunked = *rq.http_version() >= HTTPVersion(1, 1);
        let now = Instant::now();
        Poll {
            writer: rq.into_writer(),
            since,
            chunked,
            deadline: now + POLL_TIMEOUT,
            next_ping: now + PING,
        }
    }

    fn start(&mut self) -> std::io::Result<()> {
        let (version, framing) = if self.chunked {
            ("1.1", "Transfer-Encoding: chunked")
        } else {
            ("1.0", "Connection: close")
        };
        write!(
            self.writer,
            "HTTP/{version} 200 OK\r\nContent-Type: application/json\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n{framing}\r\n\r\n"
        )?;
        self.writer.flush()
    }

    fn write_body(&mut self, data: &str) -> std::io::Result<()> {
        if self.chunked {
            write!(self.writer, "{:x}\r\n{data}\r\n", data.len())?;
        } else {
            self.writer.write_all(data.as_bytes())?;
        }
        self.writer.flush()
    }

    fn ping(&mut self, now: Instant) -> std::io::Result<()> {
        self.next_ping = now + PING;
        self.write_body(" ")
    }

    /// The answer, and the end of the response.
    fn finish(mut self, body: &str) {
        let _ = self.write_body(body).and_then(|()| {
            if self.chunked {
                self.writer.write_all(b"0\r\n\r\n")?;
            }
            self.writer.flush()
        });
    }
}

/// Queues a poll for the poll thread; it must be counted in
/// `Shared::polls` already.
pub(super) fn enqueue(shared: &Shared, poll: Poll) {
    shared.lock().new_polls.push(poll);
    shared.changed.notify_all();
}

/// The poll thread: answers every waiting poll when the generation differs
/// from its `since` (or at its deadline, or at shutdown), pings the others,
/// and drops those whose client went away.
pub(super) fn poll_loop(shared: &Shared) {
    let mut active: Vec<Poll> = Vec::new();
    loop {
        let wake = active.iter().map(|p| p.next_ping.min(p.deadline)).min();
        let (fresh, generation, body, shutdown) = {
            let mut st = shared.lock();
            loop {
                let changed = active.iter().any(|p| p.since != st.generation);
                if !st.new_polls.is_empty() || changed || st.shutdown {
                    break;
                }
                let now = Instant::now();
                st = match wake {
                    Some(w) if w <= now => break,
                    Some(w) => {
                        shared
                            .changed
                            .wait_timeout(st, w - now)
                            .unwrap_or_else(|e| e.into_inner())
                            .0
                    }
                    None => shared.changed.wait(st).unwrap_or_else(|e| e.into_inner()),
                };
            }
            (
                std::mem::take(&mut st.new_polls),
                st.generation,
                answer_body(&st),
                st.shutdown,
            )
        };
        let before = active.len() + fresh.len();
        for mut poll in fresh {
            if poll.start().is_ok() {
                active.push(poll);
            }
        }
        let now = Instant::now();
        let mut kept = Vec::with_capacity(active.len());
        for mut poll in active.drain(..) {
            if shutdown || poll.since != generation || now >= poll.deadline {
                poll.finish(&body);
            } else if now < poll.next_ping || poll.ping(now).is_ok() {
                kept.push(poll);
            }
        }
        active = kept;
        shared
            .polls
            .fetch_sub(before - active.len(), Ordering::SeqCst);
        if shutdown {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injection() {
        let out = inject(b"<p>x</p></BODY></html>", "<s>");
        assert_eq!(out, b"<p>x</p><s></BODY></html>");
        assert_eq!(inject(b"<p>", "<s>"), b"<p><s>");
    }
}
