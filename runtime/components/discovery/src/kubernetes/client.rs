//! Listing and watching one resource in one namespace (or all), as
//! client-go's reflector keeps an informer's store: a LIST, then a WATCH
//! from the list's resource version (with bookmarks, which only move
//! that version on), whose newline-delimited JSON events add, change and
//! delete objects. A watch the server ends is opened again from the last
//! version; a `410 Gone` (the version is too old) lists again at once; a
//! broken stream or a failure lists again after a growing pause. Lists
//! and changes reach the run loop as functions over its cache (lists and
//! failures tagged with the watch's index, so that it knows which watches
//! have listed and which fail, and why).

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::Value;
use tokio::sync::mpsc::UnboundedSender;

use river_runtime::error::Error;

use super::connection::{Api, LIST_TIMEOUT, WATCH_SECONDS};
use super::objects::{Cache, ObjectMeta, Resource};
use super::spec::{read_json, Spec};

/// A change to the cache.
pub(super) type Apply = Box<dyn FnOnce(&mut Cache) + Send>;

pub(super) enum Message {
    /// A watch's whole list: it replaces what the watch held.
    Listed(usize, Apply),
    /// One object added, changed or deleted.
    Changed(Apply),
    /// Why a watch cannot list or watch now (it tries again).
    Failed(usize, Error),
}

/// The first pause after a failure, and the longest (client-go's are
/// about the same).
pub(super) const BACKOFF: (Duration, Duration) =
    (Duration::from_millis(500), Duration::from_secs(30));

/// How a watch ended.
enum Ended {
    /// The server ended it: watch again from the last version.
    Closed,
    /// The version is gone: list again, at once.
    Gone,
    /// The stream broke: list again, after a pause.
    Broken,
    Failed(Error),
    /// The run loop no longer listens.
    Stopped,
}

/// Lists and watches `spec` until the run loop stops listening (or this
/// task is aborted, when the settings change).
pub(super) async fn watch<T: Resource>(
    api: Arc<Api>,
    spec: Spec,
    id: usize,
    tx: UnboundedSender<Message>,
) {
    let mut pause = BACKOFF.0;
    // After a 410, a list from the store itself rather than the server's cache.
    let mut consistent = false;
    loop {
        let ended = match list::<T>(&api, &spec, consistent).await {
            Ok((items, version)) => {
                if tx.send(Message::Listed(id, replace(spec.namespace.clone(), items))).is_err() {
                    return;
                }
                pause = BACKOFF.0;
                follow::<T>(&api, &spec, version, &tx).await
            }
            Err(error) => Ended::Failed(error),
        };
        consistent = matches!(ended, Ended::Gone);
        match ended {
            Ended::Gone => continue,
            Ended::Stopped => return,
            Ended::Failed(error) => {
                if tx.send(Message::Failed(id, error)).is_err() {
                    return;
                }
            }
            Ended::Closed | Ended::Broken => {}
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(BACKOFF.1);
    }
}

#[derive(Deserialize)]
struct List {
    #[serde(default)]
    metadata: ObjectMeta,
    #[serde(default, deserialize_with = "super::objects::nullable")]
    items: Vec<Value>,
}

/// Every object of `spec`, and the list's resource version.
async fn list<T: Resource>(
    api: &Api,
    spec: &Spec,
    consistent: bool,
) -> Result<(Vec<T>, String), Error> {
    let mut query = spec.query();
    if !consistent {
        // As informers list first: from the server's cache, not etcd.
        query.push(("resourceVersion", "0".to_owned()));
    }
    let url = api.url(&spec.path(), &query);
    let list: List = read_json(api.get(&url, Some(LIST_TIMEOUT)).await?, &url).await?;
    let items = list.items.into_iter().map(T::deserialize).collect::<Result<Vec<T>, _>>();
    let items = items.map_err(|e| Error::remote(&url, format!("unexpected object: {e}")))?;
    Ok((items, list.metadata.resource_version))
}

/// Watches `spec` from `version`, again each time the server ends the
/// watch, until it ends otherwise.
async fn follow<T: Resource>(
    api: &Api,
    spec: &Spec,
    mut version: String,
    tx: &UnboundedSender<Message>,
) -> Ended {
    loop {
        let mut query = spec.query();
        query.extend([
            ("watch", "1".to_owned()),
            ("resourceVersion", version.clone()),
            ("allowWatchBookmarks", "true".to_owned()),
            ("timeoutSeconds", WATCH_SECONDS.to_string()),
        ]);
        let url = api.url(&spec.path(), &query);
        let started = Instant::now();
        let response = match api.get(&url, None).await {
            Ok(response) => response,
            Err(error) => return Ended::Failed(error),
        };
        match response.status().as_u16() {
            410 => return Ended::Gone,
            200..=299 => {}
            _ => {
                return read_json::<Value>(response, &url)
                    .await
                    .err()
                    .map_or(Ended::Broken, Ended::Failed);
            }
        }
        match stream::<T>(response, &url, &mut version, tx).await {
            // A server that ends every watch at once is not watched in a loop.
            Ended::Closed if started.elapsed() < Duration::from_secs(1) => return Ended::Broken,
            Ended::Closed => continue,
            ended => return ended,
        }
    }
}

/// Reads a watch's events, one JSON object a line, until it ends.
async fn stream<T: Resource>(
    mut response: reqwest::Response,
    url: &str,
    version: &mut String,
    tx: &UnboundedSender<Message>,
) -> Ended {
    let mut buffer = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => buffer.extend_from_slice(&chunk),
            Ok(None) => return Ended::Closed,
            Err(_) => return Ended::Broken,
        }
        while let Some(end) = buffer.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = buffer.drain(..=end).collect();
            match event::<T>(&line, url, version) {
                Ok(None) => {}
                Ok(Some(message)) => {
                    if tx.send(message).is_err() {
                        return Ended::Stopped;
                    }
                }
                Err(ended) => return ended,
            }
        }
    }
}

