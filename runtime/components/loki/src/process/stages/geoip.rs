//! `stage.geoip`: looks the IP address in extracted value `source` up in
//! a MaxMind database (`db`, a `.mmdb` file read whole at load) and
//! extracts what it knows of it. As the reference: `db_type` names the
//! record's shape (`city`, `country`, `asn`) and fills the `geoip_*`
//! values from it, each only when the database has it; `custom_lookups`
//! extracts JMESPath expressions evaluated over the raw record. A
//! missing source, one that is not an IP address, or an address the
//! database does not hold leaves the entry alone.

use std::net::IpAddr;

use indexmap::IndexMap;
use jmespath::Expression;
use serde_json::Value as Json;

use river_runtime::args::{ArgError, Args};

use crate::process::pipeline::{as_string, Extracted, Item, Stage};

/// The shape of record `db_type` names.
#[derive(Clone, Copy, PartialEq, Eq)]
enum DbType {
    City,
    Country,
    Asn,
}

pub struct GeoIp {
    db: maxminddb::Reader<Vec<u8>>,
    source: String,
    db_type: Option<DbType>,
    lookups: Vec<(String, Expression<'static>)>,
}

impl GeoIp {
    pub fn build(block: &Args) -> Result<GeoIp, ArgError> {
        let path: String = block.require("db")?;
        if path.is_empty() {
            return Err(block.invalid("db", "db path cannot be empty"));
        }
        let source: String = block.require("source")?;
        if source.is_empty() {
            return Err(block.invalid("source", "source cannot be empty"));
        }
        let db_type = match block.get::<String>("db_type")?.as_str() {
            "" => None,
            "city" => Some(DbType::City),
            "country" => Some(DbType::Country),
            "asn" => Some(DbType::Asn),
            other => {
                let why =
                    format!("db type must be \"city\", \"country\" or \"asn\", not {other:?}");
                return Err(block.invalid("db_type", why));
            }
        };
        let custom: Option<IndexMap<String, String>> = block.opt("custom_lookups")?;
        if db_type.is_none() && custom.is_none() {
            return Err(block.invalid("db_type", "db type or custom_lookups need to be set"));
        }
        let mut lookups = Vec::new();
        for (name, expr) in custom.unwrap_or_default() {
            // An empty expression means the key of the same name.
            let text = if expr.is_empty() { name.clone() } else { expr };
            let compiled = jmespath::compile(&text).map_err(|e| {
                block.invalid(
                    "custom_lookups",
                    format!("could not compile JMESPath expression for {name:?}: {e}"),
                )
            })?;
            lookups.push((name, compiled));
        }
        let db = maxminddb::Reader::open_readfile(&path).map_err(|e| {
            block.invalid("db", format!("could not open MaxMind database {path:?}: {e}"))
        })?;
        Ok(GeoIp { db, source, db_type, lookups })
    }

    /// The record for `ip` as JSON; `None` when the database holds no
    /// data for it or cannot read it.
    fn record(&self, ip: IpAddr) -> Option<Json> {
        self.db.lookup(ip).ok()?.decode::<Json>().ok().flatten()
    }
}

/// `source` as Go's `net.ParseIP` reads it: an IPv4 address written as
/// IPv6 (`::ffff:1.2.3.4`) is looked up as IPv4, as Go's reader does.
fn parse_ip(text: &str) -> Option<IpAddr> {
    match text.parse::<IpAddr>().ok()? {
        IpAddr::V6(v6) => Some(v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4)),
        v4 => Some(v4),
    }
}

impl Stage for GeoIp {
    fn apply(&self, item: &mut Item) -> bool {
        let Some(text) = item.extracted.get(&self.source).and_then(as_string) else {
            return true;
        };
        let Some(ip) = parse_ip(&text) else { return true };
        let Some(record) = self.record(ip) else { return true };
        match self.db_type {
            Some(DbType::City) => city(&record, &mut item.extracted),
            Some(DbType::Country) => country(&record, &mut item.extracted),
            Some(DbType::Asn) => asn(&record, &mut item.extracted),
            None => {}
        }
        for (name, expression) in &self.lookups {
            let Ok(found) = expression.search(&record) else { continue };
            let Ok(value) = serde_json::to_value(&*found) else { continue };
            if !value.is_null() {
                item.extracted.insert(name.clone(), value);
            }
        }
        true
    }
}

/// The string at `path` of `record`, when not empty.
fn text<'a>(record: &'a Json, path: &[&str]) -> Option<&'a str> {
    let mut at = record;
    for key in path {
        at = at.get(key)?;
    }
    at.as_str().filter(|s| !s.is_empty())
}

fn set(extracted: &mut Extracted, name: &str, value: Option<&str>) {
    if let Some(value) = value {
        extracted.insert(name.to_owned(), Json::String(value.to_owned()));
    }
}

/// What a Country record and a City record share.
fn country(record: &Json, extracted: &mut Extracted) {
    set(extracted, "geoip_country_name", text(record, &["country", "names", "en"]));
    set(extracted, "geoip_country_code", text(record, &["country", "iso_code"]));
    set(extracted, "geoip_continent_name", text(record, &["continent", "names", "en"]));
    set(extracted, "geoip_continent_code", text(record, &["continent", "code"]));
}

fn city(record: &Json, extracted: &mut Extracted) {
    country(record, extracted);
    set(extracted, "geoip_city_name", text(record, &["city", "names", "en"]));
    set(extracted, "geoip_postal_code", text(record, &["postal", "code"]));
    set(extracted, "geoip_timezone", text(record, &["location", "time_zone"]));
    let coordinate = |name| record.get("location").and_then(|l| l.get(name)).and_then(Json::as_f64);
    let (latitude, longitude) =
        (coordinate("latitude").unwrap_or(0.0), coordinate("longitude").unwrap_or(0.0));
    // As the reference: both or neither, and neither at (0, 0).
    if latitude != 0.0 || longitude != 0.0 {
        extracted.insert("geoip_location_latitude".to_owned(), Json::from(latitude));
        extracted.insert("geoip_location_longitude".to_owned(), Json::from(longitude));
    }
    // The most specific subdivision is the last.
    if let Some(last) = record.get("subdivisions").and_then(Json::as_array).and_then(|s| s.last()) {
        set(extracted, "geoip_subdivision_name", text(last, &["names", "en"]));
        set(extracted, "geoip_subdivision_code", text(last, &["iso_code"]));
    }
}

fn asn(record: &Json, extracted: &mut Extracted) {
    let number = record.get("autonomous_system_number").and_then(Json::as_u64);
    if let Some(number) = number.filter(|n| *n != 0) {
        extracted.insert("geoip_autonomous_system_number".to_owned(), Json::from(number));
    }
    set(
        extracted,
        "geoip_autonomous_system_organization",
        text(record, &["autonomous_system_organization"]),
    );
}
