//! One scrape of `prometheus.exporter.unix`: every enabled collector runs
//! (spread over the machine's cores, as node_exporter runs each in its
//! own goroutine), each timed and reported in
//! `node_scrape_collector_duration_seconds` and
//! `node_scrape_collector_success`; a collector that fails or panics
//! costs only its own families.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use river_runtime::component::ScrapeError;

use super::collector::{CollectError, Collector, Host};
use super::Settings;
use crate::exposition::Exposition;

/// The reference's promhttp instrumentation of its handler, shown with
/// `include_exporter_metrics`: scrapes in flight and scrapes served.
#[derive(Debug, Default)]
pub struct Handler {
    in_flight: AtomicI64,
    served: AtomicU64,
}

/// Counts a scrape in flight until dropped, then as served.
struct InFlight(Arc<Handler>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
        self.0.served.fetch_add(1, Ordering::Relaxed);
    }
}

/// The text of one scrape, gathered off the async runtime (collectors
/// read files and make system calls).
pub async fn scrape(settings: Arc<Settings>, handler: Arc<Handler>) -> Result<String, ScrapeError> {
    handler.in_flight.fetch_add(1, Ordering::Relaxed);
    let guard = InFlight(handler);
    let task = tokio::task::spawn_blocking(move || {
        let mut out = gather(&settings);
        if settings.exporter_metrics {
            handler_metrics(&guard.0, &mut out);
        }
        drop(guard);
        out.render()
    });
    task.await.map_err(|e| ScrapeError { status: 500, message: format!("gathering failed: {e}") })
}

/// Runs every collector of `settings` into one exposition.
pub fn gather(settings: &Settings) -> Exposition {
    let collectors = &settings.collectors;
    let lanes = std::thread::available_parallelism().map_or(1, |n| n.get()).min(collectors.len());
    let mut out = Exposition::new();
    if lanes <= 1 {
        for (name, collector) in collectors {
            run(name, collector.as_ref(), &settings.host, &mut out);
        }
    } else {
        // Lane i takes collectors i, i + lanes, ...: the costly ones
        // (cpu, netdev, textfile) fall on different lanes.
        std::thread::scope(|scope| {
            let others: Vec<_> = (1..lanes)
                .map(|lane| scope.spawn(move || run_lane(settings, lane, lanes)))
                .collect();
            out.merge(run_lane(settings, 0, lanes));
            for handle in others {
                // A lane's collectors catch their own panics; a lane
                // that still fails loses only its families.
                if let Ok(part) = handle.join() {
                    out.merge(part);
                }
            }
        });
    }
    build_info(&mut out);
    handler_errors(&mut out);
    out
}

fn run_lane(settings: &Settings, lane: usize, lanes: usize) -> Exposition {
    let mut out = Exposition::new();
    for (name, collector) in settings.collectors.iter().skip(lane).step_by(lanes) {
        run(name, collector.as_ref(), &settings.host, &mut out);
    }
    out
}

/// Runs one collector into `out`, with its duration and success.
fn run(name: &str, collector: &dyn Collector, host: &Host, out: &mut Exposition) {
    let start = Instant::now();
    let mut own = Exposition::new();
    let result = catch_unwind(AssertUnwindSafe(|| collector.collect(host, &mut own)))
        .unwrap_or_else(|panic| Err(CollectError::Failed(panic_message(&panic))));
    let seconds = start.elapsed().as_secs_f64();
    // What a failing collector gathered before failing is kept, as
    // node_exporter keeps what a collector sent before its error.
    out.merge(own);
    let success = match result {
        Ok(()) => 1.0,
        Err(CollectError::Unsupported(why)) => {
            tracing::debug!(collector = name, duration_seconds = seconds, err = %why, "collector returned no data");
            0.0
        }
        Err(CollectError::Failed(why)) => {
            tracing::error!(collector = name, duration_seconds = seconds, err = %why, "collector failed");
            0.0
        }
    };
    out.gauge(
        "node_scrape_collector_duration_seconds",
        "node_exporter: Duration of a collector scrape.",
    )
    .sample(&[("collector", name)], seconds);
    out.gauge("node_scrape_collector_success", "node_exporter: Whether a collector succeeded.")
        .sample(&[("collector", name)], success);
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    let text = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    format!("panicked: {text}")
}

