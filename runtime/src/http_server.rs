//! The `http` block components share to serve HTTP (`listen_address`,
//! `listen_port`, `conn_limit` and the three server timeouts) and the
//! listener that enforces it while counting open connections.
//!
//! The timeouts follow the reference's defaults; how each is applied:
//! `server_read_timeout` bounds reading a request's body (the handler
//! reads it), `server_write_timeout` bounds a write that makes no
//! progress, and `server_idle_timeout` closes a connection on which
//! nothing arrives for that long (a kept-alive one included).

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
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, Sleep};

use crate::args::{ArgError, Args};
use crate::metrics::AtomicF64;

#[derive(Debug, Clone, PartialEq)]
pub struct ServerSettings {
    /// `host:port` (every interface when the block names no address).
    pub address: String,
    /// 0: no limit.
    pub conn_limit: usize,
    pub idle_timeout: Duration,
    pub read_timeout: Duration,
    pub write_timeout: Duration,
}

impl ServerSettings {
    pub fn from_args(args: &Args) -> Result<ServerSettings, ArgError> {
        let http = args.block_or_empty("http");
        let host: String = http.get("listen_address")?;
        let port: u64 = http.get::<u64>("listen_port")?;
        let host = if host.is_empty() { "0.0.0.0".to_owned() } else { host };
        Ok(ServerSettings {
            address: format!("{host}:{port}"),
            conn_limit: http.get::<u64>("conn_limit")? as usize,
            idle_timeout: http.get("server_idle_timeout")?,
            read_timeout: http.get("server_read_timeout")?,
            write_timeout: http.get("server_write_timeout")?,
        })
    }
}

/// Accepts connections up to `conn_limit` (further ones wait in the
/// kernel's backlog) and hands out [`Conn`]s that keep `open` counted.
/// Its settings can change while it runs (a reload that keeps the
/// address); they apply to the connections accepted from then on.
pub struct Listener {
    inner: TcpListener,
    settings: Arc<RwLock<ServerSettings>>,
    /// The limit `permits` was made for, and the permits.
    permits: (usize, Option<Arc<Semaphore>>),
    open: Arc<AtomicF64>,
}

impl Listener {
    pub fn new(
        inner: TcpListener,
        settings: Arc<RwLock<ServerSettings>>,
        open: Arc<AtomicF64>,
    ) -> Listener {
        Listener { inner, settings, permits: (0, None), open }
    }

    async fn permit(&mut self, limit: usize) -> Option<OwnedSemaphorePermit> {
        if self.permits.0 != limit {
            self.permits = (limit, (limit > 0).then(|| Arc::new(Semaphore::new(limit))));
        }
        match &self.permits.1 {
            Some(permits) => permits.clone().acquire_owned().await.ok(),
            None => None,
        }
    }
}

impl axum::serve::Listener for Listener {
    type Io = Conn;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Conn, SocketAddr) {
        let limit = self.settings.read().conn_limit;
        let permit = self.permit(limit).await;
        loop {
            match self.inner.accept().await {
                Ok((stream, addr)) => {
                    self.open.add(1.0);
                    let settings = self.settings.read().clone();
                    return (Conn::new(stream, permit, self.open.clone(), &settings), addr);
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

/// An accepted connection: counted while open, holding its place under
/// `conn_limit`, closed when idle or when a write stalls.
pub struct Conn {
    stream: TcpStream,
    _permit: Option<OwnedSemaphorePermit>,
    open: Arc<AtomicF64>,
    /// How long a read may wait for bytes: the idle timeout.
    read: Stall,
    write: Stall,
}

impl Conn {
    fn new(
        stream: TcpStream,
        permit: Option<OwnedSemaphorePermit>,
        open: Arc<AtomicF64>,
        settings: &ServerSettings,
    ) -> Conn {
        Conn {
            stream,
            _permit: permit,
            open,
            read: Stall::new(
                settings.idle_timeout,
                "nothing arrived on the connection for too long",
            ),
            write: Stall::new(settings.write_timeout, "a write made no progress for too long"),
        }
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.open.add(-1.0);
    }
}

/// How long an operation may stay pending, counted from when it first did.
struct Stall {
    limit: Duration,
    timer: Pin<Box<Sleep>>,
    pending: bool,
    what: &'static str,
}

impl Stall {
    fn new(limit: Duration, what: &'static str) -> Stall {
        Stall { limit, timer: Box::pin(tokio::time::sleep(limit)), pending: false, what }
    }

    /// `result`, or an error once it has been pending for `limit`.
    fn check<T>(
        &mut self,
        result: Poll<io::Result<T>>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<T>> {
        if result.is_ready() || self.limit.is_zero() {
            self.pending = false;
            return result;
        }
        if !self.pending {
            self.pending = true;
            self.timer.as_mut().reset(Instant::now() + self.limit);
        }
        match self.timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, self.what))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncRead for Conn {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let result = Pin::new(&mut this.stream).poll_read(cx, buf);
        this.read.check(result, cx)
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let result = Pin::new(&mut this.stream).poll_write(cx, buf);
        this.write.check(result, cx)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let result = Pin::new(&mut this.stream).poll_flush(cx);
        this.write.check(result, cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
