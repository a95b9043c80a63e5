//! A label set, sorted by name, held as one shared byte string: the
//! pairs as Remote Write's `repeated Label labels = 1` field of a
//! `TimeSeries` is written on the wire (each pair a protobuf `Label`
//! message with its name and value). A series' labels are cloned, hashed,
//! compared and encoded many times per scrape: one allocation per set and
//! a reference count to clone keep that cheap; the hash is computed once,
//! when the set is made, so hash maps of a million series cost a word per
//! lookup; and encoding a series for the WAL or the wire is one copy.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

#[derive(Clone)]
pub struct Labels {
    /// xxh3 of `bytes`.
    hash: u64,
    bytes: Arc<[u8]>,
}

impl Default for Labels {
    fn default() -> Labels {
        Labels::new()
    }
}

impl PartialEq for Labels {
    fn eq(&self, other: &Labels) -> bool {
        self.hash == other.hash
            && (Arc::ptr_eq(&self.bytes, &other.bytes) || self.bytes == other.bytes)
    }
}

impl Eq for Labels {}

impl Hash for Labels {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

/// Pair by pair, by name then value, as Prometheus orders label sets.
impl Ord for Labels {
    fn cmp(&self, other: &Labels) -> Ordering {
        self.iter().cmp(other.iter())
    }
}

impl PartialOrd for Labels {
    fn partial_cmp(&self, other: &Labels) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Why bytes are not an encoded label set (`Labels::from_wire`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireError(pub &'static str);

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed label set: {}", self.0)
    }
}

impl std::error::Error for WireError {}

impl Labels {
    pub fn new() -> Labels {
        Labels::from_bytes(Vec::new())
    }

    fn from_bytes(bytes: Vec<u8>) -> Labels {
        Labels { hash: xxhash_rust::xxh3::xxh3_64(&bytes), bytes: Arc::from(bytes) }
    }

    /// From pairs in any order; a later pair wins over an earlier one of
    /// the same name, and empty values are dropped (they mean "unset").
    pub fn from_pairs<I, K, V>(pairs: I) -> Labels
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut pairs: Vec<(K, V)> = pairs.into_iter().collect();
        let mut bytes = Vec::with_capacity(
            pairs.iter().map(|(k, v)| k.as_ref().len() + v.as_ref().len() + 6).sum(),
        );
        write_sorted(&mut pairs, &mut bytes);
        Labels::from_bytes(bytes)
    }

    /// A label set from its wire form (`wire`), checked: the pairs must be
    /// well formed, UTF-8, sorted by name and without empty values.
    pub fn from_wire(wire: &[u8]) -> Result<Labels, WireError> {
        let mut rest = wire;
        let mut last: Option<&str> = None;
        while !rest.is_empty() {
            let (name, value) = checked_pair(&mut rest)?;
            if last.is_some_and(|l| l >= name) || value.is_empty() {
                return Err(WireError("labels out of order, repeated or empty"));
            }
            last = Some(name);
        }
        Ok(Labels::from_bytes(wire.to_vec()))
    }

    /// The set as Remote Write's `TimeSeries.labels` field is written: what
    /// a `TimeSeries` message starts with.
    pub fn wire(&self) -> &[u8] {
        &self.bytes
    }

    /// The hash the set was made with (a fast xxh3 of its bytes; the same
    /// in every process of this build).
    pub fn hash64(&self) -> u64 {
        self.hash
    }

    /// Whether both are the one same allocation (not only equal).
    pub fn same(&self, other: &Labels) -> bool {
        Arc::ptr_eq(&self.bytes, &other.bytes)
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.iter().find(|(n, _)| *n == name).map(|(_, v)| v)
    }

    /// Sets `name`; an empty value removes it.
    pub fn set(&mut self, name: &str, value: &str) {
        if value.is_empty() {
            self.remove(name);
            return;
        }
        if self.get(name) == Some(value) {
            return;
        }
        let pairs: Vec<(&str, &str)> =
            self.iter().filter(|(n, _)| *n != name).chain([(name, value)]).collect();
        *self = Labels::from_pairs(pairs);
    }

    pub fn remove(&mut self, name: &str) {
        if self.get(name).is_some() {
            self.retain(|n| n != name);
        }
    }

    /// Keeps the labels whose name passes `keep`.
    pub fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) {
        if self.iter().all(|(n, _)| keep(n)) {
            return;
        }
        let pairs: Vec<(&str, &str)> = self.iter().filter(|(n, _)| keep(n)).collect();
        *self = Labels::from_pairs(pairs);
    }

