//! Live reload: every HTML response carries a small script that long-polls
//! `<base>__brief/events?since=GENERATION`; the request is held until a build
//! bumps the generation (or [`POLL_TIMEOUT`] passes), and the page reloads
//! when the answer names another generation.
//!
//! Waiting polls hold none of the request slots of pages, at most
//! [`MAX_POLLS`] wait at once, and each ends as soon as its client goes away
//! (see [`hold`]).

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http_body_util::BodyExt;
use hyper::body::{Body, Bytes, Frame, SizeHint};

use super::{boxed, respond_bytes, with_header, Counted, Reply, Response, Shared, State};

/// Site path (below the base path) of the long-poll endpoint.
pub const EVENTS_PATH: &str = "__brief/events";
/// Site path (below the base path) of the live-reload script.
pub const SCRIPT_PATH: &str = "__brief/livereload.js";
/// How long a long-poll request is held open before answering "no change".
pub const POLL_TIMEOUT: Duration = Duration::from_secs(25);
/// Long polls waiting at once; more are answered 503 (the script retries
/// after a pause). They hold none of the page-request slots.
pub const MAX_POLLS: usize = 256;

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
    with_header(
        respond_bytes(200, "application/json", body.into_bytes()),
        "Cache-Control",
        "no-store",
    )
}

/// A poll refused because [`MAX_POLLS`] are waiting: the script retries
/// after a pause.
fn too_many_polls() -> Response {
    with_header(
        respond_bytes(
            503,
            "text/plain; charset=utf-8",
            b"503 Service Unavailable: too many live-reload connections\n".to_vec(),
        ),
        "Retry-After",
        "1",
    )
}

/// A long poll (`since` given): answered at once when the generation is
/// another already; else the status line and headers go at once, and the
/// body (the generation) once it differs from `since`, the server stops or
/// [`POLL_TIMEOUT`] passes. It holds no page-request slot. hyper sends the
/// body as a chunk for HTTP/1.1, or up to the close of the connection for
/// HTTP/1.0; when the client closes the connection, hyper drops the body,
/// and the poll's place is free there and then. At most [`MAX_POLLS`] wait
/// at once; another gets a 503 with `Retry-After`.
pub(super) async fn hold(shared: Arc<Shared>, since: u64) -> Reply {
    if shared.lock().generation != since {
        return boxed(events_now(&shared));
    }
    if shared.polls.fetch_add(1, Ordering::SeqCst) >= MAX_POLLS {
        shared.polls.fetch_sub(1, Ordering::SeqCst);
        return boxed(too_many_polls());
    }
    let wait = async move {
        let _slot = Counted(&shared.polls);
        Bytes::from(wait_for_change(&shared, since).await)
    };
    let template = events_now_headers();
    let mut reply = hyper::Response::new(
        Later {
            body: Some(Box::pin(wait)),
        }
        .boxed(),
    );
    *reply.headers_mut() = template;
    reply
}

/// The headers of [`events_now`].
fn events_now_headers() -> hyper::HeaderMap {
    let r = with_header(
        respond_bytes(200, "application/json", Vec::new()),
        "Cache-Control",
        "no-store",
    );
    r.into_parts().0.headers
}

/// The answer once the generation differs from `since`, the server stops or
/// [`POLL_TIMEOUT`] passes.
async fn wait_for_change(shared: &Shared, since: u64) -> String {
    // Subscribed before the state is read: no change is missed in between.
    let mut changed = shared.changed.subscribe();
    let deadline = tokio::time::Instant::now() + POLL_TIMEOUT;
    loop {
        {
            let st = shared.lock();
            if st.generation != since || st.shutdown {
                return answer_body(&st);
            }
        }
        match tokio::time::timeout_at(deadline, changed.changed()).await {
            Ok(Ok(())) => {}
            _ => return answer_body(&shared.lock()),
        }
    }
}

/// A body of one frame, sent when its future ends.
struct Later {
    body: Option<Pin<Box<dyn Future<Output = Bytes> + Send + Sync>>>,
}

impl Body for Later {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let Some(body) = self.body.as_mut() else {
            return Poll::Ready(None);
        };
        let data = std::task::ready!(body.as_mut().poll(cx));
        self.body = None;
        Poll::Ready(Some(Ok(Frame::data(data))))
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
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
