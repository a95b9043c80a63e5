//! The machine's interfaces and their IPv4 addresses, for the address a
//! node advertises (`--cluster.advertise-interfaces`).

use std::ffi::CStr;
use std::net::Ipv4Addr;

/// The first IPv4 address of the interfaces named, in the order named
/// (`[]`: of any interface but the loopback).
pub fn first_ipv4(names: &[String]) -> Option<Ipv4Addr> {
    let found = interfaces_v4();
    if names.is_empty() {
        return found.iter().find(|(_, ip)| !ip.is_loopback()).map(|(_, ip)| *ip);
    }
    names.iter().find_map(|name| found.iter().find(|(n, _)| n == name).map(|(_, ip)| *ip))
}

/// Every interface's IPv4 addresses, by interface name.
fn interfaces_v4() -> Vec<(String, Ipv4Addr)> {
    let mut found = Vec::new();
    let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `list` with a list that freeifaddrs frees;
    // each entry is read only while the list lives.
    unsafe {
        if libc::getifaddrs(&mut list) != 0 {
            return found;
        }
        let mut entry = list;
        while let Some(e) = entry.as_ref() {
            let addr = e.ifa_addr;
            if !addr.is_null() && i32::from((*addr).sa_family) == libc::AF_INET {
                let v4 = &*(addr as *const libc::sockaddr_in);
                let ip = Ipv4Addr::from(u32::from_be(v4.sin_addr.s_addr));
                let name = CStr::from_ptr(e.ifa_name).to_string_lossy().into_owned();
                found.push((name, ip));
            }
            entry = e.ifa_next;
        }
        libc::freeifaddrs(list);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_loopback_interface_is_found() {
        assert_eq!(first_ipv4(&["lo".into()]), Some(Ipv4Addr::LOCALHOST));
        assert_eq!(first_ipv4(&["no-such-interface".into()]), None);
    }
}
