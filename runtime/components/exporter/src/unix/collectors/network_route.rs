//! `network_route`: the kernel's routing tables, asked over rtnetlink
//! (an `RTM_GETROUTE` dump of every table and address family, as
//! node_exporter 1.5's jsimonetti/rtnetlink asks), as
//! `node_network_route_info` for each unicast route (one per next hop of
//! a multipath route) and `node_network_routes` per device. Addresses are
//! written as Go's `net.IP` writes them, so the labels are node_exporter's.

use std::collections::{BTreeMap, BTreeSet};

use netlink_packet_core::{Emitable, Parseable};
use netlink_packet_route::route::{
    RouteAddress, RouteAttribute, RouteMessage, RouteNextHop, RouteType,
};
use netlink_packet_route::RouteNetlinkMessage;
use river_runtime::args::Args;
use river_runtime::error::Error;

use super::netlink::{self, interface_name, NETLINK_ROUTE};
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "network_route", default: false, build };

/// `RTM_NEWROUTE`, the type of each route in the dump's answer.
const RTM_NEWROUTE: u16 = 24;

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(NetworkRoute))
}

struct NetworkRoute;

impl Collector for NetworkRoute {
    fn collect(&self, _: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let request = RouteNetlinkMessage::GetRoute(RouteMessage::default());
        let replies = netlink::dump(NETLINK_ROUTE, request)
            .map_err(|e| CollectError::Failed(format!("couldn't get routes: {e}")))?;
        let mut routes = Vec::new();
        for reply in replies.iter().filter(|r| r.kind == RTM_NEWROUTE) {
            let route = RouteMessage::parse(&reply.payload[..])
                .map_err(|e| CollectError::Failed(format!("couldn't get routes: {e}")))?;
            routes.push(route);
        }
        write(&routes, &mut interface_name, out);
        Ok(())
    }
}

/// The labels of one `node_network_route_info` series, in node_exporter's
/// order: device, src, dest, gw, priority, proto, weight.
type Labels = [String; 7];

/// Writes both families; `name` gives an interface's name by index.
fn write(
    routes: &[RouteMessage],
    name: &mut dyn FnMut(u32) -> Option<String>,
    out: &mut Exposition,
) {
    let mut names = BTreeMap::new();
    let mut device = |index: u32| -> String {
        names.entry(index).or_insert_with(|| name(index).unwrap_or_default()).clone()
    };
    let mut per_device: BTreeMap<String, u32> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    for route in routes {
        // node_exporter compares the type with RTA_DST (1), which is
        // RTN_UNICAST's number: local, broadcast and other types are left out.
        if route.header.kind != RouteType::Unicast {
            continue;
        }
        for labels in series(route, &mut device) {
            *per_device.entry(labels[0].clone()).or_default() += 1;
            // The same labels twice (one route in two tables) would be a
            // duplicate series; client_golang drops the second.
            if seen.insert(labels.clone()) {
                info(out, &labels);
            }
        }
    }
    for (device, count) in per_device {
        out.gauge("node_network_routes", "network routes by interface")
            .sample(&[("device", &device)], f64::from(count));
    }
}

fn info(out: &mut Exposition, labels: &Labels) {
    const NAMES: [&str; 7] = ["device", "src", "dest", "gw", "priority", "proto", "weight"];
    let pairs: Vec<(&str, &str)> =
        NAMES.iter().copied().zip(labels.iter().map(String::as_str)).collect();
    out.gauge("node_network_route_info", "network routing table information").sample(&pairs, 1.0);
}

/// The label sets of one route: one per next hop of a multipath route,
/// else one with an empty weight.
fn series(route: &RouteMessage, device: &mut dyn FnMut(u32) -> String) -> Vec<Labels> {
    let (mut src, mut dst, mut gateway) = (Vec::new(), Vec::new(), Vec::new());
    let (mut oif, mut priority, mut hops): (u32, u32, &[RouteNextHop]) = (0, 0, &[]);
    for attribute in &route.attributes {
        match attribute {
            RouteAttribute::PrefSource(a) => src = bytes(a),
            RouteAttribute::Destination(a) => dst = bytes(a),
            RouteAttribute::Gateway(a) => gateway = bytes(a),
            RouteAttribute::Oif(index) => oif = *index,
            RouteAttribute::Priority(value) => priority = *value,
            RouteAttribute::MultiPath(list) => hops = list,
            _ => {}
        }
    }
    let common = |device: String, gateway: &[u8], weight: String| -> Labels {
        [
            device,
            ip_or_empty(&src),
            prefix(&dst, route.header.destination_prefix_length),
            ip_or_empty(gateway),
            priority.to_string(),
            protocol(u8::from(route.header.protocol)).to_owned(),
            weight,
        ]
    };
    if hops.is_empty() {
        return vec![common(device(oif), &gateway, String::new())];
    }
    hops.iter()
        .map(|hop| {
            let gateway = hop.attributes.iter().find_map(|a| match a {
                RouteAttribute::Gateway(a) => Some(bytes(a)),
                _ => None,
            });
            let weight = (u32::from(hop.hops) + 1).to_string();
            common(device(hop.interface_index), &gateway.unwrap_or_default(), weight)
        })
        .collect()
}

