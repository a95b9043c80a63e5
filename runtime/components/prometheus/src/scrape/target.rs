//! From a discovered label set to a scrape target, as Prometheus does it:
//! the job, scheme, path and parameters as defaults, a port for an address
//! without one, `instance` from the address, `__meta_*` labels dropped, and
//! the series labels without the `__` ones.

use river_runtime::labels::Labels;

/// What the scrape settings give every target.
pub struct Defaults<'a> {
    pub job_name: &'a str,
    pub scheme: &'a str,
    pub metrics_path: &'a str,
    pub params: &'a [(String, Vec<String>)],
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    /// The labels its series get (`job`, `instance`, ...).
    pub labels: Labels,
    /// `host:port`.
    pub address: String,
    /// The path and query, `/metrics?module=x`.
    pub path_and_query: String,
    pub scheme: String,
}

impl Target {
    pub fn url(&self) -> String {
        format!("{}://{}{}", self.scheme, self.address, self.path_and_query)
    }
}

/// The target of a discovered label set; an error when it has no address.
pub fn populate(discovered: &Labels, defaults: &Defaults) -> Result<Target, String> {
    let mut labels = discovered.clone();
    for (name, value) in [
        ("job", defaults.job_name),
        ("__metrics_path__", defaults.metrics_path),
        ("__scheme__", defaults.scheme),
    ] {
        if labels.get(name).is_none() {
            labels.set(name, value);
        }
    }
    for (name, values) in defaults.params {
        let label = format!("__param_{name}");
        if let Some(first) = values.first() {
            if labels.get(&label).is_none() {
                labels.set(&label, first);
            }
        }
    }
    let address = labels.get("__address__").ok_or("a target has no __address__ label")?.to_owned();
    let scheme = labels.get("__scheme__").unwrap_or("http").to_owned();
    let address = with_port(&address, &scheme);
    labels.retain(|name| !name.starts_with("__meta_"));
    if labels.get("instance").is_none() {
        labels.set("instance", &address);
    }
    let path = labels.get("__metrics_path__").unwrap_or("/metrics").to_owned();
    let mut query: Vec<(String, String)> = Vec::new();
    for (name, values) in defaults.params {
        let label = format!("__param_{name}");
        match labels.get(&label) {
            Some(value) => query.push((name.clone(), value.to_owned())),
            None => query.extend(values.iter().map(|v| (name.clone(), v.clone()))),
        }
    }
    for (name, value) in labels.iter() {
        if let Some(param) = name.strip_prefix("__param_") {
            if !query.iter().any(|(n, _)| n == param) {
                query.push((param.to_owned(), value.to_owned()));
            }
        }
    }
    let mut path_and_query = path;
    for (i, (name, value)) in query.iter().enumerate() {
        path_and_query.push(if i == 0 { '?' } else { '&' });
        path_and_query.push_str(&escape(name));
        path_and_query.push('=');
        path_and_query.push_str(&escape(value));
    }
    labels.retain(|name| !name.starts_with("__"));
    Ok(Target { labels, address, path_and_query, scheme })
}

/// The address with the scheme's default port when it has none.
fn with_port(address: &str, scheme: &str) -> String {
    let has_port = match address.rfind(':') {
        Some(at) => {
            !address.ends_with(']')
                && address[at + 1..].bytes().all(|b| b.is_ascii_digit())
                && !address[..at].ends_with(':')
        }
        None => false,
    };
    if has_port {
        address.to_owned()
    } else {
        format!("{address}:{}", if scheme == "https" { 443 } else { 80 })
    }
}

/// Percent-encoding for a query component.
fn escape(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_url_as_prometheus_makes_them() {
        let params = vec![("module".to_owned(), vec!["http_2xx".to_owned()])];
        let defaults = Defaults {
            job_name: "blackbox",
            scheme: "http",
            metrics_path: "/probe",
            params: &params,
        };
        let discovered = Labels::from_pairs([
            ("__address__", "exporter:9115"),
            ("__meta_x", "y"),
            ("__param_target", "a b"),
            ("team", "t"),
        ]);
        let target = populate(&discovered, &defaults).unwrap();
        assert_eq!(target.url(), "http://exporter:9115/probe?module=http_2xx&target=a%20b");
        assert_eq!(
            target.labels,
            Labels::from_pairs([("instance", "exporter:9115"), ("job", "blackbox"), ("team", "t")])
        );
        let bare = populate(
            &Labels::from_pairs([("__address__", "host"), ("__scheme__", "https")]),
            &defaults,
        )
        .unwrap();
        assert_eq!(bare.address, "host:443");
        assert!(populate(&Labels::from_pairs([("job", "x")]), &defaults).is_err());
    }
}
