//! AWS Signature Version 4: the headers that sign one request with a set
//! of keys, for a region and a service.

use std::time::SystemTime;

use aws_lc_rs::{digest, hmac};

/// An access key with its secret, and the session token of temporary keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keys {
    pub access_key: String,
    pub secret_key: String,
    pub session_token: Option<String>,
}

/// What a request is signed for.
pub struct Scope<'a> {
    pub region: &'a str,
    pub service: &'a str,
}

/// The headers to add to a request: `x-amz-date`, the session token if
/// any, and `authorization`, which signs them with `headers` (lower-case
/// names; `host` is taken from the URL).
pub fn sign(
    keys: &Keys,
    scope: &Scope,
    request: (&str, &reqwest::Url),
    headers: &[(&str, &str)],
    body: &[u8],
    now: SystemTime,
) -> Vec<(String, String)> {
    let (method, url) = request;
    let (stamp, day) = amz_date(now);
    let host = match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_owned(),
    };
    let mut signed: Vec<(String, String)> =
        headers.iter().map(|(n, v)| (n.to_ascii_lowercase(), v.trim().to_owned())).collect();
    signed.push(("host".into(), host));
    signed.push(("x-amz-date".into(), stamp.clone()));
    if let Some(token) = &keys.session_token {
        signed.push(("x-amz-security-token".into(), token.clone()));
    }
    signed.sort();
    let names: Vec<&str> = signed.iter().map(|(n, _)| n.as_str()).collect();
    let names = names.join(";");
    let canonical_headers: String = signed.iter().map(|(n, v)| format!("{n}:{v}\n")).collect();
    let canonical = format!(
        "{method}\n{}\n{}\n{canonical_headers}\n{names}\n{}",
        url.path(),
        canonical_query(url),
        hex(digest::digest(&digest::SHA256, body).as_ref())
    );
    let credential_scope = format!("{day}/{}/{}/aws4_request", scope.region, scope.service);
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{stamp}\n{credential_scope}\n{}",
        hex(digest::digest(&digest::SHA256, canonical.as_bytes()).as_ref())
    );
    let mut key = format!("AWS4{}", keys.secret_key).into_bytes();
    for part in [day.as_str(), scope.region, scope.service, "aws4_request"] {
        key = mac(&key, part.as_bytes());
    }
    let signature = hex(&mac(&key, to_sign.as_bytes()));
    let mut out = vec![("x-amz-date".to_owned(), stamp)];
    if let Some(token) = &keys.session_token {
        out.push(("x-amz-security-token".to_owned(), token.clone()));
    }
    out.push((
        "authorization".to_owned(),
        format!(
            "AWS4-HMAC-SHA256 Credential={}/{credential_scope}, SignedHeaders={names}, Signature={signature}",
            keys.access_key
        ),
    ));
    out
}

fn mac(key: &[u8], data: &[u8]) -> Vec<u8> {
    hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), data).as_ref().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Query parameters sorted, each part encoded as SigV4 wants.
fn canonical_query(url: &reqwest::Url) -> String {
    let mut pairs: Vec<(String, String)> =
        url.query_pairs().map(|(k, v)| (encode(&k), encode(&v))).collect();
    pairs.sort();
    pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `20150830T123600Z` and `20150830` for a time.
fn amz_date(time: SystemTime) -> (String, String) {
    let secs = time.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let date = format!("{year:04}{month:02}{day:02}");
    let stamp = format!("{date}T{:02}{:02}{:02}Z", rest / 3600, rest % 3600 / 60, rest % 60);
    (stamp, date)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// AWS's published Signature Version 4 test suite: `get-vanilla` and
    /// `post-vanilla` (service `service`, region `us-east-1`).
    #[test]
    fn signatures_match_the_aws_test_suite() {
        let keys = Keys {
            access_key: "AKIDEXAMPLE".into(),
            secret_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(),
            session_token: None,
        };
        let scope = Scope { region: "us-east-1", service: "service" };
        // 2015-08-30T12:36:00Z
        let when = SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_938_160);
        assert_eq!(amz_date(when), ("20150830T123600Z".into(), "20150830".into()));
        let url = reqwest::Url::parse("https://example.amazonaws.com/").unwrap();
        let auth = |method| sign(&keys, &scope, (method, &url), &[], b"", when).pop().unwrap().1;
        let prefix = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=";
        assert_eq!(
            auth("GET"),
            format!("{prefix}5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
        );
        assert_eq!(
            auth("POST"),
            format!("{prefix}5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b")
        );
    }
}
