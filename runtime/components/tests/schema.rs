//! Each component this build runs reads every setting of its schema and
//! no other, and takes its defaults from the schema registry.
//!
//! Every setting: a config is made from the schema (every argument and
//! block, with a fitting value), once for each choice its "at most one
//! of" groups allow, each component is built from it with its reads
//! noted, and the paths read are compared with the schema's. A setting a
//! component forgot, or a name it misspells, fails here.
//!
//! Defaults: each component is built from its required settings alone;
//! every setting with a registry default that it reads must have been
//! given that default, and the value it saw must be the registry's.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::Path;

use river_analyzer::schema::{registry, Block, Body, ConstraintKind, SchemaType};

use river_components::ALL;
use river_runtime::args::Tracker;
use river_runtime::component::Ctx;
use river_runtime::controller::{evaluate_alone, plan, Source};
use river_runtime::globals::Globals;

/// What the settings are set to, beyond what their type gives.
struct Fixture {
    file: String,
    /// A MaxMind database (stage.geoip's `db`), made by the script of
    /// loki.process's tests.
    mmdb: String,
    tls: std::path::PathBuf,
    /// Answers every request with an OAuth 2 token (a body that
    /// `remote.http` takes too).
    url: String,
}

impl Fixture {
    fn new(dir: &Path) -> Fixture {
        // discovery.ec2 needs a region at load: with none in the config (the
        // required settings alone), AWS_REGION gives it, as on a host set
        // up for AWS, and no instance metadata service is asked. Set once,
        // before any component runs.
        static REGION: std::sync::Once = std::sync::Once::new();
        REGION.call_once(|| {
            if std::env::var_os("AWS_REGION").is_none() {
                std::env::set_var("AWS_REGION", "us-east-1");
            }
        });
        let file = dir.join("setting.txt");
        std::fs::write(&file, "x").unwrap();
        Fixture {
            file: file.display().to_string(),
            mmdb: geoip_database(dir),
            tls: Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/tls"),
            url: format!("http://127.0.0.1:{}/x", token_server()),
        }
    }

    fn pem(&self, name: &str) -> String {
        std::fs::read_to_string(self.tls.join(name)).unwrap()
    }

    fn pem_path(&self, name: &str) -> String {
        self.tls.join(name).display().to_string()
    }