/// `node_exporter_build_info`, which the reference always adds: the
/// version is flow run's, as the reference gives its own.
fn build_info(out: &mut Exposition) {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        other => other,
    };
    out.gauge(
        "node_exporter_build_info",
        "A metric with a constant '1' value labeled by version, revision, branch, goversion from which node_exporter was built, and the goos and goarch for the build.",
    )
    .sample(
        &[
            ("branch", "unknown"),
            ("goarch", arch),
            ("goos", std::env::consts::OS),
            ("goversion", "none (Rust)"),
            ("revision", "unknown"),
            ("version", env!("CARGO_PKG_VERSION")),
        ],
        1.0,
    );
}

/// The reference's handler registers its error counter in a registry it
/// serves, so it is always there; a scrape here has no encoding or
/// gathering errors (a failing collector shows in its success).
fn handler_errors(out: &mut Exposition) {
    let errors = out.counter(
        "promhttp_metric_handler_errors_total",
        "Total number of internal errors encountered by the promhttp metric handler.",
    );
    errors.sample(&[("cause", "encoding")], 0.0);
    errors.sample(&[("cause", "gathering")], 0.0);
}

/// client_golang's handler instrumentation, as the reference registers
/// it: counts before this scrape, and this scrape in flight.
fn handler_metrics(handler: &Handler, out: &mut Exposition) {
    out.gauge(
        "promhttp_metric_handler_requests_in_flight",
        "Current number of scrapes being served.",
    )
    .sample(&[], handler.in_flight.load(Ordering::Relaxed) as f64);
    let served = handler.served.load(Ordering::Relaxed) as f64;
    let total = out.counter(
        "promhttp_metric_handler_requests_total",
        "Total number of scrapes by HTTP status code.",
    );
    total.sample(&[("code", "200")], served);
    total.sample(&[("code", "500")], 0.0);
    total.sample(&[("code", "503")], 0.0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::unix::collector::Collector;

    struct Fixed(Result<(), &'static str>);

    impl Collector for Fixed {
        fn collect(&self, _: &Host, out: &mut Exposition) -> Result<(), CollectError> {
            out.gauge("node_fixed", "A fixed value.").sample(&[], 1.0);
            match self.0 {
                Ok(()) => Ok(()),
                Err("panic") => panic!("boom"),
                Err("unsupported") => Err(CollectError::Unsupported("absent".into())),
                Err(why) => Err(CollectError::Failed(why.into())),
            }
        }
    }

    fn settings(collectors: Vec<(&'static str, Arc<dyn Collector>)>) -> Settings {
        let host = Host {
            procfs: "/nonexistent".into(),
            sysfs: "/nonexistent".into(),
            rootfs: "/nonexistent".into(),
            udev_data: "/nonexistent".into(),
        };
        Settings { host, collectors, exporter_metrics: true }
    }

    fn success_lines(text: &str) -> Vec<&str> {
        text.lines().filter(|l| l.starts_with("node_scrape_collector_success{")).collect()
    }

    #[tokio::test]
    async fn each_collector_reports_its_success_and_a_panic_costs_nothing_else() {
        let settings = Arc::new(settings(vec![
            ("a_ok", Arc::new(Fixed(Ok(())))),
            ("b_failed", Arc::new(Fixed(Err("broken")))),
            ("c_panics", Arc::new(Fixed(Err("panic")))),
            ("d_absent", Arc::new(Fixed(Err("unsupported")))),
        ]));
        let handler = Arc::new(Handler::default());
        let text = scrape(settings.clone(), handler.clone()).await.unwrap();
        assert_eq!(
            success_lines(&text),
            [
                "node_scrape_collector_success{collector=\"a_ok\"} 1",
                "node_scrape_collector_success{collector=\"b_failed\"} 0",
                "node_scrape_collector_success{collector=\"c_panics\"} 0",
                "node_scrape_collector_success{collector=\"d_absent\"} 0",
            ]
        );
        assert_eq!(text.matches("node_scrape_collector_duration_seconds{").count(), 4);
        // Every collector added its family before failing; it is kept.
        assert!(text.contains("# TYPE node_fixed gauge\nnode_fixed 1\n"), "{text}");
        assert!(text.contains("node_exporter_build_info{branch=\"unknown\",goarch="), "{text}");
        assert!(text.contains("promhttp_metric_handler_requests_in_flight 1\n"), "{text}");
        assert!(text.contains("promhttp_metric_handler_errors_total{cause=\"gathering\"} 0\n"));
        assert!(
            text.contains("promhttp_metric_handler_requests_total{code=\"200\"} 0\n"),
            "{text}"
        );
        let again = scrape(settings, handler).await.unwrap();
        assert!(
            again.contains("promhttp_metric_handler_requests_total{code=\"200\"} 1\n"),
            "{again}"
        );
    }
}
