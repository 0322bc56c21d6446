//! A web config file as an operator (or a typo) could write it: parsed and checked. Whatever
//! the bytes, nothing panics; what is accepted has TLS only with both certificate files and
//! only users whose hash passes the bcrypt check.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use scaleway_exporter::config::{check_bcrypt_hash, parse_web_config as parse};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(parsed) = parse(text, Path::new("/etc/scaleway_exporter")) {
        if let Some(tls) = &parsed.tls {
            assert!(tls.cert_file.starts_with("/") && tls.key_file.starts_with("/"));
        }
        for hash in parsed.users.values() {
            assert!(check_bcrypt_hash(hash).is_ok());
        }
    }
});
