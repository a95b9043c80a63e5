//! A small LSP client for the protocol tests: starts `flow-lsp`, frames
//! JSON-RPC messages, and waits (with a timeout) for answers and
//! notifications. Shared by the protocol tests and the benchmark, which
//! use different parts of it.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

use serde_json::{json, Value};

pub struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    next_id: i64,
    /// Notifications seen while waiting for something else.
    pub notifications: Vec<Value>,
    /// The server's answer to `initialize`.
    pub initialized: Value,
}

const WAIT: Duration = Duration::from_secs(20);

impl Client {
    /// Starts the server and initializes it with these client capabilities.
    pub fn start(capabilities: Value) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_flow-lsp"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("flow-lsp starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            incoming,
            next_id: 0,
            notifications: Vec::new(),
            initialized: Value::Null,
        };
        let params = json!({"processId": null, "rootUri": null, "capabilities": capabilities});
        client.initialized = client.request("initialize", params);
        client.notify("initialized", json!({}));
        client
    }

    pub fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The whole response (with `result` or `error`).
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self
                .incoming
                .recv_timeout(WAIT)
                .unwrap_or_else(|_| panic!("no answer to {method}"));
            if message.get("id") == Some(&json!(id)) && message.get("method").is_none() {
                return message;
            }
            self.notifications.push(message);
        }
    }

    /// The result of a request; an error reply fails the test.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.call(method, params);
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    /// The latest diagnostics published for `uri`, waiting for the first.
    pub fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let matches = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        };
        loop {
            if let Some(found) = self.notifications.iter().rev().find(|m| matches(m)) {
                let found = found["params"]["diagnostics"].as_array().cloned().unwrap_or_default();
                // Drain what arrived meanwhile, keeping the newest.
                while let Ok(message) = self.incoming.try_recv() {
                    self.notifications.push(message);
                }
                if let Some(newer) = self.notifications.iter().rev().find(|m| matches(m)) {
                    return newer["params"]["diagnostics"].as_array().cloned().unwrap_or(found);
                }
                return found;
            }
            let message = self.incoming.recv_timeout(WAIT).expect("diagnostics are published");
            self.notifications.push(message);
        }
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits for the diagnostics of `uri` at `version`.
    pub fn diagnostics_of_version(&mut self, uri: &str, version: i64) -> Vec<Value> {
        loop {
            let message = self.incoming.recv_timeout(WAIT).expect("diagnostics are published");
            let is_it = message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == uri
                && message["params"]["version"] == version;
            if is_it {
                return message["params"]["diagnostics"].as_array().cloned().unwrap_or_default();
            }
        }
    }

    /// Forgets the notifications seen so far.
    pub fn clear(&mut self) {
        self.notifications.clear();
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "languageId": "river", "version": 1, "text": text}}));
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}
