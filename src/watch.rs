//! `bulletin watch`: builds an issue, then rebuilds it whenever its folder, `content/bulletin.yaml`,
//! `templates/` or `assets/` change. One [`Pipeline`] serves every rebuild, so the fonts, the prepared
//! photos and Typst's memoised work are reused; a failed rebuild leaves the last good PDF in place.
//!
//! Two filters keep an idle watch idle. Events that only read a file (opening it: the build itself
//! reads the templates, fonts and photos) are dropped by their kind. The rest only wake the watch:
//! once the folders have been quiet for [`DEBOUNCE`], it compares a [`Fingerprint`] of the watched
//! files with the one taken before the last build, and rebuilds only if some content changed, so a
//! touch or a save of the same bytes costs no build, and a save through a temporary file costs one.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result};
use notify::event::{AccessKind, AccessMode, MetadataKind, ModifyKind};
use notify::{Event, EventKind, RecursiveMode, Watcher};
use sha2::{Digest, Sha256};
use walkdir::WalkDir;

use crate::pipeline::{Built, Pipeline};

/// How long the folders must be quiet before the watch looks: an editor's save is often several
/// writes and a rename, all within a few milliseconds, and should make one rebuild. typst-cli
/// batches its events for the same time.
const DEBOUNCE: Duration = Duration::from_millis(100);
/// The longest the watch waits for quiet, so that a file written without pause still gets built.
const MAX_DELAY: Duration = Duration::from_secs(2);
/// How many compilations Typst's memoised results are kept unused (as typst-cli does).
const CACHE_GENERATIONS: usize = 10;
/// Files up to this size are compared by content; larger ones (fonts, photos) by size and
/// modification time, so that looking never reads megabytes.
const HASH_LIMIT: u64 = 1 << 20;

/// One build of the watched issue.
pub struct Rebuild {
    /// 0 for the first build, then 1, 2, …
    pub number: usize,
    pub result: Result<Built>,
    pub elapsed: Duration,
}

/// What wakes a waiting watch: a file event, or the stop signal.
enum Wake {
    Event(notify::Result<Event>),
    Stop,
}

/// The signal that ends a watch after its current build (Ctrl-C, or a test). It wakes the waiting
/// watch at once, so an idle watch sleeps until something happens instead of looking at a flag
/// several times a second.
#[derive(Clone, Default)]
pub struct Stop(Arc<StopState>);

#[derive(Default)]
struct StopState {
    set: AtomicBool,
    /// The channel of the running watch, to wake it.
    wake: Mutex<Option<mpsc::Sender<Wake>>>,
}

impl Stop {
    pub fn new() -> Stop {
        Stop::default()
    }

    /// Stops the watch (after its current build).
    pub fn stop(&self) {
        self.0.set.store(true, Ordering::SeqCst);
        if let Some(wake) = self.0.wake.lock().ok().as_ref().and_then(|w| w.as_ref()) {
            let _ = wake.send(Wake::Stop);
        }
    }

    pub fn is_set(&self) -> bool {
        self.0.set.load(Ordering::SeqCst)
    }

    fn wake_with(&self, wake: mpsc::Sender<Wake>) {
        if let Ok(mut slot) = self.0.wake.lock() {
            *slot = Some(wake);
        }
    }
}

/// When the watch ends.
pub struct Until<'a> {
    /// Set (by Ctrl-C, or a test) to stop after the current build.
    pub stop: &'a Stop,
    /// Stop after this many rebuilds (not counting the first build), if given.
    pub rebuilds: Option<usize>,
}

