//! One `listener` block's socket, and the tasks that serve it. TCP
//! connections (TLS ones after their handshake) are each a stream of
//! frames, closed after `idle_timeout` without data; a UDP datagram is a
//! stream of its own.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::{Mutex, RwLock};
use tokio::io::{AsyncRead, BufReader};
use tokio_util::sync::CancellationToken;

use river_runtime::component::Ctx;
use river_runtime::error::Error;

use super::entry::{self, Sender};
use super::framing::{FrameError, FrameReader};
use super::settings::{Protocol, Settings};
use super::Shared;

enum Socket {
    Tcp(tokio::net::TcpListener),
    Udp(tokio::net::UdpSocket),
}

/// A bound listener; it serves from `start` until `stop` (a child of the
/// component's token) is cancelled.
pub struct Listener {
    pub local_address: SocketAddr,
    pub settings: Arc<RwLock<Settings>>,
    pub stop: CancellationToken,
    socket: Mutex<Option<Socket>>,
}

impl Listener {
    /// Binds the block's address now, so that a taken port is an error of
    /// the config; `index` places the error on the right block.
    pub fn bind(ctx: &Ctx, settings: Settings, index: usize) -> Result<Listener, Error> {
        let path = match index {
            0 => "listener/address".to_owned(),
            i => format!("listener[{i}]/address"),
        };
        let address = settings.address.clone();
        let cannot =
            |e: std::io::Error| Error::setting(&path, format!("cannot listen on {address}: {e}"));
        let socket = match settings.protocol {
            Protocol::Tcp => {
                let socket = std::net::TcpListener::bind(&address).map_err(cannot)?;
                socket.set_nonblocking(true).map_err(cannot)?;
                Socket::Tcp(tokio::net::TcpListener::from_std(socket).map_err(cannot)?)
            }
            Protocol::Udp => {
                let socket = std::net::UdpSocket::bind(&address).map_err(cannot)?;
                socket.set_nonblocking(true).map_err(cannot)?;
                Socket::Udp(tokio::net::UdpSocket::from_std(socket).map_err(cannot)?)
            }
        };
        let local_address = match &socket {
            Socket::Tcp(s) => s.local_addr(),
            Socket::Udp(s) => s.local_addr(),
        }
        .map_err(cannot)?;
        Ok(Listener {
            local_address,
            settings: Arc::new(RwLock::new(settings)),
            stop: ctx.cancel.child_token(),
            socket: Mutex::new(Some(socket)),
        })
    }

    pub fn key(&self) -> (String, Protocol) {
        self.settings.read().key()
    }

    /// Starts serving, once; a listener already started goes on as it is.
    pub fn start(&self, ctx: &Ctx, shared: &Arc<Shared>) {
        let Some(socket) = self.socket.lock().take() else { return };
        let sender = Sender { shared: shared.clone(), settings: self.settings.clone() };
        let stop = self.stop.clone();
        let ctx2 = ctx.clone();
        ctx.spawn(async move {
            match socket {
                Socket::Tcp(socket) => serve_tcp(&ctx2, socket, sender, stop).await,
                Socket::Udp(socket) => serve_udp(socket, sender, stop).await,
            }
        });
    }
}

/// Accepts connections until stopped; each is served by a task of its own
/// (TLS first when the settings give a certificate).
async fn serve_tcp(
    ctx: &Ctx,
    socket: tokio::net::TcpListener,
    sender: Sender,
    stop: CancellationToken,
) {
    loop {
        let accepted = tokio::select! {
            _ = stop.cancelled() => return,
            accepted = socket.accept() => accepted,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of descriptors, say: wait a little, as the reference does.
                tracing::warn!(err = %e, "failed to accept syslog connection");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let (sender, stop) = (sender.clone(), stop.clone());
        ctx.spawn(async move {
            let tls = sender.settings.read().tls.clone();
            let connection = entry::Connection::tcp(peer.ip()).await;
            tokio::select! {
                _ = stop.cancelled() => {}
                _ = async {
                    match tls {
                        Some(tls) => match tls.accept(stream).await {
                            Ok(stream) => read_connection(stream, &sender, &connection).await,
                            Err(e) => tracing::warn!(err = %e, peer = %peer, "TLS handshake failed"),
                        },
                        None => read_connection(stream, &sender, &connection).await,
                    }
                } => {}
            }
        });
    }
}

async fn read_connection(
    stream: impl AsyncRead + Unpin,
    sender: &Sender,
    connection: &entry::Connection,
) {
    let (max, idle) = {
        let settings = sender.settings.read();
        (settings.max_message_length, settings.idle_timeout)
    };
    let idle = (!idle.is_zero()).then_some(idle);
    let mut frames = FrameReader::new(BufReader::new(stream), max, idle);
    while let Some(frame) = frames.next().await {
        match frame {
            Err(FrameError::Idle) => tracing::debug!("syslog connection idle, closed"),
            frame => sender.frame(connection, frame).await,
        }
    }
}

/// Reads datagrams until stopped; each is parsed as a stream of its own.
async fn serve_udp(socket: tokio::net::UdpSocket, sender: Sender, stop: CancellationToken) {
    let mut buf = Vec::new();
    loop {
        let max = sender.settings.read().max_message_length;
        buf.resize(max, 0);
        let received = tokio::select! {
            _ = stop.cancelled() => return,
            received = socket.recv_from(&mut buf) => received,
        };
        let (n, peer) = match received {
            Ok(received) => received,
            Err(e) => {
                tracing::warn!(err = %e, "failed to read syslog datagram");
                continue;
            }
        };
        let connection = entry::Connection::udp(peer);
        let mut frames = FrameReader::new(&buf[..n], max, None);
        while let Some(frame) = frames.next().await {
            sender.frame(&connection, frame).await;
        }
    }
}
