//! `bulletin watch`: builds an issue, then rebuilds it whenever its folder, `content/bulletin.yaml`,
//! `templates/` or `assets/` change. One [`Pipeline`] serves every rebuild, so the fonts, the prepared
//! photos and Typst's memoised work are reused; a failed rebuild leaves the last good PDF in place.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use notify_debouncer_mini::notify::RecursiveMode;
use notify_debouncer_mini::{DebounceEventResult, new_debouncer};

use crate::pipeline::{Built, Pipeline};

/// How long the folders must be quiet before a rebuild: an editor's save is often several writes.
const DEBOUNCE: Duration = Duration::from_millis(150);
/// How often the loop looks at the stop signal while nothing changes.
const POLL: Duration = Duration::from_millis(100);
/// How many compilations Typst's memoised results are kept unused (as typst-cli does).
const CACHE_GENERATIONS: usize = 10;

/// One build of the watched issue.
pub struct Rebuild {
    /// 0 for the first build, then 1, 2, …
    pub number: usize,
    pub result: Result<Built>,
    pub elapsed: Duration,
}

/// When the watch ends.
pub struct Until<'a> {
    /// Set (by Ctrl-C, or a test) to stop after the current build.
    pub stop: &'a AtomicBool,
    /// Stop after this many rebuilds (not counting the first build), if given.
    pub rebuilds: Option<usize>,
}

/// Whether a change at `path` concerns the issue in `issue_dir` of the project at `root`: the issue's
/// folder, `content/bulletin.yaml`, `templates/`, `assets/`. The outputs (which the build itself
/// writes), other issues and anything else are not.
pub fn concerns(root: &Path, issue_dir: &Path, path: &Path) -> bool {
    if path.starts_with(root.join("output")) {
        return false;
    }
    path.starts_with(issue_dir)
        || path == root.join("content").join("bulletin.yaml")
        || path.starts_with(root.join("templates"))
        || path.starts_with(root.join("assets"))
}

/// Builds the issue in `dir`, then rebuilds it on every change that [`concerns`] it, calling `report`
/// after each build, until `until` says to stop. Errors of the build are reported, never returned:
/// only a watcher that cannot be set up ends the watch with an error.
pub fn watch(
    pipeline: &mut Pipeline,
    dir: &Path,
    until: Until,
    report: &mut dyn FnMut(&Rebuild),
) -> Result<()> {
    let root = pipeline.project().root.clone();
    // Events name canonical paths; compare like with like.
    let root = root.canonicalize().unwrap_or(root);
    let dir = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    let mut debouncer = new_debouncer(DEBOUNCE, tx).context("无法监视文件的改动")?;
    let watched: [(PathBuf, RecursiveMode); 4] = [
        (dir.clone(), RecursiveMode::Recursive),
        // bulletin.yaml is watched through its folder: editors often save by replacing the file.
        (root.join("content"), RecursiveMode::NonRecursive),
        (root.join("templates"), RecursiveMode::Recursive),
        (root.join("assets"), RecursiveMode::Recursive),
    ];
    for (path, mode) in &watched {
        if path.exists() {
            (debouncer.watcher().watch(path, *mode))
                .with_context(|| format!("无法监视 {} 的改动", path.display()))?;
        }
    }

    let mut number = 0;
    loop {
        let started = Instant::now();
        let result = pipeline.build(&dir);
        // Drop what Typst memoised for sources and images no longer in use.
        comemo::evict(CACHE_GENERATIONS);
        report(&Rebuild {
            number,
            result,
            elapsed: started.elapsed(),
        });
        if until.rebuilds.is_some_and(|max| number >= max) {
            return Ok(());
        }
        number += 1;
        // Wait for a change that concerns the issue.
        loop {
            if until.stop.load(Ordering::SeqCst) {
                return Ok(());
            }
            match rx.recv_timeout(POLL) {
                Ok(Ok(events)) => {
                    if events.iter().any(|e| concerns(&root, &dir, &e.path)) {
                        break;
                    }
                }
                // A watcher error (e.g. too many files): say so and keep watching.
                Ok(Err(err)) => eprintln!("监视文件时出错：{err}"),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_issue_its_settings_templates_and_assets_concern_a_watch() {
        let root = Path::new("/p");
        let dir = Path::new("/p/content/034");
        let yes = [
            "/p/content/034/issue.yaml",
            "/p/content/034/photos/01.jpg",
            "/p/content/bulletin.yaml",
            "/p/templates/theme.typ",
            "/p/assets/fonts/x.otf",
        ];
        let no = [
            "/p/output/034/第034期.pdf",
            "/p/output/.cache/photos/ab.jpg",
            "/p/content/035/issue.yaml",
            "/p/content/README.md",
            "/p/README.md",
        ];
        for path in yes {
            assert!(concerns(root, dir, Path::new(path)), "{path}");
        }
        for path in no {
            assert!(!concerns(root, dir, Path::new(path)), "{path}");
        }
    }
}
