//! `otelcol.auth.basic` and `otelcol.auth.bearer`: an `Authorization`
//! header, `Basic` with the username and password, or the scheme
//! (`Bearer` unless set; none when empty) and the token.

use std::sync::Arc;

use reqwest::header::AUTHORIZATION;
use river_analyzer::value::Secret;
use river_analyzer::Object;
use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, HealthKind, Registration};
use river_runtime::error::Error;

use super::{header_value, Action, Handler, Rule, Source};
use crate::attributes::base64;

/// `otelcol.auth.basic`.
pub const AUTH_BASIC: Registration =
    Registration { name: "otelcol.auth.basic", build: build_basic, without_effect: &[] };

/// `otelcol.auth.bearer`.
pub const AUTH_BEARER: Registration =
    Registration { name: "otelcol.auth.bearer", build: build_bearer, without_effect: &[] };

fn basic(args: &Args) -> Result<Vec<Rule>, Error> {
    let username: String = args.require("username")?;
    let password: Secret = args.require("password")?;
    let credentials = base64(format!("{username}:{}", password.0).as_bytes());
    let value = header_value(args, "password", &format!("Basic {credentials}"))?;
    Ok(vec![Rule { name: AUTHORIZATION, source: Source::Value(value), action: Action::Upsert }])
}

fn bearer(args: &Args) -> Result<Vec<Rule>, Error> {
    let token: Secret = args.require("token")?;
    let scheme: String = args.get("scheme")?;
    let text =
        if scheme.is_empty() { token.0.to_string() } else { format!("{scheme} {}", token.0) };
    let value = header_value(args, "token", &text)?;
    Ok(vec![Rule { name: AUTHORIZATION, source: Source::Value(value), action: Action::Upsert }])
}

/// A component whose handler's rules come from `rules`.
pub struct AuthComponent {
    handler: Handler,
    rules: fn(&Args) -> Result<Vec<Rule>, Error>,
}

pub fn start(
    ctx: Ctx,
    args: &Args,
    rules: fn(&Args) -> Result<Vec<Rule>, Error>,
) -> Result<Arc<dyn Component>, Error> {
    let handler = Handler::default();
    handler.set(rules(args)?);
    ctx.export(Object::from_iter([("handler".to_owned(), handler.to_value())]));
    ctx.set_health(HealthKind::Healthy, "running");
    Ok(Arc::new(AuthComponent { handler, rules }))
}

fn build_basic(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    start(ctx, args, basic)
}

fn build_bearer(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    start(ctx, args, bearer)
}

impl Component for AuthComponent {
    fn update(&self, args: &Args) -> Result<(), Error> {
        self.handler.set((self.rules)(args)?);
        Ok(())
    }
}
