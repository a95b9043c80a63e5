//! The HTTP server of `flow run`: the process's metrics, readiness and
//! health, reload, and the JSON API over components. Secrets show as
//! `(secret)` here as everywhere.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use river_analyzer::{Number, Value};

use crate::component::HealthKind;
use crate::controller::{ComponentInfo, Controller};

/// Reloads the config from where it was read; the error is shown as is.
pub type Reload = Arc<dyn Fn() -> Result<(), String> + Send + Sync>;

#[derive(Clone)]
struct AppState {
    controller: Controller,
    reload: Reload,
}

/// The server's routes: metrics, readiness, health and reload at the
/// root; the JSON API and the UI under `ui_prefix` (`/` or `/agent/`), as
/// the reference serves them.
pub fn router(controller: Controller, reload: Reload, ui_prefix: &str) -> Router {
    let prefix = crate::ui::normalize_prefix(ui_prefix);
    let web = Router::new()
        .route("/api/v0/web/components", get(list))
        .route("/api/v0/web/components/{*id}", get(detail))
        .route("/api/v0/web/modules/{*path}", get(module_list))
        .route("/api/v0/web/remotecfg/components", get(remotecfg_list))
        .with_state(AppState { controller: controller.clone(), reload: reload.clone() })
        .merge(crate::cluster::transport::web_routes(controller.globals().cluster.clone()))
        .merge(crate::ui::routes(controller.clone(), &prefix));
    let root = Router::new()
        .route("/metrics", get(metrics))
        .route("/-/ready", get(|| async { "Agent is Ready.\n" }))
        .route("/-/healthy", get(healthy))
        .route("/-/reload", get(reload_config).post(reload_config))
        .route("/api/v0/component/{id}/metrics", get(component_metrics))
        .merge(crate::cluster::transport::gossip_routes(controller.globals().cluster.clone()))
        .with_state(AppState { controller, reload });
    if prefix == "/" {
        return root.merge(web);
    }
    // Nested, the UI's `/` is `/agent`; `/agent/` shows the same page.
    let bare = prefix.trim_end_matches('/').to_owned();
    let index = crate::ui::index(&prefix);
    root.nest(&bare, web).route(&prefix, get(move || async move { index }))
}

async fn metrics(State(state): State<AppState>) -> Response {
    exposition(crate::metrics::process::render(state.controller.globals()))
}

fn exposition(text: String) -> Response {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text).into_response()
}

async fn healthy(State(state): State<AppState>) -> Response {
    let mut unhealthy: Vec<String> = state
        .controller
        .components()
        .into_iter()
        .filter(|c| c.health.kind == HealthKind::Unhealthy)
        .map(|c| format!("{}: {}", c.id, c.health.message))
        .collect();
    for (name, service) in state.controller.services() {
        match (service.health, service.controller) {
            (Some(h), _) if h.kind == HealthKind::Unhealthy => {
                unhealthy.push(format!("{name}: {}", h.message))
            }
            (_, Some(inner)) => unhealthy.extend(
                inner
                    .components()
                    .into_iter()
                    .filter(|c| c.health.kind == HealthKind::Unhealthy)
                    .map(|c| format!("{}: {}", c.id, c.health.message)),
            ),
            _ => {}
        }
    }
    if unhealthy.is_empty() {
        (StatusCode::OK, "All components are healthy.\n".to_owned()).into_response()
    } else {
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("unhealthy components:\n{}\n", unhealthy.join("\n")),
        )
            .into_response()
    }
}

async fn reload_config(State(state): State<AppState>) -> Response {
    let reload = state.reload.clone();
    match tokio::task::spawn_blocking(move || reload()).await {
        Ok(Ok(())) => (StatusCode::OK, "config reloaded\n".to_owned()).into_response(),
        Ok(Err(message)) => (StatusCode::BAD_REQUEST, format!("{message}\n")).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")).into_response(),
    }
}

async fn list(State(state): State<AppState>) -> Json<serde_json::Value> {
    let components: Vec<serde_json::Value> =
        state.controller.components().iter().map(summary).collect();
    Json(serde_json::Value::Array(components))
}

/// `/api/v0/web/modules/{moduleID}/components`: a module's components
/// (the module id may hold `/`, as nested ids do).
async fn module_list(State(state): State<AppState>, Path(path): Path<String>) -> Response {
    let Some(id) = path.strip_suffix("/components") else {
        return (StatusCode::NOT_FOUND, "not found\n").into_response();
    };
    match state.controller.module(id) {
        Some(module) => {
            let components: Vec<serde_json::Value> =
                module.components().iter().map(summary).collect();
            Json(serde_json::Value::Array(components)).into_response()
        }
        None => (StatusCode::NOT_FOUND, format!("no module {id:?}\n")).into_response(),
    }
}

