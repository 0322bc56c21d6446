//! Where the key comes from, and what a profile of the `scw` CLI's file adds: the
//! environment first (`--scaleway.secret-key-file`, `SCW_SECRET_KEY`, `SCW_API_URL`,
//! `SCW_DEFAULT_ORGANIZATION_ID`), then the selected profile, field by field, as the `scw`
//! CLI and Scaleway's SDKs read them (docs/api-notes.md#the-scw-clis-configuration-file).

use std::fmt;
use std::path::{Path, PathBuf};

use super::checks::resolve_api_url;
use super::scw_file::{LoadError, Profile, ScwFile, SearchPath, DEFAULT_PROFILE};
use super::{ApiArgs, ConfigError};
use crate::secret::is_uuid;
use crate::secret::{SecretKey, TokenSource};

/// The process environment the configuration reads besides the flags' twins (which clap
/// reads): the key, where the `scw` CLI's file is, and the default organization.
#[derive(Clone, Default)]
pub struct Environment {
    /// `SCW_SECRET_KEY`.
    pub secret_key: Option<String>,
    /// `SCW_CONFIG_PATH`, `XDG_CONFIG_HOME`, `HOME`.
    pub scw_config: SearchPath,
    /// `SCW_DEFAULT_ORGANIZATION_ID`.
    pub default_organization_id: Option<String>,
}

impl Environment {
    pub fn from_process() -> Environment {
        let path = |name| std::env::var_os(name).map(PathBuf::from);
        Environment {
            secret_key: std::env::var("SCW_SECRET_KEY").ok(),
            scw_config: SearchPath {
                config_path: path("SCW_CONFIG_PATH"),
                xdg_config_home: path("XDG_CONFIG_HOME"),
                home: path("HOME"),
            },
            default_organization_id: std::env::var("SCW_DEFAULT_ORGANIZATION_ID").ok(),
        }
    }

    /// `SCW_SECRET_KEY` alone: no `scw` config file is looked for.
    pub fn with_secret_key(secret_key: Option<String>) -> Environment {
        Environment {
            secret_key,
            ..Environment::default()
        }
    }
}

impl fmt::Debug for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Environment")
            .field(
                "secret_key",
                &self.secret_key.as_ref().map(|_| "<redacted>"),
            )
            .field("scw_config", &self.scw_config)
            .field("default_organization_id", &self.default_organization_id)
            .finish()
    }
}

/// Where the key came from, as the start line says it: `environment`, `file` or
/// `profile NAME`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    Environment,
    File(PathBuf),
    Profile { name: String, path: PathBuf },
}

impl KeySource {
    /// The key file, or the `scw` config file the profile is in.
    pub fn path(&self) -> Option<&Path> {
        match self {
            KeySource::Environment => None,
            KeySource::File(path) | KeySource::Profile { path, .. } => Some(path),
        }
    }
}

impl fmt::Display for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeySource::Environment => f.write_str("environment"),
            KeySource::File(_) => f.write_str("file"),
            KeySource::Profile { name, .. } => write!(f, "profile {name}"),
        }
    }
}

/// What to warn about the `scw` config file, once, when the exporter starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Group or others may read or write the file (`mode`, its permission bits).
    OpenPermissions { path: PathBuf, mode: u32 },
    /// The file could not be used, and nothing needed it: the key came from elsewhere and
    /// no profile was named.
    Skipped { path: PathBuf, reason: String },
}

impl Notice {
    pub fn log(&self) {
        match self {
            Notice::OpenPermissions { path, mode } => tracing::warn!(
                path = %path.display(),
                mode = format!("{mode:04o}"),
                "the scw config file is open to group or others; the scw CLI writes it 0600"
            ),
            Notice::Skipped { path, reason } => tracing::warn!(
                path = %path.display(),
                error = %reason,
                "scw config file not used, nor its api_url and default_organization_id: \
                 no profile is named and the key comes from elsewhere"
            ),
        }
    }
}

/// Which profile: named (`--scaleway.profile`, `SCW_PROFILE`), or the file's choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Which {
    Named(String),
    /// The file's choice, before the file is read.
    Active,
    /// The file's `active_profile`.
    ActiveProfile(String),
    /// The file's top level, which no `active_profile` replaces.
    TopLevel,
}

