//! nl80211 over generic netlink, as node_exporter 1.5's library
//! (mdlayher/wifi) asks it: the family's id and version from the
//! controller, then dumps of `NL80211_CMD_GET_INTERFACE`,
//! `NL80211_CMD_GET_SCAN` (the BSS an interface is associated with) and
//! `NL80211_CMD_GET_STATION`, each answer read for the attributes the
//! library reads. "Not there" (no such family, no associated BSS, no
//! station) is `io::ErrorKind::NotFound`, the library's `os.ErrNotExist`.

use std::io;

use netlink_packet_core::NLM_F_REQUEST;

use super::{Bss, Interface, Source, Station};
use crate::unix::collectors::netlink::{
    self, attributes, encode, string_of, u16_of, u32_of, u64_of, Raw, Reply, NETLINK_GENERIC,
};

const GENL_ID_CTRL: u16 = 0x10;
const CTRL_CMD_GETFAMILY: u8 = 3;
const CTRL_ATTR_FAMILY_ID: u16 = 1;
const CTRL_ATTR_FAMILY_NAME: u16 = 2;
const CTRL_ATTR_VERSION: u16 = 3;

const CMD_GET_INTERFACE: u8 = 5;
const CMD_GET_STATION: u8 = 17;
const CMD_GET_SCAN: u8 = 32;

const ATTR_IFINDEX: u16 = 3;
const ATTR_IFNAME: u16 = 4;
const ATTR_MAC: u16 = 6;
const ATTR_STA_INFO: u16 = 21;
const ATTR_WIPHY_FREQ: u16 = 38;
const ATTR_BSS: u16 = 47;

const BSS_BSSID: u16 = 1;
const BSS_INFORMATION_ELEMENTS: u16 = 6;
const BSS_STATUS: u16 = 9;
/// The SSID's information element.
const IE_SSID: u8 = 0;

const STA_INFO_INACTIVE_TIME: u16 = 1;
const STA_INFO_RX_BYTES: u16 = 2;
const STA_INFO_TX_BYTES: u16 = 3;
const STA_INFO_SIGNAL: u16 = 7;
const STA_INFO_TX_BITRATE: u16 = 8;
const STA_INFO_TX_RETRIES: u16 = 11;
const STA_INFO_TX_FAILED: u16 = 12;
const STA_INFO_RX_BITRATE: u16 = 14;
const STA_INFO_CONNECTED_TIME: u16 = 16;
const STA_INFO_BEACON_LOSS: u16 = 18;
const STA_INFO_RX_BYTES64: u16 = 23;
const STA_INFO_TX_BYTES64: u16 = 24;
const RATE_INFO_BITRATE: u16 = 1;
const RATE_INFO_BITRATE32: u16 = 5;

/// The nl80211 family of this kernel.
pub struct Kernel {
    id: u16,
    version: u8,
}

impl Kernel {
    /// Asks the controller for nl80211; `NotFound` when the kernel has
    /// no such family (no wireless stack loaded).
    pub fn open() -> io::Result<Box<dyn Source>> {
        let name = (CTRL_ATTR_FAMILY_NAME, b"nl80211\0".to_vec());
        let request = genl(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, &[name]);
        let replies = netlink::execute(NETLINK_GENERIC, request, NLM_F_REQUEST)?;
        let reply = replies.first().ok_or_else(|| invalid("no answer for nl80211"))?;
        let (mut id, mut version) = (None, 0);
        for (kind, value) in payload_attributes(reply)? {
            match kind {
                CTRL_ATTR_FAMILY_ID => id = Some(u16_of(value).map_err(invalid)?),
                CTRL_ATTR_VERSION => version = u32_of(value).map_err(invalid)? as u8,
                _ => {}
            }
        }
        let id = id.ok_or_else(|| invalid("the controller gave no family id"))?;
        Ok(Box::new(Kernel { id, version }))
    }

