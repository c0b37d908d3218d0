//! Shared helpers for the CLI's integration tests: run the built binary with a deadline,
//! start `serve-issuer` on loopback (killed on drop), and speak plain HTTP/1.1 to it.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

/// The binary under test.
pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_mcp-bearer");
/// The longest any one command may run before the test fails (and the process is killed).
pub(crate) const DEADLINE: Duration = Duration::from_secs(90);

/// What a finished command printed, and its exit code.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Run {
    /// stdout parsed as JSON.
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(self.stdout.trim())
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:?}"))
    }

    /// Asserts the exit code, showing the output when it differs, and that nothing panicked.
    pub(crate) fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "unexpected exit code: {self:#?}");
        assert!(!self.stderr.contains("panicked"), "panic: {self:#?}");
        self
    }
}

/// Runs the binary with `args`.
pub(crate) fn run(args: &[&str]) -> Run {
    run_with_stdin(args, None)
}

/// Runs the binary with `args`, feeding `stdin` (or an empty stdin).
pub(crate) fn run_with_stdin(args: &[&str], stdin: Option<&str>) -> Run {
    let mut child = Command::new(BIN)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn mcp-bearer");
    let mut input = child.stdin.take().unwrap();
    let text = stdin.unwrap_or_default().to_owned();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(text.as_bytes());
    });
    let stdout = drain(child.stdout.take().unwrap());
    let stderr = drain(child.stderr.take().unwrap());
    let status = wait_with_deadline(&mut child, DEADLINE)
        .unwrap_or_else(|| panic!("mcp-bearer {args:?} did not finish within {DEADLINE:?}"));
    writer.join().unwrap();
    Run {
        code: status.code().expect("ended by a signal"),
        stdout: stdout.recv_timeout(DEADLINE).unwrap_or_default(),
        stderr: stderr.recv_timeout(DEADLINE).unwrap_or_default(),
    }
}

fn drain(mut pipe: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        let _ = tx.send(String::from_utf8_lossy(&bytes).into_owned());
    });
    rx
}

/// Waits for `child` at most `limit`; kills it and returns `None` past that.
pub(crate) fn wait_with_deadline(
    child: &mut Child,
    limit: Duration,
) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A `serve-issuer` process, stopped (stdin closed, then killed if need be) on drop.
pub(crate) struct Issuer {
    child: Child,
    stdin: Option<ChildStdin>,
    /// The startup line.
    pub(crate) info: Value,
}

impl Issuer {
    /// Starts `serve-issuer --port 0 --exit-on-stdin-close` plus `args`, and reads its line.
    pub(crate) fn start(args: &[&str]) -> Issuer {
        let mut child = Command::new(BIN)
            .args(["serve-issuer", "--port", "0", "--exit-on-stdin-close"])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn serve-issuer");
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let _ = tx.send(line);
            // Keep the pipe drained so that the server never blocks on a full stdout.
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        });
        let line = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("serve-issuer printed no startup line within 60 s");
            }
        };
        let info = serde_json::from_str(line.trim())
            .unwrap_or_else(|e| panic!("startup line is not JSON ({e}): {line:?}"));
        Issuer { child, stdin, info }
    }

    /// A string member of the startup line.
    pub(crate) fn get(&self, name: &str) -> String {
        self.info[name]
            .as_str()
            .unwrap_or_else(|| panic!("no {name} in {}", self.info))
            .to_owned()
    }

    /// The issuer URL.
    pub(crate) fn url(&self) -> String {
        self.get("issuer")
    }

    /// The sample resource (the default audience).
    pub(crate) fn resource(&self) -> String {
        self.get("resource")
    }

    /// The process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Mints a token for `claims` (a JSON object) through `POST /token`.
    pub(crate) fn mint(&self, claims: &str) -> String {
        let reply = http("POST", &self.get("token_endpoint"), Some(claims), &[]);
        assert_eq!(reply.status, 200, "mint failed: {reply:?}");
        reply.json()["access_token"].as_str().unwrap().to_owned()
    }

    /// Closes stdin and waits (bounded) for the process to end.
    pub(crate) fn close_stdin_and_wait(&mut self) -> Option<std::process::ExitStatus> {
        self.stdin.take();
        wait_with_deadline(&mut self.child, Duration::from_secs(10))
    }
}

impl Drop for Issuer {
    fn drop(&mut self) {
        self.stdin.take();
        if wait_with_deadline(&mut self.child, Duration::from_secs(5)).is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// An HTTP response.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: String,
}

impl Reply {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {self:?}"))
    }
}

/// One HTTP/1.1 request to a loopback URL, bounded by timeouts.
pub(crate) fn http(method: &str, url: &str, body: Option<&str>, headers: &[(&str, &str)]) -> Reply {
    let rest = url.strip_prefix("http://").expect("http URL");
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, "/"),
    };
    assert!(authority.starts_with("127.0.0.1:"), "loopback only: {url}");
    let address = authority.parse().unwrap();
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(5)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let body = body.unwrap_or_default();
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n");
    if !headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
    {
        request.push_str("Content-Type: application/json\r\n");
    }
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream.write_all(request.as_bytes()).unwrap();
    stream.write_all(body.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("a response head");
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    Reply {
        status,
        headers,
        body: body.to_owned(),
    }
}

/// A loopback port nothing listens on (bound, then released).
pub(crate) fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// A fresh path in the temporary directory; the file is removed on drop.
pub(crate) struct TempFile(pub(crate) PathBuf);

impl TempFile {
    pub(crate) fn new(name: &str) -> TempFile {
        static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        TempFile(std::env::temp_dir().join(format!(
            "mcp-bearer-cli-test-{}-{n}-{name}",
            std::process::id()
        )))
    }

    pub(crate) fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Replaces the payload of `token`, keeping its header and signature.
pub(crate) fn tamper(token: &str, payload_json: &str) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    format!(
        "{}.{}.{}",
        parts[0],
        base64url(payload_json.as_bytes()),
        parts[2]
    )
}

/// Unpadded base64url, enough for test payloads.
pub(crate) fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}
