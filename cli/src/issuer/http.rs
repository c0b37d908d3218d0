//! A small HTTP/1.1 server on loopback for the development issuer: one thread per
//! connection, one request per connection (`Connection: close`), every input bounded.
//!
//! Budget per connection: request line and headers 16 KiB, body 1 MiB, 5 s read and write
//! timeouts, at most 64 connections at once (more get 503). That is plenty for tests and
//! demos and keeps a misbehaving client from tying the process up.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

/// The largest request line plus headers accepted.
const MAX_HEAD_BYTES: usize = 16 * 1024;
/// The largest request body accepted.
const MAX_BODY_BYTES: usize = 1024 * 1024;
/// How long a read or write on a connection may block.
const IO_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a closing connection waits for the client to finish sending.
const LINGER: Duration = Duration::from_millis(250);
/// How many connections are served at once.
const MAX_CONNECTIONS: usize = 64;

/// A parsed request.
#[derive(Debug, Clone, Default)]
pub(crate) struct Request {
    /// `GET`, `POST`, … as sent.
    pub(crate) method: String,
    /// The path, without the query.
    pub(crate) path: String,
    /// The decoded query parameters.
    pub(crate) query: Vec<(String, String)>,
    /// Header names (as sent) and values.
    pub(crate) headers: Vec<(String, String)>,
    /// The body.
    pub(crate) body: Vec<u8>,
}

impl Request {
    /// The first value of header `name` (case-insensitive).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The first value of query parameter `name`.
    pub(crate) fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A response to send.
#[derive(Debug, Clone)]
pub(crate) struct Response {
    /// The status code.
    pub(crate) status: u16,
    /// Extra headers (Content-Length and Connection are added).
    pub(crate) headers: Vec<(String, String)>,
    /// The body.
    pub(crate) body: Vec<u8>,
}

impl Response {
    /// A JSON response.
    pub(crate) fn json(status: u16, value: &serde_json::Value) -> Response {
        Response {
            status,
            headers: vec![
                ("Content-Type".into(), "application/json".into()),
                ("Cache-Control".into(), "no-store".into()),
            ],
            body: value.to_string().into_bytes(),
        }
    }

    /// An OAuth-style error (`{"error", "error_description"}`).
    pub(crate) fn error(status: u16, error: &str, description: &str) -> Response {
        Response::json(
            status,
            &serde_json::json!({ "error": error, "error_description": description }),
        )
    }

    /// Adds a header.
    pub(crate) fn with_header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// What serves requests.
pub(crate) type Handler = Arc<dyn Fn(&Request) -> Response + Send + Sync>;

/// A running server; stops when dropped.
pub(crate) struct HttpServer {
    address: SocketAddr,
    stopping: Arc<AtomicBool>,
    accept_thread: Option<JoinHandle<()>>,
}

impl HttpServer {
    /// Binds 127.0.0.1:`port` (0 picks a free port). Only loopback is ever bound: the
    /// development issuer signs whatever it is asked to.
    ///
    /// # Errors
    /// The bind error (port in use, …).
    pub(crate) fn bind(port: u16) -> io::Result<TcpListener> {
        TcpListener::bind((Ipv4Addr::LOCALHOST, port))
    }

    /// Serves `handler` on `listener` from a thread of its own.
    ///
    /// # Errors
    /// When the listener has no address or the thread cannot be started.
    pub(crate) fn start(listener: TcpListener, handler: Handler) -> io::Result<HttpServer> {
        let address = listener.local_addr()?;
        let stopping = Arc::new(AtomicBool::new(false));
        let stop_flag = Arc::clone(&stopping);
        let accept_thread = std::thread::Builder::new()
            .name("issuer-accept".into())
            .spawn(move || accept_loop(&listener, &handler, &stop_flag))?;
        Ok(HttpServer {
            address,
            stopping,
            accept_thread: Some(accept_thread),
        })
    }

    /// The bound address.
    pub(crate) fn address(&self) -> SocketAddr {
        self.address
    }

