//! Live reload: every HTML response carries a small script that long-polls
//! `<base>__brief/events?since=GENERATION`; the request is held until a build
//! bumps the generation (or [`POLL_TIMEOUT`] passes), and the page reloads
//! when the answer names another generation.
//!
//! Waiting polls hold none of the request slots of pages, at most
//! [`MAX_POLLS`] wait at once, and each ends soon after its client goes away
//! (see [`hold`]).

use std::io::{ErrorKind, Write};
use std::net::TcpStream;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::http::{self, Request, Response};
use super::{respond_bytes, Shared, State};

/// Site path (below the base path) of the long-poll endpoint.
pub const EVENTS_PATH: &str = "__brief/events";
/// Site path (below the base path) of the live-reload script.
pub const SCRIPT_PATH: &str = "__brief/livereload.js";
/// How long a long-poll request is held open before answering "no change".
pub const POLL_TIMEOUT: Duration = Duration::from_secs(25);
/// Long polls waiting at once; more are answered 503 (the script retries
/// after a pause). They hold none of the page-request slots.
pub const MAX_POLLS: usize = 256;
/// How often a waiting poll checks whether its client is still there.
const CHECK: Duration = Duration::from_millis(250);

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
pub(super) fn script() -> Response {
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
/// a `HEAD`. Polls that wait go to [`hold`] instead.
pub(super) fn events_now(shared: &Shared) -> Response {
    let body = answer_body(&shared.lock());
    respond_bytes(200, "application/json", body.into_bytes())
        .with_header("Cache-Control", "no-store")
}

/// A poll refused because [`MAX_POLLS`] are waiting: the script retries
/// after a pause.
fn too_many_polls() -> Response {
    respond_bytes(
        503,
        "text/plain; charset=utf-8",
        b"503 Service Unavailable: too many live-reload connections\n".to_vec(),
    )
    .with_header("Retry-After", "1")
}

/// Whether the client of `stream` has closed the connection (or it broke).
fn client_gone(stream: &TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return true;
    }
    let gone = match stream.peek(&mut [0u8]) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => e.kind() != ErrorKind::WouldBlock,
    };
    gone || stream.set_nonblocking(false).is_err()
}

/// Counts a waiting poll in `Shared::polls` while it lives.
struct PollSlot<'a>(&'a Shared);

impl Drop for PollSlot<'_> {
    fn drop(&mut self) {
        self.0.polls.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A long poll (`since` given): waits, on its connection's thread, until the
/// generation differs from `since`, the server stops or [`POLL_TIMEOUT`]
/// passes, then answers the generation. Returns whether the connection may
/// carry another request.
///
/// It holds no page-request slot. The status line and headers are sent at
/// once (the JSON body follows: a chunk for HTTP/1.1, or up to the close of
/// the connection for HTTP/1.0), and every [`CHECK`] the socket is checked
/// for the client's close, which ends the poll there and then. At most
/// [`MAX_POLLS`] wait at once; another gets a 503 with `Retry-After`.
pub(super) fn hold(
    shared: &Shared,
    stream: &mut TcpStream,
    rq: &Request,
    since: u64,
) -> std::io::Result<bool> {
    if shared.polls.fetch_add(1, Ordering::SeqCst) >= MAX_POLLS {
        shared.polls.fetch_sub(1, Ordering::SeqCst);
        http::write_response(stream, false, rq.keep_alive, too_many_polls())?;
        return Ok(rq.keep_alive);
    }
    let _slot = PollSlot(shared);
    let keep_alive = rq.keep_alive && rq.http11;
    let headers = [
        ("Content-Type".to_string(), "application/json".to_string()),
        ("Cache-Control".to_string(), "no-store".to_string()),
        ("X-Content-Type-Options".to_string(), "nosniff".to_string()),
    ];
    // No chunks in HTTP/1.0: there the body ends with the connection.
    let framing = if rq.http11 {
        http::Framing::Chunked
    } else {
        http::Framing::Close
    };
    let mut head = Vec::new();
    http::write_head(&mut head, 200, &headers, framing, keep_alive)?;
    stream.write_all(&head)?;

    let deadline = Instant::now() + POLL_TIMEOUT;
    let body = loop {
        {
            let st = shared.lock();
            let now = Instant::now();
            if st.generation != since || st.shutdown || now >= deadline {
                break answer_body(&st);
            }
            let wait = CHECK.min(deadline - now);
            let (st, _) = shared
                .changed
                .wait_timeout(st, wait)
                .unwrap_or_else(|e| e.into_inner());
            if st.generation != since || st.shutdown {
                break answer_body(&st);
            }
        }
        if client_gone(stream) {
            return Ok(false);
        }
    };
    if rq.http11 {
        write!(stream, "{:x}\r\n{body}\r\n0\r\n\r\n", body.len())?;
    } else {
        stream.write_all(body.as_bytes())?;
    }
    stream.flush()?;
    Ok(keep_alive)
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
