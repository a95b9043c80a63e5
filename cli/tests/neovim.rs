//! Neovim (Debian's 0.7.2, headless) as the client of `flow-lsp`: a
//! published diagnostic, completion items, a hover, a go-to-definition jump
//! and a rename, asked for through Neovim's own LSP client.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

#[test]
fn neovim_attaches_and_gets_answers() {
    let nvim = Command::new("nvim").arg("--version").output();
    assert!(
        nvim.as_ref().is_ok_and(|o| o.status.success()),
        "Neovim is needed for this test: tests/run installs it (apt-get install neovim)"
    );
    let dir = tempfile::tempdir().unwrap();
    let main = "discovery.kubernetes \"pods\" {\n\trole = \"pod\"\n}\n\nprometheus.scrape \"pods\" {\n\ttargets         = discovery.kubernetes.pods.targets\n\tforward_to      = [prometheus.remote_write.default.receiver]\n\tscrape_intervel = \"30s\"\n\n\t\n}\n";
    let base = "prometheus.remote_write \"default\" {\n\tendpoint {\n\t\turl = \"http://localhost:9009/api/v1/push\"\n\t}\n}\n";
    std::fs::write(dir.path().join("main.river"), main).unwrap();
    std::fs::write(dir.path().join("base.river"), base).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/neovim/client.lua");
    let status = Command::new("nvim")
        .args(["--headless", "-n", "-i", "NONE", "-u", "NONE", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("RIVER_TEST_DIR", dir.path())
        .env("FLOW_LSP", env!("CARGO_BIN_EXE_flow-lsp"))
        .env("XDG_STATE_HOME", dir.path())
        .env("XDG_CACHE_HOME", dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    let results: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("results.json"))
            .expect("the script wrote its results"),
    )
    .unwrap();

    let diagnostics = results["diagnostics"].as_array().expect("diagnostics were published");
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["code"], "unknown-argument");

    let labels: Vec<&str> = results["completion"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert!(labels.contains(&"scrape_interval") && labels.contains(&"tls_config"), "{labels:?}");
    assert!(!labels.contains(&"targets"), "set already: {labels:?}");

    let hover = results["hover"]["contents"]["value"].as_str().unwrap();
    assert!(hover.starts_with("**prometheus.scrape** (component)"), "{hover}");

    let definition = &results["definition"];
    assert!(definition["uri"].as_str().unwrap().ends_with("/base.river"), "{definition}");
    assert_eq!(definition["range"]["start"]["line"], 0);

    let changes = results["rename"]["changes"].as_object().unwrap();
    assert_eq!(changes.len(), 2, "both files change: {changes:?}");
}
