//! `uname`: what uname(2) says of the system, as `node_uname_info` labels.

use river_runtime::args::Args;
use river_runtime::error::Error;

use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "uname", default: true, build };

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Uname))
}

struct Uname;

impl Collector for Uname {
    fn collect(&self, _: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        // SAFETY: utsname is plain bytes; uname fills it and returns 0, or
        // -1 leaving it untouched (zeros).
        let mut names: libc::utsname = unsafe { std::mem::zeroed() };
        if unsafe { libc::uname(&mut names) } != 0 {
            return Err(CollectError::Failed(std::io::Error::last_os_error().to_string()));
        }
        let text = |field: &[libc::c_char]| -> String {
            let bytes: Vec<u8> = field.iter().take_while(|c| **c != 0).map(|c| *c as u8).collect();
            String::from_utf8_lossy(&bytes).into_owned()
        };
        out.gauge(
            "node_uname_info",
            "Labeled system information as provided by the uname system call.",
        )
        .sample(
            &[
                ("sysname", &text(&names.sysname)),
                ("release", &text(&names.release)),
                ("version", &text(&names.version)),
                ("machine", &text(&names.machine)),
                ("nodename", &text(&names.nodename)),
                ("domainname", &text(&names.domainname)),
            ],
            1.0,
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, no_args};
    use super::*;

    #[test]
    fn this_system() {
        let text = collect(&ENTRY, &no_args(), "empty").unwrap();
        assert!(text.contains("node_uname_info{domainname=\""), "{text}");
        assert!(text.contains("sysname=\"Linux\""), "{text}");
    }
}
