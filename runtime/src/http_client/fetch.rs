//! One request that reads a document: `remote.http`'s poll, and the
//! module text of `import.http` and `module.http` (which take
//! `remote.http`'s arguments). Only a 200 answer counts.

use std::time::Duration;

use crate::args::Args;
use crate::error::Error;
use crate::http_client::HttpClient;

/// What to request, and with which client.
pub struct Fetch {
    pub url: String,
    method: reqwest::Method,
    headers: Vec<(String, String)>,
    body: String,
    client: HttpClient,
}

impl Fetch {
    /// From the arguments `url`, `method`, `headers`, `body`,
    /// `poll_timeout` and the `client` block.
    pub fn from_args(args: &Args) -> Result<Fetch, Error> {
        let method: String = args.get("method")?;
        let headers: indexmap::IndexMap<String, String> = args.get("headers")?;
        let timeout: Duration = args.get("poll_timeout")?;
        Ok(Fetch {
            url: args.require("url")?,
            method: method
                .parse()
                .map_err(|_| args.invalid("method", format!("{method:?} is not an HTTP method")))?,
            headers: headers.into_iter().collect(),
            body: args.get("body")?,
            client: HttpClient::from_args(&args.block_or_empty("client"), timeout)?,
        })
    }

    /// The body of a 200 answer.
    pub async fn get(&self) -> Result<String, Error> {
        let mut request =
            self.client.http.request(self.method.clone(), &self.url).body(self.body.clone());
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        let response = self
            .client
            .authorize(request)
            .await?
            .send()
            .await
            .map_err(|e| Error::remote(&self.url, crate::error::with_causes(&e)))?;
        if response.status() != reqwest::StatusCode::OK {
            return Err(Error::remote(&self.url, format!("answered {}", response.status())));
        }
        response.text().await.map_err(|e| Error::remote(&self.url, e))
    }

    /// The same, from synchronous code (a builder), on a thread and
    /// runtime of its own: `args` make a client of their own, as the
    /// connections of a short-lived runtime must not be pooled for later.
    /// A panic goes on to the caller's guard.
    pub fn get_now(args: &Args) -> Result<String, Error> {
        let fetch = Fetch::from_args(args)?;
        std::thread::scope(|s| {
            s.spawn(|| {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| Error::invalid(format!("cannot start the first request: {e}")))?;
                runtime.block_on(fetch.get())
            })
            .join()
        })
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }
}
