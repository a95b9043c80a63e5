//! The parts of the Swarm API's services, tasks and nodes that the
//! discovery reads, as the engine writes them (Go's field names); any
//! field may be missing.

use std::collections::HashMap;

use serde::Deserialize;

pub(super) type Map = Option<HashMap<String, String>>;

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct Service {
    #[serde(rename = "ID")]
    pub id: String,
    pub spec: ServiceSpec,
    pub update_status: Option<UpdateStatus>,
    pub endpoint: ServiceEndpoint,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct ServiceSpec {
    pub name: String,
    pub labels: Map,
    pub task_template: TaskTemplate,
    pub mode: Mode,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct TaskTemplate {
    pub container_spec: Option<ContainerSpec>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct ContainerSpec {
    pub image: String,
    pub hostname: String,
    pub labels: Map,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct Mode {
    pub global: Option<serde_json::Value>,
    pub replicated: Option<serde_json::Value>,
}

impl Mode {
    /// As Prometheus names it: `global`, `replicated`, or nothing.
    pub fn name(&self) -> &'static str {
        match (&self.global, &self.replicated) {
            (Some(_), _) => "global",
            (None, Some(_)) => "replicated",
            _ => "",
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct UpdateStatus {
    pub state: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct ServiceEndpoint {
    pub ports: Vec<PortConfig>,
    #[serde(rename = "VirtualIPs")]
    pub virtual_ips: Vec<VirtualIp>,
}

#[derive(Deserialize, Default, Clone)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct PortConfig {
    pub name: String,
    pub protocol: String,
    pub published_port: u32,
    pub publish_mode: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct VirtualIp {
    #[serde(rename = "NetworkID")]
    pub network_id: String,
    pub addr: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct Task {
    #[serde(rename = "ID")]
    pub id: String,
    #[serde(rename = "ServiceID")]
    pub service_id: String,
    #[serde(rename = "NodeID")]
    pub node_id: String,
    pub slot: i64,
    pub desired_state: String,
    pub status: TaskStatus,
    pub spec: TaskTemplate,
    pub networks_attachments: Vec<NetworkAttachment>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct TaskStatus {
    pub state: String,
    pub container_status: Option<ContainerStatus>,
    pub port_status: PortStatus,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct ContainerStatus {
    #[serde(rename = "ContainerID")]
    pub container_id: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct PortStatus {
    pub ports: Vec<PortConfig>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct NetworkAttachment {
    pub network: AttachedNetwork,
    pub addresses: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct AttachedNetwork {
    #[serde(rename = "ID")]
    pub id: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct Node {
    #[serde(rename = "ID")]
    pub id: String,
    pub spec: NodeSpec,
    pub description: NodeDescription,
    pub status: NodeStatus,
    pub manager_status: Option<ManagerStatus>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct NodeSpec {
    pub role: String,
    pub availability: String,
    pub labels: Map,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct NodeDescription {
    pub hostname: String,
    pub platform: Platform,
    pub engine: EngineDescription,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct Platform {
    pub architecture: String,
    #[serde(rename = "OS")]
    pub os: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct EngineDescription {
    pub engine_version: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct NodeStatus {
    pub state: String,
    pub addr: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub(super) struct ManagerStatus {
    pub leader: bool,
    pub reachability: String,
    pub addr: String,
}
