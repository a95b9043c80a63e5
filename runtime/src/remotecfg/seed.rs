//! The id a `remotecfg` block reports when it sets none: a random UUID
//! kept in `<storage.path>/agent_seed.json` (the reference's file and
//! fields), so that it stays the same across restarts.

use std::path::Path;

/// This agent's id: read from the seed file, or made and saved there.
pub fn agent_id(storage: &Path) -> String {
    let file = storage.join("agent_seed.json");
    let read = std::fs::read(&file).ok();
    let seed = read.and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok());
    if let Some(uid) = seed.as_ref().and_then(|s| s["UID"].as_str()).filter(|u| !u.is_empty()) {
        return uid.to_owned();
    }
    let uid = uuid::Uuid::new_v4().to_string();
    let seed = serde_json::json!({
        "UID": uid,
        "created_at": jiff::Timestamp::now().to_string(),
        "version": env!("CARGO_PKG_VERSION"),
    });
    if std::fs::write(&file, seed.to_string()).is_err() {
        tracing::warn!(path = %file.display(), "cannot save the agent's id; it changes on restart");
    }
    uid
}
