//! `stage.geoip`, over MaxMind databases made at test time by
//! tests/data/geoip_db.py (PyPI's mmdb-writer): the values each database
//! type extracts for an address it holds, nothing for one it does not,
//! custom JMESPath lookups, and the load errors placed on their setting.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::harness::{build, refused};

/// A directory holding city.mmdb, country.mmdb and asn.mmdb.
fn databases() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/geoip_db.py");
    let out = Command::new("python3").arg(&script).arg(dir.path()).output().unwrap_or_else(|e| {
        panic!("stage.geoip's tests run python3 {} and could not: {e}", script.display())
    });
    assert!(
        out.status.success(),
        "python3 {} failed (it needs PyPI's mmdb-writer: python3 -m pip install mmdb-writer):\n{}",
        script.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

fn db(dir: &tempfile::TempDir, name: &str) -> PathBuf {
    dir.path().join(name)
}

const CITY_VALUES: &[&str] = &[
    "geoip_city_name",
    "geoip_country_name",
    "geoip_country_code",
    "geoip_continent_name",
    "geoip_continent_code",
    "geoip_location_latitude",
    "geoip_location_longitude",
    "geoip_postal_code",
    "geoip_timezone",
    "geoip_subdivision_name",
    "geoip_subdivision_code",
];

/// A pipeline reading the address from the line, looking it up in `db`
/// and setting every value in `values` as a label of the same name.
fn pipeline(db: &Path, settings: &str, values: &[&str]) -> String {
    let labels: Vec<String> = values.iter().map(|v| format!("{v} = \"\"")).collect();
    format!(
        "\tstage.regex {{\n\t\texpression = \"^(?P<ip>\\\\S+)\"\n\t}}\n\
         \tstage.geoip {{\n\t\tdb = {:?}\n\t\tsource = \"ip\"\n{settings}\t}}\n\
         \tstage.labels {{\n\t\tvalues = {{ {} }}\n\t}}\n",
        db.display().to_string(),
        labels.join(", ")
    )
}

#[tokio::test]
async fn city_databases_give_the_location_of_an_address() {
    let dir = databases();
    let body = pipeline(&db(&dir, "city.mmdb"), "\t\tdb_type = \"city\"\n", CITY_VALUES);
    let process = build(&body).unwrap();
    let out = process.one(&[], "81.2.69.142 GET /").await.unwrap();
    let got: Vec<_> = CITY_VALUES.iter().map(|v| out.labels.get(v).unwrap_or("-")).collect();
    assert_eq!(
        got,
        [
            "London",
            "United Kingdom",
            "GB",
            "Europe",
            "EU",
            "51.5142",
            "-0.0931",
            "EC2V",
            "Europe/London",
            // The most specific subdivision: the last.
            "City of Westminster",
            "WND",
        ]
    );
    // Written as IPv6, an IPv4 address is still found.
    let out = process.one(&[], "::ffff:81.2.69.1 GET /").await.unwrap();
    assert_eq!(out.labels.get("geoip_city_name"), Some("London"));

    // An address the database does not hold, and one that is no address:
    // the entry passes without any value.
    for line in ["192.0.2.1 GET /", "not-an-ip GET /", "2001:db8::1 GET /"] {
        let out = process.one(&[("job", "a")], line).await.unwrap();
        assert_eq!(out.labels.len(), 1, "{line}: {:?}", out.labels);
        assert_eq!(out.line, line);
    }
}

#[tokio::test]
async fn country_databases_give_country_and_continent() {
    let dir = databases();
    let body = pipeline(&db(&dir, "country.mmdb"), "\t\tdb_type = \"country\"\n", CITY_VALUES);
    let out = build(&body).unwrap().one(&[], "81.2.69.160").await.unwrap();
    let got: Vec<_> = out.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    assert_eq!(
        got,
        [
            "geoip_continent_code=EU",
            "geoip_continent_name=Europe",
            "geoip_country_code=GB",
            "geoip_country_name=United Kingdom",
        ]
    );
}

#[tokio::test]
async fn asn_databases_give_the_autonomous_system() {
    let dir = databases();
    let values = ["geoip_autonomous_system_number", "geoip_autonomous_system_organization"];
    let body = pipeline(&db(&dir, "asn.mmdb"), "\t\tdb_type = \"asn\"\n", &values);
    let process = build(&body).unwrap();
    let out = process.one(&[], "1.128.0.1").await.unwrap();
    assert_eq!(out.labels.get("geoip_autonomous_system_number"), Some("1221"));
    assert_eq!(out.labels.get("geoip_autonomous_system_organization"), Some("Telstra Pty Ltd"));
    let out = process.one(&[], "8.8.8.8").await.unwrap();
    assert!(out.labels.is_empty(), "{:?}", out.labels);
}

#[tokio::test]
async fn custom_lookups_search_the_record_with_jmespath() {
    let dir = databases();
    let settings = "\t\tcustom_lookups = {\n\t\t\tcity = \"city.names.en\",\n\t\t\t\
                    continent = \"continent.code\",\n\t\t\tpostal = \"postal.code\",\n\t\t\t\
                    missing = \"no.such.field\",\n\t\t}\n";
    let values = ["city", "continent", "postal", "missing", "geoip_city_name"];
    let body = pipeline(&db(&dir, "city.mmdb"), settings, &values);
    let process = build(&body).unwrap();
    let out = process.one(&[], "81.2.69.142").await.unwrap();
    let got: Vec<_> = out.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    // Without db_type, only the lookups; a lookup that finds nothing sets nothing.
    assert_eq!(got, ["city=London", "continent=EU", "postal=EC2V"]);
    let out = process.one(&[], "192.0.2.1").await.unwrap();
    assert!(out.labels.is_empty(), "{:?}", out.labels);
}

#[test]
fn bad_settings_are_refused_on_their_setting() {
    let dir = databases();
    let city = db(&dir, "city.mmdb").display().to_string();
    let stage = |settings: &str| format!("\tstage.geoip {{\n{settings}\t}}\n");

    let missing = dir.path().join("missing.mmdb").display().to_string();
    let (path, message) = refused(&stage(&format!(
        "\t\tdb = {missing:?}\n\t\tsource = \"ip\"\n\t\tdb_type = \"city\"\n"
    )));
    assert_eq!(path, "stage.geoip/db");
    assert!(message.contains("could not open MaxMind database"), "{message}");

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/geoip_db.py");
    let unreadable = script.display().to_string();
    let (path, _) = refused(&stage(&format!(
        "\t\tdb = {unreadable:?}\n\t\tsource = \"ip\"\n\t\tdb_type = \"city\"\n"
    )));
    assert_eq!(path, "stage.geoip/db");

    let (path, message) = refused(&stage(&format!(
        "\t\tdb = {city:?}\n\t\tsource = \"ip\"\n\t\tdb_type = \"isp\"\n"
    )));
    assert_eq!(
        (path.as_str(), message.as_str()),
        ("stage.geoip/db_type", "db type must be \"city\", \"country\" or \"asn\", not \"isp\"")
    );

    let (path, _) = refused(&stage(&format!("\t\tdb = {city:?}\n\t\tsource = \"ip\"\n")));
    assert_eq!(path, "stage.geoip/db_type", "neither db_type nor custom_lookups");

    let (path, _) =
        refused(&stage(&format!("\t\tdb = {city:?}\n\t\tsource = \"\"\n\t\tdb_type = \"city\"\n")));
    assert_eq!(path, "stage.geoip/source");

    let (path, _) = refused(&stage(&format!(
        "\t\tdb = {city:?}\n\t\tsource = \"ip\"\n\t\tcustom_lookups = {{ a = \"b[\" }}\n"
    )));
    assert_eq!(path, "stage.geoip/custom_lookups");
}
