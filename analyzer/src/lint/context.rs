//! What every check reads and writes: the registry, the scope of names,
//! and the findings so far.

use super::finding::Finding;
use super::scope::Scope;
use crate::schema::Registry;

/// What every check may read.
pub(crate) struct Cx<'a> {
    pub registry: &'a Registry,
    pub scope: &'a Scope,
    pub out: Vec<Finding>,
}

impl Cx<'_> {
    pub fn push(&mut self, finding: Finding) {
        self.out.push(finding);
    }
}
