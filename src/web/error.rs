//! Why a `--web.config.file` is refused: one variant per check of `config.rs` and `tls.rs`.
//!
//! Each message names the key at fault the way the file spells it, and says what would be
//! accepted. The start prints it as one line after `bad web config file PATH: `; the tests
//! of `tests/web_config.rs` compare verdicts with promtool's, so the texts are kept as they
//! are. A variant that wraps another error writes it into its own message, since that one
//! line is all an operator sees; it does not also return it as `source()`, which would print
//! it twice in a chain.

use std::path::PathBuf;

use rustls::pki_types::pem;

use super::auth::BadBcryptHash;
use super::tls::{ClientAuth, TlsVersion, GO_CURVES};

/// A web config that cannot be served with.
#[derive(Debug, thiserror::Error)]
pub enum WebConfigError {
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
    #[error("http_server_config.headers.{name}: not a valid header value")]
    InvalidHeaderValue { name: String },

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

    #[error("tls_server_config.curve_preferences: none of {0:?} is available (X25519, CurveP256 and CurveP384 are)")]
    NoCurveAvailable(Vec<String>),
    #[error("tls_server_config: min_version {min:?} and max_version {max:?} leave no version this exporter serves (TLS12 and TLS13)")]
    NoTlsVersion { min: TlsVersion, max: TlsVersion },
    #[error("tls_server_config: {0}")]
    Rustls(rustls::Error),
    #[error("tls_server_config: client_auth_type {0:?} needs client_ca_file, the CAs to check client certificates against")]
    ClientCaMissing(ClientAuth),
    #[error("client_ca_file {}: {reason}", path.display())]
    ClientCaRefused {
        path: PathBuf,
        reason: rustls::Error,
    },
    #[error("client_ca_file {}: {reason}", path.display())]
    ClientVerifier {
        path: PathBuf,
        reason: rustls::server::VerifierBuilderError,
    },
    /// `what` is the key that names the file: `cert_file` or `client_ca_file`.
    #[error("{what} {}: {reason}", path.display())]
    UnreadableCerts {
        what: &'static str,
        path: PathBuf,
        reason: pem::Error,
    },
    #[error("{what} {}: no PEM certificate in it", path.display())]
    NoCertificate { what: &'static str, path: PathBuf },
    #[error("key_file {}: {reason}", path.display())]
    UnreadableKey { path: PathBuf, reason: pem::Error },
    #[error("cert_file {} and key_file {}: {reason}", cert_file.display(), key_file.display())]
    KeyPair {
        cert_file: PathBuf,
        key_file: PathBuf,
        reason: rustls::Error,
    },
}

fn settable_headers() -> String {
    super::config::SETTABLE_HEADERS
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(", ")
}
