//! `loki.source.file` on its own: files in a temporary directory, written
//! while the component tails them, and a receiver here that collects
//! what it forwards.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use river_analyzer::{Object, Value};
use river_loki::positions;
use river_loki::source_file::SOURCE_FILE;
use river_runtime::args::Args;
use river_runtime::component::{Ctx, HealthKind};
use river_runtime::controller::{evaluate_alone, plan, Source};
use river_runtime::error::Error;
use river_runtime::globals::Globals;
use river_runtime::labels::Labels;
use river_runtime::logs::{Entry, LogsReceiver, LogsSink};

#[derive(Default)]
struct Collect(Mutex<Vec<Entry>>);

impl LogsSink for Collect {
    fn send(&self, entries: &[Entry]) {
        self.0.lock().extend_from_slice(entries);
    }
}

impl Collect {
    fn lines(&self) -> Vec<String> {
        self.0.lock().iter().map(|e| e.line.clone()).collect()
    }
}

fn string(s: impl Into<String>) -> Value {
    Value::String(s.into())
}

/// The arguments for tailing `files` (labelled `job="t"`), forwarding to
/// `to`, polling every 10ms to 40ms.
fn args(files: &[&Path], to: &Arc<Collect>, tail_from_end: bool) -> Args {
    let targets = files
        .iter()
        .map(|f| {
            Value::Object(Object::from_iter([
                ("__path__".to_owned(), string(f.display().to_string())),
                ("__meta_x".to_owned(), string("hidden")),
                ("job".to_owned(), string("t")),
            ]))
        })
        .collect();
    let attrs = Object::from_iter([
        ("targets".to_owned(), Value::Array(targets)),
        ("forward_to".to_owned(), Value::Array(vec![LogsReceiver(to.clone()).to_value()])),
        ("tail_from_end".to_owned(), Value::Bool(tail_from_end)),
    ]);
    let watch = Args::new(
        Object::from_iter([
            ("min_poll_frequency".to_owned(), string("10ms")),
            ("max_poll_frequency".to_owned(), string("40ms")),
        ]),
        Vec::new(),
    );
    Args::new(attrs, vec![("file_watch".to_owned(), watch)]).for_schema("loki.source.file")
}

/// `args` with a `decompression` block for `format`.
fn compressed(files: &[&Path], to: &Arc<Collect>, format: &str) -> Args {
    let Value::Object(mut attrs) = args(files, to, false).to_value() else { panic!() };
    attrs.shift_remove("file_watch");
    let block = Args::new(
        Object::from_iter([
            ("enabled".to_owned(), Value::Bool(true)),
            ("format".to_owned(), string(format)),
            ("initial_delay".to_owned(), string("50ms")),
        ]),
        Vec::new(),
    );
    let watch = Args::new(
        Object::from_iter([("min_poll_frequency".to_owned(), string("10ms"))]),
        Vec::new(),
    );
    let blocks = vec![("decompression".to_owned(), block), ("file_watch".to_owned(), watch)];
    Args::new(attrs, blocks).for_schema("loki.source.file")
}

/// `args` with `encoding` set.
fn with_encoding(files: &[&Path], to: &Arc<Collect>, encoding: &str) -> Args {
    let base = args(files, to, false).to_value();
    let Value::Object(mut attrs) = base else { panic!() };
    attrs.shift_remove("file_watch");
    attrs.insert("encoding".to_owned(), string(encoding));
    let watch = Args::new(
        Object::from_iter([("min_poll_frequency".to_owned(), string("10ms"))]),
        Vec::new(),
    );
    Args::new(attrs, vec![("file_watch".to_owned(), watch)]).for_schema("loki.source.file")
}

/// Builds the component with its data in `dir/data`.
fn start(dir: &Path, args: &Args) -> Ctx {
    let globals = Globals::new("127.0.0.1:0".into(), "agent.internal:12345".into(), dir.into());
    let ctx = Ctx::detached("loki.source.file.test", dir.join("data"), globals);
    (SOURCE_FILE.build)(ctx.clone(), args).map(|_| ()).unwrap();
    ctx
}

async fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn append(path: &Path, text: &str) {
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path).unwrap();
    file.write_all(text.as_bytes()).unwrap();
}

fn numbered(prefix: &str, range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|i| format!("{prefix}-{i:03}")).collect()
}

