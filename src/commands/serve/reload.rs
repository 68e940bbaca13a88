//! Live reload: every HTML response carries a small script that long-polls
//! `<base>__brief/events?since=GENERATION`; the request is held until a build
//! bumps the generation (or [`POLL_TIMEOUT`] passes), and the page reloads
//! when the answer names another generation.

use std::time::{Duration, Instant};

use tiny_http::ResponseBox;

use super::{header, respond_bytes, Shared};

/// Site path (below the base path) of the long-poll endpoint.
pub const EVENTS_PATH: &str = "__brief/events";
/// Site path (below the base path) of the live-reload script.
pub const SCRIPT_PATH: &str = "__brief/livereload.js";
/// How long a long-poll request is held open before answering "no change".
pub const POLL_TIMEOUT: Duration = Duration::from_secs(25);

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

/// The long-poll endpoint: answers with the build generation as soon as it
/// differs from `since`, or after [`POLL_TIMEOUT`].
pub(super) fn events(shared: &Shared, query: Option<&str>) -> ResponseBox {
    let since: Option<u64> = query.and_then(|q| {
        q.split('&')
            .find_map(|kv| kv.strip_prefix("since="))
            .and_then(|v| v.parse().ok())
    });
    let deadline = Instant::now() + POLL_TIMEOUT;
    let mut st = shared.lock();
    if let Some(since) = since {
        while st.generation == since && !st.shutdown {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            st = shared
                .changed
                .wait_timeout(st, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
    let body = format!(
        "{{\"generation\":{},\"ok\":{}}}",
        st.generation,
        st.error_page.is_none()
    );
    drop(st);
    respond_bytes(200, "application/json", body.into_bytes())
        .with_header(header("Cache-Control", "no-store"))
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
