//! `filefd`: allocated and maximum file handles from
//! `/proc/sys/fs/file-nr`.

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::procfs;
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "filefd", default: true, build };

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(FileFd))
}

struct FileFd;

impl Collector for FileFd {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let path = host.proc("sys/fs/file-nr");
        let text = procfs::read(&path)?;
        // Three tab-separated numbers: allocated, unused (always 0), maximum.
        let parts: Vec<&str> = text.trim().split('\t').collect();
        if parts.len() < 3 {
            return Err(procfs::failed(&path, "unexpected number of file stats"));
        }
        for (name, field) in [("allocated", parts[0]), ("maximum", parts[2])] {
            let value = procfs::number(&path, field)?;
            out.gauge(
                &format!("node_filefd_{name}"),
                &format!("File descriptor statistics: {name}."),
            )
            .sample(&[], value);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, no_args};
    use super::*;

    #[test]
    fn allocated_and_maximum() {
        assert_eq!(
            collect(&ENTRY, &no_args(), "core").unwrap(),
            "# HELP node_filefd_allocated File descriptor statistics: allocated.\n\
             # TYPE node_filefd_allocated gauge\nnode_filefd_allocated 1024\n\
             # HELP node_filefd_maximum File descriptor statistics: maximum.\n\
             # TYPE node_filefd_maximum gauge\nnode_filefd_maximum 1000000\n"
        );
    }
}
