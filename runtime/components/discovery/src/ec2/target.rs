//! An instance's target, labelled as Prometheus's EC2 discovery labels it:
//! the private IP and `port` as the address, every `__meta_ec2_*` label
//! set from what the API gave (an element it left out leaves its label
//! out), the subnet and IPv6 lists comma-wrapped.

use std::collections::HashMap;

use river_runtime::labels::{sanitize_name, Labels};

use super::xml::Instance;
use crate::dns::join_host_port;

const P: &str = "__meta_ec2_";
/// Each list label starts and ends with it, so that a relabelling regex
/// can match `.*,item,.*`.
const SEPARATOR: &str = ",";

/// A network interface's device index beyond this is not a slot of the
/// primary IPv6 list: EC2 has far fewer, and a wrong answer must not make
/// the list huge.
const MAX_DEVICE_INDEX: u32 = 1024;

/// The instance's labels; none for an instance without a private IP.
pub(crate) fn labels(
    i: &Instance,
    region: &str,
    port: i64,
    zones: Option<&HashMap<String, String>>,
) -> Option<Labels> {
    let private_ip = i.private_ip.as_deref()?;
    // Unknown until DescribeAvailabilityZones has answered (it may be
    // refused: the permission is optional), and then empty, as Prometheus.
    let zone_id = zones.and_then(|z| z.get(&i.availability_zone)).cloned().unwrap_or_default();
    let always = [
        ("instance_id", i.instance_id.clone()),
        ("region", region.to_owned()),
        ("private_ip", private_ip.to_owned()),
        ("ami", i.image_id.clone()),
        ("availability_zone", i.availability_zone.clone()),
        ("availability_zone_id", zone_id),
        ("instance_state", i.state.clone()),
        ("instance_type", i.instance_type.clone()),
    ];
    let mut pairs: Vec<(String, String)> =
        always.into_iter().map(|(name, value)| (format!("{P}{name}"), value)).collect();
    pairs.push(("__address__".into(), join_host_port(private_ip, &port.to_string())));
    pairs.extend(optional(i));
    if let Some(vpc) = &i.vpc_id {
        pairs.push((format!("{P}vpc_id"), vpc.clone()));
        pairs.push((format!("{P}primary_subnet_id"), i.subnet_id.clone().unwrap_or_default()));
        pairs.extend(network(i));
    }
    for (key, value) in &i.tags {
        pairs.push((format!("{P}tag_{}", sanitize_name(key)), value.clone()));
    }
    Some(Labels::from_pairs(pairs))
}

/// The labels of what the API may leave out, each when it did not. The
/// public DNS name comes with the public IP, as in Prometheus.
fn optional(i: &Instance) -> Vec<(String, String)> {
    let public_dns = i.public_ip.as_ref().map(|_| i.public_dns.clone().unwrap_or_default());
    let labels = [
        ("owner_id", &i.owner_id),
        ("private_dns_name", &i.private_dns),
        ("platform", &i.platform),
        ("instance_lifecycle", &i.lifecycle),
        ("architecture", &i.architecture),
        ("public_ip", &i.public_ip),
        ("public_dns_name", &public_dns),
    ];
    labels
        .into_iter()
        .filter_map(|(name, value)| Some((format!("{P}{name}"), value.clone()?)))
        .collect()
}

/// The subnets of the instance's interfaces (each once, in the API's
/// order), their IPv6 addresses, and the primary IPv6 address of each
/// interface at its device index.
fn network(i: &Instance) -> Vec<(String, String)> {
    let (mut subnets, mut ipv6, mut primary) = (Vec::<&str>::new(), Vec::new(), Vec::new());
    for eni in &i.interfaces {
        // As Prometheus: an interface without a subnet adds nothing.
        let Some(subnet) = eni.subnet_id.as_deref() else { continue };
        if !subnets.contains(&subnet) {
            subnets.push(subnet);
        }
        for (address, is_primary) in &eni.ipv6 {
            ipv6.push(address.as_str());
            let Some(index) = eni.device_index.filter(|i| *i <= MAX_DEVICE_INDEX) else {
                continue;
            };
            if *is_primary {
                // Empty slots keep each address at its interface's index.
                let index = index as usize;
                if primary.len() <= index {
                    primary.resize(index + 1, "");
                }
                primary[index] = address.as_str();
            }
        }
    }
    let wrap = |items: &[&str]| format!("{SEPARATOR}{}{SEPARATOR}", items.join(SEPARATOR));
    let mut pairs = vec![(format!("{P}subnet_id"), wrap(&subnets))];
    if !ipv6.is_empty() {
        pairs.push((format!("{P}ipv6_addresses"), wrap(&ipv6)));
    }
    if !primary.is_empty() {
        pairs.push((format!("{P}primary_ipv6_addresses"), wrap(&primary)));
    }
    pairs
}
