//! Every collector this build of `prometheus.exporter.unix` has, one
//! module each, in one table sorted by name.

pub mod arp;
pub mod bcache;
pub mod bonding;
pub mod btrfs;
pub mod buddyinfo;
pub mod cgroups;
pub mod conntrack;
pub mod cpu;
pub mod cpufreq;
pub mod dbus;
pub mod diskstats;
pub mod dmi;
pub mod drbd;
pub mod drm;
pub mod edac;
pub mod entropy;
pub mod ethtool;
pub mod fibrechannel;
pub mod filefd;
pub mod filesystem;
pub mod hwfs;
pub mod hwmon;
pub mod infiniband;
pub mod interrupts;
pub mod ipvs;
pub mod ksmd;
pub mod lnstat;
pub mod loadavg;
pub mod logind;
pub mod mdadm;
pub mod meminfo;
pub mod meminfo_numa;
pub mod mountstats;
pub mod netclass;
pub mod netdev;
pub mod netlink;
pub mod netstat;
pub mod network_route;
pub mod nfs;
pub mod nfsd;
pub mod ntp;
pub mod nvme;
pub mod os;
pub mod perf;
pub mod powersupplyclass;
pub mod pressure;
pub mod processes;
pub mod procfs;
pub mod qdisc;
pub mod rapl;
pub mod runit;
pub mod schedstat;
pub mod selinux;
pub mod slabinfo;
pub mod sockstat;
pub mod softirqs;
pub mod softnet;
pub mod stat;
pub mod supervisord;
pub mod sysctl;
pub mod systemd;
pub mod tapestats;
pub mod tcpstat;
pub mod textfile;
pub mod thermal_zone;
pub mod time;
pub mod timex;
pub mod udp_queues;
pub mod uname;
pub mod vmstat;
pub mod wifi;
pub mod xfs;
pub mod zfs;
pub mod zoneinfo;

use super::collector::Entry;

/// Every collector, by name.
pub const ALL: &[Entry] = &[
    // (one line per collector, sorted: `loadavg::ENTRY,`)
    arp::ENTRY,
    bcache::ENTRY,
    bonding::ENTRY,
    btrfs::ENTRY,
    buddyinfo::ENTRY,
    cgroups::ENTRY,
    conntrack::ENTRY,
    cpu::ENTRY,
    cpufreq::ENTRY,
    diskstats::ENTRY,
    dmi::ENTRY,
    drbd::ENTRY,
    drm::ENTRY,
    edac::ENTRY,
    entropy::ENTRY,
    ethtool::ENTRY,
    fibrechannel::ENTRY,
    filefd::ENTRY,
    filesystem::ENTRY,
    hwmon::ENTRY,
    infiniband::ENTRY,
    interrupts::ENTRY,
    ipvs::ENTRY,
    ksmd::ENTRY,
    lnstat::ENTRY,
    loadavg::ENTRY,
    logind::ENTRY,
    mdadm::ENTRY,
    meminfo::ENTRY,
    meminfo_numa::ENTRY,
    mountstats::ENTRY,
    netclass::ENTRY,
    netdev::ENTRY,
    netstat::ENTRY,
    network_route::ENTRY,
    nfs::ENTRY,
    nfsd::ENTRY,
    ntp::ENTRY,
    nvme::ENTRY,
    os::ENTRY,
    perf::ENTRY,
    powersupplyclass::ENTRY,
    pressure::ENTRY,
    processes::ENTRY,
    qdisc::ENTRY,
    rapl::ENTRY,
    runit::ENTRY,
    schedstat::ENTRY,
    selinux::ENTRY,
    slabinfo::ENTRY,
    sockstat::ENTRY,
    softirqs::ENTRY,
    softnet::ENTRY,
    stat::ENTRY,
    supervisord::ENTRY,
    sysctl::ENTRY,
    systemd::ENTRY,
    tapestats::ENTRY,
    tcpstat::ENTRY,
    textfile::ENTRY,
    thermal_zone::ENTRY,
    time::ENTRY,
    timex::ENTRY,
    udp_queues::ENTRY,
    uname::ENTRY,
    vmstat::ENTRY,
    wifi::ENTRY,
    xfs::ENTRY,
    zfs::ENTRY,
    zoneinfo::ENTRY,
];
