//! Starting a config of modules and watching it: what the modules
//! suites share.

use std::path::Path;
use std::time::{Duration, Instant};

use river_components::ALL;
use river_runtime::controller::{plan, Controller, Source};

/// Plans and starts `text` as `<dir>/main.river`; panics if refused.
pub fn start(dir: &Path, text: &str) -> Controller {
    let sources = vec![Source::text(dir.join("main.river").display().to_string(), text)];
    let plan = plan(&sources, ALL).unwrap_or_else(|f| panic!("refused: {f:#?}"));
    Controller::start(plan, super::globals(dir)).unwrap_or_else(|f| panic!("refused: {f:#?}"))
}

/// Why `text` does not start: each finding as `file:line: message`.
pub fn refusals(dir: &Path, text: &str) -> Vec<String> {
    let sources = vec![Source::text(dir.join("main.river").display().to_string(), text)];
    let findings = match plan(&sources, ALL) {
        Err(findings) => findings,
        Ok(plan) => match Controller::start(plan, super::globals(dir)) {
            Err(findings) => findings,
            Ok(_) => panic!("the config started"),
        },
    };
    findings
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(&f.file).unwrap_or_else(|_| text.to_owned());
            let line = text[..usize::from(f.range.start())].matches('\n').count() + 1;
            let name = Path::new(&f.file).file_name().unwrap().to_string_lossy().into_owned();
            format!("{name}:{line}: {}", f.message)
        })
        .collect()
}

/// The exports of component `id` (nested ids too), as JSON.
pub fn exports(controller: &Controller, id: &str) -> serde_json::Value {
    let info = controller.component(id).unwrap_or_else(|| panic!("no component {id}"));
    river_runtime::server::to_json(&info.exports)
}

/// Waits (10 s at most) until `check` holds.
pub async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < Duration::from_secs(10), "{what} did not happen");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
