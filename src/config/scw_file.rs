//! The `scw` CLI's configuration file, as far as the exporter reads it: where it is, the
//! three fields of a profile the exporter uses, and which profile is selected. What the
//! exporter relies on about the file is in docs/api-notes.md#the-scw-clis-configuration-file.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde_norway::Value;

use super::collapse_whitespace;

/// The name of the file's top level, as a profile.
pub const DEFAULT_PROFILE: &str = "default";

/// Where the file is looked for: `SCW_CONFIG_PATH`, else the `scw` directory of
/// `XDG_CONFIG_HOME`, else `~/.config/scw`. Empty variables count as unset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchPath {
    /// `SCW_CONFIG_PATH`.
    pub config_path: Option<PathBuf>,
    /// `XDG_CONFIG_HOME`.
    pub xdg_config_home: Option<PathBuf>,
    /// `HOME`.
    pub home: Option<PathBuf>,
}

impl SearchPath {
    /// The file to read, or `None` when no variable says where to look. In the default
    /// directory, `config.yml` is read when `config.yaml` does not exist and it does.
    pub fn locate(&self) -> Option<PathBuf> {
        let set = |path: &Option<PathBuf>| path.clone().filter(|p| !p.as_os_str().is_empty());
        if let Some(path) = set(&self.config_path) {
            return Some(path);
        }
        let directory = match set(&self.xdg_config_home) {
            Some(xdg) => xdg.join("scw"),
            None => set(&self.home)?.join(".config").join("scw"),
        };
        let yaml = directory.join("config.yaml");
        let yml = directory.join("config.yml");
        Some(if !exists(&yaml) && exists(&yml) {
            yml
        } else {
            yaml
        })
    }
}

/// True when `path` exists, or may: a path that cannot be looked at is tried and fails then.
fn exists(path: &Path) -> bool {
    path.try_exists().unwrap_or(true)
}

/// The fields of a profile the exporter uses. The others (`access_key`, the default
/// project, region and zone, ...) are not read, whatever they hold.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Profile {
    pub secret_key: Option<String>,
    pub api_url: Option<String>,
    pub default_organization_id: Option<String>,
}

impl fmt::Debug for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Profile")
            .field(
                "secret_key",
                &self.secret_key.as_ref().map(|_| "<redacted>"),
            )
            .field("api_url", &self.api_url)
            .field("default_organization_id", &self.default_organization_id)
            .finish()
    }
}

impl Profile {
    /// `self`, with each field that `over` sets taken from `over`.
    pub fn merged_with(&self, over: &Profile) -> Profile {
        let pick = |mine: &Option<String>, theirs: &Option<String>| theirs.clone().or(mine.clone());
        Profile {
            secret_key: pick(&self.secret_key, &over.secret_key),
            api_url: pick(&self.api_url, &over.api_url),
            default_organization_id: pick(
                &self.default_organization_id,
                &over.default_organization_id,
            ),
        }
    }
}

/// Why the file could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    NotFound,
    /// It exists but cannot be read (permissions, a directory).
    Unreadable(String),
    /// It is not YAML, or not the shape of the file: never quotes a value of the file.
    Invalid(String),
}

/// The file, read: its top level, its `active_profile` and its named profiles.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScwFile {
    top: Profile,
    active_profile: Option<String>,
    profiles: BTreeMap<String, Profile>,
}