    /// A River value for setting `name` of type `ty`.
    fn value(
        &self,
        name: &str,
        ty: &SchemaType,
        default: Option<&str>,
        choices: &[String],
    ) -> String {
        let quoted = |s: &str| format!("{s:?}");
        if let Some(first) = choices.first() {
            return quoted(first);
        }
        match name {
            "ca_pem" => return quoted(&self.pem("ca.pem")),
            "cert_pem" => return quoted(&self.pem("server.pem")),
            "key_pem" => return quoted(&self.pem("server.key")),
            "ca_file" => return quoted(&self.pem_path("ca.pem")),
            "cert_file" => return quoted(&self.pem_path("server.pem")),
            "key_file" => return quoted(&self.pem_path("server.key")),
            "listen_address" => return quoted("127.0.0.1"),
            "listen_port" => return "0".into(),
            // A message size limit (the OTLP receiver's), in Go's units.
            "max_recv_msg_size" => return quoted("4MiB"),
            "address" => return quoted("127.0.0.1:0"),
            // A server given as a URL (Eureka's); Consul's has a default.
            "server" if default.is_none() => return quoted(&self.url),
            // A name a resolver answers itself (RFC 6761), asking no server.
            "names" => return "[\"localhost.\"]".into(),
            "servers" => return format!("[{}]", quoted(&self.url)),
            "client_id" => return quoted("00000000-0000-0000-0000-000000000000"),
            // An API address (discovery.ec2's), which must be a URL.
            "endpoint" => return quoted(&self.url),
            // Filter values, which discovery.ec2 refuses empty, as the reference.
            "values" if matches!(ty, SchemaType::List(_)) => return "[\"x\"]".into(),
            // discovery.kubernetes refuses a kubeconfig beside api_server, as
            // Prometheus: empty, it is read and means none.
            "kubeconfig_file" => return quoted(""),
            // A Docker daemon's address, which must have a scheme.
            "host" => return quoted(&self.url),
            // ZooKeeper paths, which must be absolute.
            "paths" => return "[\"/x\"]".into(),
            // A listener refuses a server name (it has no server to check);
            // empty, it is read and means the same as left out.
            "server_name" => return quoted(""),
            // Consul's own credentials, which Prometheus refuses beside the
            // shared block's basic_auth, authorization and oauth2: empty,
            // they are read and mean none.
            "token" | "username" | "password" if *ty != SchemaType::Bool => return quoted(""),
            // loki.process refuses at load, as the reference, a stage.drop
            // without a condition, a stage.logfmt without a mapping, a
            // stage.json without expressions, a stage.match without a LogQL
            // selector and a stage.timestamp without a Go layout.
            "longer_than" => return quoted("8KB"),
            "mapping" | "expressions" => return "{ x = \"\" }".into(),
            "selector" => return quoted("{a=\"b\"}"),
            "format" if default.is_none() => return quoted("RFC3339"),
            // stage.geoip opens its database at load.
            "db" => return quoted(&self.mmdb),
            "db_type" => return quoted("city"),
            // The registry's default for stage.drop's older_than is `""`,
            // which the linter refuses as a duration when written out.
            "older_than" => return quoted("24h"),
            // A stage.match that keeps needs nested stages, which a made-up
            // config does not write; one that drops needs none.
            "action" if default == Some("\"keep\"") => return quoted("drop"),
            // stage.metrics' counters and gauges both take "inc".
            "action" if default.is_none() => return quoted("inc"),
            // A stage.tenant needs one of them set, as the reference.
            "label" | "source" | "value" if default == Some("\"\"") => return quoted("x"),
            _ if name.ends_with("url") => return quoted(&self.url),
            // A URL per signal (otelcol.exporter.otlphttp's).
            _ if name.ends_with("_endpoint") => return quoted(&self.url),
            _ if name.ends_with("_file") || name == "filename" => return quoted(&self.file),
            _ => {}
        }
        match (ty, default) {
            (_, Some(d)) => d.to_owned(),
            (SchemaType::Bool, None) => "false".into(),
            (SchemaType::Duration, None) => quoted("1s"),
            (SchemaType::Number, None) => "1".into(),
            (SchemaType::List(_), _) => "[]".into(),
            (SchemaType::Map(_) | SchemaType::Object, _) => "{}".into(),
            // Capsules come from other components; null stands for none.
            (SchemaType::Capsule(_), _) => "null".into(),
            _ => quoted("x"),
        }
    }
}

/// Blocks a component refuses at load as not implemented by this build
/// yet (its own tests hold that, and the error's place): the made-up
/// configs leave them out, and their settings need not be read.
const NOT_YET: &[(&str, &str)] = &[
    // The OTLP receiver's TLS and keepalive blocks: a made-up full block
    // sets the shared TLS table's client-only settings, enforcement_policy
    // and max_connection_idle, which a receiver refuses (runtime/components/
    // otelcol/tests/servers.rs runs them).
    ("otelcol.receiver.otlp", "grpc/tls"),
    ("otelcol.receiver.otlp", "grpc/keepalive"),
    ("otelcol.receiver.otlp", "http/tls"),
    // Detectors that ask a cloud's metadata service, a Docker daemon,
    // Consul or Kubernetes: their blocks are refused at load.
    ("otelcol.processor.resourcedetection", "ec2"),
    ("otelcol.processor.resourcedetection", "ecs"),
    ("otelcol.processor.resourcedetection", "eks"),
    ("otelcol.processor.resourcedetection", "elasticbeanstalk"),
    ("otelcol.processor.resourcedetection", "lambda"),
    ("otelcol.processor.resourcedetection", "azure"),
    ("otelcol.processor.resourcedetection", "aks"),
    ("otelcol.processor.resourcedetection", "gcp"),
    ("otelcol.processor.resourcedetection", "heroku"),
    ("otelcol.processor.resourcedetection", "openshift"),
    ("otelcol.processor.resourcedetection", "consul"),
    ("otelcol.processor.resourcedetection", "docker"),
    ("otelcol.processor.resourcedetection", "kubernetes_node"),
];

