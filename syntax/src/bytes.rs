//! Byte searches that never ask the CPU what it supports.
//!
//! memchr's top-level functions choose between AVX2 and SSE2 on their first
//! call through std's feature detection, a run of `cpuid` instructions. In a
//! virtual machine each of those exits to the hypervisor: about 30 µs in all
//! on the machines this was measured on, or 2 % of formatting a 50 KB file
//! in a fresh process. Every x86-64 processor has SSE2, so there memchr's
//! SSE2 routines are called directly (for lines and strings they are as fast
//! as AVX2); elsewhere memchr's own choice is made at compile time anyway.
//! The syntax, formatter and CLI crates search bytes through here.

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod imp {
    use memchr::arch::x86_64::sse2::memchr::{One, Three};

    const SSE2: &str = "SSE2 is part of every x86-64 processor";

    pub(super) fn find(needle: u8, hay: &[u8]) -> Option<usize> {
        One::new(needle).expect(SSE2).find(hay)
    }

    pub(super) fn rfind(needle: u8, hay: &[u8]) -> Option<usize> {
        One::new(needle).expect(SSE2).rfind(hay)
    }

    pub(super) fn find3(a: u8, b: u8, c: u8, hay: &[u8]) -> Option<usize> {
        Three::new(a, b, c).expect(SSE2).find(hay)
    }

    pub(super) fn count(needle: u8, hay: &[u8]) -> usize {
        One::new(needle).expect(SSE2).count(hay)
    }
}

#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
mod imp {
    pub(super) fn find(needle: u8, hay: &[u8]) -> Option<usize> {
        memchr::memchr(needle, hay)
    }

    pub(super) fn rfind(needle: u8, hay: &[u8]) -> Option<usize> {
        memchr::memrchr(needle, hay)
    }

    pub(super) fn find3(a: u8, b: u8, c: u8, hay: &[u8]) -> Option<usize> {
        memchr::memchr3(a, b, c, hay)
    }

    pub(super) fn count(needle: u8, hay: &[u8]) -> usize {
        memchr::memchr_iter(needle, hay).count()
    }
}

/// The index of the first `needle` in `hay`.
#[inline]
pub fn find(needle: u8, hay: &[u8]) -> Option<usize> {
    imp::find(needle, hay)
}

/// The index of the last `needle` in `hay`.
#[inline]
pub fn rfind(needle: u8, hay: &[u8]) -> Option<usize> {
    imp::rfind(needle, hay)
}

/// The index of the first of `a`, `b` or `c` in `hay`.
#[inline]
pub fn find3(a: u8, b: u8, c: u8, hay: &[u8]) -> Option<usize> {
    imp::find3(a, b, c, hay)
}

/// How many times `needle` occurs in `hay`.
#[inline]
pub fn count(needle: u8, hay: &[u8]) -> usize {
    imp::count(needle, hay)
}

/// The index of the first `needle` pair (such as `*/`) in `hay`.
pub fn find_pair(needle: [u8; 2], hay: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = find(needle[0], &hay[from..]) {
        let at = from + i;
        if hay.get(at + 1) == Some(&needle[1]) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Every index of `needle` in `hay`, in order.
pub fn positions(needle: u8, hay: &[u8]) -> impl Iterator<Item = usize> + '_ {
    let mut from = 0;
    std::iter::from_fn(move || {
        let at = from + find(needle, hay.get(from..)?)?;
        from = at + 1;
        Some(at)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each search against a plain loop, on lengths around the 16-byte
    /// vector width and needles at every position.
    #[test]
    fn searches_agree_with_a_plain_scan() {
        for len in [0, 1, 2, 15, 16, 17, 31, 32, 33, 64, 100] {
            for at in 0..len {
                let mut hay = vec![b'a'; len];
                hay[at] = b'\n';
                if at + 2 < len {
                    hay[at + 2] = b'\n';
                }
                let plain: Vec<usize> = (0..len).filter(|&i| hay[i] == b'\n').collect();
                assert_eq!(find(b'\n', &hay), plain.first().copied());
                assert_eq!(rfind(b'\n', &hay), plain.last().copied());
                assert_eq!(count(b'\n', &hay), plain.len());
                assert_eq!(positions(b'\n', &hay).collect::<Vec<_>>(), plain);
                assert_eq!(find3(b'x', b'\n', b'y', &hay), plain.first().copied());
            }
            assert_eq!(find(b'\n', &vec![b'a'; len]), None);
        }
    }

    #[test]
    fn pairs_are_found_only_whole() {
        assert_eq!(find_pair(*b"*/", b"a * b */"), Some(6));
        assert_eq!(find_pair(*b"*/", b"**/"), Some(1));
        assert_eq!(find_pair(*b"*/", b"a * b *"), None);
        assert_eq!(find_pair(*b"*/", b""), None);
    }
}
