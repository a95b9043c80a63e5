//! `node_network_address_info`: every IPv4 and IPv6 address of every
//! interface, with its prefix length and scope, as node_exporter reads
//! them from Go's `net.Interfaces` (`getifaddrs(3)` here).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::exposition::Exposition;
use crate::unix::collector::CollectError;

pub fn collect(out: &mut Exposition) -> Result<(), CollectError> {
    for (device, address, prefix) in addresses()? {
        out.gauge("node_network_address_info", "node network address by device").sample(
            &[
                ("device", &device),
                ("address", &address.to_string()),
                ("netmask", &prefix.to_string()),
                ("scope", scope(&address)),
            ],
            1.0,
        );
    }
    Ok(())
}

/// (interface, address, prefix length) of each address.
fn addresses() -> Result<Vec<(String, IpAddr, u32)>, CollectError> {
    let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `list` with a linked list it allocates,
    // freed below with freeifaddrs whatever happens in between.
    if unsafe { libc::getifaddrs(&mut list) } != 0 {
        return Err(CollectError::Failed(format!(
            "could not get network interfaces: {}",
            std::io::Error::last_os_error()
        )));
    }
    let mut found = Vec::new();
    let mut entry = list;
    while !entry.is_null() {
        // SAFETY: `entry` is a node of the list getifaddrs returned, not yet freed.
        let ifa = unsafe { &*entry };
        // SAFETY: the address and mask, when not null, point at sockaddrs
        // of the family their sa_family names; the name is a C string.
        if let Some(item) = unsafe { item(ifa) } {
            found.push(item);
        }
        entry = ifa.ifa_next;
    }
    // SAFETY: `list` came from getifaddrs and is freed once.
    unsafe { libc::freeifaddrs(list) };
    Ok(found)
}

/// The address of one list node, when it is IPv4 or IPv6 with a mask.
unsafe fn item(ifa: &libc::ifaddrs) -> Option<(String, IpAddr, u32)> {
    if ifa.ifa_addr.is_null() || ifa.ifa_netmask.is_null() || ifa.ifa_name.is_null() {
        return None;
    }
    let name = std::ffi::CStr::from_ptr(ifa.ifa_name).to_string_lossy().into_owned();
    match i32::from((*ifa.ifa_addr).sa_family) {
        libc::AF_INET => {
            let addr = &*(ifa.ifa_addr as *const libc::sockaddr_in);
            let mask = &*(ifa.ifa_netmask as *const libc::sockaddr_in);
            let ip = Ipv4Addr::from(u32::from_be(addr.sin_addr.s_addr));
            Some((name, IpAddr::V4(ip), u32::from_be(mask.sin_addr.s_addr).count_ones()))
        }
        libc::AF_INET6 => {
            let addr = &*(ifa.ifa_addr as *const libc::sockaddr_in6);
            let mask = &*(ifa.ifa_netmask as *const libc::sockaddr_in6);
            let ip = Ipv6Addr::from(addr.sin6_addr.s6_addr);
            let prefix = mask.sin6_addr.s6_addr.iter().map(|b| b.count_ones()).sum();
            Some((name, IpAddr::V6(ip), prefix))
        }
        _ => None,
    }
}

/// The scope node_exporter gives an address (Go's `net.IP` predicates).
fn scope(ip: &IpAddr) -> &'static str {
    match ip {
        IpAddr::V4(v4) => {
            if v4.is_loopback() || v4.is_link_local() || is_v4_link_local_multicast(v4) {
                "link-local"
            } else if v4.is_unspecified() || v4.is_multicast() || v4.is_broadcast() {
                ""
            } else {
                "global"
            }
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            let multicast = v6.is_multicast();
            if v6.is_loopback() || (s[0] & 0xffc0) == 0xfe80 || (multicast && (s[0] & 0x000f) == 2)
            {
                "link-local"
            } else if multicast && (s[0] & 0x000f) == 1 {
                "interface-local"
            } else if v6.is_unspecified() || multicast {
                ""
            } else {
                "global"
            }
        }
    }
}

fn is_v4_link_local_multicast(ip: &Ipv4Addr) -> bool {
    let o = ip.octets();
    o[0] == 224 && o[1] == 0 && o[2] == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_as_go_names_them() {
        let v4 = |s: &str| IpAddr::V4(s.parse().unwrap());
        let v6 = |s: &str| IpAddr::V6(s.parse().unwrap());
        assert_eq!(scope(&v4("127.0.0.1")), "link-local");
        assert_eq!(scope(&v4("169.254.1.1")), "link-local");
        assert_eq!(scope(&v4("10.1.2.3")), "global");
        assert_eq!(scope(&v6("::1")), "link-local");
        assert_eq!(scope(&v6("fe80::1")), "link-local");
        assert_eq!(scope(&v6("ff01::1")), "interface-local");
        assert_eq!(scope(&v6("2001:db8::1")), "global");
        assert_eq!(scope(&v6("::")), "");
    }
}
