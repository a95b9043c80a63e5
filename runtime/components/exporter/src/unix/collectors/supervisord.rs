//! `supervisord`: the state of every program supervisord runs, asked of
//! its XML-RPC interface (`supervisor.getAllProcessInfo`) at the
//! `supervisord` block's `url`, as node_exporter 1.5 asks it: over HTTP
//! or HTTPS, or over the Unix socket of a `unix:///path` URL (then always
//! at `/RPC2`), within 10 seconds. With no `url` written in the block,
//! `SUPERVISORD_URL` in the environment replaces the default, as the
//! reference's page says.

use std::time::Duration;

use river_runtime::args::Args;
use river_runtime::error::Error;

use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

mod xmlrpc;

use xmlrpc::Value;

pub const ENTRY: Entry = Entry { name: "supervisord", default: false, build };

/// go-xmlrpc's client timeout.
const TIMEOUT: Duration = Duration::from_secs(10);

fn build(args: &Args) -> Result<Box<dyn Collector>, Error> {
    let block = args.block_or_empty("supervisord");
    let mut url: String = block.get("url")?;
    let written = block.attrs.get("url").is_some_and(|v| !matches!(v, river_analyzer::Value::Null));
    if !written {
        if let Ok(from_env) = std::env::var("SUPERVISORD_URL") {
            url = from_env;
        }
    }
    let parsed = url::Url::parse(&url)
        .map_err(|e| block.invalid("url", format!("not a URL ({url:?}): {e}")))?;
    // A pool would outlive the runtime each scrape makes: one connection
    // per call.
    let builder = reqwest::Client::builder().timeout(TIMEOUT).pool_max_idle_per_host(0);
    let (builder, target) = match parsed.scheme() {
        "http" | "https" => (builder, url.clone()),
        // The host in the request is a stand-in, as node_exporter's.
        "unix" => (builder.unix_socket(parsed.path()), "http://unix/RPC2".to_owned()),
        other => {
            let why = format!("scheme {other:?} is not http, https or unix");
            return Err(block.invalid("url", why).into());
        }
    };
    let client = builder
        .build()
        .map_err(|e| block.invalid("url", format!("no HTTP client for {url:?}: {e}")))?;
    Ok(Box::new(Supervisord { client, target }))
}

struct Supervisord {
    client: reqwest::Client,
    /// Where the call is posted.
    target: String,
}

impl Collector for Supervisord {
    fn collect(&self, _: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let answer = self.call().map_err(|e| format!("unable to call supervisord: {e}"))?;
        let Value::Array(processes) = answer else {
            return Err(CollectError::Failed(format!(
                "unable to call supervisord: the answer is not an array but {answer:?}"
            )));
        };
        for process in processes {
            let Value::Struct(members) = process else {
                return Err(CollectError::Failed(format!(
                    "a process is not a struct: {process:?}"
                )));
            };
            metrics(&Process::of(&members), out);
        }
        Ok(())
    }
}

impl Supervisord {
    /// `supervisor.getAllProcessInfo`, on a runtime of this scrape's own
    /// (collectors run on plain threads).
    fn call(&self) -> Result<Value, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("no runtime for the call: {e}"))?;
        let body = runtime.block_on(async {
            let response = self
                .client
                .post(&self.target)
                .header("content-type", "text/xml")
                .body(xmlrpc::call("supervisor.getAllProcessInfo"))
                .send()
                .await
                .map_err(|e| error_chain(&e))?;
            let status = response.status();
            if !status.is_success() {
                return Err(format!("HTTP status {status}"));
            }
            response.text().await.map_err(|e| error_chain(&e))
        })?;
        xmlrpc::response(&body)
    }
}

/// An error with its causes (reqwest's own message names only the step).
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        text.push_str(&format!(": {inner}"));
        cause = inner.source();
    }
    text
}

/// The fields of one process the metrics show.
#[derive(Debug, Default, PartialEq)]
struct Process {
    name: String,
    group: String,
    start: i64,
    state: i64,
    exit_status: i64,
}

impl Process {
    /// The members of one process's struct; others are passed over.
    fn of(members: &[(String, Value)]) -> Process {
        let mut process = Process::default();
        for (key, value) in members {
            match (key.as_str(), value) {
                ("name", Value::Str(s)) => process.name = s.clone(),
                ("group", Value::Str(s)) => process.group = s.clone(),
                ("start", Value::Int(n)) => process.start = *n,
                ("state", Value::Int(n)) => process.state = *n,
                ("exitstatus", Value::Int(n)) => process.exit_status = *n,
                _ => {}
            }
        }
        process
    }
}

/// STARTING, RUNNING and STOPPING: supervisord's states with a process.
fn is_running(state: i64) -> bool {
    matches!(state, 10 | 20 | 40)
}

