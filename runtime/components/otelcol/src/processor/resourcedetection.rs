//! `otelcol.processor.resourcedetection`: finds the resource attributes of
//! the host once, at load, with its `detectors` in order (an earlier one
//! wins a key both find), and adds them to the resource of every batch:
//! over what is there when `override` is set, else only where missing.
//!
//! Detectors: `env` (`OTEL_RESOURCE_ATTRIBUTES`, `key=value` pairs,
//! percent-decoded) and `system` (`host.name` from its `hostname_sources`,
//! `os.type`, and on request `host.arch` and `host.id`). The cloud
//! detectors are refused at load: this build cannot reach cloud metadata
//! services; so are those that ask a Docker daemon, Consul or Kubernetes.

use std::sync::Arc;

use opentelemetry_proto::tonic::common::v1::KeyValue;
use opentelemetry_proto::tonic::resource::v1::Resource;
use river_runtime::args::{ArgError, Args};
use river_runtime::component::{Component, Ctx, Registration};
use river_runtime::error::Error;

use super::Transform;
use crate::attributes::text;
use crate::consumer::{ConsumeError, Data, Output};

/// `otelcol.processor.resourcedetection`.
pub const PROCESSOR_RESOURCEDETECTION: Registration = Registration {
    name: "otelcol.processor.resourcedetection",
    build,
    without_effect: &[(
        "timeout",
        "bounds the detectors' requests to metadata services; env and system, the detectors this build runs, ask none",
    )],
};

/// The detectors that ask a cloud's instance metadata service.
pub const CLOUD: &[&str] = &[
    "ec2",
    "ecs",
    "eks",
    "elasticbeanstalk",
    "lambda",
    "azure",
    "aks",
    "gcp",
    "heroku",
    "openshift",
];

/// The detectors that ask another service on the host or cluster.
const SERVICES: &[(&str, &str)] = &[
    ("consul", "a Consul agent"),
    ("docker", "the Docker daemon"),
    ("kubernetes_node", "the Kubernetes API"),
];

fn refusal(name: &str) -> Option<String> {
    if CLOUD.contains(&name) {
        return Some(format!(
            "the {name} detector is not supported: this build cannot reach cloud metadata services"
        ));
    }
    SERVICES.iter().find(|(d, _)| *d == name).map(|(_, what)| {
        format!("the {name} detector is not supported by this build yet: it does not ask {what} for resource attributes")
    })
}

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    Ok(Arc::new(super::build(&ctx, args, Box::new(Detected::from_args))?))
}

/// What the detectors found, and whether it wins over what is there.
pub struct Detected {
    pub attributes: Vec<KeyValue>,
    pub overrides: bool,
}

impl Detected {
    pub fn from_args(args: &Args, _: &Output) -> Result<Detected, Error> {
        let detectors: Vec<String> = args.get("detectors")?;
        let overrides: bool = args.get("override")?;
        let _: std::time::Duration = args.get("timeout")?;
        // A block of a detector this build does not run is refused even
        // when the detector is not listed: it would say nothing otherwise.
        for name in CLOUD.iter().copied().chain(SERVICES.iter().map(|(d, _)| *d)) {
            if args.block(name).is_some() {
                return Err(args.invalid(name, refusal(name).unwrap_or_default()).into());
            }
        }
        let system = args.block_or_empty("system");
        let system_settings = SystemSettings::from_args(&system)?;
        let mut attributes: Vec<KeyValue> = Vec::new();
        for name in &detectors {
            let found = match name.as_str() {
                "env" => env_attributes(std::env::var("OTEL_RESOURCE_ATTRIBUTES").ok().as_deref())
                    .map_err(|e| args.invalid("detectors", format!("env detector: {e}")))?,
                "system" => system_settings
                    .detect()
                    .map_err(|e| args.invalid("detectors", format!("system detector: {e}")))?,
                other => {
                    let why =
                        refusal(other).unwrap_or_else(|| format!("invalid detector key: {other}"));
                    return Err(args.invalid("detectors", why).into());
                }
            };
            // `MergeResource(res, r, false)`: the first detector wins.
            for kv in found {
                if !attributes.iter().any(|a| a.key == kv.key) {
                    attributes.push(kv);
                }
            }
        }
        Ok(Detected { attributes, overrides })
    }

