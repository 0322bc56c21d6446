//! The checks of a web config file, with the toolkit's words.

use super::*;

fn parse_here(text: &str) -> Result<WebConfigFile, WebFileError> {
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

#[test]
fn bcrypt_hashes_are_checked_as_go_checks_them() {
    let good = "$2y$04$abcdefghijklmnopqrstuuOjNq0SLwMCo16xH/Hx8bydpN7lL8mbW";
    assert_eq!(check_bcrypt_hash(good), Ok(4));
    assert!(
        check_bcrypt_hash("$2y$03$abcdefghijklmnopqrstuuOjNq0SLwMCo16xH/Hx8bydpN7lL8mbW").is_err()
    );
    assert!(
        check_bcrypt_hash("$3a$10$abcdefghijklmnopqrstuuOjNq0SLwMCo16xH/Hx8bydpN7lL8mbW").is_err()
    );
    assert!(check_bcrypt_hash("plain-text-password").is_err());
    assert!(check_bcrypt_hash("").is_err());
}
