//! Where the keys that sign come from, in the order the AWS SDKs look:
//! the component's `access_key` and `secret_key`; the environment
//! (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`); a
//! profile of the shared credentials file (the component's `profile`, else
//! `AWS_PROFILE`, else `default`; the file is `AWS_SHARED_CREDENTIALS_FILE`
//! or `~/.aws/credentials`); a web identity (`AWS_WEB_IDENTITY_TOKEN_FILE`
//! with `AWS_ROLE_ARN`, as on EKS); for the components that ask for it,
//! the role of the EC2 instance (its metadata service). With `role_arn`,
//! the keys found assume that role. Temporary keys are kept until shortly
//! before they expire. `AWS_ENDPOINT_URL_STS` replaces the regional STS
//! address.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use super::env;
use super::imds;
use super::sign::{sign, Keys, Scope};
use crate::error::Error;
use crate::http_client::expiring::Expiring;

/// How long temporary keys are asked for (and kept when their answer
/// gives no expiry), and how long before they expire they are replaced.
const SESSION: Duration = Duration::from_secs(3600);
const EARLY: Duration = Duration::from_secs(300);

pub enum Source {
    Fixed(Keys),
    WebIdentity {
        role_arn: String,
        token_file: PathBuf,
    },
    /// The keys of the EC2 instance's role, from its metadata service.
    InstanceRole,
    AssumeRole {
        base: Box<Source>,
        role_arn: String,
    },
}

pub struct Credentials {
    source: Source,
    region: String,
    http: reqwest::Client,
    cached: Expiring<Keys>,
}

impl Credentials {
    pub fn new(source: Source, region: String) -> Credentials {
        Credentials { source, region, http: reqwest::Client::new(), cached: Expiring::new(EARLY) }
    }

    /// The first source that has keys, as the SDKs look (see the module).
    /// With `instance_role`, a machine without other keys uses its EC2
    /// role (asked for at the first request); without, it is an error.
    pub fn find(
        keys: Option<Keys>,
        profile: Option<String>,
        role_arn: Option<String>,
        instance_role: bool,
    ) -> Result<Source, String> {
        let base = match keys {
            Some(keys) => Source::Fixed(keys),
            None => base_from_environment(profile, instance_role)?,
        };
        Ok(match role_arn {
            Some(role_arn) => Source::AssumeRole { base: Box::new(base), role_arn },
            None => base,
        })
    }

    /// Keys to sign with now.
    pub async fn keys(&self) -> Result<Keys, Error> {
        if let Source::Fixed(keys) = &self.source {
            return Ok(keys.clone());
        }
        self.cached.get(|| Box::pin(self.fetch(&self.source))).await
    }

    /// Keys from `source`, and how long they last.
    async fn fetch(&self, source: &Source) -> Result<(Keys, Duration), Error> {
        match source {
            Source::Fixed(keys) => Ok((keys.clone(), SESSION)),
            Source::WebIdentity { role_arn, token_file } => {
                let token = std::fs::read_to_string(token_file)
                    .map_err(|e| Error::file(token_file.display(), e))?;
                let form = [
                    ("Action", "AssumeRoleWithWebIdentity"),
                    ("Version", "2011-06-15"),
                    ("RoleArn", role_arn.as_str()),
                    ("RoleSessionName", "flow-run"),
                    ("DurationSeconds", "3600"),
                    ("WebIdentityToken", token.trim()),
                ];
                self.call_sts(&form, None).await
            }
            Source::InstanceRole => imds::role_keys(&self.http)
                .await
                .map(|(keys, expiration)| (keys, lifetime(expiration.as_deref()))),
            Source::AssumeRole { base, role_arn } => {
                let (base, _) = Box::pin(self.fetch(base)).await?;
                let form = [
                    ("Action", "AssumeRole"),
                    ("Version", "2011-06-15"),
                    ("RoleArn", role_arn.as_str()),
                    ("RoleSessionName", "flow-run"),
                    ("DurationSeconds", "3600"),
                ];
                self.call_sts(&form, Some(&base)).await
            }
        }
    }

    /// One STS action (signed with `keys` when given); its credentials.
    async fn call_sts(
        &self,
        form: &[(&str, &str)],
        keys: Option<&Keys>,
    ) -> Result<(Keys, Duration), Error> {
        let endpoint = env("AWS_ENDPOINT_URL_STS")
            .unwrap_or_else(|| format!("https://sts.{}.amazonaws.com/", self.region));
        let url = reqwest::Url::parse(&endpoint)
            .map_err(|e| Error::remote(&endpoint, format!("not an STS address: {e}")))?;
        let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
        let content_type = "application/x-www-form-urlencoded; charset=utf-8";
        let mut request =
            self.http.post(url.clone()).header("content-type", content_type).body(body.clone());
        if let Some(keys) = keys {
            let scope = Scope { region: &self.region, service: "sts" };
            let headers = [("content-type", content_type)];
            for (name, value) in
                sign(keys, &scope, ("POST", &url), &headers, body.as_bytes(), SystemTime::now())
            {
                request = request.header(name, value);
            }
        }
        let response = request.send().await.map_err(|e| Error::remote(&endpoint, e))?;
        let status = response.status();
        let text = response.text().await.map_err(|e| Error::remote(&endpoint, e))?;
        if !status.is_success() {
            let message = element(&text, "Message").unwrap_or(&text);
            return Err(Error::remote(&endpoint, format!("STS answered {status}: {message}")));
        }
        let field = |name: &str| {
            element(&text, name)
                .ok_or_else(|| Error::remote(&endpoint, format!("STS gave no {name}")))
        };
        let keys = Keys {
            access_key: field("AccessKeyId")?.into(),
            secret_key: field("SecretAccessKey")?.into(),
            session_token: element(&text, "SessionToken").map(str::to_owned),
        };
        Ok((keys, lifetime(element(&text, "Expiration"))))
    }
}

