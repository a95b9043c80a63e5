//! The `jaeger_remote` sampler: sampling strategies fetched from a Jaeger
//! sampling server (`GET <url>?service=grafana-agent`, the JSON of
//! Jaeger's `strategies.json`) every `refresh_interval`, applied as
//! OpenTelemetry's Go `jaegerremote` sampler applies them: probabilistic
//! (the ratio sampler's rule on the trace id), rate limiting (a bucket of
//! `maxTracesPerSecond` credits), or per operation (each root span name
//! with its probability and a guaranteed lower-bound rate, at most
//! `max_operations` names, the rest by the default probability). Until a
//! strategy arrives the previous sampler decides.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::{Mutex, RwLock};
use serde_json::Value as Json;
use tokio_util::sync::CancellationToken;

use super::ratio::Ratio;

/// A rate limiter of `per_second` credits, holding at most `max` (full
/// at first).
#[derive(Debug)]
struct Bucket {
    per_second: f64,
    balance: f64,
    max: f64,
    last: Instant,
}

impl Bucket {
    fn new(per_second: f64, max: f64) -> Bucket {
        Bucket { per_second, balance: max, max, last: Instant::now() }
    }

    /// Rate limiting's bucket: a second's worth, at least one.
    fn per_second(per_second: f64) -> Bucket {
        Bucket::new(per_second, per_second.max(1.0))
    }

    /// A lower bound's bucket: one credit at most.
    fn lower_bound(per_second: f64) -> Bucket {
        Bucket::new(per_second, 1.0)
    }

    fn take(&mut self) -> bool {
        let now = Instant::now();
        let earned = now.duration_since(self.last).as_secs_f64() * self.per_second;
        self.balance = (self.balance + earned).min(self.max);
        self.last = now;
        if self.balance >= 1.0 {
            self.balance -= 1.0;
            true
        } else {
            false
        }
    }
}

/// A strategy the server sent.
#[derive(Debug)]
enum Strategy {
    Probabilistic(Ratio),
    RateLimiting(Mutex<Bucket>),
    PerOperation {
        default: Ratio,
        lower_bound: f64,
        operations: Mutex<HashMap<String, (Ratio, Bucket)>>,
    },
}

/// The sampler: the strategy in force, or `initial` before the first.
pub struct Remote {
    initial: Ratio,
    max_operations: usize,
    strategy: RwLock<Option<Strategy>>,
    /// The answer the strategy in force came from.
    answer: Mutex<Option<Json>>,
    pub(super) stop: CancellationToken,
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Remote").field("initial", &self.initial).finish_non_exhaustive()
    }
}

impl Remote {
    /// Starts polling `url`; stops when `stop` is cancelled (a new
    /// `tracing` block).
    pub fn start(
        initial: Ratio,
        url: String,
        max_operations: usize,
        every: Duration,
    ) -> Arc<Remote> {
        let remote = Arc::new(Remote {
            initial,
            max_operations,
            strategy: RwLock::new(None),
            answer: Mutex::new(None),
            stop: CancellationToken::new(),
        });
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            handle.spawn(poll(remote.clone(), url, every));
        }
        remote
    }

    /// Whether a new trace with this id, whose root is `name`, is kept.
    pub fn keeps(&self, name: &str, trace_id: &[u8; 16]) -> bool {
        let strategy = self.strategy.read();
        match &*strategy {
            None => self.initial.keeps(trace_id),
            Some(Strategy::Probabilistic(ratio)) => ratio.keeps(trace_id),
            Some(Strategy::RateLimiting(bucket)) => bucket.lock().take(),
            Some(Strategy::PerOperation { default, lower_bound, operations }) => {
                let mut operations = operations.lock();
                if !operations.contains_key(name) && operations.len() >= self.max_operations {
                    return default.keeps(trace_id);
                }
                let (ratio, bucket) = operations
                    .entry(name.to_owned())
                    .or_insert_with(|| (*default, Bucket::lower_bound(*lower_bound)));
                // The guaranteed-throughput rule: by probability, else
                // by the lower bound's credit.
                ratio.keeps(trace_id) || bucket.take()
            }
        }
    }

    /// Puts the server's answer in force, unless it is the one in force:
    /// as the Go sampler, an unchanged strategy keeps its state (a rate
    /// limiter's spent credits are not handed out again every poll).
    fn apply(&self, answer: Json) -> Result<(), String> {
        let mut current = self.answer.lock();
        if current.as_ref() == Some(&answer) {
            return Ok(());
        }
        *self.strategy.write() = Some(strategy(&answer)?);
        *current = Some(answer);
        Ok(())
    }
}

/// Fetches the strategy now and every `every` until stopped.
async fn poll(remote: Arc<Remote>, url: String, every: Duration) {
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build();
    let Ok(client) = client else { return };
    let separator = if url.contains('?') { '&' } else { '?' };
    let url = format!("{url}{separator}service=grafana-agent");
    loop {
        match fetch(&client, &url).await {
            Ok(answer) => {
                if let Err(e) = remote.apply(answer) {
                    tracing::warn!(url = %crate::error::redacted_url(&url), err = %e, "cannot use the Jaeger sampling strategy")
                }
            }
            Err(e) => {
                tracing::warn!(url = %crate::error::redacted_url(&url), err = %e, "cannot fetch the Jaeger sampling strategy")
            }
        }
        tokio::select! {
            _ = remote.stop.cancelled() => return,
            _ = tokio::time::sleep(every) => {}
        }
    }
}

