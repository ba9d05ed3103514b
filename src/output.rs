//! Write stage: the files land in `output/<NNN>/` atomically (temporary file in the same
//! folder, then rename), so a failed or interrupted build never leaves a half-written PDF in place
//! of the last good one.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;
use tempfile::NamedTempFile;

use crate::files::io_problem;

/// Prefix of our temporary files: a clean-up may remove stale ones by this name, never others.
pub const TEMP_PREFIX: &str = ".bulletin-";

/// Writes `bytes` to `path` atomically, creating the folder if needed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = temporary(path, bytes)?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| io_problem(&e, &format!("无法保存 {}", path.display())).into_error())?;
    persist(tmp, path)
}

/// Writes the files of one build (`files`: final path and contents) so that they are replaced
/// together: every file is written to a temporary beside its final place, and a small journal
/// lists which temporary becomes which file; all are synced to disk at once, and only then are
/// they renamed into place, the PDF last, and the journal removed. A failure before the renames
/// changes nothing; a process killed during them leaves the journal, and the next run completes
/// the renames ([`crate::tidy::clean_up`]), so the three files never stay mismatched.
pub fn write_set(paths: &OutputPaths, files: &[(&PathBuf, &[u8])]) -> Result<()> {
    let mut written = Vec::new();
    for (path, bytes) in files {
        written.push((temporary(path, bytes)?, *path));
    }
    // The PDF is what people open: it is renamed last.
    written.sort_by_key(|(_, path)| **path == paths.pdf);
    let dir = paths.pdf.parent().unwrap_or(Path::new("."));
    let journal_path = dir.join(JOURNAL);
    let journal_text: String = (written.iter())
        .filter_map(|(tmp, path)| {
            Some(format!(
                "{}\t{}\n",
                tmp.path().file_name()?.to_string_lossy(),
                path.file_name()?.to_string_lossy()
            ))
        })
        .collect();
    let journal = temporary(&journal_path, journal_text.as_bytes())?;
    // One sync for the set: the syncs run together, so the file system commits them together.
    let synced: Vec<std::io::Result<()>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (written.iter().map(|(tmp, _)| tmp))
            .chain([&journal])
            .map(|tmp| scope.spawn(|| tmp.as_file().sync_all()))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(std::io::Error::other("sync")))
            })
            .collect()
    });
    for ((_, path), result) in written.iter().zip(&synced) {
        if let Err(e) = result {
            return Err(io_problem(e, &format!("无法保存 {}", path.display())).into_error());
        }
    }
    // Before anything is renamed, make sure each file can be replaced (a read-only or locked PDF
    // would otherwise leave the new sources beside the old PDF).
    for (_, path) in &written {
        if let Err(e) = replaceable(path) {
            return Err(io_problem(&e, &format!("无法替换 {}", path.display())).into_error());
        }
    }
    persist(journal, &journal_path)?;
    for (tmp, path) in written {
        // The journal keeps the temporaries: they must not vanish when dropped after a failure.
        let (_, kept) = tmp.keep().map_err(|e| {
            io_problem(&e.error, &format!("无法保存 {}", path.display())).into_error()
        })?;
        std::fs::rename(&kept, path)
            .map_err(|e| io_problem(&e, &format!("无法保存 {}", path.display())).into_error())?;
    }
    let _ = std::fs::remove_file(&journal_path);
    if paths.failed.exists() {
        std::fs::remove_file(&paths.failed).map_err(|e| {
            io_problem(&e, &format!("无法删除 {}", paths.failed.display())).into_error()
        })?;
    }
    Ok(())
}

/// The name of the journal of a set of outputs being replaced.
pub const JOURNAL: &str = ".bulletin-set";

/// Whether `path` can be replaced: absent, or a file we may write.
fn replaceable(path: &Path) -> std::io::Result<()> {
    match std::fs::OpenOptions::new().append(true).open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// A temporary file beside `path` holding `bytes` (not yet synced).
fn temporary(path: &Path, bytes: &[u8]) -> Result<NamedTempFile> {
    let dir = path
        .parent()
        .ok_or_else(|| anyhow::anyhow!("{} 没有所在的文件夹", path.display()))?;
    let fail =
        |e: std::io::Error| io_problem(&e, &format!("无法保存 {}", path.display())).into_error();
    std::fs::create_dir_all(dir).map_err(fail)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    // tempfile creates private files (0600); an issue's outputs are ordinary documents.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644))
            .map_err(fail)?;
    }
    Ok(tmp)
}

fn persist(tmp: NamedTempFile, path: &Path) -> Result<()> {
    tmp.persist(path)
        .map_err(|e| io_problem(&e.error, &format!("无法保存 {}", path.display())).into_error())?;
    Ok(())
}

/// The files of one built issue, e.g. `output/034/第034期.pdf`.
#[derive(Debug, Clone)]
pub struct OutputPaths {
    pub typst: PathBuf,
    pub markdown: PathBuf,
    pub pdf: PathBuf,
    /// Where the source of a build that failed to compile is kept for inspection.
    pub failed: PathBuf,
}

impl OutputPaths {
    /// The files named `stem` (第034期) in `dir`.
    pub fn new(dir: &Path, stem: &str) -> Self {
        OutputPaths {
            typst: dir.join(format!("{stem}.typ")),
            markdown: dir.join(format!("{stem}.md")),
            pdf: dir.join(format!("{stem}.pdf")),
            failed: dir.join(format!("{stem}.failed.typ")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_a_file_whole_and_leaves_no_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("第001期.pdf");
        write_atomic(&path, b"first").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }
}