/// Whether a change at `path` concerns the issue in `issue_dir` of the project at `root`: the issue's
/// folder, `content/bulletin.yaml`, `templates/`, `assets/`. The outputs (which the build itself
/// writes), other issues, editors' scratch files ([`is_scratch`]) and anything else are not.
pub fn concerns(root: &Path, issue_dir: &Path, path: &Path) -> bool {
    if path.starts_with(root.join("output")) {
        return false;
    }
    // Only the names inside the project: the project itself may live in a hidden folder.
    let inside = path.strip_prefix(root).unwrap_or(path);
    if inside.iter().any(is_scratch) {
        return false;
    }
    path.starts_with(issue_dir)
        || path == root.join("content").join("bulletin.yaml")
        || path.starts_with(root.join("templates"))
        || path.starts_with(root.join("assets"))
}

/// Whether `name` is a file editors write beside the real one while it is open or being saved:
/// hidden files (vim's `.issue.yaml.swp`, gedit's `.goutputstream-…`), Office and WPS lock files
/// (`~$…`, `.~…`), backups (`issue.yaml~`, `#issue.yaml#`) and temporary files (`*.tmp`, `*.swp`).
/// No build reads them, and some change every few seconds while an editor is open.
pub fn is_scratch(name: &OsStr) -> bool {
    let name = name.to_string_lossy();
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    name.starts_with('.')
        || name.starts_with('~')
        || name.ends_with('~')
        || (name.len() > 1 && name.starts_with('#') && name.ends_with('#'))
        || matches!(extension.as_deref(), Some("tmp" | "swp" | "swx" | "bak"))
}

/// Whether an event of this kind can mean that a file's content changed. Opening a file, and any
/// other access short of closing it after writing, cannot: the build itself opens the templates,
/// fonts and photos, and reacting to that rebuilt the issue over and over.
pub fn may_write(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        // Create, modify (data, name, metadata), remove, and kinds the platform cannot tell.
        _ => true,
    }
}

/// What the watch notes of one file: enough to tell whether its content changed.
#[derive(Debug, Clone)]
struct Stamp {
    size: u64,
    modified: Option<SystemTime>,
    /// SHA-256 of the content, for a file of at most [`HASH_LIMIT`] bytes that could be read.
    digest: Option<[u8; 32]>,
}

impl Stamp {
    fn of(path: &Path, metadata: &std::fs::Metadata) -> Stamp {
        let size = metadata.len();
        let digest = (size <= HASH_LIMIT).then(|| digest(path)).flatten();
        Stamp {
            size,
            modified: metadata.modified().ok(),
            digest,
        }
    }

    /// The same content: by digest where both have one (a touch changes only the time), else by
    /// size and modification time.
    fn same_content(&self, other: &Stamp) -> bool {
        self.size == other.size
            && match (&self.digest, &other.digest) {
                (Some(a), Some(b)) => a == b,
                _ => self.modified == other.modified,
            }
    }
}

fn digest(path: &Path) -> Option<[u8; 32]> {
    let mut file = std::fs::File::open(path).ok()?;
    let mut hasher = Sha256::new();
    let mut buffer = [0; 64 * 1024];
    loop {
        match file.read(&mut buffer).ok()? {
            0 => return Some(hasher.finalize().into()),
            n => hasher.update(&buffer[..n]),
        }
    }
}

/// The watched files of an issue at one moment, each with its [`Stamp`].
#[derive(Debug, Default)]
pub struct Fingerprint(BTreeMap<PathBuf, Stamp>);

impl Fingerprint {
    /// Looks at every file that [`concerns`] the issue in `issue_dir` of the project at `root`.
    /// Files that vanish or cannot be read while it looks are noted as they are, never an error.
    pub fn take(root: &Path, issue_dir: &Path) -> Fingerprint {
        let mut files = BTreeMap::new();
        for (folder, mode) in watched(root, issue_dir) {
            let depth = match mode {
                RecursiveMode::Recursive => usize::MAX,
                RecursiveMode::NonRecursive => 1,
            };
            let entries = WalkDir::new(&folder)
                .follow_links(true)
                .max_depth(depth)
                .into_iter()
                .filter_entry(|entry| entry.depth() == 0 || !is_scratch(entry.file_name()));
            for entry in entries.filter_map(Result::ok) {
                let path = entry.path();
                if !entry.file_type().is_file() || !concerns(root, issue_dir, path) {
                    continue;
                }
                if let Ok(metadata) = entry.metadata() {
                    files.insert(path.to_path_buf(), Stamp::of(path, &metadata));
                }
            }
        }
        Fingerprint(files)
    }

