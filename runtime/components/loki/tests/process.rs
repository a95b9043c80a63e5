//! `loki.process` built from River text as the controller builds it,
//! entries sent to its receiver and what it forwards caught here; the
//! stages in groups, with inputs and outputs after the reference's own
//! tests; and the Go layout and LogQL selector parsers on their own.

#[path = "process/harness.rs"]
mod harness;

#[path = "process/component.rs"]
mod component;
#[path = "process/containers.rs"]
mod containers;
#[path = "process/filtering.rs"]
mod filtering;
#[path = "process/geoip.rs"]
mod geoip;
#[path = "process/go_layout.rs"]
mod go_layout;
// Go time layouts and templates held side by side with Go itself.
#[path = "process/go_oracle.rs"]
mod go_oracle;
#[path = "process/go_template_oracle.rs"]
mod go_template_oracle;
#[path = "process/labels.rs"]
mod labels;
#[path = "process/metrics.rs"]
mod metrics;
#[path = "process/parsing.rs"]
mod parsing;
#[path = "process/timestamp.rs"]
mod timestamp;
