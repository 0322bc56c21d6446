//! `argv` to what `main` runs: clap's parsing, then the configuration's checks, with every
//! refusal as one line (exit code 2). `main` only runs what this gives; a test calls it
//! in-process, with no binary to spawn.

use std::ffi::OsString;

use clap::error::ErrorKind;
use clap::FromArgMatches as _;

use super::help;
use crate::config::{Cli, Command, ConfigError, ExporterConfig, HealthArgs, LogArgs};
#[cfg(feature = "demo")]
use crate::config::{DemoArgs, SimulateArgs};

/// The exit code of a command line or configuration that cannot run.
pub const EXIT_REFUSED: u8 = 2;

/// What the command line asks for.
#[derive(Debug)]
pub enum Invocation {
    /// The exporter, with its checked configuration.
    Exporter {
        config: Box<ExporterConfig>,
        log: LogArgs,
    },
    /// `demo`: its configuration is checked once the simulator's address is known
    /// (`cmd::demo::exporter_config`).
    #[cfg(feature = "demo")]
    Demo(Box<DemoArgs>),
    #[cfg(feature = "demo")]
    Simulate(SimulateArgs),
    Health(HealthArgs),
    /// `--help` or `--version`: print it (`clap::Error::print` writes to standard output) and
    /// exit 0.
    Show(clap::Error),
}

/// Why the program does not start: one line for standard error, exit code [`EXIT_REFUSED`].
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// clap refused the command line.
    #[error("{line}")]
    CommandLine { kind: ErrorKind, line: String },
    #[error("{}", one_line(&.0.to_string()))]
    Config(#[from] ConfigError),
}

/// Parses `argv` (the program name first) and checks the configuration it gives;
/// `secret_key` is `SCW_SECRET_KEY`. Flags' environment twins are read from the process
/// environment, by clap.
pub fn parse_command_line<I, T>(
    argv: I,
    secret_key: Option<String>,
) -> Result<Invocation, StartError>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString>,
{
    let argv: Vec<OsString> = argv.into_iter().map(Into::into).collect();
    let mut command = help::command();
    // A subcommand comes first (`args_conflicts_with_subcommands`), and then the exporter's
    // flags are not used: neither are their environment twins read, so a variable meant for
    // the exporter cannot fail `health` or `simulate`.
    let subcommand = argv
        .get(1)
        .and_then(|arg| arg.to_str())
        .filter(|name| *name == "help" || command.find_subcommand(name).is_some())
        .map(str::to_owned);
    if subcommand.is_some() {
        command = command.mut_args(|arg| arg.env(None::<&'static str>));
    }
    let matches = match command.try_get_matches_from_mut(&argv) {
        Ok(matches) => matches,
        Err(error) => return refuse_or_show(error),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => return refuse_or_show(error),
    };
    Ok(match cli.command {
        None => Invocation::Exporter {
            config: Box::new(cli.exporter.resolve(secret_key)?),
            log: cli.exporter.log,
        },
        #[cfg(feature = "demo")]
        Some(Command::Demo(args)) => Invocation::Demo(Box::new(args)),
        #[cfg(feature = "demo")]
        Some(Command::Simulate(args)) => Invocation::Simulate(args),
        Some(Command::Health(args)) => Invocation::Health(args),
    })
}

fn refuse_or_show(error: clap::Error) -> Result<Invocation, StartError> {
    match error.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => Ok(Invocation::Show(error)),
        kind => Err(StartError::CommandLine {
            kind,
            line: one_line(&first_paragraph(&error)),
        }),
    }
}

/// `text` on one line: line breaks and other control characters escaped, as `\n` is.
pub fn one_line(text: &str) -> String {
    let mut line = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
            line.extend(c.escape_default());
        } else {
            line.push(c);
        }
    }
    line
}

/// clap's rendering up to its first blank line, on one line: the message without the tips
/// and the usage.
fn first_paragraph(error: &clap::Error) -> String {
    let rendered = error.render().to_string();
    let message = rendered
        .split("\n\n")
        .next()
        .unwrap_or("invalid command line");
    let message = message.strip_prefix("error: ").unwrap_or(message);
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(argv: &[&str]) -> String {
        let argv = std::iter::once("scaleway_exporter").chain(argv.iter().copied());
        match parse_command_line(argv, Some("k".into())) {
            Err(error) => error.to_string(),
            Ok(invocation) => panic!("{invocation:?}"),
        }
    }

    #[test]
    fn a_subcommand_refuses_the_flags_it_does_not_use() {
        #[cfg(feature = "demo")]
        assert_eq!(
            refusal(&["demo", "--scaleway.zone=fr-par-1"]),
            "unexpected argument '--scaleway.zone' found"
        );
        assert_eq!(
            refusal(&["health", "--poll.interval=5s"]),
            "unexpected argument '--poll.interval' found"
        );
    }

    #[test]
    fn exporter_flags_before_a_subcommand_are_refused() {
        let line = refusal(&["--poll.interval=5s", "health"]);
        assert!(
            line.contains("the subcommand 'health' cannot be used with"),
            "{line}"
        );
    }

    #[test]
    fn one_line_escapes_line_breaks() {
        assert_eq!(one_line("a\r\nb\u{2028}c\td"), "a\\r\\nb\\u{2028}c\\td");
    }
}
