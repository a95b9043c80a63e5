//! `discovery.process`: the processes of this Linux host as targets, read
//! from `/proc` every `refresh_interval` as the reference reads them
//! (gopsutil): `__process_pid__`, and as `discover_config` asks,
//! `__meta_process_exe`, `_cwd`, `_commandline` (arguments joined by
//! spaces), `_uid` (the real one), `_username` and `__container_id__`
//! (from the process's cgroup). A process whose executable, directory,
//! command line or cgroup cannot be read (a kernel thread, another user's
//! process without the right) is left out, as in the reference. `join`
//! merges targets of other discoveries into the processes of the same
//! container.

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use river_runtime::args::Args;
use river_runtime::component::Registration;
use river_runtime::error::Error;
use river_runtime::labels::Labels;
use river_runtime::targets;

use crate::refresh::{self, Discover, Found};

/// Which labels to read (`discover_config`).
#[derive(Clone, Copy)]
struct Wanted {
    exe: bool,
    cwd: bool,
    commandline: bool,
    uid: bool,
    username: bool,
    container_id: bool,
}

struct Settings {
    join: Vec<Labels>,
    wanted: Wanted,
}

fn settings(args: &Args) -> Result<Settings, Error> {
    if !Path::new("/proc/self/stat").exists() {
        let why = "discovery.process reads /proc, which this host does not have";
        return Err(Error::invalid(why));
    }
    let join = args.decode_with("join", |v| match v {
        river_analyzer::Value::Null => Ok(Vec::new()),
        v => targets::from_value(v),
    })?;
    let config = args.block_or_empty("discover_config");
    let wanted = Wanted {
        exe: config.get("exe")?,
        cwd: config.get("cwd")?,
        commandline: config.get("commandline")?,
        uid: config.get("uid")?,
        username: config.get("username")?,
        container_id: config.get("container_id")?,
    };
    Ok(Settings { join, wanted })
}

/// `discovery.process`.
pub const DISCOVERY_PROCESS: Registration = Registration {
    name: "discovery.process",
    build: refresh::build::<Processes>,
    without_effect: &[],
};

#[derive(Default)]
struct Processes;

impl Discover for Processes {
    type Settings = Settings;
    const SETTINGS: fn(&Args) -> Result<Settings, Error> = settings;

    async fn round(&mut self, settings: &Settings) -> Result<Found, Error> {
        let wanted = settings.wanted;
        let found = tokio::task::spawn_blocking(move || processes(wanted))
            .await
            .map_err(|e| Error::invalid(e.to_string()))?
            .map_err(|e| Error::invalid(format!("cannot list /proc: {e}")))?;
        Ok(join(found, &settings.join).into())
    }
}

/// Every process that could be read, in `/proc`'s order.
fn processes(wanted: Wanted) -> std::io::Result<Vec<Labels>> {
    let mut pids: Vec<u32> = std::fs::read_dir("/proc")?
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    pids.sort_unstable();
    Ok(pids.into_iter().filter_map(|pid| process(pid, wanted)).collect())
}

/// One process's labels; none when a wanted part cannot be read.
fn process(pid: u32, wanted: Wanted) -> Option<Labels> {
    let dir = format!("/proc/{pid}");
    let link = |name: &str| std::fs::read_link(format!("{dir}/{name}")).ok();
    let mut pairs: Vec<(&str, String)> = vec![("__process_pid__", pid.to_string())];
    if wanted.exe {
        pairs.push(("__meta_process_exe", link("exe")?.display().to_string()));
    }
    if wanted.cwd {
        pairs.push(("__meta_process_cwd", link("cwd")?.display().to_string()));
    }
    if wanted.commandline {
        let raw = std::fs::read(format!("{dir}/cmdline")).ok()?;
        let words: Vec<String> = raw
            .split(|b| *b == 0)
            .filter(|w| !w.is_empty())
            .map(|w| String::from_utf8_lossy(w).into_owned())
            .collect();
        pairs.push(("__meta_process_commandline", words.join(" ")));
    }
    if wanted.uid || wanted.username {
        let uid = real_uid(&dir);
        if wanted.username {
            let name = uid.as_deref().and_then(user_name).unwrap_or_default();
            pairs.push(("__meta_process_username", name));
        }
        if wanted.uid {
            pairs.push(("__meta_process_uid", uid.unwrap_or_default()));
        }
    }
    if wanted.container_id {
        let cgroup = std::fs::read_to_string(format!("{dir}/cgroup")).ok()?;
        pairs.push(("__container_id__", container_id(&cgroup).unwrap_or_default()));
    }
    // Empty values are left out, as the reference leaves them.
    Some(Labels::from_pairs(pairs))
}

/// The real user id, from the `Uid:` line of `/proc/<pid>/status`.
fn real_uid(dir: &str) -> Option<String> {
    let status = std::fs::read_to_string(format!("{dir}/status")).ok()?;
    let line = status.lines().find_map(|l| l.strip_prefix("Uid:"))?;
    line.split_whitespace().next().map(str::to_owned)
}