/// Values of settings, per component, where the type's or default's value
/// would be refused at load as the reference refuses it.
fn component_value(component: &str, name: &str) -> Option<&'static str> {
    Some(match (component, name) {
        // An action that takes the made-up value (insert).
        ("otelcol.processor.attributes", "action") => "\"insert\"",
        // A severity name (`log_severity`'s `min`).
        ("otelcol.processor.attributes", "min") => "\"INFO\"",
        // The same match properties in otelcol.processor.span.
        ("otelcol.processor.span", "min") => "\"INFO\"",
        // A limit is needed, in size or percentage; the spike under it.
        ("otelcol.processor.memory_limiter", "limit") => "\"100MiB\"",
        ("otelcol.processor.memory_limiter", "spike_limit") => "\"10MiB\"",
        // A context every `*_statements` block takes.
        ("otelcol.processor.transform", "context") => "\"resource\"",
        // A blackbox module file, inline or a file of its tests (the
        // reference refuses any other text).
        ("prometheus.exporter.blackbox", "config") => "\"modules: {http_2xx: {prober: http}}\"",
        ("prometheus.exporter.blackbox", "config_file") => {
            concat!("\"", env!("CARGO_MANIFEST_DIR"), "/exporter/tests/data/blackbox/modules.yml\"")
        }
        // Collectors that are off by default and have a block, so that
        // their blocks are read.
        ("prometheus.exporter.unix", "enable_collectors") => {
            "[\"sysctl\", \"ntp\", \"runit\", \"supervisord\", \"ethtool\", \"perf\", \"systemd\"]"
        }
        // A CPU list perf takes (the made-up "x" is not one).
        ("prometheus.exporter.unix", "cpus") => "\"0\"",
        _ => return None,
    })
}

/// Settings a component needs beside its required ones to load at all,
/// as the reference: written into the required-only config, and not held
/// to their defaults there.
const ALONGSIDE_REQUIRED: &[(&str, &str, &str)] = &[
    ("otelcol.processor.memory_limiter", "limit", "\"100MiB\""),
    // The reference refuses a blackbox exporter without config or
    // config_file.
    ("prometheus.exporter.blackbox", "config", "\"modules: {}\""),
];

/// A City database made by runtime/components/loki/tests/data/geoip_db.py
/// (PyPI's mmdb-writer, which tests/run installs) in `dir`.
fn geoip_database(dir: &Path) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("loki/tests/data/geoip_db.py");
    let out = std::process::Command::new("python3")
        .arg(&script)
        .arg(dir)
        .output()
        .unwrap_or_else(|e| panic!("could not run python3 {}: {e}", script.display()));
    assert!(
        out.status.success(),
        "python3 {} failed (it needs PyPI's mmdb-writer: python3 -m pip install mmdb-writer):\n{}",
        script.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    dir.join("city.mmdb").display().to_string()
}

fn not_yet(component: &str, path: &str) -> bool {
    NOT_YET.iter().any(|(c, block)| {
        *c == component && (path == *block || path.starts_with(&format!("{block}/")))
    })
}

/// A loopback server answering every request with a token, forever.
fn token_server() -> u16 {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let body = r#"{"access_token":"t","token_type":"Bearer","expires_in":3600}"#;
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let _ = stream.read(&mut [0u8; 8192]);
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    port
}

/// The settings of which a config may set one at most: the schema's
/// groups, and each value given inline or in a file (`credentials` and
/// `credentials_file`), which every component refuses together.
fn exclusive_groups(body: &Body) -> Vec<Vec<&str>> {
    let mut groups: Vec<Vec<&str>> = body
        .constraints
        .iter()
        .filter(|c| matches!(c.kind, ConstraintKind::AtMostOne | ConstraintKind::ExactlyOne))
        .map(|c| c.members.iter().map(String::as_str).collect())
        .collect();
    for arg in &body.arguments {
        let Some(inline) = arg.name.strip_suffix("_file") else { continue };
        let twin = body.arguments.iter().any(|a| a.name == inline);
        if twin && !groups.iter().any(|g| g.contains(&inline)) {
            groups.push(vec![inline, arg.name.as_str()]);
        }
    }
    groups
}

