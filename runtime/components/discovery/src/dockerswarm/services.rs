//! The `services` role: one target per virtual IP of each service and
//! TCP port it publishes (the component's `port` when it publishes
//! none); and the service labels and ports the `tasks` role uses.

use std::collections::HashMap;
use std::net::IpAddr;

use river_runtime::error::Error;
use river_runtime::labels::Labels;

use super::labels_after;
use super::model::{PortConfig, Service};
use crate::dns::join_host_port;
use crate::engine::{network_labels, Engine};

const PREFIX: &str = "__meta_dockerswarm_service_";

type Pairs = Vec<(String, String)>;

pub(super) async fn targets(engine: &Engine, port: u16) -> Result<Vec<Labels>, Error> {
    let services: Vec<Service> = engine.get("/services", true).await?;
    let networks = network_labels(engine, "__meta_dockerswarm_").await?;
    let mut found = Vec::new();
    for service in &services {
        let mut common = labels(service);
        let spec = service.spec.task_template.container_spec.as_ref();
        let hostname = spec.map(|s| s.hostname.clone()).unwrap_or_default();
        let image = spec.map(|s| s.image.clone()).unwrap_or_default();
        common.push((format!("{PREFIX}task_container_hostname"), hostname));
        common.push((format!("{PREFIX}task_container_image"), image));
        if let Some(status) = &service.update_status {
            common.push((format!("{PREFIX}updating_status"), status.state.clone()));
        }
        for vip in &service.endpoint.virtual_ips {
            let ip = ip_of_cidr(&vip.addr)?;
            let mut base = common.clone();
            base.extend(networks.get(&vip.network_id).into_iter().flatten().cloned());
            found.extend(vip_targets(base, &ip, &service.endpoint.ports, port));
        }
    }
    Ok(found)
}

/// A virtual IP's targets: one per TCP port, or one at `port`.
fn vip_targets(base: Pairs, ip: &str, ports: &[PortConfig], port: u16) -> Vec<Labels> {
    let tcp: Vec<&PortConfig> = ports.iter().filter(|p| p.protocol == "tcp").collect();
    if tcp.is_empty() {
        let mut labels = base;
        labels.push(("__address__".into(), join_host_port(ip, &port.to_string())));
        return vec![Labels::from_pairs(labels)];
    }
    let target = |p: &PortConfig| {
        let mut labels = base.clone();
        labels.push((format!("{PREFIX}endpoint_port_name"), p.name.clone()));
        labels.push((format!("{PREFIX}endpoint_port_publish_mode"), p.publish_mode.clone()));
        labels.push(("__address__".into(), join_host_port(ip, &p.published_port.to_string())));
        Labels::from_pairs(labels)
    };
    tcp.into_iter().map(target).collect()
}

/// Every service's labels and ports (the `filter` blocks do not apply),
/// by its ID.
pub(super) async fn labels_and_ports(
    engine: &Engine,
) -> Result<(HashMap<String, Pairs>, HashMap<String, Vec<PortConfig>>), Error> {
    let services: Vec<Service> = engine.get("/services", false).await?;
    let labels = services.iter().map(|s| (s.id.clone(), labels(s))).collect();
    let ports = services.into_iter().map(|s| (s.id, s.endpoint.ports)).collect();
    Ok((labels, ports))
}

fn labels(service: &Service) -> Pairs {
    let mut labels = vec![
        (format!("{PREFIX}id"), service.id.clone()),
        (format!("{PREFIX}name"), service.spec.name.clone()),
        (format!("{PREFIX}mode"), service.spec.mode.name().to_owned()),
    ];
    labels.extend(labels_after("__meta_dockerswarm_service_label_", &service.spec.labels));
    labels
}

/// The address of `10.0.0.3/24`, written as Go writes an IP.
pub(super) fn ip_of_cidr(cidr: &str) -> Result<String, Error> {
    let (ip, bits) = cidr.split_once('/').unwrap_or((cidr, ""));
    match (ip.parse::<IpAddr>(), bits.parse::<u8>()) {
        (Ok(ip), Ok(_)) => Ok(ip.to_string()),
        _ => {
            Err(Error::invalid(format!("the engine gave an address that is not a CIDR: {cidr:?}")))
        }
    }
}