fn text(lines: &[String]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

fn positions_file(dir: &Path) -> PathBuf {
    dir.join("data").join("positions.yml")
}

#[tokio::test]
async fn appended_lines_arrive_once_in_order_with_the_targets_labels() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("app.log");
    append(&file, "one\ntwo\r\n");
    let got = Arc::new(Collect::default());
    let ctx = start(dir.path(), &args(&[&file], &got, false));
    wait_for("the first lines arrive", || got.lines().len() == 2).await;
    append(&file, "three\nfo");
    wait_for("the third line arrives", || got.lines().len() == 3).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(got.lines(), ["one", "two", "three"], "a partial line waits for its newline");
    append(&file, "ur\n");
    wait_for("the completed line arrives", || got.lines().len() == 4).await;
    assert_eq!(got.lines(), ["one", "two", "three", "four"]);
    let path = file.display().to_string();
    let expected = Labels::from_pairs([("filename", path.as_str()), ("job", "t")]);
    assert!(got.0.lock().iter().all(|e| e.labels == expected), "{:?}", got.0.lock()[0].labels);
    assert_eq!(ctx.health().kind, HealthKind::Healthy, "{:?}", ctx.health());
    let metrics = ctx.metrics.clone();
    let gatherer = river_runtime::metrics::Gatherer::default();
    gatherer.register(&metrics);
    let rendered = gatherer.render();
    assert!(rendered.contains("loki_source_file_read_lines_total{path="), "{rendered}");
    assert!(rendered.contains("loki_source_file_files_active_total 1"), "{rendered}");

    // A file that goes away makes the component unhealthy; when it comes
    // back it is read from its start.
    std::fs::remove_file(&file).unwrap();
    wait_for("it is unhealthy", || ctx.health().kind == HealthKind::Unhealthy).await;
    assert!(ctx.health().message.contains("cannot read"), "{:?}", ctx.health());
    append(&file, "again\n");
    wait_for("the new file is read", || got.lines().len() == 5).await;
    assert_eq!(got.lines()[4], "again");
    wait_for("it is healthy again", || ctx.health().kind == HealthKind::Healthy).await;
    ctx.cancel.cancel();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_line_arrives_once_across_rotations_by_rename() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("app.log");
    append(&file, "");
    let got = Arc::new(Collect::default());
    let ctx = start(dir.path(), &args(&[&file], &got, false));
    let writer_file = file.clone();
    let writer = std::thread::spawn(move || {
        let mut all = Vec::new();
        for round in 0..5 {
            let lines = numbered(&format!("r{round}"), 0..60);
            for chunk in lines.chunks(7) {
                append(&writer_file, &text(chunk));
                std::thread::sleep(Duration::from_millis(3));
            }
            all.extend(lines);
            std::fs::rename(&writer_file, writer_file.with_extension(format!("log.{round}")))
                .unwrap();
            if round % 2 == 0 {
                // Sometimes the path is missing for a while.
                std::thread::sleep(Duration::from_millis(30));
            }
            append(&writer_file, "");
        }
        let last = numbered("last", 0..10);
        append(&writer_file, &text(&last));
        all.extend(last);
        all
    });
    let expected = writer.join().unwrap();
    wait_for("every line arrives", || got.lines().len() >= expected.len()).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(got.lines(), expected);
    ctx.cancel.cancel();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_line_arrives_once_across_a_copy_truncate() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("app.log");
    let got = Arc::new(Collect::default());
    let first = numbered("before", 0..40);
    append(&file, &text(&first));
    let ctx = start(dir.path(), &args(&[&file], &got, false));
    let more = numbered("more", 0..20);
    for chunk in more.chunks(5) {
        append(&file, &text(chunk));
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // The writer pauses, the file is copied and truncated, and the writer
    // goes on in the emptied file: a tailer sees the truncation only while
    // the file is shorter than where it was.
    tokio::time::sleep(Duration::from_millis(150)).await;
    std::fs::copy(&file, dir.path().join("app.log.1")).unwrap();
    std::fs::OpenOptions::new().write(true).open(&file).unwrap().set_len(0).unwrap();
    tokio::time::sleep(Duration::from_millis(150)).await;
    let after = numbered("after", 0..30);
    for chunk in after.chunks(5) {
        append(&file, &text(chunk));
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let expected: Vec<String> = [first, more, after].concat();
    wait_for("every line arrives", || got.lines().len() >= expected.len()).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(got.lines(), expected);
    ctx.cancel.cancel();
}

/// Stops the component and waits for its positions file to hold `offset`.
async fn stop(ctx: &Ctx, dir: &Path, offset: u64) {
    ctx.cancel.cancel();
    let file = positions_file(dir);
    wait_for("the positions are saved at stop", || {
        let (saved, problem) = positions::read(&file);
        problem.is_none() && saved.values().any(|o| *o as u64 == offset)
    })
    .await;
}

#[tokio::test]
async fn a_restart_goes_on_from_the_saved_position() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("app.log");
    let first = numbered("first", 0..10);
    append(&file, &text(&first));
    let got = Arc::new(Collect::default());
    let ctx = start(dir.path(), &args(&[&file], &got, false));
    wait_for("the first lines arrive", || got.lines().len() == 10).await;
    stop(&ctx, dir.path(), std::fs::metadata(&file).unwrap().len()).await;
    let saved = std::fs::read_to_string(positions_file(dir.path())).unwrap();
    let key = format!("  ? path: {}\n    labels: '{{job=\"t\"}}'\n", file.display());
    assert!(saved.starts_with("positions:\n") && saved.contains(&key), "{saved}");

    let second = numbered("second", 0..5);
    append(&file, &text(&second));
    let again = Arc::new(Collect::default());
    let ctx = start(dir.path(), &args(&[&file], &again, false));
    wait_for("the new lines arrive", || again.lines().len() >= 5).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(again.lines(), second, "only what was written while it was stopped");
    ctx.cancel.cancel();
}

#[tokio::test]
async fn tail_from_end_skips_what_the_file_held() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("app.log");
    append(&file, "old 1\nold 2\n");
    let got = Arc::new(Collect::default());
    let ctx = start(dir.path(), &args(&[&file], &got, true));
    wait_for("the file is open", || {
        ctx.health().kind == HealthKind::Healthy && ctx.health().message.contains("tailing")
    })
    .await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    append(&file, "new 1\nnew 2\n");
    wait_for("the new lines arrive", || got.lines().len() >= 2).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(got.lines(), ["new 1", "new 2"]);
    ctx.cancel.cancel();
}

