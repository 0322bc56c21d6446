//! `--web.config.file`: TLS, basic auth and response headers, in the Prometheus
//! exporter-toolkit format, so a node_exporter's file works here as it is.
//!
//! The keys are those of the toolkit that `promtool check web-config` 2.42 knows, checked
//! the way it checks them: unknown keys, unknown values, a bcrypt hash that is not one,
//! a header that cannot be set, a certificate that does not load, all refuse the start with
//! one line. `tests/fixtures/web-config/` holds the cases, and a test compares the verdicts
//! with promtool's. Where rustls cannot do what Go does (see [`crate::tls`]), the start is
//! refused too: those are the fixtures under `stricter/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use serde::Deserialize;

use super::auth::{check_bcrypt_hash, require_basic_auth, BasicAuth};
use super::tls::{self, ClientAuth, TlsSettings, TlsVersion};
use super::WebConfigError;

/// Headers the toolkit lets a web config set, with the values it allows (`None`: any).
pub(super) const SETTABLE_HEADERS: &[(&str, Option<&[&str]>)] = &[
    ("Strict-Transport-Security", None),
    ("X-Content-Type-Options", Some(&["nosniff"])),
    ("X-Frame-Options", Some(&["deny", "sameorigin"])),
    ("X-XSS-Protection", None),
    ("Content-Security-Policy", None),
];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    tls_server_config: Option<RawTls>,
    #[serde(default)]
    http_server_config: Option<RawHttp>,
    #[serde(default)]
    basic_auth_users: Option<BTreeMap<String, Option<String>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTls {
    cert_file: Option<String>,
    key_file: Option<String>,
    client_auth_type: Option<String>,
    client_ca_file: Option<String>,
    cipher_suites: Option<Vec<String>>,
    curve_preferences: Option<Vec<String>>,
    min_version: Option<String>,
    max_version: Option<String>,
    prefer_server_cipher_suites: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHttp {
    /// Accepted for compatibility; the exporter serves HTTP/1.1 only.
    #[allow(dead_code)]
    http2: Option<bool>,
    headers: Option<BTreeMap<String, String>>,
}

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

/// What the file says, checked, before anything is read from disk besides it.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub tls: Option<TlsSettings>,
    pub users: BTreeMap<String, String>,
    pub headers: Vec<(String, String)>,
}

impl WebConfig {
    /// Reads and checks the file, and loads the certificates it names.
    pub fn load(path: &Path) -> Result<WebConfig, WebConfigError> {
        let text = std::fs::read_to_string(path).map_err(WebConfigError::Read)?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let parsed = parse(&text, dir)?;
        WebConfig::from_parsed(&parsed)
    }

