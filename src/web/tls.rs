//! The `tls_server_config` of a web config, turned into a rustls server configuration.
//!
//! rustls with the ring provider, like the API client. The exporter-toolkit's Go semantics
//! are kept where rustls can express them, and refused at start where it cannot (a refusal
//! is one line at start; a silent downgrade would be found in production):
//!
//! - TLS 1.0 and 1.1 do not exist in rustls: a `min_version` below TLS 1.2 serves 1.2 and 1.3,
//!   and a `max_version` below TLS 1.2 leaves nothing to serve and is refused.
//! - `cipher_suites` only choose among TLS 1.2 suites, as in Go (TLS 1.3 suites are always
//!   on); suites that Go knows and rustls does not (CBC, RSA key exchange) are skipped.
//! - `curve_preferences`: X25519, P-256 and P-384; ring has no P-521.
//! - `RequestClientCert` and `RequireAnyClientCert` take a client certificate without
//!   checking it (Go's meaning); the two `Verify` modes check it against `client_ca_file`.
//!
//! The certificate and key are read again when their files change (cert-manager, ACME), at
//! the next handshake, as the exporter-toolkit does.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::server::{ClientHello, ResolvesServerCert, WebPkiClientVerifier};
use rustls::sign::CertifiedKey;
use rustls::{DigitallySignedStruct, DistinguishedName, RootCertStore, SignatureScheme};

use super::{WebConfigError, WebNotice};
use crate::config::{ClientAuth, TlsSettings, TlsVersion};

/// Builds the server configuration, reading the certificate, key and client CAs now so
/// that a bad file stops the start.
pub fn server_config(
    settings: &TlsSettings,
    notices: &mut Vec<WebNotice>,
) -> Result<rustls::ServerConfig, WebConfigError> {
    let provider = Arc::new(provider(settings, notices)?);
    let versions = versions(settings, &provider, notices)?;
    let resolver = ReloadingCert::load(
        settings.cert_file.clone(),
        settings.key_file.clone(),
        provider.clone(),
    )?;
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&versions)
        .map_err(WebConfigError::Rustls)?;
    let verifier = client_verifier(settings, &provider)?;
    let mut config = match verifier {
        Some(verifier) => builder.with_client_cert_verifier(verifier),
        None => builder.with_no_client_auth(),
    }
    .with_cert_resolver(Arc::new(resolver));
    config.ignore_client_order = settings.prefer_server_cipher_suites;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

fn provider(
    settings: &TlsSettings,
    notices: &mut Vec<WebNotice>,
) -> Result<CryptoProvider, WebConfigError> {
    let mut provider = rustls::crypto::ring::default_provider();
    if !settings.cipher_suites.is_empty() {
        let tls13: Vec<_> = provider
            .cipher_suites
            .iter()
            .filter(|suite| suite.version() == &rustls::version::TLS13)
            .copied()
            .collect();
        let mut chosen = tls13;
        for name in &settings.cipher_suites {
            match provider
                .cipher_suites
                .iter()
                .find(|suite| format!("{:?}", suite.suite()) == *name)
            {
                Some(suite) if suite.version() == &rustls::version::TLS12 => chosen.push(*suite),
                Some(_) => {} // a TLS 1.3 suite: always on, as in Go
                None if name.starts_with("TLS_ECDHE_") || name.starts_with("TLS_RSA_") => {
                    notices.push(WebNotice::CipherSuiteSkipped(name.clone()));
                }
                None => {}
            }
        }
        provider.cipher_suites = chosen;
    }
    if !settings.curve_preferences.is_empty() {
        let groups: Vec<_> = settings
            .curve_preferences
            .iter()
            .filter_map(|name| {
                let wanted = match name.as_str() {
                    "X25519" => rustls::NamedGroup::X25519,
                    "CurveP256" => rustls::NamedGroup::secp256r1,
                    "CurveP384" => rustls::NamedGroup::secp384r1,
                    _ => {
                        notices.push(WebNotice::CurveSkipped(name.clone()));
                        return None;
                    }
                };
                provider
                    .kx_groups
                    .iter()
                    .find(|group| group.name() == wanted)
                    .copied()
            })
            .collect();
        if groups.is_empty() {
            return Err(WebConfigError::NoCurveAvailable(
                settings.curve_preferences.clone(),
            ));
        }
        provider.kx_groups = groups;
    }
    Ok(provider)
}

fn versions(
    settings: &TlsSettings,
    provider: &CryptoProvider,
    notices: &mut Vec<WebNotice>,
) -> Result<Vec<&'static rustls::SupportedProtocolVersion>, WebConfigError> {
    let has_tls12_suite = provider
        .cipher_suites
        .iter()
        .any(|suite| suite.version() == &rustls::version::TLS12);
    let mut versions = Vec::new();
    let in_range = |v| settings.min_version <= v && v <= settings.max_version;
    if in_range(TlsVersion::Tls13) {
        versions.push(&rustls::version::TLS13);
    }
    if in_range(TlsVersion::Tls12) {
        if has_tls12_suite {
            versions.push(&rustls::version::TLS12);
        } else {
            notices.push(WebNotice::Tls13Only);
        }
    }
    if versions.is_empty() {
        return Err(WebConfigError::NoTlsVersion {
            min: settings.min_version,
            max: settings.max_version,
        });
    }
    if settings.min_version < TlsVersion::Tls12 {
        notices.push(WebNotice::BelowTls12);
    }
    Ok(versions)
}

