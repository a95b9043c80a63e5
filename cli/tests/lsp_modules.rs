//! The language server follows modules: from an instance of a custom
//! component (declared in the config or in a file `import.file` reads) to
//! its `declare`, `argument` and `export` blocks; hover and completion of
//! its arguments; the errors of an imported file shown at its import.
//! `flow-lsp` is spoken to over the protocol, as in `lsp.rs`.

mod lsp_client;

use lsp_client::Client;
use serde_json::{json, Value};

/// `lib/math.river`: a module with one custom component.
const MATH: &str = "declare \"add\" {\n\targument \"a\" {\n\t\tcomment = \"The first number.\"\n\t}\n\n\targument \"b\" {\n\t\toptional = true\n\t\tdefault  = 1\n\t}\n\n\texport \"sum\" {\n\t\tvalue = argument.a.value + argument.b.value\n\t}\n}\n";

/// Imports it, uses it (line 4) and reads its export (line 9).
const MAIN: &str = "import.file \"math\" {\n\tfilename = \"lib/math.river\"\n}\n\nmath.add \"x\" {\n\ta = 1\n}\n\nlogging {\n\tlevel = math.add.x.sum\n}\n";

struct Workspace {
    dir: tempfile::TempDir,
    main: String,
    math: String,
}

/// A directory with `main.river` (open, with `text`) and `lib/math.river`
/// (on disk only).
fn workspace(text: &str) -> (Client, Workspace) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("lib")).unwrap();
    std::fs::write(dir.path().join("lib/math.river"), MATH).unwrap();
    std::fs::write(dir.path().join("main.river"), text).unwrap();
    let uri = |name: &str| format!("file://{}", dir.path().join(name).display());
    let ws = Workspace { main: uri("main.river"), math: uri("lib/math.river"), dir };
    let mut client = Client::start(json!({}));
    client.open(&ws.main, text);
    (client, ws)
}

fn at(uri: &str, line: u32, character: u32) -> Value {
    json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
}

fn start(line: u32, character: u32) -> Value {
    json!({"line": line, "character": character})
}

fn labels(items: &Value) -> Vec<String> {
    items.as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap().to_owned()).collect()
}

fn hover(client: &mut Client, uri: &str, line: u32, character: u32) -> String {
    let found = client.request("textDocument/hover", at(uri, line, character));
    found["contents"]["value"].as_str().unwrap_or_default().to_owned()
}

#[test]
fn definition_goes_into_the_imported_file() {
    let (mut client, ws) = workspace(MAIN);
    let mut goto = |line, character| {
        let found = client.request("textDocument/definition", at(&ws.main, line, character));
        (found["uri"].as_str().unwrap_or_default().to_owned(), found["range"]["start"].clone())
    };
    assert_eq!(goto(4, 6), (ws.math.clone(), start(0, 8)), "the declare");
    assert_eq!(goto(5, 1), (ws.math.clone(), start(1, 10)), "argument \"a\"");
    assert_eq!(goto(9, 21), (ws.math.clone(), start(10, 8)), "export \"sum\"");
    assert_eq!(goto(9, 18), (ws.main.clone(), start(4, 9)), "the instance");
}

#[test]
fn definition_of_a_local_custom_component() {
    let text = "declare \"pair\" {\n\targument \"x\" { }\n}\n\npair \"p\" {\n\tx = 1\n}\n";
    let (mut client, ws) = workspace(text);
    let found = client.request("textDocument/definition", at(&ws.main, 4, 1));
    assert_eq!(
        (found["uri"].as_str().unwrap(), &found["range"]["start"]),
        (&*ws.main, &start(0, 8))
    );
    let found = client.request("textDocument/definition", at(&ws.main, 5, 1));
    assert_eq!(found["range"]["start"], start(1, 10));
}

#[test]
fn hover_shows_arguments_exports_and_where_declared() {
    let (mut client, ws) = workspace(MAIN);
    let text = hover(&mut client, &ws.main, 4, 2);
    for part in [
        "**math.add** (custom component)",
        "- `a` (required): The first number.",
        "- `b` (optional, default `1`)",
        "Exports: `sum`",
        "lib/math.river:1",
    ] {
        assert!(text.contains(part), "{part} in {text}");
    }
    let text = hover(&mut client, &ws.main, 5, 1);
    assert_eq!(text, "**a**: argument of `math.add`, required\n\nThe first number.\n");
}

#[test]
fn completion_of_custom_components_and_their_arguments() {
    let text = "import.file \"math\" {\n\tfilename = \"lib/math.river\"\n}\n\ndeclare \"pair\" {\n\targument \"x\" {\n\t\toptional = true\n\t}\n\n\targument \"y\" {\n\t\tcomment = \"The second.\"\n\t}\n\n\texport \"out\" {\n\t\tvalue = argument.y.value\n\t}\n}\n\npair \"p\" {\n\t\n}\n\nmath.add \"x\" {\n\tb = 2\n\t\n}\n\nmath.\n";
    let (mut client, ws) = workspace(text);
    // In a local instance: its arguments, the required one first.
    let items = client.request("textDocument/completion", at(&ws.main, 19, 1));
    assert_eq!(labels(&items), ["y", "x"]);
    assert_eq!(
        (&items[0]["detail"], &items[0]["documentation"]),
        (&json!("required"), &json!("The second."))
    );
    assert!(items[0]["sortText"].as_str() < items[1]["sortText"].as_str());
    // In an imported one: those not set yet.
    let items = client.request("textDocument/completion", at(&ws.main, 24, 1));
    assert_eq!(labels(&items), ["a"]);
    // After `math.` where a block starts: what the import brings.
    let items = client.request("textDocument/completion", at(&ws.main, 27, 5));
    assert_eq!(labels(&items), ["add"]);
    assert!(items[0]["insertText"].as_str().unwrap().starts_with("add \"${1:default}\" {\n\ta = "));
    // `argument.` in the declare: its arguments, with what they say.
    let items = client.request("textDocument/completion", at(&ws.main, 14, 19));
    assert_eq!(labels(&items), ["x", "y"]);
    assert_eq!(items[1]["documentation"], "The second.");
}

#[test]
fn errors_of_an_imported_file_show_at_the_import_until_it_is_fixed() {
    let broken = MATH.replace("argument.b.value", "argument.c.value");
    let (mut client, ws) = workspace(MAIN);
    std::fs::write(ws.dir.path().join("lib/math.river"), &broken).unwrap();
    // Saving the module tells the server to read it again.
    client.clear();
    client.notify("textDocument/didSave", json!({"textDocument": {"uri": ws.math}}));
    let diagnostics = client.diagnostics(&ws.main);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let d = &diagnostics[0];
    assert_eq!(d["code"], "invalid-module");
    assert_eq!(d["range"], json!({"start": start(0, 0), "end": start(0, 18)}));
    let message = d["message"].as_str().unwrap();
    assert_eq!(
        message,
        "the imported module has 1 error: lib/math.river:12:30: `argument.c.value` does not exist"
    );
    let related = &d["relatedInformation"][0]["location"];
    assert_eq!(
        (related["uri"].as_str().unwrap(), &related["range"]["start"]),
        (&*ws.math, &start(11, 29))
    );
    std::fs::write(ws.dir.path().join("lib/math.river"), MATH).unwrap();
    client.clear();
    client.notify("textDocument/didSave", json!({"textDocument": {"uri": ws.math}}));
    assert_eq!(client.diagnostics(&ws.main), Vec::<Value>::new());
}
