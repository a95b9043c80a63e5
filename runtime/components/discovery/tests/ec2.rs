//! `discovery.ec2` against a real EC2 API: moto's server (PyPI's
//! `moto[server]`, which tests/run installs), started here on loopback.
//! Instances are launched with signed `RunInstances` calls, then found
//! with their labels, through filters and through an assumed role (moto
//! answers each account's keys with that account's instances). moto's
//! addresses are made up: the labels are checked, nothing is connected
//! to. Without moto the test fails: it is part of the suite.

mod support;

use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::{Duration, Instant, SystemTime};

use river_discovery::ec2::DISCOVERY_EC2;
use river_runtime::aws::sign::{sign, Keys, Scope};
use river_runtime::component::{Ctx, HealthKind};
use support::{targets, wait_for};

const REGION: &str = "eu-west-1";

/// moto's server on a free loopback port, stopped when dropped.
struct Moto {
    url: String,
    _process: tokio::process::Child,
    _log: tempfile::NamedTempFile,
}

async fn moto() -> Moto {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    // Its request log goes to a file: a pipe nobody reads would fill up.
    let log = tempfile::NamedTempFile::new().unwrap();
    let mut process = tokio::process::Command::new("python3")
        .args(["-m", "moto.server", "-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(log.reopen().unwrap())
        .kill_on_drop(true)
        .spawn()
        .expect("python3 runs moto's server (pip install 'moto[server]')");
    let start = Instant::now();
    while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
        if let Ok(Some(status)) = process.try_wait() {
            let said = std::fs::read_to_string(log.path()).unwrap_or_default();
            panic!("moto's server exited ({status}); pip install 'moto[server]'?\n{said}");
        }
        assert!(start.elapsed() < Duration::from_secs(60), "moto's server did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Moto { url: format!("http://127.0.0.1:{port}"), _process: process, _log: log }
}

/// One EC2 action, signed as an SDK signs it; the answer's text.
async fn ec2(moto: &Moto, params: &[(&str, &str)]) -> String {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .append_pair("Version", "2016-11-15")
        .finish();
    let url = reqwest::Url::parse(&moto.url).unwrap();
    let keys = Keys { access_key: "AKIDTEST".into(), secret_key: "s".into(), session_token: None };
    let scope = Scope { region: REGION, service: "ec2" };
    let kind = "application/x-www-form-urlencoded; charset=utf-8";
    let signed = sign(
        &keys,
        &scope,
        ("POST", &url),
        &[("content-type", kind)],
        body.as_bytes(),
        SystemTime::now(),
    );
    let mut request = reqwest::Client::new().post(url).header("content-type", kind);
    for (name, value) in signed {
        request = request.header(name, value);
    }
    let response = request.body(body).send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(status.is_success(), "{params:?}: {status} {text}");
    text
}

/// The text of the first `<name>` element.
fn first(xml: &str, name: &str) -> String {
    let start =
        xml.find(&format!("<{name}>")).unwrap_or_else(|| panic!("no {name}")) + name.len() + 2;
    xml[start..start + xml[start..].find('<').unwrap()].to_owned()
}

/// Launches an instance with tags; its `RunInstances` answer.
async fn launch(moto: &Moto, zone: &str, kind: &str, tags: [(&str, &str); 2]) -> String {
    let mut params = vec![
        ("Action", "RunInstances"),
        ("ImageId", "ami-12c6146b"),
        ("MinCount", "1"),
        ("MaxCount", "1"),
        ("InstanceType", kind),
        ("Placement.AvailabilityZone", zone),
        ("TagSpecification.1.ResourceType", "instance"),
    ];
    let names = ["TagSpecification.1.Tag.1.Key", "TagSpecification.1.Tag.2.Key"];
    let values = ["TagSpecification.1.Tag.1.Value", "TagSpecification.1.Tag.2.Value"];
    for (i, (key, value)) in tags.iter().enumerate() {
        params.extend([(names[i], *key), (values[i], *value)]);
    }
    ec2(moto, &params).await
}

/// The zone ID moto gives `zone`.
async fn zone_id(moto: &Moto, zone: &str) -> String {
    let answer = ec2(moto, &[("Action", "DescribeAvailabilityZones")]).await;
    let item = answer.split("<item>").find(|i| i.contains(&format!("<zoneName>{zone}<"))).unwrap();
    first(item, "zoneId")
}

fn build(moto: &Moto, extra: &str, dir: &std::path::Path) -> Ctx {
    let body = format!(
        "\tendpoint = \"{}\"\n\tregion = \"{REGION}\"\n\taccess_key = \"AKIDTEST\"\n\
         \tsecret_key = \"not-a-real-key\"\n\tport = 9100\n\trefresh_interval = \"100ms\"\n{extra}",
        moto.url
    );
    let (built, ctx) = support::build(&DISCOVERY_EC2, &body, dir);
    built.unwrap();
    ctx
}

/// The labels an instance of `launched` (a `RunInstances` answer) has.
fn expected(
    launched: &str,
    zone: &str,
    zone_id: &str,
    tags: [(&str, &str); 2],
) -> BTreeMap<String, String> {
    let ip = first(launched, "privateIpAddress");
    let subnet = first(launched, "subnetId");
    let mut labels: BTreeMap<String, String> = [
        ("__address__", format!("{ip}:9100")),
        ("ami", "ami-12c6146b".into()),
        ("architecture", "x86_64".into()),
        ("availability_zone", zone.into()),
        ("availability_zone_id", zone_id.into()),
        ("instance_id", first(launched, "instanceId")),
        ("instance_state", "running".into()),
        ("instance_type", first(launched, "instanceType")),
        ("owner_id", "123456789012".into()),
        ("private_ip", ip),
        ("public_dns_name", first(launched, "dnsName")),
        ("public_ip", first(launched, "ipAddress")),
        ("region", REGION.into()),
        ("primary_subnet_id", subnet.clone()),
        ("subnet_id", format!(",{subnet},")),
        ("vpc_id", first(launched, "vpcId")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    labels.extend(tags.iter().map(|(k, v)| (format!("tag_{k}"), (*v).to_owned())));
    // moto's image ami-12c6146b is a Windows one.
    labels.insert("platform".into(), first(launched, "platform"));
    labels
}

/// The targets' labels without the `__meta_ec2_` prefix, and the private
/// DNS name apart (moto makes it up from the IP).
fn found(ctx: &Ctx) -> Vec<(BTreeMap<String, String>, String)> {
    let mut found: Vec<_> = targets(ctx)
        .into_iter()
        .map(|t| {
            let mut t: BTreeMap<String, String> =
                t.into_iter().map(|(k, v)| (k.replace("__meta_ec2_", ""), v)).collect();
            let dns = t.remove("private_dns_name").unwrap_or_default();
            (t, dns)
        })
        .collect();
    found.sort();
    found
}

#[tokio::test]
async fn instances_from_moto_with_every_label() {
    let moto = moto().await;
    let web_tags = [("Name", "web-1"), ("env", "prod")];
    let db_tags = [("Name", "db-1"), ("env", "staging")];
    let web = launch(&moto, "eu-west-1b", "t3.micro", web_tags).await;
    let db = launch(&moto, "eu-west-1a", "t3.small", db_tags).await;
    let web_expected = expected(&web, "eu-west-1b", &zone_id(&moto, "eu-west-1b").await, web_tags);
    let db_expected = expected(&db, "eu-west-1a", &zone_id(&moto, "eu-west-1a").await, db_tags);
    let dir = tempfile::tempdir().unwrap();

    // A filter: the production instance only.
    let filter = "\tfilter {\n\t\tname = \"tag:env\"\n\t\tvalues = [\"prod\"]\n\t}\n";
    let ctx = build(&moto, filter, dir.path());
    wait_for("the filtered target", || !targets(&ctx).is_empty()).await;
    let [(labels, dns)] = &found(&ctx)[..] else { panic!("{:?}", found(&ctx)) };
    assert_eq!(labels, &web_expected);
    let ip = web_expected["private_ip"].replace('.', "-");
    assert!(dns.starts_with(&format!("ip-{ip}.")), "{dns}");
    assert_eq!(ctx.health().kind, HealthKind::Healthy);
    ctx.cancel.cancel();

    // No filter: both.
    let ctx = build(&moto, "", dir.path());
    wait_for("both targets", || targets(&ctx).len() == 2).await;
    let mut both: Vec<_> = found(&ctx).into_iter().map(|(labels, _)| labels).collect();
    both.sort_by_key(|l| l["tag_Name"].clone());
    assert_eq!(both, [db_expected, web_expected]);
    ctx.cancel.cancel();

    assumed_roles(&moto, dir.path()).await;
}

/// `role_arn`: the keys assume the role through STS (moto's, by
/// `AWS_ENDPOINT_URL_STS`), and the role's keys sign: a role of this
/// account sees its instances, one of another account none.
async fn assumed_roles(moto: &Moto, dir: &std::path::Path) {
    // Only this test of the file reads the variable.
    std::env::set_var("AWS_ENDPOINT_URL_STS", &moto.url);
    let role = |account: &str| format!("\trole_arn = \"arn:aws:iam::{account}:role/discovery\"\n");
    let ctx = build(moto, &role("123456789012"), dir);
    wait_for("the role's targets", || targets(&ctx).len() == 2).await;
    ctx.cancel.cancel();
    let ctx = build(moto, &role("111111111111"), dir);
    wait_for("a good round", || ctx.health().kind == HealthKind::Healthy).await;
    assert_eq!(targets(&ctx), []);
    ctx.cancel.cancel();
}

#[tokio::test]
async fn an_unreachable_api_makes_it_unhealthy() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let body = format!(
        "\tendpoint = \"http://127.0.0.1:{port}\"\n\tregion = \"{REGION}\"\n\
         \taccess_key = \"AKIDTEST\"\n\tsecret_key = \"s\""
    );
    let (built, ctx) = support::build(&DISCOVERY_EC2, &body, dir.path());
    built.unwrap();
    wait_for("unhealthy", || ctx.health().kind == HealthKind::Unhealthy).await;
    let message = ctx.health().message;
    assert!(message.contains("could not describe instances"), "{message}");
    ctx.cancel.cancel();
}

#[tokio::test]
async fn settings_are_checked_at_load() {
    let dir = tempfile::tempdir().unwrap();
    let refuse = |body: &str| {
        let (built, _) = support::build(&DISCOVERY_EC2, body, dir.path());
        built.unwrap_err().to_string()
    };
    let region = "\tregion = \"eu-west-1\"\n";
    let empty =
        refuse(&format!("{region}\tfilter {{\n\t\tname = \"tag:env\"\n\t\tvalues = []\n\t}}"));
    assert!(empty.contains("filter values cannot be empty"), "{empty}");
    let half = refuse(&format!("{region}\taccess_key = \"AKIDTEST\""));
    assert!(half.contains("secret_key") && half.contains("access_key needs it"), "{half}");
    let endpoint = refuse(&format!("{region}\tendpoint = \"ec2.local\""));
    assert!(endpoint.contains("not an http(s) URL"), "{endpoint}");

    // No region anywhere, and no instance metadata service to ask: the
    // variables this changes are read by no other test of the file.
    for name in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
        std::env::remove_var(name);
    }
    std::env::set_var("AWS_CONFIG_FILE", dir.path().join("no-config"));
    std::env::set_var("AWS_EC2_METADATA_DISABLED", "true");
    let none = refuse("");
    assert!(none.contains("region") && none.contains("requires a region"), "{none}");
}
