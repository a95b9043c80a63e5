//! The endpoints and endpointslice roles, and `attach_metadata`, for the
//! objects of Prometheus's own tests, with the labels those tests expect
//! (group and target labels merged; empty values left out).

use serde_json::json;

use crate::fake::FakeApi;
use crate::fixtures as f;
use crate::{found, sorted, start, target, Pairs, Target};

/// `makeEndpoints`' four targets, with `group`, and `first` and `last`
/// added to the first and last (node labels).
fn endpoints_targets(group: Pairs, first: Pairs, last: Pairs) -> Vec<Target> {
    let port = |number| {
        [
            ("__meta_kubernetes_endpoint_port_name", "testport"),
            ("__meta_kubernetes_endpoint_port_protocol", "TCP"),
            ("__meta_kubernetes_endpoint_ready", "true"),
            ("__address__", number),
        ]
    };
    let host = [
        ("__meta_kubernetes_endpoint_hostname", "testendpoint1"),
        ("__meta_kubernetes_endpoint_node_name", "foobar"),
    ];
    let node = [
        ("__meta_kubernetes_endpoint_address_target_kind", "Node"),
        ("__meta_kubernetes_endpoint_address_target_name", "barbaz"),
    ];
    let not_ready = [("__meta_kubernetes_endpoint_ready", "false")];
    vec![
        target(&[group, &port("1.2.3.4:9000"), &host, first]),
        target(&[group, &port("2.3.4.5:9001")]),
        target(&[group, &port("2.3.4.5:9001"), &not_ready]),
        target(&[group, &port("6.7.8.9:9002"), &node, last]),
    ]
}

/// The labels of pod `testpod` (`deadbeef`) of `namespace` at `ip`,
/// whose container `c` declares port `name` `number`.
fn pod_labels(namespace: &str, ip: &str, c: &str, name: &str, number: &str) -> Target {
    let image = format!("{c}:latest");
    target(&[&[
        ("__meta_kubernetes_namespace", namespace),
        ("__meta_kubernetes_pod_name", "testpod"),
        ("__meta_kubernetes_pod_ip", ip),
        ("__meta_kubernetes_pod_ready", "unknown"),
        ("__meta_kubernetes_pod_node_name", "testnode"),
        ("__meta_kubernetes_pod_host_ip", "2.3.4.5"),
        ("__meta_kubernetes_pod_uid", "deadbeef"),
        ("__meta_kubernetes_pod_container_name", c),
        ("__meta_kubernetes_pod_container_image", &image),
        ("__meta_kubernetes_pod_container_port_name", name),
        ("__meta_kubernetes_pod_container_port_number", number),
        ("__meta_kubernetes_pod_container_port_protocol", "TCP"),
    ]])
}

fn with(mut base: Target, more: Pairs) -> Target {
    base.extend(target(&[more]));
    base
}

/// The endpoint of `pod_endpoints` (pointing at pod `testpod`).
const POD_ENDPOINT: Pairs = &[
    ("__address__", "4.3.2.1:9000"),
    ("__meta_kubernetes_endpoints_name", "testendpoints"),
    ("__meta_kubernetes_endpoint_port_name", "testport"),
    ("__meta_kubernetes_endpoint_port_protocol", "TCP"),
    ("__meta_kubernetes_endpoint_ready", "true"),
    ("__meta_kubernetes_endpoint_address_target_kind", "Pod"),
    ("__meta_kubernetes_endpoint_address_target_name", "testpod"),
];

