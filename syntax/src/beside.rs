//! Running two pieces of work at once, the second on a helper thread kept
//! off the caller's core.
//!
//! Left alone, Linux starts a new thread on the core of the thread that made
//! it and moves it only later: on the two-core machines this was measured on,
//! a helper for a millisecond of work mostly ran after the caller had
//! finished, not beside it. So the helper pins itself to another core the
//! process may use as soon as it runs, and the caller, if the helper has
//! not run yet, yields its core for a moment so that it can. Only the
//! helper is pinned: it ends with the work.
//!
//! The second piece goes to whichever thread gets to it first: a caller
//! done with its own piece before the helper started (its core busy with
//! something else) does the second piece itself, so two threads never take
//! longer than one by more than the cost of starting the helper.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

/// Whether this process may run on at least two cores. Cheap: one system
/// call, no files read. (A CPU quota of a container is not consulted: the
/// helper then shares the quota, which costs a thread start and no more.)
pub fn two_cores() -> bool {
    #[cfg(target_os = "linux")]
    {
        affinity::allowed().is_some_and(|set| cpu_count(&set) >= 2)
    }
    #[cfg(not(target_os = "linux"))]
    {
        std::thread::available_parallelism().is_ok_and(|n| n.get() >= 2)
    }
}

/// Runs `here` on this thread and `there` on a helper thread at the same
/// time (or after `here`, on this thread, if the helper has not started by
/// then), and returns both results. A panic in either is passed on.
pub fn join<A, B>(here: impl FnOnce() -> A, there: impl FnOnce() -> B + Send) -> (A, B)
where
    B: Send,
{
    #[cfg(target_os = "linux")]
    let caller = affinity::current_cpu();
    let job = Mutex::new(Some(there));
    let take = || job.lock().unwrap_or_else(PoisonError::into_inner).take();
    let moved = AtomicBool::new(false);
    // The helper's outcome comes back through here rather than by joining
    // the thread: the scope ends as soon as the helper's work returns, not
    // after the thread has been torn down.
    let outcome = Mutex::new(None);
    let (a, stolen) = std::thread::scope(|scope| {
        scope.spawn(|| {
            #[cfg(target_os = "linux")]
            affinity::pin_elsewhere(caller);
            moved.store(true, Ordering::Release);
            if let Some(there) = take() {
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(there));
                *outcome.lock().unwrap_or_else(PoisonError::into_inner) = Some(result);
            }
        });
        // A helper still waiting on this core gets it for a moment, to move.
        if !moved.load(Ordering::Acquire) {
            std::thread::yield_now();
        }
        let a = here();
        (a, take().map(|there| there()))
    });
    let b = match stolen {
        Some(b) => b,
        None => outcome
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
            .expect("the helper ran the job it took")
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
    };
    (a, b)
}

#[cfg(target_os = "linux")]
fn cpu_count(set: &libc::cpu_set_t) -> usize {
    // SAFETY: CPU_COUNT only reads the set.
    unsafe { libc::CPU_COUNT(set) as usize }
}

#[cfg(target_os = "linux")]
mod affinity {
    use libc::cpu_set_t;

    /// The cores this thread may run on.
    pub(super) fn allowed() -> Option<cpu_set_t> {
        // SAFETY: the set is plain data, written by the kernel.
        unsafe {
            let mut set: cpu_set_t = std::mem::zeroed();
            (libc::sched_getaffinity(0, size_of::<cpu_set_t>(), &mut set) == 0).then_some(set)
        }
    }

    pub(super) fn current_cpu() -> Option<usize> {
        // SAFETY: no arguments; a negative answer is an error.
        usize::try_from(unsafe { libc::sched_getcpu() }).ok()
    }

    /// The allowed cores but `cpu`, if any remain.
    fn elsewhere(cpu: Option<usize>) -> Option<cpu_set_t> {
        let mut set = allowed()?;
        // SAFETY: CPU_CLR and CPU_COUNT work on the set in place.
        unsafe {
            libc::CPU_CLR(cpu?, &mut set);
            (libc::CPU_COUNT(&set) > 0).then_some(set)
        }
    }

    /// Pins the calling thread off `cpu`.
    pub(super) fn pin_elsewhere(cpu: Option<usize>) {
        if let Some(set) = elsewhere(cpu) {
            // SAFETY: a valid set; failing only leaves the thread unpinned.
            unsafe { libc::sched_setaffinity(0, size_of::<cpu_set_t>(), &set) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_sides_run_and_return() {
        let text = "ab".repeat(1000);
        let (a, b) = join(|| text.len(), || text.matches('b').count());
        assert_eq!((a, b), (2000, 1000));
    }

    #[test]
    fn each_piece_runs_once_whichever_thread_takes_the_second() {
        // With an instant first piece the caller often gets to the second
        // piece before the helper has started, and does it itself; with a
        // longer one the helper does. Either way each runs exactly once.
        for spin in [0, 0, 0, 0, 200_000] {
            let runs = std::sync::atomic::AtomicUsize::new(0);
            let count = || runs.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let (_, first) =
                join(|| (0..spin).fold(0u64, |x, i| std::hint::black_box(x ^ i)), count);
            assert_eq!((first, runs.into_inner()), (0, 1));
        }
    }

    #[test]
    fn a_panic_on_the_helper_reaches_the_caller() {
        let result = std::panic::catch_unwind(|| join(|| 1, || -> u8 { panic!("helper failed") }));
        let message = result.unwrap_err();
        assert_eq!(message.downcast_ref::<&str>(), Some(&"helper failed"));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_helper_is_kept_off_the_callers_core_and_the_caller_is_not_pinned() {
        if !two_cores() {
            // One core: nothing to keep apart; the helper shares it.
            assert_eq!(join(|| 1, || 2), (1, 2));
            return;
        }
        let before = affinity::allowed().map(|s| cpu_count(&s));
        // The caller waits until the helper has taken the second piece.
        let taken = std::sync::atomic::AtomicBool::new(false);
        let wait = || {
            while !taken.load(std::sync::atomic::Ordering::SeqCst) {
                std::thread::yield_now();
            }
        };
        let ((), helper_set) = join(wait, || {
            taken.store(true, std::sync::atomic::Ordering::SeqCst);
            affinity::allowed().unwrap()
        });
        // The helper may use every allowed core but the one the caller was on.
        assert_eq!(Some(cpu_count(&helper_set) + 1), before);
        assert_eq!(affinity::allowed().map(|s| cpu_count(&s)), before);
    }
}
