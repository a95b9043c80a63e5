//! The ICMP socket's system calls: options (TTL, don't fragment, asking
//! for the reply's TTL or hop limit), and sending and receiving on tokio's
//! reactor. `recvmsg` is called through libc because the reply's hop
//! limit comes in a control message, which std and socket2 do not read.

use std::io;
use std::mem::MaybeUninit;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::AsRawFd;
use std::time::Instant;

use socket2::Socket;
use tokio::io::unix::AsyncFd;

use super::resolve::within;

/// An ICMP socket on the reactor.
pub type IcmpSocket = AsyncFd<Socket>;

/// Sets the options and puts the socket on the reactor.
pub fn prepare(
    socket: Socket,
    ip: IpAddr,
    ttl: u32,
    dont_fragment: bool,
) -> Result<IcmpSocket, String> {
    let failed = |what: &str, e: io::Error| format!("cannot set {what} on the ICMP socket: {e}");
    socket.set_nonblocking(true).map_err(|e| failed("non-blocking mode", e))?;
    if ip.is_ipv4() {
        if ttl > 0 {
            socket.set_ttl_v4(ttl).map_err(|e| failed("the TTL", e))?;
        }
        if dont_fragment {
            set_int(&socket, libc::IPPROTO_IP, libc::IP_MTU_DISCOVER, libc::IP_PMTUDISC_DO)
                .map_err(|e| failed("don't fragment", e))?;
        }
        // Without it the reply's TTL is unknown; the metric is then left
        // out, as in the exporter.
        let _ = set_int(&socket, libc::IPPROTO_IP, libc::IP_RECVTTL, 1);
    } else {
        if ttl > 0 {
            socket.set_unicast_hops_v6(ttl).map_err(|e| failed("the hop limit", e))?;
        }
        let _ = set_int(&socket, libc::IPPROTO_IPV6, libc::IPV6_RECVHOPLIMIT, 1);
    }
    // SAFETY: the Socket owns its descriptor, which stays open and the
    // same until the AsyncFd that owns the Socket is dropped.
    unsafe { AsyncFd::register(socket) }.map_err(|e| format!("cannot poll the ICMP socket: {e}"))
}

fn set_int(
    socket: &Socket,
    level: libc::c_int,
    name: libc::c_int,
    value: libc::c_int,
) -> io::Result<()> {
    // SAFETY: the option value is a c_int that lives across the call, and
    // its size is passed with it.
    let rc = unsafe {
        libc::setsockopt(
            socket.as_raw_fd(),
            level,
            name,
            (&value as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

pub async fn send(
    socket: &IcmpSocket,
    packet: &[u8],
    to: SocketAddr,
    deadline: Instant,
) -> Result<(), String> {
    let to = socket2::SockAddr::from(to);
    within(deadline, async {
        loop {
            let mut guard = socket.writable().await?;
            match guard.try_io(|s| s.get_ref().send_to(packet, &to)) {
                Ok(result) => return result.map(|_| ()),
                Err(_would_block) => continue,
            }
        }
    })
    .await
}

/// One ICMP message received: who sent it, the message (without an IPv4
/// header) and its TTL or hop limit when known.
pub struct Received {
    pub from: IpAddr,
    pub bytes: Vec<u8>,
    pub hop_limit: Option<f64>,
}

/// The next message; `ip_header`: a raw IPv4 socket, whose messages start
/// with the IP header (which carries the TTL).
pub async fn receive(
    socket: &IcmpSocket,
    ip_header: bool,
    deadline: Instant,
) -> Result<Received, String> {
    let (from, mut bytes, mut hop_limit) = within(deadline, async {
        loop {
            let mut guard = socket.readable().await?;
            match guard.try_io(|s| recv(s.get_ref())) {
                Ok(result) => return result,
                Err(_would_block) => continue,
            }
        }
    })
    .await?;
    if ip_header {
        let length = usize::from(bytes.first().copied().unwrap_or(0) & 0x0f) * 4;
        if bytes.len() < length.max(20) {
            return Err("short IPv4 packet".into());
        }
        hop_limit = hop_limit.or(Some(f64::from(bytes[8])));
        bytes.drain(..length);
    }
    Ok(Received { from, bytes, hop_limit })
}

type Message = (IpAddr, Vec<u8>, Option<f64>);

fn recv(socket: &Socket) -> io::Result<Message> {
    let mut buffer = vec![0u8; 65_536];
    let mut control = [0u64; 16];
    let mut name = MaybeUninit::<libc::sockaddr_storage>::zeroed();
    let mut iov = libc::iovec { iov_base: buffer.as_mut_ptr().cast(), iov_len: buffer.len() };
    // SAFETY: msghdr is plain data; zeroed is a valid empty header.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_name = name.as_mut_ptr().cast();
    msg.msg_namelen = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = std::mem::size_of_val(&control) as _;
    // SAFETY: every pointer in msg points into buffers that outlive the
    // call, with their lengths.
    let n = unsafe { libc::recvmsg(socket.as_raw_fd(), &mut msg, 0) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    buffer.truncate(n as usize);
    // SAFETY: recvmsg filled in the name (zeroed before, so a short one
    // reads as an unknown family).
    let from = address(unsafe { name.assume_init_ref() })?;
    Ok((from, buffer, hop_limit(&msg)))
}

fn address(storage: &libc::sockaddr_storage) -> io::Result<IpAddr> {
    match libc::c_int::from(storage.ss_family) {
        libc::AF_INET => {
            // SAFETY: the family says the storage holds a sockaddr_in.
            let v4 =
                unsafe { &*(storage as *const libc::sockaddr_storage).cast::<libc::sockaddr_in>() };
            Ok(IpAddr::V4(Ipv4Addr::from(u32::from_be(v4.sin_addr.s_addr))))
        }
        libc::AF_INET6 => {
            // SAFETY: the family says the storage holds a sockaddr_in6.
            let v6 = unsafe {
                &*(storage as *const libc::sockaddr_storage).cast::<libc::sockaddr_in6>()
            };
            Ok(IpAddr::V6(Ipv6Addr::from(v6.sin6_addr.s6_addr)))
        }
        _ => Err(io::Error::other("a message from an unknown address family")),
    }
}

/// The TTL (IPv4) or hop limit (IPv6) control message, when present.
fn hop_limit(msg: &libc::msghdr) -> Option<f64> {
    // SAFETY: msg is the header recvmsg filled in; the CMSG macros walk
    // its control buffer within msg_controllen.
    unsafe {
        let mut cmsg = libc::CMSG_FIRSTHDR(msg);
        while !cmsg.is_null() {
            let (level, kind) = ((*cmsg).cmsg_level, (*cmsg).cmsg_type);
            let wanted = (level == libc::IPPROTO_IP && kind == libc::IP_TTL)
                || (level == libc::IPPROTO_IPV6 && kind == libc::IPV6_HOPLIMIT);
            if wanted {
                let value = std::ptr::read_unaligned(libc::CMSG_DATA(cmsg).cast::<libc::c_int>());
                return Some(f64::from(value));
            }
            cmsg = libc::CMSG_NXTHDR(msg, cmsg);
        }
    }
    None
}
