//! Link settings for the binaries.
//!
//! A short run (`flowfmt` on one file, `flow parse`) is mostly process
//! start. `cargo xtask dist` links the binaries statically at a fixed
//! address on x86-64 Linux, so that starting one loads no shared library
//! and patches no pointers (bench/syntax, xtask/src/dist.rs). In a plain
//! build, `-no-pie` still saves the pointer patching.
fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    if os == "linux" && arch == "x86_64" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    // mimalloc built without its start-up constructor (see `src/alloc.rs`)
    // must be started by `flow run` itself.
    println!("cargo::rustc-check-cfg=cfg(mimalloc_started_by_us)");
    let cflags = "CFLAGS_x86_64_unknown_linux_gnu";
    println!("cargo:rerun-if-env-changed={cflags}");
    if std::env::var(cflags).is_ok_and(|f| f.contains("MI_PRIM_HAS_PROCESS_ATTACH")) {
        println!("cargo:rustc-cfg=mimalloc_started_by_us");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