#[tokio::test]
async fn endpoints_role_as_test_endpoints_discovery_namespaces() {
    let fake = FakeApi::start("v1.22.0").await;
    fake.set("/api/v1/namespaces/ns1/endpoints", vec![f::endpoints("ns1")]);
    let service = f::endpoints_service("ns1", json!({"app": "app1"}));
    fake.set("/api/v1/namespaces/ns1/services", vec![service]);
    fake.set("/api/v1/namespaces/ns2/endpoints", vec![f::pod_endpoints("ns2")]);
    let c1 = f::container("c1", "mainport", 9000);
    fake.set("/api/v1/namespaces/ns2/pods", vec![f::endpoints_pod("ns2", "4.3.2.1", json!([c1]))]);
    let dir = tempfile::tempdir().unwrap();
    let body = "role = \"endpoints\"\nnamespaces {\n names = [\"ns2\", \"ns1\"]\n}";
    let ctx = start(&fake, body, dir.path());
    let ns1 = [
        ("__meta_kubernetes_namespace", "ns1"),
        ("__meta_kubernetes_endpoints_name", "testendpoints"),
        ("__meta_kubernetes_endpoints_annotation_test_annotation", "test"),
        ("__meta_kubernetes_endpoints_annotationpresent_test_annotation", "true"),
        ("__meta_kubernetes_service_label_app", "app1"),
        ("__meta_kubernetes_service_labelpresent_app", "true"),
        ("__meta_kubernetes_service_name", "testendpoints"),
    ];
    let mut expected = endpoints_targets(&ns1, &[], &[]);
    let pod = pod_labels("ns2", "4.3.2.1", "c1", "mainport", "9000");
    expected.push(with(pod, POD_ENDPOINT));
    assert_eq!(found(&ctx).await, sorted(expected));
    ctx.cancel.cancel();
}

#[tokio::test]
async fn endpoints_role_as_test_endpoints_discovery_add() {
    let fake = FakeApi::start("v1.22.0").await;
    let containers =
        json!([f::container("c1", "mainport", 9000), f::container("c2", "sideport", 9001)]);
    let pod = f::endpoints_pod("default", "1.2.3.4", containers);
    fake.set("/api/v1/namespaces/default/pods", vec![pod]);
    fake.set("/api/v1/namespaces/default/endpoints", vec![f::pod_endpoints("default")]);
    let dir = tempfile::tempdir().unwrap();
    let body = "role = \"endpoints\"\nnamespaces {\n names = [\"default\"]\n}";
    let ctx = start(&fake, body, dir.path());
    // The pod's port that no endpoint covers is a target too.
    let uncovered =
        [("__meta_kubernetes_endpoints_name", "testendpoints"), ("__address__", "1.2.3.4:9001")];
    let expected = sorted(vec![
        with(pod_labels("default", "1.2.3.4", "c1", "mainport", "9000"), POD_ENDPOINT),
        with(pod_labels("default", "1.2.3.4", "c2", "sideport", "9001"), &uncovered),
    ]);
    assert_eq!(found(&ctx).await, expected);
    ctx.cancel.cancel();
}

