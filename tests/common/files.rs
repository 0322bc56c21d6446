//! The repository's files: where they are, read and parsed with a message that names the
//! file; and copied, for tests that lay out a tree as a tool will see it (a Docker build
//! context, a container's mounts).

use std::path::Path;

/// The repository (the crate's root).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The text of `path`: relative to the repository's root, or absolute.
pub fn read(path: impl AsRef<Path>) -> String {
    let path = root().join(path);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// The YAML document of `path` (relative to the repository's root, or absolute).
pub fn yaml(path: impl AsRef<Path>) -> serde_norway::Value {
    let path = root().join(path);
    serde_norway::from_str(&read(&path)).unwrap_or_else(|e| panic!("parse {}: {e}", path.display()))
}

/// A file copied with its modification time, as Docker's COPY keeps it.
pub fn copy_file(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::copy(from, to).unwrap_or_else(|e| panic!("copy {}: {e}", from.display()));
    let modified = std::fs::metadata(from).unwrap().modified().unwrap();
    std::fs::File::options()
        .write(true)
        .open(to)
        .unwrap()
        .set_modified(modified)
        .unwrap();
}

/// `from` copied into `to`: a file to a file, a folder's contents into a folder (following
/// links, as COPY and a bind mount do).
pub fn copy_tree(from: &Path, to: &Path) {
    let meta = std::fs::metadata(from).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
    if meta.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            copy_tree(&entry.path(), &to.join(entry.file_name()));
        }
    } else {
        copy_file(from, to);
    }
}
