//! Sharing pieces of work between this thread and a helper thread kept
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
//! The pieces are taken one at a time, the caller's from the front and the
//! helper's from the back, so the two finish close together even when one
//! core runs slower than the other (on a shared machine one was often a
//! third slower, for seconds at a time, which left the faster thread idle
//! for a third of the run when each had a fixed half) or the helper starts
//! late. A caller whose helper never starts does every piece itself,
//! so two threads never take longer than one by more than the cost of
//! starting the helper.

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

/// Runs `work(state, 0)` to `work(state, n - 1)`, each exactly once, on
/// this thread and on a helper thread at the same time, and returns the
/// results in order. Each thread makes its own `state` and hands it to each
/// piece it takes, in order: caches that later pieces profit from.
/// A panic in either thread is passed on.
pub fn share<S, T: Send>(
    n: usize,
    state: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, usize) -> T + Sync,
) -> Vec<T> {
    if n < 2 {
        let mut state = state();
        return (0..n).map(|index| work(&mut state, index)).collect();
    }
    #[cfg(target_os = "linux")]
    let caller = affinity::current_cpu();
    let left = Mutex::new(0..n);
    let take = |from_back: bool| {
        let mut left = left.lock().unwrap_or_else(PoisonError::into_inner);
        if from_back {
            left.next_back()
        } else {
            left.next()
        }
    };
    let run = |from_back: bool| {
        let (mut done, mut state) = (Vec::new(), state());
        while let Some(index) = take(from_back) {
            done.push((index, work(&mut state, index)));
        }
        done
    };
    let moved = AtomicBool::new(false);
    // The helper's results come back through here rather than by joining
    // the thread: the scope ends as soon as the helper's work returns, not
    // after the thread has been torn down.
    let helped = Mutex::new(None);
    let finished = AtomicBool::new(false);
    let mine = std::thread::scope(|scope| {
        scope.spawn(|| {
            #[cfg(target_os = "linux")]
            affinity::pin_elsewhere(caller);
            moved.store(true, Ordering::Release);
            let theirs = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(true)));
            *helped.lock().unwrap_or_else(PoisonError::into_inner) = Some(theirs);
            finished.store(true, Ordering::Release);
        });
        // A helper still waiting on this core gets it for a moment, to move.
        if !moved.load(Ordering::Acquire) {
            std::thread::yield_now();
        }
        let mine = run(false);
        await_briefly(&finished);
        mine
    });
    let theirs = match helped.into_inner().unwrap_or_else(PoisonError::into_inner) {
        Some(Ok(theirs)) => theirs,
        Some(Err(panic)) => std::panic::resume_unwind(panic),
        None => unreachable!("the scope waits for the helper"),
    };
    in_order(n, mine.into_iter().chain(theirs))
}

/// Waits up to 200 µs for `flag`, without sleeping. The pieces end the two
/// threads close together, so the helper is usually a piece's time from
/// done; a caller asleep at the scope's end would take tens of
/// microseconds to wake (a virtual core that went idle is woken through
/// the hypervisor), about 2 % of formatting 50 KB.
fn await_briefly(flag: &AtomicBool) {
    let start = std::time::Instant::now();
    while !flag.load(Ordering::Acquire) {
        for _ in 0..64 {
            std::hint::spin_loop();
        }
        if start.elapsed() > std::time::Duration::from_micros(200) {
            return;
        }
    }
}

/// The results of pieces `0..n`, each given once with its index, in order.
fn in_order<T>(n: usize, done: impl Iterator<Item = (usize, T)>) -> Vec<T> {
    let mut slots: Vec<Option<T>> = std::iter::repeat_with(|| None).take(n).collect();
    for (index, result) in done {
        slots[index] = Some(result);
    }
    slots.into_iter().map(|slot| slot.expect("every piece ran")).collect()
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
    fn every_piece_runs_once_and_the_results_come_in_order() {
        for n in [0, 1, 2, 3, 7, 64] {
            let runs: Vec<_> = (0..n).map(|_| std::sync::atomic::AtomicUsize::new(0)).collect();
            let results = share(
                n,
                || (),
                |(), i| {
                    runs[i].fetch_add(1, Ordering::SeqCst);
                    // Uneven pieces, so that either thread may take more.
                    (0..(i % 3) * 50_000).fold(i as u64, |x, k| std::hint::black_box(x ^ k as u64));
                    i * 10
                },
            );
            assert_eq!(results, (0..n).map(|i| i * 10).collect::<Vec<_>>());
            assert!(runs.iter().all(|r| r.load(Ordering::SeqCst) == 1), "{n} pieces");
        }
    }

    #[test]
    fn each_thread_hands_its_state_from_piece_to_piece() {
        // Each thread counts the pieces it took; the counts add up.
        let seen = share(
            9,
            || 0,
            |taken, _| {
                *taken += 1;
                *taken
            },
        );
        let firsts = seen.iter().filter(|&&taken| taken == 1).count();
        assert!((1..=2).contains(&firsts), "{seen:?}");
        assert_eq!(seen.len(), 9);
    }

    #[test]
    fn a_brief_wait_for_a_flag_never_set_gives_up_after_its_time() {
        let start = std::time::Instant::now();
        await_briefly(&AtomicBool::new(false));
        assert!(start.elapsed() >= std::time::Duration::from_micros(200));
    }

    /// Pieces 0 and 1 of two: piece 0 waits until piece 1 has started, so
    /// that the helper (which takes from the back) runs piece 1.
    fn zero_waits_for_one<T>(
        started: &AtomicBool,
        i: usize,
        one: impl FnOnce() -> T,
        zero: T,
    ) -> T {
        if i == 1 {
            started.store(true, Ordering::SeqCst);
            return one();
        }
        while !started.load(Ordering::SeqCst) {
            std::thread::yield_now();
        }
        zero
    }

    #[test]
    fn a_panic_on_the_helper_reaches_the_caller() {
        let started = AtomicBool::new(false);
        let result = std::panic::catch_unwind(|| {
            share(2, || (), |(), i| zero_waits_for_one(&started, i, || panic!("helper failed"), ()))
        });
        let message = result.unwrap_err();
        assert_eq!(message.downcast_ref::<&str>(), Some(&"helper failed"));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_helper_is_kept_off_the_callers_core_and_the_caller_is_not_pinned() {
        let before = affinity::allowed().map(|s| cpu_count(&s));
        let started = AtomicBool::new(false);
        let sets =
            share(2, || (), |(), i| zero_waits_for_one(&started, i, affinity::allowed, None));
        if two_cores() {
            // The helper may use every allowed core but the caller's.
            assert_eq!(sets[1].map(|s| cpu_count(&s) + 1), before);
        } else {
            // One core: nothing to keep apart; the helper shares it.
            assert_eq!(sets[1].map(|s| cpu_count(&s)), before);
        }
        assert_eq!(affinity::allowed().map(|s| cpu_count(&s)), before);
    }
}
