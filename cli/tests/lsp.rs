//! The language server at the protocol level: `flow-lsp` started for real,
//! spoken to in JSON-RPC over its standard input and output, on a config
//! of two files in a directory.

mod lsp_client;

use lsp_client::Client;
use serde_json::{json, Value};

const MAIN: &str = "discovery.kubernetes \"pods\" {\n\trole = \"pod\"\n}\n\nprometheus.scrape \"pods\" {\n\ttargets         = discovery.kubernetes.pods.targets\n\tforward_to      = [prometheus.remote_write.default.receiver]\n\tscrape_interval = \"30s\"\n}\n\nlogging {\n\tlevel = to_lower(replace(\"INFO\", \"I\", \"i\"))\n}\n";
const WRITE: &str = "prometheus.remote_write \"default\" {\n\tendpoint {\n\t\turl = \"http://localhost:9009/api/v1/push\"\n\t}\n}\n";

struct Workspace {
    _dir: tempfile::TempDir,
    main: String,
    write: String,
}

/// A directory with `main.river` (open in the editor) and `base.river`
/// (only on disk).
fn workspace(main: &str) -> (Client, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("base.river"), WRITE).unwrap();
    std::fs::write(dir.path().join("main.river"), main).unwrap();
    let uri = |name: &str| format!("file://{}", dir.path().join(name).display());
    let ws = Workspace { main: uri("main.river"), write: uri("base.river"), _dir: dir };
    let mut client = Client::start(json!({}));
    client.open(&ws.main, main);
    (client, ws)
}

fn at(uri: &str, line: u32, character: u32) -> Value {
    json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
}

fn labels(items: &Value) -> Vec<String> {
    items.as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn position_encoding_is_negotiated() {
    let utf16 = Client::start(json!({}));
    assert_eq!(utf16.initialized["capabilities"]["positionEncoding"], "utf-16");
    let utf8 = Client::start(json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}));
    assert_eq!(utf8.initialized["capabilities"]["positionEncoding"], "utf-8");
}

#[test]
fn a_clean_config_across_files_has_no_diagnostics_and_mistakes_do() {
    let (mut client, ws) = workspace(MAIN);
    assert_eq!(client.diagnostics(&ws.main), Vec::<Value>::new(), "base.river is read from disk");
    client.clear();
    let broken = MAIN.replace("scrape_interval", "scrape_intervel");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": ws.main, "version": 2}, "contentChanges": [{"text": broken}]}),
    );
    let diagnostics = client.diagnostics(&ws.main);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let d = &diagnostics[0];
    assert_eq!(d["code"], "unknown-argument");
    assert_eq!(d["source"], "flowlint");
    assert_eq!(d.get("codeDescription"), None, "the docs have no address to link");
    assert_eq!(
        d["range"],
        json!({"start": {"line": 7, "character": 1}, "end": {"line": 7, "character": 16}})
    );
    assert!(d["message"].as_str().unwrap().contains("did you mean `scrape_interval`?"));
    // Hovering the place shows the rule's docs instead.
    let hover = client.request("textDocument/hover", at(&ws.main, 7, 3));
    let text = hover["contents"]["value"].as_str().unwrap();
    let rule = river_analyzer::lint::rule("unknown-argument").unwrap();
    assert!(
        text.starts_with("**unknown-argument**: An attribute names no argument")
            && text.contains(rule.explanation),
        "{text}"
    );
    assert_eq!(hover["range"], d["range"]);
}

#[test]
fn a_test_file_is_checked_as_tests_of_the_config_beside_it() {
    let (mut client, ws) = workspace(MAIN);
    assert_eq!(client.diagnostics(&ws.main), Vec::<Value>::new());
    let test = ws.main.replace("main.river", "main.test.river");
    let good = "test \"ok\" {\n\tcomponent = \"discovery.kubernetes.pods\"\n\texpect {\n\t\ttargets = []\n\t}\n}\n";
    client.clear();
    client.open(&test, good);
    assert_eq!(
        client.diagnostics(&test),
        Vec::<Value>::new(),
        "a test block is no unknown component"
    );
    client.clear();
    let change = |text: &str, version: i32| json!({"textDocument": {"uri": test, "version": version}, "contentChanges": [{"text": text}]});
    client.notify("textDocument/didChange", change(&good.replace("pods", "pod"), 2));
    let diagnostics = client.diagnostics(&test);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["code"], "invalid-test");
    let message = diagnostics[0]["message"].as_str().unwrap();
    assert!(message.contains("did you mean `discovery.kubernetes.pods`?"), "{message}");
    client.clear();
    client.notify("textDocument/didChange", change("test \"x\" {\n", 3));
    let diagnostics = client.diagnostics(&test);
    assert!(
        !diagnostics.is_empty() && diagnostics.iter().all(|d| d["code"] == "syntax-error"),
        "{diagnostics:#?}"
    );
    // The config beside it is as it was.
    client.clear();
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": ws.main, "version": 2}, "contentChanges": [{"text": MAIN}]}),
    );
    assert_eq!(client.diagnostics(&ws.main), Vec::<Value>::new());
}