    fn merge(&self, resource: &mut Option<Resource>) {
        if self.attributes.is_empty() {
            return;
        }
        let to = &mut resource.get_or_insert_with(Resource::default).attributes;
        for kv in &self.attributes {
            match to.iter_mut().find(|t| t.key == kv.key) {
                Some(existing) if self.overrides => existing.value = kv.value.clone(),
                Some(_) => {}
                None => to.push(kv.clone()),
            }
        }
    }
}

impl Transform for Detected {
    fn apply(&self, data: &mut Data) -> Result<(), ConsumeError> {
        match data {
            Data::Traces(r) => {
                r.resource_spans.iter_mut().for_each(|r| self.merge(&mut r.resource))
            }
            Data::Metrics(r) => {
                r.resource_metrics.iter_mut().for_each(|r| self.merge(&mut r.resource))
            }
            Data::Logs(r) => r.resource_logs.iter_mut().for_each(|r| self.merge(&mut r.resource)),
        }
        Ok(())
    }
}

/// The env detector: `key=value` pairs split by commas, spaces around
/// trimmed, values percent-decoded.
pub fn env_attributes(value: Option<&str>) -> Result<Vec<KeyValue>, String> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(Vec::new()) };
    let mut out: Vec<KeyValue> = Vec::new();
    for pair in value.split(',') {
        let parts: Vec<&str> = pair.trim().split('=').collect();
        let [key, val] = parts[..] else {
            return Err(format!(
                "invalid resource format in attribute: {pair:?}, expected key=value"
            ));
        };
        let val = percent_decode(val.trim())
            .ok_or_else(|| format!("invalid resource format in attribute: {pair:?}, bad escape"))?;
        crate::attributes::put(
            &mut out,
            key.trim(),
            opentelemetry_proto::tonic::common::v1::any_value::Value::StringValue(val),
        );
    }
    Ok(out)
}

/// `url.QueryUnescape`: `%XX` and `+` for a space.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = text.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// The system detector's settings.
struct SystemSettings {
    sources: Vec<String>,
    /// Which of host.name, os.type, host.arch, host.id it sets.
    enabled: Vec<&'static str>,
}

/// The system detector's attributes: on by default, or this build's others.
const SYSTEM_DEFAULT_ON: &[&str] = &["host.name", "os.type"];
const SYSTEM_OTHERS: &[&str] = &["host.arch", "host.id"];
const SYSTEM_NOT_YET: &[&str] = &[
    "host.cpu.cache.l2.size",
    "host.cpu.family",
    "host.cpu.model.id",
    "host.cpu.model.name",
    "host.cpu.stepping",
    "host.cpu.vendor.id",
    "host.ip",
    "host.mac",
    "os.description",
];

impl SystemSettings {
    fn from_args(system: &Args) -> Result<SystemSettings, ArgError> {
        let sources: Vec<String> = system.get("hostname_sources")?;
        for source in &sources {
            match source.as_str() {
                "dns" | "os" => {}
                "cname" | "lookup" => {
                    return Err(system.invalid(
                        "hostname_sources",
                        format!("hostname source {source:?} is not supported by this build yet: it cannot ask DNS for CNAME or reverse records (\"dns\" reads /etc/hosts, \"os\" the kernel's hostname)"),
                    ))
                }
                other => {
                    return Err(system.invalid(
                        "hostname_sources",
                        format!("invalid hostname source: {other:?} (one of \"dns\", \"os\", \"cname\", \"lookup\")"),
                    ))
                }
            }
        }
        let attributes = system.block_or_empty("resource_attributes");
        let mut enabled = Vec::new();
        for name in SYSTEM_DEFAULT_ON.iter().chain(SYSTEM_OTHERS).chain(SYSTEM_NOT_YET) {
            let block = attributes.block_or_empty(name);
            let on = block.opt::<bool>("enabled")?.unwrap_or(SYSTEM_DEFAULT_ON.contains(name));
            if !on {
                continue;
            }
            if SYSTEM_NOT_YET.contains(name) {
                return Err(block.invalid(
                    "enabled",
                    format!("the system detector's {name} is not supported by this build yet"),
                ));
            }
            enabled.push(*name);
        }
        Ok(SystemSettings { sources, enabled })
    }

