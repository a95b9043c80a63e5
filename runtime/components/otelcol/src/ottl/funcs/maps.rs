//! The editors that change a map in place: `delete_key`,
//! `delete_matching_keys`, `keep_keys`, `limit`, `merge_maps` and
//! `truncate_all`. Entries keep their order, as a `pcommon.Map` does.

use opentelemetry_proto::tonic::common::v1::{any_value, KeyValue};

use super::{with_map, Editor, Strategy};
use crate::ottl::eval::get;
use crate::ottl::item::Item;
use crate::ottl::typed;
use crate::ottl::value::{map_entry, map_get};

pub(super) fn run(editor: &Editor, item: &mut Item) -> Result<(), String> {
    match editor {
        Editor::DeleteKey(target, key) => with_map(target, item, |map| {
            map.retain(|kv| kv.key != *key);
            Ok(())
        }),
        Editor::DeleteMatchingKeys(target, regex) => with_map(target, item, |map| {
            map.retain(|kv| !regex.is_match(&kv.key));
            Ok(())
        }),
        Editor::KeepKeys(target, keys) => with_map(target, item, |map| {
            map.retain(|kv| keys.contains(&kv.key));
            Ok(())
        }),
        Editor::Limit(target, limit, priority) => with_map(target, item, |map| {
            limit_map(map, *limit, priority);
            Ok(())
        }),
        Editor::MergeMaps(target, source, strategy) => merge(target, source, *strategy, item),
        Editor::TruncateAll(target, limit) => with_map(target, item, |map| {
            map.iter_mut().for_each(|kv| truncate(kv, *limit));
            Ok(())
        }),
        _ => Err("not an editor of this module".into()),
    }
}

/// `limit`: keeps `limit` entries, the priority keys first, then the
/// others in order.
fn limit_map(map: &mut Vec<KeyValue>, limit: usize, priority: &[String]) {
    if map.len() <= limit {
        return;
    }
    let mut kept = priority.iter().filter(|k| map_get(map, k).is_some()).count();
    map.retain(|kv| {
        if priority.contains(&kv.key) {
            return true;
        }
        kept += 1;
        kept <= limit
    });
}

/// `merge_maps`: `source`'s entries into `target`'s map.
fn merge(
    target: &crate::ottl::compile::Getter,
    source: &crate::ottl::compile::Getter,
    strategy: Strategy,
    item: &mut Item,
) -> Result<(), String> {
    // The collector reads the target first, then the source.
    typed::map(get(target, item)?)?;
    let source = typed::map(get(source, item)?)?;
    with_map(target, item, |map| {
        for kv in source {
            let present = map_get(map, &kv.key).is_some();
            let write = match strategy {
                Strategy::Insert => !present,
                Strategy::Update => present,
                Strategy::Upsert => true,
            };
            if write {
                *map_entry(map, &kv.key) = kv.value.unwrap_or_default();
            }
        }
        Ok(())
    })
}

/// `truncate_all`: a string value longer than `limit` bytes cut to it (at
/// the character boundary at or before it: a Rust string cannot hold the
/// half character Go's byte slicing may leave).
fn truncate(kv: &mut KeyValue, limit: usize) {
    let Some(any_value::Value::StringValue(s)) = kv.value.as_mut().and_then(|v| v.value.as_mut())
    else {
        return;
    };
    if s.len() > limit {
        let cut = (0..=limit).rev().find(|i| s.is_char_boundary(*i)).unwrap_or(0);
        s.truncate(cut);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attributes::text;

    fn keys(map: &[KeyValue]) -> Vec<&str> {
        map.iter().map(|kv| kv.key.as_str()).collect()
    }

    /// The cases of the collector's `func_limit_test.go`.
    #[test]
    fn limit_keeps_priority_keys_first() {
        let input = vec![text("test", "hello world"), text("test2", "3"), text("test3", "true")];
        let cases: &[(usize, &[&str], &[&str])] = &[
            (1, &[], &["test"]),
            (0, &[], &[]),
            (100, &[], &["test", "test2", "test3"]),
            (3, &[], &["test", "test2", "test3"]),
            (2, &["test3"], &["test", "test3"]),
            (2, &["test", "test3"], &["test", "test3"]),
            (1, &["te"], &["test"]),
            (2, &["te", "test3"], &["test", "test3"]),
        ];
        for (limit, priority, want) in cases {
            let mut map = input.clone();
            let priority: Vec<String> = priority.iter().map(|s| s.to_string()).collect();
            limit_map(&mut map, *limit, &priority);
            assert_eq!(keys(&map), *want, "limit {limit} keeping {priority:?}");
        }
    }

    #[test]
    fn truncate_cuts_strings_only() {
        let mut kv = text("a", "hello world");
        truncate(&mut kv, 5);
        assert_eq!(crate::attributes::as_string(kv.value.as_ref()), "hello");
        let mut kv = text("a", "héllo");
        truncate(&mut kv, 2);
        assert_eq!(crate::attributes::as_string(kv.value.as_ref()), "h");
    }
}
