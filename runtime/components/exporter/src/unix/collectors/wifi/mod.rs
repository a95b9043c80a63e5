//! `wifi`: each wireless interface's frequency, the BSS it is associated
//! with and its stations, asked of the kernel over nl80211
//! (`nl80211.rs`), as node_exporter 1.5 reports them. Where the kernel
//! has no nl80211 (no wireless stack) or refuses to answer, the collector
//! has no data, as node_exporter's. node_exporter's
//! `--collector.wifi.fixtures` (JSON files instead of the kernel, for its
//! own tests) is not in the reference's arguments; the unit tests here
//! feed made-up kernel answers instead.

mod nl80211;

use std::io;

use river_runtime::args::Args;
use river_runtime::error::Error;

use crate::exposition::Exposition;
use crate::unix::collector::{CollectError, Collector, Entry, Host};

pub const ENTRY: Entry = Entry { name: "wifi", default: false, build };

/// One nl80211 interface, the fields node_exporter uses.
#[derive(Debug, Clone, Default)]
pub struct Interface {
    pub index: u32,
    pub name: String,
    pub mac: Option<Vec<u8>>,
    pub frequency_mhz: u32,
}

/// The BSS an interface is part of.
#[derive(Debug, Clone, Default)]
pub struct Bss {
    pub bssid: Vec<u8>,
    pub ssid: String,
    /// nl80211's BSS status: authenticated, associated, IBSS joined.
    pub status: u32,
}

/// One station (for a client, the access point).
#[derive(Debug, Clone, Default)]
pub struct Station {
    pub mac: Vec<u8>,
    pub connected_seconds: u32,
    pub inactive_ms: u32,
    pub received_bytes: u64,
    pub transmitted_bytes: u64,
    pub signal_dbm: i8,
    pub transmit_retries: u32,
    pub transmit_failed: u32,
    pub beacon_loss: u32,
    pub receive_bitrate: u64,
    pub transmit_bitrate: u64,
}

/// What the collector asks (node_exporter's `wifiStater`): the kernel,
/// or a test's made-up answers. "Not there" is `io::ErrorKind::NotFound`.
pub trait Source {
    fn interfaces(&self) -> io::Result<Vec<Interface>>;
    fn bss(&self, interface: &Interface) -> io::Result<Bss>;
    fn stations(&self, interface: &Interface) -> io::Result<Vec<Station>>;
}

struct Wifi {
    open: fn() -> io::Result<Box<dyn Source>>,
}

fn build(_: &Args) -> Result<Box<dyn Collector>, Error> {
    Ok(Box::new(Wifi { open: nl80211::Kernel::open }))
}

impl Collector for Wifi {
    fn collect(&self, _: &Host, out: &mut Exposition) -> Result<(), CollectError> {
        let source = (self.open)().map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => CollectError::Unsupported(
                "wifi collector metrics are not available for this system".into(),
            ),
            io::ErrorKind::PermissionDenied => CollectError::Unsupported(
                "wifi collector got permission denied when accessing metrics".into(),
            ),
            _ => CollectError::Failed(format!("failed to access wifi data: {e}")),
        })?;
        let interfaces =
            source.interfaces().map_err(|e| format!("failed to retrieve wifi interfaces: {e}"))?;
        // Some virtual devices have no name: node_exporter skips them.
        for interface in interfaces.iter().filter(|i| !i.name.is_empty()) {
            interface_metrics(source.as_ref(), interface, out)?;
        }
        Ok(())
    }
}

/// The frequency, the BSS and the stations of one interface; a BSS or
/// stations that are not there are left out.
fn interface_metrics(
    source: &dyn Source,
    interface: &Interface,
    out: &mut Exposition,
) -> Result<(), CollectError> {
    let device = interface.name.as_str();
    out.gauge(
        "node_wifi_interface_frequency_hertz",
        "The current frequency a WiFi interface is operating at, in hertz.",
    )
    .sample(&[("device", device)], f64::from(interface.frequency_mhz) * 1000.0 * 1000.0);
    match source.bss(interface) {
        Ok(bss) => bss_info(out, device, &bss),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(CollectError::Failed(format!(
                "failed to retrieve BSS for device {device}: {e}"
            )))
        }
    }
    match source.stations(interface) {
        Ok(stations) => stations.iter().for_each(|s| station(out, device, s)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(CollectError::Failed(format!(
                "failed to retrieve station info for device {device:?}: {e}"
            )))
        }
    }
    Ok(())
}

fn bss_info(out: &mut Exposition, device: &str, bss: &Bss) {
    let mode = match bss.status {
        0 | 1 => "client",
        2 => "ad-hoc",
        _ => "unknown",
    };
    out.gauge(
        "node_wifi_station_info",
        "Labeled WiFi interface station information as provided by the operating system.",
    )
    .sample(
        &[("device", device), ("bssid", &mac(&bss.bssid)), ("ssid", &bss.ssid), ("mode", mode)],
        1.0,
    );
}

fn station(out: &mut Exposition, device: &str, station: &Station) {
    let address = mac(&station.mac);
    let labels = [("device", device), ("mac_address", address.as_str())];
    for ((name, help, counter), value) in STATION_SERIES.iter().zip(station_values(station)) {
        let family = format!("node_wifi_{name}");
        let family = match counter {
            true => out.counter(&family, help),
            false => out.gauge(&family, help),
        };
        family.sample(&labels, value);
    }
}

/// Each station series: name (after `node_wifi_`), help, whether a
/// counter; `station_values` gives their values in this order.
const STATION_SERIES: [(&str, &str, bool); 10] = [
    (
        "station_connected_seconds_total",
        "The total number of seconds a station has been connected to an access point.",
        true,
    ),
    (
        "station_inactive_seconds",
        "The number of seconds since any wireless activity has occurred on a station.",
        false,
    ),
    (
        "station_receive_bits_per_second",
        "The current WiFi receive bitrate of a station, in bits per second.",
        false,
    ),
    (
        "station_transmit_bits_per_second",
        "The current WiFi transmit bitrate of a station, in bits per second.",
        false,
    ),
    ("station_receive_bytes_total", "The total number of bytes received by a WiFi station.", true),
    (
        "station_transmit_bytes_total",
        "The total number of bytes transmitted by a WiFi station.",
        true,
    ),
    ("station_signal_dbm", "The current WiFi signal strength, in decibel-milliwatts (dBm).", false),
    (
        "station_transmit_retries_total",
        "The total number of times a station has had to retry while sending a packet.",
        true,
    ),
    (
        "station_transmit_failed_total",
        "The total number of times a station has failed to send a packet.",
        true,
    ),
    (
        "station_beacon_loss_total",
        "The total number of times a station has detected a beacon loss.",
        true,
    ),
];

fn station_values(s: &Station) -> [f64; 10] {
    [
        f64::from(s.connected_seconds),
        go_millis_as_seconds(s.inactive_ms),
        s.receive_bitrate as f64,
        s.transmit_bitrate as f64,
        s.received_bytes as f64,
        s.transmitted_bytes as f64,
        f64::from(s.signal_dbm),
        f64::from(s.transmit_retries),
        f64::from(s.transmit_failed),
        f64::from(s.beacon_loss),
    ]
}

/// Go's `time.Duration.Seconds` of a whole number of milliseconds.
fn go_millis_as_seconds(ms: u32) -> f64 {
    f64::from(ms / 1000) + f64::from((ms % 1000) * 1_000_000) / 1e9
}

/// Go's `net.HardwareAddr.String`: lower-case hex pairs joined by colons.
fn mac(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":")
}

#[cfg(test)]
mod tests;
