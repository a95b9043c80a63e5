//! Go templates held side by side with Go's own `text/template` (Debian's
//! golang-go, as `go run`): each template of `stage.template`, with the
//! reference's string functions, executed on the same data by Go and by
//! this build must write the same text, or both fail. Go is run by the
//! test; without it the test fails (tests/run installs golang-go).

use gotmpl::Value;
use river_loki::process::stages::template_funcs;
use std::collections::BTreeMap;

/// The data every template sees: extracted values are text.
const DATA: &[(&str, &str)] = &[
    ("app", "Web-Server"),
    ("level", "warn"),
    ("msg", "  disk 91% full  "),
    ("path", "/api/v1/users/42"),
    ("Entry", "raw line"),
];

const TEMPLATES: &[&str] = &[
    "{{ .app }}",
    "{{ .app | ToLower }} {{ .level | ToUpper }}",
    "{{ TrimSpace .msg }}|{{ Trim .msg \" \" }}|{{ TrimLeft .path \"/\" }}",
    "{{ TrimPrefix .path \"/api\" }} {{ TrimSuffix .path \"/42\" }}",
    "{{ Replace .path \"/\" \"_\" 2 }} {{ Replace .path \"/\" \"_\" -1 }}",
    "{{ regexReplaceAll \"[0-9]+\" .path \"N\" }}",
    "{{ regexReplaceAll \"/users/([0-9]+)\" .path \"/u/${1}\" }}",
    "{{ regexReplaceAllLiteral \"[0-9]+\" .path \"${1}\" }}",
    "{{ if eq .level \"warn\" }}W{{ else if eq .level \"error\" }}E{{ else }}-{{ end }}",
    "{{ if and .app (ne .level \"debug\") }}kept{{ end }}",
    "{{ printf \"%s:%q:%5.5s\" .level .app .path }}",
    "{{ printf \"%d-%x\" 42 255 }}",
    "{{ len .app }} {{ index . \"level\" }}",
    "{{ with .level }}[{{ . }}]{{ end }}{{ with .missing }}never{{ end }}",
    "{{- .level -}} , {{- .app }}",
    "{{ .app }}{{/* a comment */}}!",
    "{{ .missing }}",
    "{{ $x := .level }}{{ $x }}{{ $x = \"y\" }}{{ $x }}",
    "{{ or .missing .app }} {{ not .app }}",
    "{{ html .path }} {{ js .msg }} {{ urlquery .msg }}",
    "{{ .app | printf \"%s!\" | ToUpper }}",
    "{{ lt 1 2 }} {{ le 2 2 }} {{ gt \"b\" \"a\" }}",
    "{{ range $i, $c := .nothing }}{{ $i }}{{ end }}done",
    "{{ .Entry }}",
];

fn go_answers() -> Vec<Option<String>> {
    let mut program = String::from(
        r#"package main

import (
	"fmt"
	"regexp"
	"strings"
	"text/template"
)

var funcs = template.FuncMap{
	"ToLower":    strings.ToLower,
	"ToUpper":    strings.ToUpper,
	"Replace":    strings.Replace,
	"Trim":       strings.Trim,
	"TrimLeft":   strings.TrimLeft,
	"TrimRight":  strings.TrimRight,
	"TrimPrefix": strings.TrimPrefix,
	"TrimSuffix": strings.TrimSuffix,
	"TrimSpace":  strings.TrimSpace,
	"regexReplaceAll": func(regex string, s string, repl string) string {
		return regexp.MustCompile(regex).ReplaceAllString(s, repl)
	},
	"regexReplaceAllLiteral": func(regex string, s string, repl string) string {
		return regexp.MustCompile(regex).ReplaceAllLiteralString(s, repl)
	},
}

func main() {
	data := map[string]interface{}{
"#,
    );
    for (k, v) in DATA {
        program.push_str(&format!("\t\t{k:?}: {v:?},\n"));
    }
    program.push_str("\t}\n\ttemplates := []string{\n");
    for t in TEMPLATES {
        program.push_str(&format!("\t\t{t:?},\n"));
    }
    program.push_str(
        r#"	}
	for _, text := range templates {
		t, err := template.New("pipeline").Funcs(funcs).Parse(text)
		if err != nil {
			fmt.Printf("%q\n", "ERR")
			continue
		}
		var out strings.Builder
		if err := t.Execute(&out, data); err != nil {
			fmt.Printf("%q\n", "ERR")
			continue
		}
		fmt.Printf("%q\n", "OK"+out.String())
	}
}
"#,
    );
    let text = crate::harness::go_run(&program);
    text.lines()
        .map(|line| {
            let quoted: String = serde_json::from_str(line).expect("Go's %q of ASCII is JSON");
            quoted.strip_prefix("OK").map(str::to_owned)
        })
        .collect()
}

fn ours(text: &str) -> Option<String> {
    let template = template_funcs::parse(text).ok()?;
    let data: BTreeMap<String, Value> =
        DATA.iter().map(|(k, v)| (k.to_string(), Value::from(v.to_string()))).collect();
    template.execute_to_string(&Value::from(data)).ok()
}

#[test]
fn templates_execute_as_go_executes_them() {
    let go = go_answers();
    assert_eq!(go.len(), TEMPLATES.len(), "one answer per template");
    let differ: Vec<String> = TEMPLATES
        .iter()
        .zip(&go)
        .filter_map(|(text, go)| {
            let mine = ours(text);
            (mine != *go).then(|| format!("{text:?}: Go {go:?}, here {mine:?}"))
        })
        .collect();
    assert!(differ.is_empty(), "differences from Go:\n{}", differ.join("\n"));
}