/// An address attribute's bytes as the kernel sent them.
fn bytes(address: &RouteAddress) -> Vec<u8> {
    let mut out = vec![0; address.buffer_len()];
    address.emit(&mut out);
    out
}

/// node_exporter's `networkRouteIPToString`: empty when absent.
fn ip_or_empty(ip: &[u8]) -> String {
    if ip.is_empty() {
        String::new()
    } else {
        go_ip(ip)
    }
}

/// Go's `net.IP.String`: dotted IPv4 (also for an IPv4-mapped IPv6
/// address), RFC 5952 IPv6, `?` and hex for any other length.
fn go_ip(ip: &[u8]) -> String {
    match ip.len() {
        0 => "<nil>".to_owned(),
        4 => std::net::Ipv4Addr::new(ip[0], ip[1], ip[2], ip[3]).to_string(),
        16 => {
            let v6 = std::net::Ipv6Addr::from(<[u8; 16]>::try_from(ip).expect("16 bytes"));
            match v6.to_ipv4_mapped() {
                Some(v4) => v4.to_string(),
                None => v6.to_string(),
            }
        }
        _ => format!("?{}", ip.iter().map(|b| format!("{b:02x}")).collect::<String>()),
    }
}

/// node_exporter's `networkRouteIPWithPrefixToString`: `default` for a
/// zero-length prefix, else Go's `net.IPNet.String` (`<nil>` where Go's
/// mask or address does not fit).
fn prefix(dst: &[u8], length: u8) -> String {
    if length == 0 {
        return "default".to_owned();
    }
    let mapped = dst.len() == 16 && dst[..12] == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];
    let (ip, bits) = match dst.len() {
        4 => (dst, 32),
        16 if mapped => (&dst[12..], 32),
        16 => (dst, 128),
        _ => return "<nil>".to_owned(),
    };
    if length > bits {
        return "<nil>".to_owned();
    }
    format!("{}/{length}", go_ip(ip))
}

