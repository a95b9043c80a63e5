//! The registry's loading rules, on small hand-made inputs, and the
//! built-in files.

use super::*;

const GENERATED: &str = r#"[
  { "name": "demo.thing", "kind": "component", "label": "required", "doc": "https://example.invalid/demo",
    "arguments": [{ "name": "url", "type": "string", "required": true }],
    "blocks": [
      { "name": "tls_config", "shared": "tls-config",
        "arguments": [{ "name": "ca_file", "type": "string" }] },
      { "name": "rule", "arguments": [{ "name": "action", "type": "string", "default": "\"replace\"" }] }
    ],
    "exports": [{ "name": "targets", "type": "list(map(string))" }] }
]"#;

fn load(overlay: &str, descriptions: &str) -> Result<Registry, LoadError> {
    Registry::from_sources(GENERATED, overlay, &[("test.toml", descriptions)])
}

#[test]
fn built_in_files_load_and_are_complete() {
    let registry = registry();
    assert_eq!(registry.components().count(), 139);
    // The reference's 11, and `livedebugging` (an extension).
    assert_eq!(registry.config_blocks().count(), 12);
    let scrape = registry.get("prometheus.scrape").expect("prometheus.scrape");
    assert_eq!(scrape.body.argument("forward_to").unwrap().ty.to_string(), "list(MetricsReceiver)");
}

#[test]
fn overlay_corrects_by_path() {
    let overlay = r#"patch = [
      { path = "demo.thing/rule", repeatable = true, reason = "rules are a list" },
      { path = "demo.thing/rule:action", enum = ["replace", "keep"], reason = "the actions" },
      { path = "demo.thing#targets", type = "Targets", reason = "same type, other spelling" },
    ]"#;
    let registry = load(overlay, "").unwrap();
    let rule = registry.get("demo.thing").unwrap().body.block("rule").unwrap();
    assert!(rule.repeatable);
    assert_eq!(rule.body.argument("action").unwrap().enum_values, ["replace", "keep"]);
}

#[test]
fn overlay_mistakes_fail_to_load() {
    let cases = [
        (
            r#"patch = [{ path = "demo.nothing", repeatable = true, reason = "x" }]"#,
            "no such component",
        ),
        (
            r#"patch = [{ path = "demo.thing/nope", repeatable = true, reason = "x" }]"#,
            "no such block",
        ),
        (
            r#"patch = [{ path = "demo.thing:nope", required = true, reason = "x" }]"#,
            "no such argument",
        ),
        (
            r#"patch = [{ path = "demo.thing/rule", repeatable = true, reason = "" }]"#,
            "needs a reason",
        ),
        (r#"patch = [{ path = "demo.thing/rule", reason = "x" }]"#, "changes nothing"),
        (
            r#"patch = [{ path = "demo.thing/rule", type = "string", reason = "x" }]"#,
            "does not apply",
        ),
        (
            r#"patch = [{ path = "demo.thing", copy_blocks = ["demo.thing/gone"], reason = "x" }]"#,
            "nothing at",
        ),
        (
            r#"patch = [{ path = "demo.thing", add_blocks = [{ name = "rule" }], reason = "x" }]"#,
            "exists already",
        ),
    ];
    for (overlay, expected) in cases {
        let error = load(overlay, "").unwrap_err();
        assert!(error.message.contains(expected), "{overlay}: {error}");
    }
}

#[test]
fn descriptions_attach_by_own_path_then_shared_then_common() {
    let descriptions = r#"
        "demo.thing" = "A demo."
        "demo.thing:url" = "Where to go."
        "@tls-config:ca_file" = "The CA bundle."
        "*:action" = "What to do."
        "demo.thing#targets" = "What was found."
    "#;
    let registry = load("", descriptions).unwrap();
    let thing = registry.get("demo.thing").unwrap();
    assert_eq!(thing.description, "A demo.");
    assert_eq!(thing.body.argument("url").unwrap().description, "Where to go.");
    let tls = thing.body.block("tls_config").unwrap();
    assert_eq!(tls.body.argument("ca_file").unwrap().description, "The CA bundle.");
    let rule = thing.body.block("rule").unwrap();
    assert_eq!(rule.body.argument("action").unwrap().description, "What to do.");
    assert_eq!(thing.export("targets").unwrap().description, "What was found.");
}

#[test]
fn a_description_of_nothing_fails_to_load() {
    let error = load("", r#""demo.thing:gone" = "Stale.""#).unwrap_err();
    assert!(error.message.contains("demo.thing:gone"), "{error}");
}

#[test]
fn blocks_from_borrows_another_bodys_blocks() {
    let overlay =
        r#"patch = [{ path = "demo.thing/rule", blocks_from = "demo.thing", reason = "nesting" }]"#;
    let registry = load(overlay, "").unwrap();
    let rule = registry.get("demo.thing").unwrap().body.block("rule").unwrap();
    assert!(registry.block_in(&rule.body, "tls_config").is_some());
    assert!(registry.block_in(&rule.body, "missing").is_none());
}

#[test]
fn closest_name_for_typos() {
    let registry = registry();
    assert_eq!(registry.closest("prometheus.scrpe"), Some("prometheus.scrape"));
    assert_eq!(registry.closest("prometehus.scrape"), Some("prometheus.scrape"));
    assert_eq!(registry.closest("zzz"), None);
}
