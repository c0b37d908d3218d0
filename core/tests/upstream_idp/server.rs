//! A small real HTTP/1.1 server on 127.0.0.1 for the end-to-end tests: one accept thread, one
//! thread per connection, `Connection: close` on every answer, so every request the core's
//! `UreqFetch` sends is one connection. Requests and bodies are bounded; reads time out.
//!
//! It routes nothing itself: a [`Handler`] turns each [`Request`] into a [`Response`].

use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::Value;

/// The largest request head and body read.
const MAX_HEAD_BYTES: usize = 64 * 1024;
const MAX_BODY_BYTES: usize = 1024 * 1024;
/// How long a connection may stay silent before it is dropped.
const READ_TIMEOUT: Duration = Duration::from_secs(5);

/// A parsed request.
#[derive(Debug)]
pub(crate) struct Request {
    pub(crate) method: String,
    /// The path, without the query.
    pub(crate) path: String,
    /// The query parameters, form-decoded, in order.
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(String, String)>,
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

    /// The form-encoded body's parameters, in order.
    pub(crate) fn form(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(&self.body)
            .into_owned()
            .collect()
    }

    /// `METHOD /path`, the key the handlers count requests by.
    pub(crate) fn route(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// The first value of `name` among `params`.
pub(crate) fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Every value of `name` among `params`.
pub(crate) fn params<'a>(params: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    params
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// An answer.
#[derive(Debug, Clone)]
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Response {
    /// `status` with a JSON body; never cached (RFC 6749 §5.1 asks it of token responses).
    pub(crate) fn json(status: u16, body: &Value) -> Response {
        Response::json_text(status, body.to_string())
    }

    /// `status` with `body`, already JSON text.
    pub(crate) fn json_text(status: u16, body: String) -> Response {
        Response {
            status,
            headers: vec![
                ("Content-Type".into(), "application/json".into()),
                ("Cache-Control".into(), "no-store".into()),
            ],
            body: body.into_bytes(),
        }
    }

    /// 302 to `location`.
    pub(crate) fn redirect(location: &str) -> Response {
        Response {
            status: 302,
            headers: vec![("Location".into(), location.to_owned())],
            body: Vec::new(),
        }
    }

    /// 404.
    pub(crate) fn not_found() -> Response {
        Response::json(404, &serde_json::json!({"error": "not_found"}))
    }

    /// Adds a header.
    pub(crate) fn with_header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
}

/// What a server does with each request.
pub(crate) trait Handler: Send + Sync + 'static {
    /// The answer to `request`.
    fn handle(&self, request: &Request) -> Response;
}

/// A listening socket whose address is known before anything is served, so that a handler
/// can be built with its own URLs.
pub(crate) struct Listener {
    listener: TcpListener,
    addr: SocketAddr,
}

impl Listener {
    /// Binds 127.0.0.1 on a free port.
    pub(crate) fn bind() -> Listener {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        Listener { listener, addr }
    }

    /// `http://127.0.0.1:port`.
    pub(crate) fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Starts serving with `handler`.
    pub(crate) fn serve(self, handler: Arc<dyn Handler>) -> HttpServer {
        let stopping = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stopping);
        let listener = self.listener;
        let accept = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let handler = Arc::clone(&handler);
                std::thread::spawn(move || serve_connection(stream, handler.as_ref()));
            }
        });
        HttpServer {
            addr: self.addr,
            stopping,
            accept: Mutex::new(Some(accept)),
        }
    }
}

/// A running server; stops accepting when dropped.
pub(crate) struct HttpServer {
    addr: SocketAddr,
    stopping: Arc<AtomicBool>,
    accept: Mutex<Option<JoinHandle<()>>>,
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        let handle = self.accept.lock().map(|mut h| h.take()).unwrap_or(None);
        if let Some(handle) = handle {
            // The accept thread is blocked in accept(): one connection wakes it to see the flag.
            let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
            let _ = handle.join();
        }
    }
}

fn serve_connection(mut stream: TcpStream, handler: &dyn Handler) {
    let response = match read_request(&mut stream) {
        Some(Ok(request)) => handler.handle(&request),
        Some(Err(status)) => Response::json(status, &serde_json::json!({"error": "bad_request"})),
        None => return,
    };
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        response.status,
        reason_phrase(response.status),
        response.body.len()
    );
    for (name, value) in &response.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(&response.body))
        .and_then(|()| stream.flush());
    let _ = stream.shutdown(Shutdown::Write);
}

/// Reads one request. `None` when the peer sent nothing usable (the wake-up connection of
/// a dropped server); `Some(Err(status))` for a request this server will not read.
fn read_request(stream: &mut TcpStream) -> Option<Result<Request, u16>> {
    stream.set_read_timeout(Some(READ_TIMEOUT)).ok()?;
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        if data.len() > MAX_HEAD_BYTES {
            return Some(Err(431));
        }
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return None,
            Ok(n) => data.extend_from_slice(&buf[..n]),
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    if header("transfer-encoding").is_some() {
        // Every client here sends a Content-Length.
        return Some(Err(411));
    }
    let length: usize = match header("content-length") {
        Some(v) => match v.parse() {
            Ok(n) if n <= MAX_BODY_BYTES => n,
            _ => return Some(Err(413)),
        },
        None => 0,
    };
    let mut body = data[head_end + 4..].to_vec();
    while body.len() < length {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return None,
            Ok(n) => body.extend_from_slice(&buf[..n]),
        }
    }
    body.truncate(length);
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_owned(), q.to_owned()),
        None => (target, String::new()),
    };
    let query = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    Some(Ok(Request {
        method,
        path,
        query,
        headers,
        body,
    }))
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        411 => "Length Required",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        _ => "Status",
    }
}
