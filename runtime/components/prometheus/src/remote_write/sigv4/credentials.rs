//! Where the keys that sign come from, in the order the AWS SDKs look:
//! the block's `access_key` and `secret_key`; the environment
//! (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`); a
//! profile of the shared credentials file (the block's `profile`, else
//! `AWS_PROFILE`, else `default`; the file is `AWS_SHARED_CREDENTIALS_FILE`
//! or `~/.aws/credentials`); a web identity (`AWS_WEB_IDENTITY_TOKEN_FILE`
//! with `AWS_ROLE_ARN`, as on EKS). With `role_arn`, the keys found assume
//! that role. Temporary keys from STS are kept until shortly before they
//! expire. `AWS_ENDPOINT_URL_STS` replaces the regional STS address.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use super::sign::{sign, Keys, Scope};
use river_runtime::error::Error;
use river_runtime::http_client::expiring::Expiring;

/// How long temporary keys are asked for, and used for a bit less.
const SESSION: Duration = Duration::from_secs(3600);
const EARLY: Duration = Duration::from_secs(300);

pub enum Source {
    Fixed(Keys),
    WebIdentity { role_arn: String, token_file: PathBuf },
    AssumeRole { base: Box<Source>, role_arn: String },
}

pub struct Credentials {
    source: Source,
    region: String,
    sts: reqwest::Client,
    cached: Expiring<Keys>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

impl Credentials {
    pub fn new(source: Source, region: String) -> Credentials {
        Credentials { source, region, sts: reqwest::Client::new(), cached: Expiring::new(EARLY) }
    }

    /// The first source that has keys, as the SDKs look (see the module).
    pub fn find(
        block_keys: Option<Keys>,
        profile: Option<String>,
        role_arn: Option<String>,
    ) -> Result<Source, String> {
        let base = match block_keys {
            Some(keys) => Source::Fixed(keys),
            None => base_from_environment(profile)?,
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
        self.cached.get(|| async { Ok((Box::pin(self.fetch(&self.source)).await?, SESSION)) }).await
    }

    async fn fetch(&self, source: &Source) -> Result<Keys, Error> {
        match source {
            Source::Fixed(keys) => Ok(keys.clone()),
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
            Source::AssumeRole { base, role_arn } => {
                let base = Box::pin(self.fetch(base)).await?;
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
    async fn call_sts(&self, form: &[(&str, &str)], keys: Option<&Keys>) -> Result<Keys, Error> {
        let endpoint = env("AWS_ENDPOINT_URL_STS")
            .unwrap_or_else(|| format!("https://sts.{}.amazonaws.com/", self.region));
        let url = reqwest::Url::parse(&endpoint)
            .map_err(|e| Error::remote(&endpoint, format!("not an STS address: {e}")))?;
        let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
        let content_type = "application/x-www-form-urlencoded; charset=utf-8";
        let mut request =
            self.sts.post(url.clone()).header("content-type", content_type).body(body.clone());
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
        Ok(Keys {
            access_key: field("AccessKeyId")?.into(),
            secret_key: field("SecretAccessKey")?.into(),
            session_token: element(&text, "SessionToken").map(str::to_owned),
        })
    }
}

/// The environment's keys, a profile's, or a web identity.
fn base_from_environment(profile: Option<String>) -> Result<Source, String> {
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
        return Err(format!("sigv4: no keys for profile {name:?} in {file}"));
    }
    match (env("AWS_WEB_IDENTITY_TOKEN_FILE"), env("AWS_ROLE_ARN")) {
        (Some(token_file), Some(role_arn)) => {
            Ok(Source::WebIdentity { role_arn, token_file: token_file.into() })
        }
        _ => Err("sigv4: no keys: set access_key and secret_key, AWS_ACCESS_KEY_ID and \
                  AWS_SECRET_ACCESS_KEY, a profile, or AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN"
            .into()),
    }
}

/// The keys of `[name]` in a shared credentials file (INI).
pub fn profile_keys(text: &str, name: &str) -> Option<Keys> {
    let mut section = String::new();
    let (mut access, mut secret, mut token) = (None, None, None);
    for line in text.lines().map(str::trim) {
        if let Some(header) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = header.trim().to_owned();
            continue;
        }
        if section != name {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else { continue };
        let value = Some(value.trim().to_owned());
        match key.trim() {
            "aws_access_key_id" => access = value,
            "aws_secret_access_key" => secret = value,
            "aws_session_token" => token = value,
            _ => {}
        }
    }
    Some(Keys { access_key: access?, secret_key: secret?, session_token: token })
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
}