/// How many configs cover every member of every "at most one of" group.
fn choices(body: &Body) -> usize {
    let own = exclusive_groups(body).iter().map(Vec::len).max().unwrap_or(1);
    body.blocks.iter().map(|b| choices(&b.body)).chain([own]).max().unwrap_or(1)
}

/// The path of every argument and block of `body`.
fn schema_paths(body: &Body, prefix: &str, out: &mut BTreeSet<String>) {
    out.extend(body.arguments.iter().map(|a| format!("{prefix}{}", a.name)));
    for block in &body.blocks {
        out.insert(format!("{prefix}{}", block.name));
        schema_paths(&block.body, &format!("{prefix}{}/", block.name), out);
    }
}

/// Writes `body` with the `choice`-th member of each exclusive group.
fn write_body(
    out: &mut String,
    body: &Body,
    choice: usize,
    prefix: &str,
    fixture: &Fixture,
    component: &str,
) {
    let mut left_out: BTreeSet<&str> = BTreeSet::new();
    for group in exclusive_groups(body) {
        let keep = group[choice % group.len()];
        left_out.extend(group.iter().copied().filter(|m| *m != keep));
    }
    let indent = "\t".repeat(prefix.matches('/').count() + 1);
    for arg in body.arguments.iter().filter(|a| !left_out.contains(a.name.as_str())) {
        let value = match arg.name.as_str() {
            // A receiver listens on its endpoint: any free loopback port.
            "endpoint" if component.starts_with("otelcol.receiver.") => "\"127.0.0.1:0\"".into(),
            name if component_value(component, name).is_some() => {
                component_value(component, name).unwrap_or_default().into()
            }
            _ => fixture.value(&arg.name, &arg.ty, arg.default.as_deref(), &arg.enum_values),
        };
        writeln!(out, "{indent}{} = {value}", arg.name).unwrap();
    }
    for block in body.blocks.iter().filter(|b| !left_out.contains(b.name.as_str())) {
        if not_yet(component, &format!("{prefix}{}", block.name)) {
            continue;
        }
        writeln!(out, "{indent}{} {{", block.name).unwrap();
        let inner = format!("{prefix}{}/", block.name);
        write_body(out, &block.body, choice, &inner, fixture, component);
        writeln!(out, "{indent}}}").unwrap();
    }
}

/// Builds `name` from `config` and returns what it read.
async fn reads_of(name: &str, config: String, dir: &Path) -> Result<Tracker, String> {
    let plan = plan(&[Source::text("full.river", config.clone())], ALL)
        .map_err(|e| format!("the made-up config is refused: {e:?}\n{config}"))?;
    let node = &plan.nodes[0];
    let mut args = evaluate_alone(node).map_err(|e| format!("{}\n{config}", e.message))?;
    let tracker = Tracker::default();
    args.track(&tracker);
    let globals = Globals::new("127.0.0.1:0".into(), "agent.internal:12345".into(), dir.into());
    let ctx = Ctx::detached(&node.id, dir.join(&node.id), globals);
    let cancel = ctx.cancel.clone();
    let built = (node.builder().expect("runnable"))(ctx, &args);
    cancel.cancel();
    built.map_err(|e| format!("{name} refused the made-up config: {e}\n{config}"))?;
    Ok(tracker)
}

