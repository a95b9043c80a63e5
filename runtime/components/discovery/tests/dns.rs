//! `discovery.dns` settings Prometheus refuses are refused in place (the
//! lookups themselves run against Debian's dnsmasq in
//! tests/e2e/discovery/dns.py, which needs a resolver of its own).

mod support;

use river_discovery::dns::DISCOVERY_DNS;
use river_runtime::error::Error;

#[tokio::test]
async fn a_port_for_every_type_but_srv_and_a_name_at_least() {
    let dir = tempfile::tempdir().unwrap();
    let refused = |body: &str| {
        let (built, ctx) = support::build(&DISCOVERY_DNS, body, dir.path());
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
