//! The parsing stages (`json`, `logfmt`, `regex`, `replace`), their
//! extracted values seen through `stage.labels` and `stage.output`, with
//! lines after the reference's tests.

use crate::harness::{build, through};

const JSON_LINE: &str = r#"{"time":"2012-11-01T22:08:41+00:00","app":"loki","component":["parser","type"],"level":"WARN","nested":{"child":"value"},"duration":125,"message":"this is a log line","extra":"{\"user\":\"marco\"}"}"#;

#[tokio::test]
async fn json_extracts_scalars_as_they_are_and_the_rest_as_json() {
    let body = r#"
	stage.json {
		expressions = { out = "message", app = "", nested = "", duration = "", component = "component[0]", extra = "" }
	}
	stage.json {
		source = "extra"
		expressions = { user = "" }
	}
	stage.labels {
		values = { app = "", nested = "", duration = "", component = "", user = "" }
	}
	stage.output {
		source = "out"
	}"#;
    let out = through(body, &[], JSON_LINE).await.unwrap();
    assert_eq!(out.line, "this is a log line");
    assert_eq!(out.labels.get("app"), Some("loki"));
    assert_eq!(out.labels.get("nested"), Some(r#"{"child":"value"}"#));
    assert_eq!(out.labels.get("duration"), Some("125"));
    assert_eq!(out.labels.get("component"), Some("parser"));
    assert_eq!(out.labels.get("user"), Some("marco"), "a second stage reads the first's value");
}

#[tokio::test]
async fn json_writes_nested_values_as_go_does() {
    let body = "\tstage.json {\n\t\texpressions = { n = \"\" }\n\t}\n\tstage.output {\n\t\tsource = \"n\"\n\t}\n";
    let out = through(body, &[], r#"{"n":{"b":"<x&y>","a":[1,2.5]}}"#).await.unwrap();
    assert_eq!(out.line, r#"{"a":[1,2.5],"b":"\u003cx\u0026y\u003e"}"#);
}

#[tokio::test]
async fn json_leaves_or_drops_malformed_lines() {
    let keep = "\tstage.json {\n\t\texpressions = { a = \"\" }\n\t}\n";
    let out = through(keep, &[], "not json").await.unwrap();
    assert_eq!(out.line, "not json");
    let drop = "\tstage.json {\n\t\texpressions = { a = \"\" }\n\t\tdrop_malformed = true\n\t}\n";
    let process = build(drop).unwrap();
    let sent =
        vec![crate::harness::entry(&[], "{\"a\":1"), crate::harness::entry(&[], "{\"a\":1}")];
    let out = process.run(sent, 1).await;
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].line, "{\"a\":1}");
}

#[tokio::test]
async fn logfmt_extracts_mapped_keys() {
    let body = r#"
	stage.logfmt {
		mapping = { app = "", lvl = "level", message = "msg" }
	}
	stage.labels {
		values = { app = "", lvl = "" }
	}
	stage.output {
		source = "message"
	}"#;
    let line = r#"time=2012-11-01T22:08:41+00:00 app=loki level=WARN duration=125 msg="this is a log line" extra="user=foo""#;
    let out = through(body, &[], line).await.unwrap();
    assert_eq!(out.labels.get("app"), Some("loki"));
    assert_eq!(out.labels.get("lvl"), Some("WARN"));
    assert_eq!(out.line, "this is a log line");
}

const ACCESS_LINE: &str = r#"11.11.11.11 - frank [25/Jan/2000:14:00:01 -0500] "GET /1986.js HTTP/1.1" 200 932 "-" "Mozilla/5.0 (Windows; U; Windows NT 5.1; de; rv:1.9.1.7) Gecko/20091221 Firefox/3.5.7 GTB6""#;

#[tokio::test]
async fn regex_extracts_named_groups_from_line_or_source() {
    let body = r#"
	stage.regex {
		expression = "^(?P<ip>\\S+) (?P<identd>\\S+) (?P<user>\\S+) \\[(?P<timestamp>[\\w:/]+\\s[+\\-]\\d{4})\\] \"(?P<action>\\S+)\\s?(?P<path>\\S+)?\\s?(?P<protocol>\\S+)?\" (?P<status>\\d{3}|-) (?P<size>\\d+|-)"
	}
	stage.regex {
		source = "path"
		expression = "/(?P<script>\\d+)\\.js"
	}
	stage.labels {
		values = { ip = "", user = "", status = "", action = "", script = "" }
	}"#;
    let out = through(body, &[], ACCESS_LINE).await.unwrap();
    let got: Vec<_> = ["ip", "user", "status", "action", "script"]
        .iter()
        .map(|n| out.labels.get(n).unwrap_or("-").to_owned())
        .collect();
    assert_eq!(got, ["11.11.11.11", "frank", "200", "GET", "1986"]);
    assert_eq!(out.line, ACCESS_LINE);
}

#[tokio::test]
async fn regex_that_does_not_match_leaves_the_entry() {
    let body = "\tstage.regex {\n\t\texpression = \"(?P<n>\\\\d+)\"\n\t}\n\tstage.labels {\n\t\tvalues = { n = \"\" }\n\t}\n";
    let out = through(body, &[], "no digits").await.unwrap();
    assert_eq!(out.labels.get("n"), None);
}

#[tokio::test]
async fn replace_rewrites_captured_groups_with_the_template() {
    let body = r#"
	stage.replace {
		expression = ".*?(?P<ip>\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}).*"
		replace    = "*IP4*{{ .Value }}*"
	}
	stage.labels {
		values = { ip = "" }
	}"#;
    let out = through(body, &[], ACCESS_LINE).await.unwrap();
    assert!(out.line.starts_with("*IP4*11.11.11.11* - frank [25/Jan"), "{}", out.line);
    assert_eq!(out.labels.get("ip"), Some("*IP4*11.11.11.11*"));

    let redact =
        "\tstage.replace {\n\t\texpression = \"password (\\\\S+)\"\n\t\treplace = \"****\"\n\t}\n";
    let out = through(redact, &[], "user=a password sekret and password other").await.unwrap();
    assert_eq!(out.line, "user=a password **** and password ****");

    let upper = "\tstage.replace {\n\t\texpression = \"(frank)\"\n\t\treplace = \"{{ .Value | ToUpper }}\"\n\t}\n";
    assert!(through(upper, &[], ACCESS_LINE).await.unwrap().line.contains(" FRANK "));
}

#[tokio::test]
async fn replace_on_a_source_changes_the_extracted_value_only() {
    let body = r#"
	stage.regex {
		expression = "user=(?P<user>\\w+)"
	}
	stage.replace {
		source     = "user"
		expression = "(\\w+)"
		replace    = "{{ .Value | ToLower }}"
	}
	stage.labels {
		values = { user = "" }
	}"#;
    let out = through(body, &[], "user=FRANK").await.unwrap();
    assert_eq!(out.labels.get("user"), Some("frank"));
    assert_eq!(out.line, "user=FRANK");
}

#[tokio::test]
async fn replace_templates_are_go_templates_with_the_stage_functions() {
    let hash = "\tstage.replace {\n\t\texpression = \"user=(\\\\w+)\"\n\t\treplace = \"{{ .Value | Hash \\\"salt\\\" }}\"\n\t}\n";
    let out = through(hash, &[], "user=frank ok").await.unwrap();
    assert_eq!(
        out.line,
        "user=2556c31b784d2e3ef0ef57d3e2cd329c4806e5bdb21977b798ba76c3dfbe2156 ok"
    );
    let cond = "\tstage.replace {\n\t\texpression = \"(\\\\d+)\"\n\t\treplace = \"{{ if eq .Value \\\"0\\\" }}zero{{ else }}n{{ end }}\"\n\t}\n";
    assert_eq!(through(cond, &[], "a 0 b 7").await.unwrap().line, "a zero b n");
}

#[test]
fn replace_templates_with_functions_this_build_lacks_are_refused() {
    // The linter's invalid-template refuses it first; the stage as well.
    let body = "\tstage.replace {\n\t\texpression = \"(a)\"\n\t\treplace = \"{{ .Value }}\"\n\t}\n";
    let (path, message) =
        crate::harness::refused_past_linter(body, "{{ .Value }}", "{{ .Value | b64enc }}");
    assert_eq!(path, "stage.replace/replace");
    assert!(message.contains("b64enc"), "{message}");
}

#[tokio::test]
async fn eventlogmessage_splits_the_message_into_values() {
    let body = r#"
	stage.json {
		expressions = { message = "", level = "" }
	}
	stage.eventlogmessage {
		source = "message"
	}
	stage.labels {
		values = { Key1 = "", Key_2 = "", level_extracted = "", Key3 = "" }
	}"#;
    let message = "Key1: Value 1\r\nKey-2: Value: 2\r\nlevel: 4\r\nno colon\r\nKey3:  spaced  ";
    let line = serde_json::json!({ "message": message, "level": "info" }).to_string();
    let out = through(body, &[], &line).await.unwrap();
    let got: Vec<_> = ["Key1", "Key_2", "level_extracted", "Key3"]
        .iter()
        .map(|n| out.labels.get(n).unwrap_or("-").to_owned())
        .collect();
    assert_eq!(got, ["Value 1", "Value: 2", "4", "spaced"]);

    let drop = "\tstage.eventlogmessage {\n\t\tdrop_invalid_labels = true\n\t\toverwrite_existing = true\n\t}\n\tstage.output {\n\t\tsource = \"Key_2\"\n\t}\n";
    let process = crate::harness::build(&format!(
        "\tstage.regex {{\n\t\texpression = \"(?s)^(?P<message>.*)$\"\n\t}}\n{drop}"
    ))
    .unwrap();
    let out = process.one(&[], "Key-2: x\r\nKey_2: y").await.unwrap();
    assert_eq!(out.line, "y", "the invalid key is dropped, not sanitised onto Key_2");
}

fn template(template: &str) -> String {
    format!(
        "\tstage.regex {{\n\t\texpression = \"app=(?P<app>\\\\w+)\"\n\t}}\n\
         \tstage.template {{\n\t\tsource = \"app\"\n\t\ttemplate = {template:?}\n\t}}\n\
         \tstage.output {{\n\t\tsource = \"app\"\n\t}}\n"
    )
}

#[tokio::test]
async fn template_renders_extracted_values_with_the_stage_functions() {
    let cases = [
        ("{{ .Value | ToUpper }}", "LOKI"),
        ("{{ Replace .Value \"loki\" \"blokey\" 1 }}", "blokey"),
        ("{{ .app }}-{{ .Entry }}", "loki-app=loki"),
        ("{{ if eq .Value \"loki\" }}yes{{ else }}no{{ end }}", "yes"),
        ("{{ TrimPrefix .Value \"lo\" }}", "ki"),
        // A pipeline passes its value last, as Go does: TrimPrefix("lo", "loki").
        ("{{ .Value | TrimPrefix \"lo\" }}", "lo"),
        ("{{ regexReplaceAll \"(o)\" .Value \"[$1]\" }}", "l[o]ki"),
        (
            "{{ Hash \"salt\" .Value }}",
            "d458d6e3f014822756d90bd2677ea20dc0cd645ad1c3a61d550c904cbc67f101",
        ),
        (
            "{{ Sha2Hash \"salt\" .Value }}",
            "a0db2fdfc70e5ac835bfd68c53d783182967603d59efe2ff8f9aa6f1b75a9e4f",
        ),
    ];
    for (text, want) in cases {
        let out = through(&template(text), &[], "app=loki").await.unwrap();
        assert_eq!(out.line, want, "{text}");
    }
    // An empty result removes the value: the line stays.
    let out = through(&template("{{ if false }}x{{ end }}"), &[], "app=loki").await.unwrap();
    assert_eq!(out.line, "app=loki");
}

#[test]
fn template_functions_this_build_lacks_are_refused() {
    // The linter's invalid-template refuses these first; the stage as well.
    let refused =
        |bad| crate::harness::refused_past_linter(&template("{{ .Value }}"), "{{ .Value }}", bad);
    let (path, message) = refused("{{ .Value | b64enc }}");
    assert_eq!(path, "stage.template/template");
    assert!(message.contains("b64enc"), "{message}");
    assert_eq!(refused("{{ .Value ").0, "stage.template/template");
    // Go's structure errors, which gotmpl alone lets pass.
    let (path, message) = refused("{{ if .Value }}x");
    assert_eq!(path, "stage.template/template");
    assert_eq!(message, "invalid template: {{if}} at byte 0 has no {{end}}");
}
