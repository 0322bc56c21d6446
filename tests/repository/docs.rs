//! The generated reference pages: `docs/metrics.md` from the exporter's metric descriptors and
//! `docs/configuration.md` from its command line. Each test renders the page from the code and
//! fails when the file differs; `UPDATE_GENERATED=1 cargo test --test repository docs::` rewrites them.

use std::fmt::Write as _;
use std::path::Path;

use scaleway_exporter::cmd::help;
use scaleway_exporter::metrics::descriptors;
use scaleway_exporter::product::Product;

const REGENERATE: &str = "UPDATE_GENERATED=1 cargo test --test repository docs::";

/// Compares `rendered` with the file, or rewrites the file when asked.
fn check_generated(relative: &str, rendered: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    if std::env::var_os("UPDATE_GENERATED").is_some() {
        std::fs::write(&path, rendered).unwrap();
        return;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    if on_disk != rendered {
        let first_difference = on_disk
            .lines()
            .zip(rendered.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| on_disk.lines().count().min(rendered.lines().count()));
        panic!(
            "{relative} is stale (first difference at line {}); run `{REGENERATE}`",
            first_difference + 1
        );
    }
}

/// Text for a Markdown table cell: one line, pipes escaped.
fn cell(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

fn render_metrics() -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Metrics\n\n<!-- Generated from the metric descriptors of src/metrics/ (`metrics::descriptors()`) and the products of src/product/ by `{REGENERATE}`: edit those, not this file. -->\n"
    );
    out.push_str(
        "Every series below is served on the telemetry path (`/metrics` by default) in the text \
format 0.0.4, encoded once per poll. Per-server series carry `zone`, `server_id` and `name`, \
and are cached from the last successful poll of their zone: a failed poll keeps them and sets \
the zone's `scaleway_exporter_poll_success` to 0; a server gone from the API is gone at the \
next successful poll of its zone.\n\n",
    );
    out.push_str("| metric | type | labels | meaning |\n|---|---|---|---|\n");
    for d in descriptors() {
        let labels = d
            .labels
            .iter()
            .map(|l| format!("`{l}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            d.name,
            d.kind.as_str(),
            labels,
            cell(d.help)
        );
    }
    out.push('\n');
    for product in Product::ALL {
        let spec = product.spec();
        let states: Vec<String> = product
            .states()
            .iter()
            .map(|s| format!("`{}`", s.label()))
            .collect();
        let _ = writeln!(
            out,
            "`{}state` ({}) has one series per state of {}; a server is up in `{}`.",
            spec.metric_prefix,
            spec.title,
            states.join(", "),
            product.up_state().label()
        );
    }
    out.push_str("\nA state the API adds later reads as `unknown`.\n");
    out.push_str(
        "\nThe process metrics of the Prometheus client library are exported \
too (`process_cpu_seconds_total`, `process_resident_memory_bytes`, `process_open_fds`, \
`process_start_time_seconds`, ...).\n\nHow many series a fleet makes, and what that costs: \
[scaling.md](scaling.md).\n",
    );
    out
}

#[test]
fn the_metrics_reference_is_generated_from_the_descriptors() {
    let rendered = render_metrics();
    for d in descriptors() {
        assert!(rendered.contains(&format!("| `{}` |", d.name)));
    }
    check_generated("docs/metrics.md", &rendered);
}

/// The configuration reference describes the default build, whose `demo` and `simulate`
/// subcommands an exporter built without the `demo` feature does not have.
#[cfg(feature = "demo")]
mod configuration {
    use clap::Arg;

    use super::*;

    fn flag_name(arg: &Arg) -> String {
        let long = arg.get_long().expect("user flags are long flags");
        let value = arg
            .get_value_names()
            .and_then(|names| names.first())
            .map(|name| format!(" <{name}>"))
            .unwrap_or_default();
        format!("`--{long}{value}`")
    }

    fn meaning(arg: &Arg) -> String {
        let mut text = arg
            .get_long_help()
            .or(arg.get_help())
            .map(|help| help.to_string())
            .unwrap_or_default();
        // clap drops the final period of a one-line doc comment; a table of sentences wants it.
        if !text.is_empty() && !text.ends_with('.') {
            text.push('.');
        }
        if arg.get_value_delimiter() == Some(',') && arg.get_env().is_some() {
            text.push_str(" Repeatable; the environment takes a comma list.");
        }
        let values: Vec<String> = arg
            .get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| match v.get_help() {
                Some(help) => format!("`{}` ({})", v.get_name(), help),
                None => format!("`{}`", v.get_name()),
            })
            .collect();
        if !values.is_empty() {
            let _ = write!(text, " One of: {}.", values.join("; "));
        }
        cell(&text)
    }

    fn default_of(arg: &Arg) -> String {
        let defaults: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|v| format!("`{}`", v.to_string_lossy()))
            .collect();
        if defaults.is_empty() {
            "—".to_owned()
        } else {
            defaults.join(", ")
        }
    }

    /// Whether `command` takes `--long`.
    fn takes(command: &clap::Command, long: &str) -> bool {
        help::user_flags(command).any(|arg| arg.get_long() == Some(long))
    }

    /// The commands that take `--long`: `exporter` (no subcommand) and each subcommand.
    fn taken_by(command: &clap::Command, long: &str) -> String {
        let mut takers = Vec::new();
        if takes(command, long) {
            takers.push("exporter".to_owned());
        }
        for sub in command.get_subcommands() {
            if takes(sub, long) {
                takers.push(format!("`{}`", sub.get_name()));
            }
        }
        takers.join(", ")
    }

    /// How the key, the API URL and the organization are found: written here, since no flag
    /// definition says it.
    const PROFILES: &str = "
