//! The precedence of the key, the API URL and the organization, and the profile selected.

use std::os::unix::fs::PermissionsExt as _;

use clap::CommandFactory as _;

use super::*;
use crate::config::Cli;

const FILE: &str = "\
secret_key: 11111111-1111-4111-8111-111111111111
api_url: http://127.0.0.1:9001
default_organization_id: 22222222-2222-4222-8222-222222222222
active_profile: prod
profiles:
  prod:
    secret_key: 33333333-3333-4333-8333-333333333333
  dev:
    api_url: http://127.0.0.1:9002
  blank:
    secret_key: ''
    api_url: ''
";

/// A home directory holding `text` as `~/.config/scw/config.yaml`, mode 0600.
fn home_with(text: &str) -> (tempfile::TempDir, Environment) {
    let home = tempfile::tempdir().unwrap();
    let scw = home.path().join(".config/scw");
    std::fs::create_dir_all(&scw).unwrap();
    let path = scw.join("config.yaml");
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    let env = Environment {
        scw_config: SearchPath {
            home: Some(home.path().to_owned()),
            ..SearchPath::default()
        },
        ..Environment::default()
    };
    (home, env)
}

fn config_path(home: &tempfile::TempDir) -> PathBuf {
    home.path().join(".config/scw/config.yaml")
}

fn api(argv: &[&str]) -> ApiArgs {
    let matches = Cli::command()
        .try_get_matches_from(std::iter::once("scaleway_exporter").chain(argv.iter().copied()))
        .unwrap();
    Cli::from_matches(&matches).unwrap().exporter.api
}

fn key(credentials: &Credentials) -> String {
    credentials.token.current().expose().to_owned()
}

#[test]
fn with_nothing_given_the_active_profile_serves_the_key_url_and_organization() {
    let (home, env) = home_with(FILE);
    let got = resolve(&api(&[]), &env).unwrap();
    assert_eq!(key(&got), "33333333-3333-4333-8333-333333333333");
    assert_eq!(
        got.key_source,
        KeySource::Profile {
            name: "prod".into(),
            path: config_path(&home)
        }
    );
    assert_eq!(got.key_source.to_string(), "profile prod");
    // prod has neither: the top level's.
    assert_eq!(got.api_url, "http://127.0.0.1:9001");
    assert_eq!(
        got.default_organization_id.as_deref(),
        Some("22222222-2222-4222-8222-222222222222")
    );
    assert_eq!(got.notices, []);
}

#[test]
fn a_named_profile_replaces_the_active_one_and_default_is_the_top_level() {
    let (_home, env) = home_with(FILE);
    let dev = resolve(&api(&["--scaleway.profile=dev"]), &env).unwrap();
    assert_eq!(key(&dev), "11111111-1111-4111-8111-111111111111");
    assert_eq!(dev.api_url, "http://127.0.0.1:9002");
    assert_eq!(dev.key_source.to_string(), "profile dev");
    let top = resolve(&api(&["--scaleway.profile=default"]), &env).unwrap();
    assert_eq!(key(&top), "11111111-1111-4111-8111-111111111111");
    assert_eq!(top.key_source.to_string(), "profile default");
    // An empty name is no name.
    let active = resolve(&api(&["--scaleway.profile="]), &env).unwrap();
    assert_eq!(active.key_source.to_string(), "profile prod");
}

