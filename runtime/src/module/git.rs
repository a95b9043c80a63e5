//! `import.git` and `module.git`: a module read from a path (a file, or a
//! directory's `*.river` files) at a revision (a branch, a tag or a
//! commit) of a Git repository. The repository is mirrored under the
//! component's storage (`<storage.path>/<id>/repo`) by the `git` program
//! and read from its object database, with no work tree; it is fetched
//! again every `pull_frequency`. A fetch that fails keeps what the mirror
//! holds, so the last good version runs (also across a restart, when the
//! server is down at start), and the component's health says why.
//!
//! Credentials reach `git` through its environment, never its command
//! line: basic auth as an `Authorization` header (`GIT_CONFIG_*`), an SSH
//! key as a file of the component's own (mode 0600) named by
//! `GIT_SSH_COMMAND`, its passphrase through `SSH_ASKPASS`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use river_analyzer::load::Source;
use river_analyzer::value::Secret;

use crate::args::Args;
use crate::error::Error;

/// Where a module lives in a repository, and how to reach it.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct GitOrigin {
    repository: String,
    revision: String,
    path: String,
    pub(crate) every: Duration,
    /// The mirror: `<data_dir>/repo`.
    mirror: PathBuf,
    /// Environment for `git` (credentials).
    env: Vec<(String, String)>,
}

impl std::fmt::Debug for GitOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}@{}:{}", self.repository, self.revision, self.path)
    }
}

impl GitOrigin {
    pub(crate) fn of(args: &Args, data_dir: &Path) -> Result<GitOrigin, Error> {
        let mut env = Vec::new();
        if let Some(basic) = args.block("basic_auth") {
            env.extend(basic_auth(basic)?);
        }
        if let Some(ssh) = args.block("ssh_key") {
            env.extend(ssh_key(ssh, data_dir)?);
        }
        Ok(GitOrigin {
            repository: args.require("repository")?,
            revision: args.get("revision")?,
            path: args.require("path")?,
            every: args.get("pull_frequency")?,
            mirror: data_dir.join("repo"),
            env,
        })
    }

    /// Fetches, then reads the module. A fetch that fails with a mirror
    /// in place reads the mirror and reports the failure beside it.
    pub(crate) fn read(&self) -> (Result<Vec<Source>, Error>, Option<Error>) {
        match self.fetch() {
            Ok(()) => (self.files(), None),
            Err(error) if self.mirror.join("HEAD").exists() => (self.files(), Some(error)),
            Err(error) => (Err(error), None),
        }
    }

    /// Clones the mirror, or brings it up to date.
    fn fetch(&self) -> Result<(), Error> {
        if self.mirror.join("HEAD").exists() {
            return self.git(&["fetch", "--quiet", "--prune", "--force", "origin"]).map(drop);
        }
        std::fs::create_dir_all(&self.mirror).map_err(|e| Error::file(self.mirror.display(), e))?;
        let mirror = self.mirror.display().to_string();
        let cloned =
            run(&self.env, None, &["clone", "--quiet", "--mirror", &self.repository, &mirror]);
        if cloned.is_err() {
            let _ = std::fs::remove_dir_all(&self.mirror);
        }
        cloned.map(drop).map_err(|e| Error::remote(&self.repository, e))
    }

    /// The module's files at the revision: the path's own file, or its
    /// directory's `*.river` files.
    fn files(&self) -> Result<Vec<Source>, Error> {
        let commit = self
            .git(&["rev-parse", "--verify", "--quiet", &format!("{}^{{commit}}", self.revision)])
            .map_err(|_| {
                Error::setting(
                    "revision",
                    format!("{:?} names no commit of {}", self.revision, self.repository),
                )
            })?;
        let commit = commit.trim();
        let path = self.path.trim_matches('/');
        let kind = self.git(&["cat-file", "-t", &format!("{commit}:{path}")]).map_err(|_| {
            Error::setting(
                "path",
                format!("{path:?} is not in {} at {}", self.repository, self.revision),
            )
        })?;
        let names: Vec<String> = if kind.trim() == "tree" {
            let listing = self.git(&["ls-tree", "--name-only", &format!("{commit}:{path}")])?;
            let files = listing.lines().filter(|n| n.ends_with(".river"));
            files.map(|n| format!("{path}/{n}")).collect()
        } else {
            vec![path.to_owned()]
        };
        names
            .into_iter()
            .map(|name| {
                let text = self.git(&["show", &format!("{commit}:{name}")])?;
                Ok(Source::text(format!("{}/{name}", self.repository.trim_end_matches('/')), text))
            })
            .collect()
    }

    /// `git` on the mirror.
    fn git(&self, args: &[&str]) -> Result<String, Error> {
        run(&self.env, Some(&self.mirror), args).map_err(|e| Error::remote(&self.repository, e))
    }
}