#[tokio::test]
async fn endpointslice_role_as_test_endpoint_slice_discovery_namespaces() {
    let fake = FakeApi::start("v1.22.0").await;
    let slices = |ns: &str| format!("/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices");
    fake.set(&slices("ns1"), vec![f::endpoint_slice("ns1")]);
    fake.set(
        "/api/v1/namespaces/ns1/services",
        vec![f::endpoints_service("ns1", json!({"app": "app1"}))],
    );
    fake.set(&slices("ns2"), vec![f::pod_endpoint_slice("ns2")]);
    let c1 = f::container("c1", "mainport", 9000);
    fake.set("/api/v1/namespaces/ns2/pods", vec![f::endpoints_pod("ns2", "4.3.2.1", json!([c1]))]);
    let dir = tempfile::tempdir().unwrap();
    let body = "role = \"endpointslice\"\nnamespaces {\n names = [\"ns1\", \"ns2\"]\n}";
    let ctx = start(&fake, body, dir.path());
    let ns1 = [
        ("__meta_kubernetes_endpointslice_address_type", "IPv4"),
        ("__meta_kubernetes_endpointslice_name", "testendpoints"),
        ("__meta_kubernetes_endpointslice_label_kubernetes_io_service_name", "testendpoints"),
        ("__meta_kubernetes_endpointslice_labelpresent_kubernetes_io_service_name", "true"),
        ("__meta_kubernetes_endpointslice_annotation_test_annotation", "test"),
        ("__meta_kubernetes_endpointslice_annotationpresent_test_annotation", "true"),
        ("__meta_kubernetes_namespace", "ns1"),
        ("__meta_kubernetes_service_label_app", "app1"),
        ("__meta_kubernetes_service_labelpresent_app", "true"),
        ("__meta_kubernetes_service_name", "testendpoints"),
    ];
    let mut expected = slice_targets(&ns1, &[], &[]);
    let endpoint = [
        ("__address__", "4.3.2.1:9000"),
        ("__meta_kubernetes_endpointslice_address_type", "IPv4"),
        ("__meta_kubernetes_endpointslice_name", "testendpoints"),
        ("__meta_kubernetes_endpointslice_address_target_kind", "Pod"),
        ("__meta_kubernetes_endpointslice_address_target_name", "testpod"),
        ("__meta_kubernetes_endpointslice_port", "9000"),
        ("__meta_kubernetes_endpointslice_port_name", "testport"),
        ("__meta_kubernetes_endpointslice_port_protocol", "TCP"),
    ];
    expected.push(with(pod_labels("ns2", "4.3.2.1", "c1", "mainport", "9000"), &endpoint));
    assert_eq!(found(&ctx).await, sorted(expected));
    ctx.cancel.cancel();
}

/// `makeEndpointSliceV1`'s four targets, with `group`, and `first` and
/// `last` added to the first and last (node labels).
fn slice_targets(group: Pairs, first: Pairs, last: Pairs) -> Vec<Target> {
    let common = |address| {
        [
            ("__address__", address),
            ("__meta_kubernetes_endpointslice_port", "9000"),
            ("__meta_kubernetes_endpointslice_port_app_protocol", "http"),
            ("__meta_kubernetes_endpointslice_port_name", "testport"),
            ("__meta_kubernetes_endpointslice_port_protocol", "TCP"),
        ]
    };
    let conditions = |ready, serving, terminating| {
        [
            ("__meta_kubernetes_endpointslice_endpoint_conditions_ready", ready),
            ("__meta_kubernetes_endpointslice_endpoint_conditions_serving", serving),
            ("__meta_kubernetes_endpointslice_endpoint_conditions_terminating", terminating),
        ]
    };
    let host = [
        ("__meta_kubernetes_endpointslice_endpoint_hostname", "testendpoint1"),
        ("__meta_kubernetes_endpointslice_endpoint_topology_present_topology", "true"),
        ("__meta_kubernetes_endpointslice_endpoint_topology_topology", "value"),
    ];
    let node = [
        ("__meta_kubernetes_endpointslice_address_target_kind", "Node"),
        ("__meta_kubernetes_endpointslice_address_target_name", "barbaz"),
    ];
    let up = conditions("true", "true", "false");
    vec![
        target(&[group, &common("1.2.3.4:9000"), &up, &host, first]),
        target(&[group, &common("2.3.4.5:9000"), &up]),
        target(&[group, &common("3.4.5.6:9000"), &conditions("false", "true", "true")]),
        target(&[group, &common("4.5.6.7:9000"), &up, &node, last]),
    ]
}

/// A fake with the objects of the node metadata tests, in every namespace.
async fn with_nodes() -> FakeApi {
    let fake = FakeApi::start("v1.22.0").await;
    let node = |name, labels| f::node(name, "", "", labels, json!(null));
    let nodes = vec![
        node("foobar", json!({"az": "us-east1"})),
        node("barbaz", json!({"az": "us-west2"})),
        node("testnode", json!({"l1": "v1"})),
    ];
    fake.set("/api/v1/nodes", nodes);
    fake.set("/api/v1/pods", vec![f::pod("default")]);
    fake.set("/api/v1/endpoints", vec![f::endpoints("default")]);
    let service = f::endpoints_service("default", json!({"app/name": "test"}));
    fake.set("/api/v1/services", vec![service]);
    fake.set("/apis/discovery.k8s.io/v1/endpointslices", vec![f::endpoint_slice("default")]);
    fake
}

