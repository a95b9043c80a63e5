//! A fake Kubernetes API server on loopback: it answers a LIST of a path
//! with the objects the test put there, `/version` with the version the
//! test chose, and holds each WATCH open (a chunked response) for the
//! test to push events into; it can fail every request (500), which
//! also breaks the open watches. Every request is noted, with its head.

use std::collections::BTreeMap;
use std::sync::Arc;

use parking_lot::Mutex;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

#[derive(Default)]
struct State {
    lists: BTreeMap<String, Vec<Value>>,
    watches: Vec<(String, mpsc::UnboundedSender<String>)>,
    failing: bool,
    version: String,
    seen: Vec<(String, String)>,
}

#[derive(Clone)]
pub struct FakeApi {
    pub port: u16,
    state: Arc<Mutex<State>>,
}

impl FakeApi {
    /// A server that says it is Kubernetes `version` (`v1.22.0`).
    pub async fn start(version: &str) -> FakeApi {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = State { version: version.to_owned(), ..State::default() };
        let fake = FakeApi { port, state: Arc::new(Mutex::new(state)) };
        let serving = fake.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(serving.clone().serve(socket));
            }
        });
        fake
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The objects a LIST of `path` answers.
    pub fn set(&self, path: &str, objects: Vec<Value>) {
        self.state.lock().lists.insert(path.to_owned(), objects);
    }

    /// Sends event `kind` (`ADDED`, `DELETED`, ...) of `object` to the
    /// watches of `path`, and makes later lists agree.
    pub fn push(&self, path: &str, kind: &str, object: Value) {
        let mut state = self.state.lock();
        let list = state.lists.entry(path.to_owned()).or_default();
        let name = object["metadata"]["name"].clone();
        list.retain(|o| o["metadata"]["name"] != name);
        if kind != "DELETED" {
            list.push(object.clone());
        }
        let line = json!({"type": kind, "object": object}).to_string();
        state.watches.retain(|(p, tx)| p != path || tx.send(line.clone()).is_ok());
    }

    /// Whether a watch of `path` is open.
    pub fn watching(&self, path: &str) -> bool {
        self.state.lock().watches.iter().any(|(p, tx)| p == path && !tx.is_closed())
    }

    /// Fails every request from now on (breaking the open watches), or
    /// no longer.
    pub fn fail(&self, failing: bool) {
        let mut state = self.state.lock();
        state.failing = failing;
        if failing {
            state.watches.clear();
        }
    }

    /// Every request's target (path and query), in order.
    pub fn targets(&self) -> Vec<String> {
        self.state.lock().seen.iter().map(|(t, _)| t.clone()).collect()
    }

    /// Every request's head (its lines, header names in lower case).
    pub fn heads(&self) -> Vec<String> {
        self.state.lock().seen.iter().map(|(_, h)| h.to_lowercase()).collect()
    }

    async fn serve(self, mut socket: TcpStream) {
        let mut head = Vec::new();
        let mut chunk = [0u8; 4096];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            match socket.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => head.extend_from_slice(&chunk[..n]),
            }
        }
        let head = String::from_utf8_lossy(&head).into_owned();
        let target = head.split_whitespace().nth(1).unwrap_or_default().to_owned();
        let path = target.split('?').next().unwrap_or_default().to_owned();
        let (failing, version) = {
            let mut state = self.state.lock();
            state.seen.push((target.clone(), head));
            (state.failing, state.version.clone())
        };
        let body = match path.as_str() {
            _ if failing => return reply(socket, 500, r#"{"kind":"Status","code":500}"#).await,
            "/version" => json!({"major": "1", "gitVersion": version}).to_string(),
            _ if target.contains("watch=1") => return self.stream(socket, path).await,
            _ => {
                let items = self.state.lock().lists.get(&path).cloned().unwrap_or_default();
                json!({"kind": "List", "metadata": {"resourceVersion": "1"}, "items": items})
                    .to_string()
            }
        };
        reply(socket, 200, &body).await;
    }

    /// A watch: each event pushed is a chunk; when the test breaks it,
    /// the connection closes without the last chunk.
    async fn stream(self, mut socket: TcpStream, path: String) {
        let (tx, mut rx) = mpsc::unbounded_channel::<String>();
        self.state.lock().watches.push((path, tx));
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                    transfer-encoding: chunked\r\n\r\n";
        if socket.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        while let Some(line) = rx.recv().await {
            let chunk = format!("{:x}\r\n{line}\n\r\n", line.len() + 1);
            if socket.write_all(chunk.as_bytes()).await.is_err() {
                return;
            }
        }
    }
}

async fn reply(mut socket: TcpStream, status: u16, body: &str) {
    let reply = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = socket.write_all(reply.as_bytes()).await;
}
