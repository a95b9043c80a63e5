//! How `discovery.kubernetes` reaches the API server, as Prometheus's
//! discovery sets up its client: at `api_server` with the shared client
//! settings; as a kubeconfig file says (see `kubeconfig`); or, with
//! neither, in the cluster this runs in (client-go's in-cluster
//! configuration: the `KUBERNETES_SERVICE_HOST`/`_PORT` variables, the
//! service account's token, re-read for each request as it rotates, and
//! its CA). Every request goes through one `Api`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use river_runtime::args::Args;
use river_runtime::error::{with_causes, Error};
use river_runtime::http_client::HttpClient;

use crate::api;
use crate::dns::join_host_port;

/// How long the server holds a watch open before it ends it (and the
/// watch is opened again from where it was).
pub(super) const WATCH_SECONDS: u64 = 300;

/// The client's limit on any request: a watch's time, and some slack.
pub(super) const CLIENT_TIMEOUT: Duration = Duration::from_secs(WATCH_SECONDS + 30);

/// A list's own limit, shorter: it answers at once or has failed.
pub(super) const LIST_TIMEOUT: Duration = Duration::from_secs(120);

/// Where a pod finds its service account.
const SERVICE_ACCOUNT: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

/// The API server: its base URL, the client, and a bearer token when the
/// client does not send one itself.
pub(super) struct Api {
    pub(super) base: String,
    client: HttpClient,
    token: Token,
}

pub(super) enum Token {
    None,
    Static(String),
    /// Read again for each request (service account tokens rotate).
    File(PathBuf),
}

/// What a kubeconfig or the service account says of TLS and proxies.
#[derive(Default)]
pub(super) struct Transport {
    pub(super) ca: Option<Vec<u8>>,
    /// Certificate and key, PEM.
    pub(super) identity: Option<(Vec<u8>, Vec<u8>)>,
    pub(super) insecure: bool,
    pub(super) proxy: Option<String>,
}

impl Api {
    pub(super) fn new(base: String, client: HttpClient, token: Token) -> Api {
        Api { base: base.trim_end_matches('/').to_owned(), client, token }
    }

    /// The API at `api_server`. A server without a scheme (`host:port`)
    /// is reached over plain HTTP, as client-go does without TLS settings.
    pub(super) fn server(args: &Args, server: &str, client: HttpClient) -> Result<Api, Error> {
        let parsed = reqwest::Url::parse(server).ok();
        let parsed = parsed.filter(|u| matches!(u.scheme(), "http" | "https") && u.has_host());
        let url = match parsed {
            Some(url) => url,
            None => reqwest::Url::parse(&format!("http://{server}"))
                .map_err(|e| args.invalid("api_server", format!("not a URL: {e}")))?,
        };
        Ok(Api::new(url.to_string(), client, Token::None))
    }

