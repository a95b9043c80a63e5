//! `discovery.kubernetes`: targets from the Kubernetes API, with the
//! `__meta_kubernetes_*` labels of Prometheus's Kubernetes discovery
//! (which the reference wraps), for the roles `node`, `pod`, `service`,
//! `endpoints`, `endpointslice` and `ingress`. It lists the resources a
//! role needs (in each namespace of `namespaces`, or in all), then
//! watches them, and exports the targets soon after each change; while
//! the API fails it keeps the last targets, unhealthy with the reason.
//!
//! This file reads the settings and refuses what Prometheus refuses. The
//! API is reached through `connection` (`api_server`, `kubeconfig_file`
//! or the in-cluster configuration), at the paths of `spec`, listed and
//! watched by `client`; the run loop in `run` keeps what the watches hold
//! in the cache of `objects` and makes each role's targets of it with
//! the role's own file (`node`, `pod`, `service`, `endpoints`,
//! `endpointslice`, `ingress`), the labels of Prometheus's.

mod client;
mod connection;
mod endpoints;
mod endpointslice;
mod ingress;
mod kubeconfig;
mod node;
mod objects;
mod pod;
mod run;
mod service;
mod spec;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use parking_lot::Mutex;
use river_analyzer::value::Secret;
use tokio::sync::Notify;

use river_runtime::args::Args;
use river_runtime::component::{Component, Ctx, Registration};
use river_runtime::error::Error;
use river_runtime::http_client::HttpClient;
use river_runtime::labels::Labels;

use connection::Api;
use objects::Cache;

/// `discovery.kubernetes`.
pub const DISCOVERY_KUBERNETES: Registration =
    Registration { name: "discovery.kubernetes", build, without_effect: &[] };

/// A role, and the resource of the same name it lists and watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Role {
    Node,
    Pod,
    Service,
    Endpoints,
    EndpointSlice,
    Ingress,
}

impl Role {
    const ALL: [Role; 6] =
        [Role::Node, Role::Pod, Role::Service, Role::Endpoints, Role::EndpointSlice, Role::Ingress];

    fn name(self) -> &'static str {
        match self {
            Role::Node => "node",
            Role::Pod => "pod",
            Role::Service => "service",
            Role::Endpoints => "endpoints",
            Role::EndpointSlice => "endpointslice",
            Role::Ingress => "ingress",
        }
    }

    fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == name)
    }

    /// The selectors a role takes (Prometheus's `allowedSelectors`): its
    /// own, and those of the resources it reads beside.
    fn selectable(self) -> &'static [Role] {
        match self {
            Role::Pod => &[Role::Pod, Role::Node],
            Role::Endpoints => &[Role::Pod, Role::Service, Role::Endpoints],
            Role::EndpointSlice => &[Role::Pod, Role::Service, Role::EndpointSlice],
            Role::Node => &[Role::Node],
            Role::Service => &[Role::Service],
            Role::Ingress => &[Role::Ingress],
        }
    }

    /// The resources the role watches: its own, the services and pods
    /// whose labels endpoints get, and nodes for `attach_metadata`.
    fn resources(self, attach_node: bool) -> Vec<Role> {
        let mut out = match self {
            Role::Endpoints | Role::EndpointSlice => vec![self, Role::Service, Role::Pod],
            _ => vec![self],
        };
        let attaches = matches!(self, Role::Pod | Role::Endpoints | Role::EndpointSlice);
        if attach_node && attaches {
            out.push(Role::Node);
        }
        out
    }
}

/// A resource's label and field selectors (empty: none).
#[derive(Debug, Clone, Default)]
struct Selector {
    label: String,
    field: String,
}

struct Settings {
    role: Role,
    /// The namespaces to watch; empty for all of them.
    namespaces: Vec<String>,
    selectors: BTreeMap<Role, Selector>,
    attach_node: bool,
    /// How to reach the API; why not, outside a cluster without
    /// `api_server` (reported as the component's health).
    api: Result<Arc<Api>, Error>,
}

impl Settings {
    /// The role's targets from what the watches hold.
    fn targets(&self, cache: &Cache) -> Vec<Labels> {
        match self.role {
            Role::Node => node::targets(cache),
            Role::Pod => pod::targets(cache, self.attach_node),
            Role::Service => service::targets(cache),
            Role::Endpoints => endpoints::targets(cache, self.attach_node),
            Role::EndpointSlice => endpointslice::targets(cache, self.attach_node),
            Role::Ingress => ingress::targets(cache),
        }
    }
}

fn settings(args: &Args) -> Result<Settings, Error> {
    let name: String = args.require("role")?;
    let role = Role::parse(&name).ok_or_else(|| args.invalid("role", "unknown role"))?;
    let block = args.block_or_empty("namespaces");
    let own: bool = block.get("own_namespace")?;
    let mut namespaces: Vec<String> = block.get("names")?;
    let selectors = selectors(args, role)?;
    let attach_node = args.block_or_empty("attach_metadata").get("node")?;
    let api = source(args, &block, own)?.map(|(api, mine)| {
        namespaces.extend(mine);
        Arc::new(api)
    });
    // A namespace named twice is watched once.
    namespaces.sort();
    namespaces.dedup();
    Ok(Settings { role, namespaces, selectors, attach_node, api })
}