    fn detect(&self) -> Result<Vec<KeyValue>, String> {
        let mut out = Vec::new();
        for name in &self.enabled {
            let value = match *name {
                "host.name" => self.hostname()?,
                "os.type" => os_type().to_owned(),
                "host.arch" => host_arch().to_owned(),
                "host.id" => {
                    host_id().ok_or("cannot read /etc/machine-id or /var/lib/dbus/machine-id")?
                }
                _ => continue,
            };
            out.push(text(name, &value));
        }
        Ok(out)
    }

    /// The first hostname source that answers.
    fn hostname(&self) -> Result<String, String> {
        let os = os_hostname();
        for source in &self.sources {
            let found = match source.as_str() {
                "os" => os.clone(),
                "dns" => os
                    .as_deref()
                    .and_then(|h| hosts_fqdn(h, &std::fs::read_to_string("/etc/hosts").ok()?)),
                _ => None,
            };
            if let Some(found) = found {
                return Ok(found);
            }
        }
        Err("all hostname sources failed to get hostname".into())
    }
}

fn os_hostname() -> Option<String> {
    let name = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .ok()?;
    Some(name.trim().to_owned()).filter(|n| !n.is_empty())
}

/// The fully qualified name `/etc/hosts` gives `host` (go-fqdn's first
/// step): the first name of a line that lists it.
pub fn hosts_fqdn(host: &str, hosts: &str) -> Option<String> {
    hosts.lines().find_map(|line| {
        let line = line.split('#').next()?;
        let mut fields = line.split_whitespace().skip(1);
        let canonical = fields.next()?;
        (canonical == host || fields.any(|f| f == host)).then(|| canonical.to_owned())
    })
}

/// Go's `runtime.GOOS`.
pub fn os_type() -> &'static str {
    match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    }
}

/// The host.arch values of the semantic conventions.
fn host_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "x86",
        "powerpc64" => "ppc64",
        "s390x" => "s390x",
        "arm" => "arm32",
        other => other,
    }
}

fn host_id() -> Option<String> {
    ["/etc/machine-id", "/var/lib/dbus/machine-id"].iter().find_map(|p| {
        Some(std::fs::read_to_string(p).ok()?.trim().to_owned()).filter(|s| !s.is_empty())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attributes::{as_string, get};

    #[test]
    fn env_pairs_split_trim_and_decode() {
        let found = env_attributes(Some(" service.name = api , team=a%2Cb,zone=eu+west")).unwrap();
        assert_eq!(as_string(get(&found, "service.name")), "api");
        assert_eq!(as_string(get(&found, "team")), "a,b");
        assert_eq!(as_string(get(&found, "zone")), "eu west");
        assert!(env_attributes(None).unwrap().is_empty());
        assert!(env_attributes(Some("novalue")).unwrap_err().contains("expected key=value"));
    }

    #[test]
    fn hosts_file_gives_the_canonical_name() {
        let hosts = "127.0.0.1 localhost\n10.0.0.2 box.example.com box # mine\n";
        assert_eq!(hosts_fqdn("box", hosts).as_deref(), Some("box.example.com"));
        assert_eq!(hosts_fqdn("other", hosts), None);
    }

    #[test]
    fn merging_overrides_only_when_asked() {
        let mut resource =
            Some(Resource { attributes: vec![text("host.name", "mine")], ..Default::default() });
        let detected = Detected {
            attributes: vec![text("host.name", "found"), text("os.type", "linux")],
            overrides: false,
        };
        detected.merge(&mut resource);
        let attrs = &resource.as_ref().unwrap().attributes;
        assert_eq!(as_string(get(attrs, "host.name")), "mine");
        assert_eq!(as_string(get(attrs, "os.type")), "linux");
        let detected = Detected { overrides: true, ..detected };
        detected.merge(&mut resource);
        assert_eq!(as_string(get(&resource.unwrap().attributes, "host.name")), "found");
    }
}