    /// Stops accepting connections and waits for the accept thread.
    pub(crate) fn stop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        // The accept thread blocks in accept(): a connection of our own wakes it up.
        let _ = TcpStream::connect_timeout(&self.address, Duration::from_secs(1));
        if let Some(thread) = self.accept_thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn accept_loop(listener: &TcpListener, handler: &Handler, stopping: &AtomicBool) {
    let active = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        if stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        if active.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            active.fetch_sub(1, Ordering::SeqCst);
            let busy = Response::error(503, "temporarily_unavailable", "too many connections");
            let _ = serve_rejection(stream, &busy);
            continue;
        }
        let handler = Arc::clone(handler);
        let counter = Arc::clone(&active);
        let spawned = std::thread::Builder::new()
            .name("issuer-conn".into())
            .spawn(move || {
                let _ = serve_connection(stream, &handler);
                counter.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            active.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

fn serve_rejection(mut stream: TcpStream, response: &Response) -> io::Result<()> {
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    write_response(&mut stream, response)
}

fn serve_connection(stream: TcpStream, handler: &Handler) -> io::Result<()> {
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let response = match read_request(&mut reader, &mut writer) {
        Ok(request) => handler(&request),
        Err(bad) => bad,
    };
    write_response(&mut writer, &response)?;
    writer.flush()?;
    let _ = writer.shutdown(Shutdown::Write);
    // Lingering close: unread request bytes (a rejected oversized request) would make the
    // kernel answer with a reset, which can destroy the response before the client reads
    // it. Drain for a bounded time and amount, then close.
    let deadline = std::time::Instant::now() + LINGER;
    let mut drained = 0usize;
    let mut scratch = [0u8; 8192];
    while drained < MAX_BODY_BYTES {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() || reader.get_ref().set_read_timeout(Some(left)).is_err() {
            break;
        }
        match reader.read(&mut scratch) {
            Ok(0) | Err(_) => break,
            Ok(n) => drained += n,
        }
    }
    Ok(())
}

/// Reads one request; an `Err` is the error response to send.
fn read_request(
    reader: &mut BufReader<TcpStream>,
    writer: &mut TcpStream,
) -> Result<Request, Response> {
    let bad = |what: &str| Response::error(400, "invalid_request", what);
    let mut head_bytes = 0usize;
    let request_line = read_line(reader, &mut head_bytes)?;
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(bad("malformed request line"));
    };
    if !version.starts_with("HTTP/1.") || method.is_empty() {
        return Err(bad("only HTTP/1.x is served"));
    }
    let mut headers = Vec::new();
    loop {
        let line = read_line(reader, &mut head_bytes)?;
        if line.is_empty() {
            break;
        }
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| bad("malformed header line"))?;
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path, query),
        None => (target, ""),
    };
    let mut request = Request {
        method: method.to_owned(),
        path: path.to_owned(),
        query: url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect(),
        headers,
        body: Vec::new(),
    };
    if request
        .header("expect")
        .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
    {
        let _ = writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
    }
    let chunked = request
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    request.body = if chunked {
        read_chunked(reader)?
    } else {
        let length = match request.header("content-length") {
            None => 0,
            Some(v) => v
                .parse::<usize>()
                .map_err(|_| bad("invalid Content-Length"))?,
        };
        if length > MAX_BODY_BYTES {
            return Err(too_large());
        }
        let mut body = vec![0; length];
        reader
            .read_exact(&mut body)
            .map_err(|_| bad("the body is shorter than its Content-Length"))?;
        body
    };
    Ok(request)
}

fn too_large() -> Response {
    Response::error(
        413,
        "invalid_request",
        "the request body is larger than 1 MiB",
    )
}

/// Reads one CRLF-terminated line, counting it against the head budget.
fn read_line(reader: &mut BufReader<TcpStream>, used: &mut usize) -> Result<String, Response> {
    let mut line = Vec::new();
    let budget = MAX_HEAD_BYTES.saturating_sub(*used) as u64;
    let read = reader
        .by_ref()
        .take(budget + 1)
        .read_until(b'\n', &mut line)
        .map_err(|_| Response::error(408, "invalid_request", "timed out reading the request"))?;
    *used += read;
    if *used > MAX_HEAD_BYTES {
        return Err(Response::error(
            431,
            "invalid_request",
            "the request head is larger than 16 KiB",
        ));
    }
    if !line.ends_with(b"\n") {
        return Err(Response::error(
            400,
            "invalid_request",
            "the connection closed mid-request",
        ));
    }
    while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        line.pop();
    }
    String::from_utf8(line)
        .map_err(|_| Response::error(400, "invalid_request", "the request head is not UTF-8"))
}

/// Reads a chunked body (RFC 9112 §7.1), within the body budget.
fn read_chunked(reader: &mut BufReader<TcpStream>) -> Result<Vec<u8>, Response> {
    let bad = || Response::error(400, "invalid_request", "malformed chunked body");
    let mut body = Vec::new();
    let mut head_used = 0usize;
    loop {
        let size_line = read_line(reader, &mut head_used)?;
        let size_text = size_line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| bad())?;
        if size == 0 {
            // Trailers, up to the empty line.
            while !read_line(reader, &mut head_used)?.is_empty() {}
            return Ok(body);
        }
        if body.len().saturating_add(size) > MAX_BODY_BYTES {
            return Err(too_large());
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..]).map_err(|_| bad())?;
        let mut crlf = [0u8; 2];
        reader.read_exact(&mut crlf).map_err(|_| bad())?;
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

fn write_response(stream: &mut TcpStream, response: &Response) -> io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason(response.status)
    );
    for (name, value) in &response.headers {
        // Values come from this program, but a stray newline must never split a header.
        let value: String = value.chars().filter(|c| *c != '\r' && *c != '\n').collect();
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        response.body.len()
    ));
    stream.write_all(head.as_bytes())?;
    stream.write_all(&response.body)
}
