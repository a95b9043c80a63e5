//! The debugging UI: plain files embedded in the binary (no Node.js to
//! build `flow`), served at the reference's routes (`/`,
//! `/component/<id>`, `/graph`, `/clustering`) under `--server.http.ui-path-prefix`, and
//! the graph's layout (`graph.rs`), which the server computes so that the
//! page needs no layout library. The pages read the JSON API only; secrets
//! are hidden there already.

pub mod graph;
mod live;

use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

use crate::controller::Controller;

const INDEX: &str = include_str!("assets/index.html");
const APP: &str = include_str!("assets/app.js");
const STYLE: &str = include_str!("assets/style.css");

/// A prefix as the server uses it: `/`, or `/agent/` (leading and
/// trailing slash).
pub fn normalize_prefix(prefix: &str) -> String {
    let trimmed = prefix.trim_matches('/');
    if trimmed.is_empty() {
        "/".into()
    } else {
        format!("/{trimmed}/")
    }
}

/// The pages and their files, for a UI served under `prefix`
/// (normalized).
pub fn routes(controller: Controller, prefix: &str) -> Router {
    let index = index(prefix);
    let page = move || {
        let index = index.clone();
        async move { index }
    };
    Router::new()
        .route("/", get(page.clone()))
        .route("/component/{*id}", get(page.clone()))
        .route("/graph", get(page.clone()))
        .route("/graph/{*module}", get(page.clone()))
        .route("/clustering", get(page))
        .route("/assets/app.js", get(|| async { asset("text/javascript", APP) }))
        .route("/assets/style.css", get(|| async { asset("text/css", STYLE) }))
        .route("/api/v0/web/graph", get(graph_layout))
        .route("/api/v0/web/debug/{*id}", get(live::stream))
        .with_state(controller)
}

/// The page every route of the UI serves, its links relative to `prefix`.
pub fn index(prefix: &str) -> Html<String> {
    Html(INDEX.replace("{{PREFIX}}", prefix))
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// `/api/v0/web/graph[?module=<id>]`: the components of the root (or of a
/// module) with their places, and one edge per reference.
async fn graph_layout(
    State(controller): State<Controller>,
    Query(query): Query<std::collections::HashMap<String, String>>,
) -> Response {
    let components = match query.get("module").map(String::as_str).filter(|m| !m.is_empty()) {
        None => controller.components(),
        Some(id) => match controller.module(id) {
            Some(module) => module.components(),
            None => return (StatusCode::NOT_FOUND, format!("no module {id:?}\n")).into_response(),
        },
    };
    let placed = graph::layout(&components);
    let rates = controller.globals().live.rates();
    let ids: std::collections::HashSet<&str> = components.iter().map(|c| c.id.as_str()).collect();
    let nodes: Vec<serde_json::Value> = components
        .iter()
        .zip(&placed)
        .map(|(c, at)| {
            let local = c.id.rsplit_once('/').map_or(c.id.as_str(), |(_, l)| l);
            serde_json::json!({
                "id": c.id,
                "localID": local,
                "name": c.name,
                "label": local.strip_prefix(&format!("{}.", c.name)).unwrap_or_default(),
                "health": c.health.kind.as_str(),
                "layer": at.layer,
                "slot": at.slot,
                "rate": rates.get(&c.id),
            })
        })
        .collect();
    let edges: Vec<serde_json::Value> = components
        .iter()
        .flat_map(|c| {
            c.references
                .iter()
                .filter(|r| ids.contains(r.as_str()))
                .map(move |r| serde_json::json!({ "from": c.id, "to": r }))
        })
        .collect();
    Json(serde_json::json!({
        "nodes": nodes,
        "edges": edges,
        "layers": placed.iter().map(|p| p.layer + 1).max().unwrap_or(0),
        "slots": placed.iter().map(|p| p.slot + 1).max().unwrap_or(0),
        "live": controller.globals().live.enabled(),
    }))
    .into_response()
}
