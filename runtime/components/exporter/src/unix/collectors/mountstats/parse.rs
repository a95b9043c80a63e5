//! `/proc/self/mountstats` and the `addr` option of `/proc/self/mountinfo`,
//! read as prometheus/procfs 0.8 (node_exporter 1.5's library) reads
//! them, with its errors: a device line that is not `device X mounted on
//! Y with fstype T`, statistics on a mount that is not NFS, or a line of
//! numbers of the wrong length fail the whole file.

/// One `device` entry; `nfs` when it has statistics.
#[derive(Debug)]
pub struct Mount {
    pub device: String,
    pub nfs: Option<Nfs>,
}

/// The statistics of an NFS mount.
#[derive(Debug, Default)]
pub struct Nfs {
    pub age_seconds: f64,
    /// `bytes:`: read, write, direct read, direct write, read from the
    /// server, written to it, pages read, pages written.
    pub bytes: [u64; 8],
    /// `events:`, the kernel's 27 counters in order.
    pub events: [u64; 27],
    pub transport: Transport,
    pub operations: Vec<Operation>,
}

/// `xprt:`: the protocol and its 13 numbers (port, bind, connect,
/// connect idle, idle seconds, sends, receives, bad XIDs, active,
/// backlog, max slots, sending queue, pending queue); UDP lacks the
/// three connection numbers, which read as 0.
#[derive(Debug, Default)]
pub struct Transport {
    pub protocol: String,
    pub numbers: [u64; 13],
}

/// One line of `per-op statistics`: requests, transmissions, major
/// timeouts, bytes sent, bytes received, and the queue, response and
/// request times in milliseconds.
#[derive(Debug)]
pub struct Operation {
    pub name: String,
    pub numbers: [u64; 8],
}

/// Why a file did not parse, and the line (from 1) it stopped at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub why: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (line {})", self.why, self.line)
    }
}

/// A file's lines, counted, so that an error can name its line.
struct Lines<'a> {
    inner: std::str::Lines<'a>,
    number: usize,
}

impl<'a> Iterator for Lines<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let line = self.inner.next()?;
        self.number += 1;
        Some(line)
    }
}

/// Every mount of a mountstats file.
pub fn mountstats(text: &str) -> Result<Vec<Mount>, ParseError> {
    let mut lines = Lines { inner: text.lines(), number: 0 };
    let mut mounts = Vec::new();
    while let Some(line) = lines.next() {
        let mount =
            mount(line, &mut lines).map_err(|why| ParseError { line: lines.number, why })?;
        mounts.extend(mount);
    }
    Ok(mounts)
}

/// The mount a `device` line starts (reading its statistics from
/// `lines`); `None` for any other line.
fn mount(line: &str, lines: &mut Lines) -> Result<Option<Mount>, String> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    if fields.first() != Some(&"device") {
        return Ok(None);
    }
    let (device, kind) = device_line(&fields)?;
    let mut mount = Mount { device: device.to_owned(), nfs: None };
    if fields.len() > 8 {
        if kind != "nfs" && kind != "nfs4" {
            return Err(format!("cannot parse MountStats for fstype {kind:?}"));
        }
        let version = fields[8].strip_prefix("statvers=").unwrap_or(fields[8]);
        mount.nfs = Some(nfs(lines, version)?);
    }
    Ok(Some(mount))
}

/// `device X mounted on Y with fstype T ...`: the device and the type.
fn device_line<'a>(fields: &[&'a str]) -> Result<(&'a str, &'a str), String> {
    let words = [(0, "device"), (2, "mounted"), (3, "on"), (5, "with"), (6, "fstype")];
    if fields.len() < 8 || words.iter().any(|(i, w)| fields[*i] != *w) {
        return Err(format!("invalid device entry: {fields:?}"));
    }
    Ok((fields[1], fields[7]))
}

/// The lines of one NFS mount up to `per-op statistics`, then its
/// operations (up to the blank line that ends the entry).
fn nfs(lines: &mut Lines, version: &str) -> Result<Nfs, String> {
    let mut stats = Nfs::default();
    for line in lines.by_ref() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let Some(&first) = fields.first() else { break };
        let short = || format!("not enough information for NFS stats: {fields:?}");
        match first {
            "opts:" | "age:" | "bytes:" | "events:" if fields.len() < 2 => return Err(short()),
            "age:" => stats.age_seconds = go_seconds(fields[1])?,
            "bytes:" => stats.bytes = numbers(&fields[1..], "bytes")?,
            "events:" => stats.events = numbers(&fields[1..], "events")?,
            "xprt:" if fields.len() < 3 => {
                return Err(format!("not enough information for NFS transport stats: {fields:?}"))
            }
            "xprt:" => stats.transport = transport(&fields[1..], version)?,
            "per-op" => break,
            _ => {}
        }
    }
    stats.operations = operations(lines)?;
    Ok(stats)
}

