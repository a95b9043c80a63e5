//! Static mode's `remote_write` exporter (span metrics into a metrics
//! instance's WAL) to `otelcol.exporter.prometheus` sending to that
//! instance's `prometheus.remote_write`, through a `prometheus.relabel`
//! that sets the constant labels when there are any.

use crate::otelcol::reader::Src;
use crate::otelcol::{Body, Ctx};
use crate::relabel;
use crate::river::{self, Block, Value, SECOND};

/// `otelcol.exporter.prometheus`'s default `gc_frequency`.
const GC_FREQUENCY: u64 = 5 * 60 * SECOND;

pub(crate) fn convert(ctx: &Ctx, src: &Src) -> Body {
    let instance = src.str("metrics_instance", "");
    let label = river::sanitize_label(&format!("metrics_{instance}"));
    let mut forward_to = Value::Ref(format!("prometheus.remote_write.{label}.receiver"));
    // The namespace goes to the spanmetrics connector, which names the
    // metrics there.
    src.get("namespace");
    let mut labels = src.string_map("const_labels").unwrap_or_default();
    if !labels.is_empty() {
        // Sorted, for the same output whatever the YAML's order.
        labels.sort();
        let mut block = Block::new("prometheus.relabel", Some(&ctx.label));
        block.attr("forward_to", Value::List(vec![forward_to]));
        for (name, value) in &labels {
            block.block(relabel::set_label(name, value));
        }
        ctx.ahead(block);
        forward_to = Value::Ref(format!("prometheus.relabel.{}.receiver", ctx.label));
    }
    let mut body = ctx.body();
    body.dur("gc_frequency", src.dur("stale_time", 0), GC_FREQUENCY);
    body.raw("forward_to", Value::List(vec![forward_to]));
    body
}
