//! The subcommands beside the exporter itself: `demo`, `simulate`, `health`, and `--help`;
//! and `start`, which turns the command line into the one of them to run.

#[cfg(feature = "demo")]
mod churn;
#[cfg(feature = "demo")]
pub mod demo;
pub mod health;
pub mod help;
#[cfg(feature = "demo")]
pub mod simulate;
pub mod start;