#[tokio::test]
async fn a_malformed_positions_file_is_reported_and_rebuilt_with_what_it_held() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("app.log");
    let other = dir.path().join("other.log");
    append(&file, "seen\nunseen\n");
    append(&other, "x\n");
    std::fs::create_dir_all(dir.path().join("data")).unwrap();
    let broken = format!(
        "positions:\n  ? path: {}\n    labels: '{{job=\"t\"}}'\n  : \"5\"\n  }}}} garbage\n",
        file.display()
    );
    std::fs::write(positions_file(dir.path()), broken).unwrap();
    let got = Arc::new(Collect::default());
    let ctx = start(dir.path(), &args(&[&file], &got, false));
    let health = ctx.health();
    assert_eq!(health.kind, HealthKind::Unhealthy);
    assert!(health.message.contains("malformed"), "{health:?}");
    let (rebuilt, problem) = positions::read(&positions_file(dir.path()));
    assert!(problem.is_none(), "{problem:?}");
    assert_eq!(rebuilt.len(), 1);
    wait_for("the unseen line arrives", || !got.lines().is_empty()).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(got.lines(), ["unseen"]);
    ctx.cancel.cancel();
}

fn build_text(body: &str) -> Result<(), Error> {
    let dir = tempfile::tempdir().unwrap();
    let config =
        format!("loki.source.file \"test\" {{\n\ttargets = []\n\tforward_to = []\n{body}\n}}\n");
    let plan = plan(&[Source::text("test.river", config)], &[SOURCE_FILE]).unwrap();
    let args = evaluate_alone(&plan.nodes[0]).unwrap();
    let globals =
        Globals::new("127.0.0.1:0".into(), "agent.internal:12345".into(), dir.path().into());
    let ctx = Ctx::detached("loki.source.file.test", dir.path().join("data"), globals);
    let built = (SOURCE_FILE.build)(ctx.clone(), &args).map(|_| ());
    ctx.cancel.cancel();
    built
}

#[tokio::test]
async fn what_it_cannot_read_is_refused_with_its_place() {
    assert!(build_text("\tencoding = \"UTF-8\"").is_ok());
    assert!(build_text("\tencoding = \"ISO-8859-1\"").is_ok());
    let Err(Error::Setting(setting)) = build_text("\tencoding = \"UTF-16LE\"") else {
        panic!("accepted")
    };
    assert_eq!(setting.path, "encoding");
    assert!(setting.message.contains("not supported yet"), "{}", setting.message);
    let Err(Error::Setting(setting)) = build_text("\tencoding = \"klingon\"") else {
        panic!("accepted")
    };
    assert!(setting.message.contains("not an encoding"), "{}", setting.message);
    assert!(build_text("\tdecompression {\n\t\tenabled = true\n\t\tformat = \"gz\"\n\t}").is_ok());
    let body = "\tdecompression {\n\t\tenabled = true\n\t\tformat = \"zip\"\n\t}";
    let Err(Error::Setting(setting)) = build_text(body) else { panic!("accepted") };
    assert_eq!(setting.path, "decompression/format");
    assert!(setting.message.contains("must be one of gz, z, bz2"), "{}", setting.message);
    let body =
        "\tfile_watch {\n\t\tmin_poll_frequency = \"1s\"\n\t\tmax_poll_frequency = \"10ms\"\n\t}";
    let Err(Error::Setting(setting)) = build_text(body) else { panic!("accepted") };
    assert_eq!(setting.path, "file_watch/max_poll_frequency");
}