#[test]
fn a_lens_runs_a_test_and_its_failure_shows_on_it() {
    let dir = tempfile::tempdir().unwrap();
    let config = "discovery.relabel \"tag\" {\n\ttargets = []\n\n\trule {\n\t\ttarget_label = \"team\"\n\t\treplacement  = \"sre\"\n\t}\n}\n";
    std::fs::write(dir.path().join("config.river"), config).unwrap();
    let test = |name: &str, team: &str| {
        format!("test \"{name}\" {{\n\tcomponent = \"discovery.relabel.tag\"\n\n\tinput {{\n\t\ttargets = [{{\"__address__\" = \"a:80\"}}]\n\t}}\n\n\texpect {{\n\t\ttargets = [{{\"__address__\" = \"a:80\", \"team\" = \"{team}\"}}]\n\t}}\n}}\n")
    };
    let text = test("passes", "sre") + "\n" + &test("fails", "ops");
    std::fs::write(dir.path().join("config.test.river"), &text).unwrap();
    let uri = format!("file://{}", dir.path().join("config.test.river").display());
    let mut client = Client::start(json!({}));
    client.open(&uri, &text);
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    let lenses = client.request("textDocument/codeLens", json!({"textDocument": {"uri": uri}}));
    let lenses = lenses.as_array().unwrap();
    assert_eq!(lenses.len(), 2, "{lenses:#?}");
    assert_eq!(lenses[1]["command"]["command"], "river.runTest");
    assert_eq!(lenses[1]["range"]["start"]["line"], 12);
    client.clear();
    let arguments = lenses[1]["command"]["arguments"].clone();
    let ran = client.call(
        "workspace/executeCommand",
        json!({"command": "river.runTest", "arguments": arguments}),
    );
    assert!(ran.get("error").is_none(), "{ran}");
    let diagnostics = client.diagnostics(&uri);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["code"], "test-failed");
    assert_eq!(diagnostics[0]["range"]["start"]["line"], 12);
    let message = diagnostics[0]["message"].as_str().unwrap();
    assert!(message.contains("- {__address__=\"a:80\", team=\"ops\"}"), "{message}");
    assert!(message.contains("+ {__address__=\"a:80\", team=\"sre\"}"), "{message}");
    let shown: Vec<&Value> =
        client.notifications.iter().filter(|m| m["method"] == "window/showMessage").collect();
    assert_eq!(shown[0]["params"]["message"], "flow test: 0 passed, 1 failed", "{shown:#?}");
}

#[test]
fn a_config_file_that_is_not_utf8_is_reported_and_the_rest_of_it_still_resolves() {
    let dir = tempfile::tempdir().unwrap();
    let mut base = b"// caf\xe9\n".to_vec();
    base.extend_from_slice(WRITE.as_bytes());
    std::fs::write(dir.path().join("base.river"), base).unwrap();
    std::fs::write(dir.path().join("main.river"), MAIN).unwrap();
    let main = format!("file://{}", dir.path().join("main.river").display());
    let mut client = Client::start(json!({}));
    client.open(&main, MAIN);
    assert_eq!(client.diagnostics(&main), Vec::<Value>::new(), "the remote_write still resolves");
    let shown: Vec<&Value> =
        client.notifications.iter().filter(|m| m["method"] == "window/showMessage").collect();
    assert_eq!(shown.len(), 1, "{:#?}", client.notifications);
    let message = shown[0]["params"]["message"].as_str().unwrap();
    assert!(message.ends_with("base.river:1:7: illegal UTF-8 encoding"), "{message}");
    assert_eq!(shown[0]["params"]["type"], 2, "a warning");
}

