//! The HTTP/1.1 of `brief serve`: just what a preview server on loopback
//! needs (`GET` and `HEAD` of files, a long poll), on `std::net`, so that
//! every connection, its timeouts and its end are under our control.
//!
//! * Each connection has a thread of its own, at most [`MAX_CONNECTIONS`] at
//!   once (more are answered 503 and closed). A connection that sends nothing
//!   for [`IDLE_TIMEOUT`] is closed: the wait for a request and the reading
//!   of its head end at one deadline ([`DeadlineReader`]), however slowly the
//!   bytes trickle in. So is one that reads a response more slowly than
//!   [`WRITE_TIMEOUT`] allows.
//! * Keep-alive as RFC 9112 §9.3 says: an HTTP/1.1 connection persists
//!   unless either side says `Connection: close`; an HTTP/1.0 one only when
//!   the request asks for `keep-alive`, and the response then says so too.
//!   Every response says `Connection: keep-alive` or `close`, and the server
//!   closes the connection after a `close`.
//! * Requests with a body (no method we serve has one) are answered, then the
//!   connection is closed rather than the body read.

use std::fs::File;
use std::io::{self, BufRead, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// Connections open at once.
pub const MAX_CONNECTIONS: usize = 1024;
/// How long a connection may wait between requests, or take to send one.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(15);
/// How long one write to a client may block.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(20);
/// Longest request line or header line.
const MAX_LINE: u64 = 8 * 1024;
/// Most header lines in a request.
const MAX_HEADERS: usize = 100;

pub enum Body {
    Bytes(Vec<u8>),
    File(File, u64),
}

/// A response: status, headers (without the framing ones, which
/// [`write_response`] adds), body.
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Body,
}

impl Response {
    pub fn new(status: u16, headers: Vec<(String, String)>, body: Body) -> Response {
        Response {
            status,
            headers,
            body,
        }
    }

    /// Sets a header, replacing any of the same name.
    pub fn with_header(mut self, name: &str, value: &str) -> Response {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    fn len(&self) -> u64 {
        match &self.body {
            Body::Bytes(b) => b.len() as u64,
            Body::File(_, len) => *len,
        }
    }
}

/// A request's head.
pub struct Request {
    pub method: String,
    pub target: String,
    /// HTTP/1.1 (else HTTP/1.0).
    pub http11: bool,
    /// Whether the connection may carry another request after this one.
    pub keep_alive: bool,
}

/// Why no request was read.
pub enum ReadError {
    /// The client closed the connection, or was idle too long: close quietly.
    Closed,
    /// A malformed request: answer with this status, then close.
    Bad(u16),
}

/// One line, without its line ending; `Bad(431)` when longer than
/// [`MAX_LINE`].
fn read_line(reader: &mut impl BufRead) -> Result<String, ReadError> {
    let mut buf = Vec::new();
    match reader.by_ref().take(MAX_LINE).read_until(b'\n', &mut buf) {
        Ok(0) | Err(_) => return Err(ReadError::Closed),
        Ok(_) => {}
    }
    if !buf.ends_with(b"\n") {
        return Err(if buf.len() as u64 >= MAX_LINE {
            ReadError::Bad(431)
        } else {
            ReadError::Closed
        });
    }
    buf.pop();
    if buf.ends_with(b"\r") {
        buf.pop();
    }
    String::from_utf8(buf).map_err(|_| ReadError::Bad(400))
}

/// The reading side of a connection: every read fails once the deadline
/// has passed, and waits no longer than until it.
pub struct DeadlineReader {
    stream: TcpStream,
    deadline: Instant,
}

impl DeadlineReader {
    pub fn new(stream: TcpStream) -> DeadlineReader {
        DeadlineReader {
            stream,
            deadline: Instant::now(),
        }
    }

    pub fn set_deadline(&mut self, deadline: Instant) {
        self.deadline = deadline;
    }
}

impl Read for DeadlineReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        self.stream.set_read_timeout(Some(left))?;
        self.stream.read(buf)
    }
}

/// Reads the next request's head. Empty lines before it are skipped
/// (RFC 9112 §2.2).
pub fn read_request(reader: &mut impl BufRead) -> Result<Request, ReadError> {
    let mut line = read_line(reader)?;
    let mut blank = 0;
    while line.is_empty() {
        blank += 1;
        if blank > 4 {
            return Err(ReadError::Bad(400));
        }
        line = read_line(reader)?;
    }
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ReadError::Bad(400));
    };
    // The target is visible ASCII (RFC 9112 §3.2): none of it can break a
    // header line when it comes back in a `Location`.
    if method.is_empty()
        || !method.bytes().all(|b| b.is_ascii_alphabetic())
        || target.is_empty()
        || !target.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(ReadError::Bad(400));
    }
    let http11 = match version {
        "HTTP/1.1" => true,
        "HTTP/1.0" => false,
        v if v.starts_with("HTTP/") => return Err(ReadError::Bad(505)),
        _ => return Err(ReadError::Bad(400)),
    };
    let mut close = false;
    let mut keep_alive_token = false;
    let mut has_body = false;
    let mut count = 0;
    loop {
        let line = read_line(reader)?;
        if line.is_empty() {
            break;
        }
        count += 1;
        if count > MAX_HEADERS {
            return Err(ReadError::Bad(431));
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(ReadError::Bad(400));
        };
        if name.is_empty() || name.ends_with([' ', '\t']) {
            return Err(ReadError::Bad(400));
        }
        let value = value.trim();
        if name.eq_ignore_ascii_case("connection") {
            for token in value.split(',').map(str::trim) {
                close |= token.eq_ignore_ascii_case("close");
                keep_alive_token |= token.eq_ignore_ascii_case("keep-alive");
            }
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            has_body = true;
        } else if name.eq_ignore_ascii_case("content-length") {
            has_body |= value != "0";
        }
    }
    let keep_alive = !close && !has_body && (http11 || keep_alive_token);
    Ok(Request {
        method: method.to_string(),
        target: target.to_string(),
        http11,
        keep_alive,
    })
}

pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

/// How a response's body ends.
pub enum Framing {
    Length(u64),
    /// HTTP/1.1 only.
    Chunked,
    /// At the close of the connection.
    Close,
}

/// Writes the status line and headers, with the framing and `Connection`
/// ones (`close` whatever `keep_alive` says when the body ends with the
/// connection).
pub fn write_head(
    out: &mut impl Write,
    status: u16,
    headers: &[(String, String)],
    framing: Framing,
    keep_alive: bool,
) -> io::Result<()> {
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    let keep_alive = match framing {
        Framing::Length(len) => {
            head.push_str(&format!("Content-Length: {len}\r\n"));
            keep_alive
        }
        Framing::Chunked => {
            head.push_str("Transfer-Encoding: chunked\r\n");
            keep_alive
        }
        Framing::Close => false,
    };
    let connection = if keep_alive { "keep-alive" } else { "close" };
    head.push_str(&format!("Connection: {connection}\r\n\r\n"));
    out.write_all(head.as_bytes())
}

/// Writes a whole response (no body for `HEAD`).
pub fn write_response(
    out: &mut TcpStream,
    head_only: bool,
    keep_alive: bool,
    response: Response,
) -> io::Result<()> {
    let len = response.len();
    let mut buffered = io::BufWriter::new(&mut *out);
    write_head(
        &mut buffered,
        response.status,
        &response.headers,
        Framing::Length(len),
        keep_alive,
    )?;
    if !head_only {
        match response.body {
            Body::Bytes(b) => buffered.write_all(&b)?,
            Body::File(f, len) => {
                let copied = io::copy(&mut f.take(len), &mut buffered)?;
                if copied != len {
                    // The file shrank while being sent: the promised length
                    // cannot be kept, so the connection must end.
                    return Err(io::Error::other("file changed while being sent"));
                }
            }
        }
    }
    buffered.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Request, u16> {
        read_request(&mut text.as_bytes()).map_err(|e| match e {
            ReadError::Closed => 0,
            ReadError::Bad(status) => status,
        })
    }

    fn keeps(text: &str) -> bool {
        parse(text).expect("a request").keep_alive
    }

    #[test]
    fn keep_alive_as_the_spec_says() {
        assert!(keeps("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
        assert!(!keeps("GET / HTTP/1.1\r\nConnection: close\r\n\r\n"));
        assert!(!keeps(
            "GET / HTTP/1.1\r\nconnection: Upgrade, Close\r\n\r\n"
        ));
        assert!(!keeps("GET / HTTP/1.0\r\n\r\n"));
        assert!(!keeps("GET / HTTP/1.0\r\nConnection: foo\r\n\r\n"));
        assert!(keeps("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"));
        // A body is not read: the connection ends after the response.
        assert!(!keeps("POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc"));
        assert!(!keeps(
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        ));
        assert!(keeps("GET / HTTP/1.1\nContent-Length: 0\n\n"));
    }

    /// A client that sends a byte now and then cannot keep the connection
    /// past the deadline.
    #[test]
    fn trickling_heads_meet_the_deadline() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let client = std::thread::spawn(move || {
            let mut c = TcpStream::connect(addr).unwrap();
            for _ in 0..40 {
                if c.write_all(b"G").is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        });
        let (stream, _) = listener.accept().unwrap();
        let mut reader = DeadlineReader::new(stream);
        let started = Instant::now();
        reader.set_deadline(started + Duration::from_millis(300));
        let result = read_request(&mut io::BufReader::new(reader));
        assert!(matches!(result, Err(ReadError::Closed)));
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "{:?}",
            started.elapsed()
        );
        client.join().unwrap();
    }

    #[test]
    fn request_heads() {
        let rq = parse("\r\nHEAD /a?b HTTP/1.1\r\n\r\n").unwrap();
        assert_eq!((rq.method.as_str(), rq.target.as_str()), ("HEAD", "/a?b"));
        assert!(rq.http11);
        assert_eq!(parse("").err(), Some(0));
        assert_eq!(parse("GET / HTTP/1.1\r\nHost: a\r\n").err(), Some(0));
        assert_eq!(parse("GET / HTTP/2.0\r\n\r\n").err(), Some(505));
        assert_eq!(parse("GET /\r\n\r\n").err(), Some(400));
        assert_eq!(parse("GET  / HTTP/1.1\r\n\r\n").err(), Some(400));
        assert_eq!(parse("GET /a?\rX:y HTTP/1.1\r\n\r\n").err(), Some(400));
        assert_eq!(parse("GET /\u{e9} HTTP/1.1\r\n\r\n").err(), Some(400));
        assert_eq!(parse("GET / HTTP/1.1\r\nno colon\r\n\r\n").err(), Some(400));
        assert_eq!(parse("GET / HTTP/1.1\r\nHost : a\r\n\r\n").err(), Some(400));
        let long = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(9000));
        assert_eq!(parse(&long).err(), Some(431));
        let many = format!("GET / HTTP/1.1\r\n{}\r\n", "X: y\r\n".repeat(101));
        assert_eq!(parse(&many).err(), Some(431));
    }
}
