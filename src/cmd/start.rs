//! `argv` to what `main` runs: clap's parsing, then the configuration's checks, with every
//! refusal as one line (exit code 2). `main` only runs what this gives; a test calls it
//! in-process, with no binary to spawn.

use std::ffi::OsString;
use std::fmt::Write as _;

use clap::error::{ContextKind, ContextValue, ErrorKind};

use super::help;
use crate::config::{
    collapse_whitespace, Cli, Command, ConfigError, Environment, ExporterConfig, HealthArgs,
    KeySource, LogArgs, Notice,
};
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
        /// Where the key came from, for the start line.
        key_source: KeySource,
        /// What to warn about the `scw` CLI's file, once logging is set up.
        notices: Vec<Notice>,
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
    /// clap refused the command line; the line keeps what clap's help would have added.
    #[error("{line}")]
    CommandLine { kind: ErrorKind, line: String },
    #[error("{}", one_line(&.0.to_string()))]
    Config(#[from] ConfigError),
}

/// Parses `argv` (the program name first) and checks the configuration it gives, with the
/// key and the `scw` CLI's file that `env` names. Flags' environment twins are read from
/// the process environment, by clap.
pub fn parse_command_line<I, T>(argv: I, env: &Environment) -> Result<Invocation, StartError>
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
        Err(error) => return refuse_or_show(error, &command, subcommand.as_deref()),
    };
    let cli = match Cli::from_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => return refuse_or_show(error, &command, subcommand.as_deref()),
    };
    Ok(match cli.command {
        None => {
            let resolved = cli.exporter.resolve(env)?;
            Invocation::Exporter {
                config: Box::new(resolved.config),
                log: cli.exporter.log,
                key_source: resolved.key_source,
                notices: resolved.notices,
            }
        }
        #[cfg(feature = "demo")]
        Some(Command::Demo(args)) => Invocation::Demo(Box::new(args)),
        #[cfg(feature = "demo")]
        Some(Command::Simulate(args)) => Invocation::Simulate(args),
        Some(Command::Health(args)) => Invocation::Health(args),
    })
}

