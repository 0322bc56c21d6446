//! `--web.config.file`: TLS, basic auth and response headers, in the Prometheus
//! exporter-toolkit format, so a node_exporter's file works here as it is. This module reads
//! and checks the file into a [`WebConfigFile`], plain data; the web side builds what
//! serves from it (the rustls configuration, the basic-auth checker: `web/config.rs`).
//!
//! The keys are those of the toolkit that `promtool check web-config` 2.42 knows, checked
//! the way it checks them: unknown keys, unknown values, a bcrypt hash that is not one,
//! a header that cannot be set all refuse the start with one line. `tests/fixtures/web-config/`
//! holds the cases, and a test compares the verdicts with promtool's.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Headers the toolkit lets a web config set, with the values it allows (`None`: any).
pub const SETTABLE_HEADERS: &[(&str, Option<&[&str]>)] = &[
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

/// What the file says, checked, before anything is read from disk besides it.
#[derive(Debug, Clone, PartialEq)]
pub struct WebConfigFile {
    pub tls: Option<TlsSettings>,
    pub users: BTreeMap<String, String>,
    pub headers: Vec<(String, String)>,
}

impl WebConfigFile {
    /// Reads and checks the file; relative paths in it are taken from its directory.
    pub fn read(path: &Path) -> Result<WebConfigFile, WebFileError> {
        let text = std::fs::read_to_string(path).map_err(WebFileError::Read)?;
        parse(&text, path.parent().unwrap_or(Path::new(".")))
    }

    /// True when the file turns TLS on.
    pub fn serves_tls(&self) -> bool {
        self.tls.is_some()
    }
}

/// Parses and checks a web config's text; relative paths are taken from `dir`, the config
/// file's directory, as the toolkit does.
pub fn parse(text: &str, dir: &Path) -> Result<WebConfigFile, WebFileError> {
    let raw: RawConfig = if text.trim().is_empty() {
        RawConfig::default()
    } else {
        serde_norway::from_str::<Option<RawConfig>>(text)
            .map_err(WebFileError::Yaml)?
            .unwrap_or_default()
    };
    let mut users = BTreeMap::new();
    for (user, hash) in raw.basic_auth_users.unwrap_or_default() {
        let hash = hash.unwrap_or_default();
        if let Err(reason) = check_bcrypt_hash(&hash) {
            return Err(WebFileError::BadHash { user, reason });
        }
        users.insert(user, hash);
    }
    let mut headers = Vec::new();
    let http = raw.http_server_config.unwrap_or_default();
    for (name, value) in http.headers.unwrap_or_default() {
        let Some((_, allowed)) = SETTABLE_HEADERS.iter().find(|(known, _)| *known == name) else {
            return Err(WebFileError::UnsettableHeader { name });
        };
        if let Some(allowed) = *allowed {
            if !allowed.contains(&value.as_str()) {
                return Err(WebFileError::HeaderValueNotAllowed {
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
    Ok(WebConfigFile {
        tls,
        users,
        headers,
    })
}

fn tls_settings(raw: RawTls, dir: &Path) -> Result<Option<TlsSettings>, WebFileError> {
    let non_empty = |s: Option<String>| s.filter(|s| !s.is_empty());
    let version = |field: &'static str, text: Option<String>, default| match text {
        None => Ok(default),
        Some(text) => {
            TlsVersion::parse(&text).ok_or(WebFileError::UnknownTlsVersion { field, value: text })
        }
    };
    let min_version = version("min_version", raw.min_version, TlsVersion::Tls12)?;
    let max_version = version("max_version", raw.max_version, TlsVersion::Tls13)?;
    let cipher_suites = raw.cipher_suites.unwrap_or_default();
    if let Some(unknown) = cipher_suites
        .iter()
        .find(|name| !GO_CIPHER_SUITES.contains(&name.as_str()))
    {
        return Err(WebFileError::UnknownCipherSuite(unknown.clone()));
    }
    let curve_preferences = raw.curve_preferences.unwrap_or_default();
    if let Some(unknown) = curve_preferences
        .iter()
        .find(|name| !GO_CURVES.contains(&name.as_str()))
    {
        return Err(WebFileError::UnknownCurve(unknown.clone()));
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
    let cert_file = cert_file.ok_or(WebFileError::MissingCertFile)?;
    let key_file = key_file.ok_or(WebFileError::MissingKeyFile)?;
    let client_auth_text = client_auth_type.unwrap_or_default();
    let client_auth = ClientAuth::parse(&client_auth_text)
        .ok_or(WebFileError::UnknownClientAuth(client_auth_text))?;
    if client_ca_file.is_some() && client_auth == ClientAuth::NoClientCert {
        return Err(WebFileError::ClientCaWithoutClientAuth);
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

/// A TLS version as the web config names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TlsVersion {
    Tls10,
    Tls11,
    Tls12,
    Tls13,
}

impl TlsVersion {
    pub fn parse(text: &str) -> Option<TlsVersion> {
        Some(match text {
            "TLS10" => TlsVersion::Tls10,
            "TLS11" => TlsVersion::Tls11,
            "TLS12" => TlsVersion::Tls12,
            "TLS13" => TlsVersion::Tls13,
            _ => return None,
        })
    }
}

/// `client_auth_type`, with Go's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth {
    NoClientCert,
    RequestClientCert,
    RequireAnyClientCert,
    VerifyClientCertIfGiven,
    RequireAndVerifyClientCert,
}

impl ClientAuth {
    pub fn parse(text: &str) -> Option<ClientAuth> {
        Some(match text {
            "" | "NoClientCert" => ClientAuth::NoClientCert,
            "RequestClientCert" => ClientAuth::RequestClientCert,
            // The toolkit keeps the old name for compatibility.
            "RequireAnyClientCert" | "RequireClientCert" => ClientAuth::RequireAnyClientCert,
            "VerifyClientCertIfGiven" => ClientAuth::VerifyClientCertIfGiven,
            "RequireAndVerifyClientCert" => ClientAuth::RequireAndVerifyClientCert,
            _ => return None,
        })
    }
}

/// The cipher suites Go's `tls.CipherSuites()` lists, the names a web config may use.
pub const GO_CIPHER_SUITES: &[&str] = &[
    "TLS_RSA_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_AES_256_CBC_SHA",
    "TLS_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
];

/// The curves a web config may name.
pub const GO_CURVES: &[&str] = &["CurveP256", "CurveP384", "CurveP521", "X25519"];

/// A validated `tls_server_config`, paths already joined to the config file's directory.
#[derive(Debug, Clone, PartialEq)]
pub struct TlsSettings {
    pub cert_file: PathBuf,
    pub key_file: PathBuf,
    pub client_auth: ClientAuth,
    pub client_ca_file: Option<PathBuf>,
    pub min_version: TlsVersion,
    pub max_version: TlsVersion,
    /// Go names, already checked against [`GO_CIPHER_SUITES`]; empty for the defaults.
    pub cipher_suites: Vec<String>,
    /// Go names, already checked against [`GO_CURVES`]; empty for the defaults.
    pub curve_preferences: Vec<String>,
    pub prefer_server_cipher_suites: bool,
}

/// Why a `basic_auth_users` entry is not a bcrypt hash, in the words of Go's checks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadBcryptHash {
    #[error("not a bcrypt hash (too short)")]
    TooShort,
    #[error("not a bcrypt hash (it must start with $2)")]
    NoDollar,
    #[error("a bcrypt hash of a version newer than 2")]
    NewerVersion,
    #[error("not a bcrypt hash (no cost)")]
    NoCost,
    #[error("bcrypt cost {0} is outside 4..=31")]
    CostOutOfRange(i64),
}

/// The checks Go's `bcrypt.Cost` makes, which are what `promtool check web-config` makes:
/// at least 59 bytes, `$` then a major version no newer than 2, a cost of 4 to 31.
pub fn check_bcrypt_hash(hash: &str) -> Result<u32, BadBcryptHash> {
    let bytes = hash.as_bytes();
    if bytes.len() < 59 {
        return Err(BadBcryptHash::TooShort);
    }
    if bytes[0] != b'$' {
        return Err(BadBcryptHash::NoDollar);
    }
    if bytes[1] > b'2' {
        return Err(BadBcryptHash::NewerVersion);
    }
    let cost_at = if bytes[2] == b'$' { 3 } else { 4 };
    let cost: i64 = std::str::from_utf8(&bytes[cost_at..cost_at + 2])
        .ok()
        .and_then(|digits| digits.parse().ok())
        .ok_or(BadBcryptHash::NoCost)?;
    if !(4..=31).contains(&cost) {
        return Err(BadBcryptHash::CostOutOfRange(cost));
    }
    Ok(cost as u32)
}

/// Why a `--web.config.file` is refused before anything but it is read: one variant per
/// check. Each message names the key at fault the way the file spells it, and says what
/// would be accepted; the start prints it as one line after `bad web config file PATH: `.
/// `tests/behaviour/web_config.rs` compares verdicts with promtool's, so the texts are kept as they are.
#[derive(Debug, thiserror::Error)]
pub enum WebFileError {
    /// The file could not be read.
    #[error("{0}")]
    Read(std::io::Error),
    /// Not YAML, or not the toolkit's keys (the YAML parser's own words).
    #[error("{0}")]
    Yaml(serde_norway::Error),

    #[error("basic_auth_users.{user}: {reason}")]
    BadHash { user: String, reason: BadBcryptHash },

    #[error(
        "http_server_config.headers: {name:?} cannot be set (only {})",
        settable_headers()
    )]
    UnsettableHeader { name: String },
    #[error("http_server_config.headers.{name}: {value:?} is not one of {allowed:?}")]
    HeaderValueNotAllowed {
        name: String,
        value: String,
        allowed: &'static [&'static str],
    },

    #[error(
        "tls_server_config.{field}: unknown TLS version {value:?} (TLS10, TLS11, TLS12, TLS13)"
    )]
    UnknownTlsVersion { field: &'static str, value: String },
    #[error("tls_server_config.cipher_suites: unknown cipher suite {0:?}")]
    UnknownCipherSuite(String),
    #[error("tls_server_config.curve_preferences: unknown curve {0:?} ({curves})", curves = GO_CURVES.join(", "))]
    UnknownCurve(String),
    #[error("tls_server_config: missing cert_file")]
    MissingCertFile,
    #[error("tls_server_config: missing key_file")]
    MissingKeyFile,
    #[error("tls_server_config.client_auth_type: unknown value {0:?} (NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert)")]
    UnknownClientAuth(String),
    #[error("tls_server_config: client_ca_file is set but client_auth_type asks for no client certificate")]
    ClientCaWithoutClientAuth,
}

fn settable_headers() -> String {
    SETTABLE_HEADERS
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
#[path = "web_file/tests.rs"]
mod tests;