    /// The same files with the same content.
    /// Whether a file under `folder` was added, removed or changed between the two.
    pub fn differs_under(&self, other: &Fingerprint, folder: &Path) -> bool {
        fn under<'a>(fingerprint: &'a Fingerprint, folder: &Path) -> Vec<(&'a PathBuf, &'a Stamp)> {
            (fingerprint.0.iter())
                .filter(|(path, _)| path.starts_with(folder))
                .collect()
        }
        let (mine, theirs) = (under(self, folder), under(other, folder));
        mine.len() != theirs.len()
            || (mine.iter().zip(&theirs)).any(|((a, x), (b, y))| a != b || !x.same_content(y))
    }

    pub fn same_content(&self, other: &Fingerprint) -> bool {
        self.0.len() == other.0.len()
            && (self.0.iter().zip(&other.0)).all(|((p, a), (q, b))| p == q && a.same_content(b))
    }
}

/// The folders a watch of the issue in `issue_dir` looks at, and how deep.
fn watched(root: &Path, issue_dir: &Path) -> [(PathBuf, RecursiveMode); 4] {
    [
        (issue_dir.to_path_buf(), RecursiveMode::Recursive),
        // bulletin.yaml is watched through its folder: editors often save by replacing the file.
        (root.join("content"), RecursiveMode::NonRecursive),
        (root.join("templates"), RecursiveMode::Recursive),
        (root.join("assets"), RecursiveMode::Recursive),
    ]
}

/// Builds the issue in `dir`, then rebuilds it whenever the content of a file that [`concerns`] it
/// changes, calling `report` after each build, until `until` says to stop. Errors of the build are
/// reported, never returned: only a watcher that cannot be set up ends the watch with an error.
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
    let (tx, rx) = mpsc::channel::<Wake>();
    until.stop.wake_with(tx.clone());
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = tx.send(Wake::Event(event));
    })
    .context("无法监视文件的改动")?;
    for (path, mode) in watched(&root, &dir) {
        if path.exists() {
            (watcher.watch(&path, mode))
                .with_context(|| format!("无法监视 {} 的改动", path.display()))?;
        }
    }

    // Taken before each build: a file saved while the build runs differs from it afterwards.
    let mut built = Fingerprint::take(&root, &dir);
    let fonts = root.join("assets/fonts");
    let mut fonts_changed = false;
    let mut number = 0;
    loop {
        let started = Instant::now();
        // A font dropped in (or replaced) is used from the next build on, as a new run would.
        let result = if std::mem::take(&mut fonts_changed) {
            pipeline.reload_fonts().and_then(|()| pipeline.build(&dir))
        } else {
            pipeline.build(&dir)
        };
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
        match wait_for_change(&rx, until.stop, &root, &dir, &built) {
            Some(now) => {
                fonts_changed = now.differs_under(&built, &fonts);
                built = now;
            }
            None => return Ok(()),
        }
    }
}

