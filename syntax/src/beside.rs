//! Running two pieces of work at once, the second on a helper thread kept
//! off the caller's core.
//!
//! Left alone, Linux starts a new thread on the core of the thread that made
//! it and moves it only later: on the two-core machines this was measured on,
//! a helper for a millisecond of work mostly ran after the caller had
//! finished, not beside it. So the helper is pinned to another core the
//! process may use, from both sides (the helper pins itself when it runs
//! first; the caller pins it when it does), and only the helper is pinned:
//! it ends with the work.

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
/// time, and returns both results. A panic in either is passed on.
pub fn join<A, B>(here: impl FnOnce() -> A, there: impl FnOnce() -> B + Send) -> (A, B)
where
    B: Send,
{
    #[cfg(target_os = "linux")]
    let caller = affinity::current_cpu();
    let moved = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        let helper = scope.spawn(|| {
            #[cfg(target_os = "linux")]
            affinity::pin_elsewhere(caller);
            moved.store(true, std::sync::atomic::Ordering::Release);
            there()
        });
        // A helper still waiting on this core gets it for a moment, to move.
        if !moved.load(std::sync::atomic::Ordering::Acquire) {
            std::thread::yield_now();
        }
        let a = here();
        let b = helper.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (a, b)
    })
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
        let ((), helper_set) = join(|| (), || affinity::allowed().unwrap());
        // The helper may use every allowed core but the one the caller was on.
        assert_eq!(Some(cpu_count(&helper_set) + 1), before);
        assert_eq!(affinity::allowed().map(|s| cpu_count(&s)), before);
    }
}
