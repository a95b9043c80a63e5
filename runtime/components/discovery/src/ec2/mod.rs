//! `discovery.ec2`: the EC2 instances of a region as targets, as
//! Prometheus's EC2 discovery finds them: every `refresh_interval`,
//! `DescribeInstances` (with the `filter` blocks, page after page), each
//! instance with a private IP a target at that IP and `port`, labelled
//! with `__meta_ec2_*`. The zone IDs come from `DescribeAvailabilityZones`,
//! asked until it answers once (the permission is optional). Requests go
//! to the API's query protocol, signed with SigV4 (the runtime's signer,
//! which `prometheus.remote_write` uses too); the answers are XML.
//!
//! `settings.rs` reads the arguments, `xml.rs` the answers, `target.rs`
//! makes the labels.

mod settings;
mod target;
mod xml;

use std::collections::HashMap;

use river_runtime::args::Args;
use river_runtime::component::Registration;
use river_runtime::error::{with_causes, Error};

use crate::refresh::{self, Discover, Found};
use settings::Settings;

/// The API version the query protocol is asked in, as the SDK asks.
const VERSION: &str = "2016-11-15";

/// `discovery.ec2`.
pub const DISCOVERY_EC2: Registration =
    Registration { name: "discovery.ec2", build: refresh::build::<Ec2>, without_effect: &[] };

/// What is kept between rounds: each zone's ID by name, for the region and
/// address they were asked of.
#[derive(Default)]
struct Ec2 {
    zones: Option<(String, HashMap<String, String>)>,
}

impl Discover for Ec2 {
    type Settings = Settings;
    const SETTINGS: fn(&Args) -> Result<Settings, Error> = settings::settings;

    async fn round(&mut self, settings: &Settings) -> Result<Found, Error> {
        let asked_of = format!("{} {}", settings.region(), settings.url);
        if self.zones.as_ref().is_none_or(|(of, _)| *of != asked_of) {
            // Without the permission the zone IDs stay unknown, as in
            // Prometheus; the instances are found all the same.
            self.zones = zones(settings).await.ok().map(|zones| (asked_of, zones));
        }
        let zones = self.zones.as_ref().map(|(_, zones)| zones);
        let mut targets = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = xml::page(&describe_instances(settings, token.as_deref()).await?);
            let region = settings.region();
            let found = page.instances.iter();
            targets.extend(found.filter_map(|i| target::labels(i, region, settings.port, zones)));
            // As the SDK's paginator: a token given twice ends the pages.
            match page.next_token {
                Some(next) if token.as_ref() != Some(&next) => token = Some(next),
                _ => break,
            }
        }
        Ok(targets.into())
    }
}

async fn zones(settings: &Settings) -> Result<HashMap<String, String>, Error> {
    let params = vec![("Action".into(), "DescribeAvailabilityZones".into())];
    let root = call(settings, params, "could not describe availability zones").await?;
    Ok(xml::zones(&root))
}

/// One page of `DescribeInstances` with the filters, after `token`.
async fn describe_instances(
    settings: &Settings,
    token: Option<&str>,
) -> Result<crate::xml::Element, Error> {
    let mut params = vec![("Action".to_owned(), "DescribeInstances".to_owned())];
    for (n, (name, values)) in (1..).zip(&settings.filters) {
        params.push((format!("Filter.{n}.Name"), name.clone()));
        let values = (1..).zip(values);
        params.extend(values.map(|(m, value)| (format!("Filter.{n}.Value.{m}"), value.clone())));
    }
    if let Some(token) = token {
        params.push(("NextToken".into(), token.into()));
    }
    call(settings, params, "could not describe instances").await
}

/// One signed action of the query protocol; the root of its answer.
async fn call(
    settings: &Settings,
    mut params: Vec<(String, String)>,
    what: &str,
) -> Result<crate::xml::Element, Error> {
    let url = &settings.url;
    let remote = |why: String| Error::remote(url, format!("{what}: {why}"));
    params.push(("Version".into(), VERSION.into()));
    let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(&params).finish();
    let content_type = "application/x-www-form-urlencoded; charset=utf-8";
    let headers = [("content-type", content_type)];
    let signed = settings.signer.headers("POST", url, &headers, body.as_bytes()).await?;
    let mut request = settings.http.post(url.clone()).header("content-type", content_type);
    for (name, value) in signed {
        request = request.header(name, value);
    }
    let response = request.body(body).send().await.map_err(|e| remote(with_causes(&e)))?;
    let status = response.status();
    let text = response.text().await.map_err(|e| remote(with_causes(&e)))?;
    if !status.is_success() {
        let why = xml::error(&text).unwrap_or_else(|| text.trim().to_owned());
        return Err(remote(format!("{status}: {why}")));
    }
    xml::parse(&text).map_err(|e| remote(e.to_string()))
}

#[cfg(test)]
mod tests;
