//! OTLP/HTTP: `POST` of an export request to the signal's path, as
//! protobuf (`application/x-protobuf`) or JSON (`application/json`),
//! optionally gzip- or deflate-compressed. Answers in the request's
//! encoding: the export response, or a `google.rpc.Status` with the
//! error (400 malformed, 413 too large, 415 unknown content type, 503 the
//! pipeline refused, retryable).

use std::io::Read;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use prost::Message;
use river_runtime::component::{Ctx, HealthKind};
use tokio_util::sync::CancellationToken;

use super::HttpSettings;
use crate::consumer::metadata::{self, Metadata};
use crate::consumer::{Data, Encoded, Fanout, Payload, Signal};
use crate::telemetry::ReceiverMetrics;

struct HttpState {
    settings: HttpSettings,
    fanout: Fanout,
    metrics: ReceiverMetrics,
}

/// `google.rpc.Status`, the body of OTLP/HTTP errors.
#[derive(Clone, PartialEq, prost::Message, serde::Serialize)]
pub struct Status {
    #[prost(int32, tag = "1")]
    pub code: i32,
    #[prost(string, tag = "2")]
    pub message: String,
}

#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Encoding {
    Proto,
    Json,
}

pub(super) fn serve(
    ctx: &Ctx,
    listener: tokio::net::TcpListener,
    settings: HttpSettings,
    fanout: Fanout,
    stop: CancellationToken,
) {
    let tls = Arc::new(parking_lot::RwLock::new(settings.tls.as_ref().map(|t| t.acceptor.clone())));
    let listener = river_runtime::http_tls::ServerListener::new(listener, tls);
    let metrics = ReceiverMetrics::new(&ctx.metrics, "http");
    let state = Arc::new(HttpState { settings: settings.clone(), fanout, metrics });
    let route = |signal: Signal| {
        axum::routing::post(
            move |State(state): State<Arc<HttpState>>, headers: HeaderMap, body: Body| {
                handle(state, signal, headers, body)
            },
        )
    };
    let app = axum::Router::new()
        .route(&settings.traces_path, route(Signal::Traces))
        .route(&settings.metrics_path, route(Signal::Metrics))
        .route(&settings.logs_path, route(Signal::Logs))
        .layer(DefaultBodyLimit::disable())
        .with_state(state);
    let ctx2 = ctx.clone();
    ctx.spawn(async move {
        let served = axum::serve(listener, app).with_graceful_shutdown(stop.clone().cancelled_owned());
        tokio::select! {
            served = served => if let Err(e) = served {
                ctx2.set_health(HealthKind::Unhealthy, format!("HTTP server failed: {e}"));
            },
            // Connections kept alive by clients get a moment to finish.
            _ = async { stop.cancelled().await; tokio::time::sleep(std::time::Duration::from_secs(5)).await } => {}
        }
    });
}

fn error(encoding: Encoding, status: StatusCode, code: i32, message: String) -> Response {
    let body = Status { code, message };
    match encoding {
        Encoding::Proto => {
            (status, [(header::CONTENT_TYPE, "application/x-protobuf")], body.encode_to_vec())
                .into_response()
        }
        Encoding::Json => (
            status,
            [(header::CONTENT_TYPE, "application/json")],
            serde_json::to_vec(&body).unwrap_or_default(),
        )
            .into_response(),
    }
}

// gRPC codes, which the status body carries.
const INVALID_ARGUMENT: i32 = 3;
const UNAVAILABLE: i32 = 14;
const RESOURCE_EXHAUSTED: i32 = 8;
const UNIMPLEMENTED: i32 = 12;

async fn handle(state: Arc<HttpState>, signal: Signal, headers: HeaderMap, body: Body) -> Response {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .unwrap_or_default();
    let encoding = match content_type.as_str() {
        "application/x-protobuf" => Encoding::Proto,
        "application/json" => Encoding::Json,
        other => {
            return error(
                Encoding::Json,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                UNIMPLEMENTED,
                format!("unsupported content type {other:?}: use application/x-protobuf or application/json"),
            )
        }
    };
    let limit = state.settings.max_body;
    let raw = match read_limited(body, limit).await {
        Ok(raw) => raw,
        Err(BodyError::TooLarge) => {
            return error(
                encoding,
                StatusCode::PAYLOAD_TOO_LARGE,
                RESOURCE_EXHAUSTED,
                format!("request body larger than max_request_body_size ({limit} bytes)"),
            )
        }
        Err(BodyError::Read(e)) => {
            return error(
                encoding,
                StatusCode::BAD_REQUEST,
                INVALID_ARGUMENT,
                format!("reading the body: {e}"),
            )
        }
    };
    let coding = headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let plain = match decompress(&coding, raw, limit) {
        Ok(plain) => plain,
        Err(BodyError::TooLarge) => {
            return error(
                encoding,
                StatusCode::PAYLOAD_TOO_LARGE,
                RESOURCE_EXHAUSTED,
                format!("decompressed body larger than max_request_body_size ({limit} bytes)"),
            )
        }
        Err(BodyError::Read(e)) => {
            return error(encoding, StatusCode::BAD_REQUEST, INVALID_ARGUMENT, e)
        }
    };
    let data = match decode(signal, encoding, plain) {
        Ok(data) => data,
        Err(e) => {
            return error(
                encoding,
                StatusCode::BAD_REQUEST,
                INVALID_ARGUMENT,
                format!("malformed OTLP {} request: {e}", signal.name()),
            )
        }
    };
    let (signal, items) = (data.signal(), data.items());
    let consumed = state.fanout.consume_payload(data);
    let consumed = match state.settings.include_metadata {
        true => metadata::scope(Metadata::from_headers(&headers), consumed).await,
        false => consumed.await,
    };
    state.metrics.count(signal, items, consumed.is_ok());
    match consumed {
        Ok(()) => success(signal, encoding),
        Err(e) if e.permanent => {
            error(encoding, StatusCode::BAD_REQUEST, INVALID_ARGUMENT, e.message)
        }
        Err(e) => error(encoding, StatusCode::SERVICE_UNAVAILABLE, UNAVAILABLE, e.message),
    }
}

