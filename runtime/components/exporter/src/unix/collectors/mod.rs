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
pub mod diskstats;
pub mod dmi;
pub mod drm;
pub mod edac;
pub mod entropy;
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
pub mod mdadm;
pub mod meminfo;
pub mod meminfo_numa;
pub mod netclass;
pub mod netdev;
pub mod netstat;
pub mod nfs;
pub mod nfsd;
pub mod nvme;
pub mod os;
pub mod powersupplyclass;
pub mod pressure;
pub mod processes;
pub mod procfs;
pub mod rapl;
pub mod schedstat;
pub mod selinux;
pub mod slabinfo;
pub mod sockstat;
pub mod softirqs;
pub mod softnet;
pub mod stat;
pub mod sysctl;
pub mod tapestats;
pub mod tcpstat;
pub mod textfile;
pub mod thermal_zone;
pub mod time;
pub mod timex;
pub mod udp_queues;
pub mod uname;
pub mod vmstat;
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
    drm::ENTRY,
    edac::ENTRY,
    entropy::ENTRY,
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
    mdadm::ENTRY,
    meminfo::ENTRY,
    meminfo_numa::ENTRY,
    netclass::ENTRY,
    netdev::ENTRY,
    netstat::ENTRY,
    nfs::ENTRY,
    nfsd::ENTRY,
    nvme::ENTRY,
    os::ENTRY,
    powersupplyclass::ENTRY,
    pressure::ENTRY,
    processes::ENTRY,
    rapl::ENTRY,
    schedstat::ENTRY,
    selinux::ENTRY,
    slabinfo::ENTRY,
    sockstat::ENTRY,
    softirqs::ENTRY,
    softnet::ENTRY,
    stat::ENTRY,
    sysctl::ENTRY,
    tapestats::ENTRY,
    tcpstat::ENTRY,
    textfile::ENTRY,
    thermal_zone::ENTRY,
    time::ENTRY,
    timex::ENTRY,
    udp_queues::ENTRY,
    uname::ENTRY,
    vmstat::ENTRY,
    xfs::ENTRY,
    zfs::ENTRY,
    zoneinfo::ENTRY,
];
