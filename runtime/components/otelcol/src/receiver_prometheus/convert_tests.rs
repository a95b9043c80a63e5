//! The conversion of samples into OTLP metrics.
use super::*;

fn sample(pairs: &[(&str, &str)], value: f64) -> Sample {
    let mut all = vec![("job", "app"), ("instance", "web:8080")];
    all.extend_from_slice(pairs);
    Sample::float(Labels::from_pairs(all), 5, value)
}

#[test]
fn families_become_their_otlp_types() {
    let types: HashMap<String, MetricType> = [
        ("requests_total".to_owned(), MetricType::Counter),
        ("latency".to_owned(), MetricType::Histogram),
        ("rpc".to_owned(), MetricType::Summary),
    ]
    .into();
    let samples = [
        sample(&[("__name__", "requests_total"), ("code", "200")], 7.0),
        sample(&[("__name__", "latency_bucket"), ("le", "0.5")], 1.0),
        sample(&[("__name__", "latency_bucket"), ("le", "1")], 3.0),
        sample(&[("__name__", "latency_bucket"), ("le", "+Inf")], 6.0),
        sample(&[("__name__", "latency_sum")], 4.5),
        sample(&[("__name__", "latency_count")], 6.0),
        sample(&[("__name__", "rpc"), ("quantile", "0.5")], 1.5),
        sample(&[("__name__", "rpc_count")], 2.0),
        sample(&[("__name__", "temperature")], f64::from_bits(river_runtime::series::STALE_NAN)),
    ];
    let (request, skipped) = convert(&samples, &types);
    assert_eq!(skipped, 0);
    let resource = &request.resource_metrics[0];
    let attrs: Vec<String> = resource
        .resource
        .as_ref()
        .unwrap()
        .attributes
        .iter()
        .map(|kv| format!("{}={}", kv.key, crate::attributes::as_string(kv.value.as_ref())))
        .collect();
    assert_eq!(
        attrs,
        [
            "service.name=app",
            "net.host.name=web",
            "service.instance.id=web:8080",
            "net.host.port=8080"
        ]
    );
    let metrics = &resource.scope_metrics[0].metrics;
    let names: Vec<&str> = metrics.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["requests_total", "latency", "rpc", "temperature"]);
    let Some(metric::Data::Sum(sum)) = &metrics[0].data else { panic!() };
    assert!(sum.is_monotonic && sum.data_points[0].time_unix_nano == 5_000_000);
    assert_eq!(sum.data_points[0].attributes[0].key, "code");
    let Some(metric::Data::Histogram(h)) = &metrics[1].data else { panic!() };
    let point = &h.data_points[0];
    assert_eq!((point.count, point.sum), (6, Some(4.5)));
    assert_eq!(
        (point.explicit_bounds.clone(), point.bucket_counts.clone()),
        (vec![0.5, 1.0], vec![1, 2, 3])
    );
    let Some(metric::Data::Summary(s)) = &metrics[2].data else { panic!() };
    assert_eq!((s.data_points[0].count, s.data_points[0].quantile_values[0].value), (2, 1.5));
    let Some(metric::Data::Gauge(g)) = &metrics[3].data else { panic!() };
    assert_eq!(g.data_points[0].flags, 1, "a stale marker has no recorded value");
}