impl Which {
    fn name(&self) -> &str {
        match self {
            Which::Named(name) | Which::ActiveProfile(name) => name,
            Which::Active | Which::TopLevel => DEFAULT_PROFILE,
        }
    }
}

impl fmt::Display for Which {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Which::Named(name) => write!(f, "profile {name:?}"),
            Which::Active => f.write_str("its active profile"),
            Which::ActiveProfile(name) => write!(f, "profile {name:?} (its active_profile)"),
            Which::TopLevel => write!(f, "profile {DEFAULT_PROFILE:?}"),
        }
    }
}

/// A profile that cannot serve: one line that names the file and the profile.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error(
        "no scw config file to read {which} from: set SCW_CONFIG_PATH, XDG_CONFIG_HOME or HOME"
    )]
    NoFile { which: Which },
    #[error("cannot read the scw config file {path} for {which}: {reason}")]
    Unreadable {
        path: PathBuf,
        which: Which,
        reason: String,
    },
    #[error("bad scw config file {path}, read for {which}: {reason}")]
    Invalid {
        path: PathBuf,
        which: Which,
        reason: String,
    },
    #[error("no {which} in the scw config file {path}; it has {available}")]
    Unknown {
        path: PathBuf,
        which: Which,
        available: String,
    },
    #[error(
        "{which} of the scw config file {path} has no secret_key: add it there, or set SCW_SECRET_KEY or --scaleway.secret-key-file"
    )]
    NoSecretKey { path: PathBuf, which: Which },
    #[error("bad {field} {value:?} in {which} of the scw config file {path}: {reason}")]
    BadValue {
        path: PathBuf,
        which: Which,
        field: &'static str,
        value: String,
        reason: String,
    },
}

/// The profile that serves, and where it is.
#[derive(Debug)]
struct Selected {
    which: Which,
    path: PathBuf,
    profile: Profile,
}

/// What the key and the profile give the configuration.
#[derive(Debug)]
pub(super) struct Credentials {
    pub token: TokenSource,
    pub key_source: KeySource,
    pub api_url: String,
    pub default_organization_id: Option<String>,
    pub notices: Vec<Notice>,
}

/// The key, the API URL and the default organization: each from the environment when it
/// gives it, else from the selected profile.
pub(super) fn resolve(api: &ApiArgs, env: &Environment) -> Result<Credentials, ConfigError> {
    let given = match (&api.secret_key_file, &env.secret_key) {
        (Some(path), _) => Some((TokenSource::from_file(path)?, KeySource::File(path.clone()))),
        (None, Some(text)) => Some((
            TokenSource::fixed(SecretKey::new(text, "SCW_SECRET_KEY")?),
            KeySource::Environment,
        )),
        (None, None) => None,
    };
    let named = api.profile.as_deref().filter(|name| !name.is_empty());
    let path = env.scw_config.locate();
    let mut notices = Vec::new();
    let selected = select(path.as_deref(), named, given.is_none(), &mut notices)?;
    let (token, key_source) = match (given, &selected) {
        (Some(given), _) => given,
        (None, Some(selected)) => key_of(selected)?,
        (None, None) => return Err(ConfigError::MissingToken { scw_config: path }),
    };
    let api_url = match selected.as_ref().filter(|_| api.api_url_defaulted) {
        Some(selected) => api_url_of(selected)?.unwrap_or_else(|| api.api_url.clone()),
        None => api.api_url.clone(),
    };
    let default_organization_id = match set(&env.default_organization_id) {
        Some(id) if !is_uuid(&id) => {
            return Err(ConfigError::BadValue {
                flag: "SCW_DEFAULT_ORGANIZATION_ID",
                value: id,
                reason: NOT_A_UUID.to_owned(),
            })
        }
        Some(id) => Some(id),
        None => match &selected {
            Some(selected) => organization_of(selected)?,
            None => None,
        },
    };
    Ok(Credentials {
        token,
        key_source,
        api_url,
        default_organization_id,
        notices,
    })
}

/// A setting given as text: an empty one is none.
fn set(text: &Option<String>) -> Option<String> {
    text.clone().filter(|text| !text.trim().is_empty())
}

