//! Keys into maps and lists (`attributes["a"]["b"][0]`), read and written
//! as the collector's `GetMapValue`, `SetMapValue` and their slice
//! twins: a missing key reads as nil; writing creates what is missing on
//! the way, maps for string keys and lists for int keys.

use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, ArrayValue, KeyValue};
use river_ottl::ast::KeyValue as Key;

use crate::ottl::value::{any, any_type, map_entry, map_get, Val};

/// How long a list that writing through an int key creates may get: the
/// collector would allocate whatever a statement asks for.
const MAX_CREATED: i64 = 1 << 16;

/// A map path: the whole map without keys, a value inside it with them.
pub fn get_attrs(map: &[KeyValue], keys: &[Key]) -> Result<Val, String> {
    if keys.is_empty() {
        return Ok(Val::Map(map.to_vec()));
    }
    get_map(map, keys)
}

/// Writes a map path: the whole map takes only a map (other values are
/// ignored, as the collector's setters ignore a value of the wrong type).
pub fn set_attrs(map: &mut Vec<KeyValue>, keys: &[Key], val: Val) -> Result<(), String> {
    if keys.is_empty() {
        if let Val::Map(m) = val {
            *map = m;
        }
        return Ok(());
    }
    set_map(map, keys, &val)
}

/// `GetMapValue`.
pub fn get_map(map: &[KeyValue], keys: &[Key]) -> Result<Val, String> {
    let Some(Key::String(first)) = keys.first() else {
        return Err("non-string indexing is not supported".into());
    };
    match map_get(map, first) {
        Some(kv) => get_in(kv.value.as_ref(), &keys[1..]),
        None => Ok(Val::Nil),
    }
}

/// `GetSliceValue`.
pub fn get_slice(slice: &[AnyValue], keys: &[Key]) -> Result<Val, String> {
    let Some(Key::Int(first)) = keys.first() else {
        return Err("non-integer indexing is not supported".into());
    };
    let value = index(slice, *first)?;
    get_in(Some(value), &keys[1..])
}

fn index(slice: &[AnyValue], i: i64) -> Result<&AnyValue, String> {
    usize::try_from(i)
        .ok()
        .and_then(|i| slice.get(i))
        .ok_or_else(|| format!("index {i} out of bounds"))
}

/// The value at `keys` below `value`.
fn get_in(mut value: Option<&AnyValue>, keys: &[Key]) -> Result<Val, String> {
    use any_value::Value as V;
    for key in keys {
        value = match (value.and_then(|v| v.value.as_ref()), key) {
            (Some(V::KvlistValue(kv)), Key::String(k)) => match map_get(&kv.values, k) {
                Some(entry) => entry.value.as_ref(),
                None => return Ok(Val::Nil),
            },
            (Some(V::KvlistValue(_)), Key::Int(_)) => {
                return Err("map must be indexed by a string".into())
            }
            (Some(V::ArrayValue(a)), Key::Int(i)) => Some(index(&a.values, *i)?),
            (Some(V::ArrayValue(_)), Key::String(_)) => {
                return Err("slice must be indexed by an int".into())
            }
            _ => return Err(unindexable(value)),
        };
    }
    Ok(Val::from_any(value))
}

fn unindexable(value: Option<&AnyValue>) -> String {
    format!("type {} does not support string indexing", any_type(value))
}

/// `SetMapValue`.
pub fn set_map(map: &mut Vec<KeyValue>, keys: &[Key], val: &Val) -> Result<(), String> {
    let Some(Key::String(first)) = keys.first() else {
        return Err("non-string indexing is not supported".into());
    };
    set_in(map_entry(map, first), &keys[1..], val)
}

/// `SetSliceValue`.
pub fn set_slice(slice: &mut [AnyValue], keys: &[Key], val: &Val) -> Result<(), String> {
    let Some(Key::Int(first)) = keys.first() else {
        return Err("non-integer indexing is not supported".into());
    };
    let i = *first;
    let value = usize::try_from(i)
        .ok()
        .and_then(|i| slice.get_mut(i))
        .ok_or_else(|| format!("index {i} out of bounds"))?;
    set_in(value, &keys[1..], val)
}

/// Stores `val` at `keys` below `value`, creating what is missing.
fn set_in(mut value: &mut AnyValue, keys: &[Key], val: &Val) -> Result<(), String> {
    for key in keys {
        value = step(value, key)?;
    }
    // What the collector cannot store in an attribute leaves it empty.
    *value = any(val.to_any());
    Ok(())
}

/// One key down from `value`, for writing.
fn step<'v>(value: &'v mut AnyValue, key: &Key) -> Result<&'v mut AnyValue, String> {
    use any_value::Value as V;
    let kind = any_type(Some(value));
    if value.value.is_none() {
        return create(value, key);
    }
    match (value.value.as_mut(), key) {
        (Some(V::KvlistValue(kv)), Key::String(k)) => Ok(map_entry(&mut kv.values, k)),
        (Some(V::KvlistValue(_)), Key::Int(_)) => Err("map must be indexed by a string".into()),
        (Some(V::ArrayValue(a)), Key::Int(i)) => {
            let i = *i;
            let slot = usize::try_from(i).ok().and_then(|n| a.values.get_mut(n));
            slot.ok_or_else(|| format!("index {i} out of bounds"))
        }
        (Some(V::ArrayValue(_)), Key::String(_)) => Err("slice must be indexed by an int".into()),
        _ => Err(format!("type {kind} does not support string indexing")),
    }
}

/// An empty value made a map or a list by the key written through it: a
/// list of `i + 1` empty values for `[i]`, whose last is written.
fn create<'v>(value: &'v mut AnyValue, key: &Key) -> Result<&'v mut AnyValue, String> {
    use any_value::Value as V;
    match key {
        Key::String(k) => {
            value.value = Some(V::KvlistValue(Default::default()));
            let Some(V::KvlistValue(kv)) = value.value.as_mut() else { unreachable!("just set") };
            Ok(map_entry(&mut kv.values, k))
        }
        Key::Int(i) if *i > MAX_CREATED => Err(format!("index {i} out of bounds")),
        Key::Int(i) => {
            let values = vec![AnyValue::default(); (*i).max(0) as usize + 1];
            value.value = Some(V::ArrayValue(ArrayValue { values }));
            let Some(V::ArrayValue(a)) = value.value.as_mut() else { unreachable!("just set") };
            Ok(a.values.last_mut().expect("one at least"))
        }
    }
}