    /// `path` with `query`, under the server's URL.
    pub(super) fn url(&self, path: &str, query: &[(&'static str, String)]) -> String {
        api::url(&self.base, path, query)
    }

    /// `GET url` as JSON, with the credentials; `timeout` instead of the
    /// client's own when given.
    pub(super) async fn get(
        &self,
        url: &str,
        timeout: Option<Duration>,
    ) -> Result<reqwest::Response, Error> {
        let mut request = self.client.http.get(url).header("Accept", "application/json");
        if let Some(timeout) = timeout {
            request = request.timeout(timeout);
        }
        let token = match &self.token {
            Token::None => None,
            Token::Static(token) => Some(token.clone()),
            Token::File(path) => Some(read_token(path).await?),
        };
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        api::send(&self.client, request, url).await
    }
}

async fn read_token(path: &Path) -> Result<String, Error> {
    let token = tokio::fs::read_to_string(path).await;
    token.map(|t| t.trim().to_owned()).map_err(|e| Error::file(path.display(), e))
}

/// `client` with an HTTP client made for `transport` instead of the one
/// of the shared settings (which the kubeconfig and in-cluster ways
/// leave at their defaults: any other is refused).
pub(super) fn with_transport(
    client: HttpClient,
    transport: &Transport,
) -> Result<HttpClient, String> {
    let mut builder = reqwest::Client::builder()
        .timeout(CLIENT_TIMEOUT)
        .connect_timeout(Duration::from_secs(10))
        .danger_accept_invalid_certs(transport.insecure);
    if let Some(ca) = &transport.ca {
        let certs = reqwest::Certificate::from_pem_bundle(ca)
            .map_err(|e| format!("bad certificate authority: {}", with_causes(&e)))?;
        for cert in certs {
            builder = builder.add_root_certificate(cert);
        }
    }
    if let Some((cert, key)) = &transport.identity {
        let pem = [cert.as_slice(), b"\n", key.as_slice()].concat();
        let identity = reqwest::Identity::from_pem(&pem)
            .map_err(|e| format!("bad client certificate or key: {}", with_causes(&e)))?;
        builder = builder.identity(identity);
    }
    // Otherwise the environment's proxy, as client-go's default transport.
    if let Some(proxy) = &transport.proxy {
        let proxy = reqwest::Proxy::all(proxy).map_err(|e| format!("bad proxy-url: {e}"))?;
        builder = builder.proxy(proxy);
    }
    let http = builder.build().map_err(|e| format!("cannot build the client: {e}"))?;
    let mut client = client;
    client.http = http;
    Ok(client)
}

/// The API of the cluster this runs in, and its own namespace when `own`
/// asks for it.
pub(super) fn in_cluster(client: HttpClient, own: bool) -> Result<(Api, Option<String>), Error> {
    let var = |name| std::env::var(name).ok().filter(|v: &String| !v.is_empty());
    let service = var("KUBERNETES_SERVICE_HOST").zip(var("KUBERNETES_SERVICE_PORT"));
    in_cluster_at(service, Path::new(SERVICE_ACCOUNT), client, own)
}

/// `in_cluster` with the service's host and port, and the directory of
/// the service account.
fn in_cluster_at(
    service: Option<(String, String)>,
    account: &Path,
    client: HttpClient,
    own: bool,
) -> Result<(Api, Option<String>), Error> {
    let Some((host, port)) = service else {
        return Err(Error::invalid(
            "not in a Kubernetes cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT \
             must be defined for the in-cluster configuration; set api_server or \
             kubeconfig_file to reach a cluster from outside",
        ));
    };
    let token = account.join("token");
    std::fs::metadata(&token).map_err(|e| Error::file(token.display(), e))?;
    // As client-go: a CA that cannot be read is left out, not an error.
    let ca = std::fs::read(account.join("ca.crt")).ok();
    let ca = ca.filter(|pem| reqwest::Certificate::from_pem_bundle(pem).is_ok());
    let transport = Transport { ca, ..Transport::default() };
    let client = with_transport(client, &transport).map_err(Error::invalid)?;
    let namespace = match own {
        true => Some(own_namespace(&account.join("namespace"))?),
        false => None,
    };
    let base = format!("https://{}", join_host_port(&host, &port));
    Ok((Api::new(base, client, Token::File(token)), namespace))
}

fn own_namespace(path: &Path) -> Result<String, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::file(path.display(), format!("could not determine the pod's namespace: {e}"))
    })?;
    match text.trim() {
        "" => Err(Error::file(path.display(), "could not read own namespace name (empty file)")),
        name => Ok(name.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> HttpClient {
        HttpClient::from_args(&Args::default(), CLIENT_TIMEOUT).unwrap()
    }

    #[test]
    fn outside_a_cluster_says_so() {
        let error = in_cluster_at(None, Path::new("/nonexistent"), client(), false).err();
        let message = error.map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("KUBERNETES_SERVICE_HOST"), "{message}");
    }

    #[test]
    fn inside_a_cluster_the_service_account_is_used() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("token"), "t0k3n\n").unwrap();
        std::fs::write(dir.path().join("namespace"), "monitoring").unwrap();
        let service = Some(("fd00::1".to_owned(), "443".to_owned()));
        let (api, own) = in_cluster_at(service, dir.path(), client(), true).unwrap();
        assert_eq!(api.base, "https://[fd00::1]:443");
        assert_eq!(own.as_deref(), Some("monitoring"));
        assert!(matches!(api.token, Token::File(_)));
        std::fs::write(dir.path().join("namespace"), "").unwrap();
        let service = Some(("10.0.0.1".to_owned(), "443".to_owned()));
        assert!(in_cluster_at(service, dir.path(), client(), true).is_err());
    }
}
