//! `otelcol.connector.spanmetrics`'s arguments, read and checked as the
//! reference checks them (its messages where it has them).

use std::time::Duration;

use river_runtime::args::Args;
use river_runtime::error::Error;

/// An extra dimension: an attribute of the span (or its event, for the
/// events metric), else of its resource, else `default`, else left out.
#[derive(Debug, Clone, PartialEq)]
pub struct Dimension {
    pub name: String,
    pub default: Option<String>,
}

/// The duration histogram.
#[derive(Debug, Clone, PartialEq)]
pub enum Histogram {
    Disabled,
    /// Bounds in the histogram's unit.
    Explicit(Vec<f64>),
    /// At most this many buckets.
    Exponential(usize),
}

/// The unit of the duration histogram.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Unit {
    Milliseconds,
    Seconds,
}

impl Unit {
    pub fn name(self) -> &'static str {
        match self {
            Unit::Milliseconds => "ms",
            Unit::Seconds => "s",
        }
    }

    /// A duration in this unit.
    pub fn of(self, duration: Duration) -> f64 {
        match self {
            Unit::Milliseconds => duration.as_secs_f64() * 1000.0,
            Unit::Seconds => duration.as_secs_f64(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub dimensions: Vec<Dimension>,
    pub exclude: Vec<String>,
    pub delta: bool,
    pub flush_interval: Duration,
    pub namespace: String,
    pub histogram: Histogram,
    pub unit: Unit,
    pub events: Option<Vec<Dimension>>,
    /// Exemplars on the histogram, at most this many a point (`None`: any).
    pub exemplars: Option<Option<usize>>,
    pub resource_key: Vec<String>,
    pub resource_cache: usize,
}

fn dimensions<'a>(blocks: impl Iterator<Item = &'a Args>) -> Result<Vec<Dimension>, Error> {
    let one = |b: &Args| -> Result<Dimension, Error> {
        // `default = null` is the docs' way of writing "no default".
        let default = match b.value("default")? {
            river_analyzer::Value::Null => None,
            _ => b.opt("default")?,
        };
        Ok(Dimension { name: b.require("name")?, default })
    };
    blocks.map(one).collect()
}

impl Settings {
    pub fn from_args(args: &Args) -> Result<Settings, Error> {
        let cache: i64 = args.get("dimensions_cache_size")?;
        if cache <= 0 {
            let why = format!("invalid cache size: {cache}, the maximum number of the items in the cache should be positive");
            return Err(args.invalid("dimensions_cache_size", why).into());
        }
        let flush_interval: Duration = args.get("metrics_flush_interval")?;
        if flush_interval.is_zero() {
            let why = "metrics_flush_interval must be greater than 0";
            return Err(args.invalid("metrics_flush_interval", why).into());
        }
        let delta = match args.get::<String>("aggregation_temporality")?.as_str() {
            "CUMULATIVE" => false,
            "DELTA" => true,
            other => {
                let why = format!("invalid aggregation_temporality: {other}");
                return Err(args.invalid("aggregation_temporality", why).into());
            }
        };
        let histogram = args.block_or_empty("histogram");
        let (histogram, unit) = histogram_settings(&histogram)?;
        Ok(Settings {
            dimensions: dimensions(args.blocks("dimension"))?,
            exclude: args.get("exclude_dimensions")?,
            delta,
            flush_interval,
            namespace: args.get("namespace")?,
            histogram,
            unit,
            events: events(args)?,
            exemplars: exemplars(args)?,
            resource_key: args.get("resource_metrics_key_attributes")?,
            resource_cache: args.get::<u64>("resource_metrics_cache_size")?.max(1) as usize,
        })
    }

    /// A metric's name: `namespace.name`, or the name alone.
    pub fn metric_name(&self, name: &str) -> String {
        match self.namespace.as_str() {
            "" => name.to_owned(),
            namespace => format!("{namespace}.{name}"),
        }
    }
}

fn histogram_settings(histogram: &Args) -> Result<(Histogram, Unit), Error> {
    let unit = match histogram.get::<String>("unit")?.as_str() {
        "ms" => Unit::Milliseconds,
        "s" => Unit::Seconds,
        other => {
            let why = format!("unknown unit {other:?}, allowed units are \"ms\" and \"s\"");
            return Err(histogram.invalid("unit", why).into());
        }
    };
    let kind = match (histogram.block("explicit"), histogram.block("exponential")) {
        (Some(_), Some(_)) => {
            let why =
                "only one of exponential or explicit histogram configuration can be specified";
            return Err(histogram.invalid("exponential", why).into());
        }
        (None, None) => {
            let why = "either exponential or explicit histogram configuration must be specified";
            return Err(histogram.invalid("explicit", why).into());
        }
        (Some(explicit), None) => {
            let bounds: Vec<Duration> = explicit.get("buckets")?;
            Histogram::Explicit(bounds.into_iter().map(|b| unit.of(b)).collect())
        }
        (None, Some(exponential)) => {
            let size: i64 = exponential.get("max_size")?;
            if size <= 0 {
                return Err(exponential
                    .invalid("max_size", "max_size must be greater than 0")
                    .into());
            }
            Histogram::Exponential(size as usize)
        }
    };
    // `disable` is in the docs' table (a later collector's setting).
    let kind = if histogram.get::<bool>("disable")? { Histogram::Disabled } else { kind };
    Ok((kind, unit))
}

fn events(args: &Args) -> Result<Option<Vec<Dimension>>, Error> {
    let Some(block) = args.block("events") else { return Ok(None) };
    // Checked whether enabled or not, as the reference decodes them.
    let dims = dimensions(block.blocks("dimension"))?;
    if !block.get::<bool>("enabled")? {
        return Ok(None);
    }
    if dims.is_empty() {
        let why = "no dimensions configured for events";
        return Err(block.invalid("enabled", why).into());
    }
    Ok(Some(dims))
}

fn exemplars(args: &Args) -> Result<Option<Option<usize>>, Error> {
    let Some(block) = args.block("exemplars") else { return Ok(None) };
    let max = block.opt::<Option<u64>>("max_per_data_point")?.flatten();
    if !block.get::<bool>("enabled")? {
        return Ok(None);
    }
    Ok(Some(max.map(|n| n as usize)))
}
