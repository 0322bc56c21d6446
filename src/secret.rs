//! The API secret key, and where it comes from.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// The key could not be had, or cannot be a key: one line, exit code 2 at start. No variant
/// holds the text that was given, so no message can show a key.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("the API secret key in {source_name} is empty")]
    Empty { source_name: String },
    #[error("cannot read the secret key file {path}: {reason}")]
    UnreadableFile { path: PathBuf, reason: String },
    #[error(
        "the API secret key in {source_name} holds {what}, which an HTTP header cannot carry: \
         give the secret key alone, on one line"
    )]
    NotAHeaderValue {
        source_name: String,
        /// "a line break" or "a control character"; never the key.
        what: &'static str,
    },
    #[error(
        "the API secret key in {source_name} looks like an access key (SCW followed by 17 \
         characters), not a secret key: give the secret key of the same API key, a UUID \
         (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)"
    )]
    AccessKey { source_name: String },
    #[error(
        "the API secret key in {source_name} is not a Scaleway secret key: expected a UUID \
         (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx), got {length} character{plural}{hint}",
        plural = if *length == 1 { "" } else { "s" }
    )]
    NotAUuid {
        source_name: String,
        length: usize,
        /// What the text looks like instead, when that is clear (" in quotes").
        hint: &'static str,
    },
}

/// The API secret key. It has no `Display`, its `Debug` is redacted, and the only way to the
/// text is [`SecretKey::expose`], called where the header is built.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey(Arc<str>);