## The key and the scw CLI's profiles

Whoever uses the `scw` CLI has a key in its config file already, in a profile. The exporter \
reads that file as the CLI and Scaleway's SDKs do: what the environment gives first, then the \
selected profile. Each setting is taken on its own, so a key from `SCW_SECRET_KEY` still goes \
with the profile's `api_url` when `SCW_API_URL` is not set.

| setting | taken from, first that is set |
|---|---|
| the key | `--scaleway.secret-key-file`, `SCW_SECRET_KEY`, the profile's `secret_key` |
| the API URL | `--scaleway.api-url`, `SCW_API_URL`, the profile's `api_url`, `https://api.scaleway.com` |
| the default organization | `SCW_DEFAULT_ORGANIZATION_ID`, the profile's `default_organization_id` (its projects' names are read even when no server of it is seen) |

- **The file** is `SCW_CONFIG_PATH`, else `$XDG_CONFIG_HOME/scw/config.yaml`, else \
`~/.config/scw/config.yaml`; in those two places, `config.yml` when only it exists.
- **The profile** is `--scaleway.profile` (or `SCW_PROFILE`), else the file's \
`active_profile`, else its top level. The top level is the profile `default`; any other \
profile takes the fields it lacks from the top level. An empty name is no name.
- **Not read:** a profile's `access_key`, `default_project_id`, `default_region`, \
`default_zone` and the rest. The exporter polls every zone unless `--scaleway.zone` says \
otherwise, whatever the profile's zone.
- **Read once**, at start: a key changed in the file is used after a restart. (A key file \
given by `--scaleway.secret-key-file` is re-read when it changes.)
- **The start line** (`exporter starting`) says where the key came from: \
`key_source=environment`, `key_source=file` or `key_source=\"profile NAME\"`, with \
`key_path` the file it was read from. It never holds the key.
- **Exit code 2**, with one line that names the file and the profile: a named profile the \
file lacks (or no file at all), a file that is not YAML or not the shape of the `scw` CLI's \
file, a profile with no `secret_key` when the key must come from it, an `api_url` or \
`default_organization_id` of the profile that is used and is not a URL or a UUID. With no \
profile named and no file, the file is simply not used.
- **A broken file nobody asked for.** When the key comes from `SCW_SECRET_KEY` or a key file \
and no profile is named, a file that cannot be read or parsed, or whose `active_profile` \
names no profile, is not used: the exporter starts, and one `warn` line names the file and \
what is wrong with it. Its `api_url` and `default_organization_id` do not serve then. A \
monitoring daemon that stopped over another tool's file, which nothing was asked of, would \
page someone for no reason; the SDKs, which fail on such a file, are libraries whose caller \
decides. Name the profile (`--scaleway.profile`) to have such a file stop the start instead.
- **Permissions.** The `scw` CLI writes the file 0600. A file that group or others may read \
or write is used, with one `warn` line at start that gives its mode.

