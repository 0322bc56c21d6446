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
        let tls = match &parsed.tls {
            Some(settings) => Some(Arc::new(tls::server_config(settings)?)),
            None => None,
        };
        let basic_auth = if parsed.users.is_empty() {
            None
        } else {
            Some(Arc::new(BasicAuth::new(&parsed.users)))
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