#[test]
fn incremental_edits_and_related_places_in_other_files() {
    let (mut client, ws) = workspace(MAIN);
    client.diagnostics(&ws.main);
    client.clear();
    // Rename the label of `discovery.kubernetes "pods"` by an incremental
    // edit to "default", which base.river... does not use; then add a
    // duplicate of the remote write, declared first in base.river.
    let change = json!({"range": {"start": {"line": 0, "character": 22}, "end": {"line": 0, "character": 26}}, "text": "nodes"});
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": ws.main, "version": 2}, "contentChanges": [change]}),
    );
    let diagnostics = client.diagnostics(&ws.main);
    let codes: Vec<&str> = diagnostics.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["unused-component", "undefined-reference"], "{diagnostics:#?}");
    client.clear();
    let end = MAIN.lines().count() as u32;
    let duplicate = json!({"range": {"start": {"line": end, "character": 0}, "end": {"line": end, "character": 0}}, "text": WRITE});
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": ws.main, "version": 3}, "contentChanges": [duplicate]}),
    );
    let diagnostics = client.diagnostics(&ws.main);
    let dup = diagnostics.iter().find(|d| d["code"] == "duplicate-label").expect("a duplicate");
    assert_eq!(dup["relatedInformation"][0]["location"]["uri"], ws.write);
    assert_eq!(dup["relatedInformation"][0]["message"], "first declared here");
}

#[test]
fn completion_offers_what_fits_the_cursor() {
    let text = "prometheus.scrape \"pods\" {\n\ttargets = discovery.kubernetes.pods.\n\t\n}\n\ndiscovery.kubernetes \"pods\" {\n\trole = \n}\n\n";
    let (mut client, ws) = workspace(text);
    // Top level: every component, as a snippet with its required arguments.
    let top = client.request("textDocument/completion", at(&ws.main, 8, 0));
    let scrape = top
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "prometheus.scrape")
        .expect("prometheus.scrape");
    let snippet = scrape["insertText"].as_str().unwrap();
    assert!(snippet.contains("targets = ") && snippet.contains("forward_to = "), "{snippet}");
    assert!(scrape["documentation"]["value"].as_str().unwrap().contains("grafana.com/docs"));
    assert!(labels(&top).contains(&"logging".to_owned()));
    // In the body: arguments and blocks not set yet.
    let body = labels(&client.request("textDocument/completion", at(&ws.main, 2, 1)));
    assert!(
        body.contains(&"scrape_interval".into()) && body.contains(&"basic_auth".into()),
        "{body:?}"
    );
    assert!(!body.contains(&"targets".into()), "set already");
    // After `component.label.`: its exports.
    let exports = client.request("textDocument/completion", at(&ws.main, 1, 38));
    assert_eq!(labels(&exports), ["targets"]);
    assert_eq!(exports[0]["detail"], "list(map(string))");
    // After `role = `: the values the schema lists.
    let values = labels(&client.request("textDocument/completion", at(&ws.main, 6, 8)));
    assert!(
        values.contains(&"\"pod\"".into()) && values.contains(&"\"node\"".into()),
        "{values:?}"
    );
}

#[test]
fn completion_of_references_and_functions() {
    let text = format!("{MAIN}\nlocal.file \"x\" {{\n\tfilename = \n}}\n");
    let (mut client, ws) = workspace(&text);
    let line = MAIN.lines().count() as u32 + 2;
    let items = client.request("textDocument/completion", at(&ws.main, line, 12));
    let all = labels(&items);
    assert!(all.contains(&"env".into()) && all.contains(&"prometheus".into()), "{all:?}");
    let env = items.as_array().unwrap().iter().find(|i| i["label"] == "env").unwrap();
    assert_eq!(env["detail"], "env(name) -> string");
}

