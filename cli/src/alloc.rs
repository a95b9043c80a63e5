//! The `flow` binary's allocator: mimalloc for `flow run`, the system's
//! for every other command.
//!
//! `flow run` is a long-lived, multi-threaded process that allocates in
//! bursts (a 100,000-series scrape every 15 s); mimalloc spends a fifth
//! less CPU on it than glibc (bench/runtime.py). The other commands live
//! for a few milliseconds: mimalloc's start (reserving an arena backed by
//! huge pages the kernel zeroes) would cost them more than it saves, and
//! its size classes raise `flow parse`'s peak (bench/syntax).
//!
//! The choice is made once, from the command line, before the first
//! allocation (glibc runs `.init_array` entries with `argc, argv, envp`
//! before Rust's own start-up) and never changes, so every block is freed
//! by the allocator that gave it. Elsewhere the system allocator is used
//! throughout.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, Ordering};

use mimalloc::MiMalloc;

/// Whether this process allocates with mimalloc; set before `main`.
static USE_MIMALLOC: AtomicBool = AtomicBool::new(false);

/// Dispatches every call to the allocator chosen at start-up.
pub struct Allocator;

// SAFETY: both allocators uphold `GlobalAlloc`'s contract, and because
// `USE_MIMALLOC` is fixed before the first allocation, a block is always
// returned to (and resized by) the allocator that handed it out.
unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged; see the impl's comment.
        unsafe {
            if mimalloc() {
                MiMalloc.alloc(layout)
            } else {
                System.alloc(layout)
            }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as above.
        unsafe {
            if mimalloc() {
                MiMalloc.alloc_zeroed(layout)
            } else {
                System.alloc_zeroed(layout)
            }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe {
            if mimalloc() {
                MiMalloc.dealloc(ptr, layout)
            } else {
                System.dealloc(ptr, layout)
            }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as above.
        unsafe {
            if mimalloc() {
                MiMalloc.realloc(ptr, layout, new_size)
            } else {
                System.realloc(ptr, layout, new_size)
            }
        }
    }
}

#[inline]
fn mimalloc() -> bool {
    USE_MIMALLOC.load(Ordering::Relaxed)
}

/// A start-up hook as glibc calls the entries of `.init_array`.
pub type StartHook = unsafe extern "C" fn(
    std::ffi::c_int,
    *const *const std::ffi::c_char,
    *const *const std::ffi::c_char,
);

/// Installs [`choose`] as a start-up hook of the binary that invokes it,
/// next to `#[global_allocator]`. Only that binary links mimalloc: the
/// others never pay for its start.
#[macro_export]
macro_rules! install_allocator_choice {
    () => {
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        #[used]
        #[unsafe(link_section = ".init_array")]
        static CHOOSE_ALLOCATOR: $crate::alloc::StartHook = $crate::alloc::choose;
    };
}

/// Runs before `main` (and before anything allocates): picks mimalloc when
/// the subcommand, the first argument that is not an option, is `run`.
///
/// # Safety
///
/// Only glibc may call it, as an `.init_array` entry: with the process's
/// `argc` and `argv`, before anything has allocated.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub unsafe extern "C" fn choose(
    argc: std::ffi::c_int,
    argv: *const *const std::ffi::c_char,
    _envp: *const *const std::ffi::c_char,
) {
    let argc = usize::try_from(argc).unwrap_or(0);
    if argv.is_null() {
        return;
    }
    let args = (1..argc).map(|i| {
        // SAFETY: glibc passes the process's `argv`: `argc` valid entries,
        // each a NUL-terminated string that lives as long as the process.
        unsafe { std::ffi::CStr::from_ptr(*argv.add(i)) }.to_bytes()
    });
    if runs_pipeline(args) {
        start_mimalloc();
        tune_mimalloc();
        USE_MIMALLOC.store(true, Ordering::Relaxed);
    }
}

/// Whether these arguments (after the program name) start `flow run`: the
/// subcommand is the first argument that is not an option.
#[cfg_attr(not(all(target_os = "linux", target_env = "gnu")), allow(dead_code))]
fn runs_pipeline<'a>(mut args: impl Iterator<Item = &'a [u8]>) -> bool {
    args.find(|arg| !arg.starts_with(b"-")) == Some(b"run".as_slice())
}

/// Starts mimalloc. Built as this workspace builds it (`.cargo/config.toml`
/// defines `MI_PRIM_HAS_PROCESS_ATTACH`), mimalloc does not start itself
/// from a constructor of its own in every process that links it, which
/// would cost every short command a tenth of a millisecond (reading its
/// environment variables and /proc, mapping its first arena): only a
/// process that will use it starts it, here.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn start_mimalloc() {
    #[cfg(mimalloc_started_by_us)]
    {
        unsafe extern "C" {
            /// What mimalloc's own constructor would have called.
            fn _mi_auto_process_init();
        }
        // SAFETY: called once, before mimalloc's first allocation, on the
        // main thread: exactly as its constructor would have been.
        unsafe { _mi_auto_process_init() };
    }
}

/// mimalloc's options for a long-running pipeline, set before its first
/// allocation. Option numbers are those of `mi_option_e` in the bundled
/// mimalloc 3 `mimalloc.h`; the bindings do not name them.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_mimalloc() {
    // Scrapes come in bursts: returned to the system a second after each
    // one, freed memory would be zeroed again by the kernel for the next,
    // which cost a fifth of the CPU in the benchmark. Kept for a minute,
    // the next scrape reuses it; the peak is the same.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // Transparent huge pages: each one is resident as a whole once touched,
    // which cost a tenth more peak memory in the benchmark for no CPU.
    const ALLOW_THP: libmimalloc_sys::mi_option_t = 43;
    // SAFETY: sets two of mimalloc's documented options; no pointers are
    // involved, and options may be set before mimalloc is initialised.
    unsafe {
        libmimalloc_sys::mi_option_set(PURGE_DELAY, 60_000);
        libmimalloc_sys::mi_option_set(ALLOW_THP, 0);
    }
}

#[cfg(test)]
mod tests {
    use super::runs_pipeline;

    fn runs(args: &[&str]) -> bool {
        runs_pipeline(args.iter().map(|a| a.as_bytes()))
    }

    #[test]
    fn only_the_run_subcommand_picks_mimalloc() {
        assert!(runs(&["run", "config.river"]));
        assert!(runs(&["--color", "run", "x"]));
        assert!(!runs(&["parse", "run"]));
        assert!(!runs(&["fmt", "run.river"]));
        assert!(!runs(&["--version"]));
        assert!(!runs(&[]));
    }
}
