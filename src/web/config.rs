//! What serves a `--web.config.file`: the [`WebConfigFile`] that `config` read and checked,
//! built into the rustls configuration, the basic-auth checker and the response headers.
//! A certificate that does not load refuses the start with one line, as the file's own
//! checks do; where rustls cannot do what Go does (see `web/tls.rs`), the start is refused
//! too: those are the fixtures under `tests/fixtures/web-config/stricter/`.

use std::path::Path;
use std::sync::Arc;

use super::auth::{require_basic_auth, BasicAuth};
use super::tls;
use super::WebConfigError;
use crate::config::WebConfigFile;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;

/// A loaded web config, ready to serve with.
#[derive(Clone)]
pub struct WebConfig {
    pub tls: Option<Arc<rustls::ServerConfig>>,
    pub basic_auth: Option<Arc<BasicAuth>>,
    pub headers: Arc<Vec<(HeaderName, HeaderValue)>>,
    /// What of the file cannot be honoured as written, though it does not stop the start;
    /// for the log, once logging is set up.
    pub notices: Vec<WebNotice>,
}

/// Something of the web config that is served otherwise than the file says, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebNotice {
    /// A `cipher_suites` entry Go knows and rustls does not (CBC, RSA key exchange).
    CipherSuiteSkipped(String),
    /// A `curve_preferences` entry ring does not have (P-521).
    CurveSkipped(String),
    /// No `cipher_suites` entry is a TLS 1.2 suite rustls has.
    Tls13Only,
    /// `min_version` below TLS 1.2, which rustls does not serve.
    BelowTls12,
    /// A `basic_auth_users` hash that Go's checks take but bcrypt cannot read.
    UserCannotLogIn(String),
}

impl WebNotice {
    pub fn log(&self) {
        match self {
            WebNotice::CipherSuiteSkipped(name) => {
                tracing::warn!(cipher_suite = %name, "cipher suite not available in rustls; skipped");
            }
            WebNotice::CurveSkipped(name) => {
                tracing::warn!(curve = %name, "curve not available in rustls; skipped");
            }
            WebNotice::Tls13Only => tracing::warn!(
                "no cipher_suites entry is a TLS 1.2 suite rustls has; serving TLS 1.3 only"
            ),
            WebNotice::BelowTls12 => {
                tracing::warn!("min_version below TLS12: rustls serves TLS 1.2 and 1.3 only");
            }
            WebNotice::UserCannotLogIn(user) => tracing::warn!(
                user = %user,
                "basic_auth_users: this hash cannot be read by bcrypt; the user cannot log in"
            ),
        }
    }
}

impl std::fmt::Debug for WebConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebConfig")
            .field("tls", &self.tls.is_some())
            .field(
                "basic_auth_users",
                &self.basic_auth.as_ref().map(|a| a.users.len()),
            )
            .field("headers", &self.headers.len())
            .finish()
    }
}

impl WebConfig {
    /// Reads and checks the file, and loads the certificates it names.
    pub fn load(path: &Path) -> Result<WebConfig, WebConfigError> {
        WebConfig::build(&WebConfigFile::read(path)?)
    }

    /// What serves the file's settings: the certificates it names are read now, so that a
    /// bad one stops the start.
    pub fn build(parsed: &WebConfigFile) -> Result<WebConfig, WebConfigError> {
        let mut notices = Vec::new();
        let tls = match &parsed.tls {
            Some(settings) => Some(Arc::new(tls::server_config(settings, &mut notices)?)),
            None => None,
        };
        let basic_auth = if parsed.users.is_empty() {
            None
        } else {
            Some(Arc::new(BasicAuth::new(&parsed.users, &mut notices)))
        };
        let headers = parsed
            .headers
            .iter()
            .map(|(name, value)| {
                let value = HeaderValue::from_str(value)
                    .map_err(|_| WebConfigError::InvalidHeaderValue { name: name.clone() })?;
                Ok((
                    HeaderName::from_bytes(name.as_bytes()).expect("a known header"),
                    value,
                ))
            })
            .collect::<Result<Vec<_>, WebConfigError>>()?;
        Ok(WebConfig {
            tls,
            basic_auth,
            headers: Arc::new(headers),
            notices,
        })
    }

    /// `router` behind basic auth, with the configured headers on every response (401s too).
    pub fn protect(&self, router: Router) -> Router {
        let mut router = router;
        if let Some(auth) = &self.basic_auth {
            router = router.layer(middleware::from_fn_with_state(
                auth.clone(),
                require_basic_auth,
            ));
        }
        if !self.headers.is_empty() {
            router = router.layer(middleware::from_fn_with_state(
                self.headers.clone(),
                add_headers,
            ));
        }
        router
    }
}

async fn add_headers(
    State(headers): State<Arc<Vec<(HeaderName, HeaderValue)>>>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    for (name, value) in headers.iter() {
        response.headers_mut().insert(name.clone(), value.clone());
    }
    response
}