fn client_verifier(
    settings: &TlsSettings,
    provider: &Arc<CryptoProvider>,
) -> Result<Option<Arc<dyn ClientCertVerifier>>, WebConfigError> {
    let verified = |allow_unauthenticated: bool| {
        let Some(path) = &settings.client_ca_file else {
            return Err(WebConfigError::ClientCaMissing(settings.client_auth));
        };
        let mut roots = RootCertStore::empty();
        for cert in read_certs(path, "client_ca_file")? {
            roots
                .add(cert)
                .map_err(|reason| WebConfigError::ClientCaRefused {
                    path: path.clone(),
                    reason,
                })?;
        }
        let mut builder =
            WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone());
        if allow_unauthenticated {
            builder = builder.allow_unauthenticated();
        }
        builder
            .build()
            .map(Some)
            .map_err(|reason| WebConfigError::ClientVerifier {
                path: path.clone(),
                reason,
            })
    };
    let unverified =
        |mandatory: bool| -> Result<Option<Arc<dyn ClientCertVerifier>>, WebConfigError> {
            Ok(Some(Arc::new(AnyClientCert {
                mandatory,
                provider: provider.clone(),
            })))
        };
    match settings.client_auth {
        ClientAuth::NoClientCert => Ok(None),
        ClientAuth::RequestClientCert => unverified(false),
        ClientAuth::RequireAnyClientCert => unverified(true),
        ClientAuth::VerifyClientCertIfGiven => verified(true),
        ClientAuth::RequireAndVerifyClientCert => verified(false),
    }
}

fn read_certs(
    path: &Path,
    what: &'static str,
) -> Result<Vec<CertificateDer<'static>>, WebConfigError> {
    let certs = CertificateDer::pem_file_iter(path)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|reason| WebConfigError::UnreadableCerts {
            what,
            path: path.to_owned(),
            reason,
        })?;
    if certs.is_empty() {
        return Err(WebConfigError::NoCertificate {
            what,
            path: path.to_owned(),
        });
    }
    Ok(certs)
}

fn load_key_pair(
    cert_file: &Path,
    key_file: &Path,
    provider: &CryptoProvider,
) -> Result<CertifiedKey, WebConfigError> {
    let certs = read_certs(cert_file, "cert_file")?;
    let key =
        PrivateKeyDer::from_pem_file(key_file).map_err(|reason| WebConfigError::UnreadableKey {
            path: key_file.to_owned(),
            reason,
        })?;
    CertifiedKey::from_der(certs, key, provider).map_err(|reason| WebConfigError::KeyPair {
        cert_file: cert_file.to_owned(),
        key_file: key_file.to_owned(),
        reason,
    })
}

/// The server certificate, read again at the first handshake after its files change.
#[derive(Debug)]
struct ReloadingCert {
    cert_file: PathBuf,
    key_file: PathBuf,
    provider: Arc<CryptoProvider>,
    current: Mutex<(Stamps, Arc<CertifiedKey>)>,
}

type Stamps = (Option<SystemTime>, Option<SystemTime>);

fn stamps(cert_file: &Path, key_file: &Path) -> Stamps {
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    (modified(cert_file), modified(key_file))
}

impl ReloadingCert {
    fn load(
        cert_file: PathBuf,
        key_file: PathBuf,
        provider: Arc<CryptoProvider>,
    ) -> Result<Self, WebConfigError> {
        let seen = stamps(&cert_file, &key_file);
        let key = load_key_pair(&cert_file, &key_file, &provider)?;
        Ok(ReloadingCert {
            cert_file,
            key_file,
            provider,
            current: Mutex::new((seen, Arc::new(key))),
        })
    }
}

impl ResolvesServerCert for ReloadingCert {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let mut current = self
            .current
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let now = stamps(&self.cert_file, &self.key_file);
        if now != current.0 {
            // Recorded even on failure: a half-written pair is retried at its next change,
            // not at every handshake.
            current.0 = now;
            match load_key_pair(&self.cert_file, &self.key_file, &self.provider) {
                Ok(key) => {
                    tracing::info!(cert_file = %self.cert_file.display(), "TLS certificate reloaded");
                    current.1 = Arc::new(key);
                }
                Err(error) => {
                    tracing::warn!(%error, "keeping the previous TLS certificate");
                }
            }
        }
        Some(current.1.clone())
    }
}

/// Go's `RequestClientCert` and `RequireAnyClientCert`: a client certificate is asked for
/// (and with `mandatory`, required), its handshake signature is checked, its chain is not.
#[derive(Debug)]
struct AnyClientCert {
    mandatory: bool,
    provider: Arc<CryptoProvider>,
}

impl ClientCertVerifier for AnyClientCert {
    fn client_auth_mandatory(&self) -> bool {
        self.mandatory
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        Ok(ClientCertVerified::assertion())
    }

    // Any certificate is taken, but the client must still prove it holds its key.
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}
