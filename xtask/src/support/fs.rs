//! Writing files so that each is either as it was or complete.

use std::path::Path;

use crate::Error;

/// Writes `text` to `path` through a temporary file renamed over it, so that the file is
/// either as it was or complete.
pub(crate) fn write_atomically(path: &Path, text: &str) -> Result<(), Error> {
    let temp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&temp, text)
        .and_then(|()| std::fs::rename(&temp, path))
        .map_err(|source| {
            let _ = std::fs::remove_file(&temp);
            Error::Write {
                path: path.to_path_buf(),
                source,
            }
        })
}

/// Writes `text` to `path`, creating the folders it needs.
pub(crate) fn write(path: &Path, text: &str) -> Result<(), Error> {
    path.parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(path, text))
        .map_err(|source| Error::Write {
            path: path.to_path_buf(),
            source,
        })
}

/// Reads the text of `path`.
pub(crate) fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|source| Error::read(path, source))
}