/// `/api/v0/web/remotecfg/components` (Alloy's route): the components of
/// the `remotecfg` block's config, empty while it runs none.
async fn remotecfg_list(State(state): State<AppState>) -> Json<serde_json::Value> {
    let components = match state.controller.module(crate::remotecfg::NAME) {
        Some(module) => module.components().iter().map(summary).collect(),
        None => Vec::new(),
    };
    Json(serde_json::Value::Array(components))
}

async fn detail(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    match state.controller.component(&id) {
        Some(component) => {
            let mut json = summary(&component);
            json["arguments"] = to_json(&component.arguments);
            json["exports"] = to_json(&component.exports);
            json["debugInfo"] = component.debug_info.clone().unwrap_or(serde_json::Value::Null);
            json["file"] = component.file.clone().into();
            json["line"] = component.line.into();
            json["block"] = component.block.clone().into();
            json["healthHistory"] = component.health_history.iter().map(health).collect();
            if let Some(module) = component.module.as_ref().and_then(|m| state.controller.module(m))
            {
                json["createdModuleIDs"] = serde_json::json!([component.id]);
                json["moduleInfo"] = module.components().iter().map(summary).collect();
            }
            Json(json).into_response()
        }
        None => (StatusCode::NOT_FOUND, format!("no component {id:?}\n")).into_response(),
    }
}

/// The metrics of an exporter component, served for its own target; the
/// query's parameters go to the exporter (a probe's `target`).
async fn component_metrics(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let Some(scrape) = state.controller.scrape(&id, &query) else {
        return (StatusCode::NOT_FOUND, format!("no exporter {id:?}\n")).into_response();
    };
    match scrape.await {
        Ok(text) => exposition(text),
        Err(err) => {
            let status =
                StatusCode::from_u16(err.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, format!("{}\n", err.message)).into_response()
        }
    }
}

fn summary(component: &ComponentInfo) -> serde_json::Value {
    let (module, local) = component.id.rsplit_once('/').unwrap_or(("", &component.id));
    serde_json::json!({
        "id": component.id,
        "moduleID": module,
        "localID": local,
        "name": component.name,
        "label": local.strip_prefix(&format!("{}.", component.name)).unwrap_or_default(),
        "health": health(&component.health),
        "referencesTo": component.references,
        "referencedBy": component.referenced_by,
    })
}

/// A health as the reference's API writes it.
fn health(health: &crate::component::Health) -> serde_json::Value {
    serde_json::json!({
        "state": health.kind.as_str(),
        "message": health.message,
        "updatedTime": crate::timestamp::rfc3339(health.updated),
    })
}

/// A River value as JSON: secrets hidden, receivers and other handles by
/// their type.
pub fn to_json(value: &Value) -> serde_json::Value {
    match value {
        Value::Null => serde_json::Value::Null,
        Value::Number(n) => number(*n),
        Value::String(s) => serde_json::Value::String(s.clone()),
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Array(items) => serde_json::Value::Array(items.iter().map(to_json).collect()),
        Value::Object(fields) => {
            serde_json::Value::Object(fields.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
        Value::Function(name, _) => serde_json::Value::String(format!("function {name}")),
        Value::Secret(_) => serde_json::Value::String("(secret)".into()),
        Value::Capsule(kind, _) => serde_json::Value::String(format!("capsule({kind})")),
    }
}

/// An integer as an integer (`80`, not `80.0`), as River wrote it.
fn number(n: Number) -> serde_json::Value {
    match n {
        Number::Int(i) => i.into(),
        Number::Uint(u) => u.into(),
        Number::Float(f) => serde_json::Number::from_f64(f)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_kind_and_secrets_stay_hidden() {
        let value = river_analyzer::eval_text(
            "{port = 80, ratio = 0.5, big = 18446744073709551615, token = \"t\"}",
            &river_analyzer::EmptyScope,
        );
        let Ok(Ok(Value::Object(mut fields))) = value else { panic!("{value:?}") };
        fields.insert("token".into(), Value::Secret("t".into()));
        let json = to_json(&Value::Object(fields));
        assert_eq!(json["port"].to_string(), "80");
        assert_eq!(json["ratio"].to_string(), "0.5");
        assert_eq!(json["big"].to_string(), "18446744073709551615");
        assert_eq!(json["token"], "(secret)");
    }
}