#[derive(Deserialize)]
struct Event {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    object: Value,
}

/// What a Status object (an `ERROR` event's) says.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Status {
    code: u16,
    message: String,
}

/// One event: the change it makes, if any; or how the watch ends.
fn event<T: Resource>(
    line: &[u8],
    url: &str,
    version: &mut String,
) -> Result<Option<Message>, Ended> {
    if line.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let bad = |e: serde_json::Error| {
        Ended::Failed(Error::remote(url, format!("unexpected watch event: {e}")))
    };
    let event: Event = serde_json::from_slice(line).map_err(bad)?;
    let object = match event.kind.as_str() {
        "ADDED" | "MODIFIED" | "DELETED" => T::deserialize(event.object).map_err(bad)?,
        "BOOKMARK" => {
            let meta = ObjectMeta::deserialize(&event.object["metadata"]).unwrap_or_default();
            advance(version, &meta);
            return Ok(None);
        }
        "ERROR" => {
            let status = Status::deserialize(&event.object).unwrap_or_default();
            return Err(match status.code {
                410 => Ended::Gone,
                _ => Ended::Failed(Error::remote(url, format!("watch error: {}", status.message))),
            });
        }
        _ => return Ok(None),
    };
    advance(version, object.meta());
    Ok(Some(Message::Changed(change(event.kind == "DELETED", object))))
}

/// The change an object's event makes: it is deleted, or added or
/// replaced.
fn change<T: Resource>(deleted: bool, object: T) -> Apply {
    if deleted {
        let key = object.meta().key();
        return Box::new(move |cache| {
            T::store(cache).remove(&key);
        });
    }
    Box::new(move |cache| {
        T::store(cache).insert(object.meta().key(), object);
    })
}

fn advance(version: &mut String, meta: &ObjectMeta) {
    if !meta.resource_version.is_empty() {
        version.clone_from(&meta.resource_version);
    }
}

/// Replaces what a watch of `namespace` (or of all) held with `items`.
fn replace<T: Resource>(namespace: Option<String>, items: Vec<T>) -> Apply {
    Box::new(move |cache| {
        let store = T::store(cache);
        // Other namespaces' objects are other watches'.
        store.retain(|_, o| namespace.as_deref().is_some_and(|ns| o.meta().namespace != ns));
        store.extend(items.into_iter().map(|o| (o.meta().key(), o)));
    })
}
