//! The objects of Prometheus's own Kubernetes discovery tests
//! (`discovery/kubernetes/*_test.go`), as the API serves them in JSON, so
//! that the labels these tests expect are the reference's.

use serde_json::{json, Value};

/// `makeNode`: one InternalIP address, the kubelet on 10250.
pub fn node(name: &str, address: &str, provider: &str, labels: Value, annotations: Value) -> Value {
    json!({
        "metadata": {"name": name, "labels": labels, "annotations": annotations},
        "spec": {"providerID": provider},
        "status": {
            "addresses": [{"type": "InternalIP", "address": address}],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}}
        }
    })
}

/// `makeMultiPortPods`.
pub fn multi_port_pod() -> Value {
    json!({
        "metadata": {
            "name": "testpod", "namespace": "default", "uid": "abc123",
            "labels": {"test/label": "testvalue"},
            "annotations": {"test/annotation": "testannotationvalue"},
            "ownerReferences": [
                {"kind": "testcontrollerkind", "name": "testcontrollername", "controller": true}
            ]
        },
        "spec": {"nodeName": "testnode", "containers": [
            {"name": "testcontainer0", "image": "testcontainer0:latest", "ports": [
                {"name": "testport0", "protocol": "TCP", "containerPort": 9000},
                {"name": "testport1", "protocol": "UDP", "containerPort": 9001}
            ]},
            {"name": "testcontainer1", "image": "testcontainer1:latest"}
        ]},
        "status": {
            "podIP": "1.2.3.4", "hostIP": "2.3.4.5", "phase": "Running",
            "conditions": [{"type": "Ready", "status": "True"}],
            "containerStatuses": [
                {"name": "testcontainer0", "containerID": "docker://a1b2c3d4e5f6"},
                {"name": "testcontainer1", "containerID": "containerd://6f5e4d3c2b1a"}
            ]
        }
    })
}

/// `makePods`, in `namespace`.
pub fn pod(namespace: &str) -> Value {
    json!({
        "metadata": {"name": "testpod", "namespace": namespace, "uid": "abc123"},
        "spec": {"nodeName": "testnode", "containers": [
            {"name": "testcontainer", "image": "testcontainer:latest", "ports": [
                {"name": "testport", "protocol": "TCP", "containerPort": 9000}
            ]}
        ]},
        "status": {
            "podIP": "1.2.3.4", "hostIP": "2.3.4.5", "phase": "Running",
            "conditions": [{"type": "Ready", "status": "True"}],
            "containerStatuses": [{"name": "testcontainer", "containerID": "docker://a1b2c3d4e5f6"}]
        }
    })
}

/// `makeInitContainerPods`.
pub fn init_container_pod() -> Value {
    let mut pod = pod("default");
    pod["spec"]["initContainers"] =
        json!([{"name": "initcontainer", "image": "initcontainer:latest"}]);
    pod["status"]["phase"] = json!("Pending");
    pod["status"]["conditions"] = json!([{"type": "Ready", "status": "False"}]);
    pod["status"]["initContainerStatuses"] =
        json!([{"name": "initcontainer", "containerID": "containerd://6f5e4d3c2b1a"}]);
    pod
}

/// A pod of the endpoints tests: `deadbeef`, with `containers`, and no
/// phase nor conditions.
pub fn endpoints_pod(namespace: &str, ip: &str, containers: Value) -> Value {
    json!({
        "metadata": {"name": "testpod", "namespace": namespace, "uid": "deadbeef"},
        "spec": {"nodeName": "testnode", "containers": containers},
        "status": {"hostIP": "2.3.4.5", "podIP": ip}
    })
}

/// A container with one TCP port.
pub fn container(name: &str, port_name: &str, port: u16) -> Value {
    json!({"name": name, "image": format!("{name}:latest"),
           "ports": [{"name": port_name, "containerPort": port, "protocol": "TCP"}]})
}

/// `makeService`, `makeExternalService` and `makeLoadBalancerService`.
pub fn services() -> Vec<Value> {
    let port = |port: u16| json!([{"name": "testport", "protocol": "TCP", "port": port}]);
    vec![
        json!({"metadata": {"name": "testservice", "namespace": "default"},
               "spec": {"ports": port(30900), "type": "ClusterIP", "clusterIP": "10.0.0.1"}}),
        json!({"metadata": {"name": "testservice-external", "namespace": "default"},
               "spec": {"ports": port(31900), "type": "ExternalName", "externalName": "FooExternalName"}}),
        json!({"metadata": {"name": "testservice-loadbalancer", "namespace": "default"},
               "spec": {"ports": port(31900), "type": "LoadBalancer",
                        "loadBalancerIP": "127.0.0.1", "clusterIP": "10.0.0.1"}}),
    ]
}

