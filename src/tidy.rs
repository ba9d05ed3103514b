//! Tidying after a killed run: completes a set of outputs whose journal was left behind and
//! removes our own stale temporaries, by name and age only — never a file we did not make.

use std::path::{Path, PathBuf};

use crate::output::{JOURNAL, TEMP_PREFIX};
use crate::photos::CACHE_DIR;
use crate::project::Project;

/// How old a temporary of ours must be before a clean-up removes it: a build running at the same
/// time (a watch in another window) is never that slow.
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(600);

/// After a process was killed: completes the replacement of any set of outputs whose journal is
/// left (see [`crate::output::write_set`]), then removes our own stale temporaries — by name and age, nothing
/// else: `.bulletin-*.tmp` files in output/ (and the photo cache), unfinished archive folders
/// `.第034期.partial-*`, unfinished imports `.import-*` in content/. Returns what was done, for a
/// note to the user.
pub fn clean_up(project: &Project) -> Vec<String> {
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
    dirs.push(project.root.join(CACHE_DIR));
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
fn complete_journal(project: &Project, dir: &Path) -> Option<String> {
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