enum BodyError {
    TooLarge,
    Read(String),
}

/// The body, refused once it passes `limit` bytes (without reading on).
async fn read_limited(body: Body, limit: usize) -> Result<Vec<u8>, BodyError> {
    let mut stream = body.into_data_stream();
    let mut out = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| BodyError::Read(e.to_string()))?;
        if out.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge);
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// Undoes the body's `Content-Encoding`, up to `limit` bytes.
fn decompress(coding: &str, raw: Vec<u8>, limit: usize) -> Result<Vec<u8>, BodyError> {
    let reader: Box<dyn Read> = match coding {
        "" | "identity" => return Ok(raw),
        "gzip" | "x-gzip" => Box::new(flate2::read::GzDecoder::new(std::io::Cursor::new(raw))),
        "deflate" => Box::new(flate2::read::ZlibDecoder::new(std::io::Cursor::new(raw))),
        other => {
            return Err(BodyError::Read(format!(
                "unsupported Content-Encoding {other:?} (gzip and deflate are)"
            )))
        }
    };
    let mut out = Vec::new();
    reader
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| BodyError::Read(format!("cannot decompress the {coding} body: {e}")))?;
    if out.len() > limit {
        return Err(BodyError::TooLarge);
    }
    Ok(out)
}

/// An export request of `signal` from its encoding: protobuf stays the
/// bytes it came as (checked as prost would decode it), JSON is decoded.
pub(crate) fn decode(signal: Signal, encoding: Encoding, body: Vec<u8>) -> Result<Payload, String> {
    let text = |e: serde_json::Error| e.to_string();
    Ok(match (signal, encoding) {
        (_, Encoding::Proto) => {
            Payload::Encoded(Encoded::read(signal, body.into()).map_err(|e| e.to_string())?)
        }
        (Signal::Traces, Encoding::Json) => {
            Payload::Decoded(Data::Traces(serde_json::from_slice(&body).map_err(text)?))
        }
        (Signal::Metrics, Encoding::Json) => {
            Payload::Decoded(Data::Metrics(serde_json::from_slice(&body).map_err(text)?))
        }
        (Signal::Logs, Encoding::Json) => {
            Payload::Decoded(Data::Logs(serde_json::from_slice(&body).map_err(text)?))
        }
    })
}

fn success(signal: Signal, encoding: Encoding) -> Response {
    use opentelemetry_proto::tonic::collector::{logs, metrics, trace};
    match encoding {
        Encoding::Json => {
            (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], "{}").into_response()
        }
        Encoding::Proto => {
            let body = match signal {
                Signal::Traces => trace::v1::ExportTraceServiceResponse::default().encode_to_vec(),
                Signal::Metrics => {
                    metrics::v1::ExportMetricsServiceResponse::default().encode_to_vec()
                }
                Signal::Logs => logs::v1::ExportLogsServiceResponse::default().encode_to_vec(),
            };
            (StatusCode::OK, [(header::CONTENT_TYPE, "application/x-protobuf")], body)
                .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_protobuf_decode_to_the_same_request() {
        let json = br#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},
            "scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
            "name":"op","kind":2,"startTimeUnixNano":"1544712660000000000","endTimeUnixNano":"1544712661000000000",
            "attributes":[{"key":"n","value":{"intValue":"7"}}]}]}]}]}"#;
        let Ok(Payload::Decoded(Data::Traces(request))) =
            decode(Signal::Traces, Encoding::Json, json.to_vec())
        else {
            panic!("traces")
        };
        let span = &request.resource_spans[0].scope_spans[0].spans[0];
        assert_eq!(span.name, "op");
        assert_eq!(span.kind, 2);
        assert_eq!(span.start_time_unix_nano, 1544712660000000000);
        assert_eq!(span.trace_id.len(), 16);
        let again = decode(Signal::Traces, Encoding::Proto, Data::Traces(request.clone()).encode());
        let Ok(Payload::Encoded(again)) = again else { panic!("protobuf stays bytes") };
        assert_eq!(again.decode().unwrap(), Data::Traces(request));
        assert!(decode(Signal::Traces, Encoding::Proto, b"\xff\xff\xff".to_vec()).is_err());
        assert!(decode(Signal::Logs, Encoding::Json, b"{not json".to_vec()).is_err());
    }

    #[test]
    fn decompression_stops_at_the_limit() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&[0u8; 10_000]).unwrap();
        let body = gz.finish().unwrap();
        assert!(matches!(decompress("gzip", body.clone(), 100), Err(BodyError::TooLarge)));
        assert_eq!(decompress("gzip", body, 10_000).ok().map(|b| b.len()), Some(10_000));
        assert!(matches!(decompress("br", vec![1], 10), Err(BodyError::Read(_))));
        assert!(matches!(decompress("gzip", vec![1, 2, 3], 10), Err(BodyError::Read(_))));
    }
}
