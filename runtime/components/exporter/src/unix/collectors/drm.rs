//! `drm`: AMD GPUs' load and memory, from
//! `/sys/class/drm/card<N>/device/`. As node_exporter 1.5 (prometheus/procfs
//! 0.8), every `card<digit>` is listed with `vendor="amd"`; a card whose
//! driver is not amdgpu shows zeros and empty labels.

use std::path::Path;

use river_runtime::args::Args;
use river_runtime::error::Error;

use super::hwfs;
use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "drm", default: false, build };

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Drm))
}

struct Drm;

/// The numeric attributes: file, metric after `node_drm_`, help.
const GAUGES: [(&str, &str, &str); 7] = [
    ("gpu_busy_percent", "gpu_busy_percent", "How busy the GPU is as a percentage."),
    (
        "mem_info_gtt_total",
        "memory_gtt_size_bytes",
        "The size of the graphics translation table (GTT) block in bytes.",
    ),
    (
        "mem_info_gtt_used",
        "memory_gtt_used_bytes",
        "The used amount of the graphics translation table (GTT) block in bytes.",
    ),
    ("mem_info_vis_vram_total", "memory_vis_vram_size_bytes", "The size of visible VRAM in bytes."),
    (
        "mem_info_vis_vram_used",
        "memory_vis_vram_used_bytes",
        "The used amount of visible VRAM in bytes.",
    ),
    ("mem_info_vram_total", "memory_vram_size_bytes", "The size of VRAM in bytes."),
    ("mem_info_vram_used", "memory_vram_used_bytes", "The used amount of VRAM in bytes."),
];

/// The text attributes of `card_info`: file and label.
const INFO: [(&str, &str); 3] = [
    ("mem_info_vram_vendor", "memory_vendor"),
    ("power_dpm_force_performance_level", "power_performance_level"),
    ("unique_id", "unique_id"),
];

struct Card {
    name: String,
    values: [u64; 7],
    info: [String; 3],
}

impl Collector for Drm {
    fn collect(&self, host: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let dir = host.sys("class/drm");
        // As a glob `card[0-9]`: no directory, no cards.
        let Ok(names) = hwfs::names(&dir) else { return Ok(()) };
        let mut cards = Vec::new();
        for name in names {
            let digit = name.strip_prefix("card").filter(|d| d.len() == 1);
            if !digit.is_some_and(|d| d.as_bytes()[0].is_ascii_digit()) {
                continue;
            }
            if let Some(card) = card(&dir.join(&name).join("device"), &name)? {
                cards.push(card);
            }
        }
        for card in &cards {
            let labels = [("card", card.name.as_str())];
            out.gauge("node_drm_card_info", "Card information").sample(
                &[
                    ("card", card.name.as_str()),
                    ("memory_vendor", card.info[0].as_str()),
                    ("power_performance_level", card.info[1].as_str()),
                    ("unique_id", card.info[2].as_str()),
                    ("vendor", "amd"),
                ],
                1.0,
            );
            for ((_, metric, help), value) in GAUGES.iter().zip(card.values) {
                out.gauge(&format!("node_drm_{metric}"), help).sample(&labels, value as f64);
            }
        }
        Ok(())
    }
}

/// One card; `None` when its `uevent` answers ENODATA (procfs skips it).
fn card(device: &Path, name: &str) -> Result<Option<Card>, CollectError> {
    let mut card = Card { name: name.to_owned(), values: [0; 7], info: Default::default() };
    let path = device.join("uevent");
    let uevent = match hwfs::read_attr(&path) {
        Ok(text) => text,
        Err(e) if e.raw_os_error() == Some(libc::ENODATA) => return Ok(None),
        Err(e) => return Err(CollectError::Failed(format!("{}: {e}", path.display()))),
    };
    if !uevent.contains("DRIVER=amdgpu") {
        return Ok(Some(card));
    }
    for (slot, (file, _, _)) in card.values.iter_mut().zip(GAUGES) {
        let path = device.join(file);
        // An attribute the card lacks (or refuses) stays 0.
        let Ok(text) = hwfs::read_attr(&path) else { continue };
        *slot = hwfs::parse_go_uint(&text).ok_or_else(|| hwfs::bad(&path, &text))?;
    }
    for (slot, (file, _)) in card.info.iter_mut().zip(INFO) {
        if let Ok(text) = hwfs::read_attr(&device.join(file)) {
            *slot = text;
        }
    }
    Ok(Some(card))
}

#[cfg(test)]
mod tests {
    use super::super::hwfs::testing::{collect, no_args, samples};
    use super::*;

    #[test]
    fn amd_cards() {
        let text = collect(&ENTRY, &no_args(), "drm").unwrap();
        assert_eq!(
            samples(&text),
            [
                "node_drm_card_info{card=\"card0\",memory_vendor=\"samsung\",\
                 power_performance_level=\"auto\",unique_id=\"4f7b2c1d9e0a3b58\",vendor=\"amd\"} 1",
                "node_drm_card_info{card=\"card1\",vendor=\"amd\"} 1",
                "node_drm_gpu_busy_percent{card=\"card0\"} 12",
                "node_drm_gpu_busy_percent{card=\"card1\"} 0",
                "node_drm_memory_gtt_size_bytes{card=\"card0\"} 4294967296",
                "node_drm_memory_gtt_size_bytes{card=\"card1\"} 0",
                "node_drm_memory_gtt_used_bytes{card=\"card0\"} 1048576",
                "node_drm_memory_gtt_used_bytes{card=\"card1\"} 0",
                "node_drm_memory_vis_vram_size_bytes{card=\"card0\"} 268435456",
                "node_drm_memory_vis_vram_size_bytes{card=\"card1\"} 0",
                "node_drm_memory_vis_vram_used_bytes{card=\"card0\"} 0",
                "node_drm_memory_vis_vram_used_bytes{card=\"card1\"} 0",
                "node_drm_memory_vram_size_bytes{card=\"card0\"} 8589934592",
                "node_drm_memory_vram_size_bytes{card=\"card1\"} 0",
                "node_drm_memory_vram_used_bytes{card=\"card0\"} 2097152",
                "node_drm_memory_vram_used_bytes{card=\"card1\"} 0",
            ]
        );
        assert!(text.contains(
            "# HELP node_drm_card_info Card information\n# TYPE node_drm_card_info gauge\n"
        ));
    }

    #[test]
    fn malformed_and_absent() {
        assert!(matches!(
            collect(&ENTRY, &no_args(), "drm_malformed"),
            Err(CollectError::Failed(_))
        ));
        assert_eq!(collect(&ENTRY, &no_args(), "absent").unwrap(), "");
    }
}
