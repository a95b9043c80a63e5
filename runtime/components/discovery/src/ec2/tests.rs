//! The answers' decoding and the labels, against a `DescribeInstances`
//! page as EC2 answers it (tests/data/ec2/describe_instances.xml); the
//! component against a real EC2 API (moto) is tests/ec2.rs.

use std::collections::{BTreeMap, HashMap};

use super::{target, xml};

const PAGE: &str = include_str!("../../tests/data/ec2/describe_instances.xml");

fn labels_of(found: Option<river_runtime::labels::Labels>) -> BTreeMap<String, String> {
    let found = found.expect("a target");
    found.iter().map(|(k, v)| (k.replace("__meta_ec2_", ""), v.to_owned())).collect()
}

fn zones() -> HashMap<String, String> {
    [("eu-west-1c", "euw1-az3"), ("eu-west-1b", "euw1-az1")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

#[test]
fn a_page_gives_its_instances_and_the_next_token() {
    let page = xml::page(&xml::parse(PAGE).unwrap());
    assert_eq!(page.next_token.as_deref(), Some("eyJ2IjoiMiIsImMiOiJ0b2tlbiJ9"));
    let ids: Vec<&str> = page.instances.iter().map(|i| i.instance_id.as_str()).collect();
    assert_eq!(ids, ["i-1234567890abcdef0", "i-0598c7d356eba48d7", "i-0fedcba9876543210"]);
    let owners: Vec<_> = page.instances.iter().map(|i| i.owner_id.as_deref()).collect();
    assert_eq!(owners, [Some("123456789012"), Some("123456789012"), Some("210987654321")]);
    // The instance without a private IP is no target.
    assert_eq!(target::labels(&page.instances[1], "eu-west-1", 80, None), None);
}

#[test]
fn every_label_of_an_instance_in_a_vpc() {
    let page = xml::page(&xml::parse(PAGE).unwrap());
    let zones = zones();
    let found = labels_of(target::labels(&page.instances[0], "eu-west-1", 9100, Some(&zones)));
    let expected: BTreeMap<String, String> = [
        ("__address__", "192.168.1.88:9100"),
        ("ami", "ami-bff32ccc"),
        ("architecture", "x86_64"),
        ("availability_zone", "eu-west-1c"),
        ("availability_zone_id", "euw1-az3"),
        ("instance_id", "i-1234567890abcdef0"),
        ("instance_lifecycle", "spot"),
        ("instance_state", "running"),
        ("instance_type", "t2.micro"),
        (
            "ipv6_addresses",
            ",2001:db8:1234:1a00::123,2001:db8:1234:1a00::124,2001:db8:1234:1a02::9,",
        ),
        ("owner_id", "123456789012"),
        ("platform", "windows"),
        // Device 1 has none: its slot stays empty.
        ("primary_ipv6_addresses", ",2001:db8:1234:1a00::123,,2001:db8:1234:1a02::9,"),
        ("primary_subnet_id", "subnet-56f5f633"),
        ("private_dns_name", "ip-192-168-1-88.eu-west-1.compute.internal"),
        ("private_ip", "192.168.1.88"),
        ("public_dns_name", "ec2-54-194-252-215.eu-west-1.compute.amazonaws.com"),
        ("public_ip", "54.194.252.215"),
        ("region", "eu-west-1"),
        ("subnet_id", ",subnet-56f5f633,subnet-56f5f634,"),
        ("tag_Name", "Server_1"),
        ("tag_aws_autoscaling_groupName", "web & api"),
        ("vpc_id", "vpc-11112222"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    assert_eq!(found, expected);
}

#[test]
fn an_instance_outside_a_vpc_has_fewer_labels() {
    let page = xml::page(&xml::parse(PAGE).unwrap());
    let found = labels_of(target::labels(&page.instances[2], "eu-west-1", 80, Some(&zones())));
    let names: Vec<&str> = found.keys().map(String::as_str).collect();
    // No VPC, public IP, platform or lifecycle; the empty private DNS
    // name is no label.
    assert_eq!(
        names,
        [
            "__address__",
            "ami",
            "architecture",
            "availability_zone",
            "availability_zone_id",
            "instance_id",
            "instance_state",
            "instance_type",
            "owner_id",
            "private_ip",
            "region"
        ]
    );
    assert_eq!(found["__address__"], "10.0.0.7:80");
    assert_eq!(found["availability_zone_id"], "euw1-az1");
    // Before the zones are known, the zone ID is no label.
    let unknown = labels_of(target::labels(&page.instances[2], "eu-west-1", 80, None));
    assert!(!unknown.contains_key("availability_zone_id"));
}

#[test]
fn zones_and_errors_are_read() {
    let answer = "<DescribeAvailabilityZonesResponse><requestId>x</requestId>\
        <availabilityZoneInfo><item><zoneName>eu-west-1a</zoneName><zoneState>available\
        </zoneState><regionName>eu-west-1</regionName><zoneId>euw1-az3</zoneId></item>\
        <item><zoneName>eu-west-1b</zoneName><zoneId>euw1-az1</zoneId></item>\
        </availabilityZoneInfo></DescribeAvailabilityZonesResponse>";
    let zones = xml::zones(&xml::parse(answer).unwrap());
    assert_eq!(zones.len(), 2);
    assert_eq!(zones["eu-west-1b"], "euw1-az1");
    let error = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error>\
        <Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this \
        operation.</Message></Error></Errors><RequestID>r</RequestID></Response>";
    assert_eq!(
        xml::error(error).as_deref(),
        Some("UnauthorizedOperation: You are not authorized to perform this operation.")
    );
    assert_eq!(xml::error("Service Unavailable"), None);
}

#[test]
fn malformed_answers_are_errors() {
    for text in ["", "<a><b></a>", "<a>", "<a>&nope;</a>", "not xml"] {
        assert!(xml::parse(text).is_err(), "{text:?}");
    }
    let deep = "<a>".repeat(200_000);
    let error = xml::parse(&deep).unwrap_err().to_string();
    assert!(error.contains("nested more than"), "{error}");
    // A well-formed answer of another shape has no instances.
    let page = xml::page(&xml::parse("<Other><reservationSet/></Other>").unwrap());
    assert!(page.instances.is_empty() && page.next_token.is_none());
}