/// Runs `git` with `args` (in the bare repository `dir`), its output or
/// its error's last line.
fn run(env: &[(String, String)], dir: Option<&Path>, args: &[&str]) -> Result<String, String> {
    let mut command = Command::new("git");
    if let Some(dir) = dir {
        command.arg("--git-dir").arg(dir);
    }
    command.args(args).envs(env.iter().map(|(k, v)| (k, v)));
    // Never ask a terminal for anything.
    command.env("GIT_TERMINAL_PROMPT", "0").stdin(std::process::Stdio::null());
    let output = command.output().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            "import.git needs the `git` program, which is not installed".to_owned()
        }
        _ => format!("cannot run git: {e}"),
    })?;
    if output.status.success() {
        return Ok(String::from_utf8_lossy(&output.stdout).into_owned());
    }
    Err(git_error(&String::from_utf8_lossy(&output.stderr)))
}

/// What git said went wrong, on one line: its lines but the advice it
/// adds ("Please make sure you have the correct access rights ...").
fn git_error(stderr: &str) -> String {
    let said: Vec<&str> = stderr
        .lines()
        .map(|l| l.trim().trim_start_matches("fatal: ").trim_start_matches("error: "))
        .take_while(|l| !l.starts_with("Please make sure"))
        .filter(|l| !l.is_empty())
        .collect();
    if said.is_empty() {
        "git failed".into()
    } else {
        said.join("; ")
    }
}

/// Basic auth as a header for every HTTP request git makes.
fn basic_auth(block: &Args) -> Result<Vec<(String, String)>, Error> {
    use base64::Engine;
    let username: String = block.get("username")?;
    let password = match block.opt::<Secret>("password")? {
        Some(secret) => secret.0.to_string(),
        None => match block.opt::<String>("password_file")? {
            Some(file) => std::fs::read_to_string(&file)
                .map_err(|e| Error::file(&file, e))?
                .trim_end_matches('\n')
                .to_owned(),
            None => String::new(),
        },
    };
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"));
    Ok(git_config(&[("http.extraHeader", format!("Authorization: Basic {token}"))]))
}

/// An SSH key as a file of the component's own, named by the SSH command
/// git runs; a passphrase through `SSH_ASKPASS`.
fn ssh_key(block: &Args, data_dir: &Path) -> Result<Vec<(String, String)>, Error> {
    let username: String = block.require("username")?;
    let key_file = match block.opt::<Secret>("key")? {
        Some(key) => {
            let file = data_dir.join("ssh_key");
            write_private(&file, &format!("{}\n", key.0.trim_end()))?;
            file
        }
        None => PathBuf::from(block.require::<String>("key_file")?),
    };
    let quoted = key_file.display().to_string().replace('\'', "'\\''");
    let command = format!(
        "ssh -i '{quoted}' -l '{}' -o IdentitiesOnly=yes -o BatchMode=no -o StrictHostKeyChecking=accept-new",
        username.replace('\'', "'\\''")
    );
    let mut env = vec![("GIT_SSH_COMMAND".to_owned(), command)];
    if let Some(passphrase) = block.opt::<Secret>("passphrase")? {
        let askpass = data_dir.join("ssh_askpass");
        write_private(&askpass, "#!/bin/sh\nprintf '%s\\n' \"$FLOW_SSH_PASSPHRASE\"\n")?;
        set_mode(&askpass, 0o700)?;
        env.push(("SSH_ASKPASS".into(), askpass.display().to_string()));
        env.push(("SSH_ASKPASS_REQUIRE".into(), "force".into()));
        env.push(("FLOW_SSH_PASSPHRASE".into(), passphrase.0.to_string()));
    }
    Ok(env)
}

/// Settings for git through its environment (`GIT_CONFIG_COUNT`).
fn git_config(pairs: &[(&str, String)]) -> Vec<(String, String)> {
    let mut env = vec![("GIT_CONFIG_COUNT".to_owned(), pairs.len().to_string())];
    for (i, (key, value)) in pairs.iter().enumerate() {
        env.push((format!("GIT_CONFIG_KEY_{i}"), (*key).to_owned()));
        env.push((format!("GIT_CONFIG_VALUE_{i}"), value.clone()));
    }
    env
}

fn write_private(file: &Path, text: &str) -> Result<(), Error> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::file(dir.display(), e))?;
    }
    std::fs::write(file, text).map_err(|e| Error::file(file.display(), e))?;
    set_mode(file, 0o600)
}

fn set_mode(file: &Path, mode: u32) -> Result<(), Error> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(file, std::fs::Permissions::from_mode(mode))
        .map_err(|e| Error::file(file.display(), e))
}

#[cfg(test)]
mod tests {
    #[test]
    fn git_errors_keep_the_reason_and_drop_the_advice() {
        let stderr = "ssh: connect to host 127.0.0.1 port 9: Connection refused\r\n\
                      fatal: Could not read from remote repository.\n\n\
                      Please make sure you have the correct access rights\nand the repository exists.\n";
        assert_eq!(
            super::git_error(stderr),
            "ssh: connect to host 127.0.0.1 port 9: Connection refused; Could not read from remote repository."
        );
        assert_eq!(super::git_error(""), "git failed");
    }
}
