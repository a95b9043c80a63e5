use super::*;

const COMPONENTS: [Component; 3] = [
    Component { id: "prometheus.relabel.tag", name: "prometheus.relabel" },
    Component { id: "local.file.cfg", name: "local.file" },
    Component { id: "discovery.relabel.pods", name: "discovery.relabel" },
];

fn messages(text: &str) -> Vec<(String, String)> {
    check("t.test.river", text, &COMPONENTS)
        .into_iter()
        .map(|f| (text[f.range].lines().next().unwrap_or_default().to_owned(), f.message))
        .collect()
}

#[test]
fn a_good_test_has_no_findings() {
    let text = "test \"ok\" {\n\tcomponent = \"prometheus.relabel.tag\"\n\tinput {\n\t\tsamples = []\n\t}\n\texpect {\n\t\tsamples = []\n\t}\n}\n";
    assert_eq!(messages(text), vec![]);
}

#[test]
fn each_mistake_is_placed() {
    let text = "foo = 1\ntest \"a\" {\n\tcomponent = \"prometheus.relabel.tga\"\n\texpect {}\n}\ntest \"b\" {\n\tcomponent = \"local.file.cfg\"\n\texpect {}\n}\ntest \"c\" {\n\tcomponent = \"discovery.relabel.pods\"\n\tinput {\n\t\tsamples = []\n\t}\n}\n";
    let found = messages(text);
    assert_eq!(
        found,
        vec![
            ("foo = 1".into(), "a test file holds only `test \"name\" { ... }` blocks".into()),
            (
                "\"prometheus.relabel.tga\"".into(),
                "the config has no component `prometheus.relabel.tga` (did you mean `prometheus.relabel.tag`?)".into()
            ),
            (
                "\"local.file.cfg\"".into(),
                "`local.file` takes no samples, log entries or targets a test can give it".into()
            ),
            (
                "samples = []".into(),
                "`input` of a test of this component gives `targets`, not `samples`".into()
            ),
            ("test \"c\" {".into(), "a test needs an `expect { ... }` block".into()),
        ]
    );
}

#[test]
fn signals_follow_the_schema() {
    assert_eq!(Signal::of("prometheus.relabel"), Some(Signal::Samples));
    assert_eq!(Signal::of("loki.relabel"), Some(Signal::Logs));
    assert_eq!(Signal::of("discovery.kubernetes"), Some(Signal::Targets));
    assert_eq!(Signal::of("prometheus.remote_write"), Some(Signal::Samples));
    assert_eq!(Signal::of("local.file"), None);
}

#[test]
fn a_label_is_an_identifier() {
    let text = "test \"adds a team\" {\n\tcomponent = \"prometheus.relabel.tag\"\n\texpect {\n\t\tsamples = []\n\t}\n}\n";
    let found = messages(text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].1.contains("identifier") && found[0].0 == "\"adds a team\"", "{found:?}");
}