impl ScwFile {
    /// Reads the file at `path`, and, on Unix, its permission bits when group or others
    /// may read or write it.
    pub fn load(path: &Path) -> Result<(ScwFile, Option<u32>), LoadError> {
        let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => LoadError::NotFound,
            _ => LoadError::Unreadable(e.to_string()),
        })?;
        let file = ScwFile::parse(&text).map_err(LoadError::Invalid)?;
        #[cfg(unix)]
        let open_mode = std::fs::metadata(path)
            .ok()
            .map(|m| std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o777)
            .filter(|mode| mode & 0o066 != 0);
        #[cfg(not(unix))]
        let open_mode = None;
        Ok((file, open_mode))
    }

    /// The file's text, read as YAML and then walked by hand, so that an error names where
    /// the shape is wrong and never quotes a value (one may be a key).
    pub fn parse(text: &str) -> Result<ScwFile, String> {
        let value: Value = serde_norway::from_str(text).or_else(|e| {
            // A file of comments only, as `scw init` may leave it, holds no document.
            if text
                .lines()
                .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
            {
                Ok(Value::Null)
            } else {
                Err(format!("not YAML: {}", collapse_whitespace(&e.to_string())))
            }
        })?;
        let top = match &value {
            Value::Null => return Ok(ScwFile::default()),
            Value::Mapping(top) => top,
            other => return Err(format!("the top level is {}, not a mapping", kind(other))),
        };
        let mut file = ScwFile {
            top: profile_of(&value, "the top level")?,
            active_profile: string_field(top, "active_profile", "the top level")?,
            profiles: BTreeMap::new(),
        };
        match top.get("profiles") {
            None | Some(Value::Null) => {}
            Some(Value::Mapping(profiles)) => {
                for (name, profile) in profiles {
                    let Some(name) = scalar_text(name) else {
                        return Err(format!("a profile name is {}, not text", kind(name)));
                    };
                    let at = format!("profile {name:?}");
                    file.profiles.insert(name, profile_of(profile, &at)?);
                }
            }
            Some(other) => return Err(format!("profiles is {}, not a mapping", kind(other))),
        }
        Ok(file)
    }

    /// The profile `name`: the top level for `default`, else the named profile with the
    /// top level's fields where it has none. `None` when the file has no such profile.
    pub fn profile(&self, name: &str) -> Option<Profile> {
        if name == DEFAULT_PROFILE {
            return Some(self.top.clone());
        }
        self.profiles.get(name).map(|p| self.top.merged_with(p))
    }

    /// The profile used when none is named: `active_profile` if set, else the top level.
    pub fn active_name(&self) -> &str {
        self.active_profile
            .as_deref()
            .filter(|name| !name.is_empty())
            .unwrap_or(DEFAULT_PROFILE)
    }

    /// The names of the file's profiles, `default` first: to say which exist.
    pub fn names(&self) -> Vec<&str> {
        std::iter::once(DEFAULT_PROFILE)
            .chain(
                self.profiles
                    .keys()
                    .map(String::as_str)
                    .filter(|n| *n != DEFAULT_PROFILE),
            )
            .collect()
    }
}

fn profile_of(value: &Value, at: &str) -> Result<Profile, String> {
    let fields = match value {
        Value::Null => return Ok(Profile::default()),
        Value::Mapping(fields) => fields,
        other => return Err(format!("{at} is {}, not a mapping", kind(other))),
    };
    Ok(Profile {
        secret_key: string_field(fields, "secret_key", at)?,
        api_url: string_field(fields, "api_url", at)?,
        default_organization_id: string_field(fields, "default_organization_id", at)?,
    })
}

/// A field that holds text: a string, or a number or boolean. Null is unset; an empty
/// string is set, and hides the top level's value in a named profile.
fn string_field(
    fields: &serde_norway::Mapping,
    name: &str,
    at: &str,
) -> Result<Option<String>, String> {
    match fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => scalar_text(value)
            .map(Some)
            .ok_or_else(|| format!("{name} of {at} is {}, not text", kind(value))),
    }
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "\
# written by scw init
access_key: SCW1234567890ABCDEFG
secret_key: 11111111-1111-4111-8111-111111111111
default_organization_id: 22222222-2222-4222-8222-222222222222
default_zone: fr-par-1
api_url: https://api.example.com
send_telemetry: true
active_profile: prod
profiles:
  prod:
    secret_key: 33333333-3333-4333-8333-333333333333
    default_region: nl-ams
  dev:
    api_url: http://127.0.0.1:8080
    default_organization_id: 44444444-4444-4444-8444-444444444444
  empty:
