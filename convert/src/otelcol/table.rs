//! The converters, one per Collector component type with an `otelcol.*`
//! equivalent, and what each is handed: its label and its consumers.

use super::ctx::Ctx;
use super::encode::Body;
use super::pipeline::Kind;
use super::reader::Src;
use super::{connector, exporter, extension, processor, receiver};

pub(crate) type ConvertFn = fn(&Ctx, &Src) -> Body;

/// One converter: the Collector type it reads and the Flow component it
/// writes. A connector is found under the receiver and exporter kinds too.
pub(crate) struct Conv {
    pub ty: &'static str,
    pub kind: Kind,
    pub flow: &'static str,
    pub convert: ConvertFn,
}

const fn conv(ty: &'static str, kind: Kind, flow: &'static str, convert: ConvertFn) -> Conv {
    Conv { ty, kind, flow, convert }
}

/// Every converter of the Collector format.
pub(crate) static ALL: &[Conv] = &[
    conv("otlp", Kind::Receiver, "otelcol.receiver.otlp", receiver::otlp::convert),
    conv("jaeger", Kind::Receiver, "otelcol.receiver.jaeger", receiver::jaeger::convert),
    conv("kafka", Kind::Receiver, "otelcol.receiver.kafka", receiver::kafka::convert),
    conv("zipkin", Kind::Receiver, "otelcol.receiver.zipkin", receiver::zipkin::convert),
    conv("batch", Kind::Processor, "otelcol.processor.batch", processor::batch::convert),
    conv(
        "memory_limiter",
        Kind::Processor,
        "otelcol.processor.memory_limiter",
        processor::memory_limiter::convert,
    ),
    conv(
        "attributes",
        Kind::Processor,
        "otelcol.processor.attributes",
        processor::attributes::convert,
    ),
    conv(
        "k8sattributes",
        Kind::Processor,
        "otelcol.processor.k8sattributes",
        processor::k8sattributes::convert,
    ),
    conv(
        "probabilistic_sampler",
        Kind::Processor,
        "otelcol.processor.probabilistic_sampler",
        processor::probabilistic::convert,
    ),
    conv("span", Kind::Processor, "otelcol.processor.span", processor::span::convert),
    conv(
        "tail_sampling",
        Kind::Processor,
        "otelcol.processor.tail_sampling",
        processor::tail_sampling::convert,
    ),
    conv("otlp", Kind::Exporter, "otelcol.exporter.otlp", exporter::otlp::convert),
    conv(
        "loadbalancing",
        Kind::Exporter,
        "otelcol.exporter.loadbalancing",
        exporter::loadbalancing::convert,
    ),
    conv("logging", Kind::Exporter, "otelcol.exporter.logging", exporter::logging::convert),
    conv(
        "servicegraph",
        Kind::Connector,
        "otelcol.connector.servicegraph",
        connector::servicegraph::convert,
    ),
    conv(
        "spanmetrics",
        Kind::Connector,
        "otelcol.connector.spanmetrics",
        connector::spanmetrics::convert,
    ),
    conv(
        "jaegerremotesampling",
        Kind::Extension,
        "otelcol.extension.jaeger_remote_sampling",
        extension::jaeger_remote_sampling::convert,
    ),
];

/// The converter for a component of `kind` and type `ty`: `extra` first
/// (static mode's own), then the common ones.
pub(crate) fn find<'a>(extra: &'a [Conv], kind: Kind, ty: &str) -> Option<&'a Conv> {
    let fits = |c: &&Conv| {
        c.ty == ty
            && (c.kind == kind
                || (c.kind == Kind::Connector && matches!(kind, Kind::Receiver | Kind::Exporter)))
    };
    extra.iter().find(fits).or_else(|| ALL.iter().find(fits))
}
