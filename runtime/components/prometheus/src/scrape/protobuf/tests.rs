use super::*;

fn plain(pairs: &Pairs) -> Labels {
    Labels::from_pairs(pairs.iter().map(|(n, v)| (*n, v.as_ref())))
}

fn label(name: &str, value: &str) -> Label {
    Label { name: name.into(), value: value.into() }
}

fn family(name: &str, r#type: i32, metric: Vec<Metric>) -> MetricFamily {
    MetricFamily {
        name: name.into(),
        help: format!("About {name}."),
        r#type,
        metric,
        unit: String::new(),
    }
}

fn histogram(native: bool) -> ProtoHistogram {
    let mut h = ProtoHistogram {
        sample_count: 6,
        sample_sum: 4.5,
        bucket: vec![
            Bucket { cumulative_count: 2, upper_bound: 0.5, ..Default::default() },
            Bucket { cumulative_count: 5, upper_bound: 1.0, ..Default::default() },
        ],
        ..Default::default()
    };
    if native {
        h.schema = 0;
        h.zero_threshold = 1e-128;
        h.zero_count = 1;
        h.positive_span = vec![BucketSpan { offset: -1, length: 2 }];
        h.positive_delta = vec![1, 2];
    }
    h
}

/// The families as a target sends them: each after its length.
fn body(families: &[MetricFamily]) -> Vec<u8> {
    let mut out = Vec::new();
    for f in families {
        f.encode_length_delimited(&mut out).unwrap();
    }
    out
}

fn exposition() -> Vec<u8> {
    let value = |v: f64| Some(Value { value: v });
    body(&[
        family(
            "requests_total",
            0,
            vec![Metric {
                label: vec![label("code", "200")],
                counter: value(7.0),
                timestamp_ms: 1_700_000_000_000,
                ..Default::default()
            }],
        ),
        family("temperature", 1, vec![Metric { gauge: value(21.5), ..Default::default() }]),
        family(
            "rpc_seconds",
            SUMMARY,
            vec![Metric {
                summary: Some(Summary {
                    sample_count: 3,
                    sample_sum: 1.5,
                    quantile: vec![Quantile { quantile: 0.5, value: 0.4 }],
                }),
                ..Default::default()
            }],
        ),
        family(
            "classic_seconds",
            HISTOGRAM,
            vec![Metric { histogram: Some(histogram(false)), ..Default::default() }],
        ),
        family(
            "native_seconds",
            HISTOGRAM,
            vec![Metric { histogram: Some(histogram(true)), ..Default::default() }],
        ),
    ])
}

/// Each exposed series as `name{labels} value`, histograms as `<native>`.
fn lines(exposed: &[Exposed]) -> Vec<String> {
    exposed
        .iter()
        .map(|e| match &e.histogram {
            Some(_) => format!("{:?} <native>", e.labels),
            None => format!("{:?} {}", e.labels, e.value),
        })
        .collect()
}

#[test]
fn families_become_the_series_the_text_format_gives() {
    let mut metadata = Vec::new();
    let exposed = parse(&exposition(), false, plain, &mut metadata).unwrap();
    let got = lines(&exposed);
    let classic = |le: &str, v: f64| {
        format!(
            "{:?} {v}",
            Labels::from_pairs([("__name__", "classic_seconds_bucket"), ("le", le)])
        )
    };
    assert!(got.contains(&classic("0.5", 2.0)), "{got:#?}");
    assert!(got.contains(&classic("1.0", 5.0)), "{got:#?}");
    assert!(got.contains(&classic("+Inf", 6.0)), "{got:#?}");
    let quantile = Labels::from_pairs([("__name__", "rpc_seconds"), ("quantile", "0.5")]);
    assert!(got.contains(&format!("{quantile:?} 0.4")), "{got:#?}");
    // The native histogram is one sample, without its classic series.
    assert!(!got.iter().any(|l| l.contains("native_seconds_bucket")), "{got:#?}");
    let native: Vec<_> = exposed.iter().filter(|e| e.histogram.is_some()).collect();
    assert_eq!(native.len(), 1);
    let h = native[0].histogram.as_ref().unwrap();
    assert_eq!(h.positive_spans, vec![Span { offset: -1, length: 2 }]);
    assert_eq!(
        h.counts,
        Counts::Int {
            count: 6,
            zero_count: 1,
            negative_deltas: vec![],
            positive_deltas: vec![1, 2]
        }
    );
    // 1 counter + 1 gauge + 3 summary + 5 classic + 1 native.
    assert_eq!(exposed.len(), 11);
    assert_eq!(exposed[0].timestamp, Some(1_700_000_000_000));
    assert_eq!(exposed[1].timestamp, None);
    let kinds: Vec<_> = metadata.iter().map(|m| (m.family.as_str(), m.kind)).collect();
    assert_eq!(
        kinds,
        [
            ("requests_total", MetricType::Counter),
            ("temperature", MetricType::Gauge),
            ("rpc_seconds", MetricType::Summary),
            ("classic_seconds", MetricType::Histogram),
            ("native_seconds", MetricType::Histogram),
        ]
    );
    assert_eq!(metadata[1].help, "About temperature.");
}

#[test]
fn classic_series_of_native_histograms_on_request() {
    let exposed = parse(&exposition(), true, plain, &mut Vec::new()).unwrap();
    let got = lines(&exposed);
    assert!(got.iter().any(|l| l.contains("native_seconds_bucket")), "{got:#?}");
    assert_eq!(exposed.iter().filter(|e| e.histogram.is_some()).count(), 1);
    assert_eq!(exposed.len(), 16);
}

#[test]
fn a_broken_body_fails_the_scrape() {
    let mut broken = exposition();
    broken.truncate(broken.len() - 3);
    assert!(parse(&broken, false, plain, &mut Vec::new()).is_err());
    assert!(parse(b"\x05abc", false, plain, &mut Vec::new()).is_err());
}

#[test]
fn bounds_are_written_as_prometheus_writes_them() {
    let cases = [
        (1.0, "1.0"),
        (0.005, "0.005"),
        (2.5, "2.5"),
        (100000.0, "100000.0"),
        (1e6, "1e+06"),
        (0.00001, "1e-05"),
        (1.5e-7, "1.5e-07"),
        (f64::INFINITY, "+Inf"),
    ];
    for (value, text) in cases {
        assert_eq!(format_float(value), text);
    }
}
