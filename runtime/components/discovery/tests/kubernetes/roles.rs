//! Each role's targets for the objects of Prometheus's own tests, with
//! the labels those tests expect (group and target labels merged, as a
//! target gets them; empty values left out, which mean unset).

use serde_json::json;

use crate::fake::FakeApi;
use crate::fixtures as f;
use crate::{found, sorted, start, target, Pairs, Target};

const POD: &[(&str, &str)] = &[
    ("__meta_kubernetes_pod_name", "testpod"),
    ("__meta_kubernetes_namespace", "default"),
    ("__meta_kubernetes_pod_node_name", "testnode"),
    ("__meta_kubernetes_pod_ip", "1.2.3.4"),
    ("__meta_kubernetes_pod_host_ip", "2.3.4.5"),
    ("__meta_kubernetes_pod_ready", "true"),
    ("__meta_kubernetes_pod_phase", "Running"),
    ("__meta_kubernetes_pod_uid", "abc123"),
];

/// `expectedPodTargetGroups("default")`, with `extra` group labels.
pub fn pod_targets(extra: &[(&str, &str)]) -> Target {
    target(&[
        POD,
        extra,
        &[
            ("__address__", "1.2.3.4:9000"),
            ("__meta_kubernetes_pod_container_name", "testcontainer"),
            ("__meta_kubernetes_pod_container_image", "testcontainer:latest"),
            ("__meta_kubernetes_pod_container_port_name", "testport"),
            ("__meta_kubernetes_pod_container_port_number", "9000"),
            ("__meta_kubernetes_pod_container_port_protocol", "TCP"),
            ("__meta_kubernetes_pod_container_init", "false"),
            ("__meta_kubernetes_pod_container_id", "docker://a1b2c3d4e5f6"),
        ],
    ])
}

#[tokio::test]
async fn node_role_as_test_node_discovery_before_start() {
    let fake = FakeApi::start("v1.22.0").await;
    let labels = json!({"test-label": "testvalue"});
    let annotations = json!({"test-annotation": "testannotationvalue"});
    let node =
        f::node("test", "1.2.3.4", "aws:///nl-north-7b/i-03149834983492827", labels, annotations);
    fake.set("/api/v1/nodes", vec![node]);
    let dir = tempfile::tempdir().unwrap();
    let ctx = start(&fake, "role = \"node\"", dir.path());
    let expected = target(&[&[
        ("__address__", "1.2.3.4:10250"),
        ("instance", "test"),
        ("__meta_kubernetes_node_address_InternalIP", "1.2.3.4"),
        ("__meta_kubernetes_node_name", "test"),
        ("__meta_kubernetes_node_provider_id", "aws:///nl-north-7b/i-03149834983492827"),
        ("__meta_kubernetes_node_label_test_label", "testvalue"),
        ("__meta_kubernetes_node_labelpresent_test_label", "true"),
        ("__meta_kubernetes_node_annotation_test_annotation", "testannotationvalue"),
        ("__meta_kubernetes_node_annotationpresent_test_annotation", "true"),
    ]]);
    assert_eq!(found(&ctx).await, [expected]);
    ctx.cancel.cancel();
}

/// `makeMultiPortPods`' container `name` at `address`, with `port`.
fn multi_port_target(address: &str, name: &str, port: Pairs, id: &str) -> Target {
    let image = format!("{name}:latest");
    let group = [
        ("__meta_kubernetes_pod_label_test_label", "testvalue"),
        ("__meta_kubernetes_pod_labelpresent_test_label", "true"),
        ("__meta_kubernetes_pod_annotation_test_annotation", "testannotationvalue"),
        ("__meta_kubernetes_pod_annotationpresent_test_annotation", "true"),
        ("__meta_kubernetes_pod_controller_kind", "testcontrollerkind"),
        ("__meta_kubernetes_pod_controller_name", "testcontrollername"),
    ];
    let common = [
        ("__address__", address),
        ("__meta_kubernetes_pod_container_name", name),
        ("__meta_kubernetes_pod_container_image", image.as_str()),
        ("__meta_kubernetes_pod_container_init", "false"),
        ("__meta_kubernetes_pod_container_id", id),
    ];
    target(&[POD, &group, &common, port])
}

#[tokio::test]
async fn pod_role_as_test_pod_discovery_before_run() {
    let fake = FakeApi::start("v1.22.0").await;
    fake.set("/api/v1/pods", vec![f::multi_port_pod()]);
    let dir = tempfile::tempdir().unwrap();
    let ctx = start(&fake, "role = \"pod\"", dir.path());
    let port = |name, number, protocol| {
        [
            ("__meta_kubernetes_pod_container_port_name", name),
            ("__meta_kubernetes_pod_container_port_number", number),
            ("__meta_kubernetes_pod_container_port_protocol", protocol),
        ]
    };
    let docker = "docker://a1b2c3d4e5f6";
    let expected = sorted(vec![
        multi_port_target(
            "1.2.3.4:9000",
            "testcontainer0",
            &port("testport0", "9000", "TCP"),
            docker,
        ),
        multi_port_target(
            "1.2.3.4:9001",
            "testcontainer0",
            &port("testport1", "9001", "UDP"),
            docker,
        ),
        // No port: the pod's IP alone.
        multi_port_target("1.2.3.4", "testcontainer1", &[], "containerd://6f5e4d3c2b1a"),
    ]);
    assert_eq!(found(&ctx).await, expected);
    ctx.cancel.cancel();
}

