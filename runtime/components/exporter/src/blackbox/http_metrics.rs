//! The `http` probe's metrics: the values the exporter's `probe_http_*`
//! families report, gathered as the probe goes (a failed probe still
//! reports what it reached), and each round trip's moments summed into
//! the `probe_http_duration_seconds` phases over all redirects.

use std::time::Instant;

use super::http_conn::Trace;
use crate::exposition::Exposition;

/// What the probe reports, gathered as it goes.
#[derive(Default)]
pub struct Metrics {
    /// resolve, connect, tls, processing, transfer; `None` before the
    /// phase's sample exists.
    pub phases: [Option<f64>; 5],
    pub content_length: f64,
    pub body_length: f64,
    pub redirects: f64,
    pub ssl: f64,
    pub status: f64,
    pub version: f64,
    pub regex_failed: f64,
    pub last_modified: Option<f64>,
}

pub const PHASES: [&str; 5] = ["resolve", "connect", "tls", "processing", "transfer"];

impl Metrics {
    pub fn add(&mut self, phase: usize, seconds: f64) {
        *self.phases[phase].get_or_insert(0.0) += seconds;
    }

    pub fn write(&self, out: &mut Exposition) {
        let help = "Duration of http request by phase, summed over all redirects";
        for (phase, value) in PHASES.iter().zip(self.phases) {
            if let Some(value) = value {
                out.gauge("probe_http_duration_seconds", help).sample(&[("phase", phase)], value);
            }
        }
        let gauges = [
            ("probe_http_content_length", "Length of http content response", self.content_length),
            (
                "probe_http_uncompressed_body_length",
                "Length of uncompressed response body",
                self.body_length,
            ),
            ("probe_http_redirects", "The number of redirects", self.redirects),
            ("probe_http_ssl", "Indicates if SSL was used for the final redirect", self.ssl),
            ("probe_http_status_code", "Response HTTP status code", self.status),
            (
                "probe_http_version",
                "Returns the version of HTTP of the probe response",
                self.version,
            ),
            (
                "probe_failed_due_to_regex",
                "Indicates if probe failed due to regex",
                self.regex_failed,
            ),
        ];
        for (name, help, value) in gauges {
            out.gauge(name, help).sample(&[], value);
        }
        if let Some(value) = self.last_modified {
            out.gauge(
                "probe_http_last_modified_timestamp_seconds",
                "Returns the Last-Modified HTTP response header in unixtime",
            )
            .sample(&[], value);
        }
    }
}

/// Sums each round trip's phases, as the exporter does.
pub fn phases(traces: &[Trace], m: &mut Metrics) {
    let between = |a: Option<Instant>, b: Option<Instant>| match (a, b) {
        (Some(a), Some(b)) => b.saturating_duration_since(a).as_secs_f64(),
        _ => 0.0,
    };
    for (i, t) in traces.iter().enumerate() {
        if i != 0 {
            m.add(0, between(t.start, t.dns_done));
        }
        if t.got_conn.is_none() {
            continue;
        }
        if t.tls {
            m.add(1, between(t.dns_done, t.connect_done));
            m.add(2, between(t.tls_start, t.tls_done));
        } else {
            m.add(1, between(t.dns_done, t.got_conn));
        }
        if t.response_start.is_none() {
            continue;
        }
        m.add(3, between(t.got_conn, t.response_start));
        if t.end.is_some() {
            m.add(4, between(t.response_start, t.end));
        }
    }
}