impl SecretKey {
    /// Trims surrounding white space (files end with a newline), then refuses what cannot be
    /// a Scaleway secret key: an empty text, one an HTTP header cannot carry (a key file of
    /// several lines), an access key pasted in its place, anything else that is not a UUID.
    /// The shapes are those the Scaleway SDK checks (`validation.IsSecretKey`, `IsAccessKey`).
    pub fn new(text: &str, source_name: &str) -> Result<Self, SecretError> {
        let trimmed = text.trim();
        let source_name = source_name.to_owned();
        if trimmed.is_empty() {
            return Err(SecretError::Empty { source_name });
        }
        if let Some(c) = trimmed.chars().find(|c| c.is_control() && *c != '\t') {
            let what = if c == '\n' || c == '\r' {
                "a line break"
            } else {
                "a control character"
            };
            return Err(SecretError::NotAHeaderValue { source_name, what });
        }
        if is_access_key(trimmed) {
            return Err(SecretError::AccessKey { source_name });
        }
        if !is_uuid(trimmed) {
            let unquoted = trimmed.trim_matches(|c| c == '"' || c == '\'');
            let hint = if unquoted.len() + 2 == trimmed.len() && is_uuid(unquoted) {
                " (a UUID in quotes: give it without them)"
            } else {
                ""
            };
            return Err(SecretError::NotAUuid {
                source_name,
                length: trimmed.chars().count(),
                hint,
            });
        }
        Ok(SecretKey(Arc::from(trimmed)))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in hexadecimal digits of either case: the SDK's
/// `IsSecretKey`, and how Scaleway writes every id (an organization's, a project's).
pub(crate) fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(group, len)| group.len() == len && group.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `SCW` and 17 upper-case letters or digits, alone or followed by `@` and a project id: the
/// SDK's `IsAccessKey` and `IsAccessKeyWithProjectID`.
fn is_access_key(text: &str) -> bool {
    let (key, project) = match text.split_once('@') {
        Some((key, project)) => (key, Some(project)),
        None => (text, None),
    };
    key.len() == 20
        && key.starts_with("SCW")
        && key[3..]
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && project.is_none_or(is_uuid)
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

/// Where the key comes from. A file is re-read when it changes (its modification time, size
/// or inode: a Kubernetes secret is swapped by a symlink, an editor writes a new file), so a
/// rotated key is used without a restart.
#[derive(Debug, Clone)]
pub struct TokenSource(Arc<TokenInner>);

#[derive(Debug)]
enum TokenInner {
    Fixed(SecretKey),
    File {
        path: PathBuf,
        cached: Mutex<(Option<FileStamp>, SecretKey)>,
    },
}

/// What tells that a file changed without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileStamp {
    modified: Option<SystemTime>,
    len: u64,
    inode: u64,
}

impl FileStamp {
    fn of(path: &Path) -> std::io::Result<FileStamp> {
        let metadata = std::fs::metadata(path)?;
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(&metadata);
        #[cfg(not(unix))]
        let inode = 0;
        Ok(FileStamp {
            modified: metadata.modified().ok(),
            len: metadata.len(),
            inode,
        })
    }
}

impl TokenSource {
    pub fn fixed(key: SecretKey) -> Self {
        TokenSource(Arc::new(TokenInner::Fixed(key)))
    }

    pub fn from_file(path: &Path) -> Result<Self, SecretError> {
        let (stamp, key) = read_token_file(path)?;
        Ok(TokenSource(Arc::new(TokenInner::File {
            path: path.to_owned(),
            cached: Mutex::new((Some(stamp), key)),
        })))
    }

    /// The key to use now: the last one read, without touching the file (the client asks
    /// for it on every request).
    pub fn current(&self) -> SecretKey {
        match &*self.0 {
            TokenInner::Fixed(key) => key.clone(),
            TokenInner::File { cached, .. } => lock(cached).1.clone(),
        }
    }

    /// Reads the key file again if it changed since the last read, once per poll: a rotated
    /// key is used from the next poll on. A file that became unreadable or empty keeps the
    /// last good key, and says so once per change of the file rather than at every poll.
    /// This is blocking file I/O (a `stat`, and a read when the file changed); what changed
    /// is returned for the caller to log where its log goes.
    pub fn refresh(&self) -> Option<KeyChange> {
        let TokenInner::File { path, cached } = &*self.0 else {
            return None;
        };
        let stamp = FileStamp::of(path).ok();
        if stamp == lock(cached).0 {
            return None;
        }
        let read = read_token_file(path);
        let mut cached = lock(cached);
        match read {
            Ok((fresh_stamp, fresh_key)) => {
                let changed = fresh_key != cached.1;
                *cached = (Some(fresh_stamp), fresh_key);
                changed.then(|| KeyChange::Rotated(path.clone()))
            }
            Err(e) => {
                cached.0 = stamp;
                Some(KeyChange::KeptPrevious(e))
            }
        }
    }
}

/// What a [`TokenSource::refresh`] found in the key file.
#[derive(Debug)]
pub enum KeyChange {
    /// A new key, used from now on.
    Rotated(PathBuf),
    /// The file changed but holds no usable key: the previous one is kept.
    KeptPrevious(SecretError),
}

impl KeyChange {
    pub fn log(&self) {
        match self {
            KeyChange::Rotated(path) => {
                tracing::info!(path = %path.display(), "secret key file changed; using the new key");
            }
            KeyChange::KeptPrevious(error) => {
                tracing::warn!(error = %error, "keeping the previous secret key");
            }
        }
    }
}

/// The cached key, whatever a panic elsewhere left in the lock.
fn lock(
    cached: &Mutex<(Option<FileStamp>, SecretKey)>,
) -> std::sync::MutexGuard<'_, (Option<FileStamp>, SecretKey)> {
    cached
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn read_token_file(path: &Path) -> Result<(FileStamp, SecretKey), SecretError> {
    let unreadable = |e: std::io::Error| SecretError::UnreadableFile {
        path: path.to_owned(),
        reason: e.to_string(),
    };
    let stamp = FileStamp::of(path).map_err(unreadable)?;
    let text = std::fs::read_to_string(path).map_err(unreadable)?;
    let key = SecretKey::new(&text, &path.display().to_string())?;
    Ok((stamp, key))
}
#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    const FIRST: &str = "6f1c2a3b-0d4e-4f5a-8b6c-7d8e9f0a1b2c";
    const SECOND: &str = "0a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d";

    #[test]
    fn the_token_file_is_read_again_at_a_refresh_when_it_changed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        std::fs::write(&path, format!("{FIRST}\n")).unwrap();
        let source = TokenSource::from_file(&path).unwrap();
        assert_eq!(source.current().expose(), FIRST);
        std::fs::write(&path, format!("{SECOND}\n")).unwrap();
        // Make the change visible even on file systems with coarse timestamps.
        let later = SystemTime::now() + Duration::from_secs(5);
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(later)
            .unwrap();
        assert_eq!(
            source.current().expose(),
            FIRST,
            "a request does not touch the file"
        );
        source.refresh();
        assert_eq!(source.current().expose(), SECOND);
    }

    #[test]
    fn keys_have_the_shapes_the_scaleway_sdk_checks() {
        assert!(is_uuid(FIRST));
        assert!(is_uuid(&FIRST.to_uppercase()));
        for not in [
            "6f1c2a3b0d4e4f5a8b6c7d8e9f0a1b2c",
            "6f1c2a3b-0d4e-4f5a-8b6c-7d8e9f0a1b2",
            "6f1c2a3b-0d4e-4f5a-8b6c-7d8e9f0a1b2cd",
            "6f1c2a3g-0d4e-4f5a-8b6c-7d8e9f0a1b2c",
            "6f1c2a3b-0d4e-4f5a-8b6c-7d8e9f0a-1b2c",
            "k",
        ] {
            assert!(!is_uuid(not), "{not}");
        }
        assert!(is_access_key("SCW0123456789ABCDEFG"));
        assert!(is_access_key(&format!("SCW0123456789ABCDEFG@{FIRST}")));
        for not in [
            "SCW0123456789ABCDEF",
            "SCW0123456789ABCDEFGH",
            "SCW0123456789abcdefg",
            "XYZ0123456789ABCDEFG",
            "SCW0123456789ABCDEFG@project",
        ] {
            assert!(!is_access_key(not), "{not}");
        }
    }
}