/// The route protocol's name, from the kernel's `rtnetlink.h` as
/// node_exporter 1.5 lists them.
fn protocol(number: u8) -> &'static str {
    match number {
        0 => "unspec",
        1 => "redirect",
        2 => "kernel",
        3 => "boot",
        4 => "static",
        8 => "gated",
        9 => "ra",
        10 => "mrt",
        11 => "zebra",
        12 => "bird",
        13 => "dnrouted",
        14 => "xorp",
        15 => "ntk",
        16 => "dhcp",
        17 => "mrouted",
        42 => "babel",
        186 => "bgp",
        187 => "isis",
        188 => "ospf",
        189 => "rip",
        192 => "eigrp",
        _ => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, Ipv6Addr};

    use netlink_packet_route::route::{RouteHeader, RouteProtocol, RouteScope};
    use netlink_packet_route::AddressFamily;

    use super::*;
    use crate::unix::collectors::hwfs::testing::samples;

    fn route(family: AddressFamily, length: u8, attributes: Vec<RouteAttribute>) -> RouteMessage {
        let mut message = RouteMessage::default();
        message.header.address_family = family;
        message.header.destination_prefix_length = length;
        message.header.table = RouteHeader::RT_TABLE_MAIN;
        message.header.protocol = RouteProtocol::Static;
        message.header.scope = RouteScope::Universe;
        message.header.kind = RouteType::Unicast;
        message.attributes = attributes;
        message
    }

    /// A route as the kernel sends it and as the collector reads it back.
    fn wire(message: &RouteMessage) -> RouteMessage {
        let mut bytes = vec![0; message.buffer_len()];
        message.emit(&mut bytes);
        RouteMessage::parse(&bytes[..]).unwrap()
    }

    fn names(index: u32) -> Option<String> {
        [(2, "eth0"), (3, "eth1")].iter().find(|(i, _)| *i == index).map(|(_, n)| n.to_string())
    }

    fn render(routes: &[RouteMessage]) -> String {
        let routes: Vec<RouteMessage> = routes.iter().map(wire).collect();
        let mut out = Exposition::new();
        write(&routes, &mut names, &mut out);
        out.render()
    }

    fn hop(index: u32, hops: u8, gateway: Ipv4Addr) -> RouteNextHop {
        let mut hop = RouteNextHop::default();
        hop.interface_index = index;
        hop.hops = hops;
        hop.attributes = vec![RouteAttribute::Gateway(RouteAddress::Inet(gateway))];
        hop
    }

    #[test]
    fn routes_with_their_labels() {
        let v4 = |a, b, c, d| RouteAddress::Inet(Ipv4Addr::new(a, b, c, d));
        let mut local = route(AddressFamily::Inet, 32, vec![RouteAttribute::Oif(2)]);
        local.header.kind = RouteType::Local;
        let mut kernel = route(
            AddressFamily::Inet,
            24,
            vec![
                RouteAttribute::Destination(v4(192, 0, 2, 0)),
                RouteAttribute::PrefSource(v4(192, 0, 2, 2)),
                RouteAttribute::Oif(2),
            ],
        );
        kernel.header.protocol = RouteProtocol::Kernel;
        let text = render(&[
            route(
                AddressFamily::Inet,
                0,
                vec![RouteAttribute::Gateway(v4(192, 0, 2, 1)), RouteAttribute::Oif(2)],
            ),
            kernel,
            local,
            route(
                AddressFamily::Inet6,
                32,
                vec![
                    RouteAttribute::Destination(RouteAddress::Inet6("2001:db8::".parse().unwrap())),
                    RouteAttribute::Priority(1024),
                    RouteAttribute::Oif(9),
                ],
            ),
        ]);
        let lines = samples(&text);
        assert!(lines.contains(&"node_network_route_info{dest=\"default\",device=\"eth0\",gw=\"192.0.2.1\",priority=\"0\",proto=\"static\"} 1"), "{text}");
        assert!(lines.contains(&"node_network_route_info{dest=\"192.0.2.0/24\",device=\"eth0\",priority=\"0\",proto=\"kernel\",src=\"192.0.2.2\"} 1"), "{text}");
        // An interface that no longer exists has an empty name.
        assert!(lines.contains(&"node_network_route_info{dest=\"2001:db8::/32\",priority=\"1024\",proto=\"static\"} 1"), "{text}");
        assert!(lines.contains(&"node_network_routes{device=\"eth0\"} 2"), "{text}");
        assert!(lines.contains(&"node_network_routes 1"), "{text}");
        assert_eq!(text.matches("node_network_route_info{").count(), 3);
        assert!(text.contains("# HELP node_network_route_info network routing table information\n# TYPE node_network_route_info gauge\n"));
        assert!(text.contains("# HELP node_network_routes network routes by interface\n# TYPE node_network_routes gauge\n"));
    }

    #[test]
    fn each_next_hop_of_a_multipath_route() {
        let dst = RouteAttribute::Destination(RouteAddress::Inet(Ipv4Addr::new(10, 30, 0, 0)));
        let hops = RouteAttribute::MultiPath(vec![
            hop(2, 0, Ipv4Addr::new(10, 9, 0, 2)),
            hop(3, 2, Ipv4Addr::new(10, 9, 1, 2)),
        ]);
        let text = render(&[route(AddressFamily::Inet, 16, vec![dst, hops])]);
        let lines = samples(&text);
        assert!(lines.contains(&"node_network_route_info{dest=\"10.30.0.0/16\",device=\"eth0\",gw=\"10.9.0.2\",priority=\"0\",proto=\"static\",weight=\"1\"} 1"), "{text}");
        assert!(lines.contains(&"node_network_route_info{dest=\"10.30.0.0/16\",device=\"eth1\",gw=\"10.9.1.2\",priority=\"0\",proto=\"static\",weight=\"3\"} 1"), "{text}");
        assert!(lines.contains(&"node_network_routes{device=\"eth1\"} 1"), "{text}");
    }

    #[test]
    fn a_route_in_two_tables_is_one_series_and_counts_twice() {
        let dst = || RouteAttribute::Destination(RouteAddress::Inet(Ipv4Addr::new(10, 1, 0, 0)));
        let mut other = route(AddressFamily::Inet, 16, vec![dst(), RouteAttribute::Oif(2)]);
        other.header.table = 100;
        let text =
            render(&[route(AddressFamily::Inet, 16, vec![dst(), RouteAttribute::Oif(2)]), other]);
        assert_eq!(text.matches("node_network_route_info{").count(), 1, "{text}");
        assert!(text.contains("node_network_routes{device=\"eth0\"} 2"), "{text}");
    }

    #[test]
    fn addresses_as_go_writes_them() {
        assert_eq!(go_ip(&[10, 0, 0, 1]), "10.0.0.1");
        assert_eq!(go_ip(&"fe80::1".parse::<Ipv6Addr>().unwrap().octets()), "fe80::1");
        assert_eq!(go_ip(&"::ffff:10.0.0.1".parse::<Ipv6Addr>().unwrap().octets()), "10.0.0.1");
        assert_eq!(
            go_ip(&"2001:db8:0:0:1:0:0:1".parse::<Ipv6Addr>().unwrap().octets()),
            "2001:db8::1:0:0:1"
        );
        assert_eq!(go_ip(&[1, 2]), "?0102");
        assert_eq!(prefix(&[10, 0, 0, 0], 33), "<nil>");
        assert_eq!(prefix(&[], 33), "<nil>");
        assert_eq!(prefix(&[10, 0, 0, 0], 8), "10.0.0.0/8");
        assert_eq!(prefix(&[10, 0, 0, 0], 0), "default");
        assert_eq!(protocol(18), "unknown");
        assert_eq!(protocol(186), "bgp");
    }

    #[test]
    fn dumps_this_host() {
        let mut out = Exposition::new();
        let host = crate::unix::collectors::hwfs::testing::host("core");
        NetworkRoute.collect(&host, &mut out).unwrap();
    }
}
