//! What one statement or condition runs on: the collector's transform
//! context (`ottlspan.TransformContext`, ...), an item of telemetry with
//! the resource and scope above it, and a cache of its own.
//!
//! Spans, metrics and data points are reached through their container
//! and an index rather than a reference: the metric functions append to
//! the metric list and change a metric's type while its data points are
//! being walked, which a borrow of one point would forbid.

use opentelemetry_proto::tonic::common::v1::{InstrumentationScope, KeyValue};
use opentelemetry_proto::tonic::logs::v1::LogRecord;
use opentelemetry_proto::tonic::metrics::v1::{
    metric, ExponentialHistogramDataPoint, HistogramDataPoint, Metric, NumberDataPoint,
    SummaryDataPoint,
};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{span, Span};

/// The telemetry a context is about, below the resource and scope.
pub enum Kind<'a> {
    Resource,
    Scope,
    Span(&'a mut Span),
    /// A span and the index of one of its events.
    SpanEvent(&'a mut Span, usize),
    /// A scope's metrics and the index of one.
    Metric(&'a mut Vec<Metric>, usize),
    /// A scope's metrics, a metric's index and a data point's.
    DataPoint(&'a mut Vec<Metric>, usize, usize),
    Log(&'a mut LogRecord),
}

/// One transform context.
pub struct Item<'a> {
    resource: &'a mut Option<Resource>,
    scope: Option<&'a mut Option<InstrumentationScope>>,
    kind: Kind<'a>,
    /// The `cache` path: a map for this item only, empty at first.
    pub cache: Vec<KeyValue>,
}

/// One data point of any metric type.
pub enum Point<'a> {
    Number(&'a NumberDataPoint),
    Histogram(&'a HistogramDataPoint),
    Exponential(&'a ExponentialHistogramDataPoint),
    Summary(&'a SummaryDataPoint),
}

/// One data point of any metric type, to change.
pub enum PointMut<'a> {
    Number(&'a mut NumberDataPoint),
    Histogram(&'a mut HistogramDataPoint),
    Exponential(&'a mut ExponentialHistogramDataPoint),
    Summary(&'a mut SummaryDataPoint),
}

const GONE: &str = "the item this statement ran on is gone";

impl<'a> Item<'a> {
    pub fn new(
        resource: &'a mut Option<Resource>,
        scope: Option<&'a mut Option<InstrumentationScope>>,
        kind: Kind<'a>,
    ) -> Item<'a> {
        Item { resource, scope, kind, cache: Vec::new() }
    }

    pub fn resource(&self) -> Option<&Resource> {
        self.resource.as_ref()
    }

    pub fn resource_mut(&mut self) -> &mut Resource {
        self.resource.get_or_insert_with(Resource::default)
    }

    pub fn scope(&self) -> Option<&InstrumentationScope> {
        self.scope.as_ref().and_then(|s| s.as_ref())
    }

    pub fn scope_mut(&mut self) -> Result<&mut InstrumentationScope, String> {
        let scope = self.scope.as_mut().ok_or(GONE)?;
        Ok(scope.get_or_insert_with(InstrumentationScope::default))
    }

    pub fn span(&self) -> Result<&Span, String> {
        match &self.kind {
            Kind::Span(span) | Kind::SpanEvent(span, _) => Ok(span),
            _ => Err(GONE.into()),
        }
    }

    pub fn span_mut(&mut self) -> Result<&mut Span, String> {
        match &mut self.kind {
            Kind::Span(span) | Kind::SpanEvent(span, _) => Ok(span),
            _ => Err(GONE.into()),
        }
    }

    pub fn event(&self) -> Result<&span::Event, String> {
        match &self.kind {
            Kind::SpanEvent(span, i) => span.events.get(*i).ok_or_else(|| GONE.into()),
            _ => Err(GONE.into()),
        }
    }

    pub fn event_mut(&mut self) -> Result<&mut span::Event, String> {
        match &mut self.kind {
            Kind::SpanEvent(span, i) => span.events.get_mut(*i).ok_or_else(|| GONE.into()),
            _ => Err(GONE.into()),
        }
    }

    pub fn metric(&self) -> Result<&Metric, String> {
        match &self.kind {
            Kind::Metric(metrics, i) | Kind::DataPoint(metrics, i, _) => {
                metrics.get(*i).ok_or_else(|| GONE.into())
            }
            _ => Err(GONE.into()),
        }
    }

    pub fn metric_mut(&mut self) -> Result<&mut Metric, String> {
        match &mut self.kind {
            Kind::Metric(metrics, i) | Kind::DataPoint(metrics, i, _) => {
                metrics.get_mut(*i).ok_or_else(|| GONE.into())
            }
            _ => Err(GONE.into()),
        }
    }

    /// The metric list the item's metric is in, which some metric
    /// functions add to.
    pub fn metrics_mut(&mut self) -> Result<&mut Vec<Metric>, String> {
        match &mut self.kind {
            Kind::Metric(metrics, _) | Kind::DataPoint(metrics, _, _) => Ok(metrics),
            _ => Err(GONE.into()),
        }
    }

    pub fn point(&self) -> Result<Point<'_>, String> {
        let Kind::DataPoint(metrics, m, p) = &self.kind else { return Err(GONE.into()) };
        let data = metrics.get(*m).and_then(|m| m.data.as_ref());
        let point = match data {
            Some(metric::Data::Gauge(g)) => g.data_points.get(*p).map(Point::Number),
            Some(metric::Data::Sum(s)) => s.data_points.get(*p).map(Point::Number),
            Some(metric::Data::Histogram(h)) => h.data_points.get(*p).map(Point::Histogram),
            Some(metric::Data::ExponentialHistogram(h)) => {
                h.data_points.get(*p).map(Point::Exponential)
            }
            Some(metric::Data::Summary(s)) => s.data_points.get(*p).map(Point::Summary),
            None => None,
        };
        point.ok_or_else(|| GONE.into())
    }

    pub fn point_mut(&mut self) -> Result<PointMut<'_>, String> {
        let Kind::DataPoint(metrics, m, p) = &mut self.kind else { return Err(GONE.into()) };
        let p = *p;
        let data = metrics.get_mut(*m).and_then(|m| m.data.as_mut());
        let point = match data {
            Some(metric::Data::Gauge(g)) => g.data_points.get_mut(p).map(PointMut::Number),
            Some(metric::Data::Sum(s)) => s.data_points.get_mut(p).map(PointMut::Number),
            Some(metric::Data::Histogram(h)) => h.data_points.get_mut(p).map(PointMut::Histogram),
            Some(metric::Data::ExponentialHistogram(h)) => {
                h.data_points.get_mut(p).map(PointMut::Exponential)
            }
            Some(metric::Data::Summary(s)) => s.data_points.get_mut(p).map(PointMut::Summary),
            None => None,
        };
        point.ok_or_else(|| GONE.into())
    }

    pub fn log(&self) -> Result<&LogRecord, String> {
        match &self.kind {
            Kind::Log(log) => Ok(log),
            _ => Err(GONE.into()),
        }
    }

    pub fn log_mut(&mut self) -> Result<&mut LogRecord, String> {
        match &mut self.kind {
            Kind::Log(log) => Ok(log),
            _ => Err(GONE.into()),
        }
    }
}

/// How many data points a metric has, whatever its type.
pub fn point_count(metric: &Metric) -> usize {
    crate::consumer::data_points(metric)
}
