//! What the tests of `flow run` share: the binary, free loopback ports,
//! plain HTTP, waiting for a condition, and a process killed on drop.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use insta_cmd::get_cargo_bin;

pub fn flow() -> Command {
    Command::new(get_cargo_bin("flow"))
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// `GET` or `POST` over a plain socket: the status and the body.
pub fn http(method: &str, port: u16, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(stream, "{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split_whitespace().nth(1)?.parse().ok()?;
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    Some((status, body))
}

/// The ids of the components `flow run` on `api` runs, once it answers.
pub fn component_ids(api: u16) -> Option<Vec<String>> {
    let (_, body) = http("GET", api, "/api/v0/web/components")?;
    let list: serde_json::Value = serde_json::from_str(&body).ok()?;
    Some(list.as_array()?.iter().filter_map(|c| c["id"].as_str().map(str::to_owned)).collect())
}

/// Waits until `check` holds, for at most `limit`.
pub fn eventually(limit: Duration, mut check: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if check() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

/// A `flow run` that is killed when the test ends, however it ends.
pub struct Running(pub Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `command` with its standard error kept in the returned buffer,
/// read as it comes (a full pipe would stall the process); the reading
/// thread ends with the process.
pub fn spawn_logged(mut command: Command) -> (Running, Arc<Mutex<String>>, JoinHandle<()>) {
    let mut child = command.stderr(Stdio::piped()).spawn().unwrap();
    let log = Arc::new(Mutex::new(String::new()));
    let mut stderr = child.stderr.take().unwrap();
    let sink = log.clone();
    let reader = std::thread::spawn(move || {
        let mut chunk = [0u8; 4096];
        while let Ok(n @ 1..) = stderr.read(&mut chunk) {
            sink.lock().unwrap().push_str(&String::from_utf8_lossy(&chunk[..n]));
        }
    });
    (Running(child), log, reader)
}
