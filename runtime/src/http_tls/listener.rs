//! `flow run`'s listener: plain TCP, or TLS when the `http` block has a
//! `tls` block. The acceptor can change on reload; a connection keeps
//! what it was accepted with (as the reference's docs warn: a reload
//! that adds or removes `tls` leaves open connections as they were). The
//! handshake runs in the connection's own task, bounded in time, so a
//! slow client never holds up the others; a failed one is logged with the
//! peer's address and rustls's reason (never a secret).

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use parking_lot::RwLock;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;

/// The acceptor new connections use; `None`: plain HTTP.
pub type TlsState = Arc<RwLock<Option<TlsAcceptor>>>;

/// How long a client has to finish its handshake.
const HANDSHAKE: Duration = Duration::from_secs(10);

pub struct ServerListener {
    inner: TcpListener,
    tls: TlsState,
}

impl ServerListener {
    pub fn new(inner: TcpListener, tls: TlsState) -> ServerListener {
        ServerListener { inner, tls }
    }
}

impl axum::serve::Listener for ServerListener {
    type Io = Stream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Stream, SocketAddr) {
        loop {
            match self.inner.accept().await {
                Ok((tcp, peer)) => {
                    let stream = match self.tls.read().clone() {
                        Some(acceptor) => {
                            let handshake = tokio::time::timeout(HANDSHAKE, acceptor.accept(tcp));
                            Stream::Handshake(Box::pin(handshake), peer)
                        }
                        None => Stream::Plain(tcp),
                    };
                    return (stream, peer);
                }
                // Out of file descriptors and the like: wait, retry.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

type Handshake = Pin<Box<tokio::time::Timeout<tokio_rustls::Accept<TcpStream>>>>;

/// A connection: plain, or TLS once its handshake is done.
pub enum Stream {
    Plain(TcpStream),
    Handshake(Handshake, SocketAddr),
    Tls(Box<TlsStream<TcpStream>>),
    Failed,
}

impl Stream {
    /// Drives the handshake; ready once the stream can carry data.
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let Stream::Handshake(handshake, peer) = self else { return Poll::Ready(Ok(())) };
        let peer = *peer;
        let done = match handshake.as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(Ok(Ok(tls))) => Ok(tls),
            Poll::Ready(Ok(Err(e))) => Err(e),
            Poll::Ready(Err(_)) => {
                Err(io::Error::new(io::ErrorKind::TimedOut, "handshake timed out"))
            }
        };
        match done {
            Ok(tls) => {
                *self = Stream::Tls(Box::new(tls));
                Poll::Ready(Ok(()))
            }
            Err(e) => {
                tracing::warn!(client = %peer, err = %e, "a TLS handshake with the HTTP server failed");
                *self = Stream::Failed;
                Poll::Ready(Err(e))
            }
        }
    }
}

fn failed() -> io::Error {
    io::Error::new(io::ErrorKind::ConnectionAborted, "the TLS handshake failed")
}

impl AsyncRead for Stream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        std::task::ready!(self.poll_ready(cx))?;
        match &mut *self {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
            _ => Poll::Ready(Err(failed())),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        std::task::ready!(self.poll_ready(cx))?;
        match &mut *self {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, data),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, data),
            _ => Poll::Ready(Err(failed())),
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        std::task::ready!(self.poll_ready(cx))?;
        match &mut *self {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
            _ => Poll::Ready(Err(failed())),
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut *self {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
            _ => Poll::Ready(Ok(())),
        }
    }
}