#[test]
fn the_environment_and_the_flags_come_before_the_profile_field_by_field() {
    let (home, mut env) = home_with(FILE);
    env.secret_key = Some("e0e0e0e0-0000-4000-8000-00000000e0e0".into());
    env.default_organization_id = Some("44444444-4444-4444-8444-444444444444".into());
    let got = resolve(&api(&["--scaleway.api-url=http://127.0.0.1:9003"]), &env).unwrap();
    assert_eq!(key(&got), "e0e0e0e0-0000-4000-8000-00000000e0e0");
    assert_eq!(got.key_source, KeySource::Environment);
    assert_eq!(got.api_url, "http://127.0.0.1:9003");
    assert_eq!(
        got.default_organization_id.as_deref(),
        Some("44444444-4444-4444-8444-444444444444")
    );
    // What the environment does not give still comes from the profile.
    env.default_organization_id = None;
    let got = resolve(&api(&[]), &env).unwrap();
    assert_eq!(key(&got), "e0e0e0e0-0000-4000-8000-00000000e0e0");
    assert_eq!(got.api_url, "http://127.0.0.1:9001");
    assert_eq!(
        got.default_organization_id.as_deref(),
        Some("22222222-2222-4222-8222-222222222222")
    );
    // The key file comes first of all.
    let key_file = home.path().join("key");
    std::fs::write(&key_file, "f11ef11e-0000-4000-8000-00000000f11e\n").unwrap();
    let argv = format!("--scaleway.secret-key-file={}", key_file.display());
    let got = resolve(&api(&[&argv]), &env).unwrap();
    assert_eq!(key(&got), "f11ef11e-0000-4000-8000-00000000f11e");
    assert_eq!(got.key_source, KeySource::File(key_file.clone()));
    assert_eq!(got.key_source.path(), Some(key_file.as_path()));
}

#[test]
fn without_a_file_or_a_home_the_key_is_missing_unless_a_profile_is_named() {
    let (home, env) = home_with("");
    std::fs::remove_file(config_path(&home)).unwrap();
    let error = resolve(&api(&[]), &env).unwrap_err();
    assert!(
        matches!(&error, ConfigError::MissingToken { scw_config: Some(p) } if *p == config_path(&home)),
        "{error:?}"
    );
    let line = error.to_string();
    assert!(line.contains("run `scw init`"), "{line}");
    assert!(line.contains("--scaleway.profile"), "{line}");
    let line = resolve(&api(&["--scaleway.profile=prod"]), &env)
        .unwrap_err()
        .to_string();
    assert_eq!(
        line,
        format!(
            "cannot read the scw config file {} for profile \"prod\": it does not exist; \
             run `scw init`, or set SCW_CONFIG_PATH to the file",
            config_path(&home).display()
        )
    );
    let nowhere = Environment::default();
    assert!(matches!(
        resolve(&api(&[]), &nowhere),
        Err(ConfigError::MissingToken { scw_config: None })
    ));
    assert_eq!(
        resolve(&api(&["--scaleway.profile=prod"]), &nowhere)
            .unwrap_err()
            .to_string(),
        "no scw config file to read profile \"prod\" from: set SCW_CONFIG_PATH, XDG_CONFIG_HOME or HOME"
    );
}

#[test]
fn a_profile_that_cannot_serve_is_one_line_naming_the_file_and_the_profile() {
    let (home, env) = home_with(FILE);
    let path = config_path(&home).display().to_string();
    let refused = |argv: &[&str], text: &str| {
        std::fs::write(config_path(&home), text).unwrap();
        resolve(&api(argv), &env).unwrap_err().to_string()
    };
    assert_eq!(
        refused(&["--scaleway.profile=staging"], FILE),
        format!("no profile \"staging\" in the scw config file {path}; it has default, blank, dev, prod")
    );
    assert_eq!(
        refused(
            &["--scaleway.profile=nokey"],
            "profiles:\n  nokey:\n    api_url: http://x\n"
        ),
        format!(
            "profile \"nokey\" of the scw config file {path} has no secret_key: add it there, \
             or set SCW_SECRET_KEY or --scaleway.secret-key-file"
        )
    );
    // An empty key in a named profile hides the top level's: it is not the top level's key.
    assert_eq!(
        refused(&["--scaleway.profile=blank"], FILE),
        format!("the API secret key in profile \"blank\" of the scw config file {path} is empty")
    );
    assert_eq!(
        refused(&[], "active_profile: gone\n"),
        format!("no profile \"gone\" (its active_profile) in the scw config file {path}; it has default")
    );
    assert_eq!(
        refused(&["--scaleway.profile=prod"], "profiles: [prod]\n"),
        format!("bad scw config file {path}, read for profile \"prod\": profiles is a list, not a mapping")
    );
    let line = refused(&[], "secret_key: \"open quote\n");
    assert!(
        line.starts_with(&format!(
            "bad scw config file {path}, read for its active profile: not YAML: "
        )),
        "{line}"
    );
    assert_eq!(
        refused(
            &[],
            "secret_key: 11111111-1111-4111-8111-111111111111\napi_url: api.example.com\n"
        ),
        format!(
            "bad api_url \"api.example.com\" in profile \"default\" of the scw config file {path}: \
             no scheme; did you mean https://api.example.com?"
        )
    );
    assert_eq!(
        refused(
            &[],
            "secret_key: 11111111-1111-4111-8111-111111111111\ndefault_organization_id: acme\n"
        ),
        format!(
            "bad default_organization_id \"acme\" in profile \"default\" of the scw config file \
             {path}: expected a UUID, such as 6170692e-7363-616c-6577-61792e636f6d"
        )
    );
}

