//! One DNS exchange of the `dns` prober: the query built as the
//! exporter's client builds it (no EDNS, a fresh id), sent over UDP or
//! TCP (length-prefixed) to the server, and the response read back with
//! the connect and round-trip times the probe reports. Kept apart from
//! the checks so that the wire handling is in one place.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use hickory_proto::op::{Message, MessageType, OpCode, Query};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream, UdpSocket};

use super::dns::Settings;
use super::resolve::within;

/// The timings and result of one exchange.
pub struct Exchange {
    pub connect: Duration,
    pub rtt: Duration,
    pub response: Result<Message, String>,
}

/// The module's query, as a message ready to send.
pub fn query(s: &Settings) -> Message {
    let mut message = Message::new(rand_id(), MessageType::Query, OpCode::Query);
    message.metadata.recursion_desired = s.recursion;
    let mut query = Query::query(s.name.clone(), s.kind);
    query.set_query_class(s.class);
    message.add_query(query);
    message
}

/// A message id that differs from query to query.
fn rand_id() -> u16 {
    use std::hash::{BuildHasher, Hasher};
    // Each RandomState is seeded anew.
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u8(0);
    hasher.finish() as u16
}

/// Sends `query` to `server` over UDP (from `source` when set).
pub async fn over_udp(
    server: SocketAddr,
    source: Option<IpAddr>,
    query: &[u8],
    deadline: Instant,
) -> Exchange {
    let started = Instant::now();
    let bind = source.unwrap_or(if server.is_ipv4() {
        IpAddr::from([0u8; 4])
    } else {
        IpAddr::from([0u16; 8])
    });
    let socket = match UdpSocket::bind(SocketAddr::new(bind, 0)).await {
        Ok(socket) => socket,
        Err(e) => {
            return Exchange {
                connect: started.elapsed(),
                rtt: Duration::ZERO,
                response: Err(e.to_string()),
            }
        }
    };
    let connected = socket.connect(server).await.map_err(|e| e.to_string());
    let connect = started.elapsed();
    let sent = Instant::now();
    let response = match connected {
        Ok(()) => exchange_udp(&socket, query, deadline).await,
        Err(e) => Err(e),
    };
    Exchange { connect, rtt: sent.elapsed(), response }
}

/// The first datagram that answers the query's id.
async fn exchange_udp(
    socket: &UdpSocket,
    query: &[u8],
    deadline: Instant,
) -> Result<Message, String> {
    within(deadline, socket.send(query)).await?;
    let id = u16::from_be_bytes([query[0], query[1]]);
    let mut buffer = vec![0u8; 65_535];
    loop {
        let n = within(deadline, socket.recv(&mut buffer)).await?;
        let message = Message::from_vec(&buffer[..n]).map_err(|e| e.to_string())?;
        if message.metadata.id == id {
            return Ok(message);
        }
    }
}

/// Sends `query` to `server` over TCP (from `source` when set).
pub async fn over_tcp(
    server: SocketAddr,
    source: Option<IpAddr>,
    query: &[u8],
    deadline: Instant,
) -> Exchange {
    let started = Instant::now();
    let socket = if server.is_ipv4() { TcpSocket::new_v4() } else { TcpSocket::new_v6() };
    let stream = async {
        let socket = socket?;
        if let Some(source) = source {
            socket.bind(SocketAddr::new(source, 0))?;
        }
        socket.connect(server).await
    };
    let stream = within(deadline, stream).await;
    let connect = started.elapsed();
    let sent = Instant::now();
    let response = match stream {
        Ok(stream) => exchange_tcp(stream, query, deadline).await,
        Err(e) => Err(e),
    };
    Exchange { connect, rtt: sent.elapsed(), response }
}

/// One length-prefixed query and its length-prefixed response.
async fn exchange_tcp(
    mut stream: TcpStream,
    query: &[u8],
    deadline: Instant,
) -> Result<Message, String> {
    within(deadline, async {
        let mut framed = (query.len() as u16).to_be_bytes().to_vec();
        framed.extend_from_slice(query);
        stream.write_all(&framed).await?;
        let length = stream.read_u16().await?;
        let mut buffer = vec![0u8; usize::from(length)];
        stream.read_exact(&mut buffer).await?;
        Ok::<_, std::io::Error>(buffer)
    })
    .await
    .and_then(|b| Message::from_vec(&b).map_err(|e| e.to_string()))
}
