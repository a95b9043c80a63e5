//! The collector's three OTLP/gRPC export services, taking each request
//! as its bytes: the codec checks and counts a message as prost would
//! decode it (`consumer::wire`) and hands on an [`Encoded`], so data that
//! only passes through (batch, exporter) is never decoded. The answer is
//! the empty `Export*ServiceResponse`, as the generated services send.

use std::convert::Infallible;
use std::marker::PhantomData;

use tonic::codec::{Codec, CompressionEncoding, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::codegen::{http, Body, BoxFuture, Context, Poll, Service, StdError};
use tonic::server::{NamedService, UnaryService};
use tonic::{Request, Response, Status};

use crate::consumer::{Encoded, Signal};

/// One of the services: its name and signal.
pub(super) trait Export: Send + Sync + 'static {
    const NAME: &'static str;
    const SIGNAL: Signal;
}

pub(super) struct Traces;
pub(super) struct Metrics;
pub(super) struct Logs;

impl Export for Traces {
    const NAME: &'static str = "opentelemetry.proto.collector.trace.v1.TraceService";
    const SIGNAL: Signal = Signal::Traces;
}
impl Export for Metrics {
    const NAME: &'static str = "opentelemetry.proto.collector.metrics.v1.MetricsService";
    const SIGNAL: Signal = Signal::Metrics;
}
impl Export for Logs {
    const NAME: &'static str = "opentelemetry.proto.collector.logs.v1.LogsService";
    const SIGNAL: Signal = Signal::Logs;
}

/// What handles a request: the receiver's `Services`.
pub(super) trait Handle: Clone + Send + Sync + 'static {
    fn export(&self, request: Request<Encoded>) -> BoxFuture<Response<()>, Status>;
}

/// The service `E`, its messages at most `limit` bytes (larger ones are
/// `ResourceExhausted`), gzip accepted.
pub(super) struct Server<E, H> {
    handle: H,
    limit: usize,
    export: PhantomData<E>,
}

impl<E, H: Clone> Clone for Server<E, H> {
    fn clone(&self) -> Self {
        Server { handle: self.handle.clone(), limit: self.limit, export: PhantomData }
    }
}

impl<E: Export, H: Handle> Server<E, H> {
    pub fn new(handle: H, limit: usize) -> Self {
        Server { handle, limit, export: PhantomData }
    }
}

impl<E: Export, H> NamedService for Server<E, H> {
    const NAME: &'static str = E::NAME;
}

impl<E, H, B> Service<http::Request<B>> for Server<E, H>
where
    E: Export,
    H: Handle,
    B: Body + Send + 'static,
    B::Error: Into<StdError> + Send + 'static,
{
    type Response = http::Response<tonic::body::Body>;
    type Error = Infallible;
    type Future = BoxFuture<Self::Response, Infallible>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let (handle, limit) = (self.handle.clone(), self.limit);
        Box::pin(async move {
            let path = request.uri().path();
            if path.strip_prefix('/').and_then(|p| p.strip_prefix(E::NAME)) != Some("/Export") {
                return Ok(Status::unimplemented("").into_http());
            }
            let mut grpc = tonic::server::Grpc::new(Raw(E::SIGNAL))
                .accept_compressed(CompressionEncoding::Gzip)
                .max_decoding_message_size(limit);
            Ok(grpc.unary(Unary(handle), request).await)
        })
    }
}

struct Unary<H>(H);

impl<H: Handle> UnaryService<Encoded> for Unary<H> {
    type Response = ();
    type Future = BoxFuture<Response<()>, Status>;

    fn call(&mut self, request: Request<Encoded>) -> Self::Future {
        self.0.export(request)
    }
}

/// Requests as checked bytes, answers as the empty message.
struct Raw(Signal);

impl Codec for Raw {
    type Encode = ();
    type Decode = Encoded;
    type Encoder = Raw;
    type Decoder = Raw;

    fn encoder(&mut self) -> Raw {
        Raw(self.0)
    }

    fn decoder(&mut self) -> Raw {
        Raw(self.0)
    }
}

impl Encoder for Raw {
    type Item = ();
    type Error = Status;

    fn encode(&mut self, _: (), _: &mut EncodeBuf<'_>) -> Result<(), Status> {
        Ok(())
    }
}

impl Decoder for Raw {
    type Item = Encoded;
    type Error = Status;

    /// A malformed message is `Internal`, as tonic's prost codec says it.
    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Encoded>, Status> {
        use bytes::Buf;
        let bytes = src.copy_to_bytes(src.remaining());
        Encoded::read(self.0, bytes).map(Some).map_err(|e| Status::internal(e.to_string()))
    }
}
