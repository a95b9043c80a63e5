//! `slabinfo`: the kernel's slab caches, from `/proc/slabinfo` (version
//! 2.1, readable by root only).

use std::path::Path;

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::procfs;
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "slabinfo", default: false, build };

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Slabinfo))
}

struct Slabinfo;

/// The columns shown: index in the line, name after `node_slabinfo_`, help.
const COLUMNS: [(usize, &str, &str); 5] = [
    (1, "active_objects", "The number of objects that are currently active (i.e., in use)."),
    (
        2,
        "objects",
        "The total number of allocated objects (i.e., objects that are both in use and not in use).",
    ),
    (3, "object_size_bytes", "The size of objects in this slab, in bytes."),
    (4, "objects_per_slab", "The number of objects stored in each slab."),
    (5, "pages_per_slab", "The number of pages allocated for each slab."),
];

/// The numeric columns of a 2.1 line (all must parse, as procfs checks).
const NUMERIC: [usize; 11] = [1, 2, 3, 4, 5, 8, 9, 10, 13, 14, 15];

impl Collector for Slabinfo {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let path = host.proc("slabinfo");
        let text = procfs::read(&path)?;
        let mut slabs = Vec::new();
        for line in text.lines() {
            if line.contains("slabinfo -") || line.contains("# name") {
                continue;
            }
            slabs.push(parse_line(&path, line)?);
        }
        for (name, values) in &slabs {
            for (index, metric, help) in COLUMNS {
                out.gauge(&format!("node_slabinfo_{metric}"), help)
                    .sample(&[("slab", name)], values[index] as f64);
            }
        }
        Ok(())
    }
}

/// `name active num size perslab pages : tunables l b s : slabdata a n s`:
/// 16 fields once each run of white space is one space (a line starting
/// with space has an empty first field, and is refused as procfs does).
fn parse_line(path: &Path, line: &str) -> Result<(String, [i64; 16]), CollectError> {
    let mut collapsed = String::with_capacity(line.len());
    let mut in_space = false;
    for c in line.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\x0C' | '\r') {
            if !in_space {
                collapsed.push(' ');
            }
            in_space = true;
        } else {
            collapsed.push(c);
            in_space = false;
        }
    }
    let fields: Vec<&str> = collapsed.split(' ').collect();
    if fields.len() != 16 {
        return Err(procfs::failed(path, format!("unable to parse: {line:?}")));
    }
    let mut values = [0i64; 16];
    for index in NUMERIC {
        values[index] = fields[index]
            .parse()
            .map_err(|_| procfs::failed(path, format!("unable to parse: {line:?}")))?;
    }
    Ok((fields[0].to_owned(), values))
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, no_args, samples};
    use super::*;

    #[test]
    fn caches() {
        let text = collect(&ENTRY, &no_args(), "memory_vm").unwrap();
        assert_eq!(
            samples(&text),
            [
                "node_slabinfo_active_objects{slab=\"dentry\"} 900",
                "node_slabinfo_active_objects{slab=\"kmalloc-64\"} 64",
                "node_slabinfo_object_size_bytes{slab=\"dentry\"} 192",
                "node_slabinfo_object_size_bytes{slab=\"kmalloc-64\"} 64",
                "node_slabinfo_objects{slab=\"dentry\"} 1050",
                "node_slabinfo_objects{slab=\"kmalloc-64\"} 128",
                "node_slabinfo_objects_per_slab{slab=\"dentry\"} 21",
                "node_slabinfo_objects_per_slab{slab=\"kmalloc-64\"} 64",
                "node_slabinfo_pages_per_slab{slab=\"dentry\"} 1",
                "node_slabinfo_pages_per_slab{slab=\"kmalloc-64\"} 1",
            ]
        );
        assert!(text.contains(
            "# HELP node_slabinfo_object_size_bytes The size of objects in this slab, in bytes.\n\
             # TYPE node_slabinfo_object_size_bytes gauge\n"
        ));
    }

    #[test]
    fn malformed_and_absent() {
        assert!(matches!(
            collect(&ENTRY, &no_args(), "memory_vm_malformed"),
            Err(CollectError::Failed(_))
        ));
        assert!(matches!(collect(&ENTRY, &no_args(), "absent"), Err(CollectError::Failed(_))));
    }
}