";

    fn key(profile: &Profile) -> &str {
        profile.secret_key.as_deref().unwrap()
    }

    #[test]
    fn a_named_profile_is_merged_over_the_top_level_field_by_field() {
        let file = ScwFile::parse(FILE).unwrap();
        let prod = file.profile("prod").unwrap();
        assert_eq!(key(&prod), "33333333-3333-4333-8333-333333333333");
        assert_eq!(prod.api_url.as_deref(), Some("https://api.example.com"));
        assert_eq!(
            prod.default_organization_id.as_deref(),
            Some("22222222-2222-4222-8222-222222222222")
        );
        let dev = file.profile("dev").unwrap();
        assert_eq!(key(&dev), "11111111-1111-4111-8111-111111111111");
        assert_eq!(dev.api_url.as_deref(), Some("http://127.0.0.1:8080"));
        assert_eq!(
            dev.default_organization_id.as_deref(),
            Some("44444444-4444-4444-8444-444444444444")
        );
        assert_eq!(file.profile("empty"), file.profile("default"));
        assert_eq!(file.profile("staging"), None);
    }

    #[test]
    fn default_is_the_top_level_even_when_a_profile_is_named_default() {
        let file =
            ScwFile::parse("secret_key: top\nprofiles:\n  default:\n    secret_key: named\n")
                .unwrap();
        assert_eq!(key(&file.profile("default").unwrap()), "top");
        assert_eq!(file.names(), ["default"]);
    }

    #[test]
    fn the_active_profile_is_active_profile_else_the_top_level() {
        let file = ScwFile::parse(FILE).unwrap();
        assert_eq!(file.active_name(), "prod");
        let file = ScwFile::parse("secret_key: k\n").unwrap();
        assert_eq!(file.active_name(), "default");
        // An empty active_profile is no choice.
        let file = ScwFile::parse("secret_key: k\nactive_profile: ''\n").unwrap();
        assert_eq!(file.active_name(), "default");
        let file = ScwFile::parse("active_profile: gone\n").unwrap();
        assert_eq!(file.active_name(), "gone");
        assert_eq!(file.profile("gone"), None);
        assert_eq!(
            ScwFile::parse(FILE).unwrap().names(),
            ["default", "dev", "empty", "prod"]
        );
    }

    #[test]
    fn an_empty_file_or_one_of_comments_has_an_empty_top_level() {
        for text in ["", "\n", "# nothing yet\n# secret_key: x\n", "---\n", "~\n"] {
            let file = ScwFile::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
            assert_eq!(
                file.profile("default"),
                Some(Profile::default()),
                "{text:?}"
            );
        }
    }

    #[test]
    fn fields_the_exporter_does_not_use_may_hold_anything() {
        let file = ScwFile::parse(
            "secret_key: k\ninsecure: [1, 2]\ndefault_zone: {a: b}\nprofiles:\n  p:\n    access_key: 5\n",
        )
        .unwrap();
        assert_eq!(key(&file.profile("p").unwrap()), "k");
    }

    #[test]
    fn a_file_of_the_wrong_shape_says_where_and_never_quotes_a_value() {
        let secret = "5ec-d1571nc7";
        for (text, says) in [
            (
                format!("- {secret}\n"),
                "the top level is a list, not a mapping",
            ),
            (
                format!("{secret}\n"),
                "the top level is a string, not a mapping",
            ),
            (
                format!("profiles:\n  prod:\n  secret_key: {secret}\n"),
                "profile \"secret_key\" is a string, not a mapping",
            ),
            (
                format!("profiles: {secret}\n"),
                "profiles is a string, not a mapping",
            ),
            (
                format!("secret_key: [{secret}]\n"),
                "secret_key of the top level is a list, not text",
            ),
            (
                format!("secret_key: {secret}\n  api_url: x: y\n"),
                "not YAML",
            ),
            (format!("secret_key: \"{secret}\n"), "not YAML"),
        ] {
            let error = ScwFile::parse(&text).unwrap_err();
            assert!(error.contains(says), "{text:?}: {error}");
            assert!(!error.contains(secret), "{text:?}: {error}");
            assert!(!error.contains('\n'), "{error}");
        }
    }

    #[test]
    fn the_file_is_scw_config_path_else_under_xdg_config_home_else_under_home() {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        let xdg = dir.path().join("xdg");
        let search = |config_path: Option<&str>, xdg: Option<&Path>, home: Option<&Path>| {
            SearchPath {
                config_path: config_path.map(PathBuf::from),
                xdg_config_home: xdg.map(Path::to_owned),
                home: home.map(Path::to_owned),
            }
            .locate()
        };
        assert_eq!(
            search(Some("/etc/scw.yaml"), Some(&xdg), Some(&home)),
            Some(PathBuf::from("/etc/scw.yaml"))
        );
        assert_eq!(
            search(Some(""), Some(&xdg), Some(&home)),
            Some(xdg.join("scw/config.yaml"))
        );
        assert_eq!(
            search(None, Some(Path::new("")), Some(&home)),
            Some(home.join(".config/scw/config.yaml"))
        );
        assert_eq!(search(None, None, None), None);
        assert_eq!(search(None, None, Some(Path::new(""))), None);
        // config.yml serves when config.yaml does not exist, and only in the default place.
        let scw = home.join(".config/scw");
        std::fs::create_dir_all(&scw).unwrap();
        std::fs::write(scw.join("config.yml"), "").unwrap();
        assert_eq!(
            search(None, None, Some(&home)),
            Some(scw.join("config.yml"))
        );
        std::fs::write(scw.join("config.yaml"), "").unwrap();
        assert_eq!(
            search(None, None, Some(&home)),
            Some(scw.join("config.yaml"))
        );
        let custom = scw.join("custom.yaml");
        assert_eq!(
            search(Some(custom.to_str().unwrap()), None, None),
            Some(custom)
        );
    }

    #[test]
    fn the_debug_of_a_profile_has_no_key() {
        let profile = ScwFile::parse(FILE).unwrap().profile("prod").unwrap();
        let shown = format!("{profile:?} {:?}", ScwFile::parse(FILE).unwrap());
        assert!(!shown.contains("33333333-3333"), "{shown}");
        assert!(!shown.contains("11111111-1111"), "{shown}");
    }
}
