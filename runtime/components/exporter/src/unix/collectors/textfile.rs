//! `textfile`: the metrics of every `*.prom` file in the `textfile`
//! block's `directory` (a glob pattern may pick several), with each file's
//! modification time (`node_textfile_mtime_seconds`) and whether any
//! file could not be read (`node_textfile_scrape_error`). A file that does
//! not parse, or has sample timestamps, is skipped whole, as
//! node_exporter skips it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use river_runtime::args::Args;
use river_runtime::error::Error;

use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

mod convert;
mod glob;
mod parse;

pub const ENTRY: Entry = Entry { name: "textfile", default: true, build };

fn build(args: &Args) -> Result<Box<dyn Collector>, Error> {
    let directory: String = args.block_or_empty("textfile").get("directory")?;
    Ok(Box::new(Textfile { directory }))
}

struct Textfile {
    directory: String,
}

impl Collector for Textfile {
    fn collect(&self, _: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let mut errored = false;
        let mut parsed: Vec<(PathBuf, BTreeMap<String, parse::Family>)> = Vec::new();
        let mut mtimes: BTreeMap<String, f64> = BTreeMap::new();
        for dir in glob::expand(&self.directory) {
            let files = match files(&dir) {
                Ok(files) => files,
                // No directory set: nothing to read, and no error.
                Err(_) if dir.as_os_str().is_empty() => continue,
                Err(error) => {
                    tracing::error!(path = %dir.display(), err = %error, "failed to read textfile collector directory");
                    errored = true;
                    continue;
                }
            };
            for path in files {
                match read(&path) {
                    Ok((mtime, families)) => {
                        mtimes.insert(path.display().to_string(), mtime);
                        parsed.push((path, families));
                    }
                    Err(error) => {
                        tracing::error!(file = %path.display(), err = %error, "failed to collect textfile data");
                        errored = true;
                    }
                }
            }
        }
        convert::families(&parsed, out);
        for (file, mtime) in &mtimes {
            out.gauge(
                "node_textfile_mtime_seconds",
                "Unixtime mtime of textfiles successfully read.",
            )
            .sample(&[("file", file)], *mtime);
        }
        out.gauge(
            "node_textfile_scrape_error",
            "1 if there was an error opening or reading a file, 0 otherwise",
        )
        .sample(&[], if errored { 1.0 } else { 0.0 });
        Ok(())
    }
}

/// The `*.prom` files of `dir`, by name.
fn files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut names: Vec<String> = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    Ok(names.into_iter().filter(|n| n.ends_with(".prom")).map(|n| dir.join(n)).collect())
}

/// A file's modification time (whole seconds) and families.
fn read(path: &Path) -> Result<(f64, BTreeMap<String, parse::Family>), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("failed to open textfile data file: {e}"))?;
    let families =
        parse::parse(&text).map_err(|e| format!("failed to parse textfile data: {e}"))?;
    let modified = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .map_err(|e| format!("failed to stat: {e}"))?;
    let seconds = match modified.duration_since(std::time::UNIX_EPOCH) {
        Ok(since) => since.as_secs() as f64,
        Err(before) => -(before.duration().as_secs() as f64),
    };
    Ok((seconds, families))
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{args, fixture, host, samples};
    use super::*;

    fn collect(directory: &str) -> String {
        let args = args(&format!("textfile {{\n directory = {directory:?}\n}}"));
        let mut out = Exposition::new();
        (ENTRY.build)(&args).unwrap().collect(&host("core"), &mut out).unwrap();
        out.render()
    }

    #[test]
    fn files_are_read_and_bad_ones_skipped() {
        let dir = fixture("textfile/good");
        let text = collect(&dir.display().to_string());
        let lines = samples(&text);
        assert!(lines.contains(&"app_jobs_total{kind=\"a\"} 3"), "{text}");
        assert!(lines.contains(&"app_jobs_total{kind=\"b\"} 4"), "{text}");
        assert!(text.contains("# HELP app_jobs_total Jobs done.\n# TYPE app_jobs_total counter\n"));
        assert!(text.contains(&format!(
            "# HELP app_temperature Metric read from {}\n",
            dir.join("b.prom").display()
        )));
        assert!(
            lines.contains(&"app_temperature{room=\"\",site=\"x\"} 21.5")
                || lines.contains(&"app_temperature{site=\"x\"} 21.5"),
            "{text}"
        );
        let histogram: Vec<&str> =
            lines.iter().copied().filter(|l| l.starts_with("app_latency")).collect();
        assert_eq!(
            histogram,
            [
                "app_latency_seconds_bucket{le=\"0.1\"} 1",
                "app_latency_seconds_bucket{le=\"1\"} 4",
                "app_latency_seconds_bucket{le=\"+Inf\"} 5",
                "app_latency_seconds_sum 3.5",
                "app_latency_seconds_count 5",
            ]
        );
        assert!(lines.contains(&"node_textfile_scrape_error 0"));
        assert_eq!(text.matches("node_textfile_mtime_seconds{").count(), 2);
        assert!(!text.contains("ignored"), "not a .prom file: {text}");
    }

    #[test]
    fn errors_are_reported_in_the_scrape() {
        let text = collect(&fixture("textfile/bad").display().to_string());
        let lines = samples(&text);
        assert!(lines.contains(&"node_textfile_scrape_error 1"), "{text}");
        assert!(lines.contains(&"ok_value 1"), "{text}");
        assert!(!text.contains("stamped"), "a file with timestamps is skipped whole: {text}");
        let text = collect("/nonexistent/textfile");
        assert!(samples(&text).contains(&"node_textfile_scrape_error 1"));
        let text = collect("");
        assert_eq!(samples(&text), ["node_textfile_scrape_error 0"]);
    }

    #[test]
    fn a_glob_picks_directories() {
        let pattern = fixture("textfile/goo*").display().to_string();
        assert!(samples(&collect(&pattern)).contains(&"app_jobs_total{kind=\"a\"} 3"));
    }
}
