//! Metric names as the reference builds them from OTLP metrics
//! (`prometheus.BuildCompliantName` of the collector's translator, with
//! its name normalization on): the unit and, for monotonic sums, `total`
//! added as suffixes when `add_metric_suffixes` is on.

use opentelemetry_proto::tonic::metrics::v1::{metric, Metric};

/// The name of `metric`'s samples (before `_bucket`, `_sum`, `_count`).
pub fn compliant_name(metric: &Metric, add_suffixes: bool) -> String {
    if add_suffixes {
        return normalized(metric);
    }
    let name = tokens(&metric.name, |c| c.is_alphanumeric() || c == '_' || c == ':').join("_");
    digit_guard(name)
}

/// The name cut at every character that `keep` refuses.
fn tokens(text: &str, keep: impl Fn(char) -> bool) -> Vec<String> {
    text.split(|c: char| !keep(c)).filter(|t| !t.is_empty()).map(str::to_owned).collect()
}

fn alnum_tokens(text: &str) -> Vec<String> {
    tokens(text, char::is_alphanumeric)
}

/// A name may not start with a digit: `_` goes before it.
fn digit_guard(name: String) -> String {
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{name}")
    } else {
        name
    }
}

fn normalized(metric: &Metric) -> String {
    let mut names = alnum_tokens(&metric.name);
    let mut units = metric.unit.splitn(2, '/');
    let main = units.next().unwrap_or("").trim();
    if !main.is_empty() && !main.contains(['{', '}']) {
        let unit = alnum_tokens(unit_name(main)).join("_");
        if !unit.is_empty() && !names.contains(&unit) {
            names.push(unit);
        }
    }
    let per = units.next().unwrap_or("").trim();
    if !per.is_empty() && !per.contains(['{', '}']) {
        let unit = alnum_tokens(per_unit_name(per)).join("_");
        if !unit.is_empty() && !names.contains(&unit) {
            names.push("per".into());
            names.push(unit);
        }
    }
    let monotonic = matches!(&metric.data, Some(metric::Data::Sum(s)) if s.is_monotonic);
    if monotonic {
        names.retain(|t| t != "total");
        names.push("total".into());
    }
    let gauge = matches!(&metric.data, Some(metric::Data::Gauge(_)));
    if metric.unit == "1" && gauge {
        names.retain(|t| t != "ratio");
        names.push("ratio".into());
    }
    digit_guard(names.join("_"))
}

fn unit_name(unit: &str) -> &str {
    match unit {
        "d" => "days",
        "h" => "hours",
        "min" => "minutes",
        "s" => "seconds",
        "ms" => "milliseconds",
        "us" => "microseconds",
        "ns" => "nanoseconds",
        "By" => "bytes",
        "KiBy" => "kibibytes",
        "MiBy" => "mebibytes",
        "GiBy" => "gibibytes",
        "TiBy" => "tibibytes",
        "KBy" => "kilobytes",
        "MBy" => "megabytes",
        "GBy" => "gigabytes",
        "TBy" => "terabytes",
        "m" => "meters",
        "V" => "volts",
        "A" => "amperes",
        "J" => "joules",
        "W" => "watts",
        "g" => "grams",
        "Cel" => "celsius",
        "Hz" => "hertz",
        "1" => "",
        "%" => "percent",
        "$" => "dollars",
        other => other,
    }
}

fn per_unit_name(unit: &str) -> &str {
    match unit {
        "s" => "second",
        "m" => "minute",
        "h" => "hour",
        "d" => "day",
        "w" => "week",
        "mo" => "month",
        "y" => "year",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry_proto::tonic::metrics::v1::{Gauge, Sum};

    fn sum(name: &str, unit: &str, monotonic: bool) -> Metric {
        let data = Sum { is_monotonic: monotonic, ..Default::default() };
        Metric {
            name: name.into(),
            unit: unit.into(),
            data: Some(metric::Data::Sum(data)),
            ..Default::default()
        }
    }

    #[test]
    fn suffixes_follow_the_unit_and_the_type() {
        assert_eq!(
            compliant_name(&sum("http.server.duration", "ms", true), true),
            "http_server_duration_milliseconds_total"
        );
        assert_eq!(compliant_name(&sum("requests_total", "1", true), true), "requests_total");
        assert_eq!(compliant_name(&sum("queue.size", "{items}", false), true), "queue_size");
        assert_eq!(compliant_name(&sum("speed", "m/s", false), true), "speed_meters_per_second");
        assert_eq!(compliant_name(&sum("memory_bytes", "By", false), true), "memory_bytes");
        let gauge = Metric {
            name: "cpu.utilization".into(),
            unit: "1".into(),
            data: Some(metric::Data::Gauge(Gauge::default())),
            ..Default::default()
        };
        assert_eq!(compliant_name(&gauge, true), "cpu_utilization_ratio");
        assert_eq!(compliant_name(&sum("2xx.count", "", true), true), "_2xx_count_total");
    }

    #[test]
    fn without_suffixes_only_forbidden_characters_go() {
        assert_eq!(
            compliant_name(&sum("http.server.duration", "ms", true), false),
            "http_server_duration"
        );
        assert_eq!(compliant_name(&sum("a:b_c-d", "", true), false), "a:b_c_d");
        assert_eq!(compliant_name(&sum("9lives", "", false), false), "_9lives");
    }
}
