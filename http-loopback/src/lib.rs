//! A small HTTP/1.1 server on 127.0.0.1: one accept thread, one thread per connection, one
//! request per connection (`Connection: close`), every input bounded.
//!
//! It serves the development issuer of `mcp-bearer serve-issuer` and the test servers of the
//! workspace (a local OAuth provider, a JWKS endpoint that misbehaves on demand). It routes
//! nothing itself: a [`Handler`] turns each [`Request`] into an [`Outcome`], an answer or a
//! hang-up.
//!
//! Only loopback is ever bound: the development issuer signs whatever it is asked to, and the
//! test servers have no business on other interfaces. The budget per connection is set by
//! [`Options`]; its defaults are plenty for tests and demos and keep a misbehaving client
//! from tying the process up.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The limits a server holds every connection to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The largest request line plus headers accepted; larger heads get 431.
    /// Default 16 KiB.
    pub max_head_bytes: usize,
    /// The largest request body accepted, plain or chunked; larger bodies get 413.
    /// Default 1 MiB.
    pub max_body_bytes: usize,
    /// How long a read or write on a connection may block; a request that stalls longer
    /// gets 408. Default 5 s.
    pub io_timeout: Duration,
    /// How long a closing connection keeps reading what the client still sends, so that
    /// unread request bytes do not turn the close into a reset that destroys the answer.
    /// Default 250 ms.
    pub linger: Duration,
    /// How many connections are served at once; more get 503. Default 64.
    pub max_connections: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            max_head_bytes: 16 * 1024,
            max_body_bytes: 1024 * 1024,
            io_timeout: Duration::from_secs(5),
            linger: Duration::from_millis(250),
            max_connections: 64,
        }
    }
}

/// A parsed request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    /// `GET`, `POST`, … as sent.
    pub method: String,
    /// The request target as sent: the path and, when there is one, `?` and the query.
    pub target: String,
    /// The path, without the query.
    pub path: String,
    /// The query parameters, form-decoded, in order.
    pub query: Vec<(String, String)>,
    /// The protocol version as sent, `HTTP/1.1` or `HTTP/1.0`.
    pub version: String,
    /// Header names (as sent) and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body (de-chunked when it was sent chunked).
    pub body: Vec<u8>,
}

impl Request {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The first value of query parameter `name`.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body's parameters, read as `application/x-www-form-urlencoded`, in order.
    pub fn form(&self) -> Vec<(String, String)> {
        parse_form(&self.body)
    }
}

/// An answer to send. `Content-Length` and `Connection: close` are added when it is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The headers, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Response {
    /// `status` with `body` and no headers.
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// `status` with a JSON body, never cached (RFC 6749 §5.1 asks it of token responses).
    /// The body is `json`'s `Display` form, which for a `serde_json::Value` is JSON text.
    pub fn json(status: u16, json: impl std::fmt::Display) -> Response {
        Response::new(status, json.to_string())
            .with_header("Content-Type", "application/json")
            .with_header("Cache-Control", "no-store")
    }

    /// An OAuth-style error (RFC 6749 §5.2), `{"error", "error_description"}`: what the
    /// server itself answers to a request it will not read.
    pub fn oauth_error(status: u16, error: &str, description: &str) -> Response {
        Response::json(
            status,
            format!(
                "{{\"error\":{},\"error_description\":{}}}",
                json_string(error),
                json_string(description)
            ),
        )
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
}

/// What a handler does with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Send this answer.
    Respond(Response),
    /// Close the connection without a word (a server going down mid-request).
    HangUp,
}

impl From<Response> for Outcome {
    fn from(response: Response) -> Outcome {
        Outcome::Respond(response)
    }
}

/// What a server does with each request. Any `Fn(&Request) -> R` where `R` is a [`Response`]
/// or an [`Outcome`] is one. It runs on the connection's own thread, so it may block (a slow
/// endpoint) without holding up other connections.
pub trait Handler: Send + Sync + 'static {
    /// The outcome of `request`.
    fn handle(&self, request: &Request) -> Outcome;
}

impl<F, R> Handler for F
where
    F: Fn(&Request) -> R + Send + Sync + 'static,
    R: Into<Outcome>,
{
    fn handle(&self, request: &Request) -> Outcome {
        self(request).into()
    }
}

/// A bound listening socket whose address is known before anything is served, so that a
/// handler can be built with its own URLs.
#[derive(Debug)]
pub struct Listener {
    listener: TcpListener,
    address: SocketAddr,
}

