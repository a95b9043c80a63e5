//! The log read back, cut, rolled over and truncated.

use super::frame::framed;
use super::reader::Reader;
use super::*;
use river_runtime::labels::Labels;

fn batch(n: i64) -> Vec<Sample> {
    vec![Sample::float(Labels::from_pairs([("__name__", "x")]), n, n as f64)]
}

#[test]
fn records_are_read_back_in_order_and_a_torn_tail_is_cut() {
    let dir = tempfile::tempdir().unwrap();
    let wal = Wal::open(dir.path()).unwrap();
    for n in 0..3 {
        wal.append(&batch(n)).unwrap();
    }
    let end = wal.end();
    drop(wal);
    // A crash in the middle of a fourth record.
    let segment = segment_path(dir.path(), 0);
    let mut file = OpenOptions::new().append(true).open(&segment).unwrap();
    file.write_all(&[200, 0, 0, 0, 1, 2]).unwrap();
    let wal = Wal::open(dir.path()).unwrap();
    assert_eq!(wal.end(), end);
    wal.append(&batch(3)).unwrap();
    let mut reader = Reader::new(dir.path(), Position::default());
    let mut seen = Vec::new();
    while let Some(samples) = reader.next(&wal).unwrap() {
        seen.push(samples[0].timestamp);
    }
    assert_eq!(seen, [0, 1, 2, 3]);
}

#[test]
fn positions_survive_and_segments_roll_over() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("position-a");
    assert_eq!(load_position(&path), None);
    save_position(&path, Position { segment: 2, offset: 40 }).unwrap();
    assert_eq!(load_position(&path), Some(Position { segment: 2, offset: 40 }));
    let wal = Wal::open(&dir.path().join("wal")).unwrap();
    let big: Vec<Sample> = (0..300_000)
        .map(|i| {
            Sample::float(Labels::from_pairs([("__name__", "y"), ("i", &*i.to_string())]), i, 1.0)
        })
        .collect();
    let mut records = 0;
    while wal.end().segment == 0 {
        wal.append(&big).unwrap();
        records += 1;
    }
    assert!(records > 1, "a segment holds more than one record");
    let mut reader = Reader::new(wal.dir(), Position::default());
    for _ in 0..records {
        assert_eq!(reader.next(&wal).unwrap().unwrap().len(), 300_000);
    }
    let keep = Keepalive { min: Duration::ZERO, max: Duration::from_secs(3600) };
    assert_eq!(wal.truncate(reader.position(), &keep).unwrap(), 0);
    assert_eq!(wal.start().segment, 1);
}

#[test]
fn segments_are_kept_for_the_keepalive_times() {
    let dir = tempfile::tempdir().unwrap();
    let wal = Wal::open(dir.path()).unwrap();
    for n in 0..4 {
        wal.append(&batch(n)).unwrap();
        wal.roll_over().unwrap();
    }
    // Segments 0..3 closed; 4 being written. Ages: 0 is 3 h old, 1 is
    // 1 h old, 2 and 3 were just written.
    let age = |segment, secs| {
        let file = File::options().write(true).open(segment_path(dir.path(), segment)).unwrap();
        file.set_modified(SystemTime::now() - Duration::from_secs(secs)).unwrap();
    };
    age(0, 3 * 3600);
    age(1, 3600);
    let keep = Keepalive { min: Duration::from_secs(300), max: Duration::from_secs(2 * 3600) };
    // Delivered up to segment 2: 0 and 1 are delivered and old enough;
    // 2 is delivered only to its start.
    assert_eq!(wal.truncate(Position { segment: 2, offset: 0 }, &keep).unwrap(), 0);
    assert_eq!(segments(dir.path()).unwrap(), [2, 3, 4]);
    // Nothing delivered: only what passed max_keepalive_time goes.
    age(2, 3 * 3600);
    assert_eq!(wal.truncate(Position::default(), &keep).unwrap(), 1);
    assert_eq!(segments(dir.path()).unwrap(), [3, 4]);
    // Delivered but too recent: kept.
    assert_eq!(wal.truncate(Position { segment: 4, offset: 0 }, &keep).unwrap(), 0);
    assert_eq!(segments(dir.path()).unwrap(), [3, 4]);
}

#[test]
fn a_reader_at_the_end_of_a_segment_takes_the_next_records_from_memory() {
    let dir = tempfile::tempdir().unwrap();
    let wal = Wal::open(dir.path()).unwrap();
    wal.append(&batch(1)).unwrap();
    let mut reader = Reader::new(dir.path(), Position::default());
    assert_eq!(reader.next(&wal).unwrap().unwrap()[0].timestamp, 1);
    wal.roll_over().unwrap();
    wal.append(&batch(2)).unwrap();
    // Remove what is on disk: only the in-memory copy can answer now.
    std::fs::remove_file(segment_path(dir.path(), 1)).unwrap();
    assert_eq!(reader.next(&wal).unwrap().unwrap()[0].timestamp, 2);
    assert_eq!(reader.position(), wal.end());
}