fn metrics(process: &Process, out: &mut Exposition) {
    let labels = [("name", process.name.as_str()), ("group", process.group.as_str())];
    out.gauge("node_supervisord_state", "Process State").sample(&labels, process.state as f64);
    out.gauge("node_supervisord_exit_status", "Process Exit Status")
        .sample(&labels, process.exit_status as f64);
    let up = is_running(process.state);
    out.gauge("node_supervisord_up", "Process Up").sample(&labels, if up { 1.0 } else { 0.0 });
    if up {
        out.counter("node_supervisord_start_time_seconds", "Process start time")
            .sample(&labels, process.start as f64);
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};

    use super::super::hwfs::testing::{args, host, samples};
    use super::*;

    /// An answer as supervisord 4 gives it: one program running, one
    /// exited.
    const ANSWER: &str = "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><array><data>\n\
        <value><struct>\n<member>\n<name>name</name>\n<value><string>web</string></value>\n</member>\n\
        <member>\n<name>group</name>\n<value><string>apps</string></value>\n</member>\n\
        <member>\n<name>start</name>\n<value><int>1700000000</int></value>\n</member>\n\
        <member>\n<name>state</name>\n<value><int>20</int></value>\n</member>\n\
        <member>\n<name>exitstatus</name>\n<value><int>0</int></value>\n</member>\n\
        <member>\n<name>pid</name>\n<value><int>4242</int></value>\n</member>\n</struct></value>\n\
        <value><struct>\n<member>\n<name>name</name>\n<value><string>once</string></value>\n</member>\n\
        <member>\n<name>group</name>\n<value><string>once</string></value>\n</member>\n\
        <member>\n<name>start</name>\n<value><int>1700000100</int></value>\n</member>\n\
        <member>\n<name>state</name>\n<value><int>100</int></value>\n</member>\n\
        <member>\n<name>exitstatus</name>\n<value><int>3</int></value>\n</member>\n</struct></value>\n\
        </data></array></value>\n</param>\n</params>\n</methodResponse>\n";

    /// Serves one HTTP answer per connection on `listener`, returning the
    /// requests it got.
    fn serve<L, S>(
        listener: L,
        accept: fn(&L) -> S,
        status: &'static str,
        body: &'static str,
    ) -> std::thread::JoinHandle<Vec<String>>
    where
        L: Send + 'static,
        S: Read + Write + 'static,
    {
        std::thread::spawn(move || {
            let mut stream = accept(&listener);
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            while !String::from_utf8_lossy(&request).contains("</methodCall>") {
                let n = stream.read(&mut buf).unwrap();
                assert!(n > 0, "the request ended early");
                request.extend_from_slice(&buf[..n]);
            }
            let answer = format!(
                "HTTP/1.1 {status}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(answer.as_bytes()).unwrap();
            vec![String::from_utf8_lossy(&request).into_owned()]
        })
    }

    fn collect(url: &str) -> Result<String, CollectError> {
        let args = args(&format!("supervisord {{\n url = {url:?}\n}}"));
        let mut out = Exposition::new();
        (ENTRY.build)(&args).unwrap().collect(&host("empty"), &mut out)?;
        Ok(out.render())
    }

    #[test]
    fn programs_over_http() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = serve(listener, |l| l.accept().unwrap().0, "200 OK", ANSWER);
        let text = collect(&format!("http://127.0.0.1:{port}/RPC2")).unwrap();
        let request = server.join().unwrap().remove(0);
        assert!(request.starts_with("POST /RPC2 HTTP/1.1\r\n"), "{request}");
        assert!(request.contains("<methodName>supervisor.getAllProcessInfo</methodName>"));
        assert_eq!(
            samples(&text),
            [
                "node_supervisord_exit_status{group=\"apps\",name=\"web\"} 0",
                "node_supervisord_exit_status{group=\"once\",name=\"once\"} 3",
                "node_supervisord_start_time_seconds{group=\"apps\",name=\"web\"} 1700000000",
                "node_supervisord_state{group=\"apps\",name=\"web\"} 20",
                "node_supervisord_state{group=\"once\",name=\"once\"} 100",
                "node_supervisord_up{group=\"apps\",name=\"web\"} 1",
                "node_supervisord_up{group=\"once\",name=\"once\"} 0",
            ]
        );
        assert!(text.contains("# HELP node_supervisord_start_time_seconds Process start time\n# TYPE node_supervisord_start_time_seconds counter\n"));
    }

    #[test]
    fn programs_over_a_unix_socket() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("supervisor.sock");
        let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
        let server = serve(listener, |l| l.accept().unwrap().0, "200 OK", ANSWER);
        let text = collect(&format!("unix://{}", path.display())).unwrap();
        let request = server.join().unwrap().remove(0);
        assert!(request.starts_with("POST /RPC2 HTTP/1.1\r\n"), "{request}");
        assert!(samples(&text).contains(&"node_supervisord_up{group=\"apps\",name=\"web\"} 1"));
    }

    #[test]
    fn failures() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = serve(listener, |l| l.accept().unwrap().0, "500 Internal Server Error", "no");
        let error = collect(&format!("http://127.0.0.1:{port}/RPC2")).unwrap_err();
        server.join().unwrap();
        assert!(
            matches!(&error, CollectError::Failed(m) if m.contains("HTTP status 500")),
            "{error:?}"
        );
        // Nothing listens there any more.
        let error = collect(&format!("http://127.0.0.1:{port}/RPC2")).unwrap_err();
        assert!(
            matches!(&error, CollectError::Failed(m) if m.starts_with("unable to call supervisord")),
            "{error:?}"
        );
    }

    #[test]
    fn urls_are_checked_at_load() {
        for (url, why) in [("not a url", "not a URL"), ("ftp://host/RPC2", "scheme \"ftp\"")] {
            let args = args(&format!("supervisord {{\n url = {url:?}\n}}"));
            let error = (ENTRY.build)(&args).err().expect("refused").to_string();
            assert!(error.starts_with("supervisord/url: ") && error.contains(why), "{error}");
        }
    }
}
