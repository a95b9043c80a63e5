//! Evaluation of compiled values and conditions on one item: `and` and
//! `or` stop at the first term that decides, as the collector's do, and
//! an error anywhere is the whole expression's.

use river_ottl::ast::KeyValue as Key;

use super::compare::compare;
use super::compile::{Cond, Getter};
use super::item::Item;
use super::math::math;
use super::value::{map_get, Val};

/// The value `getter` gives on `item`.
pub fn get(getter: &Getter, item: &Item) -> Result<Val, String> {
    match getter {
        Getter::Lit(v) => Ok(v.clone()),
        Getter::Path(path) => path.get(item),
        Getter::List(items) => {
            Ok(Val::List(items.iter().map(|g| get(g, item)).collect::<Result<_, _>>()?))
        }
        Getter::Call(converter, keys) => index(converter.call(item)?, keys),
        Getter::Math(left, op, right) => {
            let x = get(left, item)?;
            let y = get(right, item)?;
            math(x, *op, y)
        }
    }
}

/// Keys after a converter (`Split(name, ".")[0]`), applied to its result.
fn index(mut val: Val, keys: &[Key]) -> Result<Val, String> {
    for key in keys {
        val = match (val, key) {
            (Val::Map(map), Key::String(k)) => match map_get(&map, k) {
                Some(kv) => Val::from_any(kv.value.as_ref()),
                None => return Err("key not found in map".into()),
            },
            (Val::Slice(items), Key::Int(i)) => Val::from_any(Some(at(&items, *i)?)),
            (Val::List(items), Key::Int(i)) => at(&items, *i)?.clone(),
            (Val::Strings(items), Key::Int(i)) => Val::Str(at(&items, *i)?.clone()),
            (other, Key::String(_)) => {
                return Err(format!("type, {}, does not support string indexing", other.go_type()))
            }
            (other, Key::Int(_)) => {
                return Err(format!("type, {}, does not support int indexing", other.go_type()))
            }
        };
    }
    Ok(val)
}

fn at<T>(items: &[T], i: i64) -> Result<&T, String> {
    usize::try_from(i)
        .ok()
        .and_then(|n| items.get(n))
        .ok_or_else(|| format!("index {i} out of bounds"))
}

/// Whether `cond` holds on `item`.
pub fn test(cond: &Cond, item: &Item) -> Result<bool, String> {
    Ok(match cond {
        Cond::Or(terms) => {
            for term in terms {
                if test(term, item)? {
                    return Ok(true);
                }
            }
            false
        }
        Cond::And(terms) => {
            for term in terms {
                if !test(term, item)? {
                    return Ok(false);
                }
            }
            true
        }
        Cond::Not(inner) => !test(inner, item)?,
        Cond::Const(b) => *b,
        Cond::Compare(left, op, right) => compare(&get(left, item)?, &get(right, item)?, *op),
        Cond::Converter(getter) => match get(getter, item)? {
            Val::Bool(b) => b,
            other => {
                return Err(format!(
                    "value returned from Converter in constant expression must be bool but got {}",
                    other.go_type()
                ))
            }
        },
    })
}