#[test]
fn hover_explains_components_arguments_and_references() {
    let (mut client, ws) = workspace(MAIN);
    let component = client.request("textDocument/hover", at(&ws.main, 4, 5));
    let text = component["contents"]["value"].as_str().unwrap();
    assert!(
        text.starts_with("**prometheus.scrape** (component)")
            && text.contains("Required: `targets`, `forward_to`"),
        "{text}"
    );
    let argument = client.request("textDocument/hover", at(&ws.main, 7, 3));
    let text = argument["contents"]["value"].as_str().unwrap();
    assert!(text.starts_with("**scrape_interval**: `duration`"), "{text}");
    let export = client.request("textDocument/hover", at(&ws.main, 5, 45));
    let text = export["contents"]["value"].as_str().unwrap();
    assert!(
        text.contains("exports **targets**: `list(map(string))`") && text.contains("main.river:1"),
        "{text}"
    );
    let function = client.request("textDocument/hover", at(&ws.main, 11, 20));
    assert!(function["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("replace(text, old, new) -> string"));
}

#[test]
fn definition_references_and_rename_across_files() {
    let (mut client, ws) = workspace(MAIN);
    let definition = client.request("textDocument/definition", at(&ws.main, 6, 45));
    assert_eq!(definition["uri"], ws.write);
    assert_eq!(definition["range"]["start"], json!({"line": 0, "character": 24}));
    let mut params = at(&ws.write, 0, 27);
    params["context"] = json!({"includeDeclaration": true});
    let references = client.request("textDocument/references", params);
    let uris: Vec<&str> =
        references.as_array().unwrap().iter().map(|r| r["uri"].as_str().unwrap()).collect();
    assert_eq!(uris, [ws.write.as_str(), ws.main.as_str()]);
    let mut params = at(&ws.main, 6, 45);
    params["newName"] = json!("primary");
    let edit = client.request("textDocument/rename", params);
    assert_eq!(edit["changes"][&ws.write][0]["newText"], "\"primary\"");
    assert_eq!(edit["changes"][&ws.main][0]["newText"], "primary");
    let mut bad = at(&ws.main, 6, 45);
    bad["newName"] = json!("not valid");
    assert!(client.call("textDocument/rename", bad).get("error").is_some());
}

#[test]
fn symbols_tokens_folding_selection_and_signatures() {
    let (mut client, ws) = workspace(MAIN);
    let symbols =
        client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": ws.main}}));
    let names: Vec<&str> =
        symbols.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["discovery.kubernetes \"pods\"", "prometheus.scrape \"pods\"", "logging"]);
    assert_eq!(symbols[1]["children"][0]["name"], "targets");
    let found = client.request("workspace/symbol", json!({"query": "remote"}));
    assert_eq!(found[0]["name"], "prometheus.remote_write \"default\"");
    let tokens = client
        .request("textDocument/semanticTokens/full", json!({"textDocument": {"uri": ws.main}}));
    let data = tokens["data"].as_array().unwrap();
    assert_eq!(data.len() % 5, 0);
    // The first token is `discovery` of the first block's name: a type.
    assert_eq!(&data[..5], &[json!(0), json!(0), json!(9), json!(0), json!(0)]);
    let folds =
        client.request("textDocument/foldingRange", json!({"textDocument": {"uri": ws.main}}));
    assert!(
        folds.as_array().unwrap().iter().any(|f| f["startLine"] == 4 && f["endLine"] == 7),
        "{folds}"
    );
    let selection = client.request(
        "textDocument/selectionRange",
        json!({"textDocument": {"uri": ws.main}, "positions": [{"line": 1, "character": 2}]}),
    );
    assert_eq!(selection[0]["range"]["start"], json!({"line": 1, "character": 1}));
    assert!(selection[0]["parent"].is_object());
    let help = client.request("textDocument/signatureHelp", at(&ws.main, 11, 35));
    assert_eq!(help["signatures"][0]["label"], "replace(text, old, new) -> string");
    assert_eq!(help["activeParameter"], 1);
}

#[test]
fn formatting_code_actions_and_the_syntax_tree() {
    let text = "logging {\n  level = \"info\"\n    format=\"json\"\n}\n";
    let (mut client, ws) = workspace(text);
    let edits = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": ws.main}, "options": {"tabSize": 4, "insertSpaces": false}}),
    );
    assert_eq!(edits[0]["newText"], "logging {\n\tlevel  = \"info\"\n\tformat = \"json\"\n}\n");
    let range = client.request(
        "textDocument/rangeFormatting",
        json!({"textDocument": {"uri": ws.main}, "range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 3}}, "options": {"tabSize": 4, "insertSpaces": false}}),
    );
    assert_eq!(range.as_array().unwrap().len(), 1);
    let tree = client.request("river/syntaxTree", json!({"textDocument": {"uri": ws.main}}));
    assert!(tree.as_str().unwrap().starts_with("SOURCE_FILE@0.."));
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": ws.main, "version": 2}, "contentChanges": [{"text": "loging {\n}\n"}]}),
    );
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": ws.main}, "range": {"start": {"line": 0, "character": 1}, "end": {"line": 0, "character": 1}}, "context": {"diagnostics": []}}),
    );
    assert_eq!(actions[0]["title"], "change it to `logging`");
    assert_eq!(actions[0]["edit"]["changes"][&ws.main][0]["newText"], "logging");
}

