//! The component: stages in order, one receiver across updates, an
//! update that swaps the pipeline, and load errors placed on the stage's
//! setting (or on the block of a stage this build does not have).

use std::sync::Arc;

use river_analyzer::Value;

use river_runtime::error::Error;

use crate::harness::{args, build, entry, receiver, refused};

#[tokio::test]
async fn stages_apply_in_order_and_the_receiver_survives_updates() {
    let body = "\tstage.regex {\n\t\texpression = \"level=(?P<level>\\\\w+)\"\n\t}\n\
                \tstage.labels {\n\t\tvalues = { level = \"\" }\n\t}\n";
    let process = build(body).unwrap();
    let before = receiver(&process);
    let out = process.one(&[("job", "a")], "level=warn msg=x").await.unwrap();
    assert_eq!(out.labels.get("level"), Some("warn"));
    assert_eq!(out.line, "level=warn msg=x");

    let swapped = "\tstage.static_labels {\n\t\tvalues = { team = \"sre\" }\n\t}\n";
    process.component.update(&args(swapped, &process.out).unwrap()).unwrap();
    assert!(Arc::ptr_eq(&before.0, &receiver(&process).0), "the same receiver");
    let out = process.one(&[("job", "a")], "level=warn").await.unwrap();
    assert_eq!(out.labels.get("team"), Some("sre"));
    assert_eq!(out.labels.get("level"), None, "the old pipeline is gone");

    // A refused update keeps the pipeline that runs.
    let mut bad = args(body, &process.out).unwrap();
    bad.blocks[0].1.attrs.insert("expression".into(), Value::String("(".into()));
    assert!(process.component.update(&bad).is_err());
    assert_eq!(process.one(&[], "x").await.unwrap().labels.get("team"), Some("sre"));
}

#[tokio::test]
async fn no_stages_forward_entries_unchanged() {
    let process = build("").unwrap();
    let sent = vec![entry(&[("a", "b")], "one"), entry(&[("a", "c")], "two")];
    assert_eq!(process.run(sent.clone(), 2).await, sent);
}

#[test]
fn bad_expressions_are_refused_on_their_stage_setting() {
    // The linter refuses a bad pattern before the component sees it; the
    // component refuses one that slips past (here, written in after).
    let regex = "\tstage.regex {\n\t\texpression = \"(?P<a>x)\"\n\t}\n\
                 \tstage.regex {\n\t\texpression = \"(?P<b>x)\"\n\t}\n";
    let out = Arc::new(crate::harness::Collect::default());
    let mut bad = args(regex, &out).unwrap();
    bad.blocks[1].1.attrs.insert("expression".into(), Value::String("(?P<b>x".into()));
    let Err(Error::Setting(setting)) = crate::harness::build_from(&bad) else { panic!("accepted") };
    assert_eq!(setting.path, "stage.regex[1]/expression");
    assert!(setting.message.contains("invalid regular expression"), "{}", setting.message);

    let json = "\tstage.json {\n\t\texpressions = { a = \"b[\" }\n\t}\n";
    assert_eq!(refused(json).0, "stage.json/expressions");

    let selector = "\tstage.match {\n\t\tselector = \"{app=\\\"a\\\"\"\n\t\tstage.static_labels {\n\t\t\tvalues = { a = \"b\" }\n\t\t}\n\t}\n";
    assert_eq!(refused(selector).0, "stage.match/selector");

    let nested = "\tstage.match {\n\t\tselector = \"{app=\\\"a\\\"}\"\n\t\tstage.regex {\n\t\t\texpression = \"x\"\n\t\t}\n\t}\n";
    let mut bad = args(nested, &out).unwrap();
    bad.blocks[0].1.blocks[0].1.attrs.insert("expression".into(), Value::String("[".into()));
    let Err(Error::Setting(setting)) = crate::harness::build_from(&bad) else { panic!("accepted") };
    assert_eq!(setting.path, "stage.match/stage.regex/expression");

    let location = "\tstage.timestamp {\n\t\tsource = \"t\"\n\t\tformat = \"RFC3339\"\n\t\tlocation = \"Mars/Olympus\"\n\t}\n";
    assert_eq!(refused(location).0, "stage.timestamp/location");

    let layout = "\tstage.timestamp {\n\t\tsource = \"t\"\n\t\tformat = \"yyyy-mm-dd\"\n\t}\n";
    assert_eq!(refused(layout).0, "stage.timestamp/format");

    let label = "\tstage.labels {\n\t\tvalues = { \"bad-name\" = \"\" }\n\t}\n";
    assert_eq!(refused(label).0, "stage.labels/values");
}

#[test]
fn stages_not_in_this_build_are_refused_on_their_block() {
    let (path, message) = refused("\tstage.geoip {\n\t\tdb = \"/x\"\n\t\tsource = \"ip\"\n\t}\n");
    assert_eq!(path, "stage.geoip");
    assert_eq!(message, "stage.geoip is not implemented by this build of flow run yet");
    let second =
        "\tstage.decolorize {}\n\tstage.geoip {\n\t\tdb = \"/x\"\n\t\tsource = \"ip\"\n\t}\n\
                  \tstage.geoip {\n\t\tdb = \"/x\"\n\t\tsource = \"ip\"\n\t}\n";
    assert_eq!(refused(second).0, "stage.geoip");
}
