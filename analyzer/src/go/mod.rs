//! What the reference inherits from Go and users can see: case mapping
//! (`strings.ToUpper`), printable characters (`strconv.IsPrint`) under
//! Go's Unicode tables, Go's regular-expression classes and its size units. The standard
//! library, lint rules and the runtime (relabelling) share these, so a
//! config behaves the same wherever it is checked or run.

pub mod case;
pub mod regex;
pub(crate) mod unicode;
pub mod units;
