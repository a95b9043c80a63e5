//! `discovery.serverset`: the members that Finagle, Aurora and the like
//! register in ZooKeeper, as Prometheus's serverset discovery finds them:
//! every node in the tree under each of `paths` whose data is a serverset
//! member (JSON) is a target, with `__meta_serverset_*` labels. Like
//! Prometheus's tree cache, it watches each node's children and data, so
//! a member that joins or leaves shows at once; a lost session is opened
//! again, the last targets kept meanwhile, unhealthy with the reason.

use std::time::Duration;

use futures_util::stream::{FuturesUnordered, StreamExt};
use zookeeper_client as zk;

use river_runtime::args::Args;
use river_runtime::component::Registration;
use river_runtime::error::Error;
use river_runtime::labels::{sanitize_name, Labels};

use crate::dns::join_host_port;
use crate::refresh::{self, Discover, Found};

pub(crate) struct Settings {
    /// The servers as one connect string (`host:port,host:port`).
    servers: String,
    paths: Vec<String>,
    timeout: Duration,
}

fn settings(args: &Args) -> Result<Settings, Error> {
    let servers: Vec<String> = args.require("servers")?;
    if servers.is_empty() {
        return Err(args
            .invalid("servers", "serverset discovery needs at least one server")
            .into());
    }
    let paths: Vec<String> = args.require("paths")?;
    if paths.is_empty() {
        return Err(args.invalid("paths", "serverset discovery needs at least one path").into());
    }
    if let Some(path) = paths.iter().find(|p| !p.starts_with('/')) {
        let why = format!("serverset path {path:?} does not start with '/'");
        return Err(args.invalid("paths", why).into());
    }
    // As the reference's client: a server without a port is on 2181.
    let servers: Vec<String> = servers
        .iter()
        .map(|s| if s.contains(':') { s.clone() } else { format!("{s}:2181") })
        .collect();
    Ok(Settings { servers: servers.join(","), paths, timeout: args.get("timeout")? })
}

/// `discovery.serverset`.
pub const DISCOVERY_SERVERSET: Registration = Registration {
    name: "discovery.serverset",
    build: refresh::build::<Serverset>,
    without_effect: &[],
};

/// The session, and what the last round watches.
#[derive(Default)]
struct Serverset {
    session: Option<(String, zk::Client)>,
    watches: Vec<zk::OneshotWatcher>,
    state: Option<zk::StateWatcher>,
}

impl Discover for Serverset {
    type Settings = Settings;
    const SETTINGS: fn(&Args) -> Result<Settings, Error> = settings;
    /// Rounds follow the watches; after a failure the next one comes a
    /// session timeout later.
    const INTERVAL: &'static str = "timeout";

    async fn round(&mut self, settings: &Settings) -> Result<Found, Error> {
        self.watches.clear();
        let client = self.connect(settings).await?;
        let mut found = Vec::new();
        for path in &settings.paths {
            if let Err(error) = self.walk(&client, path, &mut found).await {
                self.session = None;
                return Err(zk_error(&settings.servers, error));
            }
        }
        Ok(found.into())
    }

    async fn until_next(&mut self, interval: Duration) {
        let Some(state) = self.state.as_mut().filter(|_| !self.watches.is_empty()) else {
            return tokio::time::sleep(interval).await;
        };
        let mut fired: FuturesUnordered<_> =
            self.watches.drain(..).map(zk::OneshotWatcher::changed).collect();
        tokio::select! {
            _ = fired.next() => {}
            _ = state.changed() => {}
        }
    }
}

impl Serverset {
    /// The session with the settings' servers, opened when there is none
    /// (or it ended, or the servers changed).
    async fn connect(&mut self, settings: &Settings) -> Result<zk::Client, Error> {
        if let Some((servers, client)) = &self.session {
            if *servers == settings.servers && !client.state().is_terminated() {
                return Ok(client.clone());
            }
        }
        self.session = None;
        let connector = zk::Client::connector().with_session_timeout(settings.timeout);
        let client = connector
            .connect(&settings.servers)
            .await
            .map_err(|e| zk_error(&settings.servers, e))?;
        self.state = Some(client.state_watcher());
        self.session = Some((settings.servers.clone(), client.clone()));
        Ok(client)
    }

