//! `otelcol.processor.span`: the collector's span processor. It renames
//! spans from their attributes (`name { from_attributes }`), pulls
//! attributes out of their names (`name { to_attributes }`) and sets
//! their status, for the spans `include` and `exclude` let through (the
//! match properties `otelcol.processor.attributes` reads).

use std::sync::Arc;

use opentelemetry_proto::tonic::common::v1::{any_value, KeyValue};
use opentelemetry_proto::tonic::trace::v1::{status, Span, Status};
use regex::Regex;
use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, Registration};
use river_runtime::error::Error;

use super::attributes::Properties;
use super::Transform;
use crate::attributes::{float, put};
use crate::consumer::{ConsumeError, Data, Output, Signal};

/// `otelcol.processor.span`.
pub const PROCESSOR_SPAN: Registration = Registration {
    name: "otelcol.processor.span",
    build,
    without_effect: super::attributes::MATCH_CACHE,
};

pub fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    let read = Box::new(SpanSettings::from_args);
    Ok(Arc::new(super::build_for(&ctx, args, &[Signal::Traces], read)?))
}

/// `to_attributes`: patterns whose groups become attributes.
struct ToAttributes {
    rules: Vec<Regex>,
    break_after_match: bool,
}

/// The settings of one `otelcol.processor.span`.
pub struct SpanSettings {
    from_attributes: Vec<String>,
    separator: String,
    to_attributes: Option<ToAttributes>,
    /// The status code and message to set.
    status: Option<(status::StatusCode, String)>,
    include: Option<Properties>,
    exclude: Option<Properties>,
}

/// The collector's message when the processor would do nothing.
const MISSING: &str = "error creating \"span\" processor: either \"from_attributes\" or \"to_attributes\" must be specified in \"name:\" or \"setStatus\" must be specified";

impl SpanSettings {
    pub fn from_args(args: &Args, output: &Output) -> Result<SpanSettings, Error> {
        let name = args.block_or_empty("name");
        let to_attributes = name.block("to_attributes").map(read_to_attributes).transpose()?;
        let settings = SpanSettings {
            from_attributes: name.get("from_attributes")?,
            separator: name.get("separator")?,
            to_attributes,
            status: args.block("status").map(read_status).transpose()?,
            include: args.block("include").map(Properties::from_args).transpose()?,
            exclude: args.block("exclude").map(Properties::from_args).transpose()?,
        };
        // The collector builds (and so checks) its processor only for a
        // pipeline of traces, which exists when the output lists some.
        if !output.traces.is_empty() {
            settings.check(args)?;
        }
        Ok(settings)
    }

    /// The checks of the collector's factory and matchers.
    fn check(&self, args: &Args) -> Result<(), Error> {
        let no_rules = self.to_attributes.as_ref().is_none_or(|t| t.rules.is_empty());
        if self.from_attributes.is_empty() && no_rules && self.status.is_none() {
            let at = if args.block("name").is_some() { "name" } else { "output" };
            return Err(args.invalid(at, MISSING).into());
        }
        for (name, side) in [("include", &self.include), ("exclude", &self.exclude)] {
            if let Some(properties) = side {
                properties.check_spans().map_err(|e| args.invalid(name, e))?;
            }
        }
        Ok(())
    }

    fn skip(&self, matches: impl Fn(&Properties) -> bool) -> bool {
        self.include.as_ref().is_some_and(|p| !matches(p))
            || self.exclude.as_ref().is_some_and(matches)
    }

    fn process(&self, span: &mut Span) {
        self.rename_from_attributes(span);
        if let Some(to) = &self.to_attributes {
            to_attributes(to, span);
        }
        if let Some((code, message)) = &self.status {
            span.status = Some(Status { code: *code as i32, message: message.clone() });
        }
    }

