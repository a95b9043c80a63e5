//! `loki.write` on its own: settings it cannot honour are refused at
//! load, placed on the setting.

use river_loki::write::LOKI_WRITE;
use river_runtime::component::Ctx;
use river_runtime::controller::{evaluate_alone, plan, Source};
use river_runtime::error::Error;
use river_runtime::globals::Globals;

fn build(body: &str) -> Result<(), Error> {
    let dir = tempfile::tempdir().unwrap();
    let config = format!("loki.write \"test\" {{\n{body}\n}}\n");
    let plan = plan(&[Source::text("test.river", config)], &[LOKI_WRITE]).unwrap();
    let args = evaluate_alone(&plan.nodes[0]).unwrap();
    let globals =
        Globals::new("127.0.0.1:0".into(), "agent.internal:12345".into(), dir.path().into());
    let ctx = Ctx::detached("loki.write.test", dir.path().join("data"), globals);
    let built = (LOKI_WRITE.build)(ctx.clone(), &args).map(|_| ());
    ctx.cancel.cancel();
    built
}

const ENDPOINT: &str = "\tendpoint {\n\t\turl = \"http://127.0.0.1:1/loki/api/v1/push\"\n\t}\n";

#[tokio::test]
async fn the_write_ahead_log_is_refused_with_its_place() {
    assert!(build(ENDPOINT).is_ok());
    // Without an endpoint the config does not even plan, as the reference
    // refuses to start a loki.write without one.
    let none = Source::text("test.river", "loki.write \"test\" {\n}\n".to_owned());
    assert!(plan(&[none], &[LOKI_WRITE]).is_err());
    let error = build(&format!("{ENDPOINT}\twal {{\n\t\tenabled = true\n\t}}")).unwrap_err();
    let Error::Setting(setting) = &error else { panic!("{error:?}") };
    assert_eq!(setting.path, "wal/enabled");
    assert!(setting.message.contains("write-ahead log is not implemented"), "{error}");
}

#[tokio::test]
async fn a_bad_size_or_url_is_refused_with_its_place() {
    let body = "\tendpoint {\n\t\turl = \"http://127.0.0.1:1/\"\n\t\tbatch_size = \"lots\"\n\t}";
    let Err(Error::Setting(setting)) = build(body) else { panic!("accepted") };
    assert_eq!(setting.path, "endpoint/batch_size");
    assert!(setting.message.contains("not a size"), "{}", setting.message);
    let Err(Error::Setting(setting)) = build("\tendpoint {\n\t\turl = \"nope\"\n\t}") else {
        panic!("accepted")
    };
    assert_eq!(setting.path, "endpoint/url");
}

#[tokio::test]
async fn the_same_endpoint_twice_is_refused() {
    let named = "\tendpoint {\n\t\turl = \"http://127.0.0.1:1/\"\n\t\tname = \"a\"\n\t}\n";
    let other = "\tendpoint {\n\t\turl = \"http://127.0.0.1:2/\"\n\t\tname = \"a\"\n\t}\n";
    let Err(Error::Setting(setting)) = build(&format!("{named}{other}")) else {
        panic!("accepted")
    };
    assert_eq!(setting.path, "endpoint[1]/name", "the second endpoint block");
    assert!(setting.message.contains("endpoint 2"), "{}", setting.message);
    assert!(build(&format!("{ENDPOINT}{ENDPOINT}")).is_err(), "two unnamed, identical");
    assert!(build(&format!("{ENDPOINT}{named}")).is_ok());
}