/// The name of user `uid` in `/etc/passwd` (read once), as Go's
/// `os/user` finds it without cgo.
fn user_name(uid: &str) -> Option<String> {
    static USERS: OnceLock<HashMap<String, String>> = OnceLock::new();
    let users = USERS.get_or_init(|| {
        let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
        passwd
            .lines()
            .filter_map(|l| {
                let mut fields = l.split(':');
                let name = fields.next()?;
                let id = fields.nth(1)?;
                Some((id.to_owned(), name.to_owned()))
            })
            .collect()
    });
    users.get(uid).cloned()
}

/// The container of a process, from its cgroup lines: the reference's
/// pattern `^.*/(?:.*-)?([0-9a-f]{64})(?:\.|\s*$)`.
fn container_id(cgroup: &str) -> Option<String> {
    static PATTERN: OnceLock<regex::Regex> = OnceLock::new();
    let pattern = PATTERN.get_or_init(|| {
        regex::Regex::new(r"^.*/(?:.*-)?([0-9a-f]{64})(?:\.|\s*$)").expect("a valid pattern")
    });
    cgroup.lines().find_map(|l| pattern.captures(l).map(|c| c[1].to_owned()))
}

/// The reference's join: each process in a container gets the labels of
/// the `join` target of that container; `join` targets are kept as well
/// (those of a container once each), and processes without one as they are.
fn join(processes: Vec<Labels>, containers: &[Labels]) -> Vec<Labels> {
    let mut by_container: Vec<(String, &Labels)> = Vec::new();
    let mut out = Vec::with_capacity(processes.len() + containers.len());
    for target in containers {
        match container_of(target) {
            Some(id) => match by_container.iter_mut().find(|(k, _)| *k == id) {
                Some(slot) => slot.1 = target,
                None => by_container.push((id, target)),
            },
            None => out.push(target.clone()),
        }
    }
    for process in processes {
        let found = container_of(&process)
            .and_then(|id| by_container.iter().find(|(k, _)| *k == id).map(|(_, t)| *t));
        match found {
            Some(container) => {
                let pairs = process.iter().chain(container.iter());
                out.push(Labels::from_pairs(pairs.collect::<Vec<_>>()));
            }
            None => out.push(process),
        }
    }
    out.extend(by_container.into_iter().map(|(_, t)| t.clone()));
    out
}

/// A target's container id: its own label, Kubernetes's (without the
/// runtime's scheme) or Docker's, as the reference reads them.
fn container_of(target: &Labels) -> Option<String> {
    if let Some(id) = target.get("__container_id__") {
        return Some(id.to_owned());
    }
    if let Some(id) = target.get("__meta_kubernetes_pod_container_id") {
        return ["docker://", "containerd://", "cri-o://"]
            .iter()
            .find_map(|p| id.strip_prefix(p))
            .map(str::to_owned);
    }
    target.get("__meta_docker_container_id").map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "2a3e1b4c5d6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b";

    #[test]
    fn container_ids_from_cgroup_lines() {
        assert_eq!(container_id(&format!("0::/docker/{ID}\n")).as_deref(), Some(ID));
        let scope = format!("0::/system.slice/docker-{ID}.scope\n");
        assert_eq!(container_id(&scope).as_deref(), Some(ID));
        let kube = format!("12:pids:/kubepods/besteffort/pod1/cri-containerd-{ID}.scope");
        assert_eq!(container_id(&kube).as_deref(), Some(ID));
        assert_eq!(container_id("0::/user.slice/session-1.scope\n"), None);
        assert_eq!(container_id(&format!("0::/x/{}", &ID[..63])), None);
    }

    #[test]
    fn join_as_the_reference_joins() {
        let labels = |pairs: &[(&str, &str)]| Labels::from_pairs(pairs.iter().copied());
        let processes = vec![
            labels(&[("__process_pid__", "1"), ("__container_id__", "c1")]),
            labels(&[("__process_pid__", "2")]),
        ];
        let containers = vec![
            labels(&[("pod", "pod-1"), ("__container_id__", "c1")]),
            labels(&[("pod", "pod-2"), ("__meta_kubernetes_pod_container_id", "docker://c2")]),
            labels(&[("other", "x")]),
        ];
        let joined: Vec<String> =
            join(processes, &containers).iter().map(|l| l.to_string()).collect();
        assert_eq!(
            joined,
            [
                "{other=\"x\"}",
                "{__container_id__=\"c1\", __process_pid__=\"1\", pod=\"pod-1\"}",
                "{__process_pid__=\"2\"}",
                "{__container_id__=\"c1\", pod=\"pod-1\"}",
                "{__meta_kubernetes_pod_container_id=\"docker://c2\", pod=\"pod-2\"}",
            ]
        );
    }
}
