//! `discovery.dns` settings Prometheus refuses are refused in place (the
//! lookups themselves run against Debian's dnsmasq in
//! tests/e2e/discovery/dns.py, which needs a resolver of its own).

use river_discovery::dns::DISCOVERY_DNS;
use river_runtime::component::Ctx;
use river_runtime::controller::{evaluate_alone, plan, Source};
use river_runtime::error::Error;
use river_runtime::globals::Globals;

#[tokio::test]
async fn a_port_for_every_type_but_srv_and_a_name_at_least() {
    let dir = tempfile::tempdir().unwrap();
    let refused = |body: &str| {
        let config = format!("discovery.dns \"test\" {{\n{body}\n}}\n");
        let plan = plan(&[Source::text("test.river", config)], &[DISCOVERY_DNS]).unwrap();
        let args = evaluate_alone(&plan.nodes[0]).unwrap();
        let globals = Globals::new("127.0.0.1:0".into(), "a:1".into(), dir.path().into());
        let ctx = Ctx::detached("discovery.dns.test", dir.path().join("data"), globals);
        let built = (DISCOVERY_DNS.build)(ctx.clone(), &args);
        ctx.cancel.cancel();
        match built {
            Err(Error::Setting(e)) => (e.path, e.message),
            Err(e) => panic!("refused otherwise: {e}"),
            Ok(_) => panic!("accepted: {body}"),
        }
    };
    let (path, message) = refused("\tnames = [\"localhost.\"]\n\ttype = \"A\"");
    assert_eq!(path, "port");
    assert!(message.contains("every record type but SRV"), "{message}");
    assert_eq!(refused("\tnames = []").0, "names");
    assert_eq!(refused("\tnames = [\"localhost.\"]\n\tport = 70000").0, "port");
}