#[tokio::test]
async fn pod_role_as_test_pod_discovery_init_container() {
    let fake = FakeApi::start("v1.22.0").await;
    fake.set("/api/v1/namespaces/default/pods", vec![f::init_container_pod()]);
    let dir = tempfile::tempdir().unwrap();
    let ctx = start(&fake, "role = \"pod\"\nnamespaces {\n names = [\"default\"]\n}", dir.path());
    let pending =
        [("__meta_kubernetes_pod_phase", "Pending"), ("__meta_kubernetes_pod_ready", "false")];
    let init = target(&[
        POD,
        &pending,
        &[
            ("__address__", "1.2.3.4"),
            ("__meta_kubernetes_pod_container_name", "initcontainer"),
            ("__meta_kubernetes_pod_container_image", "initcontainer:latest"),
            ("__meta_kubernetes_pod_container_init", "true"),
            ("__meta_kubernetes_pod_container_id", "containerd://6f5e4d3c2b1a"),
        ],
    ]);
    assert_eq!(found(&ctx).await, sorted(vec![pod_targets(&pending), init]));
    ctx.cancel.cancel();
}

/// A target of `TestServiceDiscoveryAdd`'s services.
fn service(name: &str, port: &str, kind: &str, extra: Pairs) -> Target {
    let address = format!("{name}.default.svc:{port}");
    let labels = [
        ("__meta_kubernetes_service_name", name),
        ("__meta_kubernetes_namespace", "default"),
        ("__address__", address.as_str()),
        ("__meta_kubernetes_service_port_name", "testport"),
        ("__meta_kubernetes_service_port_number", port),
        ("__meta_kubernetes_service_port_protocol", "TCP"),
        ("__meta_kubernetes_service_type", kind),
    ];
    target(&[&labels, extra])
}

const CLUSTER_IP: (&str, &str) = ("__meta_kubernetes_service_cluster_ip", "10.0.0.1");

#[tokio::test]
async fn service_role_as_test_service_discovery_add_then_update() {
    let fake = FakeApi::start("v1.22.0").await;
    fake.set("/api/v1/services", f::services());
    let dir = tempfile::tempdir().unwrap();
    let ctx = start(&fake, "role = \"service\"", dir.path());
    let external_name = [("__meta_kubernetes_service_external_name", "FooExternalName")];
    let external = service("testservice-external", "31900", "ExternalName", &external_name);
    let balancer_ip = [CLUSTER_IP, ("__meta_kubernetes_service_loadbalancer_ip", "127.0.0.1")];
    let balancer = service("testservice-loadbalancer", "31900", "LoadBalancer", &balancer_ip);
    let plain = service("testservice", "30900", "ClusterIP", &[CLUSTER_IP]);
    let expected = sorted(vec![plain, external.clone(), balancer.clone()]);
    assert_eq!(found(&ctx).await, expected);

    // TestServiceDiscoveryUpdate: the service gets two ports, labels and annotations.
    crate::wait_for_watch(&fake, "/api/v1/services").await;
    fake.push("/api/v1/services", "MODIFIED", f::multi_port_service());
    let meta = [
        CLUSTER_IP,
        ("__meta_kubernetes_service_label_test_label", "testvalue"),
        ("__meta_kubernetes_service_labelpresent_test_label", "true"),
        ("__meta_kubernetes_service_annotation_test_annotation", "testannotationvalue"),
        ("__meta_kubernetes_service_annotationpresent_test_annotation", "true"),
    ];
    let mut port0 = service("testservice", "30900", "ClusterIP", &meta);
    let mut port1 = service("testservice", "30901", "ClusterIP", &meta);
    port1.insert("__meta_kubernetes_service_port_protocol".into(), "UDP".into());
    port0.insert("__meta_kubernetes_service_port_name".into(), "testport0".into());
    port1.insert("__meta_kubernetes_service_port_name".into(), "testport1".into());
    crate::wait_for_targets(&ctx, &sorted(vec![port0, port1, external, balancer])).await;
    ctx.cancel.cancel();
}

#[tokio::test]
async fn ingress_role_as_test_ingress_discovery_add_mixed_v1beta1() {
    // Kubernetes 1.18 serves ingresses as networking.k8s.io/v1beta1 only.
    let fake = FakeApi::start("v1.18.0").await;
    let path = "/apis/networking.k8s.io/v1beta1/namespaces/default/ingresses";
    fake.set(path, vec![f::ingress()]);
    let dir = tempfile::tempdir().unwrap();
    let body = "role = \"ingress\"\nnamespaces {\n names = [\"default\"]\n}";
    let ctx = start(&fake, body, dir.path());
    let group = [
        ("__meta_kubernetes_ingress_name", "testingress"),
        ("__meta_kubernetes_namespace", "default"),
        ("__meta_kubernetes_ingress_label_test_label", "testvalue"),
        ("__meta_kubernetes_ingress_labelpresent_test_label", "true"),
        ("__meta_kubernetes_ingress_annotation_test_annotation", "testannotationvalue"),
        ("__meta_kubernetes_ingress_annotationpresent_test_annotation", "true"),
        ("__meta_kubernetes_ingress_class_name", "testclass"),
    ];
    let rule = |scheme, host, path| {
        let labels = [
            ("__meta_kubernetes_ingress_scheme", scheme),
            ("__meta_kubernetes_ingress_host", host),
            ("__meta_kubernetes_ingress_path", path),
            ("__address__", host),
        ];
        target(&[&group, &labels])
    };
    let expected = sorted(vec![
        rule("https", "example.com", "/"),
        rule("https", "example.com", "/foo"),
        rule("http", "test.example.com", "/"),
    ]);
    assert_eq!(found(&ctx).await, expected);
    assert_eq!(fake.targets()[0], "/version");
    ctx.cancel.cancel();
}
