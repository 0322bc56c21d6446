//! Test certificates made at test time with rcgen: a CA, a server certificate for
//! localhost and 127.0.0.1, a client certificate from the CA, and a stranger's client
//! certificate from no CA. Written as PEM files into a directory, the names the web-config
//! fixtures use.

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair,
};

pub struct Pki {
    pub dir: PathBuf,
    pub ca_pem: String,
    pub client_cert_pem: String,
    pub client_key_pem: String,
    pub stranger_cert_pem: String,
    pub stranger_key_pem: String,
}

fn leaf(name: &str, sans: &[&str], usage: ExtendedKeyUsagePurpose) -> (CertificateParams, KeyPair) {
    let mut params =
        CertificateParams::new(sans.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()).unwrap();
    params.distinguished_name.push(DnType::CommonName, name);
    params.extended_key_usages = vec![usage];
    (params, KeyPair::generate().unwrap())
}

impl Pki {
    /// Writes `ca.crt`, `server.crt`, `server.key`, `client.crt`, `client.key`, `other.key`
    /// (a key of no certificate here) and `empty.pem` (no certificate at all) into `dir`.
    pub fn generate(dir: &Path) -> Pki {
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "scaleway_exporter test CA");
        let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();

        let (server, server_key) = leaf(
            "scaleway_exporter",
            &["localhost", "127.0.0.1"],
            ExtendedKeyUsagePurpose::ServerAuth,
        );
        let server_cert = server.signed_by(&server_key, &ca).unwrap();
        let (client, client_key) = leaf(
            "prometheus",
            &["prometheus"],
            ExtendedKeyUsagePurpose::ClientAuth,
        );
        let client_cert = client.signed_by(&client_key, &ca).unwrap();
        let (stranger, stranger_key) = leaf(
            "stranger",
            &["stranger"],
            ExtendedKeyUsagePurpose::ClientAuth,
        );
        let stranger_cert = stranger.self_signed(&stranger_key).unwrap();

        let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).unwrap();
        write("ca.crt", &ca.pem());
        write("server.crt", &server_cert.pem());
        write("server.key", &server_key.serialize_pem());
        write("client.crt", &client_cert.pem());
        write("client.key", &client_key.serialize_pem());
        write("other.key", &KeyPair::generate().unwrap().serialize_pem());
        write("empty.pem", "# no certificate here\n");
        Pki {
            dir: dir.to_owned(),
            ca_pem: ca.pem(),
            client_cert_pem: client_cert.pem(),
            client_key_pem: client_key.serialize_pem(),
            stranger_cert_pem: stranger_cert.pem(),
            stranger_key_pem: stranger_key.serialize_pem(),
        }
    }

    /// A client that trusts the test CA, with `identity` (cert and key PEM) when given.
    pub fn client(&self, identity: Option<(&str, &str)>) -> reqwest::Client {
        let mut builder = reqwest::Client::builder()
            .add_root_certificate(reqwest::Certificate::from_pem(self.ca_pem.as_bytes()).unwrap())
            .https_only(true);
        if let Some((cert, key)) = identity {
            let pem = format!("{cert}{key}");
            builder = builder.identity(reqwest::Identity::from_pem(pem.as_bytes()).unwrap());
        }
        builder.build().unwrap()
    }
}
