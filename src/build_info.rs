//! What this binary is: the values behind `scaleway_exporter_build_info` and `--version`.

/// The crate version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The git revision the binary was built from (`unknown` outside a checkout), set by `build.rs`.
pub const REVISION: &str = env!("SCALEWAY_EXPORTER_REVISION");
/// The version of the compiler that built the binary, set by `build.rs`.
pub const RUSTC_VERSION: &str = env!("SCALEWAY_EXPORTER_RUSTC_VERSION");
/// The text `--version` prints after the program name.
pub const VERSION_LINE: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (revision ",
    env!("SCALEWAY_EXPORTER_REVISION"),
    ", rustc ",
    env!("SCALEWAY_EXPORTER_RUSTC_VERSION"),
    ")"
);
