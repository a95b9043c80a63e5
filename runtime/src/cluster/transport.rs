//! The cluster's HTTP routes on flow's server: gossip packets in (POST
//! `/api/v1/cluster/gossip`, the body one packet) and the members for the
//! UI (`/api/v0/web/peers`, as the reference's JSON).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

use super::driver::{Input, GOSSIP_PATH};
use super::Cluster;

/// The gossip route (at the server's root, whatever the UI's prefix).
pub fn gossip_routes<S: Clone + Send + Sync + 'static>(cluster: Arc<Cluster>) -> Router<S> {
    Router::new().route(GOSSIP_PATH, post(gossip)).with_state(cluster)
}

/// The peers route (beside the UI's other API routes).
pub fn web_routes<S: Clone + Send + Sync + 'static>(cluster: Arc<Cluster>) -> Router<S> {
    Router::new().route("/api/v0/web/peers", get(peers)).with_state(cluster)
}

async fn gossip(State(cluster): State<Arc<Cluster>>, body: Bytes) -> Response {
    let Some(inbox) = cluster.inbox.get().filter(|_| cluster.enabled) else {
        return (StatusCode::NOT_FOUND, "clustering is disabled\n").into_response();
    };
    let metrics = cluster.metrics.as_ref();
    // Checked here too, so the sender hears why it is refused.
    if let Err(why) = super::membership::open(&cluster.settings.cluster_name, &body) {
        metrics.inspect(|m| m.rx_failed.add(1.0));
        return (StatusCode::BAD_REQUEST, format!("{why}\n")).into_response();
    }
    metrics.inspect(|m| {
        m.rx_packets.add(1.0);
        m.rx_bytes.add(body.len() as f64);
    });
    // A full inbox drops the packet, as a lost datagram: SWIM copes.
    match inbox.try_send(Input::Packet(body.to_vec())) {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "gossip inbox full\n").into_response(),
    }
}

/// `[{"name", "addr", "isSelf", "state"}]`, this node first.
async fn peers(State(cluster): State<Arc<Cluster>>) -> Json<serde_json::Value> {
    let peers: Vec<serde_json::Value> = cluster
        .peers()
        .into_iter()
        .map(|p| {
            serde_json::json!({
                "name": p.name,
                "addr": p.address,
                "isSelf": p.is_self,
                "state": p.state.as_str(),
            })
        })
        .collect();
    Json(serde_json::Value::Array(peers))
}