#[test]
fn bad_input_gets_answers_not_crashes() {
    let (mut client, ws) = workspace(MAIN);
    let past_the_end = client.call("textDocument/hover", at(&ws.main, 900, 900));
    assert!(past_the_end.get("error").is_none(), "{past_the_end}");
    let completion = client.call("textDocument/completion", at(&ws.main, 3, 900));
    assert!(completion.get("error").is_none(), "{completion}");
    let malformed = client.call("textDocument/hover", json!({"textDocument": 42}));
    assert_eq!(malformed["error"]["code"], -32602, "{malformed}");
    let unknown = client.call("no/such/method", json!({}));
    assert_eq!(unknown["error"]["code"], -32601);
    let not_open = client.call("textDocument/hover", at("file:///nowhere/x.river", 0, 0));
    assert!(not_open.get("error").is_none());
    // Still alive.
    assert!(client
        .request("textDocument/documentSymbol", json!({"textDocument": {"uri": ws.main}}))
        .is_array());
}

#[test]
fn random_edits_never_crash_or_leave_the_document() {
    let (mut client, ws) = workspace(MAIN);
    let mut text = MAIN.to_owned();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n.max(1) as u64) as usize
    };
    let pieces = [
        "{",
        "}",
        "\"",
        "=",
        "[",
        "]",
        ".",
        "\n",
        "prometheus.scrape \"x\" {",
        "ß",
        "🦀",
        "x",
        " ",
        "//",
        "/*",
    ];
    for version in 2..2_002 {
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let at = if chars.is_empty() { 0 } else { next(chars.len() + 1) };
        let start = chars.get(at).map_or(text.len(), |(i, _)| *i);
        let delete = if next(3) == 0 { next(4) } else { 0 };
        let end = chars.get(at + delete).map_or(text.len(), |(i, _)| *i).max(start);
        let insert = if delete > 0 && next(2) == 0 { "" } else { pieces[next(pieces.len())] };
        let lines = river_syntax::LineIndex::new(&text);
        let pos = |offset: usize| {
            let lc = lines.line_col_in(
                river_syntax::TextSize::from(offset as u32),
                river_syntax::ColumnUnit::Utf16,
            );
            json!({"line": lc.line, "character": lc.col})
        };
        let change = json!({"range": {"start": pos(start), "end": pos(end)}, "text": insert});
        text.replace_range(start..end, insert);
        client.notify("textDocument/didChange", json!({"textDocument": {"uri": ws.main, "version": version}, "contentChanges": [change]}));
        if version % 200 == 0 {
            let line_count = text.split('\n').count() as u64;
            let diagnostics = client.diagnostics(&ws.main);
            for d in &diagnostics {
                let end_line = d["range"]["end"]["line"].as_u64().unwrap();
                assert!(end_line < line_count, "{d} is past the end of\n{text}");
            }
            let tree =
                client.request("river/syntaxTree", json!({"textDocument": {"uri": ws.main}}));
            assert!(
                tree.as_str().unwrap().starts_with("SOURCE_FILE"),
                "the server's text went astray"
            );
            client.clear();
        }
    }
    let formatted = client.call(
        "textDocument/formatting",
        json!({"textDocument": {"uri": ws.main}, "options": {"tabSize": 4, "insertSpaces": false}}),
    );
    assert!(formatted.get("error").is_none());
}

#[test]
fn module_arguments_inside_a_declare() {
    let text = "declare \"pipeline\" {\n\targument \"targets\" { }\n\n\tprometheus.scrape \"inner\" {\n\t\ttargets    = argument.targets.value\n\t\tforward_to = []\n\t}\n}\n";
    let (mut client, ws) = workspace(text);
    let items = client.request("textDocument/completion", at(&ws.main, 4, 24));
    assert_eq!(labels(&items), ["targets"]);
    let definition = client.request("textDocument/definition", at(&ws.main, 4, 26));
    assert_eq!(definition["range"]["start"], json!({"line": 1, "character": 10}));
}
