//! `discovery.puppetdb` against a fake PuppetDB answering with the
//! resource of Prometheus's own PuppetDB test (`data/puppetdb_vhosts.json`,
//! copied from it), with and without its parameters.

mod support;

use std::collections::BTreeMap;

use river_discovery::puppetdb::DISCOVERY_PUPPETDB;
use support::{fake_server, targets, wait_for};

const VHOSTS: &str = include_str!("data/puppetdb_vhosts.json");

fn expected(parameters: bool) -> BTreeMap<String, String> {
    let mut labels = vec![
        ("__address__", "edinburgh.example.com:80"),
        ("__meta_puppetdb_query", "vhosts"),
        ("__meta_puppetdb_certname", "edinburgh.example.com"),
        ("__meta_puppetdb_environment", "prod"),
        ("__meta_puppetdb_exported", "false"),
        (
            "__meta_puppetdb_file",
            "/etc/puppetlabs/code/environments/prod/modules/upstream/apache/manifests/init.pp",
        ),
        ("__meta_puppetdb_resource", "49af83866dc5a1518968b68e58a25319107afe11"),
        (
            "__meta_puppetdb_tags",
            ",roles::hypervisor,apache,apache::vhost,class,default-ssl,profile_hypervisor,vhost,\
             profile_apache,hypervisor,__node_regexp__edinburgh,roles,node,",
        ),
        ("__meta_puppetdb_title", "default-ssl"),
        ("__meta_puppetdb_type", "Apache::Vhost"),
    ];
    if parameters {
        labels.extend([
            ("__meta_puppetdb_parameter_access_log", "true"),
            ("__meta_puppetdb_parameter_access_log_file", "ssl_access_log"),
            ("__meta_puppetdb_parameter_docroot", "/var/www/html"),
            ("__meta_puppetdb_parameter_ensure", "absent"),
            ("__meta_puppetdb_parameter_labels_alias", "edinburgh"),
            ("__meta_puppetdb_parameter_options", "Indexes,FollowSymLinks,MultiViews"),
        ]);
    }
    labels.into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect()
}

#[tokio::test]
async fn a_resource_with_the_references_labels() {
    let (port, seen) = fake_server(|target| match target {
        "/pdb/query/v4" => (200, "application/json", VHOSTS.to_owned()),
        _ => (404, "text/plain", String::new()),
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    for parameters in [false, true] {
        let body = format!(
            "\turl = \"http://127.0.0.1:{port}\"\n\tquery = \"vhosts\"\n\
             \tinclude_parameters = {parameters}"
        );
        let (built, ctx) = support::build(&DISCOVERY_PUPPETDB, &body, dir.path());
        built.unwrap();
        wait_for("the targets", || !targets(&ctx).is_empty()).await;
        assert_eq!(targets(&ctx), [expected(parameters)]);
        ctx.cancel.cancel();
    }
    let request = seen.lock()[0].1.clone();
    assert!(request.starts_with("POST /pdb/query/v4 "), "{request}");
    assert!(request.to_ascii_lowercase().contains("content-type: application/json"), "{request}");
}