fn attached(fake: &FakeApi, role: &str, dir: &std::path::Path) -> river_runtime::component::Ctx {
    start(fake, &format!("role = {role:?}\nattach_metadata {{\n node = true\n}}"), dir)
}

/// The node labels of `foobar` and `barbaz`.
fn az(name: &'static str, az: &'static str) -> [(&'static str, &'static str); 3] {
    [
        ("__meta_kubernetes_node_name", name),
        ("__meta_kubernetes_node_label_az", az),
        ("__meta_kubernetes_node_labelpresent_az", "true"),
    ]
}

const SERVICE: Pairs = &[
    ("__meta_kubernetes_namespace", "default"),
    ("__meta_kubernetes_service_label_app_name", "test"),
    ("__meta_kubernetes_service_labelpresent_app_name", "true"),
    ("__meta_kubernetes_service_name", "testendpoints"),
];

#[tokio::test]
async fn attach_metadata_as_test_pod_discovery_with_node_metadata() {
    let fake = with_nodes().await;
    let dir = tempfile::tempdir().unwrap();
    let ctx = attached(&fake, "pod", dir.path());
    let on_node = [
        ("__meta_kubernetes_node_name", "testnode"),
        ("__meta_kubernetes_node_label_l1", "v1"),
        ("__meta_kubernetes_node_labelpresent_l1", "true"),
    ];
    assert_eq!(found(&ctx).await, [crate::roles::pod_targets(&on_node)]);
    ctx.cancel.cancel();
}

#[tokio::test]
async fn attach_metadata_as_test_endpoints_discovery_with_node_metadata() {
    let fake = with_nodes().await;
    let dir = tempfile::tempdir().unwrap();
    let ctx = attached(&fake, "endpoints", dir.path());
    let group = [
        ("__meta_kubernetes_endpoints_name", "testendpoints"),
        ("__meta_kubernetes_endpoints_annotation_test_annotation", "test"),
        ("__meta_kubernetes_endpoints_annotationpresent_test_annotation", "true"),
    ];
    let group = [SERVICE, &group[..]].concat();
    let (foobar, barbaz) = (az("foobar", "us-east1"), az("barbaz", "us-west2"));
    let expected = sorted(endpoints_targets(&group, &foobar, &barbaz));
    assert_eq!(found(&ctx).await, expected);
    ctx.cancel.cancel();
}

#[tokio::test]
async fn attach_metadata_as_test_endpoints_slices_discovery_with_node_metadata() {
    let fake = with_nodes().await;
    let dir = tempfile::tempdir().unwrap();
    let ctx = attached(&fake, "endpointslice", dir.path());
    let group = [
        ("__meta_kubernetes_endpointslice_address_type", "IPv4"),
        ("__meta_kubernetes_endpointslice_name", "testendpoints"),
        ("__meta_kubernetes_endpointslice_label_kubernetes_io_service_name", "testendpoints"),
        ("__meta_kubernetes_endpointslice_labelpresent_kubernetes_io_service_name", "true"),
        ("__meta_kubernetes_endpointslice_annotation_test_annotation", "test"),
        ("__meta_kubernetes_endpointslice_annotationpresent_test_annotation", "true"),
    ];
    let group = [SERVICE, &group[..]].concat();
    let (foobar, barbaz) = (az("foobar", "us-east1"), az("barbaz", "us-west2"));
    assert_eq!(found(&ctx).await, sorted(slice_targets(&group, &foobar, &barbaz)));
    ctx.cancel.cancel();
}