    pub fn iter(&self) -> Iter<'_> {
        Iter { bytes: &self.bytes }
    }

    pub fn len(&self) -> usize {
        self.iter().count()
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

/// Sorts `pairs` by name and writes them as `from_pairs` does.
fn write_sorted<K: AsRef<str>, V: AsRef<str>>(pairs: &mut [(K, V)], bytes: &mut Vec<u8>) {
    // Stable, so that among equal names the last given comes last.
    pairs.sort_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
    for (i, (name, value)) in pairs.iter().enumerate() {
        let (name, value) = (name.as_ref(), value.as_ref());
        let overridden = pairs.get(i + 1).is_some_and(|(next, _)| next.as_ref() == name);
        if overridden || value.is_empty() {
            continue;
        }
        push_pair(bytes, name, value);
    }
}

/// A label set being made, before anything is allocated for it: its
/// bytes and hash, with which a set already held can be looked up in a
/// `hashbrown` map and shared instead of made again (a scrape makes a
/// million sets that are nearly all the same as the last scrape's).
#[derive(Default)]
pub struct Draft {
    bytes: Vec<u8>,
    hash: u64,
}

impl Draft {
    /// The set of `pairs`, as `Labels::from_pairs` makes it (`pairs` is
    /// sorted in place).
    pub fn fill<K: AsRef<str>, V: AsRef<str>>(&mut self, pairs: &mut [(K, V)]) {
        self.bytes.clear();
        write_sorted(pairs, &mut self.bytes);
        self.hash = xxhash_rust::xxh3::xxh3_64(&self.bytes);
    }

    /// Whether this is the set `labels` holds.
    pub fn makes(&self, labels: &Labels) -> bool {
        hashbrown::Equivalent::equivalent(self, labels)
    }

    /// The set, allocated.
    pub fn labels(&self) -> Labels {
        Labels { hash: self.hash, bytes: Arc::from(&self.bytes[..]) }
    }
}

impl Hash for Draft {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

impl hashbrown::Equivalent<Labels> for Draft {
    fn equivalent(&self, key: &Labels) -> bool {
        self.hash == key.hash && *self.bytes == *key.bytes
    }
}

/// Protobuf's key bytes: field 1 of `TimeSeries` (a `Label`), and the
/// `name` (1) and `value` (2) fields of a `Label`, all length-delimited.
const LABEL_KEY: u8 = 0x0a;
const NAME_KEY: u8 = 0x0a;
const VALUE_KEY: u8 = 0x12;

fn varint_len(mut n: usize) -> usize {
    let mut len = 1;
    while n >= 0x80 {
        n >>= 7;
        len += 1;
    }
    len
}

fn push_varint(bytes: &mut Vec<u8>, mut n: usize) {
    while n >= 0x80 {
        bytes.push((n as u8) | 0x80);
        n >>= 7;
    }
    bytes.push(n as u8);
}

fn push_pair(bytes: &mut Vec<u8>, name: &str, value: &str) {
    let message = 2 + varint_len(name.len()) + name.len() + varint_len(value.len()) + value.len();
    bytes.push(LABEL_KEY);
    push_varint(bytes, message);
    for (key, text) in [(NAME_KEY, name), (VALUE_KEY, value)] {
        bytes.push(key);
        push_varint(bytes, text.len());
        bytes.extend_from_slice(text.as_bytes());
    }
}

fn checked_varint(rest: &mut &[u8]) -> Result<usize, WireError> {
    let mut n = 0usize;
    for shift in (0..35).step_by(7) {
        let (&byte, tail) = rest.split_first().ok_or(WireError("cut short"))?;
        *rest = tail;
        n |= ((byte & 0x7f) as usize) << shift;
        if byte < 0x80 {
            return Ok(n);
        }
    }
    Err(WireError("a length is too long"))
}

fn checked_field<'a>(rest: &mut &'a [u8], key: u8) -> Result<&'a [u8], WireError> {
    let (&found, tail) = rest.split_first().ok_or(WireError("cut short"))?;
    *rest = tail;
    if found != key {
        return Err(WireError("an unexpected field"));
    }
    let len = checked_varint(rest)?;
    if len > rest.len() {
        return Err(WireError("cut short"));
    }
    let (field, tail) = rest.split_at(len);
    *rest = tail;
    Ok(field)
}

/// One `Label` message of `rest`, checked.
fn checked_pair<'a>(rest: &mut &'a [u8]) -> Result<(&'a str, &'a str), WireError> {
    let mut message = checked_field(rest, LABEL_KEY)?;
    let name = checked_field(&mut message, NAME_KEY)?;
    let value = checked_field(&mut message, VALUE_KEY)?;
    if !message.is_empty() {
        return Err(WireError("an unexpected field"));
    }
    let text = |bytes| std::str::from_utf8(bytes).map_err(|_| WireError("not UTF-8"));
    Ok((text(name)?, text(value)?))
}

/// The pairs of a label set, in name order.
pub struct Iter<'a> {
    bytes: &'a [u8],
}