/// How long keys that expire at `expiration` (RFC 3339) last from now;
/// an hour when the answer gives no time it can be read as.
fn lifetime(expiration: Option<&str>) -> Duration {
    let Some(at) = expiration.and_then(|e| e.parse::<jiff::Timestamp>().ok()) else {
        return SESSION;
    };
    let left = at.as_second().saturating_sub(jiff::Timestamp::now().as_second());
    Duration::from_secs(u64::try_from(left).unwrap_or(0))
}

/// The environment's keys, a profile's, a web identity, or the instance's
/// role (with `instance_role`).
fn base_from_environment(profile: Option<String>, instance_role: bool) -> Result<Source, String> {
    if let (Some(access_key), Some(secret_key)) =
        (env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"))
    {
        if profile.is_none() {
            return Ok(Source::Fixed(Keys {
                access_key,
                secret_key,
                session_token: env("AWS_SESSION_TOKEN"),
            }));
        }
    }
    let file = env("AWS_SHARED_CREDENTIALS_FILE")
        .map(PathBuf::from)
        .or_else(|| env("HOME").map(|home| PathBuf::from(home).join(".aws/credentials")));
    let name = profile.clone().or_else(|| env("AWS_PROFILE")).unwrap_or_else(|| "default".into());
    if let Some(text) = file.as_ref().and_then(|f| std::fs::read_to_string(f).ok()) {
        if let Some(keys) = profile_keys(&text, &name) {
            return Ok(Source::Fixed(keys));
        }
    }
    if profile.is_some() {
        let file = file.map(|f| f.display().to_string()).unwrap_or_else(|| "no file".into());
        return Err(format!("no keys for profile {name:?} in {file}"));
    }
    match (env("AWS_WEB_IDENTITY_TOKEN_FILE"), env("AWS_ROLE_ARN")) {
        (Some(token_file), Some(role_arn)) => {
            Ok(Source::WebIdentity { role_arn, token_file: token_file.into() })
        }
        _ if instance_role => Ok(Source::InstanceRole),
        _ => Err("no keys: set access_key and secret_key, AWS_ACCESS_KEY_ID and \
                  AWS_SECRET_ACCESS_KEY, a profile, or AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN"
            .into()),
    }
}

/// The keys of `[name]` in a shared credentials file (INI).
pub fn profile_keys(text: &str, name: &str) -> Option<Keys> {
    Some(Keys {
        access_key: ini_value(text, name, "aws_access_key_id")?,
        secret_key: ini_value(text, name, "aws_secret_access_key")?,
        session_token: ini_value(text, name, "aws_session_token"),
    })
}

/// The value of `key` in section `[section]` of an INI file as the AWS
/// files write them (the last one given wins).
pub(crate) fn ini_value(text: &str, section: &str, key: &str) -> Option<String> {
    let mut current = "";
    let mut value = None;
    for line in text.lines().map(str::trim) {
        if let Some(header) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = header.trim();
            continue;
        }
        if current != section {
            continue;
        }
        match line.split_once('=') {
            Some((k, v)) if k.trim() == key => value = Some(v.trim().to_owned()),
            _ => {}
        }
    }
    value
}

/// The text of the first `<name>` element of an STS answer.
fn element<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let start = xml.find(&format!("<{name}>"))? + name.len() + 2;
    let end = start + xml[start..].find(&format!("</{name}>"))?;
    Some(xml[start..end].trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_are_read_from_the_shared_file() {
        let file = "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = s1\n\n\
                    [ci]\naws_access_key_id=AKIDCI\naws_secret_access_key=s2\naws_session_token=t\n";
        let ci = profile_keys(file, "ci").unwrap();
        assert_eq!((ci.access_key.as_str(), ci.session_token.as_deref()), ("AKIDCI", Some("t")));
        assert_eq!(profile_keys(file, "default").unwrap().secret_key, "s1");
        assert_eq!(profile_keys(file, "missing"), None);
    }

    #[test]
    fn sts_answers_are_read() {
        let xml = "<AssumeRoleResponse><AssumeRoleResult><Credentials>\
                   <AccessKeyId>ASIA1</AccessKeyId><SecretAccessKey>sec</SecretAccessKey>\
                   <SessionToken>tok</SessionToken></Credentials></AssumeRoleResult></AssumeRoleResponse>";
        assert_eq!(element(xml, "AccessKeyId"), Some("ASIA1"));
        assert_eq!(element(xml, "SessionToken"), Some("tok"));
        assert_eq!(element(xml, "Expiration"), None);
    }

    #[test]
    fn keys_last_until_they_expire() {
        assert_eq!(lifetime(None), SESSION);
        assert_eq!(lifetime(Some("not a time")), SESSION);
        assert_eq!(lifetime(Some("2001-01-01T00:00:00Z")), Duration::ZERO);
        let later = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(7200);
        let left = lifetime(Some(&later.to_string()));
        assert!(left > Duration::from_secs(7100) && left <= Duration::from_secs(7200), "{left:?}");
    }
}
