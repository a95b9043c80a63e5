//! The log read back, cut, rolled over and truncated.

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
    wal.append(&big).unwrap();
    wal.append(&big).unwrap();
    assert_eq!(wal.end().segment, 1, "the second record starts a new segment");
    let mut reader = Reader::new(wal.dir(), Position::default());
    assert_eq!(reader.next(&wal).unwrap().unwrap().len(), 300_000);
    assert_eq!(reader.next(&wal).unwrap().unwrap().len(), 300_000);
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