#[tokio::test(flavor = "multi_thread")]
async fn every_component_reads_exactly_the_settings_of_its_schema() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = Fixture::new(dir.path());
    let mut failures = Vec::new();
    for registration in ALL {
        let name = registration.name;
        let schema = registry().get(name).expect("in the registry");
        let (mut declared, mut read) = (BTreeSet::new(), BTreeSet::new());
        schema_paths(&schema.body, "", &mut declared);
        for choice in 0..choices(&schema.body) {
            let mut config = format!("{name} \"full\" {{\n");
            write_body(&mut config, &schema.body, choice, "", &fixture, name);
            config.push_str("}\n");
            match reads_of(name, config, dir.path()).await {
                Ok(tracker) => read.extend(tracker.paths.lock().iter().cloned()),
                Err(e) => failures.push(e),
            }
        }
        let ignored: BTreeSet<String> =
            registration.without_effect.iter().map(|(path, _)| (*path).to_owned()).collect();
        let without_effect =
            |p: &&String| ignored.iter().any(|i| *p == i || p.starts_with(&format!("{i}/")));
        let unread: Vec<_> = declared
            .difference(&read)
            .filter(|p| !without_effect(p) && !not_yet(name, p))
            .collect();
        let unknown: Vec<_> = read.difference(&declared).collect();
        if !unread.is_empty() || !unknown.is_empty() {
            failures.push(format!(
                "{name}: never read {unread:?}; read outside its schema {unknown:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Writes the required arguments and blocks of `body`, nothing else.
fn write_required(out: &mut String, body: &Body, depth: usize, fixture: &Fixture) {
    let indent = "\t".repeat(depth + 1);
    for arg in body.arguments.iter().filter(|a| a.required) {
        let value = fixture.value(&arg.name, &arg.ty, None, &arg.enum_values);
        writeln!(out, "{indent}{} = {value}", arg.name).unwrap();
    }
    for block in required_blocks(body) {
        writeln!(out, "{indent}{} {{", block.name).unwrap();
        write_required(out, &block.body, depth + 1, fixture);
        writeln!(out, "{indent}}}").unwrap();
    }
}

/// The blocks a config must have: the required ones, and the first of
/// each group of blocks of which exactly one must be set.
fn required_blocks(body: &Body) -> Vec<&Block> {
    let chosen = body
        .constraints
        .iter()
        .filter(|c| c.kind == ConstraintKind::ExactlyOne)
        .filter_map(|c| body.block(c.members.first()?))
        .filter(|b| !b.required);
    body.blocks.iter().filter(|b| b.required).chain(chosen).collect()
}

/// Every argument with a default in the bodies a required-only config
/// writes: (path, default text).
fn defaults_in(body: &Body, prefix: &str, out: &mut BTreeMap<String, String>) {
    for arg in &body.arguments {
        if let Some(default) = &arg.default {
            out.insert(format!("{prefix}{}", arg.name), default.clone());
        }
    }
    for block in required_blocks(body) {
        defaults_in(&block.body, &format!("{prefix}{}/", block.name), out);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_component_takes_its_defaults_from_the_registry() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = Fixture::new(dir.path());
    let mut failures = Vec::new();
    for registration in ALL {
        let name = registration.name;
        let schema = registry().get(name).expect("in the registry");
        let mut config = format!("{name} \"required\" {{\n");
        write_required(&mut config, &schema.body, 0, &fixture);
        let alongside: Vec<_> = ALONGSIDE_REQUIRED.iter().filter(|(c, ..)| *c == name).collect();
        for (_, setting, value) in &alongside {
            writeln!(config, "\t{setting} = {value}").unwrap();
        }
        config.push_str("}\n");
        let tracker = match reads_of(name, config, dir.path()).await {
            Ok(tracker) => tracker,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        let (read, given) = (tracker.paths.lock().clone(), tracker.defaults.lock().clone());
        let mut declared = BTreeMap::new();
        defaults_in(&schema.body, "", &mut declared);
        for (path, text) in &declared {
            if alongside.iter().any(|(_, setting, _)| setting == path) {
                continue;
            }
            let wanted = river_analyzer::eval_text(text, &river_analyzer::EmptyScope);
            let wanted = wanted.ok().and_then(Result::ok);
            match given.get(path) {
                Some(seen) if Some(seen) == wanted.as_ref() => {}
                Some(seen) => failures.push(format!("{name}: {path} saw {seen:?}, not {text}")),
                None if read.contains(path) => {
                    failures.push(format!("{name}: {path} read without the registry's {text}"))
                }
                None => {}
            }
        }
        let unread: Vec<_> = declared.keys().filter(|p| !read.contains(*p)).collect();
        if !unread.is_empty() {
            failures.push(format!(
                "{name}: defaults never read with required settings alone: {unread:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
