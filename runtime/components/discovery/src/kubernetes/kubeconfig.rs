//! `kubeconfig_file`: the API server and credentials of a kubeconfig's
//! current context, as client-go's `BuildConfigFromFlags("", path)` reads
//! them: the cluster's `server`, its CA (`certificate-authority-data`
//! over `certificate-authority`), `insecure-skip-tls-verify` and
//! `proxy-url`; the user's client certificate and key (data over files),
//! `token` or `tokenFile` (re-read for each request), or `username` and
//! `password`. Files are relative to the kubeconfig's directory.
//! Credential plugins (`exec`, `auth-provider`) would run programs this
//! runtime does not run: they are refused with the reason, at load.

use std::path::{Path, PathBuf};

use saphyr::{LoadableYamlNode, Scalar, Yaml};
use serde::Deserialize;
use serde_json::Value;

use river_runtime::error::Error;
use river_runtime::http_client::HttpClient;

use super::connection::{with_transport, Api, Token, Transport};

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", default)]
struct KubeConfig {
    current_context: String,
    contexts: Vec<NamedContext>,
    clusters: Vec<NamedCluster>,
    users: Vec<NamedUser>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NamedContext {
    name: String,
    context: Context,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Context {
    cluster: String,
    user: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NamedCluster {
    name: String,
    cluster: Cluster,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", default)]
struct Cluster {
    server: String,
    certificate_authority: String,
    certificate_authority_data: String,
    insecure_skip_tls_verify: bool,
    tls_server_name: String,
    proxy_url: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NamedUser {
    name: String,
    user: User,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case", default)]
struct User {
    token: String,
    #[serde(rename = "tokenFile")]
    token_file: String,
    client_certificate: String,
    client_certificate_data: String,
    client_key: String,
    client_key_data: String,
    username: String,
    password: String,
    exec: Option<Value>,
    auth_provider: Option<Value>,
}

/// The API the kubeconfig at `path` points at; `client` holds the shared
/// settings (at their defaults), to which its credentials are added.
pub(super) fn load(path: &Path, client: HttpClient) -> Result<Api, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::file(path.display(), e))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let wrong =
        |why: String| Error::setting("kubeconfig_file", format!("{}: {why}", path.display()));
    let config = parse(&text).map_err(wrong)?;
    api(&config, dir, client).map_err(wrong)
}

fn parse(text: &str) -> Result<KubeConfig, String> {
    let docs = Yaml::load_from_str(text).map_err(|e| format!("not YAML: {e}"))?;
    let doc = docs.first().map(json).unwrap_or_default();
    serde_json::from_value(doc).map_err(|e| format!("not a kubeconfig: {e}"))
}

/// The current context's cluster and user, as an `Api`.
fn api(config: &KubeConfig, dir: &Path, client: HttpClient) -> Result<Api, String> {
    let name = &config.current_context;
    if name.is_empty() {
        return Err("no current-context".into());
    }
    let context = config.contexts.iter().find(|c| c.name == *name);
    let context = &context.ok_or(format!("context {name:?} is not defined"))?.context;
    let cluster = config.clusters.iter().find(|c| c.name == context.cluster);
    let cluster = &cluster.ok_or(format!("cluster {:?} is not defined", context.cluster))?.cluster;
    if cluster.server.is_empty() {
        return Err(format!("no server found for cluster {:?}", context.cluster));
    }
    if !cluster.tls_server_name.is_empty() {
        return Err("tls-server-name is not supported by this runtime".into());
    }
    // A context without a user connects anonymously, as client-go.
    let anonymous = User::default();
    let user = config.users.iter().find(|u| u.name == context.user).map_or(&anonymous, |u| &u.user);
    if user.exec.is_some() || user.auth_provider.is_some() {
        let why = "exec and auth-provider credential plugins are not supported by this runtime; \
                   use a token, tokenFile or client certificate";
        return Err(format!("user {:?}: {why}", context.user));
    }
    let client = with_transport(client, &transport(cluster, user, dir)?)?;
    let (client, token) = credentials(user, dir, client);
    Ok(Api::new(cluster.server.clone(), client, token))
}

/// The user's basic authentication, or its token: a `tokenFile` (read
/// again for each request, as client-go re-reads it) over a `token`.
fn credentials(user: &User, dir: &Path, client: HttpClient) -> (HttpClient, Token) {
    let client = match user.username.is_empty() && user.password.is_empty() {
        true => client,
        false => client.with_basic_auth(user.username.clone(), Some(user.password.clone())),
    };
    let token = match (user.token_file.as_str(), user.token.as_str()) {
        ("", "") => Token::None,
        ("", token) => Token::Static(token.to_owned()),
        (file, _) => Token::File(dir.join(file)),
    };
    (client, token)
}

fn transport(cluster: &Cluster, user: &User, dir: &Path) -> Result<Transport, String> {
    let ca = pem(dir, &cluster.certificate_authority_data, &cluster.certificate_authority)?;
    let cert = pem(dir, &user.client_certificate_data, &user.client_certificate)?;
    let key = pem(dir, &user.client_key_data, &user.client_key)?;
    let identity = match (cert, key) {
        (Some(cert), Some(key)) => Some((cert, key)),
        (None, None) => None,
        _ => return Err("a client certificate needs its key, and a key its certificate".into()),
    };
    let proxy = Some(cluster.proxy_url.clone()).filter(|p| !p.is_empty());
    Ok(Transport { ca, identity, insecure: cluster.insecure_skip_tls_verify, proxy })
}

/// PEM given inline (base64, which wins, as in client-go) or in a file.
fn pem(dir: &Path, data: &str, file: &str) -> Result<Option<Vec<u8>>, String> {
    if !data.is_empty() {
        return base64(data).map(Some).ok_or_else(|| "a *-data field is not base64".to_owned());
    }
    if file.is_empty() {
        return Ok(None);
    }
    let path: PathBuf = dir.join(file);
    std::fs::read(&path).map(Some).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Standard base64, padded or not, whitespace ignored.
fn base64(text: &str) -> Option<Vec<u8>> {
    let (mut out, mut bits, mut acc) = (Vec::new(), 0u32, 0u32);
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace()).take_while(|c| *c != b'=') {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// A YAML node as JSON, for serde to read (the kubeconfig's own types).
fn json(node: &Yaml) -> Value {
    match node {
        Yaml::Value(scalar) => match scalar {
            Scalar::Null => Value::Null,
            Scalar::Boolean(b) => Value::Bool(*b),
            Scalar::Integer(i) => Value::from(*i),
            Scalar::FloatingPoint(f) => {
                serde_json::Number::from_f64(f.0).map_or(Value::Null, Value::Number)
            }
            Scalar::String(s) => Value::String(s.to_string()),
        },
        Yaml::Representation(text, ..) => Value::String(text.to_string()),
        Yaml::Sequence(items) => Value::Array(items.iter().map(json).collect()),
        Yaml::Mapping(map) => {
            Value::Object(map.iter().map(|(k, v)| (scalar_text(k), json(v))).collect())
        }
        Yaml::Tagged(_, inner) => json(inner),
        Yaml::Alias(_) | Yaml::BadValue => Value::Null,
    }
}

fn scalar_text(node: &Yaml) -> String {
    match json(node) {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_decodes_padded_and_bare() {
        assert_eq!(base64("aGVsbG8=").as_deref(), Some(&b"hello"[..]));
        assert_eq!(base64("aGVsbG8").as_deref(), Some(&b"hello"[..]));
        assert_eq!(base64("aGVs\nbG8h").as_deref(), Some(&b"hello!"[..]));
        assert_eq!(base64("a*b"), None);
    }
}