impl<'a> Iter<'a> {
    fn varint(&mut self) -> usize {
        let mut n = 0usize;
        let mut shift = 0;
        loop {
            let byte = self.bytes[0];
            self.bytes = &self.bytes[1..];
            n |= ((byte & 0x7f) as usize) << shift;
            if byte < 0x80 {
                return n;
            }
            shift += 7;
        }
    }

    /// A field's text, after its key.
    fn text(&mut self) -> &'a str {
        self.bytes = &self.bytes[1..];
        let len = self.varint();
        let (text, rest) = self.bytes.split_at(len);
        self.bytes = rest;
        // SAFETY: the bytes are only ever written by `push_pair`, from
        // `&str`s, or checked by `from_wire`, and `text` is exactly one
        // such string: it is valid UTF-8. Checking again here cost a tenth
        // of the runtime's CPU in the benchmark.
        unsafe { std::str::from_utf8_unchecked(text) }
    }
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        if self.bytes.is_empty() {
            return None;
        }
        // The `Label` message's key and length: its two fields follow.
        self.bytes = &self.bytes[1..];
        self.varint();
        let name = self.text();
        let value = self.text();
        Some((name, value))
    }
}

/// A label name made of `name` as Prometheus's `strutil.SanitizeLabelName`
/// makes it: every character but ASCII letters, digits and `_` becomes `_`.
pub fn sanitize_name(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect()
}

/// `{a="1", b="2"}`, as Prometheus writes a label set.
impl fmt::Display for Labels {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{")?;
        for (i, (name, value)) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{name}={value:?}")?;
        }
        f.write_str("}")
    }
}

impl fmt::Debug for Labels {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_deduplicated_and_editable() {
        let long = "v".repeat(300);
        let mut labels = Labels::from_pairs([
            ("b", "2"),
            ("a", "1"),
            ("b", "3"),
            ("c", ""),
            ("d", long.as_str()),
        ]);
        assert_eq!(
            labels.iter().collect::<Vec<_>>(),
            [("a", "1"), ("b", "3"), ("d", long.as_str())]
        );
        labels.set("c", "x");
        labels.set("a", "");
        assert_eq!(labels.get("c"), Some("x"));
        assert_eq!(labels.get("a"), None);
        labels.retain(|n| n != "d");
        assert_eq!(labels.to_string(), "{b=\"3\", c=\"x\"}");
        assert_eq!(labels.len(), 2);
        assert_eq!(labels, Labels::from_pairs([("c", "x"), ("b", "3")]));
    }

    #[test]
    fn the_bytes_are_remote_writes_label_fields() {
        let long = "v".repeat(200);
        let labels = Labels::from_pairs([("b", long.as_str()), ("a", "1")]);
        let mut want = vec![0x0a, 6, 0x0a, 1, b'a', 0x12, 1, b'1', 0x0a, 0xce, 0x01, 0x0a, 1, b'b'];
        want.extend([0x12, 0xc8, 0x01]);
        want.extend(long.as_bytes());
        assert_eq!(labels.wire(), want.as_slice());
        let back = Labels::from_wire(labels.wire()).unwrap();
        assert_eq!(back, labels);
        assert_eq!(back.hash64(), labels.hash64());
        assert_eq!(back.iter().collect::<Vec<_>>(), [("a", "1"), ("b", long.as_str())]);
    }

    #[test]
    fn malformed_wire_bytes_are_refused() {
        let good = Labels::from_pairs([("a", "1"), ("b", "2")]);
        let wire = good.wire();
        assert!(Labels::from_wire(&wire[..wire.len() - 1]).is_err());
        let swapped = [&wire[8..], &wire[..8]].concat();
        assert!(Labels::from_wire(&swapped).is_err());
        let mut bad_utf8 = wire.to_vec();
        bad_utf8[4] = 0xff;
        assert!(Labels::from_wire(&bad_utf8).is_err());
        assert!(Labels::from_wire(&[0x12, 0]).is_err());
    }

    #[test]
    fn a_draft_finds_the_set_it_would_make() {
        let held = Labels::from_pairs([("b", "2"), ("a", "1")]);
        let set: hashbrown::HashSet<Labels> = [held.clone()].into_iter().collect();
        let mut draft = Draft::default();
        draft.fill(&mut [("a", "1"), ("b", "2"), ("c", "")]);
        let found = set.get(&draft).unwrap();
        assert!(Arc::ptr_eq(&found.bytes, &held.bytes));
        assert_eq!(draft.labels(), held);
        draft.fill(&mut [("a", "1")]);
        assert!(set.get(&draft).is_none());
    }

    #[test]
    fn ordered_pair_by_pair() {
        let a = Labels::from_pairs([("a", "2")]);
        let b = Labels::from_pairs([("a", "10"), ("b", "1")]);
        assert!(b < a, "\"10\" sorts before \"2\" as text");
        assert!(Labels::new() < b);
    }
}