fn labels(name: &str) -> Labels {
    Labels::from_pairs([("__name__", name), ("job", "j")])
}

fn read_all(wal: &Wal, from: Position) -> Vec<(String, i64)> {
    let mut reader = Reader::new(wal.dir(), from);
    let mut seen = Vec::new();
    while let Some(samples) = reader.next(wal).unwrap() {
        seen.extend(samples.iter().map(|s| (s.labels.to_string(), s.timestamp)));
    }
    seen
}

#[test]
fn refs_are_defined_once_and_read_back_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let wal = Wal::open(dir.path()).unwrap();
    let a = |t| Sample::float(labels("a"), t, 1.0);
    let b = |t| Sample::float(labels("b"), t, 2.0);
    assert_eq!(wal.append(&[a(1), b(1)]).unwrap(), 2);
    let first = wal.end();
    assert_eq!(wal.append(&[a(2), b(2)]).unwrap(), 0, "known series are not defined again");
    let second = wal.end().offset - first.offset;
    assert!(second < first.offset, "a record of known series is smaller");
    drop(wal);
    let wal = Wal::open(dir.path()).unwrap();
    assert_eq!(wal.active_series(), 2);
    assert_eq!(wal.append(&[a(3)]).unwrap(), 0, "refs survive a restart");
    let want = [("a", 1), ("b", 1), ("a", 2), ("b", 2), ("a", 3)];
    let want: Vec<_> = want.iter().map(|(n, t)| (labels(n).to_string(), *t)).collect();
    assert_eq!(read_all(&wal, Position::default()), want);
}

#[test]
fn definitions_in_removed_segments_are_written_again() {
    let dir = tempfile::tempdir().unwrap();
    let wal = Wal::open(dir.path()).unwrap();
    wal.append(&[Sample::float(labels("a"), 1, 1.0)]).unwrap();
    wal.roll_over().unwrap();
    wal.append(&[Sample::float(labels("a"), 2, 1.0)]).unwrap();
    wal.roll_over().unwrap();
    let keep = Keepalive { min: Duration::ZERO, max: Duration::from_secs(3600) };
    wal.truncate(Position { segment: 1, offset: 0 }, &keep).unwrap();
    assert_eq!(segments(dir.path()).unwrap(), [1, 2]);
    drop(wal);
    // After a restart, segment 1's sample still has its labels: the
    // definition moved to segment 2 before segment 0 went.
    let wal = Wal::open(dir.path()).unwrap();
    let start = Position { segment: 1, offset: 0 };
    assert_eq!(read_all(&wal, start), [(labels("a").to_string(), 2)]);
}

#[test]
fn idle_series_retire_and_come_back_with_a_new_ref() {
    let dir = tempfile::tempdir().unwrap();
    let wal = Wal::open(dir.path()).unwrap();
    wal.append(&[Sample::float(labels("a"), 1_000, 1.0)]).unwrap();
    wal.append(&[Sample::float(labels("b"), 5_000, 1.0)]).unwrap();
    assert_eq!(wal.clean_up(3_000), 1);
    assert_eq!(wal.active_series(), 1);
    // Still readable: the record naming it is still in the log.
    assert_eq!(read_all(&wal, Position::default()).len(), 2);
    assert_eq!(wal.append(&[Sample::float(labels("a"), 6_000, 1.0)]).unwrap(), 1);
    assert_eq!(wal.active_series(), 2);
}

#[test]
fn logs_written_before_refs_are_still_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut buf = Vec::new();
    let old = [Sample::float(labels("old"), 7, 3.0)];
    framed(&mut buf, |b| proto::encode_request_into(&old, b));
    std::fs::write(segment_path(dir.path(), 0), &buf).unwrap();
    let wal = Wal::open(dir.path()).unwrap();
    wal.append(&[Sample::float(labels("new"), 8, 4.0)]).unwrap();
    let want = [(labels("old").to_string(), 7), (labels("new").to_string(), 8)];
    assert_eq!(read_all(&wal, Position::default()), want);
}

#[test]
fn exemplars_and_histograms_keep_their_own_record() {
    use river_runtime::series::Exemplar;
    let dir = tempfile::tempdir().unwrap();
    let wal = Wal::open(dir.path()).unwrap();
    let mut with = Sample::float(labels("e"), 9, 1.0);
    let exemplar =
        Exemplar { labels: Labels::from_pairs([("trace_id", "t")]), value: 1.0, timestamp: 9 };
    with.exemplar = Some(Arc::new(exemplar));
    wal.append(&[Sample::float(labels("f"), 9, 2.0), with.clone()]).unwrap();
    drop(wal);
    let wal = Wal::open(dir.path()).unwrap();
    let mut reader = Reader::new(dir.path(), Position::default());
    let mut back = Vec::new();
    while let Some(samples) = reader.next(&wal).unwrap() {
        back.extend(samples.iter().cloned());
    }
    assert_eq!(back.len(), 2);
    assert_eq!(back[1], with);
}
