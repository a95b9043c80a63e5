//! A batch as OTLP bytes: what a receiver read off the wire, checked and
//! counted (`wire`) but not decoded, so that consumers which only pass it
//! on (`batch`, `memory_limiter`, the OTLP exporters) never build the
//! messages. Batches join by concatenation: two encoded export requests
//! back to back are one request with both's resources, in protobuf.

use bytes::Bytes;
use prost::Message;

use super::wire::{self, WireError};
use super::{ConsumeError, Data, Signal};

#[derive(Debug, Clone, PartialEq)]
pub struct Encoded {
    signal: Signal,
    /// The request, in parts to be sent one after another.
    parts: Vec<Bytes>,
    items: usize,
}

impl Encoded {
    /// `bytes` as `signal`'s export request, if it decodes.
    pub fn read(signal: Signal, bytes: Bytes) -> Result<Encoded, WireError> {
        let items = wire::count(signal, &bytes)?;
        Ok(Encoded { signal, parts: vec![bytes], items })
    }

    /// Decoded data, encoded.
    pub fn from_data(data: &Data) -> Encoded {
        Encoded { signal: data.signal(), parts: vec![data.encode().into()], items: data.items() }
    }

    pub fn signal(&self) -> Signal {
        self.signal
    }

    /// Its spans, metric data points or log records.
    pub fn items(&self) -> usize {
        self.items
    }

    /// The request's bytes, in parts.
    pub fn parts(&self) -> &[Bytes] {
        &self.parts
    }

    /// Its bytes in one piece (a copy when it is in parts).
    pub fn to_bytes(&self) -> Bytes {
        match self.parts.as_slice() {
            [one] => one.clone(),
            parts => parts.concat().into(),
        }
    }

    /// `other`'s resources after these (of the same signal).
    pub fn append(&mut self, other: Encoded) {
        debug_assert_eq!(self.signal, other.signal);
        self.parts.extend(other.parts);
        self.items += other.items;
    }

    /// The messages; refused data never gets here (`read` checked it as
    /// prost decodes), so an error is a permanent one.
    pub fn decode(&self) -> Result<Data, ConsumeError> {
        let bytes = self.to_bytes();
        let permanent = |e: prost::DecodeError| ConsumeError::permanent(e.to_string());
        Ok(match self.signal {
            Signal::Traces => Data::Traces(Message::decode(bytes).map_err(permanent)?),
            Signal::Metrics => Data::Metrics(Message::decode(bytes).map_err(permanent)?),
            Signal::Logs => Data::Logs(Message::decode(bytes).map_err(permanent)?),
        })
    }

    /// What live debugging shows of it (decoded only when watched).
    pub fn live_lines(&self) -> Vec<String> {
        self.decode().map(|data| super::live_lines(&data)).unwrap_or_default()
    }
}

/// A batch either way: as messages, or as bytes.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    Decoded(Data),
    Encoded(Encoded),
}

impl Payload {
    pub fn signal(&self) -> Signal {
        match self {
            Payload::Decoded(d) => d.signal(),
            Payload::Encoded(e) => e.signal(),
        }
    }

    pub fn items(&self) -> usize {
        match self {
            Payload::Decoded(d) => d.items(),
            Payload::Encoded(e) => e.items(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
    use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};

    fn spans(names: &[&str]) -> Data {
        let spans = names.iter().map(|n| Span { name: n.to_string(), ..Default::default() });
        Data::Traces(ExportTraceServiceRequest {
            resource_spans: vec![ResourceSpans {
                scope_spans: vec![ScopeSpans { spans: spans.collect(), ..Default::default() }],
                ..Default::default()
            }],
        })
    }

    #[test]
    fn appended_requests_decode_as_one() {
        let first = Encoded::read(Signal::Traces, spans(&["a", "b"]).encode().into()).unwrap();
        let mut joined = first.clone();
        joined.append(Encoded::from_data(&spans(&["c"])));
        assert_eq!((first.items(), joined.items()), (2, 3));
        let Data::Traces(request) = joined.decode().unwrap() else { panic!() };
        let names: Vec<&str> = request
            .resource_spans
            .iter()
            .flat_map(|r| &r.scope_spans)
            .flat_map(|s| &s.spans)
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(names, ["a", "b", "c"]);
        assert_eq!(joined.to_bytes().len(), joined.parts().iter().map(Bytes::len).sum::<usize>());
    }

    #[test]
    fn bytes_that_do_not_decode_are_refused() {
        let error = Encoded::read(Signal::Traces, Bytes::from_static(b"\x0a\x05ab")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "failed to decode Protobuf message: ExportTraceServiceRequest.resource_spans: buffer underflow"
        );
        assert!(Encoded::read(Signal::Logs, Bytes::new()).is_ok_and(|e| e.items() == 0));
    }
}