#[tokio::test]
async fn a_file_that_vanished_is_read_from_its_start_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("app.log");
    append(&file, &text(&numbered("old", 0..5)));
    let got = Arc::new(Collect::default());
    let ctx = start(dir.path(), &args(&[&file], &got, false));
    wait_for("the lines arrive", || got.lines().len() == 5).await;
    std::fs::remove_file(&file).unwrap();
    wait_for("it is unhealthy", || ctx.health().kind == HealthKind::Unhealthy).await;
    stop(&ctx, dir.path(), 0).await;
    let new = numbered("new-and-longer", 0..5);
    append(&file, &text(&new));
    let again = Arc::new(Collect::default());
    let ctx = start(dir.path(), &args(&[&file], &again, false));
    wait_for("the new file's lines arrive", || again.lines().len() >= 5).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(again.lines(), new);
    ctx.cancel.cancel();
}

#[tokio::test]
async fn lines_in_another_encoding_are_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("latin1.log");
    std::fs::write(&file, b"caf\xe9\nna\xefve\n").unwrap();
    let got = Arc::new(Collect::default());
    let ctx = start(dir.path(), &with_encoding(&[&file], &got, "ISO-8859-1"));
    wait_for("the lines arrive", || got.lines().len() >= 2).await;
    assert_eq!(got.lines(), ["café", "naïve"]);
    ctx.cancel.cancel();
}

#[tokio::test]
async fn a_compressed_file_is_read_once_after_its_delay_and_not_again_after_a_restart() {
    use std::io::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let gz = dir.path().join("old.log.gz");
    let mut encoder =
        flate2::write::GzEncoder::new(std::fs::File::create(&gz).unwrap(), Default::default());
    encoder.write_all(b"z1\nz2\nz3\n").unwrap();
    encoder.finish().unwrap();
    let zlib = dir.path().join("old.log.z");
    let mut encoder =
        flate2::write::ZlibEncoder::new(std::fs::File::create(&zlib).unwrap(), Default::default());
    encoder.write_all(b"zlib\n").unwrap();
    encoder.finish().unwrap();

    let got = Arc::new(Collect::default());
    let started = Instant::now();
    let ctx = start(dir.path(), &compressed(&[&gz], &got, "gz"));
    wait_for("the lines arrive", || got.lines().len() >= 3).await;
    assert!(started.elapsed() >= Duration::from_millis(50), "read before its initial_delay");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(got.lines(), ["z1", "z2", "z3"]);
    stop(&ctx, dir.path(), 3).await;

    let again = Arc::new(Collect::default());
    let ctx = start(dir.path(), &compressed(&[&gz], &again, "gz"));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(again.lines().is_empty(), "{:?}", again.lines());
    ctx.cancel.cancel();

    let z = Arc::new(Collect::default());
    let ctx = start(dir.path(), &compressed(&[&zlib], &z, "z"));
    wait_for("the zlib line arrives", || !z.lines().is_empty()).await;
    assert_eq!(z.lines(), ["zlib"]);
    ctx.cancel.cancel();

    // bz2, as two streams one after the other (as `cat a.bz2 b.bz2` makes).
    let bz2 = dir.path().join("old.log.bz2");
    let mut bytes = Vec::new();
    for part in [&b"b1\nb2\n"[..], b"b3\n"] {
        let mut encoder = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
        encoder.write_all(part).unwrap();
        bytes.extend(encoder.finish().unwrap());
    }
    std::fs::write(&bz2, bytes).unwrap();
    let b = Arc::new(Collect::default());
    let ctx = start(dir.path(), &compressed(&[&bz2], &b, "bz2"));
    wait_for("the bz2 lines arrive", || b.lines().len() >= 3).await;
    assert_eq!(b.lines(), ["b1", "b2", "b3"]);
    ctx.cancel.cancel();
}
