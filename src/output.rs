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
/// the renames ([`clean_up`]), so the three files never stay mismatched.
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
const JOURNAL: &str = ".bulletin-set";

/// Whether `path` can be replaced: absent, or a file we may write.
fn replaceable(path: &Path) -> std::io::Result<()> {
    match std::fs::OpenOptions::new().append(true).open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// How old a temporary of ours must be before a clean-up removes it: a build running at the same
/// time (a watch in another window) is never that slow.
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(600);

/// After a process was killed: completes the replacement of any set of outputs whose journal is
/// left (see [`write_set`]), then removes our own stale temporaries — by name and age, nothing
/// else: `.bulletin-*.tmp` files in output/ (and the photo cache), unfinished archive folders
/// `.第034期.partial-*`, unfinished imports `.import-*` in content/. Returns what was done, for a
/// note to the user.
pub fn clean_up(project: &crate::project::Project) -> Vec<String> {
    let mut done = Vec::new();
    let output = project.output_root();
    let Ok(entries) = std::fs::read_dir(&output) else {
        return done;
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect();
    dirs.push(project.root.join(crate::photos::CACHE_DIR));
    for dir in &dirs {
        if let Some(note) = complete_journal(project, dir) {
            done.push(note);
        }
        for entry in std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
        {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(TEMP_PREFIX)
                && name.ends_with(".tmp")
                && is_stale(&entry.path())
                && std::fs::remove_file(entry.path()).is_ok()
            {
                done.push(format!(
                    "删除了中断时留下的临时文件 {}",
                    project.relative(&entry.path()).display()
                ));
            }
        }
    }
    let archive = output.join("archive");
    let years = std::fs::read_dir(&archive)
        .into_iter()
        .flatten()
        .filter_map(Result::ok);
    for year in years.filter(|e| e.file_type().is_ok_and(|t| t.is_dir())) {
        for entry in std::fs::read_dir(year.path())
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
        {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(".第")
                && name.contains(".partial-")
                && is_stale(&entry.path())
                && std::fs::remove_dir_all(entry.path()).is_ok()
            {
                done.push(format!(
                    "删除了中断的归档留下的临时文件夹 {}",
                    project.relative(&entry.path()).display()
                ));
            }
        }
    }
    let content = project.content_dir();
    for entry in std::fs::read_dir(&content)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(".import-")
            && is_stale(&entry.path())
            && std::fs::remove_dir_all(entry.path()).is_ok()
        {
            done.push(format!(
                "删除了中断的导入留下的临时文件夹 {}",
                project.relative(&entry.path()).display()
            ));
        }
    }
    done
}

/// Completes the renames a journal in `dir` lists, where the temporary is still there.
fn complete_journal(project: &crate::project::Project, dir: &Path) -> Option<String> {
    let journal = dir.join(JOURNAL);
    let text = std::fs::read_to_string(&journal).ok()?;
    let mut completed = 0;
    for line in text.lines() {
        let Some((tmp, name)) = line.split_once('\t') else {
            continue;
        };
        // Names only, never paths: a journal cannot send a file out of its folder.
        if tmp.contains(['/', '\\']) || name.contains(['/', '\\']) || !tmp.starts_with(TEMP_PREFIX)
        {
            continue;
        }
        if std::fs::rename(dir.join(tmp), dir.join(name)).is_ok() {
            completed += 1;
        }
    }
    let _ = std::fs::remove_file(&journal);
    Some(format!(
        "上次生成在写入文件时中断，已补完 {}（{completed} 个文件）",
        project.relative(dir).display()
    ))
}

fn is_stale(path: &Path) -> bool {
    std::fs::symlink_metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age > STALE_AFTER)
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