/// How to reach the API, and the own namespace when asked for: through
/// `api_server` with the shared client settings, as `kubeconfig_file`
/// says, or in the cluster this runs in. What Prometheus refuses together
/// is refused; being outside a cluster is the inner error, which leaves
/// the component running, unhealthy with the reason.
fn source(args: &Args, namespaces: &Args, own: bool) -> Result<Result<Source, Error>, Error> {
    let server = args.opt::<String>("api_server")?.filter(|s| !s.is_empty());
    let kubeconfig = args.opt::<String>("kubeconfig_file")?.filter(|s| !s.is_empty());
    // Built whatever the source, so that every shared setting is read and
    // checked; only api_server uses it as it is.
    let client = HttpClient::from_args(args, connection::CLIENT_TIMEOUT)?;
    if server.is_some() && kubeconfig.is_some() {
        let why = "cannot be set together with api_server, as in Prometheus";
        return Err(args.invalid("kubeconfig_file", why).into());
    }
    if let (Some(name), None) = (custom_client(args)?, &server) {
        let why = match kubeconfig {
            Some(_) => "cannot be set together with kubeconfig_file, which says how to connect",
            None => "needs api_server: the in-cluster configuration brings its own client",
        };
        return Err(args.invalid(name, why).into());
    }
    if own && (server.is_some() || kubeconfig.is_some()) {
        let why = "needs the in-cluster configuration (neither api_server nor kubeconfig_file)";
        return Err(namespaces.invalid("own_namespace", why).into());
    }
    Ok(match (server, kubeconfig) {
        (Some(server), _) => Ok((Api::server(args, &server, client)?, None)),
        (None, Some(path)) => Ok((kubeconfig::load(Path::new(&path), client)?, None)),
        (None, None) => connection::in_cluster(client, own),
    })
}

/// The API, and the own namespace when asked for.
type Source = (Api, Option<String>);

/// The first shared client setting that differs from the default, which
/// Prometheus refuses unless `api_server` is set (the kubeconfig and the
/// in-cluster configuration say how to connect themselves).
fn custom_client(args: &Args) -> Result<Option<&'static str>, Error> {
    for block in ["basic_auth", "authorization", "oauth2", "tls_config"] {
        if args.block(block).is_some() {
            return Ok(Some(block));
        }
    }
    if args.opt::<Secret>("bearer_token")?.is_some_and(|t| !t.0.is_empty()) {
        return Ok(Some("bearer_token"));
    }
    for name in ["bearer_token_file", "proxy_url", "no_proxy"] {
        if args.opt::<String>(name)?.is_some_and(|v| !v.is_empty()) {
            return Ok(Some(name));
        }
    }
    let headers: indexmap::IndexMap<String, Vec<Secret>> = args.get("proxy_connect_header")?;
    if !headers.is_empty() {
        return Ok(Some("proxy_connect_header"));
    }
    if args.get::<bool>("proxy_from_environment")? {
        return Ok(Some("proxy_from_environment"));
    }
    for name in ["enable_http2", "follow_redirects"] {
        if !args.get::<bool>(name)? {
            return Ok(Some(name));
        }
    }
    Ok(None)
}

/// The `selectors` blocks, one per resource, each for a resource the role
/// reads (as Prometheus checks them).
fn selectors(args: &Args, role: Role) -> Result<BTreeMap<Role, Selector>, Error> {
    let mut out = BTreeMap::new();
    for block in args.blocks("selectors") {
        let name: String = block.require("role")?;
        let selector = Selector { label: block.get("label")?, field: block.get("field")? };
        let Some(of) = Role::parse(&name) else {
            let why = "expecting one of pod, service, endpoints, endpointslice, node or ingress";
            return Err(block.invalid("role", why).into());
        };
        if !role.selectable().contains(&of) {
            let allowed: Vec<&str> = role.selectable().iter().map(|r| r.name()).collect();
            let why =
                format!("{} role supports only {} selectors", role.name(), allowed.join(", "));
            return Err(block.invalid("role", why).into());
        }
        if out.insert(of, selector).is_some() {
            return Err(block.invalid("role", format!("duplicated selector role: {name}")).into());
        }
    }
    Ok(out)
}

/// Builds the component: empty targets first, then the watches.
fn build(ctx: Ctx, args: &Args) -> Result<Arc<dyn Component>, Error> {
    let current = Arc::new(Mutex::new(Arc::new(settings(args)?)));
    let changed = Arc::new(Notify::new());
    run::export(&ctx, &[]);
    ctx.spawn(run::run(ctx.clone(), current.clone(), changed.clone()));
    Ok(Arc::new(Kubernetes { current, changed }))
}

struct Kubernetes {
    current: run::Current,
    changed: Arc<Notify>,
}

impl Component for Kubernetes {
    /// New settings restart the watches; the targets exported stay until
    /// the new ones are known.
    fn update(&self, args: &Args) -> Result<(), Error> {
        *self.current.lock() = Arc::new(settings(args)?);
        self.changed.notify_one();
        Ok(())
    }
}