async fn fetch(client: &reqwest::Client, url: &str) -> Result<Json, String> {
    let response = client.get(url).send().await.map_err(|e| crate::error::with_causes(&e))?;
    if !response.status().is_success() {
        return Err(format!("HTTP status {}", response.status()));
    }
    let body = response.bytes().await.map_err(|e| e.to_string())?;
    serde_json::from_slice(&body).map_err(|e| format!("not JSON: {e}"))
}

/// A strategy from Jaeger's JSON (`operationSampling` first, as the Go
/// sampler reads it).
fn strategy(json: &Json) -> Result<Strategy, String> {
    let number = |v: &Json, key: &str| v.get(key).and_then(Json::as_f64);
    if let Some(operations) = json.get("operationSampling").filter(|v| !v.is_null()) {
        let default = number(operations, "defaultSamplingProbability").unwrap_or(0.0);
        let lower_bound = number(operations, "defaultLowerBoundTracesPerSecond").unwrap_or(0.0);
        let mut each = HashMap::new();
        let listed = operations.get("perOperationStrategies").and_then(Json::as_array);
        for op in listed.into_iter().flatten() {
            let name = op.get("operation").and_then(Json::as_str).unwrap_or_default();
            let rate = op.get("probabilisticSampling").and_then(|p| number(p, "samplingRate"));
            each.insert(
                name.to_owned(),
                (Ratio::new(rate.unwrap_or(default)), Bucket::lower_bound(lower_bound)),
            );
        }
        return Ok(Strategy::PerOperation {
            default: Ratio::new(default),
            lower_bound,
            operations: Mutex::new(each),
        });
    }
    if let Some(rate) = json.get("probabilisticSampling").and_then(|p| number(p, "samplingRate")) {
        return Ok(Strategy::Probabilistic(Ratio::new(rate)));
    }
    if let Some(max) =
        json.get("rateLimitingSampling").and_then(|p| number(p, "maxTracesPerSecond"))
    {
        return Ok(Strategy::RateLimiting(Mutex::new(Bucket::per_second(max))));
    }
    Err("the answer names no sampling strategy".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(low: u64) -> [u8; 16] {
        let mut id = [0u8; 16];
        id[8..].copy_from_slice(&low.to_be_bytes());
        id
    }

    fn remote(json: &str) -> Remote {
        let remote = Remote {
            initial: Ratio::new(0.0),
            max_operations: 2,
            strategy: RwLock::new(None),
            answer: Mutex::new(None),
            stop: CancellationToken::new(),
        };
        remote.apply(serde_json::from_str(json).unwrap()).unwrap();
        remote
    }

    #[test]
    fn strategies_decide_as_jaegers_go_sampler() {
        let half = remote(
            r#"{"strategyType":"PROBABILISTIC","probabilisticSampling":{"samplingRate":0.5}}"#,
        );
        assert!(half.keeps("x", &id(0x7fff_ffff_ffff_ffff)) && !half.keeps("x", &id(u64::MAX)));
        let limited = remote(
            r#"{"strategyType":"RATE_LIMITING","rateLimitingSampling":{"maxTracesPerSecond":2}}"#,
        );
        let kept = (0..10).filter(|_| limited.keeps("x", &id(u64::MAX))).count();
        assert_eq!(kept, 2, "a full bucket of two credits, then none");
        let ops = remote(
            r#"{"operationSampling":{"defaultSamplingProbability":0,"defaultLowerBoundTracesPerSecond":0,
                "perOperationStrategies":[{"operation":"scrape","probabilisticSampling":{"samplingRate":1}}]}}"#,
        );
        assert!(ops.keeps("scrape", &id(u64::MAX)));
        // Lower bound 0 still grants the bucket's one credit, then none.
        assert!(ops.keeps("GraphEvaluate", &id(u64::MAX)));
        assert!(!ops.keeps("GraphEvaluate", &id(u64::MAX)));
        // Past max_operations (2) a new name takes the default: 0.
        assert!(!ops.keeps("Remote Send Batch", &id(0)));
        assert!(strategy(&serde_json::json!({"x": 1})).is_err());
    }

    #[test]
    fn the_same_answer_again_keeps_the_spent_credits() {
        let json =
            r#"{"strategyType":"RATE_LIMITING","rateLimitingSampling":{"maxTracesPerSecond":0}}"#;
        let limited = remote(json);
        assert!(limited.keeps("x", &id(0)), "the bucket's one credit");
        limited.apply(serde_json::from_str(json).unwrap()).unwrap();
        assert!(!limited.keeps("x", &id(0)), "a poll with the same answer hands out no new credit");
        let changed =
            r#"{"strategyType":"RATE_LIMITING","rateLimitingSampling":{"maxTracesPerSecond":1}}"#;
        limited.apply(serde_json::from_str(changed).unwrap()).unwrap();
        assert!(limited.keeps("x", &id(0)), "a new strategy starts afresh");
    }

    #[test]
    fn before_a_strategy_the_initial_sampler_decides() {
        let remote = Remote::start(
            Ratio::new(1.0),
            "http://127.0.0.1:9/sampling".into(),
            256,
            Duration::from_secs(60),
        );
        assert!(remote.keeps("x", &id(u64::MAX)));
        remote.stop.cancel();
    }
}