/// Exactly `N` unsigned numbers.
fn numbers<const N: usize>(fields: &[&str], what: &str) -> Result<[u64; N], String> {
    if fields.len() != N {
        return Err(format!("invalid NFS {what} stats: {fields:?}"));
    }
    let mut out = [0u64; N];
    for (slot, field) in out.iter_mut().zip(fields) {
        *slot = unsigned(field)?;
    }
    Ok(out)
}

/// `xprt: <protocol> <numbers>`, their count checked against the stats
/// version.
fn transport(fields: &[&str], version: &str) -> Result<Transport, String> {
    let (protocol, values) = (fields[0], &fields[1..]);
    let expected = match (version, protocol) {
        ("1.0", "tcp") => 10,
        ("1.0", "udp") => 7,
        ("1.1", "tcp") => 13,
        ("1.1", "udp") => 10,
        ("1.0" | "1.1", _) => {
            return Err(format!(
                "invalid NFS protocol {protocol:?} in stats {version} statement: {values:?}"
            ))
        }
        _ => return Err(format!("unrecognized NFS transport stats version: {version:?}")),
    };
    if values.len() != expected {
        return Err(format!("invalid NFS transport stats {version} statement: {values:?}"));
    }
    let mut parsed = Vec::with_capacity(16);
    for value in values {
        parsed.push(unsigned(value)?);
    }
    if protocol == "udp" {
        // UDP has no connect count, connect idle time or idle time.
        parsed.splice(2..2, [0, 0, 0]);
    }
    let mut numbers = [0u64; 13];
    for (slot, value) in numbers.iter_mut().zip(parsed) {
        *slot = value;
    }
    Ok(Transport { protocol: protocol.to_owned(), numbers })
}

/// The per-operation lines, up to a blank line or the end.
fn operations(lines: &mut Lines) -> Result<Vec<Operation>, String> {
    let mut out = Vec::new();
    for line in lines {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.is_empty() {
            break;
        }
        if fields.len() < 9 {
            return Err(format!("invalid NFS per-operations stats: {fields:?}"));
        }
        let mut numbers = [0u64; 8];
        for (i, field) in fields[1..].iter().enumerate() {
            // Every number is checked; a ninth (errors) and more are not shown.
            let value = unsigned(field)?;
            if let Some(slot) = numbers.get_mut(i) {
                *slot = value;
            }
        }
        let name = fields[0].strip_suffix(':').unwrap_or(fields[0]).to_owned();
        out.push(Operation { name, numbers });
    }
    Ok(out)
}

/// A decimal unsigned number, as Go's `ParseUint(s, 10, 64)` (no sign).
fn unsigned(text: &str) -> Result<u64, String> {
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    digits
        .then(|| text.parse().ok())
        .flatten()
        .ok_or_else(|| format!("strconv.ParseUint: parsing {text:?}: invalid syntax"))
}

/// The mount's age, `N` seconds read as Go's `ParseDuration("Ns")`: a
/// signed decimal, whole nanoseconds, at most about 292 years.
fn go_seconds(text: &str) -> Result<f64, String> {
    let invalid = || format!("time: invalid duration \"{text}s\"");
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !digits(whole) || !digits(fraction) {
        return Err(invalid());
    }
    let value: f64 = text.parse().map_err(|_| invalid())?;
    let nanos = (value * 1e9).trunc();
    if nanos.abs() > i64::MAX as f64 {
        return Err(invalid());
    }
    Ok(nanos / 1e9)
}

/// The `addr` superblock option of each line of a mountinfo file, in
/// order (empty where there is none), failing where procfs fails: fewer
/// than ten fields, no `-` separator, or IDs that are not numbers.
pub fn mount_addresses(text: &str) -> Result<Vec<String>, ParseError> {
    let numbered = text.lines().enumerate();
    numbered.map(|(i, line)| address(line).map_err(|why| ParseError { line: i + 1, why })).collect()
}