    /// A dump of `command` about `interface` (its index and address).
    fn dump(&self, command: u8, interface: Option<&Interface>) -> io::Result<Vec<Reply>> {
        let mut attrs = Vec::new();
        if let Some(interface) = interface {
            attrs.push((ATTR_IFINDEX, interface.index.to_ne_bytes().to_vec()));
            if let Some(mac) = &interface.mac {
                attrs.push((ATTR_MAC, mac.clone()));
            }
        }
        netlink::dump(NETLINK_GENERIC, genl(self.id, command, self.version, &attrs))
    }
}

impl Source for Kernel {
    fn interfaces(&self) -> io::Result<Vec<Interface>> {
        self.dump(CMD_GET_INTERFACE, None)?.iter().map(interface).collect()
    }

    fn bss(&self, interface: &Interface) -> io::Result<Bss> {
        bss(&self.dump(CMD_GET_SCAN, Some(interface))?)
    }

    fn stations(&self, interface: &Interface) -> io::Result<Vec<Station>> {
        let replies = self.dump(CMD_GET_STATION, Some(interface))?;
        if replies.is_empty() {
            return Err(io::ErrorKind::NotFound.into());
        }
        replies.iter().map(station).collect()
    }
}

/// A generic netlink request: `genlmsghdr` (command, version), attributes.
fn genl(family: u16, command: u8, version: u8, attrs: &[(u16, Vec<u8>)]) -> Raw {
    let mut bytes = vec![command, version, 0, 0];
    bytes.extend(encode(attrs));
    Raw { kind: family, bytes }
}

fn invalid(why: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, why.to_string())
}

/// The attributes after a reply's `genlmsghdr`.
fn payload_attributes(reply: &Reply) -> io::Result<Vec<(u16, &[u8])>> {
    let body = reply.payload.get(4..).ok_or_else(|| invalid("short generic netlink message"))?;
    attributes(body).map_err(invalid)
}

/// One interface of the `GET_INTERFACE` dump.
pub fn interface(reply: &Reply) -> io::Result<Interface> {
    let mut out = Interface::default();
    for (kind, value) in payload_attributes(reply)? {
        match kind {
            ATTR_IFINDEX => out.index = u32_of(value).map_err(invalid)?,
            ATTR_IFNAME => out.name = string_of(value),
            ATTR_MAC => out.mac = Some(value.to_vec()),
            ATTR_WIPHY_FREQ => out.frequency_mhz = u32_of(value).map_err(invalid)?,
            _ => {}
        }
    }
    Ok(out)
}

/// The first BSS of a `GET_SCAN` dump that has a status (the one the
/// interface is authenticated, associated or joined with).
pub fn bss(replies: &[Reply]) -> io::Result<Bss> {
    for reply in replies {
        for (kind, value) in payload_attributes(reply)? {
            if kind != ATTR_BSS {
                continue;
            }
            let nested = attributes(value).map_err(invalid)?;
            if nested.iter().any(|(k, _)| *k == BSS_STATUS) {
                return bss_of(&nested);
            }
        }
    }
    Err(io::ErrorKind::NotFound.into())
}

