//! Comparisons with the collector's rules (`pkg/ottl/compare.go`): nil
//! equals only nil; ints and floats compare as numbers; strings with
//! strings, bools with bools, bytes with bytes; anything else is only
//! equal or not. A comparison between values of different kinds is
//! false, except `!=`, which is true.

use river_ottl::ast::CompareOp;

use super::value::Val;

/// `a op b`.
pub fn compare(a: &Val, b: &Val, op: CompareOp) -> bool {
    use CompareOp::*;
    match (a, b) {
        (Val::Nil, Val::Nil) => matches!(op, Eq | Le | Ge),
        // Nil against anything else: the collector swaps the sides and
        // lands in the other value's rules, which never match nil.
        (Val::Nil, _) | (_, Val::Nil) => op == Ne,
        (Val::Bool(a), Val::Bool(b)) => bools(*a, *b, op),
        (Val::Int(a), Val::Int(b)) => ordered(a, b, op),
        (Val::Int(a), Val::Float(b)) => floats(*a as f64, *b, op),
        (Val::Float(a), Val::Int(b)) => floats(*a, *b as f64, op),
        (Val::Float(a), Val::Float(b)) => floats(*a, *b, op),
        (Val::Str(a), Val::Str(b)) => ordered(a, b, op),
        (Val::Bytes(a), Val::Bytes(b)) => ordered(a, b, op),
        // Kinds with an order of their own, compared to another kind.
        (Val::Bool(_) | Val::Int(_) | Val::Float(_) | Val::Str(_) | Val::Bytes(_), _) => op == Ne,
        // The rest are compared with Go's `==`: equal or not, unordered.
        (a, b) => match op {
            Eq => a == b,
            Ne => a != b,
            _ => false,
        },
    }
}

fn ordered<T: PartialOrd + ?Sized>(a: &T, b: &T, op: CompareOp) -> bool {
    match op {
        CompareOp::Eq => a == b,
        CompareOp::Ne => a != b,
        CompareOp::Lt => a < b,
        CompareOp::Le => a <= b,
        CompareOp::Gt => a > b,
        CompareOp::Ge => a >= b,
    }
}

/// Floats as Go compares them: NaN is unequal to everything.
fn floats(a: f64, b: f64, op: CompareOp) -> bool {
    ordered(&a, &b, op)
}

/// Bools are ordered `false < true`.
fn bools(a: bool, b: bool, op: CompareOp) -> bool {
    ordered(&a, &b, op)
}

#[cfg(test)]
mod tests {
    use super::*;
    use CompareOp::*;

    /// Cases of the collector's `compare_test.go`: each pair under every
    /// operator, as `[==, !=, <, <=, >, >=]`.
    #[test]
    fn compares_as_the_collector() {
        let s = |t: &str| Val::Str(t.into());
        let cases: &[(&str, Val, Val, [bool; 6])] = &[
            ("nil nil", Val::Nil, Val::Nil, [true, false, false, true, false, true]),
            ("nil string", Val::Nil, s("a"), [false, true, false, false, false, false]),
            ("int nil", Val::Int(1), Val::Nil, [false, true, false, false, false, false]),
            ("ints", Val::Int(1), Val::Int(2), [false, true, true, true, false, false]),
            ("int float", Val::Int(2), Val::Float(2.0), [true, false, false, true, false, true]),
            ("float int", Val::Float(1.5), Val::Int(1), [false, true, false, false, true, true]),
            ("strings", s("a"), s("b"), [false, true, true, true, false, false]),
            ("string int", s("1"), Val::Int(1), [false, true, false, false, false, false]),
            ("bools", Val::Bool(false), Val::Bool(true), [false, true, true, true, false, false]),
            ("bool int", Val::Bool(true), Val::Int(1), [false, true, false, false, false, false]),
            (
                "bytes",
                Val::Bytes(vec![1, 2]),
                Val::Bytes(vec![1, 3]),
                [false, true, true, true, false, false],
            ),
            ("maps", Val::Map(vec![]), Val::Map(vec![]), [true, false, false, false, false, false]),
            (
                "trace ids",
                Val::TraceId([1; 16]),
                Val::TraceId([1; 16]),
                [true, false, false, false, false, false],
            ),
            (
                "trace id bytes",
                Val::TraceId([1; 16]),
                Val::Bytes(vec![1; 16]),
                [false, true, false, false, false, false],
            ),
        ];
        for (name, a, b, want) in cases {
            let got = [Eq, Ne, Lt, Le, Gt, Ge].map(|op| compare(a, b, op));
            assert_eq!(&got, want, "{name}");
        }
    }
}
