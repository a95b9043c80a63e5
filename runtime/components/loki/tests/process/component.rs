//! The component: stages in order, one receiver across updates, an
//! update that swaps the pipeline, and load errors placed on the stage's
//! setting.

use std::sync::Arc;

use river_analyzer::Value;

use river_runtime::error::Error;

use crate::harness::{args, build, entry, receiver, refused, refused_past_linter};

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

    // The linter's invalid-selector and invalid-time-layout refuse these
    // first; the stages as well.
    let selector = "\tstage.match {\n\t\tselector = \"{app=\\\"a\\\"}\"\n\t\tstage.static_labels {\n\t\t\tvalues = { a = \"b\" }\n\t\t}\n\t}\n";
    assert_eq!(
        refused_past_linter(selector, "{app=\"a\"}", "{app=\"a\"").0,
        "stage.match/selector"
    );

    let nested = "\tstage.match {\n\t\tselector = \"{app=\\\"a\\\"}\"\n\t\tstage.regex {\n\t\t\texpression = \"x\"\n\t\t}\n\t}\n";
    let mut bad = args(nested, &out).unwrap();
    bad.blocks[0].1.blocks[0].1.attrs.insert("expression".into(), Value::String("[".into()));
    let Err(Error::Setting(setting)) = crate::harness::build_from(&bad) else { panic!("accepted") };
    assert_eq!(setting.path, "stage.match/stage.regex/expression");

    let location = "\tstage.timestamp {\n\t\tsource = \"t\"\n\t\tformat = \"RFC3339\"\n\t\tlocation = \"Mars/Olympus\"\n\t}\n";
    assert_eq!(refused(location).0, "stage.timestamp/location");

    let layout = "\tstage.timestamp {\n\t\tsource = \"t\"\n\t\tformat = \"2006-01-02\"\n\t}\n";
    assert_eq!(refused_past_linter(layout, "2006-01-02", "yyyy-mm-dd").0, "stage.timestamp/format");

    let label = "\tstage.labels {\n\t\tvalues = { \"bad-name\" = \"\" }\n\t}\n";
    assert_eq!(refused(label).0, "stage.labels/values");
}

/// A pipeline slower than its source makes waiting senders wait once
/// enough entries are queued, instead of holding them all; a stopped
/// component makes no one wait.
#[tokio::test]
async fn a_full_backlog_makes_senders_wait_until_it_drains_or_stops() {
    // One entry a second: the first batch takes the task's attention, the
    // queue behind it fills.
    let process = build("\tstage.limit {\n\t\trate = 1\n\t\tburst = 1\n\t}\n").unwrap();
    let receiver = receiver(&process);
    let few: Vec<_> = (0..2).map(|i| entry(&[("app", "a")], &i.to_string())).collect();
    receiver.0.send(&few);
    let room = tokio::time::timeout(std::time::Duration::from_millis(300), receiver.0.room());
    assert!(room.await.is_ok(), "a short queue has room");
    let many: Vec<_> = (0..9000).map(|i| entry(&[("app", "a")], &i.to_string())).collect();
    receiver.0.send(&many);
    let room = tokio::time::timeout(std::time::Duration::from_millis(300), receiver.0.room());
    assert!(room.await.is_err(), "a full queue makes a sender wait");
    process.ctx.cancel.cancel();
    let room = tokio::time::timeout(std::time::Duration::from_secs(2), receiver.0.room());
    assert!(room.await.is_ok(), "a stopped component makes no one wait");
}
