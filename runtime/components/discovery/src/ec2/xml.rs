//! The EC2 API's answers (its query protocol answers in XML): the
//! instances of a `DescribeInstances` page with the token of the next, the
//! zones of `DescribeAvailabilityZones`, and the code and message of an
//! error. An element the answer leaves out is `None`, as the SDK leaves
//! its field nil, which decides some labels.

use std::collections::HashMap;

pub(crate) use crate::xml::parse;
use crate::xml::Element;

/// One instance, with the owner of its reservation.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Instance {
    pub owner_id: Option<String>,
    pub instance_id: String,
    pub image_id: String,
    pub state: String,
    pub instance_type: String,
    pub availability_zone: String,
    pub private_ip: Option<String>,
    pub private_dns: Option<String>,
    pub public_ip: Option<String>,
    pub public_dns: Option<String>,
    pub platform: Option<String>,
    pub lifecycle: Option<String>,
    pub architecture: Option<String>,
    pub vpc_id: Option<String>,
    pub subnet_id: Option<String>,
    pub interfaces: Vec<Interface>,
    pub tags: Vec<(String, String)>,
}

/// A network interface: its subnet, its device index, and its IPv6
/// addresses with whether each is the primary one.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Interface {
    pub subnet_id: Option<String>,
    pub device_index: Option<u32>,
    pub ipv6: Vec<(String, bool)>,
}

/// A `DescribeInstancesResponse`: its instances, and the token of the
/// next page when there is one.
pub(crate) struct Page {
    pub instances: Vec<Instance>,
    pub next_token: Option<String>,
}

pub(crate) fn page(root: &Element) -> Page {
    let mut instances = Vec::new();
    for reservation in root.items("reservationSet") {
        let owner_id = reservation.text_of("ownerId");
        for item in reservation.items("instancesSet") {
            instances.push(Instance { owner_id: owner_id.clone(), ..instance(item) });
        }
    }
    let next_token = root.text_of("nextToken").filter(|t| !t.is_empty());
    Page { instances, next_token }
}

/// An `<item>` of `instancesSet`, under the SDK's names for its elements.
fn instance(item: &Element) -> Instance {
    let text = |name: &str| item.text_of(name);
    let nested = |outer: &str, inner: &str| item.child(outer).and_then(|o| o.text_of(inner));
    Instance {
        owner_id: None,
        instance_id: text("instanceId").unwrap_or_default(),
        image_id: text("imageId").unwrap_or_default(),
        state: nested("instanceState", "name").unwrap_or_default(),
        instance_type: text("instanceType").unwrap_or_default(),
        availability_zone: nested("placement", "availabilityZone").unwrap_or_default(),
        private_ip: text("privateIpAddress"),
        private_dns: text("privateDnsName"),
        public_ip: text("ipAddress"),
        public_dns: text("dnsName"),
        platform: text("platform"),
        lifecycle: text("instanceLifecycle"),
        architecture: text("architecture"),
        vpc_id: text("vpcId"),
        subnet_id: text("subnetId"),
        interfaces: item.items("networkInterfaceSet").map(interface).collect(),
        tags: item
            .items("tagSet")
            .filter_map(|t| Some((t.text_of("key")?, t.text_of("value")?)))
            .collect(),
    }
}

fn interface(item: &Element) -> Interface {
    let index = item.child("attachment").and_then(|a| a.text_of("deviceIndex"));
    Interface {
        subnet_id: item.text_of("subnetId"),
        device_index: index.and_then(|i| i.trim().parse().ok()),
        ipv6: item
            .items("ipv6AddressesSet")
            .filter_map(|a| {
                let primary = a.text_of("isPrimaryIpv6").is_some_and(|p| p.trim() == "true");
                Some((a.text_of("ipv6Address")?, primary))
            })
            .collect(),
    }
}

/// Each zone's ID by its name, from a `DescribeAvailabilityZonesResponse`.
pub(crate) fn zones(root: &Element) -> HashMap<String, String> {
    let zones = root.items("availabilityZoneInfo");
    zones.filter_map(|z| Some((z.text_of("zoneName")?, z.text_of("zoneId")?))).collect()
}

/// `Code: Message` of an error answer (`<Response><Errors><Error>`).
pub(crate) fn error(text: &str) -> Option<String> {
    let root = parse(text).ok()?;
    let error = root.child("Errors")?.child("Error")?;
    let code = error.text_of("Code").unwrap_or_default();
    Some(format!("{code}: {}", error.text_of("Message").unwrap_or_default()))
}
