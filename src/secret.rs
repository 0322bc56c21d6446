//! The API secret key, and where it comes from.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// The key could not be had: one line, exit code 2 at start.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("the API secret key in {source_name} is empty")]
    Empty { source_name: String },
    #[error("cannot read the secret key file {path}: {reason}")]
    UnreadableFile { path: PathBuf, reason: String },
}

/// The API secret key. It has no `Display`, its `Debug` is redacted, and the only way to the
/// text is [`SecretKey::expose`], called where the header is built.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey(Arc<str>);

impl SecretKey {
    /// Trims surrounding white space (files end with a newline); an empty key is an error.
    pub fn new(text: &str, source_name: &str) -> Result<Self, SecretError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(SecretError::Empty {
                source_name: source_name.to_owned(),
            });
        }
        Ok(SecretKey(Arc::from(trimmed)))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
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

    /// The key to use now. A file that became unreadable or empty keeps the last good key,
    /// and says so once per change of the file rather than on every request.
    pub fn current(&self) -> SecretKey {
        match &*self.0 {
            TokenInner::Fixed(key) => key.clone(),
            TokenInner::File { path, cached } => {
                let mut cached = cached
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                let stamp = FileStamp::of(path).ok();
                if stamp != cached.0 {
                    match read_token_file(path) {
                        Ok((fresh_stamp, fresh_key)) => {
                            if fresh_key != cached.1 {
                                tracing::info!(path = %path.display(), "secret key file changed; using the new key");
                            }
                            *cached = (Some(fresh_stamp), fresh_key);
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "keeping the previous secret key");
                            cached.0 = stamp;
                        }
                    }
                }
                cached.1.clone()
            }
        }
    }
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
    fn the_token_file_is_reread_when_it_changes() {
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
        assert_eq!(source.current().expose(), SECOND);
    }
}
