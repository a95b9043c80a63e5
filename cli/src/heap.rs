//! Hints to the heap before a large input is parsed.
//!
//! Parsing a large file allocates several times its size in small
//! blocks, and with 4 KiB pages the kernel's work of handing out and zeroing
//! those pages was a third of `flow parse`'s time on a 10 MB file
//! (bench/syntax). Grown in one step and marked for transparent huge pages,
//! glibc's main heap takes that memory in 2 MiB pages instead. Only the
//! main heap (the one the main thread allocates from) is hinted that way:
//! the hint costs more than it saves below a few megabytes.
//!
//! Medium inputs (from 24 KiB) are parsed on two threads, and the second
//! thread's first allocation makes glibc a new heap. Such a heap starts at
//! `M_TOP_PAD` plus the block asked for, and then grows by what each
//! allocation lacks, one `mprotect` call (about a page) at a time: some 35
//! system calls on a 50 KB file, each holding the lock the other thread's
//! page faults need. A larger pad makes the new heap big enough at once.

use crate::large;

/// Inputs at least this large get the huge-page hint.
pub const MIN_INPUT: usize = 4 << 20;

/// Inputs at least this large are parsed on two threads, by `flow parse`
/// or while formatting, whichever starts at the smaller size.
const TWO_THREADS_FROM: usize = if large::FORMAT_IN_PIECES_FROM < large::PARSE_IN_PIECES_FROM {
    large::FORMAT_IN_PIECES_FROM
} else {
    large::PARSE_IN_PIECES_FROM
};

/// Prepares the heap for parsing `input_len` bytes of text.
pub fn expect_input(input_len: usize) {
    if input_len >= MIN_INPUT {
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        grow_main_heap_with_huge_pages(input_len.saturating_mul(6));
    } else if input_len >= TWO_THREADS_FROM {
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        pad_new_heaps(input_len.saturating_mul(8));
    }
}

/// Makes the heaps glibc creates from now on (the helper thread's) start
/// with `bytes` to spare: each thread parses and formats about half the
/// input, with about ten times its size allocated.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn pad_new_heaps(bytes: usize) {
    let pad = libc::c_int::try_from(bytes).unwrap_or(libc::c_int::MAX);
    // SAFETY: mallopt only changes a tuning parameter.
    unsafe { libc::mallopt(libc::M_TOP_PAD, pad) };
}

/// Grows glibc's main heap by `bytes` at once and asks the kernel to back
/// it with huge pages where it can. Nothing is committed: pages are still
/// taken only when touched. `M_TOP_PAD` makes glibc keep that much at the
/// top of the heap when it grows or trims it.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn grow_main_heap_with_huge_pages(bytes: usize) {
    const HUGE_PAGE: usize = 2 << 20;
    // Blocks below glibc's mmap threshold come from the main heap.
    const BLOCK: usize = 64 << 10;
    let Ok(pad) = libc::c_int::try_from(bytes) else { return };
    // SAFETY: mallopt, sbrk(0) and madvise are called as documented; the
    // blocks are plain malloc blocks freed right away, and madvise only
    // changes how pages of the heap's own mapping are backed.
    unsafe {
        if libc::mallopt(libc::M_TOP_PAD, pad) == 0 {
            return;
        }
        let before = libc::sbrk(0) as usize;
        // Allocate until glibc grows the heap (by the pad, from now on).
        let mut blocks = [std::ptr::null_mut(); 64];
        for block in blocks.iter_mut() {
            *block = libc::malloc(BLOCK);
            if block.is_null() || libc::sbrk(0) as usize != before {
                break;
            }
        }
        let after = libc::sbrk(0) as usize;
        for block in blocks {
            libc::free(block);
        }
        let start = before.next_multiple_of(HUGE_PAGE);
        if after > start {
            libc::madvise(start as *mut libc::c_void, after - start, libc::MADV_HUGEPAGE);
        }
    }
}
