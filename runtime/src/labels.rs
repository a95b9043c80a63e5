//! A label set, sorted by name, held as one shared byte string (each name
//! and value after its length as a varint). A series' labels are cloned,
//! hashed and compared many times per scrape: one allocation per set and a
//! reference count to clone keep that cheap, where a vector of strings
//! costs two allocations per label.

use std::fmt;
use std::sync::Arc;

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Labels(Arc<[u8]>);

impl Default for Labels {
    fn default() -> Labels {
        Labels::new()
    }
}

impl Labels {
    pub fn new() -> Labels {
        Labels(Arc::from(&[][..]))
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
        // Stable, so that among equal names the last given comes last.
        pairs.sort_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
        let mut bytes = Vec::with_capacity(
            pairs.iter().map(|(k, v)| k.as_ref().len() + v.as_ref().len() + 2).sum(),
        );
        for (i, (name, value)) in pairs.iter().enumerate() {
            let (name, value) = (name.as_ref(), value.as_ref());
            let overridden = pairs.get(i + 1).is_some_and(|(next, _)| next.as_ref() == name);
            if overridden || value.is_empty() {
                continue;
            }
            push(&mut bytes, name);
            push(&mut bytes, value);
        }
        Labels(Arc::from(bytes))
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
        Iter { bytes: &self.0 }
    }

    pub fn len(&self) -> usize {
        self.iter().count()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

fn push(bytes: &mut Vec<u8>, text: &str) {
    let mut len = text.len();
    while len >= 0x80 {
        bytes.push((len as u8) | 0x80);
        len >>= 7;
    }
    bytes.push(len as u8);
    bytes.extend_from_slice(text.as_bytes());
}

/// The pairs of a label set, in name order.
pub struct Iter<'a> {
    bytes: &'a [u8],
}

impl<'a> Iter<'a> {
    fn text(&mut self) -> &'a str {
        let mut len = 0usize;
        let mut shift = 0;
        loop {
            let byte = self.bytes[0];
            self.bytes = &self.bytes[1..];
            len |= ((byte & 0x7f) as usize) << shift;
            if byte < 0x80 {
                break;
            }
            shift += 7;
        }
        let (text, rest) = self.bytes.split_at(len);
        self.bytes = rest;
        // SAFETY: the bytes are only ever written by `push`, from a `&str`,
        // and `text` is exactly one such string: it is valid UTF-8. Checking
        // again here cost a tenth of the runtime's CPU in the benchmark.
        unsafe { std::str::from_utf8_unchecked(text) }
    }
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        if self.bytes.is_empty() {
            return None;
        }
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
}