#[test]
fn a_broken_file_is_skipped_with_a_notice_when_nothing_is_asked_of_it() {
    let (home, mut env) = home_with("profiles: [prod]\n");
    env.secret_key = Some("e0e0e0e0-0000-4000-8000-00000000e0e0".into());
    let got = resolve(&api(&[]), &env).unwrap();
    assert_eq!(got.key_source, KeySource::Environment);
    assert_eq!(got.api_url, "https://api.scaleway.com");
    assert_eq!(got.default_organization_id, None);
    let [Notice::Skipped { path, reason }] = got.notices.as_slice() else {
        panic!("{:?}", got.notices);
    };
    assert_eq!(*path, config_path(&home));
    assert!(reason.contains("profiles is a list"), "{reason}");
    // Named, it must serve.
    assert!(resolve(&api(&["--scaleway.profile=prod"]), &env).is_err());
    // An active_profile that names nothing, the same.
    std::fs::write(config_path(&home), "active_profile: gone\n").unwrap();
    let got = resolve(&api(&[]), &env).unwrap();
    assert!(
        matches!(got.notices.as_slice(), [Notice::Skipped { reason, .. }] if reason.contains("\"gone\"")),
        "{:?}",
        got.notices
    );
}

#[test]
fn a_file_open_to_group_or_others_is_used_with_a_notice() {
    let (home, env) = home_with(FILE);
    let path = config_path(&home);
    for (mode, noticed) in [(0o600, false), (0o400, false), (0o644, true), (0o620, true)] {
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        let got = resolve(&api(&[]), &env).unwrap();
        assert_eq!(key(&got), "33333333-3333-4333-8333-333333333333");
        let expected = if noticed {
            vec![Notice::OpenPermissions {
                path: path.clone(),
                mode,
            }]
        } else {
            vec![]
        };
        assert_eq!(got.notices, expected, "{mode:o}");
    }
}

#[test]
fn a_bad_organization_in_the_environment_names_the_variable() {
    let mut env = Environment::with_secret_key(Some("22222222-2222-4222-8222-222222222222".into()));
    env.default_organization_id = Some("acme".into());
    assert_eq!(
        resolve(&api(&[]), &env).unwrap_err().to_string(),
        "bad SCW_DEFAULT_ORGANIZATION_ID (acme): expected a UUID, such as 6170692e-7363-616c-6577-61792e636f6d"
    );
    env.default_organization_id = Some(String::new());
    assert_eq!(
        resolve(&api(&[]), &env).unwrap().default_organization_id,
        None
    );
}

#[test]
fn the_debug_of_the_environment_has_no_key() {
    let env = Environment::with_secret_key(Some("5ec-d1571nc7".into()));
    assert!(!format!("{env:?}").contains("5ec-d1571nc7"));
}