impl Listener {
    /// Binds 127.0.0.1:`port` (0 picks a free port).
    ///
    /// # Errors
    /// The bind error (port in use, …).
    pub fn bind(port: u16) -> io::Result<Listener> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))?;
        let address = listener.local_addr()?;
        Ok(Listener { listener, address })
    }

    /// The bound address.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// `http://127.0.0.1:port`.
    pub fn origin(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Serves `handler` within `options` from a thread of its own.
    ///
    /// # Errors
    /// When the thread cannot be started.
    pub fn serve(self, handler: impl Handler, options: Options) -> io::Result<Server> {
        let stopping = Arc::new(AtomicBool::new(false));
        let stop_flag = Arc::clone(&stopping);
        let handler: Arc<dyn Handler> = Arc::new(handler);
        let listener = self.listener;
        let accept_thread = std::thread::Builder::new()
            .name("http-loopback-accept".into())
            .spawn(move || accept_loop(&listener, &handler, &options, &stop_flag))?;
        Ok(Server {
            address: self.address,
            stopping,
            accept_thread: Mutex::new(Some(accept_thread)),
        })
    }
}

/// Binds 127.0.0.1:`port` (0 picks a free port) and serves `handler` with the default
/// [`Options`].
///
/// # Errors
/// The bind error, or the accept thread could not be started.
pub fn start(port: u16, handler: impl Handler) -> io::Result<Server> {
    Listener::bind(port)?.serve(handler, Options::default())
}

/// A running server; stops when dropped.
#[derive(Debug)]
pub struct Server {
    address: SocketAddr,
    stopping: Arc<AtomicBool>,
    accept_thread: Mutex<Option<JoinHandle<()>>>,
}

