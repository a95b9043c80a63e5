use super::*;

fn histogram(counts: river_runtime::native_histogram::Counts) -> Sample {
    use river_runtime::native_histogram::{NativeHistogram, ResetHint, Span};
    let h = NativeHistogram {
        counts,
        sum: 12.5,
        schema: 3,
        zero_threshold: 1e-128,
        negative_spans: vec![Span { offset: -2, length: 1 }],
        positive_spans: vec![Span { offset: 0, length: 2 }, Span { offset: 3, length: 1 }],
        reset_hint: ResetHint::No,
    };
    let labels = Labels::from_pairs([("__name__", "latency_seconds")]);
    let histogram = Some(std::sync::Arc::new(h));
    Sample { labels, timestamp: 7, value: 0.0, histogram, exemplar: None }
}

#[test]
fn native_histograms_survive_the_wire() {
    use river_runtime::native_histogram::Counts;
    let samples = vec![
        histogram(Counts::Int {
            count: 9,
            zero_count: 1,
            negative_deltas: vec![2],
            positive_deltas: vec![3, -1, 2],
        }),
        Sample::float(Labels::from_pairs([("__name__", "up")]), 7, 1.0),
        Sample {
            exemplar: Some(std::sync::Arc::new(Exemplar {
                labels: Labels::from_pairs([("trace_id", "abc")]),
                value: 0.25,
                timestamp: 6,
            })),
            ..Sample::float(Labels::from_pairs([("__name__", "requests_total")]), 7, 3.0)
        },
        histogram(Counts::Float {
            count: 9.5,
            zero_count: 0.5,
            negative_counts: vec![2.0],
            positive_counts: vec![3.0, 2.0, 2.0],
        }),
    ];
    // Written directly (as the WAL and the wire have it), read by prost
    // and by the direct reader alike.
    let bytes = encode_request(samples.iter());
    let read = WriteRequest::decode(bytes.as_slice()).unwrap();
    assert_eq!(read.timeseries[0].histograms[0].sum, 12.5);
    assert_eq!(super::samples(read), samples);
    assert_eq!(decode_request(&bytes).unwrap(), samples);
}

#[test]
fn samples_survive_the_wire() {
    let a = Labels::from_pairs([("__name__", "up"), ("job", "x")]);
    let b = Labels::from_pairs([("__name__", "up"), ("job", "y")]);
    let samples =
        vec![Sample::float(a.clone(), 1, 1.0), Sample::float(b, 1, 0.0), Sample::float(a, 2, 1.5)];
    let request = request(&samples);
    assert_eq!(request.timeseries.len(), 2);
    // The direct encoder writes what prost reads back, and the direct
    // decoder reads what prost writes.
    let direct = WriteRequest::decode(encode_request(samples.iter()).as_slice()).unwrap();
    assert_eq!(super::samples(direct), samples);
    let mut both = decode_request(&request.encode_to_vec()).unwrap();
    both.sort_by_key(|x| (x.labels.clone(), x.timestamp));
    let mut want = samples.clone();
    want.sort_by_key(|x| (x.labels.clone(), x.timestamp));
    assert_eq!(both, want);
    assert!(decode_request(&[0x0a, 0x05, 0x0a]).is_err());
    let mut back = decode(&encode(samples.iter())).unwrap();
    back.sort_by_key(|x| (x.labels.clone(), x.timestamp));
    let mut want = samples.clone();
    want.sort_by_key(|x| (x.labels.clone(), x.timestamp));
    assert_eq!(back, want);
    assert!(decode(b"not snappy at all").is_err());
}