/// The `addr` option of one mountinfo line, checked as procfs checks it.
fn address(line: &str) -> Result<String, String> {
    let fields: Vec<&str> = line.split(' ').collect();
    let n = fields.len();
    if n < 10 {
        return Err(format!("couldn't find enough fields in mount string: {line}"));
    }
    if fields[n - 4] != "-" {
        return Err(format!("couldn't find separator in expected field: {}", fields[n - 4]));
    }
    if go_atoi(fields[0]).is_none() {
        return Err("failed to parse mount ID".into());
    }
    if go_atoi(fields[1]).is_none() {
        return Err("failed to parse parent ID".into());
    }
    Ok(option(fields[n - 1], "addr"))
}

/// The value of `key` in a comma-separated option list; the last one
/// wins, as in the map procfs builds.
fn option(options: &str, key: &str) -> String {
    let mut found = String::new();
    for option in options.split(',') {
        let mut parts = option.split('=');
        if parts.next() == Some(key) {
            found = parts.next().unwrap_or("").to_owned();
        }
    }
    found
}

/// Go's `strconv.Atoi`: an optional sign, then decimal digits.
fn go_atoi(text: &str) -> Option<i64> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn udp_transport_has_no_connection_numbers() {
        let fields = ["udp", "832", "1", "10", "11", "0", "5", "6", "7", "8", "9"];
        let t = transport(&fields, "1.1").unwrap();
        assert_eq!(t.numbers, [832, 1, 0, 0, 0, 10, 11, 0, 5, 6, 7, 8, 9]);
        let t = transport(&fields[..8], "1.0").unwrap();
        assert_eq!(t.numbers, [832, 1, 0, 0, 0, 10, 11, 0, 5, 6, 0, 0, 0]);
        assert!(transport(&fields, "1.0").unwrap_err().contains("1.0 statement"));
        assert!(transport(&["rdma", "1"], "1.1").unwrap_err().contains("\"rdma\""));
        assert!(transport(&["tcp", "1"], "2.0").unwrap_err().contains("unrecognized"));
    }

    #[test]
    fn numbers_are_checked_as_go_parses_them() {
        assert_eq!(unsigned("42"), Ok(42));
        assert!(unsigned("+1").is_err());
        assert!(unsigned("-1").is_err());
        assert!(unsigned("18446744073709551616").is_err());
        assert_eq!(go_seconds("13968"), Ok(13968.0));
        assert_eq!(go_seconds("1.5"), Ok(1.5));
        assert!(go_seconds("x").is_err());
        assert!(go_seconds("1e3").is_err());
        assert!(go_seconds("99999999999").is_err());
    }

    #[test]
    fn mountinfo_lines() {
        let text = "36 35 0:31 / /mnt/a rw,relatime shared:1 - nfs4 srv:/a rw,vers=4.2,addr=192.0.2.7,clientaddr=192.0.2.1\n\
                    37 35 8:1 / / rw - ext4 /dev/sda1 rw\n";
        assert_eq!(mount_addresses(text).unwrap(), ["192.0.2.7", ""]);
        assert!(mount_addresses("37 35 8:1 / / rw ext4 /dev/sda1 rw x\n")
            .unwrap_err()
            .to_string()
            .contains("separator"));
        assert!(mount_addresses("x 35 8:1 / / rw - ext4 /dev/sda1 rw\n")
            .unwrap_err()
            .to_string()
            .contains("mount ID"));
        assert!(mount_addresses("1 2 3\n").unwrap_err().to_string().contains("enough fields"));
    }

    #[test]
    fn stats_on_another_file_system_fail() {
        let error = mountstats("device x mounted on /y with fstype ext4 statvers=1.1\n")
            .unwrap_err()
            .to_string();
        assert!(error.contains("fstype \"ext4\""), "{error}");
        let error =
            mountstats("device x mounted at /y with fstype ext4\n").unwrap_err().to_string();
        assert!(error.contains("invalid device entry"), "{error}");
    }

    #[test]
    fn errors_name_their_line() {
        let text =
            "device a mounted on /a with fstype ext4\n\ndevice x mounted at /y with fstype ext4\n";
        assert_eq!(mountstats(text).unwrap_err().line, 3);
        assert_eq!(mount_addresses("1 2 3 4 5 6 - a b c\n1 2 3\n").unwrap_err().line, 2);
    }
}
