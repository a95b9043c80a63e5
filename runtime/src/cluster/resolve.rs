//! The join addresses, resolved as the reference does: `host:port` and
//! IPs as they are (a host name looked up), a bare name as an SRV record
//! first, then as a host name with the HTTP port.

use std::net::SocketAddr;

use rand::seq::SliceRandom;
use rand::SeedableRng;

use super::flags::{with_port, Settings};

/// The peers to join now: every join address resolved, then at most
/// `--cluster.max-join-peers` of them, chosen at random.
pub async fn join_peers(settings: &Settings) -> Vec<String> {
    let mut peers = Vec::new();
    for address in &settings.join_addresses {
        match resolve(address, settings.default_port).await {
            Ok(found) => peers.extend(found),
            Err(e) => tracing::warn!(address, err = %e, "cannot resolve a cluster join address"),
        }
    }
    peers.sort();
    peers.dedup();
    peers.retain(|p| *p != settings.advertise_address);
    let max = settings.max_join_peers;
    if max > 0 && peers.len() > max {
        peers.shuffle(&mut rand::rngs::SmallRng::seed_from_u64(seed()));
        peers.truncate(max);
    }
    peers
}

fn seed() -> u64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    now.map(|d| d.as_nanos() as u64).unwrap_or(1) ^ u64::from(std::process::id())
}

/// One join address as `ip:port`s.
async fn resolve(address: &str, port: u16) -> Result<Vec<String>, String> {
    let has_port = address.parse::<SocketAddr>().is_ok()
        || address
            .rsplit_once(':')
            .is_some_and(|(h, p)| !h.contains(':') && p.parse::<u16>().is_ok());
    let is_ip = address.trim_matches(['[', ']']).parse::<std::net::IpAddr>().is_ok();
    if !has_port && !is_ip {
        let srv = srv(address).await;
        if !srv.is_empty() {
            let mut out = Vec::new();
            for target in srv {
                out.extend(lookup(&target).await?);
            }
            return Ok(out);
        }
    }
    lookup(&with_port(address, port)).await
}

/// `host:port` with the host looked up (A and AAAA).
async fn lookup(host_port: &str) -> Result<Vec<String>, String> {
    let found = tokio::net::lookup_host(host_port).await.map_err(|e| e.to_string())?;
    Ok(found.map(|a| a.to_string()).collect())
}

/// The `target:port`s of `name`'s SRV records (none when it has none).
async fn srv(name: &str) -> Vec<String> {
    use hickory_resolver::proto::rr::{RData, RecordType};
    let Ok(builder) = hickory_resolver::Resolver::builder_tokio() else {
        return Vec::new();
    };
    let Ok(resolver) = builder.build() else {
        return Vec::new();
    };
    let Ok(answer) = resolver.lookup(name, RecordType::SRV).await else {
        return Vec::new();
    };
    answer
        .answers()
        .iter()
        .filter_map(|record| match &record.data {
            RData::SRV(srv) => {
                Some(format!("{}:{}", srv.target.to_string().trim_end_matches('.'), srv.port))
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn join_addresses_resolve_with_the_http_port() {
        let settings = Settings {
            join_addresses: vec!["127.0.0.1".into(), "localhost:9".into(), "127.0.0.2:8".into()],
            default_port: 7,
            advertise_address: "127.0.0.2:8".into(),
            ..Settings::default()
        };
        let peers = join_peers(&settings).await;
        assert!(peers.contains(&"127.0.0.1:7".to_owned()), "{peers:?}");
        assert!(peers.contains(&"127.0.0.1:9".to_owned()), "{peers:?}");
        assert!(!peers.contains(&"127.0.0.2:8".to_owned()), "itself: {peers:?}");
        let few = Settings { max_join_peers: 1, ..settings };
        assert_eq!(join_peers(&few).await.len(), 1);
    }
}