    /// `processFromAttributes`: every key must be there, else the name stays.
    fn rename_from_attributes(&self, span: &mut Span) {
        if self.from_attributes.is_empty() || span.attributes.is_empty() {
            return;
        }
        let mut name = String::new();
        for (i, key) in self.from_attributes.iter().enumerate() {
            let Some(kv) = span.attributes.iter().find(|kv| &kv.key == key) else { return };
            if i > 0 {
                name.push_str(&self.separator);
            }
            name.push_str(&name_part(kv));
        }
        span.name = name;
    }
}

/// One attribute value as the span processor writes it into a name.
fn name_part(kv: &KeyValue) -> String {
    use any_value::Value as V;
    match kv.value.as_ref().and_then(|v| v.value.as_ref()) {
        Some(V::StringValue(s)) => s.clone(),
        Some(V::BoolValue(b)) => b.to_string(),
        Some(V::DoubleValue(d)) => float(*d),
        Some(V::IntValue(i)) => i.to_string(),
        _ => "<unknown-attribute-type>".into(),
    }
}

/// `processToAttributes`: each group of a matching rule becomes an
/// attribute, and its text in the name `{group}`; a later rule sees the
/// name the earlier ones made.
fn to_attributes(to: &ToAttributes, span: &mut Span) {
    if span.name.is_empty() {
        return;
    }
    for rule in &to.rules {
        let Some(found) = rule.captures(&span.name) else { continue };
        let (old, mut name, mut at) = (span.name.clone(), String::new(), 0);
        for (group, label) in found.iter().zip(rule.capture_names()).skip(1) {
            // A group that took no part in the match has no text to
            // replace (Go's index would be -1 and the collector panic).
            let Some(group) = group else { continue };
            let label = label.unwrap_or("");
            put(&mut span.attributes, label, any_value::Value::StringValue(group.as_str().into()));
            name.push_str(&old[at..group.start()]);
            name.push_str(&format!("{{{label}}}"));
            at = group.end();
        }
        name.push_str(&old[at..]);
        span.name = name;
        if to.break_after_match {
            break;
        }
    }
}

fn rules(block: &Args) -> Result<Vec<Regex>, Error> {
    let rules: Vec<String> = block.require("rules")?;
    rules
        .iter()
        .map(|p| {
            Regex::new(p).map_err(|_| block.invalid("rules", format!("invalid regexp pattern {p}")))
        })
        .collect::<Result<_, _>>()
        .map_err(Into::into)
}

fn read_to_attributes(block: &Args) -> Result<ToAttributes, Error> {
    Ok(ToAttributes { rules: rules(block)?, break_after_match: block.get("break_after_match")? })
}

/// The `status` block, checked as the reference's `Validate` does.
fn read_status(block: &Args) -> Result<(status::StatusCode, String), Error> {
    let code: String = block.require("code")?;
    let description: String = block.get("description")?;
    let code = match code.as_str() {
        "Ok" => status::StatusCode::Ok,
        "Error" => status::StatusCode::Error,
        "Unset" => status::StatusCode::Unset,
        // The registry lists the three codes; anything else is refused before.
        _ => {
            let message = format!("status code is set to an invalid value of {code:?}");
            return Err(block.invalid("code", message).into());
        }
    };
    if code != status::StatusCode::Error && !description.is_empty() {
        let message = "status description should be empty for non-error status codes";
        return Err(block.invalid("description", message).into());
    }
    Ok((code, description))
}

impl Transform for SpanSettings {
    fn apply(&self, data: &mut Data) -> Result<(), ConsumeError> {
        let Data::Traces(request) = data else { return Ok(()) };
        for rs in &mut request.resource_spans {
            let resource = rs.resource.as_ref().map(|r| r.attributes.clone()).unwrap_or_default();
            for ss in &mut rs.scope_spans {
                for span in &mut ss.spans {
                    if !self.skip(|p| p.matches_span(span, &resource, ss.scope.as_ref())) {
                        self.process(span);
                    }
                }
            }
        }
        Ok(())
    }
}
