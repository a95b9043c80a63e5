//! The collector over made-up kernel answers (built as the kernel writes
//! them and read back by the nl80211 parsers), and over this host.

use super::nl80211::{self, testing};
use super::*;
use crate::unix::collectors::hwfs::testing::{host, samples};

/// wlan0 is associated and has its access point as station; wlan1 has
/// neither; a nameless interface is skipped.
struct Fake;

impl Source for Fake {
    fn interfaces(&self) -> io::Result<Vec<Interface>> {
        [
            testing::interface(3, "wlan0", [2, 0, 0, 0, 0, 1], 2412),
            testing::interface(4, "", [2, 0, 0, 0, 0, 2], 2437),
            testing::interface(5, "wlan1", [2, 0, 0, 0, 0, 3], 5180),
        ]
        .iter()
        .map(nl80211::interface)
        .collect()
    }

    fn bss(&self, interface: &Interface) -> io::Result<Bss> {
        match interface.name.as_str() {
            "wlan0" => nl80211::bss(&[testing::bss([0xaa, 0xbb, 0xcc, 0, 0, 1], b"home", Some(1))]),
            _ => nl80211::bss(&[testing::bss([1; 6], b"neighbour", None)]),
        }
    }

    fn stations(&self, interface: &Interface) -> io::Result<Vec<Station>> {
        match interface.name.as_str() {
            "wlan0" => Ok(vec![nl80211::station(&testing::station([0xaa, 0xbb, 0xcc, 0, 0, 1]))?]),
            _ => Err(io::ErrorKind::NotFound.into()),
        }
    }
}

/// Fails every BSS request with an errno other than ENOENT.
struct Refusing;

impl Source for Refusing {
    fn interfaces(&self) -> io::Result<Vec<Interface>> {
        Fake.interfaces()
    }
    fn bss(&self, _: &Interface) -> io::Result<Bss> {
        Err(io::Error::from_raw_os_error(libc::EOPNOTSUPP))
    }
    fn stations(&self, interface: &Interface) -> io::Result<Vec<Station>> {
        Fake.stations(interface)
    }
}

fn run(open: fn() -> io::Result<Box<dyn Source>>) -> Result<String, CollectError> {
    let mut out = Exposition::new();
    Wifi { open }.collect(&host("empty"), &mut out)?;
    Ok(out.render())
}

#[test]
fn interfaces_bss_and_stations() {
    let text = run(|| Ok(Box::new(Fake))).unwrap();
    let lines = samples(&text);
    for line in [
        "node_wifi_interface_frequency_hertz{device=\"wlan0\"} 2412000000",
        "node_wifi_interface_frequency_hertz{device=\"wlan1\"} 5180000000",
        "node_wifi_station_info{bssid=\"aa:bb:cc:00:00:01\",device=\"wlan0\",mode=\"client\",ssid=\"home\"} 1",
        "node_wifi_station_connected_seconds_total{device=\"wlan0\",mac_address=\"aa:bb:cc:00:00:01\"} 30",
        "node_wifi_station_inactive_seconds{device=\"wlan0\",mac_address=\"aa:bb:cc:00:00:01\"} 1.5",
        "node_wifi_station_receive_bits_per_second{device=\"wlan0\",mac_address=\"aa:bb:cc:00:00:01\"} 173300000",
        "node_wifi_station_transmit_bits_per_second{device=\"wlan0\",mac_address=\"aa:bb:cc:00:00:01\"} 54000000",
        "node_wifi_station_receive_bytes_total{device=\"wlan0\",mac_address=\"aa:bb:cc:00:00:01\"} 8589934592",
        "node_wifi_station_transmit_bytes_total{device=\"wlan0\",mac_address=\"aa:bb:cc:00:00:01\"} 900",
        "node_wifi_station_signal_dbm{device=\"wlan0\",mac_address=\"aa:bb:cc:00:00:01\"} -52",
        "node_wifi_station_transmit_retries_total{device=\"wlan0\",mac_address=\"aa:bb:cc:00:00:01\"} 3",
        "node_wifi_station_transmit_failed_total{device=\"wlan0\",mac_address=\"aa:bb:cc:00:00:01\"} 2",
        "node_wifi_station_beacon_loss_total{device=\"wlan0\",mac_address=\"aa:bb:cc:00:00:01\"} 1",
    ] {
        assert!(lines.contains(&line), "{line} missing from\n{text}");
    }
    assert_eq!(lines.len(), 13, "{text}");
    assert!(text.contains("# HELP node_wifi_station_info Labeled WiFi interface station information as provided by the operating system.\n# TYPE node_wifi_station_info gauge\n"));
    assert!(text.contains("# HELP node_wifi_station_beacon_loss_total The total number of times a station has detected a beacon loss.\n# TYPE node_wifi_station_beacon_loss_total counter\n"));
    assert!(text.contains("# HELP node_wifi_station_signal_dbm The current WiFi signal strength, in decibel-milliwatts (dBm).\n# TYPE node_wifi_station_signal_dbm gauge\n"));
}

#[test]
fn no_nl80211_is_no_data_and_other_errors_fail() {
    let not_there = run(|| Err(io::Error::from_raw_os_error(libc::ENOENT))).unwrap_err();
    assert!(matches!(not_there, CollectError::Unsupported(_)), "{not_there:?}");
    let denied = run(|| Err(io::Error::from_raw_os_error(libc::EPERM))).unwrap_err();
    assert!(matches!(denied, CollectError::Unsupported(_)), "{denied:?}");
    let broken = run(|| Err(io::Error::from_raw_os_error(libc::EINVAL))).unwrap_err();
    assert!(matches!(broken, CollectError::Failed(_)), "{broken:?}");
    let refused = run(|| Ok(Box::new(Refusing))).unwrap_err();
    let CollectError::Failed(why) = refused else { panic!("{refused:?}") };
    assert!(why.starts_with("failed to retrieve BSS for device wlan0"), "{why}");
}

#[test]
fn modes_and_addresses() {
    let mut out = Exposition::new();
    bss_info(&mut out, "wlan0", &Bss { bssid: vec![], ssid: "x".into(), status: 2 });
    bss_info(&mut out, "wlan1", &Bss { bssid: vec![0xf], ssid: "y".into(), status: 7 });
    let text = out.render();
    assert!(text.contains("device=\"wlan0\",mode=\"ad-hoc\",ssid=\"x\"} 1"), "{text}");
    assert!(text.contains("bssid=\"0f\",device=\"wlan1\",mode=\"unknown\""), "{text}");
    assert_eq!(go_millis_as_seconds(1), 0.001);
}

#[test]
fn this_host() {
    // With a wireless stack there are interfaces to report; without one,
    // no data. Anything else is a failure.
    let result = run(nl80211::Kernel::open);
    assert!(!matches!(result, Err(CollectError::Failed(_))), "{result:?}");
}
