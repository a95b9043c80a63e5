//! The edges waiting for their other side: a client (or producer) span
//! keyed by its trace and span id, a server (or consumer) span by its
//! trace and parent span id, so both sides of one request meet under one
//! key. A client span with `db.name` is a whole edge by itself (the
//! server is the database). Edges expire after the store's `ttl`; a full
//! store takes no new ones.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::common::v1::KeyValue;

/// How two services talk: directly (none), through a queue, or to a
/// database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connection {
    Direct,
    MessagingSystem,
    Database,
}

impl Connection {
    pub fn name(self) -> &'static str {
        match self {
            Connection::Direct => "",
            Connection::MessagingSystem => "messaging_system",
            Connection::Database => "database",
        }
    }
}

/// One request between two services, as far as its spans have told.
#[derive(Debug, Clone)]
pub struct Edge {
    pub client: Option<String>,
    pub server: Option<String>,
    pub connection: Connection,
    pub client_seconds: f64,
    pub server_seconds: f64,
    pub failed: bool,
    /// `client_<dim>` and `server_<dim>` attributes.
    pub dimensions: Vec<KeyValue>,
    expires: Instant,
}

impl Edge {
    pub fn complete(&self) -> bool {
        self.client.is_some() && self.server.is_some()
    }
}

pub struct Store {
    edges: HashMap<Vec<u8>, Edge>,
    ttl: Duration,
    max_items: usize,
}

/// Why a span found no place in the store.
#[derive(Debug, PartialEq)]
pub struct Full;

impl Store {
    pub fn new(ttl: Duration, max_items: usize) -> Store {
        Store { edges: HashMap::new(), ttl, max_items }
    }

    /// Changes the edge under `key` (a new one if there is none and
    /// there is room); a complete edge leaves the store and is returned.
    pub fn upsert(
        &mut self,
        key: Vec<u8>,
        change: impl FnOnce(&mut Edge),
    ) -> Result<Option<Edge>, Full> {
        if !self.edges.contains_key(&key) && self.edges.len() >= self.max_items {
            return Err(Full);
        }
        let expires = Instant::now() + self.ttl;
        let edge = self.edges.entry(key.clone()).or_insert_with(|| Edge {
            client: None,
            server: None,
            connection: Connection::Direct,
            client_seconds: 0.0,
            server_seconds: 0.0,
            failed: false,
            dimensions: Vec::new(),
            expires,
        });
        change(edge);
        Ok(if edge.complete() { self.edges.remove(&key) } else { None })
    }

    /// Drops the edges whose time is up; how many.
    pub fn expire(&mut self) -> usize {
        let now = Instant::now();
        let before = self.edges.len();
        self.edges.retain(|_, e| e.expires > now);
        before - self.edges.len()
    }

    pub fn len(&self) -> usize {
        self.edges.len()
    }
}
