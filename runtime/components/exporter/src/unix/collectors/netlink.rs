//! One netlink dump, shared by the collectors that ask the kernel over
//! netlink (`network_route` and `qdisc` over `NETLINK_ROUTE`, `wifi` over
//! generic netlink): a request with `NLM_F_DUMP` on a socket of its own,
//! and every message of the answer until `NLMSG_DONE`, as
//! mdlayher/netlink's `Execute` gathers them for node_exporter. The
//! messages are handed back undecoded: each collector reads only the
//! attributes node_exporter's library reads.

use std::io;

use netlink_packet_core::{
    DefaultNla, Emitable, NetlinkBuffer, NetlinkHeader, NetlinkMessage, NetlinkPayload,
    NetlinkSerializable, NlasIterator, NLMSG_DONE, NLMSG_ERROR, NLMSG_NOOP, NLM_F_DUMP,
    NLM_F_MULTIPART, NLM_F_REQUEST,
};
use netlink_sys::{Socket, SocketAddr};

pub use netlink_sys::protocols::{NETLINK_GENERIC, NETLINK_ROUTE};

/// One message of a dump's answer: its type and its payload (after the
/// netlink header).
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub kind: u16,
    pub payload: Vec<u8>,
}

/// A request given as its type and payload bytes (a generic netlink
/// command, a bare `rtmsg`).
#[derive(Debug, Clone)]
pub struct Raw {
    pub kind: u16,
    pub bytes: Vec<u8>,
}

impl NetlinkSerializable for Raw {
    fn message_type(&self) -> u16 {
        self.kind
    }

    fn buffer_len(&self) -> usize {
        self.bytes.len()
    }

    fn serialize(&self, buffer: &mut [u8]) {
        buffer.copy_from_slice(&self.bytes);
    }
}

/// Sends `request` as a dump on a new socket of `protocol` and gathers
/// the answer. An `NLMSG_ERROR` (or a negative `NLMSG_DONE`) is the
/// kernel's errno as an `io::Error`, so callers can tell `ENOENT` apart.
pub fn dump<T: NetlinkSerializable + std::fmt::Debug>(
    protocol: isize,
    request: T,
) -> io::Result<Vec<Reply>> {
    execute(protocol, request, NLM_F_REQUEST | NLM_F_DUMP)
}

/// Sends `request` with `flags` and gathers the answer, one message or a
/// multipart one.
pub fn execute<T: NetlinkSerializable + std::fmt::Debug>(
    protocol: isize,
    request: T,
    flags: u16,
) -> io::Result<Vec<Reply>> {
    let mut socket = Socket::new(protocol)?;
    socket.bind_auto()?;
    socket.connect(&SocketAddr::new(0, 0))?;
    let mut header = NetlinkHeader::default();
    header.flags = flags;
    header.sequence_number = 1;
    let mut message = NetlinkMessage::new(header, NetlinkPayload::InnerMessage(request));
    message.finalize();
    let mut bytes = vec![0; message.buffer_len()];
    message.serialize(&mut bytes);
    socket.send(&bytes, 0)?;
    let mut replies = Vec::new();
    loop {
        let (datagram, _) = socket.recv_from_full()?;
        if split(&datagram, &mut replies)? {
            return Ok(replies);
        }
    }
}

/// Adds the messages of one datagram to `out`; true when the answer is
/// complete (`NLMSG_DONE`, or a message that is not part of a multipart
/// answer).
pub fn split(mut data: &[u8], out: &mut Vec<Reply>) -> io::Result<bool> {
    let mut done = false;
    while !data.is_empty() {
        let message = NetlinkBuffer::new_checked(data).map_err(invalid)?;
        let length = message.length() as usize;
        let payload = message.payload();
        match message.message_type() {
            NLMSG_DONE => return status(payload).map(|()| true),
            NLMSG_ERROR => {
                status(payload)?;
                // An acknowledgement (errno 0) ends a request.
                done = true;
            }
            NLMSG_NOOP => {}
            kind => out.push(Reply { kind, payload: payload.to_vec() }),
        }
        done |= message.flags() & NLM_F_MULTIPART == 0;
        // Messages are 4-byte aligned; the last may lack its padding.
        data = data.get(length.next_multiple_of(4)..).unwrap_or_default();
    }
    Ok(done)
}

/// The errno an `NLMSG_ERROR` or `NLMSG_DONE` payload starts with.
fn status(payload: &[u8]) -> io::Result<()> {
    let code = payload.get(..4).map_or(0, |b| i32::from_ne_bytes([b[0], b[1], b[2], b[3]]));
    match code {
        0.. => Ok(()),
        errno => Err(io::Error::from_raw_os_error(-errno)),
    }
}

fn invalid(error: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("malformed netlink message: {error}"))
}

/// The attributes of `data` as (type, value), the nested and byte-order
/// flags taken off the type; an attribute whose length runs past the end
/// is an error, as mdlayher/netlink's decoder has it.
pub fn attributes(data: &[u8]) -> Result<Vec<(u16, &[u8])>, String> {
    let mut out = Vec::new();
    for attribute in NlasIterator::new(data) {
        let attribute = attribute.map_err(|e| format!("invalid netlink attributes: {e}"))?;
        let value = attribute.into_inner();
        let kind = u16::from_ne_bytes([value[2], value[3]]) & 0x3fff;
        let length = u16::from_ne_bytes([value[0], value[1]]) as usize;
        out.push((kind, &value[4..length]));
    }
    Ok(out)
}