    pub fn from_parsed(parsed: &Parsed) -> Result<WebConfig, WebConfigError> {
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

/// Parses and checks a web config's text; relative paths are taken from `dir`, the config
/// file's directory, as the toolkit does.
pub fn parse(text: &str, dir: &Path) -> Result<Parsed, WebConfigError> {
    let raw: RawConfig = if text.trim().is_empty() {
        RawConfig::default()
    } else {
        serde_norway::from_str::<Option<RawConfig>>(text)
            .map_err(WebConfigError::Yaml)?
            .unwrap_or_default()
    };
    let mut users = BTreeMap::new();
    for (user, hash) in raw.basic_auth_users.unwrap_or_default() {
        let hash = hash.unwrap_or_default();
        if let Err(reason) = check_bcrypt_hash(&hash) {
            return Err(WebConfigError::BadHash { user, reason });
        }
        users.insert(user, hash);
    }
    let mut headers = Vec::new();
    let http = raw.http_server_config.unwrap_or_default();
    for (name, value) in http.headers.unwrap_or_default() {
        let Some((_, allowed)) = SETTABLE_HEADERS.iter().find(|(known, _)| *known == name) else {
            return Err(WebConfigError::UnsettableHeader { name });
        };
        if let Some(allowed) = *allowed {
            if !allowed.contains(&value.as_str()) {
                return Err(WebConfigError::HeaderValueNotAllowed {
                    name,
                    value,
                    allowed,
                });
            }
        }
        headers.push((name, value));
    }
    let tls = match raw.tls_server_config {
        Some(raw_tls) => tls_settings(raw_tls, dir)?,
        None => None,
    };
    Ok(Parsed {
        tls,
        users,
        headers,
    })
}

fn tls_settings(raw: RawTls, dir: &Path) -> Result<Option<TlsSettings>, WebConfigError> {
    let non_empty = |s: Option<String>| s.filter(|s| !s.is_empty());
    let version = |field: &'static str, text: Option<String>, default| match text {
        None => Ok(default),
        Some(text) => {
            TlsVersion::parse(&text).ok_or(WebConfigError::UnknownTlsVersion { field, value: text })
        }
    };
    let min_version = version("min_version", raw.min_version, TlsVersion::Tls12)?;
    let max_version = version("max_version", raw.max_version, TlsVersion::Tls13)?;
    let cipher_suites = raw.cipher_suites.unwrap_or_default();
    if let Some(unknown) = cipher_suites
        .iter()
        .find(|name| !tls::GO_CIPHER_SUITES.contains(&name.as_str()))
    {
        return Err(WebConfigError::UnknownCipherSuite(unknown.clone()));
    }
    let curve_preferences = raw.curve_preferences.unwrap_or_default();
    if let Some(unknown) = curve_preferences
        .iter()
        .find(|name| !tls::GO_CURVES.contains(&name.as_str()))
    {
        return Err(WebConfigError::UnknownCurve(unknown.clone()));
    }
    let cert_file = non_empty(raw.cert_file);
    let key_file = non_empty(raw.key_file);
    let client_ca_file = non_empty(raw.client_ca_file);
    let client_auth_type = non_empty(raw.client_auth_type);
    if cert_file.is_none()
        && key_file.is_none()
        && client_ca_file.is_none()
        && client_auth_type.is_none()
    {
        // The toolkit's rule: without these, the other TLS keys do not turn TLS on.
        return Ok(None);
    }
    let cert_file = cert_file.ok_or(WebConfigError::MissingCertFile)?;
    let key_file = key_file.ok_or(WebConfigError::MissingKeyFile)?;
    let client_auth_text = client_auth_type.unwrap_or_default();
    let client_auth = ClientAuth::parse(&client_auth_text)
        .ok_or(WebConfigError::UnknownClientAuth(client_auth_text))?;
    if client_ca_file.is_some() && client_auth == ClientAuth::NoClientCert {
        return Err(WebConfigError::ClientCaWithoutClientAuth);
    }
    let join = |path: String| -> PathBuf {
        let path = PathBuf::from(path);
        if path.is_absolute() {
            path
        } else {
            dir.join(path)
        }
    };
    Ok(Some(TlsSettings {
        cert_file: join(cert_file),
        key_file: join(key_file),
        client_auth,
        client_ca_file: client_ca_file.map(join),
        min_version,
        max_version,
        cipher_suites,
        curve_preferences,
        prefer_server_cipher_suites: raw.prefer_server_cipher_suites.unwrap_or(true),
    }))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_here(text: &str) -> Result<Parsed, WebConfigError> {
        parse(text, Path::new("/etc/exporter"))
    }

    #[test]
    fn an_empty_file_and_null_sections_are_no_tls_no_auth() {
        for text in [
            "",
            "# nothing\n",
            "{}",
            "tls_server_config:\nbasic_auth_users:\n",
        ] {
            let parsed = parse_here(text).unwrap();
            assert_eq!((parsed.tls, parsed.users.len()), (None, 0), "{text:?}");
        }
    }

    #[test]
    fn unknown_keys_are_refused_and_say_where() {
        let error = parse_here("tls_server_config:\n  cert_flie: x\n")
            .unwrap_err()
            .to_string();
        assert!(error.contains("unknown field `cert_flie`"), "{error}");
        assert!(
            parse_here("rate_limit: {burst: 1}").is_err(),
            "a newer toolkit key"
        );
    }

    #[test]
    fn relative_paths_are_taken_from_the_config_files_directory() {
        let parsed =
            parse_here("tls_server_config:\n  cert_file: tls/cert.pem\n  key_file: /abs/key.pem\n")
                .unwrap();
        let tls = parsed.tls.unwrap();
        assert_eq!(tls.cert_file, Path::new("/etc/exporter/tls/cert.pem"));
        assert_eq!(tls.key_file, Path::new("/abs/key.pem"));
        assert_eq!(
            (tls.min_version, tls.max_version),
            (TlsVersion::Tls12, TlsVersion::Tls13)
        );
    }

    #[test]
    fn a_refusal_names_the_key_and_what_it_would_take() {
        for (text, said) in [
            (
                "basic_auth_users:\n  u: plain\n",
                "basic_auth_users.u: not a bcrypt hash (too short)",
            ),
            (
                "http_server_config:\n  headers:\n    Server: x\n",
                "http_server_config.headers: \"Server\" cannot be set (only Strict-Transport-Security, \
                 X-Content-Type-Options, X-Frame-Options, X-XSS-Protection, Content-Security-Policy)",
            ),
            (
                "http_server_config:\n  headers:\n    X-Frame-Options: Deny\n",
                "http_server_config.headers.X-Frame-Options: \"Deny\" is not one of [\"deny\", \"sameorigin\"]",
            ),
            (
                "tls_server_config:\n  cert_file: c\n  key_file: k\n  min_version: tls13\n",
                "tls_server_config.min_version: unknown TLS version \"tls13\" (TLS10, TLS11, TLS12, TLS13)",
            ),
            (
                "tls_server_config:\n  cert_file: c\n  key_file: k\n  curve_preferences: [P999]\n",
                "tls_server_config.curve_preferences: unknown curve \"P999\" (CurveP256, CurveP384, CurveP521, X25519)",
            ),
            (
                "tls_server_config:\n  key_file: k\n",
                "tls_server_config: missing cert_file",
            ),
        ] {
            assert_eq!(parse_here(text).unwrap_err().to_string(), said, "{text:?}");
        }
    }
}
