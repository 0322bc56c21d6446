//! How `--help` reads: the flags grouped under a heading named after their dotted prefix
//! (`--scaleway.*`, `--poll.*`, `--web.*`, `--log.*`), each with its environment twin and
//! default. The grouping is derived from the names rather than written on each flag, so a
//! flag added later lands in its group by being named like its neighbours.

use clap::{Arg, CommandFactory as _};

use crate::config::Cli;

/// The heading of each flag prefix, in the order `--help` shows them.
pub const HEADINGS: &[(&str, &str)] = &[
    ("scaleway", "Scaleway API"),
    ("poll", "Polling"),
    ("web", "HTTP server"),
    ("log", "Logging"),
    ("demo", "Demo"),
    ("health", "Health check"),
];

/// The command line as `main` parses it: [`Cli`] with its flags grouped.
pub fn command() -> clap::Command {
    let command = group_flags(Cli::command()).help_template(HELP_TEMPLATE);
    // The demo polls more often than the exporter, so its fleet moves on the pages; its
    // `--help` says so.
    // (`mut_subcommands`, not `mut_subcommand`, which would move `demo` to the end of the list.)
    #[cfg(feature = "demo")]
    let command = command.mut_subcommands(|sub| match sub.get_name() {
        "demo" => sub.mut_arg("interval", |arg| {
            arg.default_value(super::demo::DEMO_POLL_INTERVAL)
        }),
        _ => sub,
    });
    command
}

/// The version on the first line, so a pasted `--help` says which release it describes.
const HELP_TEMPLATE: &str = "\
{name} {version}
{about-with-newline}
{usage-heading} {usage}

{all-args}{after-help}";

/// The heading of a long flag name (`scaleway.zone` -> `Scaleway API`), if it has one.
pub fn heading_for(long: &str) -> Option<&'static str> {
    let (prefix, _) = long.split_once('.')?;
    HEADINGS
        .iter()
        .find(|(known, _)| *known == prefix)
        .map(|(_, heading)| *heading)
}

fn group_flags(command: clap::Command) -> clap::Command {
    command
        .mut_args(|arg| {
            // `[env: SCW_API_URL]` rather than the value the environment happens to hold.
            let arg = arg.hide_env_values(true);
            match arg.get_long().and_then(heading_for) {
                Some(heading) => arg.help_heading(heading),
                None => arg,
            }
        })
        .mut_subcommands(group_flags)
}

/// The flags a user sets on `command` itself (not `--help` and `--version`).
pub fn user_flags(command: &clap::Command) -> impl Iterator<Item = &Arg> {
    command
        .get_arguments()
        .filter(|arg| !matches!(arg.get_id().as_str(), "help" | "version"))
        .filter(|arg| arg.get_long().is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_exporter_flag_has_a_heading_and_an_environment_twin() {
        let command = command();
        let flags: Vec<&Arg> = user_flags(&command).collect();
        assert!(flags.len() >= 10);
        for flag in flags {
            let long = flag.get_long().unwrap();
            assert!(heading_for(long).is_some(), "--{long} has no heading");
            assert_eq!(flag.get_help_heading(), heading_for(long), "--{long}");
            assert!(flag.get_env().is_some(), "--{long} has no environment twin");
        }
    }

    #[test]
    fn every_dotted_flag_of_a_subcommand_has_its_heading() {
        let command = command();
        for sub in command.get_subcommands() {
            for flag in user_flags(sub) {
                let long = flag.get_long().unwrap();
                if long.contains('.') {
                    assert!(heading_for(long).is_some(), "{} --{long}", sub.get_name());
                    assert_eq!(flag.get_help_heading(), heading_for(long), "--{long}");
                }
            }
        }
    }

    #[cfg(feature = "demo")]
    #[test]
    fn the_demo_polls_every_15_seconds_unless_told_otherwise() {
        let command = command();
        let demo = command.find_subcommand("demo").unwrap();
        let interval = demo
            .get_arguments()
            .find(|a| a.get_long() == Some("poll.interval"))
            .unwrap();
        assert_eq!(interval.get_default_values(), ["15s"]);
    }

    #[test]
    fn a_flag_without_a_known_prefix_keeps_the_default_heading() {
        assert_eq!(heading_for("listen-address"), None);
        assert_eq!(heading_for("web.listen-address"), Some("HTTP server"));
        assert_eq!(heading_for("nonsense.flag"), None);
    }
}