fn refuse_or_show(
    error: clap::Error,
    command: &clap::Command,
    subcommand: Option<&str>,
) -> Result<Invocation, StartError> {
    match error.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => Ok(Invocation::Show(error)),
        kind => Err(StartError::CommandLine {
            kind,
            line: one_line(&clap_line(&error, command, subcommand)),
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

fn quoted(text: &str) -> String {
    format!("'{}'", one_line(text))
}

/// clap's message in one line: its first line rebuilt from the error's context, and what its
/// later lines say (the possible values, "did you mean"), plus where a flag of another
/// subcommand, or the key, goes.
fn clap_line(error: &clap::Error, command: &clap::Command, subcommand: Option<&str>) -> String {
    let mut line = clap_message(error);
    let valid = context_strings(error, ContextKind::ValidValue);
    if !valid.is_empty() {
        let _ = write!(line, "; possible values: {}", valid.join(", "));
    }
    let unknown_long = match (error.kind(), context_string(error, ContextKind::InvalidArg)) {
        (ErrorKind::UnknownArgument, Some(arg)) => arg.strip_prefix("--"),
        _ => None,
    };
    let takers = unknown_long
        .map(|long| commands_taking(command, long))
        .unwrap_or_default();
    if let Some(long) = unknown_long.filter(|long| takers.is_empty() && names_the_key(long)) {
        let _ = write!(
            line,
            "; the API secret key is never a flag (--{long} would show in the process list): \
             set SCW_SECRET_KEY, or --scaleway.secret-key-file to read it from a file, or \
             --scaleway.profile to read it from a profile of the scw CLI"
        );
    } else if !takers.is_empty() {
        // The flag exists, elsewhere: that, not a look-alike of this command, is the answer.
        let this = match subcommand {
            Some(name) => format!("`{name}`"),
            None => "the exporter".to_owned(),
        };
        let verb = if takers.len() == 1 { "does" } else { "do" };
        let _ = write!(
            line,
            "; {this} does not take it, {} {verb}",
            and_list(&takers)
        );
    } else {
        let suggested: Vec<String> = [
            ContextKind::SuggestedArg,
            ContextKind::SuggestedSubcommand,
            ContextKind::SuggestedValue,
        ]
        .into_iter()
        .flat_map(|kind| context_strings(error, kind))
        .map(|suggestion| quoted(&suggestion))
        .collect();
        if !suggested.is_empty() {
            let _ = write!(line, "; did you mean {}?", suggested.join(" or "));
        }
    }
    line
}

/// A text of the error's context.
fn context_string(error: &clap::Error, kind: ContextKind) -> Option<&str> {
    match error.get(kind) {
        Some(ContextValue::String(text)) => Some(text.as_str()),
        _ => None,
    }
}

/// The texts of the error's context, one or several.
fn context_strings(error: &clap::Error, kind: ContextKind) -> Vec<String> {
    match error.get(kind) {
        Some(ContextValue::Strings(texts)) => texts.clone(),
        Some(ContextValue::String(text)) => vec![text.clone()],
        _ => Vec::new(),
    }
}

/// clap's first line, rebuilt from the error's context where clap's own words would need its
/// usage lines to make sense.
fn clap_message(error: &clap::Error) -> String {
    let invalid_arg = context_string(error, ContextKind::InvalidArg);
    let invalid_value = context_string(error, ContextKind::InvalidValue);
    let subcommand = context_string(error, ContextKind::InvalidSubcommand);
    match (error.kind(), invalid_arg, invalid_value) {
        (ErrorKind::UnknownArgument, Some(arg), _) => {
            format!("unexpected argument {} found", quoted(arg))
        }
        (ErrorKind::InvalidValue | ErrorKind::ValueValidation, Some(arg), Some("")) => {
            format!("a value is required for {} but none was supplied", quoted(arg))
        }
        (ErrorKind::InvalidValue | ErrorKind::ValueValidation, Some(arg), Some(value)) => {
            let mut line = format!("invalid value {} for {}", quoted(value), quoted(arg));
            if let Some(source) = std::error::Error::source(error) {
                let _ = write!(line, ": {source}");
            }
            line
        }
        (ErrorKind::InvalidSubcommand, _, _) => match subcommand {
            Some(name) => format!("unrecognized subcommand {}", quoted(name)),
            None => first_paragraph(error),
        },
        (ErrorKind::ArgumentConflict, _, _) => match subcommand {
            Some(name) => format!(
                "{} cannot go before the subcommand {}: a subcommand comes first, then its own flags",
                context_strings(error, ContextKind::PriorArg)
                    .iter()
                    .map(|arg| quoted(arg))
                    .collect::<Vec<_>>()
                    .join(", "),
                quoted(name)
            ),
            None => first_paragraph(error),
        },
        _ => first_paragraph(error),
    }
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
    collapse_whitespace(message)
}

/// The commands that take `--long`: "the exporter" (no subcommand) and each subcommand.
fn commands_taking(command: &clap::Command, long: &str) -> Vec<String> {
    let takes =
        |command: &clap::Command| command.get_arguments().any(|a| a.get_long() == Some(long));
    let mut takers = Vec::new();
    if takes(command) {
        takers.push("the exporter".to_owned());
    }
    for sub in command.get_subcommands() {
        if takes(sub) {
            takers.push(format!("`{}`", sub.get_name()));
        }
    }
    takers
}

/// A flag name that reads as the key itself: `--scaleway.secret-key`, `--token`, `--api-key`.
fn names_the_key(long: &str) -> bool {
    long.split(|c: char| !c.is_ascii_alphanumeric())
        .map(str::to_ascii_lowercase)
        .any(|word| {
            matches!(
                word.as_str(),
                "secret" | "token" | "key" | "apikey" | "secretkey"
            )
        })
}

fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A key of the shape of a Scaleway secret key, as `SecretKey::new` requires.
    const KEY: &str = "c0ff1ce0-0000-4000-8000-00000000c0de";

    fn refusal(argv: &[&str]) -> String {
        let argv = std::iter::once("scaleway_exporter").chain(argv.iter().copied());
        match parse_command_line(argv, &Environment::with_secret_key(Some(KEY.into()))) {
            Err(error) => error.to_string(),
            Ok(invocation) => panic!("{invocation:?}"),
        }
    }

    #[test]
    fn a_value_outside_the_list_names_the_possible_values() {
        assert_eq!(
            refusal(&["--log.level=verbose"]),
            "invalid value 'verbose' for '--log.level <LOG_LEVEL>'; possible values: error, warn, info, debug, trace"
        );
    }

    #[test]
    fn a_misspelt_flag_gets_a_suggestion() {
        assert_eq!(
            refusal(&["--poll.intervall=5s"]),
            "unexpected argument '--poll.intervall' found; did you mean '--poll.interval'?"
        );
    }

    #[test]
    fn a_flag_for_the_key_says_where_the_key_goes_and_never_repeats_it() {
        for flag in ["--scaleway.secret-key", "--token", "--scaleway.api-key"] {
            let line = refusal(&[&format!("{flag}={KEY}")]);
            assert!(
                line.contains("set SCW_SECRET_KEY, or --scaleway.secret-key-file"),
                "{line}"
            );
            assert!(!line.contains(KEY), "{line}");
        }
    }

    #[test]
    fn a_flag_of_another_command_says_which_takes_it() {
        #[cfg(feature = "demo")]
        assert_eq!(
            refusal(&["demo", "--scaleway.zone=fr-par-1"]),
            "unexpected argument '--scaleway.zone' found; `demo` does not take it, the exporter does"
        );
        assert_eq!(
            refusal(&["health", "--poll.interval=5s"]),
            if cfg!(feature = "demo") {
                "unexpected argument '--poll.interval' found; `health` does not take it, the exporter and `demo` do"
            } else {
                "unexpected argument '--poll.interval' found; `health` does not take it, the exporter does"
            }
        );
    }

    #[test]
    fn exporter_flags_before_a_subcommand_are_refused() {
        let line = refusal(&["--poll.interval=5s", "health"]);
        assert!(
            line.contains("cannot go before the subcommand 'health'"),
            "{line}"
        );
    }

    #[test]
    fn values_with_line_breaks_stay_on_one_line() {
        let line = refusal(&["--log.format=a\nb"]);
        assert!(
            line.starts_with("invalid value 'a\\nb' for '--log.format"),
            "{line}"
        );
        assert_eq!(one_line("a\r\nb\u{2028}c\td"), "a\\r\\nb\\u{2028}c\\td");
    }
}
