//! `discovery.eureka` against a fake Eureka that answers with the
//! applications of Prometheus's own Eureka discovery tests: the targets
//! and `__meta_eureka_*` labels, and a server error kept as health.

mod support;

use river_discovery::eureka::DISCOVERY_EUREKA;
use river_runtime::component::HealthKind;
use support::{fake_server, targets, wait_for};

fn instance(host: &str, app: &str, ip: &str, secure: &str, metadata: &str) -> String {
    format!(
        "<instance><instanceId>{host}:{app}:8080</instanceId><hostName>{host}</hostName>\
         <app>{app}</app><ipAddr>{ip}</ipAddr><status>UP</status>\
         <overriddenstatus>UNKNOWN</overriddenstatus><port enabled=\"true\">8080</port>\
         <securePort enabled=\"false\">{secure}</securePort><countryId>1</countryId>\
         <dataCenterInfo class=\"com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo\">\
         <name>MyOwn</name></dataCenterInfo><leaseInfo><durationInSecs>90</durationInSecs>\
         </leaseInfo><metadata>{metadata}</metadata>\
         <homePageUrl>http://{host}:8080/</homePageUrl>\
         <statusPageUrl>http://{host}:8080/info</statusPageUrl>\
         <healthCheckUrl>http://{host}:8080/health</healthCheckUrl>\
         <vipAddress>{app}</vipAddress><secureVipAddress>{app}</secureVipAddress>\
         <isCoordinatingDiscoveryServer>false</isCoordinatingDiscoveryServer>\
         <actionType>ADDED</actionType></instance>"
    )
}

fn apps() -> String {
    let meta = "<project>meta-service</project><management.port>8090</management.port>";
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<applications><versions__delta>1</versions__delta>\
         <apps__hashcode>UP_4_</apps__hashcode><application><name>CONFIG-SERVICE</name>{}{}\
         </application><application><name>META-SERVICE</name>{}{}</application></applications>",
        instance("config-service001.test.com", "config-service", "192.133.83.31", "8080", ""),
        instance("config-service002.test.com", "config-service", "192.133.83.31", "8080", ""),
        instance("meta-service002.test.com", "meta-service", "192.133.87.237", "443", meta),
        instance("meta-service001.test.com", "meta-service", "192.133.87.236", "443", meta),
    )
}

#[tokio::test]
async fn every_instance_with_the_references_labels() {
    let (port, seen) = fake_server(|target| match target {
        "/eureka/apps" => (200, "application/xml", apps()),
        _ => (404, "text/plain", String::new()),
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let body = format!("\tserver = \"http://127.0.0.1:{port}/eureka\"");
    let (built, ctx) = support::build(&DISCOVERY_EUREKA, &body, dir.path());
    built.unwrap();
    wait_for("the targets", || targets(&ctx).len() == 4).await;
    let found = targets(&ctx);
    assert_eq!(found[0]["__address__"], "config-service001.test.com:8080");
    assert_eq!(found[2]["__address__"], "meta-service002.test.com:8080");
    let p = "__meta_eureka_app_instance_";
    let expected: Vec<(String, &str)> = vec![
        ("__address__".into(), "meta-service002.test.com:8080"),
        ("__meta_eureka_app_name".into(), "META-SERVICE"),
        (format!("{p}country_id"), "1"),
        (format!("{p}datacenterinfo_name"), "MyOwn"),
        (format!("{p}healthcheck_url"), "http://meta-service002.test.com:8080/health"),
        (format!("{p}homepage_url"), "http://meta-service002.test.com:8080/"),
        (format!("{p}hostname"), "meta-service002.test.com"),
        (format!("{p}id"), "meta-service002.test.com:meta-service:8080"),
        (format!("{p}ip_addr"), "192.133.87.237"),
        (format!("{p}metadata_management_port"), "8090"),
        (format!("{p}metadata_project"), "meta-service"),
        (format!("{p}port"), "8080"),
        (format!("{p}port_enabled"), "true"),
        (format!("{p}secure_port"), "443"),
        (format!("{p}secure_port_enabled"), "false"),
        (format!("{p}secure_vip_address"), "meta-service"),
        (format!("{p}status"), "UP"),
        (format!("{p}statuspage_url"), "http://meta-service002.test.com:8080/info"),
        (format!("{p}vip_address"), "meta-service"),
        ("instance".into(), "meta-service002.test.com:meta-service:8080"),
    ];
    let expected = expected.into_iter().map(|(k, v)| (k, v.to_owned())).collect();
    assert_eq!(found[2], expected);
    assert!(seen.lock()[0].1.contains("user-agent: flow-runtime/"));
    ctx.cancel.cancel();
}

#[tokio::test]
async fn a_server_error_makes_it_unhealthy() {
    let (port, _) = fake_server(|_| (500, "application/xml", String::new())).await;
    let dir = tempfile::tempdir().unwrap();
    let body = format!("\tserver = \"http://127.0.0.1:{port}\"");
    let (built, ctx) = support::build(&DISCOVERY_EUREKA, &body, dir.path());
    built.unwrap();
    wait_for("unhealthy", || ctx.health().kind == HealthKind::Unhealthy).await;
    let message = ctx.health().message;
    assert!(
        message.contains("non 2xx status '500' response during eureka service discovery"),
        "{message}"
    );
    let (refused, _) = support::build(&DISCOVERY_EUREKA, "\tserver = \"nope\"", dir.path());
    assert!(refused.unwrap_err().to_string().contains("not a server URL"));
    ctx.cancel.cancel();
}
