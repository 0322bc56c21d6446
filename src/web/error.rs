//! Why a `--web.config.file` cannot be served with: the file's own refusal
//! ([`WebFileError`]), or one variant per check of `config.rs` and `tls.rs` on what it names.
//!
//! Each message names the key at fault the way the file spells it, and says what would be
//! accepted. The start prints it as one line after `bad web config file PATH: `; the tests
//! of `tests/behaviour/web_config.rs` compare verdicts with promtool's, so the texts are kept as they
//! are. A variant that wraps another error writes it into its own message, since that one
//! line is all an operator sees; it does not also return it as `source()`, which would print
//! it twice in a chain.

use std::path::PathBuf;

use rustls::pki_types::pem;

use crate::config::{ClientAuth, TlsVersion, WebFileError};

/// A web config that cannot be served with.
#[derive(Debug, thiserror::Error)]
pub enum WebConfigError {
    /// The file itself is refused (`config/web_file.rs`).
    #[error(transparent)]
    File(#[from] WebFileError),
    #[error("http_server_config.headers.{name}: not a valid header value")]
    InvalidHeaderValue { name: String },

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