/// Attributes in the wire format, each padded to 4 bytes.
pub fn encode(attributes: &[(u16, Vec<u8>)]) -> Vec<u8> {
    let nlas: Vec<DefaultNla> =
        attributes.iter().map(|(kind, value)| DefaultNla::new(*kind, value.clone())).collect();
    let mut bytes = vec![0; nlas.as_slice().buffer_len()];
    nlas.as_slice().emit(&mut bytes);
    bytes
}

/// A native-endian `u32` attribute value (shorter values are an error).
pub fn u32_of(value: &[u8]) -> Result<u32, String> {
    match value.get(..4) {
        Some(b) => Ok(u32::from_ne_bytes([b[0], b[1], b[2], b[3]])),
        None => Err(format!("a 4-byte attribute of {} bytes", value.len())),
    }
}

/// A native-endian `u64` attribute value.
pub fn u64_of(value: &[u8]) -> Result<u64, String> {
    match value.get(..8) {
        Some(b) => Ok(u64::from_ne_bytes(b.try_into().expect("eight bytes"))),
        None => Err(format!("an 8-byte attribute of {} bytes", value.len())),
    }
}

/// A native-endian `u16` attribute value.
pub fn u16_of(value: &[u8]) -> Result<u16, String> {
    match value.get(..2) {
        Some(b) => Ok(u16::from_ne_bytes([b[0], b[1]])),
        None => Err(format!("a 2-byte attribute of {} bytes", value.len())),
    }
}

/// A string attribute: up to its first NUL, as nlenc.String reads it.
pub fn string_of(value: &[u8]) -> String {
    let end = value.iter().position(|&b| b == 0).unwrap_or(value.len());
    String::from_utf8_lossy(&value[..end]).into_owned()
}

/// The name of interface `index` (if_indextoname(3)), if it exists.
pub fn interface_name(index: u32) -> Option<String> {
    let mut buf = [0 as libc::c_char; libc::IF_NAMESIZE];
    // SAFETY: `buf` has the IF_NAMESIZE bytes if_indextoname writes at most.
    let name = unsafe { libc::if_indextoname(index, buf.as_mut_ptr()) };
    if name.is_null() {
        return None;
    }
    // SAFETY: on success `buf` holds a NUL-terminated name.
    let name = unsafe { std::ffi::CStr::from_ptr(buf.as_ptr()) };
    Some(name.to_string_lossy().into_owned())
}

/// Test support: netlink messages as the kernel writes them.
#[cfg(test)]
pub mod testing {
    /// One message: header (length, type, flags, sequence 1, port 0) and
    /// payload, padded to 4 bytes.
    pub fn message(kind: u16, flags: u16, payload: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&((16 + payload.len()) as u32).to_ne_bytes());
        out.extend_from_slice(&kind.to_ne_bytes());
        out.extend_from_slice(&flags.to_ne_bytes());
        out.extend_from_slice(&1u32.to_ne_bytes());
        out.extend_from_slice(&0u32.to_ne_bytes());
        out.extend_from_slice(payload);
        out.resize(out.len().next_multiple_of(4), 0);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::testing::message;
    use super::*;

    #[test]
    fn a_dump_ends_at_done_and_errors_carry_errno() {
        let mut out = Vec::new();
        let mut datagram = message(24, NLM_F_MULTIPART, &[1, 2, 3]);
        datagram.extend(message(24, NLM_F_MULTIPART, &[4]));
        assert!(!split(&datagram, &mut out).unwrap());
        assert_eq!(out.len(), 2);
        // The payload ends where the header's length says, before the padding.
        assert_eq!(out[0], Reply { kind: 24, payload: vec![1, 2, 3] });
        assert!(
            split(&message(NLMSG_DONE, NLM_F_MULTIPART, &0i32.to_ne_bytes()), &mut out).unwrap()
        );
        let error = message(NLMSG_ERROR, 0, &(-libc::ENOENT).to_ne_bytes());
        let error = split(&error, &mut out).unwrap_err();
        assert_eq!(error.raw_os_error(), Some(libc::ENOENT));
        assert!(split(&[1, 2, 3], &mut out).is_err());
    }

    #[test]
    fn attributes_round_trip() {
        let bytes = encode(&[(3, 7u32.to_ne_bytes().to_vec()), (4, b"wlan0\0".to_vec())]);
        let parsed = attributes(&bytes).unwrap();
        assert_eq!(parsed.len(), 2);
        assert_eq!(u32_of(parsed[0].1), Ok(7));
        assert_eq!(string_of(parsed[1].1), "wlan0");
        assert!(attributes(&bytes[..bytes.len() - 5]).is_err());
        assert!(u32_of(&[1]).is_err());
    }

    #[test]
    fn loopback_has_a_name() {
        assert_eq!(interface_name(1).as_deref(), Some("lo"));
        assert_eq!(interface_name(u32::MAX), None);
    }
}