What the exporter relies on about the file's format: \
[api-notes.md](api-notes.md#the-scw-clis-configuration-file).
";

    fn render_configuration() -> String {
        let command = help::command();
        let mut out = String::new();
        let _ = writeln!(
        out,
        "# Configuration\n\n<!-- Generated from the command line (src/config/cli.rs, src/cmd/help.rs) by `{REGENERATE}`: edit the code, not this file. -->\n"
    );
        out.push_str(
            "Every flag of the exporter has an environment twin; the flag wins when both are set. \
`scaleway_exporter --help` prints the same, grouped the same way.\n\n\
Each subcommand takes only the flags it uses: the column *taken by* says which (`exporter` is \
the exporter itself, run without a subcommand), and `scaleway_exporter <COMMAND> --help` lists \
them. A flag given to a command that does not take it is refused, and so is an exporter flag \
given before a subcommand: the subcommand comes first. A subcommand reads the environment \
twins of its own flags only.\n\n\
The API secret key is read from the file named by `--scaleway.secret-key-file` (re-read \
when it changes, so a rotated Kubernetes or Docker secret is used without a restart), or \
from `SCW_SECRET_KEY`, or else from a profile of the `scw` CLI's config file (see \
[The key and the scw CLI's profiles](#the-key-and-the-scw-clis-profiles)). It is never \
accepted as a flag value, so it never shows in a process list, and it never appears in \
logs, metrics or the pages.\n\n\
A missing key, a key that cannot be a Scaleway secret key (not a UUID, or an access key \
pasted in its place), a profile that cannot serve, a bad duration, a malformed zone, an unreadable \
file, a telemetry path the router cannot serve, a flag the command does not take or a busy \
port ends the process at start with exit code 2 and one line on standard error that says \
what to fix.\n",
        );
        let flags: Vec<&Arg> = help::user_flags(&command).collect();
        let mut headings: Vec<&str> = Vec::new();
        for flag in &flags {
            let heading = flag.get_help_heading().unwrap_or("Other flags");
            if !headings.contains(&heading) {
                headings.push(heading);
            }
        }
        for heading in headings {
            let _ = writeln!(
            out,
            "\n## {heading}\n\n| flag | environment | default | taken by | meaning |\n|---|---|---|---|---|"
        );
            for flag in flags
                .iter()
                .filter(|f| f.get_help_heading().unwrap_or("Other flags") == heading)
            {
                let env = flag
                    .get_env()
                    .map(|e| format!("`{}`", e.to_string_lossy()))
                    .unwrap_or_else(|| "—".to_owned());
                let _ = writeln!(
                    out,
                    "| {} | {env} | {} | {} | {} |",
                    flag_name(flag),
                    default_of(flag),
                    taken_by(&command, flag.get_long().unwrap()),
                    meaning(flag)
                );
            }
        }
        out.push_str(PROFILES);
        out.push_str("\n## Subcommands\n");
        for sub in command.get_subcommands() {
            let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
            let _ = writeln!(
                out,
                "\n### `scaleway_exporter {}`\n\n{}",
                sub.get_name(),
                cell(&about)
            );
            // The exporter's flags it takes, in the exporter's order, as the subcommand has them.
            let shared: Vec<&Arg> = help::user_flags(&command)
                .filter_map(|exporters| {
                    help::user_flags(sub).find(|flag| flag.get_long() == exporters.get_long())
                })
                .collect();
            let own: Vec<&Arg> = help::user_flags(sub)
                .filter(|flag| !takes(&command, flag.get_long().unwrap()))
                .collect();
            if !shared.is_empty() {
                let names: Vec<String> = shared
                    .iter()
                    .map(|flag| format!("`--{}`", flag.get_long().unwrap()))
                    .collect();
                let _ = write!(
                    out,
                    "\nIt takes these flags of the exporter: {}.",
                    names.join(", ")
                );
                let different: Vec<String> = shared
                    .iter()
                    .filter_map(|flag| {
                        let long = flag.get_long().unwrap();
                        let exporters =
                            help::user_flags(&command).find(|f| f.get_long() == Some(long))?;
                        (exporters.get_default_values() != flag.get_default_values())
                            .then(|| format!("`--{long}` defaults to {}", default_of(flag)))
                    })
                    .collect();
                if !different.is_empty() {
                    let _ = write!(out, " Here {}.", different.join(", "));
                }
                out.push('\n');
            }
            if own.is_empty() {
                continue;
            }
            out.push_str(if shared.is_empty() {
                "\nIts flags:\n"
            } else {
                "\nAnd its own:\n"
            });
            out.push_str("\n| flag | environment | default | meaning |\n|---|---|---|---|\n");
            for flag in own {
                let env = flag
                    .get_env()
                    .map(|e| format!("`{}`", e.to_string_lossy()))
                    .unwrap_or_else(|| "—".to_owned());
                let _ = writeln!(
                    out,
                    "| {} | {env} | {} | {} |",
                    flag_name(flag),
                    default_of(flag),
                    meaning(flag)
                );
            }
        }
        out
    }

    #[test]
    fn the_configuration_reference_lists_every_flag_with_its_twin_and_default() {
        let rendered = render_configuration();
        let command = help::command();
        for flag in help::user_flags(&command) {
            let env = flag.get_env().unwrap().to_string_lossy().into_owned();
            let row = rendered
                .lines()
                .find(|line| line.starts_with(&format!("| `--{}", flag.get_long().unwrap())))
                .unwrap_or_else(|| panic!("no row for --{}", flag.get_long().unwrap()));
            assert!(row.contains(&format!("`{env}`")), "{row}");
        }
        assert!(rendered
            .contains("| `--poll.interval <DURATION>` | `SCW_EXPORTER_POLL_INTERVAL` | `60s` |"));
        check_generated("docs/configuration.md", &rendered);
    }
}

