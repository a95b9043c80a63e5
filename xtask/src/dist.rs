//! `cargo xtask dist`: the release binaries as they ship and as `bench/`
//! measures them.
//!
//! A plain `cargo build` builds for the host with no special flags, so it
//! works on any machine. On x86-64 Linux, dist links the binaries
//! statically at a fixed address: a process that parses or formats one
//! file lives for about two milliseconds, and loading glibc, libgcc and
//! libm dynamically and patching pointers took a sixth of that
//! (`bench/syntax`). glibc resolves host names in a static binary too (its
//! `files` and `dns` lookups are built in).
//!
//! The flags go through `RUSTFLAGS` with an explicit `--target`: then
//! cargo applies them only to what is built for that target, not to build
//! scripts and proc-macros (which cannot be static). A profile cannot carry
//! rustflags, and `[target.<triple>] rustflags` without a `[build] target`
//! would reach proc-macros too.

use std::path::PathBuf;
use std::process::Command;

/// The flags dist adds for `target`, when it has any.
pub fn rustflags(target: &str) -> Option<&'static str> {
    (target == "x86_64-unknown-linux-gnu")
        .then_some("-C target-feature=+crt-static -C relocation-model=static")
}

/// Why dist could not build.
#[derive(Debug)]
pub enum DistError {
    /// A program (rustc, cargo) could not be started.
    Run { program: String, error: std::io::Error },
    /// `rustc -vV` named no host.
    NoHost { rustc: String },
    /// The build failed.
    Build { target: String, status: std::process::ExitStatus },
}

impl std::fmt::Display for DistError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DistError::Run { program, error } => write!(f, "cannot run {program}: {error}"),
            DistError::NoHost { rustc } => write!(f, "{rustc} -vV names no host"),
            DistError::Build { target, status } => {
                write!(f, "cargo build for {target} failed ({status})")
            }
        }
    }
}

/// The host's target triple, as rustc names it.
pub fn host() -> Result<String, DistError> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let out = Command::new(&rustc)
        .arg("-vV")
        .output()
        .map_err(|error| DistError::Run { program: rustc.clone(), error })?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .map(str::to_owned)
        .ok_or(DistError::NoHost { rustc })
}

/// Builds the release binaries for `target` and returns their folder.
pub fn build(target: &str) -> Result<PathBuf, DistError> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(&cargo);
    command.args(["build", "--release", "--locked", "--package", "river-cli", "--bins"]);
    command.args(["--target", target]);
    // RUSTFLAGS wins over every other source of flags: set it always, so
    // that one from the caller's shell does not slip into a dist build.
    command.env("RUSTFLAGS", rustflags(target).unwrap_or(""));
    let status = command.status().map_err(|error| DistError::Run { program: cargo, error })?;
    if !status.success() {
        return Err(DistError::Build { target: target.to_owned(), status });
    }
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"), PathBuf::from);
    Ok(dir.join(target).join("release"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_flags_only_for_x86_64_linux_gnu() {
        assert!(rustflags("x86_64-unknown-linux-gnu").unwrap().contains("crt-static"));
        assert_eq!(rustflags("aarch64-unknown-linux-gnu"), None);
        assert_eq!(rustflags("aarch64-apple-darwin"), None);
        assert_eq!(rustflags("x86_64-unknown-linux-musl"), None);
    }

    #[test]
    fn host_is_a_triple() {
        let host = host().unwrap();
        assert!(host.split('-').count() >= 3, "{host}");
    }
}
