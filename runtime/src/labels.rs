//! A label set: names and values, kept sorted by name, as Prometheus
//! orders series labels.

use std::fmt;

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Labels(Vec<(String, String)>);

impl Labels {
    pub fn new() -> Labels {
        Labels(Vec::new())
    }

    /// From pairs in any order; a later pair wins over an earlier one of
    /// the same name, and empty values are dropped (they mean "unset").
    pub fn from_pairs<I, K, V>(pairs: I) -> Labels
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let mut labels = Labels::new();
        for (name, value) in pairs {
            labels.set(&name.into(), &value.into());
        }
        labels
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.index(name).ok().map(|i| self.0[i].1.as_str())
    }

    /// Sets `name`; an empty value removes it.
    pub fn set(&mut self, name: &str, value: &str) {
        if value.is_empty() {
            self.remove(name);
            return;
        }
        match self.index(name) {
            Ok(i) => value.clone_into(&mut self.0[i].1),
            Err(i) => self.0.insert(i, (name.to_owned(), value.to_owned())),
        }
    }

    pub fn remove(&mut self, name: &str) {
        if let Ok(i) = self.index(name) {
            self.0.remove(i);
        }
    }

    /// Keeps the labels whose name passes `keep`.
    pub fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) {
        self.0.retain(|(name, _)| keep(name));
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn index(&self, name: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(n, _)| n.as_str().cmp(name))
    }
}

/// `{a="1", b="2"}`, as Prometheus writes a label set.
impl fmt::Display for Labels {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{")?;
        for (i, (name, value)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{name}={value:?}")?;
        }
        f.write_str("}")
    }
}
