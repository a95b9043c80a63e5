//! The `http` prober's credentials: `basic_auth`, `authorization` and
//! `bearer_token` read at load (secrets kept out of `Debug` and of every
//! message), and the `Authorization` header they put on each request,
//! their files read again at each probe as the exporter does.

use hyper::header::{HeaderMap, HeaderValue};

use super::yaml::{self, Fields, Node};

/// A value given inline or read from a file at each probe.
pub enum Credential {
    Inline(String),
    File(String),
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credential::Inline(_) => f.write_str("<secret>"),
            Credential::File(path) => write!(f, "file {path:?}"),
        }
    }
}

impl Credential {
    pub fn read(&self) -> Result<String, String> {
        match self {
            Credential::Inline(text) => Ok(text.clone()),
            Credential::File(path) => std::fs::read_to_string(path)
                .map(|t| t.trim().to_owned())
                .map_err(|e| format!("cannot read {path}: {e}")),
        }
    }
}

#[derive(Debug)]
pub enum Auth {
    None,
    Basic {
        username: String,
        password: Option<Credential>,
    },
    /// `Authorization: <kind> <credentials>` (`bearer_token` is `Bearer`).
    Header {
        kind: String,
        credentials: Credential,
    },
}

/// The module's credentials: at most one of `bearer_token` (or its file),
/// `authorization` and `basic_auth`.
pub fn read(f: &Fields) -> Result<Auth, String> {
    let bearer = credential(f, "bearer_token", "bearer_token_file")?;
    let authorization = f.get("authorization").filter(|n| !yaml::is_zero(n));
    let basic = f.get("basic_auth").filter(|n| !yaml::is_zero(n));
    let set = [bearer.is_some(), authorization.is_some(), basic.is_some()];
    if set.iter().filter(|s| **s).count() > 1 {
        return Err(format!(
            "{}: at most one of basic_auth, authorization & bearer_token (or its file) must be configured",
            f.place
        ));
    }
    if let Some(credentials) = bearer {
        return Ok(Auth::Header { kind: "Bearer".into(), credentials });
    }
    if let Some(node) = authorization {
        return header_auth(f, node);
    }
    if let Some(node) = basic {
        return basic_auth(f, node);
    }
    Ok(Auth::None)
}

/// `authorization`: a scheme (`Bearer` when left out; never `Basic`,
/// which has its own block) and its credentials.
fn header_auth(f: &Fields, node: &Node) -> Result<Auth, String> {
    let a =
        Fields::of(node, &f.name("authorization"), &["type", "credentials", "credentials_file"])?;
    let kind = a.string("type")?.trim().to_owned();
    let kind = if kind.is_empty() { "Bearer".to_owned() } else { kind };
    if kind.eq_ignore_ascii_case("basic") {
        return Err(yaml::at(
            node,
            "authorization type cannot be set to \"basic\", use \"basic_auth\" instead",
        ));
    }
    let credentials = credential(&a, "credentials", "credentials_file")?
        .unwrap_or(Credential::Inline(String::new()));
    Ok(Auth::Header { kind, credentials })
}

/// `basic_auth`: a user name and an optional password (or its file).
fn basic_auth(f: &Fields, node: &Node) -> Result<Auth, String> {
    let b = Fields::of(node, &f.name("basic_auth"), &["username", "password", "password_file"])?;
    let password = credential(&b, "password", "password_file")?;
    Ok(Auth::Basic { username: b.string("username")?, password })
}

/// An inline secret or its file; never both.
fn credential(f: &Fields, inline: &str, file: &str) -> Result<Option<Credential>, String> {
    // A secret's value never goes into a message.
    let text = f.string(inline).map_err(|_| format!("{} must be a string", f.name(inline)))?;
    let path = f.string(file)?;
    match (text.is_empty(), path.is_empty()) {
        (false, false) => {
            Err(format!("{}: at most one of {inline} & {file} must be configured", f.place))
        }
        (false, true) => Ok(Some(Credential::Inline(text))),
        (true, false) => Ok(Some(Credential::File(path))),
        (true, true) => Ok(None),
    }
}

/// The credentials' header, unless the request has one already.
pub fn authorize(auth: &Auth, headers: &mut HeaderMap) -> Result<(), String> {
    if headers.contains_key("authorization") {
        return Ok(());
    }
    let value = match auth {
        Auth::None => return Ok(()),
        Auth::Header { kind, credentials } => format!("{kind} {}", credentials.read()?),
        Auth::Basic { username, password } => {
            use base64::Engine as _;
            let password = password.as_ref().map(|p| p.read()).transpose()?.unwrap_or_default();
            let pair = format!("{username}:{password}");
            format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(pair))
        }
    };
    let mut value =
        HeaderValue::from_str(&value).map_err(|_| "credentials are not a valid header value")?;
    value.set_sensitive(true);
    headers.insert("authorization", value);
    Ok(())
}