fn bss_of(attrs: &[(u16, &[u8])]) -> io::Result<Bss> {
    let mut out = Bss::default();
    for &(kind, value) in attrs {
        match kind {
            BSS_BSSID => out.bssid = value.to_vec(),
            BSS_STATUS => out.status = u32_of(value).map_err(invalid)?,
            BSS_INFORMATION_ELEMENTS => {
                for (id, data) in elements(value)? {
                    if id == IE_SSID {
                        out.ssid = go_runes(data);
                    }
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// 802.11 information elements: id, length, data.
fn elements(mut data: &[u8]) -> io::Result<Vec<(u8, &[u8])>> {
    let mut out = Vec::new();
    while !data.is_empty() {
        let [id, length, rest @ ..] = data else { return Err(invalid("invalid IE")) };
        let length = usize::from(*length);
        if rest.len() < length {
            return Err(invalid("invalid IE"));
        }
        out.push((*id, &rest[..length]));
        data = &rest[length..];
    }
    Ok(out)
}

/// Bytes as Go's rune loop decodes them: each byte of an invalid
/// sequence becomes U+FFFD on its own.
pub fn go_runes(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        out.extend(std::iter::repeat_n('\u{FFFD}', chunk.invalid().len()));
    }
    out
}

/// One station of a `GET_STATION` dump; one without station information
/// is `NotFound`, which drops the interface's stations, as in the library.
pub fn station(reply: &Reply) -> io::Result<Station> {
    let mut out = Station::default();
    for (kind, value) in payload_attributes(reply)? {
        match kind {
            ATTR_MAC => out.mac = value.to_vec(),
            ATTR_STA_INFO => {
                for (kind, value) in attributes(value).map_err(invalid)? {
                    station_field(&mut out, kind, value)?;
                }
                return Ok(out);
            }
            _ => {}
        }
    }
    Err(io::ErrorKind::NotFound.into())
}

fn station_field(out: &mut Station, kind: u16, value: &[u8]) -> io::Result<()> {
    let word = || u32_of(value).map_err(invalid);
    match kind {
        STA_INFO_CONNECTED_TIME => out.connected_seconds = word()?,
        STA_INFO_INACTIVE_TIME => out.inactive_ms = word()?,
        STA_INFO_RX_BYTES64 => out.received_bytes = u64_of(value).map_err(invalid)?,
        STA_INFO_TX_BYTES64 => out.transmitted_bytes = u64_of(value).map_err(invalid)?,
        // The 32-bit counters only while no 64-bit one has been seen.
        STA_INFO_RX_BYTES if out.received_bytes == 0 => out.received_bytes = u64::from(word()?),
        STA_INFO_TX_BYTES if out.transmitted_bytes == 0 => {
            out.transmitted_bytes = u64::from(word()?)
        }
        STA_INFO_SIGNAL => {
            out.signal_dbm = *value.first().ok_or_else(|| invalid("empty signal"))? as i8
        }
        STA_INFO_TX_RETRIES => out.transmit_retries = word()?,
        STA_INFO_TX_FAILED => out.transmit_failed = word()?,
        STA_INFO_BEACON_LOSS => out.beacon_loss = word()?,
        STA_INFO_RX_BITRATE => out.receive_bitrate = bitrate(value)?,
        STA_INFO_TX_BITRATE => out.transmit_bitrate = bitrate(value)?,
        _ => {}
    }
    Ok(())
}

/// A rate's bits per second: the 32-bit rate, else the 16-bit one, in
/// units of 100 kbit/s.
fn bitrate(value: &[u8]) -> io::Result<u64> {
    let mut rate = 0u64;
    for (kind, value) in attributes(value).map_err(invalid)? {
        if kind == RATE_INFO_BITRATE32 {
            rate = u64::from(u32_of(value).map_err(invalid)?);
        }
        if rate == 0 && kind == RATE_INFO_BITRATE {
            rate = u64::from(u16_of(value).map_err(invalid)?);
        }
    }
    Ok(rate * 100 * 1000)
}

/// Test support: nl80211 answers as the kernel writes them.
#[cfg(test)]
pub mod testing {
    use super::*;

    pub fn reply(attrs: &[(u16, Vec<u8>)]) -> Reply {
        let mut payload = vec![0, 1, 0, 0];
        payload.extend(encode(attrs));
        Reply { kind: 0x1c, payload }
    }

    pub fn interface(index: u32, name: &str, mac: [u8; 6], mhz: u32) -> Reply {
        reply(&[
            (ATTR_IFINDEX, index.to_ne_bytes().to_vec()),
            (ATTR_IFNAME, format!("{name}\0").into_bytes()),
            (ATTR_MAC, mac.to_vec()),
            (ATTR_WIPHY_FREQ, mhz.to_ne_bytes().to_vec()),
        ])
    }

    pub fn bss(bssid: [u8; 6], ssid: &[u8], status: Option<u32>) -> Reply {
        let mut ies = vec![IE_SSID, ssid.len() as u8];
        ies.extend_from_slice(ssid);
        ies.extend_from_slice(&[1, 2, 0x82, 0x84]);
        let mut nested = vec![(BSS_BSSID, bssid.to_vec()), (BSS_INFORMATION_ELEMENTS, ies)];
        if let Some(status) = status {
            nested.push((BSS_STATUS, status.to_ne_bytes().to_vec()));
        }
        reply(&[(ATTR_BSS, encode(&nested))])
    }

    /// A station with 32- and 64-bit byte counters and both rates.
    pub fn station(mac: [u8; 6]) -> Reply {
        let rate = |kind: u16, value: Vec<u8>| encode(&[(kind, value)]);
        let info = encode(&[
            (STA_INFO_INACTIVE_TIME, 1500u32.to_ne_bytes().to_vec()),
            (STA_INFO_RX_BYTES, 7u32.to_ne_bytes().to_vec()),
            (STA_INFO_RX_BYTES64, (1u64 << 33).to_ne_bytes().to_vec()),
            (STA_INFO_TX_BYTES, 900u32.to_ne_bytes().to_vec()),
            (STA_INFO_SIGNAL, vec![(-52i8) as u8]),
            (STA_INFO_TX_BITRATE, rate(RATE_INFO_BITRATE, 540u16.to_ne_bytes().to_vec())),
            (STA_INFO_RX_BITRATE, rate(RATE_INFO_BITRATE32, 1733u32.to_ne_bytes().to_vec())),
            (STA_INFO_TX_RETRIES, 3u32.to_ne_bytes().to_vec()),
            (STA_INFO_TX_FAILED, 2u32.to_ne_bytes().to_vec()),
            (STA_INFO_CONNECTED_TIME, 30u32.to_ne_bytes().to_vec()),
            (STA_INFO_BEACON_LOSS, 1u32.to_ne_bytes().to_vec()),
        ]);
        reply(&[(ATTR_MAC, mac.to_vec()), (ATTR_STA_INFO, info)])
    }
}

#[cfg(test)]
mod tests {
    use super::testing;
    use super::*;

    #[test]
    fn interfaces_bss_and_stations_parse() {
        let wlan = interface(&testing::interface(3, "wlan0", [2, 0, 0, 0, 0, 1], 2412)).unwrap();
        assert_eq!((wlan.index, wlan.name.as_str(), wlan.frequency_mhz), (3, "wlan0", 2412));
        assert_eq!(wlan.mac, Some(vec![2, 0, 0, 0, 0, 1]));
        let replies = [
            testing::bss([1; 6], b"other", None),
            testing::bss([0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff], b"home\xff", Some(1)),
        ];
        let found = bss(&replies).unwrap();
        assert_eq!(found.bssid, vec![0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff]);
        assert_eq!((found.ssid.as_str(), found.status), ("home\u{FFFD}", 1));
        assert_eq!(bss(&replies[..1]).unwrap_err().kind(), io::ErrorKind::NotFound);
        let sta = station(&testing::station([4; 6])).unwrap();
        assert_eq!(sta.received_bytes, 1 << 33);
        assert_eq!(sta.transmitted_bytes, 900);
        assert_eq!((sta.receive_bitrate, sta.transmit_bitrate), (173_300_000, 54_000_000));
        assert_eq!((sta.signal_dbm, sta.inactive_ms, sta.connected_seconds), (-52, 1500, 30));
        assert_eq!((sta.transmit_retries, sta.transmit_failed, sta.beacon_loss), (3, 2, 1));
    }

    #[test]
    fn missing_and_malformed_answers() {
        let no_info = testing::reply(&[(ATTR_MAC, vec![4; 6])]);
        assert_eq!(station(&no_info).unwrap_err().kind(), io::ErrorKind::NotFound);
        let short = Reply { kind: 0x1c, payload: vec![0, 1] };
        assert_eq!(interface(&short).unwrap_err().kind(), io::ErrorKind::InvalidData);
        let bad_ie = testing::reply(&[(
            ATTR_BSS,
            encode(&[
                (BSS_STATUS, 0u32.to_ne_bytes().to_vec()),
                (BSS_INFORMATION_ELEMENTS, vec![0, 9, 1]),
            ]),
        )]);
        assert!(bss(&[bad_ie]).is_err());
        assert_eq!(go_runes(b"a\xe2\x82b"), "a\u{FFFD}\u{FFFD}b");
    }
}
