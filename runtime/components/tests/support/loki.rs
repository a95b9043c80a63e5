//! A Loki push endpoint for the tests (it decodes what `loki.write`
//! sends) and plain HTTP posts to a `loki.source.api`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

use river_loki::proto;
use river_runtime::logs::Entry;

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// What the recorder got: each entry with the tenant of its request.
pub type Got = Arc<Mutex<Vec<(String, Entry)>>>;

/// A Loki push endpoint: decodes every request and answers 204.
pub fn recorder() -> (u16, Got) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let got = Got::default();
    let into = got.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let into = into.clone();
            std::thread::spawn(move || while record_one(&stream, &into).is_some() {});
        }
    });
    (port, got)
}

fn record_one(stream: &TcpStream, into: &Got) -> Option<()> {
    let mut reader = BufReader::new(stream);
    let (mut length, mut tenant, mut content_type) = (0, String::new(), String::new());
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        if line == "\r\n" {
            break;
        }
        let (name, value) = line.split_once(':').unwrap_or((&line, ""));
        match name.to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().ok()?,
            "x-scope-orgid" => tenant = value.trim().to_owned(),
            "content-type" => content_type = value.trim().to_owned(),
            _ => {}
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    assert_eq!(content_type, "application/x-protobuf");
    let entries = proto::decode(&body).expect("a Loki push request");
    into.lock().unwrap().extend(entries.into_iter().map(|e| (tenant.clone(), e)));
    let mut stream = stream;
    stream.write_all(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n").ok()
}

/// Posts `body` to `path` on `port`; the status line and body come back.
pub fn post(port: u16, path: &str, headers: &str, body: &[u8]) -> String {
    let mut conn = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        conn,
        "POST {path} HTTP/1.1\r\nHost: x\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    conn.write_all(body).unwrap();
    let mut response = String::new();
    conn.read_to_string(&mut response).unwrap();
    response
}
