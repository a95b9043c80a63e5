//! `entropy`: the kernel's available entropy and pool size, from
//! `/proc/sys/kernel/random`.

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::procfs;
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "entropy", default: true, build };

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Entropy))
}

struct Entropy;

impl Collector for Entropy {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let files = [
            ("entropy_avail", "node_entropy_available_bits", "Bits of available entropy."),
            ("poolsize", "node_entropy_pool_size_bits", "Bits of entropy pool."),
        ];
        for (file, name, help) in files {
            let path = host.proc(&format!("sys/kernel/random/{file}"));
            let Some(text) = procfs::read_if_present(&path)? else {
                return Err(CollectError::Failed(format!("couldn't get {file}")));
            };
            let value = procfs::unsigned(&path, text.trim())?;
            out.gauge(name, help).sample(&[], value as f64);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, no_args, samples};
    use super::*;

    #[test]
    fn available_and_pool_size() {
        let text = collect(&ENTRY, &no_args(), "core").unwrap();
        assert_eq!(
            samples(&text),
            ["node_entropy_available_bits 256", "node_entropy_pool_size_bits 4096"]
        );
    }
}
