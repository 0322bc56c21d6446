//! The subcommands beside the exporter itself: `demo`, `simulate`, `health`, and `--help`.

#[cfg(feature = "demo")]
pub mod demo;
pub mod health;
pub mod help;
#[cfg(feature = "demo")]
pub mod simulate;
