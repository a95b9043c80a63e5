//! `discovery.dockerswarm`: a Docker Swarm manager's services, tasks or
//! nodes (`role`) as targets, as the Prometheus release the reference
//! carries makes them, with the `__meta_dockerswarm_*` labels. The three
//! roles ask the same engine API (`crate::engine`); each has its file.

mod model;
mod nodes;
mod services;
mod tasks;

use std::time::Duration;

use river_runtime::args::Args;
use river_runtime::component::Registration;
use river_runtime::error::Error;

use crate::engine::Engine;
use crate::refresh::{self, Discover, Found};

#[derive(Clone, Copy)]
enum Role {
    Services,
    Tasks,
    Nodes,
}

pub(crate) struct Settings {
    engine: Engine,
    role: Role,
    /// The port of targets whose service publishes none.
    port: u16,
}

fn settings(args: &Args) -> Result<Settings, Error> {
    let refresh: Duration = args.get("refresh_interval")?;
    let role = match args.require::<String>("role")?.as_str() {
        "services" => Role::Services,
        "tasks" => Role::Tasks,
        "nodes" => Role::Nodes,
        other => {
            let why = format!("must be one of \"services\", \"tasks\", \"nodes\", not {other:?}");
            return Err(args.invalid("role", why).into());
        }
    };
    let port: i64 = args.get("port")?;
    let port = u16::try_from(port)
        .map_err(|_| args.invalid("port", format!("{port} is not a port number")))?;
    Ok(Settings { engine: Engine::from_args(args, refresh)?, role, port })
}

/// `discovery.dockerswarm`.
pub const DISCOVERY_DOCKERSWARM: Registration = Registration {
    name: "discovery.dockerswarm",
    build: refresh::build::<Swarm>,
    without_effect: &[],
};

#[derive(Default)]
struct Swarm;

impl Discover for Swarm {
    type Settings = Settings;
    const SETTINGS: fn(&Args) -> Result<Settings, Error> = settings;

    async fn round(&mut self, settings: &Settings) -> Result<Found, Error> {
        let targets = match settings.role {
            Role::Services => services::targets(&settings.engine, settings.port).await?,
            Role::Tasks => tasks::targets(&settings.engine, settings.port).await?,
            Role::Nodes => nodes::targets(&settings.engine, settings.port).await?,
        };
        Ok(targets.into())
    }
}

/// Each of `labels` (a map of the API) as a label after `prefix`, its
/// name sanitized as Prometheus does.
fn labels_after<'a>(
    prefix: &'a str,
    labels: &'a Option<std::collections::HashMap<String, String>>,
) -> impl Iterator<Item = (String, String)> + 'a {
    labels.iter().flatten().map(move |(name, value)| {
        (format!("{prefix}{}", river_runtime::labels::sanitize_name(name)), value.clone())
    })
}