/// The profile's key: a profile without one cannot serve, and an empty one is an error.
fn key_of(selected: &Selected) -> Result<(TokenSource, KeySource), ConfigError> {
    let Selected {
        which,
        path,
        profile,
    } = selected;
    let text = profile
        .secret_key
        .as_deref()
        .ok_or(ProfileError::NoSecretKey {
            path: path.clone(),
            which: which.clone(),
        })?;
    let source = format!("{which} of the scw config file {}", path.display());
    let key = SecretKey::new(text, &source)?;
    let source = KeySource::Profile {
        name: which.name().to_owned(),
        path: path.clone(),
    };
    Ok((TokenSource::fixed(key), source))
}

/// The profile's `api_url`, checked here so that a bad one names the profile.
fn api_url_of(selected: &Selected) -> Result<Option<String>, ProfileError> {
    let Some(url) = set(&selected.profile.api_url) else {
        return Ok(None);
    };
    match resolve_api_url(&url) {
        Ok(_) => Ok(Some(url)),
        Err(error) => {
            let reason = match error {
                ConfigError::BadApiUrl { reason, .. } => reason,
                other => other.to_string(),
            };
            Err(selected.bad_value("api_url", url, reason))
        }
    }
}

/// The profile's `default_organization_id`, checked here so that a bad one names the profile.
fn organization_of(selected: &Selected) -> Result<Option<String>, ProfileError> {
    match set(&selected.profile.default_organization_id) {
        Some(id) if !is_uuid(&id) => {
            Err(selected.bad_value("default_organization_id", id, NOT_A_UUID.to_owned()))
        }
        id => Ok(id),
    }
}

impl Selected {
    fn bad_value(&self, field: &'static str, value: String, reason: String) -> ProfileError {
        ProfileError::BadValue {
            path: self.path.clone(),
            which: self.which.clone(),
            field,
            value,
            reason,
        }
    }
}

const NOT_A_UUID: &str = "expected a UUID, such as 6170692e-7363-616c-6577-61792e636f6d";

/// The profile to read from the file at `path`: `named`, or the file's active profile.
/// What cannot be used is an error when something is asked of the file (a profile is named,
/// or the key must come from it), and else a [`Notice::Skipped`].
fn select(
    path: Option<&Path>,
    named: Option<&str>,
    key_needed: bool,
    notices: &mut Vec<Notice>,
) -> Result<Option<Selected>, ProfileError> {
    let asked = named.is_some() || key_needed;
    let wanted = match named {
        Some(name) => Which::Named(name.to_owned()),
        None => Which::Active,
    };
    let Some(path) = path else {
        return match named {
            Some(_) => Err(ProfileError::NoFile { which: wanted }),
            None => Ok(None),
        };
    };
    let unusable = |error: ProfileError, notices: &mut Vec<Notice>| {
        if asked {
            return Err(error);
        }
        notices.push(Notice::Skipped {
            path: path.to_owned(),
            reason: error.to_string(),
        });
        Ok(None)
    };
    let (file, open_mode) = match ScwFile::load(path) {
        Ok(loaded) => loaded,
        Err(LoadError::NotFound) if named.is_none() => return Ok(None),
        Err(LoadError::NotFound) => {
            return Err(ProfileError::Unreadable {
                path: path.to_owned(),
                which: wanted,
                reason: "it does not exist; run `scw init`, or set SCW_CONFIG_PATH to the file"
                    .to_owned(),
            })
        }
        Err(LoadError::Unreadable(reason)) => {
            let error = ProfileError::Unreadable {
                path: path.to_owned(),
                which: wanted,
                reason,
            };
            return unusable(error, notices);
        }
        Err(LoadError::Invalid(reason)) => {
            let error = ProfileError::Invalid {
                path: path.to_owned(),
                which: wanted,
                reason,
            };
            return unusable(error, notices);
        }
    };
    let which = match named {
        Some(name) => Which::Named(name.to_owned()),
        None if file.active_name() == DEFAULT_PROFILE => Which::TopLevel,
        None => Which::ActiveProfile(file.active_name().to_owned()),
    };
    let Some(profile) = file.profile(which.name()) else {
        let error = ProfileError::Unknown {
            path: path.to_owned(),
            which,
            available: file.names().join(", "),
        };
        return unusable(error, notices);
    };
    if let Some(mode) = open_mode {
        notices.push(Notice::OpenPermissions {
            path: path.to_owned(),
            mode,
        });
    }
    Ok(Some(Selected {
        which,
        path: path.to_owned(),
        profile,
    }))
}

#[cfg(test)]
mod tests;
