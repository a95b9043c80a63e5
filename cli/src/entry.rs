//! How every binary starts: a C `main` (`#![no_main]`) instead of Rust's.
//!
//! Before a Rust `main`, std reads `/proc/self/maps` to find the main
//! thread's stack guard and installs handlers that report a stack overflow
//! by name: about 45 µs per process, 3 % of formatting a 50 KB file. A
//! River tool nests no deeper than the syntax's nesting limit, so a report
//! of a stack overflow buys nothing here (one would still end the process,
//! with a plain SIGSEGV). Of the rest of std's setup, what a command-line
//! tool relies on is done here: standard descriptors that were closed are
//! opened on `/dev/null` (so no file the tool opens becomes its standard
//! output), SIGPIPE is ignored (a closed pipe is a write error), standard
//! output is flushed at the end, and a panic exits with 101.

use std::io::Write;

use crate::ExitStatus;

/// Runs a binary's body and gives the process's exit code. Call it from an
/// `extern "C" fn main` of a `#![no_main]` binary.
pub fn run(body: impl FnOnce() -> ExitStatus) -> i32 {
    #[cfg(unix)]
    prepare_process();
    let status = std::panic::catch_unwind(std::panic::AssertUnwindSafe(body));
    let _ = std::io::stdout().flush();
    match status {
        Ok(status) => status as i32,
        // The panic hook has printed the message, as std's `main` would.
        Err(_) => 101,
    }
}

#[cfg(unix)]
fn prepare_process() {
    let mut fds = [0, 1, 2].map(|fd| libc::pollfd { fd, events: 0, revents: 0 });
    // SAFETY: three valid pollfd entries; a zero timeout only checks them.
    if unsafe { libc::poll(fds.as_mut_ptr(), 3, 0) } > 0 {
        for fd in fds.iter().filter(|fd| fd.revents & libc::POLLNVAL != 0) {
            open_dev_null_at(fd.fd);
        }
    }
    // SAFETY: setting a signal's disposition to "ignore" has no preconditions.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
}

/// Opens `/dev/null` on the closed descriptor `fd`: the lowest free one,
/// as the lower standard descriptors are open (or opened first).
#[cfg(unix)]
fn open_dev_null_at(fd: libc::c_int) {
    // SAFETY: a NUL-terminated path; the descriptor is kept for the process.
    let opened = unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) };
    if opened >= 0 && opened != fd {
        // SAFETY: both descriptors are valid; the stray one is closed.
        unsafe {
            libc::dup2(opened, fd);
            libc::close(opened);
        }
    }
}

/// [`run`] for a binary whose arguments are `C`: parses them (a parse error,
/// help or the version is printed and ends the process) and runs `body`.
pub fn run_cli<C: clap::Parser>(body: impl FnOnce(C) -> ExitStatus) -> i32 {
    run(|| match C::try_parse() {
        Ok(cli) => body(cli),
        Err(e) => crate::exit::clap_error(e),
    })
}