impl Server {
    /// The bound address.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// `http://127.0.0.1:port`.
    pub fn origin(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Stops accepting and closes the listening socket, so that later connections are
    /// refused; requests already being served finish on their own threads. Returns once the
    /// socket is closed, also when another thread is stopping the server at the same time.
    /// Stopping again does nothing. It may be called from a handler (a server going down
    /// before its answer leaves).
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        // Held until the accept thread has ended, so that a second caller waits for the
        // socket to close too.
        let mut accept_thread = self
            .accept_thread
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(thread) = accept_thread.take() {
            // The accept thread blocks in accept(): a connection of our own wakes it up to
            // see the flag. It owns the listener, which closes when the thread ends.
            let _ = TcpStream::connect_timeout(&self.address, Duration::from_secs(1));
            let _ = thread.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

fn accept_loop(
    listener: &TcpListener,
    handler: &Arc<dyn Handler>,
    options: &Options,
    stopping: &AtomicBool,
) {
    let active = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        if stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        if active.fetch_add(1, Ordering::SeqCst) >= options.max_connections {
            active.fetch_sub(1, Ordering::SeqCst);
            let busy =
                Response::oauth_error(503, "temporarily_unavailable", "too many connections");
            let _ = serve_rejection(stream, &busy, options);
            continue;
        }
        let handler = Arc::clone(handler);
        let options = options.clone();
        let counter = Arc::clone(&active);
        let spawned = std::thread::Builder::new()
            .name("http-loopback-conn".into())
            .spawn(move || {
                let _ = serve_connection(stream, handler.as_ref(), &options);
                counter.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            active.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

fn serve_rejection(
    mut stream: TcpStream,
    response: &Response,
    options: &Options,
) -> io::Result<()> {
    stream.set_write_timeout(Some(options.io_timeout))?;
    write_response(&mut stream, response)
}

fn serve_connection(stream: TcpStream, handler: &dyn Handler, options: &Options) -> io::Result<()> {
    stream.set_read_timeout(Some(options.io_timeout))?;
    stream.set_write_timeout(Some(options.io_timeout))?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let outcome = match read_request(&mut reader, &mut writer, options) {
        Ok(request) => handler.handle(&request),
        Err(bad) => Outcome::Respond(bad),
    };
    let response = match outcome {
        Outcome::Respond(response) => response,
        Outcome::HangUp => return writer.shutdown(Shutdown::Both),
    };
    write_response(&mut writer, &response)?;
    writer.flush()?;
    let _ = writer.shutdown(Shutdown::Write);
    // Lingering close: unread request bytes (a rejected oversized request) would make the
    // kernel answer with a reset, which can destroy the response before the client reads
    // it. Drain for a bounded time and amount, then close.
    let deadline = Instant::now() + options.linger;
    let mut drained = 0usize;
    let mut scratch = [0u8; 8192];
    while drained < options.max_body_bytes {
        let left = deadline.saturating_duration_since(Instant::now());
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
    options: &Options,
) -> Result<Request, Response> {
    let bad = |what: &str| Response::oauth_error(400, "invalid_request", what);
    let mut head_bytes = 0usize;
    let request_line = read_line(reader, &mut head_bytes, options.max_head_bytes)?;
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
        let line = read_line(reader, &mut head_bytes, options.max_head_bytes)?;
        if line.is_empty() {
            break;
        }
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| bad("malformed header line"))?;
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut request = Request {
        method: method.to_owned(),
        target: target.to_owned(),
        path: path.to_owned(),
        query: parse_form(query.as_bytes()),
        version: version.to_owned(),
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
        read_chunked(reader, options)?
    } else {
        let length = match request.header("content-length") {
            None => 0,
            Some(v) => v
                .parse::<usize>()
                .map_err(|_| bad("invalid Content-Length"))?,
        };
        if length > options.max_body_bytes {
            return Err(too_large(options));
        }
        let mut body = vec![0; length];
        reader
            .read_exact(&mut body)
            .map_err(|_| bad("the body is shorter than its Content-Length"))?;
        body
    };
    Ok(request)
}

fn too_large(options: &Options) -> Response {
    Response::oauth_error(
        413,
        "invalid_request",
        &format!(
            "the request body is larger than {}",
            byte_size(options.max_body_bytes)
        ),
    )
}

/// Reads one CRLF-terminated line, counting it against the head budget `limit`.
fn read_line(
    reader: &mut BufReader<TcpStream>,
    used: &mut usize,
    limit: usize,
) -> Result<String, Response> {
    let mut line = Vec::new();
    let budget = limit.saturating_sub(*used) as u64;
    let read = reader
        .by_ref()
        .take(budget + 1)
        .read_until(b'\n', &mut line)
        .map_err(|_| {
            Response::oauth_error(408, "invalid_request", "timed out reading the request")
        })?;
    *used += read;
    if *used > limit {
        return Err(Response::oauth_error(
            431,
            "invalid_request",
            &format!("the request head is larger than {}", byte_size(limit)),
        ));
    }
    if !line.ends_with(b"\n") {
        return Err(Response::oauth_error(
            400,
            "invalid_request",
            "the connection closed mid-request",
        ));
    }
    while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        line.pop();
    }
    String::from_utf8(line)
        .map_err(|_| Response::oauth_error(400, "invalid_request", "the request head is not UTF-8"))
}

/// Reads a chunked body (RFC 9112 §7.1), within the body budget. Chunk-size lines and
/// trailers share a head budget of their own.
fn read_chunked(reader: &mut BufReader<TcpStream>, options: &Options) -> Result<Vec<u8>, Response> {
    let bad = || Response::oauth_error(400, "invalid_request", "malformed chunked body");
    let mut body = Vec::new();
    let mut head_used = 0usize;
    loop {
        let size_line = read_line(reader, &mut head_used, options.max_head_bytes)?;
        let size_text = size_line.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| bad())?;
        if size == 0 {
            // Trailers, up to the empty line.
            while !read_line(reader, &mut head_used, options.max_head_bytes)?.is_empty() {}
            return Ok(body);
        }
        if body.len().saturating_add(size) > options.max_body_bytes {
            return Err(too_large(options));
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
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
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
        // A stray newline must never split a header, whoever built the value.
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

/// `application/x-www-form-urlencoded` parameters (the WHATWG URL standard's parser, as the
/// `url` crate has it): `&`-separated, empty pieces skipped, `+` a space, `%XX` a byte, a
/// broken escape kept as it is, invalid UTF-8 replaced.
fn parse_form(input: &[u8]) -> Vec<(String, String)> {
    input
        .split(|b| *b == b'&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let (name, value) = match piece.iter().position(|b| *b == b'=') {
                Some(i) => (&piece[..i], &piece[i + 1..]),
                None => (piece, &[][..]),
            };
            (form_decode(name), form_decode(value))
        })
        .collect()
}

fn form_decode(input: &[u8]) -> String {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'+' => out.push(b' '),
            b'%' => match (
                input.get(i + 1).and_then(|b| hex_value(*b)),
                input.get(i + 2).and_then(|b| hex_value(*b)),
            ) {
                (Some(high), Some(low)) => {
                    out.push((high << 4) | low);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_value(digit: u8) -> Option<u8> {
    char::from(digit)
        .to_digit(16)
        .and_then(|v| u8::try_from(v).ok())
}

/// `value` as a JSON string literal, escaped as `serde_json` escapes it.
fn json_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `bytes` the way a person writes a limit: `16 KiB`, `1 MiB`, `1000 bytes`.
fn byte_size(bytes: usize) -> String {
    const KIB: usize = 1024;
    const MIB: usize = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sends `raw` to `server` and reads the whole answer.
    fn exchange(server: &Server, raw: &[u8]) -> String {
        let mut stream =
            TcpStream::connect_timeout(&server.address(), Duration::from_secs(5)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let _ = stream.write_all(raw);
        let mut reply = String::new();
        let _ = stream.read_to_string(&mut reply);
        reply
    }

    fn echo(request: &Request) -> Response {
        let body = format!(
            "{} {} {} {:?} {:?} {}",
            request.method,
            request.path,
            request.version,
            request.query,
            request.header("x-name"),
            String::from_utf8_lossy(&request.body)
        );
        Response::new(200, body).with_header("X-Bad", "a\r\nInjected: yes")
    }

    #[test]
    fn parses_the_request_and_frames_the_answer() {
        let server = start(0, echo).unwrap();
        let reply = exchange(
            &server,
            b"POST /p?a=1&b=x+y%21&c HTTP/1.1\r\nX-Name:  v \r\nContent-Length: 4\r\n\r\nbody",
        );
        assert!(reply.starts_with("HTTP/1.1 200 OK\r\n"), "{reply}");
        assert!(reply.contains("\r\nX-Bad: aInjected: yes\r\n"), "{reply}");
        assert!(reply.contains("Connection: close\r\n"), "{reply}");
        assert!(
            reply.ends_with(
                "POST /p HTTP/1.1 [(\"a\", \"1\"), (\"b\", \"x y!\"), (\"c\", \"\")] \
                 Some(\"v\") body"
            ),
            "{reply}"
        );
    }

    #[test]
    fn reads_chunked_bodies_and_refuses_what_is_too_large() {
        let options = Options {
            max_head_bytes: 1024,
            max_body_bytes: 8,
            ..Options::default()
        };
        let server = Listener::bind(0).unwrap().serve(echo, options).unwrap();
        let chunked = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
        assert!(exchange(&server, chunked).ends_with(" abc"));
        let big_body = b"POST / HTTP/1.1\r\nContent-Length: 9\r\n\r\n123456789";
        let reply = exchange(&server, big_body);
        assert!(reply.starts_with("HTTP/1.1 413 "), "{reply}");
        assert!(
            reply.ends_with(
                r#"{"error":"invalid_request","error_description":"the request body is larger than 8 bytes"}"#
            ),
            "{reply}"
        );
        let big_head = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(2000));
        let reply = exchange(&server, big_head.as_bytes());
        assert!(reply.contains("larger than 1 KiB"), "{reply}");
        assert!(exchange(&server, b"NONSENSE\r\n\r\n").starts_with("HTTP/1.1 400 "));
    }

    #[test]
    fn a_hang_up_sends_nothing_and_stop_refuses_later_connections() {
        let server = start(0, |_: &Request| Outcome::HangUp).unwrap();
        assert_eq!(exchange(&server, b"GET / HTTP/1.1\r\n\r\n"), "");
        let address = server.address();
        server.stop();
        server.stop();
        assert!(TcpStream::connect_timeout(&address, Duration::from_secs(1)).is_err());
    }

    #[test]
    fn a_handler_may_stop_its_own_server() {
        let slot: Arc<Mutex<Option<Arc<Server>>>> = Arc::new(Mutex::new(None));
        let for_handler = Arc::clone(&slot);
        let server = Arc::new(
            start(0, move |_: &Request| {
                if let Some(server) = for_handler.lock().unwrap().clone() {
                    server.stop();
                }
                Response::new(200, "bye")
            })
            .unwrap(),
        );
        *slot.lock().unwrap() = Some(Arc::clone(&server));
        assert!(exchange(&server, b"GET / HTTP/1.1\r\n\r\n").ends_with("bye"));
        assert!(TcpStream::connect_timeout(&server.address(), Duration::from_secs(1)).is_err());
        slot.lock().unwrap().take();
    }

    #[test]
    fn json_strings_are_escaped_like_serde_json() {
        assert_eq!(json_string("a\"b\\c\n\u{1}§"), r#""a\"b\\c\n\u0001§""#);
        assert_eq!(byte_size(16 * 1024), "16 KiB");
        assert_eq!(byte_size(1024 * 1024), "1 MiB");
    }
}
