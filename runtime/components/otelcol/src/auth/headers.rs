//! `otelcol.auth.headers`: the `header` blocks, each a header set from
//! `value` or from the client metadata of the data being sent
//! (`from_context`: kept by a receiver's `include_metadata`, and through
//! `otelcol.processor.batch` only for its `metadata_keys`, as in the
//! reference) with its `action`.

use std::sync::Arc;

use reqwest::header::HeaderName;
use river_analyzer::value::Secret;
use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, Registration};
use river_runtime::error::Error;

use super::basic::start;
use super::{header_value, Action, Rule, Source};

/// `otelcol.auth.headers`.
pub const AUTH_HEADERS: Registration =
    Registration { name: "otelcol.auth.headers", build, without_effect: &[] };

fn rule(block: &Args) -> Result<Rule, Error> {
    let key: String = block.require("key")?;
    let name = HeaderName::from_bytes(key.as_bytes())
        .map_err(|_| block.invalid("key", format!("{key:?} is not a valid header name")))?;
    let action = match block.get::<String>("action")?.as_str() {
        "insert" => Action::Insert,
        "update" => Action::Update,
        "upsert" => Action::Upsert,
        "delete" => Action::Delete,
        other => {
            let why = format!("{other:?} is not one of insert, update, upsert, delete");
            return Err(block.invalid("action", why).into());
        }
    };
    let from_context: Option<String> = block.opt("from_context")?;
    let value = block.opt::<Secret>("value")?;
    // The schema refuses both and neither at load (one of them is required).
    let source = match (value, from_context) {
        (Some(secret), _) => Source::Value(header_value(block, "value", &secret.0)?),
        (None, Some(key)) => Source::FromContext(key),
        (None, None) => Source::None,
    };
    Ok(Rule { name, source, action })
}

fn rules(args: &Args) -> Result<Vec<Rule>, Error> {
    args.blocks("header").map(rule).collect()
}

fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    start(ctx, args, rules)
}
