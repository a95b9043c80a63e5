//! The `SIOCETHTOOL` requests node_exporter 1.5's ethtool library
//! (safchain/ethtool 0.2) makes on a datagram socket: `ETHTOOL_GDRVINFO`
//! for the driver's strings and its number of statistics,
//! `ETHTOOL_GSTRINGS` and `ETHTOOL_GSTATS` for the statistics, and the
//! legacy `ETHTOOL_GSET` for the link modes (the low 32 bits).

use std::collections::BTreeMap;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use super::{DriverInfo, LinkSettings, Source};

const ETHTOOL_GSET: u32 = 0x01;
const ETHTOOL_GDRVINFO: u32 = 0x03;
const ETHTOOL_GSTRINGS: u32 = 0x1b;
const ETHTOOL_GSTATS: u32 = 0x1d;
const ETH_SS_STATS: u32 = 1;
const ETH_GSTRING_LEN: usize = 32;
/// The most statistics the library takes, as safchain/ethtool.
const MAX_GSTRINGS: usize = 32768;
/// `struct ethtool_drvinfo` and `struct ethtool_cmd`, in bytes.
const DRVINFO_LEN: usize = 196;
const CMD_LEN: usize = 44;

/// A socket to make the requests on, one per scrape.
pub struct Ioctl {
    socket: OwnedFd,
}

impl Ioctl {
    pub fn open() -> io::Result<Box<dyn Source>> {
        // SAFETY: socket(2) with constant arguments; the result is checked.
        let fd = unsafe { libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` is a new descriptor nothing else owns.
        Ok(Box::new(Ioctl { socket: unsafe { OwnedFd::from_raw_fd(fd) } }))
    }

    /// One request on `device`: `data` starts with the command and is as
    /// large as the kernel's answer can be.
    fn request(&self, device: &str, data: &mut [u8]) -> io::Result<()> {
        // SAFETY: ifreq is plain old data; all zeros is a valid value.
        let mut ifr: libc::ifreq = unsafe { std::mem::zeroed() };
        // The kernel reads at most IFNAMSIZ - 1 bytes of the name.
        for (to, from) in ifr.ifr_name.iter_mut().zip(device.bytes().take(libc::IFNAMSIZ - 1)) {
            *to = from as libc::c_char;
        }
        ifr.ifr_ifru.ifru_data = data.as_mut_ptr().cast();
        // SAFETY: `ifr` points at `data`, whose length covers what the
        // kernel writes for the command it starts with.
        let result = unsafe { libc::ioctl(self.socket.as_raw_fd(), libc::SIOCETHTOOL, &mut ifr) };
        if result < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    fn drvinfo(&self, device: &str) -> io::Result<Vec<u8>> {
        let mut data = vec![0u8; DRVINFO_LEN];
        data[..4].copy_from_slice(&ETHTOOL_GDRVINFO.to_ne_bytes());
        self.request(device, &mut data)?;
        Ok(data)
    }
}

impl Source for Ioctl {
    fn driver_info(&self, device: &str) -> io::Result<DriverInfo> {
        let data = self.drvinfo(device)?;
        let text = |at: usize| c_string(&data[at..at + 32]);
        Ok(DriverInfo {
            driver: text(4),
            version: text(36),
            firmware_version: text(68),
            bus_info: text(100),
            expansion_rom_version: text(132),
        })
    }

    fn stats(&self, device: &str) -> io::Result<BTreeMap<String, u64>> {
        let count = word(&self.drvinfo(device)?, 180) as usize;
        if count > MAX_GSTRINGS {
            return Err(io::Error::other(format!(
                "ethtool currently doesn't support more than {MAX_GSTRINGS} entries, received {count}"
            )));
        }
        // The kernel writes as many entries as the driver has now, whatever
        // count is asked: the buffers take the most the library allows
        // (zeroed pages cost nothing until written).
        let mut strings = vec![0u8; 12 + MAX_GSTRINGS * ETH_GSTRING_LEN];
        for (at, value) in [(0, ETHTOOL_GSTRINGS), (4, ETH_SS_STATS), (8, count as u32)] {
            strings[at..at + 4].copy_from_slice(&value.to_ne_bytes());
        }
        self.request(device, &mut strings)?;
        let mut values = vec![0u8; 8 + MAX_GSTRINGS * 8];
        values[..4].copy_from_slice(&ETHTOOL_GSTATS.to_ne_bytes());
        values[4..8].copy_from_slice(&(count as u32).to_ne_bytes());
        self.request(device, &mut values)?;
        let mut stats = BTreeMap::new();
        for i in 0..count {
            let name = c_string(&strings[12 + i * ETH_GSTRING_LEN..12 + (i + 1) * ETH_GSTRING_LEN]);
            let value =
                u64::from_ne_bytes(values[8 + i * 8..16 + i * 8].try_into().expect("8 bytes"));
            // A later statistic of the same name wins, as in the library's map.
            if !name.is_empty() {
                stats.insert(name, value);
            }
        }
        Ok(stats)
    }

    fn link(&self, device: &str) -> io::Result<LinkSettings> {
        let mut data = vec![0u8; CMD_LEN];
        data[..4].copy_from_slice(&ETHTOOL_GSET.to_ne_bytes());
        self.request(device, &mut data)?;
        Ok(LinkSettings {
            supported: word(&data, 4),
            advertising: word(&data, 8),
            autoneg: data[18],
        })
    }
}

fn word(data: &[u8], at: usize) -> u32 {
    u32::from_ne_bytes(data[at..at + 4].try_into().expect("4 bytes"))
}

/// A fixed-size C string field, up to its first NUL.
fn c_string(field: &[u8]) -> String {
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    String::from_utf8_lossy(&field[..end]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_device_is_enodev() {
        let source = Ioctl::open().unwrap();
        let errno = |e: io::Error| e.raw_os_error();
        assert_eq!(source.driver_info("nosuchdev0").map_err(errno).err(), Some(Some(libc::ENODEV)));
        assert_eq!(source.stats("nosuchdev0").map_err(errno).err(), Some(Some(libc::ENODEV)));
        assert_eq!(source.link("nosuchdev0").map_err(errno).err(), Some(Some(libc::ENODEV)));
    }

    #[test]
    fn loopback_answers_or_refuses() {
        // Whatever the kernel offers for `lo`, each request returns.
        let source = Ioctl::open().unwrap();
        let _ = source.driver_info("lo");
        let _ = source.stats("lo");
        let _ = source.link("lo");
        assert_eq!(c_string(b"virtio_net\0\0junk"), "virtio_net");
        assert_eq!(c_string(b"full"), "full");
    }
}
