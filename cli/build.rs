//! Links the binaries as position-dependent executables.
//!
//! A short run (`flowfmt` on one file, `flow parse`) is mostly process
//! start, and a position-independent executable starts by patching tens of
//! thousands of pointers in its read-only data, one copied page at a time:
//! linked at a fixed address, `flow --version` starts in about two thirds
//! of the time (bench/syntax). Only the final link changes; the code is the
//! same. Linux on x86-64 only, where the toolchain links with `cc`.
fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    if os == "linux" && arch == "x86_64" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
