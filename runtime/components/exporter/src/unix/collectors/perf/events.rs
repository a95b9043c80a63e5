//! perf_event_open(2) as node_exporter 1.5's library (hodgesds/perf-utils
//! 0.5) opens its counters: one file descriptor per event and CPU, every
//! process on the CPU (pid -1), created disabled and excluding the
//! hypervisor, then enabled; read as value, time enabled, time running.
//! Tracepoints are opened as one group per CPU and read together.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use perf_event_open_sys::bindings::{
    perf_event_attr, PERF_FORMAT_GROUP, PERF_FORMAT_TOTAL_TIME_ENABLED,
    PERF_FORMAT_TOTAL_TIME_RUNNING, PERF_IOC_FLAG_GROUP, PERF_SAMPLE_IDENTIFIER,
};
use perf_event_open_sys::{ioctls, perf_event_open};

/// `PERF_TYPE_TRACEPOINT`.
pub const TRACEPOINT: u32 = 2;

/// The attributes the library gives every event: disabled until enabled,
/// no hypervisor, the two times read with the value.
fn attributes(kind: u32, config: u64) -> perf_event_attr {
    let mut attr = perf_event_attr {
        type_: kind,
        size: std::mem::size_of::<perf_event_attr>() as u32,
        config,
        sample_type: u64::from(PERF_SAMPLE_IDENTIFIER),
        read_format: u64::from(PERF_FORMAT_TOTAL_TIME_RUNNING | PERF_FORMAT_TOTAL_TIME_ENABLED),
        ..perf_event_attr::default()
    };
    attr.set_disabled(1);
    attr.set_exclude_hv(1);
    attr
}

fn open(attr: &mut perf_event_attr, cpu: i32, group: Option<&OwnedFd>) -> io::Result<OwnedFd> {
    let group = group.map_or(-1, |fd| fd.as_raw_fd());
    // SAFETY: `attr` is a valid perf_event_attr whose `size` is its own.
    let fd = unsafe { perf_event_open(attr, -1, cpu, group, 0) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` is a new descriptor nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

fn enable(fd: &OwnedFd, flags: u32) -> io::Result<()> {
    // SAFETY: an ioctl on a perf event descriptor we own.
    if unsafe { ioctls::ENABLE(fd.as_raw_fd(), flags) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// One hardware, software or cache counter on one CPU, counting.
pub struct Counter {
    fd: OwnedFd,
}

impl Counter {
    /// Opens and enables the event (`inherit` set, as the library sets it
    /// for these kinds).
    pub fn open(kind: u32, config: u64, cpu: i32) -> io::Result<Counter> {
        let mut attr = attributes(kind, config);
        attr.set_inherit(1);
        let fd = open(&mut attr, cpu, None)?;
        enable(&fd, 0)?;
        Ok(Counter { fd })
    }

    /// The count so far.
    pub fn read(&self) -> io::Result<u64> {
        let mut buf = [0u8; 24];
        let n = read(&self.fd, &mut buf)?;
        value_at(&buf[..n], 0)
    }
}

/// Tracepoints on one CPU, one group led by the first.
pub struct Group {
    fds: Vec<OwnedFd>,
}

impl Group {
    /// Opens each tracepoint (by its id) in one group and enables it.
    pub fn open(ids: &[u64], cpu: i32) -> io::Result<Group> {
        let mut fds: Vec<OwnedFd> = Vec::with_capacity(ids.len());
        for &id in ids {
            let mut attr = attributes(TRACEPOINT, id);
            attr.read_format |= u64::from(PERF_FORMAT_GROUP);
            // Only the leader starts disabled; the group is enabled through it.
            if !fds.is_empty() {
                attr.set_disabled(0);
            }
            let fd = open(&mut attr, cpu, fds.first())?;
            fds.push(fd);
        }
        if let Some(leader) = fds.first() {
            enable(leader, PERF_IOC_FLAG_GROUP)?;
        }
        Ok(Group { fds })
    }

    /// Each tracepoint's count, in the order opened: the leader reads the
    /// group as the number of events, the two times, then the values.
    pub fn read(&self) -> io::Result<Vec<u64>> {
        let Some(leader) = self.fds.first() else { return Ok(Vec::new()) };
        let mut buf = vec![0u8; 24 + 8 * self.fds.len()];
        let n = read(leader, &mut buf)?;
        (0..self.fds.len()).map(|i| value_at(&buf[..n], 24 + 8 * i)).collect()
    }
}

fn read(fd: &OwnedFd, buf: &mut [u8]) -> io::Result<usize> {
    // SAFETY: reading into `buf`, of the length given.
    let n = unsafe { libc::read(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(n as usize)
}

fn value_at(buf: &[u8], at: usize) -> io::Result<u64> {
    buf.get(at..at + 8)
        .map(|b| u64::from_ne_bytes(b.try_into().expect("8 bytes")))
        .ok_or_else(|| io::Error::new(io::ErrorKind::UnexpectedEof, "short perf event read"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_software_counter_counts() {
        // PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK on CPU 0; a host that
        // forbids perf events (perf_event_paranoid, seccomp) refuses it.
        match Counter::open(1, 0, 0) {
            Ok(counter) => {
                let first = counter.read().unwrap();
                std::thread::sleep(std::time::Duration::from_millis(5));
                assert!(counter.read().unwrap() >= first);
            }
            Err(e) => assert!(
                matches!(e.raw_os_error(), Some(libc::EACCES | libc::EPERM | libc::ENOSYS)),
                "{e}"
            ),
        }
    }

    #[test]
    fn an_empty_group_reads_nothing() {
        assert_eq!(Group::open(&[], 0).unwrap().read().unwrap(), Vec::<u64>::new());
        assert!(value_at(&[0; 4], 0).is_err());
    }
}