/// The relative links of a Markdown text: `](target)`, without anchors and absolute URLs.
fn relative_links(text: &str) -> Vec<String> {
    text.match_indices("](")
        .filter_map(|(at, _)| {
            let rest = &text[at + 2..];
            let target = &rest[..rest.find(')')?];
            let path = target.split('#').next().unwrap_or("");
            (!path.is_empty() && !path.contains("://") && !path.starts_with("mailto:"))
                .then(|| path.to_owned())
        })
        .collect()
}

#[test]
fn every_relative_link_of_the_documentation_leads_to_a_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut pages = vec![
        root.join("README.md"),
        root.join("alerts/README.md"),
        root.join("examples/compose/README.md"),
        root.join("deploy/kubernetes/README.md"),
    ];
    for entry in std::fs::read_dir(root.join("docs")).unwrap() {
        pages.push(entry.unwrap().path());
    }
    let mut checked = 0;
    for page in pages {
        let text = std::fs::read_to_string(&page).unwrap();
        for link in relative_links(&text) {
            let target = page.parent().unwrap().join(&link);
            assert!(target.exists(), "{}: {link} does not exist", page.display());
            checked += 1;
        }
    }
    assert!(checked >= 10, "{checked} links");
    // The README names every page of docs/.
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    for entry in std::fs::read_dir(root.join("docs")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(
            readme.contains(&format!("(docs/{name})")),
            "README does not link docs/{name}"
        );
    }
}

#[test]
fn the_readme_configuration_table_has_a_row_for_every_flag_with_its_twin() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let command = help::command();
    for flag in help::user_flags(&command) {
        let long = flag.get_long().unwrap();
        let env = flag.get_env().unwrap().to_string_lossy().into_owned();
        let row = readme
            .lines()
            .find(|line| line.starts_with(&format!("| `--{long}`")))
            .unwrap_or_else(|| panic!("README's configuration table has no row for --{long}"));
        assert!(
            row.contains(&format!("`{env}`")),
            "README row for --{long} lacks {env}: {row}"
        );
    }
}
