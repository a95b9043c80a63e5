//! Every collector this build of `prometheus.exporter.unix` has, one
//! module each, in one table sorted by name.

pub mod arp;
pub mod bcache;
pub mod bonding;
pub mod btrfs;
pub mod conntrack;
pub mod cpu;
pub mod cpufreq;
pub mod diskstats;
pub mod dmi;
pub mod edac;
pub mod entropy;
pub mod fibrechannel;
pub mod filefd;
pub mod filesystem;
pub mod hwfs;
pub mod hwmon;
pub mod infiniband;
pub mod ipvs;
pub mod loadavg;
pub mod mdadm;
pub mod meminfo;
pub mod netclass;
pub mod netdev;
pub mod netstat;
pub mod nfs;
pub mod nfsd;
pub mod nvme;
pub mod os;
pub mod powersupplyclass;
pub mod pressure;
pub mod procfs;
pub mod rapl;
pub mod schedstat;
pub mod selinux;
pub mod sockstat;
pub mod softnet;
pub mod stat;
pub mod tapestats;
pub mod textfile;
pub mod thermal_zone;
pub mod time;
pub mod timex;
pub mod udp_queues;
pub mod uname;
pub mod vmstat;
pub mod xfs;
pub mod zfs;

use super::collector::Entry;

/// Every collector, by name.
pub const ALL: &[Entry] = &[
    // (one line per collector, sorted: `loadavg::ENTRY,`)
    arp::ENTRY,
    bcache::ENTRY,
    bonding::ENTRY,
    btrfs::ENTRY,
    conntrack::ENTRY,
    cpu::ENTRY,
    cpufreq::ENTRY,
    diskstats::ENTRY,
    dmi::ENTRY,
    edac::ENTRY,
    entropy::ENTRY,
    fibrechannel::ENTRY,
    filefd::ENTRY,
    filesystem::ENTRY,
    hwmon::ENTRY,
    infiniband::ENTRY,
    ipvs::ENTRY,
    loadavg::ENTRY,
    mdadm::ENTRY,
    meminfo::ENTRY,
    netclass::ENTRY,
    netdev::ENTRY,
    netstat::ENTRY,
    nfs::ENTRY,
    nfsd::ENTRY,
    nvme::ENTRY,
    os::ENTRY,
    powersupplyclass::ENTRY,
    pressure::ENTRY,
    rapl::ENTRY,
    schedstat::ENTRY,
    selinux::ENTRY,
    sockstat::ENTRY,
    softnet::ENTRY,
    stat::ENTRY,
    tapestats::ENTRY,
    textfile::ENTRY,
    thermal_zone::ENTRY,
    time::ENTRY,
    timex::ENTRY,
    udp_queues::ENTRY,
    uname::ENTRY,
    vmstat::ENTRY,
    xfs::ENTRY,
    zfs::ENTRY,
];