    /// Every node under `root` (itself included), watched, and the
    /// members among them as targets. A root that does not exist yet is
    /// watched until it does, as the tree cache waits for it.
    async fn walk(
        &mut self,
        client: &zk::Client,
        root: &str,
        found: &mut Vec<Labels>,
    ) -> Result<(), zk::Error> {
        let mut stack = vec![root.to_owned()];
        while let Some(path) = stack.pop() {
            let children = match client.get_and_watch_children(&path).await {
                Ok((children, _, watch)) => {
                    self.watches.push(watch);
                    children
                }
                Err(zk::Error::NoNode) if path == root => {
                    let (_, watch) = client.check_and_watch_stat(&path).await?;
                    self.watches.push(watch);
                    continue;
                }
                Err(zk::Error::NoNode) => continue,
                Err(error) => return Err(error),
            };
            match client.get_and_watch_data(&path).await {
                Ok((data, _, watch)) => {
                    self.watches.push(watch);
                    found.extend(member(&data, &path));
                }
                Err(zk::Error::NoNode) => continue,
                Err(error) => return Err(error),
            }
            let base = path.trim_end_matches('/');
            stack.extend(children.iter().rev().map(|child| format!("{base}/{child}")));
        }
        Ok(())
    }
}

fn zk_error(servers: &str, error: zk::Error) -> Error {
    Error::remote(format!("zookeeper {servers}"), error.to_string())
}

/// A node's data as a serverset member's target; `None` when it is not
/// one (Prometheus drops those too). Go matches JSON keys without regard
/// to case, so this does.
fn member(data: &[u8], path: &str) -> Option<Labels> {
    let member: serde_json::Value = serde_json::from_slice(data).ok()?;
    if !member.is_object() && !member.is_null() {
        return None;
    }
    // A missing endpoint is Go's zero value: no host, port 0.
    let endpoint = |value: Option<&serde_json::Value>| {
        let host = value.and_then(|v| field(v, "host")).and_then(text).unwrap_or_default();
        let port = value.and_then(|v| field(v, "port")).and_then(serde_json::Value::as_i64);
        (host, port.unwrap_or(0).to_string())
    };
    let (host, port) = endpoint(field(&member, "serviceEndpoint"));
    let shard = field(&member, "shard").and_then(serde_json::Value::as_i64).unwrap_or(0);
    let mut labels = vec![
        ("__meta_serverset_path".to_owned(), path.to_owned()),
        ("__address__".to_owned(), join_host_port(&host, &port)),
        ("__meta_serverset_endpoint_host".to_owned(), host),
        ("__meta_serverset_endpoint_port".to_owned(), port),
        (
            "__meta_serverset_status".to_owned(),
            field(&member, "status").and_then(text).unwrap_or_default(),
        ),
        ("__meta_serverset_shard".to_owned(), shard.to_string()),
    ];
    let additional = field(&member, "additionalEndpoints").and_then(serde_json::Value::as_object);
    for (name, value) in additional.into_iter().flatten() {
        let (host, port) = endpoint(Some(value));
        let name = sanitize_name(name);
        labels.push((format!("__meta_serverset_endpoint_host_{name}"), host));
        labels.push((format!("__meta_serverset_endpoint_port_{name}"), port));
    }
    Some(Labels::from_pairs(labels))
}

/// The member's field `name`, matched as Go's JSON decoder matches it.
fn field<'a>(value: &'a serde_json::Value, name: &str) -> Option<&'a serde_json::Value> {
    let object = value.as_object()?;
    object
        .get(name)
        .or_else(|| object.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v))
}

fn text(value: &serde_json::Value) -> Option<String> {
    value.as_str().map(str::to_owned)
}
