//! Sizes as Go's `units.ParseBase2Bytes` (alecthomas/units) reads them, the
//! reader behind every `units.Base2Bytes` setting of the reference
//! (`loki.write`'s `batch_size`, Prometheus's `body_size_limit`, ...).

/// The bytes in `text`: numbers each followed by a unit (`1MB512KB`,
/// `1.5MiB`), every unit a power of 1024, either all `KiB`-style or all
/// `KB`-style; a bare `0` is zero. A number without a unit, a space, a
/// lower-case `kB` or a mix of the two styles is no size, as in Go.
pub fn parse_base2_bytes(text: &str) -> Option<u64> {
    if text == "0" {
        return Some(0);
    }
    [true, false].into_iter().find_map(|binary| sum_of_units(text, &units(binary)))
}

/// `B` and the six prefixes, with `iB` (binary) or `B` (the older style
/// that Go still reads as binary).
fn units(binary: bool) -> Vec<(String, f64)> {
    let mut all = vec![("B".to_owned(), 1f64)];
    for (i, prefix) in ["K", "M", "G", "T", "P", "E"].iter().enumerate() {
        let unit = if binary { format!("{prefix}iB") } else { format!("{prefix}B") };
        all.push((unit, 1024f64.powi(i as i32 + 1)));
    }
    all
}

fn sum_of_units(text: &str, units: &[(String, f64)]) -> Option<u64> {
    let mut rest = text;
    let mut total = 0f64;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(|b| b.is_ascii_digit() || *b == b'.').count();
        let number: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest.find(|c: char| c == '.' || c.is_ascii_digit()).unwrap_or(rest.len());
        let (_, scale) = units.iter().find(|(unit, _)| *unit == rest[..unit_len])?;
        total += number * scale;
        rest = &rest[unit_len..];
    }
    (total < u64::MAX as f64).then_some(total as u64)
}

#[cfg(test)]
mod tests {
    use super::parse_base2_bytes;

    #[test]
    fn sizes_as_go_reads_them() {
        assert_eq!(parse_base2_bytes("10MB"), Some(10 << 20));
        assert_eq!(parse_base2_bytes("10MiB"), Some(10 << 20));
        assert_eq!(parse_base2_bytes("1KB512B"), Some(1536));
        assert_eq!(parse_base2_bytes("1.5KiB"), Some(1536));
        assert_eq!(parse_base2_bytes("0"), Some(0));
        assert_eq!(parse_base2_bytes("1024"), None);
        assert_eq!(parse_base2_bytes("10 MB"), None);
        assert_eq!(parse_base2_bytes("1kB"), None);
        assert_eq!(parse_base2_bytes("1MiB1KB"), None);
        assert_eq!(parse_base2_bytes(""), None);
    }
}