/// `makeMultiPortService`.
pub fn multi_port_service() -> Value {
    json!({
        "metadata": {"name": "testservice", "namespace": "default",
                     "labels": {"test-label": "testvalue"},
                     "annotations": {"test-annotation": "testannotationvalue"}},
        "spec": {"ports": [
            {"name": "testport0", "protocol": "TCP", "port": 30900},
            {"name": "testport1", "protocol": "UDP", "port": 30901}
        ], "type": "ClusterIP", "clusterIP": "10.0.0.1"}
    })
}

/// A service named `testendpoints` with `labels`.
pub fn endpoints_service(namespace: &str, labels: Value) -> Value {
    json!({"metadata": {"name": "testendpoints", "namespace": namespace, "labels": labels}})
}

/// `makeEndpoints`, in `namespace`.
pub fn endpoints(namespace: &str) -> Value {
    let port = |port: u16| json!([{"name": "testport", "port": port, "protocol": "TCP"}]);
    json!({
        "metadata": {"name": "testendpoints", "namespace": namespace,
                     "annotations": {"test.annotation": "test"}},
        "subsets": [
            {"addresses": [{"ip": "1.2.3.4", "hostname": "testendpoint1", "nodeName": "foobar"}],
             "ports": port(9000)},
            {"addresses": [{"ip": "2.3.4.5"}], "notReadyAddresses": [{"ip": "2.3.4.5"}],
             "ports": port(9001)},
            {"addresses": [{"ip": "6.7.8.9", "targetRef": {"kind": "Node", "name": "barbaz"}}],
             "ports": port(9002)}
        ]
    })
}

/// Endpoints with one address backed by pod `testpod` of `namespace`.
pub fn pod_endpoints(namespace: &str) -> Value {
    json!({
        "metadata": {"name": "testendpoints", "namespace": namespace},
        "subsets": [{
            "addresses": [{"ip": "4.3.2.1",
                           "targetRef": {"kind": "Pod", "name": "testpod", "namespace": namespace}}],
            "ports": [{"name": "testport", "port": 9000, "protocol": "TCP"}]
        }]
    })
}

/// `makeEndpointSliceV1`, in `namespace`.
pub fn endpoint_slice(namespace: &str) -> Value {
    let conditions = |ready, serving, terminating| json!({"ready": ready, "serving": serving, "terminating": terminating});
    json!({
        "metadata": {"name": "testendpoints", "namespace": namespace,
                     "labels": {"kubernetes.io/service-name": "testendpoints"},
                     "annotations": {"test.annotation": "test"}},
        "addressType": "IPv4",
        "ports": [{"name": "testport", "port": 9000, "protocol": "TCP", "appProtocol": "http"}],
        "endpoints": [
            {"addresses": ["1.2.3.4"], "conditions": conditions(true, true, false),
             "hostname": "testendpoint1", "targetRef": {}, "nodeName": "foobar",
             "deprecatedTopology": {"topology": "value"}},
            {"addresses": ["2.3.4.5"], "conditions": conditions(true, true, false)},
            {"addresses": ["3.4.5.6"], "conditions": conditions(false, true, true)},
            {"addresses": ["4.5.6.7"], "conditions": conditions(true, true, false),
             "targetRef": {"kind": "Node", "name": "barbaz"}}
        ]
    })
}

/// The slice of `TestEndpointSliceDiscoveryNamespaces` backed by a pod.
pub fn pod_endpoint_slice(namespace: &str) -> Value {
    json!({
        "metadata": {"name": "testendpoints", "namespace": namespace},
        "addressType": "IPv4",
        "ports": [{"name": "testport", "port": 9000, "protocol": "TCP"}],
        "endpoints": [{"addresses": ["4.3.2.1"],
                       "targetRef": {"kind": "Pod", "name": "testpod", "namespace": namespace}}]
    })
}

/// `makeIngress(TLSMixed)`: TLS for `example.com` only.
pub fn ingress() -> Value {
    json!({
        "metadata": {"name": "testingress", "namespace": "default",
                     "labels": {"test/label": "testvalue"},
                     "annotations": {"test/annotation": "testannotationvalue"}},
        "spec": {
            "ingressClassName": "testclass",
            "tls": [{"hosts": ["example.com"]}],
            "rules": [
                {"host": "example.com", "http": {"paths": [{"path": "/"}, {"path": "/foo"}]}},
                {"host": "nobackend.example.com", "http": {"paths": null}},
                {"host": "test.example.com", "http": {"paths": [{}]}}
            ]
        }
    })
}