/// Waits until the content of the watched files differs from `built`, and returns how they are
/// then; `None` once `stop` is set or the watcher is gone.
fn wait_for_change(
    rx: &mpsc::Receiver<Wake>,
    stop: &Stop,
    root: &Path,
    dir: &Path,
    built: &Fingerprint,
) -> Option<Fingerprint> {
    // The first and the last event since the last look that may have changed a watched file.
    let mut pending: Option<(Instant, Instant)> = None;
    loop {
        if stop.is_set() {
            return None;
        }
        // Nothing pending: sleep until an event or the stop signal comes.
        let received = match pending {
            Some((_, last)) => rx.recv_timeout(DEBOUNCE.saturating_sub(last.elapsed())),
            None => rx.recv().map_err(|_| mpsc::RecvTimeoutError::Disconnected),
        };
        match received {
            Ok(Wake::Stop) => return None,
            Ok(Wake::Event(Ok(event))) => {
                let relevant = event.need_rescan()
                    || (may_write(&event.kind)
                        && event.paths.iter().any(|path| concerns(root, dir, path)));
                if relevant {
                    let now = Instant::now();
                    pending = Some((pending.map_or(now, |(first, _)| first), now));
                }
            }
            // A watcher error (e.g. too many files): say so and keep watching.
            Ok(Wake::Event(Err(err))) => eprintln!("监视文件时出错：{err}"),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => return None,
        }
        // Checked after every event too: reads elsewhere may keep the channel from ever timing out.
        if let Some((first, last)) = pending
            && (last.elapsed() >= DEBOUNCE || first.elapsed() >= MAX_DELAY)
        {
            pending = None;
            let now = Fingerprint::take(root, dir);
            if !now.same_content(built) {
                return Some(now);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange, RemoveKind, RenameMode};

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
            "/p/content/034/.issue.yaml.swp",
            "/p/content/034/issue.yaml~",
            "/p/content/034/photos/~$说明.docx",
            "/p/templates/.git/index",
        ];
        for path in yes {
            assert!(concerns(root, dir, Path::new(path)), "{path}");
        }
        for path in no {
            assert!(!concerns(root, dir, Path::new(path)), "{path}");
        }
    }

    #[test]
    fn a_project_in_a_hidden_folder_is_still_watched() {
        let root = Path::new("/tmp/.tmpAb12");
        let dir = Path::new("/tmp/.tmpAb12/content/034");
        assert!(concerns(
            root,
            dir,
            Path::new("/tmp/.tmpAb12/content/034/issue.yaml")
        ));
    }

    #[test]
    fn editors_scratch_files_are_told_from_the_files_a_build_reads() {
        for name in [
            ".issue.yaml.swp",
            ".goutputstream-X1Y2Z3",
            "~$issue.docx",
            ".~lock.issue.yaml#",
            "issue.yaml~",
            "#issue.yaml#",
            "issue.yaml.TMP",
            "issue.yaml.bak",
        ] {
            assert!(is_scratch(OsStr::new(name)), "{name}");
        }
        for name in [
            "issue.yaml",
            "01.jpg",
            "theme.typ",
            "#",
            "BulletinSong-Regular.otf",
        ] {
            assert!(!is_scratch(OsStr::new(name)), "{name}");
        }
    }

    #[test]
    fn opening_a_file_is_no_write_but_creating_changing_renaming_and_removing_are() {
        let reads = [
            EventKind::Access(AccessKind::Open(AccessMode::Any)),
            EventKind::Access(AccessKind::Read),
            EventKind::Access(AccessKind::Close(AccessMode::Read)),
            EventKind::Access(AccessKind::Any),
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)),
        ];
        let writes = [
            EventKind::Access(AccessKind::Close(AccessMode::Write)),
            EventKind::Create(CreateKind::File),
            EventKind::Modify(ModifyKind::Data(DataChange::Any)),
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::Any)),
            EventKind::Remove(RemoveKind::File),
            EventKind::Any,
        ];
        for kind in reads {
            assert!(!may_write(&kind), "{kind:?}");
        }
        for kind in writes {
            assert!(may_write(&kind), "{kind:?}");
        }
    }

    /// A project with an issue, settings, a template and a "font" larger than [`HASH_LIMIT`].
    fn project() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let temp = tempfile::tempdir().unwrap();
        let root = temp.path().to_path_buf();
        let dir = root.join("content/034");
        std::fs::create_dir_all(dir.join("photos")).unwrap();
        std::fs::create_dir_all(root.join("templates")).unwrap();
        std::fs::create_dir_all(root.join("assets/fonts")).unwrap();
        std::fs::write(dir.join("issue.yaml"), "number: 34\n").unwrap();
        std::fs::write(dir.join("photos/01.jpg"), [0xff, 0xd8]).unwrap();
        std::fs::write(root.join("content/bulletin.yaml"), "name: 长艺党建\n").unwrap();
        std::fs::write(root.join("content/README.md"), "说明\n").unwrap();
        std::fs::write(root.join("templates/theme.typ"), "// theme\n").unwrap();
        let font = vec![7u8; HASH_LIMIT as usize + 1];
        std::fs::write(root.join("assets/fonts/big.otf"), font).unwrap();
        (temp, root, dir)
    }

    fn set_modified(path: &Path, when: SystemTime) {
        let file = std::fs::File::options().write(true).open(path).unwrap();
        file.set_modified(when).unwrap();
    }

    #[test]
    fn a_fingerprint_covers_the_watched_files_only() {
        let (_temp, root, dir) = project();
        std::fs::write(dir.join(".issue.yaml.swp"), "swap").unwrap();
        std::fs::create_dir_all(root.join("output/034")).unwrap();
        std::fs::write(root.join("output/034/第034期.pdf"), "%PDF").unwrap();
        let print = Fingerprint::take(&root, &dir);
        let files: Vec<&Path> = print
            .0
            .keys()
            .map(|p| p.strip_prefix(&root).unwrap())
            .collect();
        let expected = [
            "assets/fonts/big.otf",
            "content/034/issue.yaml",
            "content/034/photos/01.jpg",
            "content/bulletin.yaml",
            "templates/theme.typ",
        ];
        assert_eq!(files, expected.map(Path::new));
    }

    #[test]
    fn a_touch_or_a_save_of_the_same_bytes_leaves_the_fingerprint_the_same() {
        let (_temp, root, dir) = project();
        let before = Fingerprint::take(&root, &dir);
        let later = SystemTime::now() + Duration::from_secs(60);
        set_modified(&dir.join("issue.yaml"), later);
        std::fs::write(root.join("templates/theme.typ"), "// theme\n").unwrap();
        // Replaced through a temporary file, with the same bytes.
        std::fs::write(dir.join("photos/01.jpg.part"), [0xff, 0xd8]).unwrap();
        std::fs::rename(dir.join("photos/01.jpg.part"), dir.join("photos/01.jpg")).unwrap();
        assert!(Fingerprint::take(&root, &dir).same_content(&before));
    }

    #[test]
    fn an_edit_a_new_file_or_a_removed_file_changes_the_fingerprint() {
        let (_temp, root, dir) = project();
        let before = Fingerprint::take(&root, &dir);

        std::fs::write(dir.join("issue.yaml"), "number: 35\n").unwrap();
        assert!(!Fingerprint::take(&root, &dir).same_content(&before));
        std::fs::write(dir.join("issue.yaml"), "number: 34\n").unwrap();
        assert!(Fingerprint::take(&root, &dir).same_content(&before));

        std::fs::write(dir.join("photos/02.jpg"), [0xff, 0xd8]).unwrap();
        assert!(!Fingerprint::take(&root, &dir).same_content(&before));
        std::fs::remove_file(dir.join("photos/02.jpg")).unwrap();
        std::fs::remove_file(root.join("content/bulletin.yaml")).unwrap();
        assert!(!Fingerprint::take(&root, &dir).same_content(&before));
    }

    #[test]
    fn a_file_too_large_to_hash_counts_as_changed_when_its_time_or_size_does() {
        let (_temp, root, dir) = project();
        let font = root.join("assets/fonts/big.otf");
        let before = Fingerprint::take(&root, &dir);
        assert!(before.0[&font].digest.is_none());
        assert!(Fingerprint::take(&root, &dir).same_content(&before));
        set_modified(&font, SystemTime::now() + Duration::from_secs(60));
        assert!(!Fingerprint::take(&root, &dir).same_content(&before));
    }
}
