//! The compiler's view of the project: the generated main source from memory, every other file only
//! from inside the project root, the shared fonts, and a fixed "today" for reproducible output.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Dict, IntoValue, Str};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_kit::files::{FileLoader, FileStore};

use super::fonts::Fonts;

/// The largest file the compiler is given (templates, photos as they are, fonts are loaded apart).
const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Serves files to the compiler: the main source and the prepared photos from memory, the rest from
/// the project root.
struct ProjectFiles {
    root: std::path::PathBuf,
    main: Option<(FileId, Bytes)>,
    overlay: HashMap<FileId, Bytes>,
}

impl FileLoader for ProjectFiles {
    fn load(&self, id: FileId) -> FileResult<Bytes> {
        if let Some((main, text)) = &self.main
            && *main == id
        {
            return Ok(text.clone());
        }
        if let Some(bytes) = self.overlay.get(&id) {
            return Ok(bytes.clone());
        }
        match id.root() {
            VirtualRoot::Project => {
                // The one rule for files (crate::files): a regular file inside the project, of a
                // bounded size — never a FIFO, a device or a link out of the project, also not
                // for a file an SVG photo or a template refers to.
                let path = id
                    .vpath()
                    .realize(&self.root)
                    .map_err(|_| FileError::AccessDenied)?;
                match crate::files::read_limited(&self.root, &path, MAX_FILE_BYTES) {
                    Ok(bytes) => Ok(Bytes::new(bytes)),
                    Err(crate::files::FileError::NotFound) => Err(FileError::NotFound(path)),
                    Err(err) => Err(FileError::Other(Some(
                        err.problem(id.vpath().get_without_slash().as_ref())
                            .message
                            .into(),
                    ))),
                }
            }
            // Packages would need the network and are not part of a bulletin.
            VirtualRoot::Package(_) => Err(FileError::Other(Some(
                "bulletin templates cannot import packages".into(),
            ))),
        }
    }
}

/// A Typst `World` that lives as long as the process: sources, decoded images and the compiler's
/// memoised results are reused from one build to the next.
pub struct ProjectWorld {
    library: LazyHash<Library>,
    fonts: Arc<Fonts>,
    files: FileStore<ProjectFiles>,
    main: FileId,
    today: Option<Datetime>,
}

impl ProjectWorld {
    pub fn new(root: &Path, fonts: Arc<Fonts>) -> Self {
        let loader = ProjectFiles {
            root: root.to_path_buf(),
            main: None,
            overlay: HashMap::new(),
        };
        ProjectWorld {
            library: LazyHash::new(Library::builder().build()),
            fonts,
            files: FileStore::new(loader),
            main: project_file_id("/main.typ"),
            today: None,
        }
    }

    /// Sets the templates' `sys.inputs` (`typst compile --input key=value`). Rebuilding the library
    /// drops the compiler's memoised results, so this is for a pipeline's setup, not per issue.
    pub fn set_inputs(&mut self, inputs: &[(&str, &str)]) {
        let mut dict = Dict::new();
        for (key, value) in inputs {
            dict.insert(Str::from(*key), Str::from(*value).into_value());
        }
        self.library = LazyHash::new(Library::builder().with_inputs(dict).build());
    }

    /// Sets the source to compile next. `vpath` is where the source is written inside the project
    /// (e.g. `/output/034/第034期.typ`), so relative paths and diagnostics refer to that file.
    pub fn set_main(&mut self, vpath: &str, text: String, today: Datetime) {
        self.main = project_file_id(vpath);
        self.today = Some(today);
        self.files.loader_mut().main = Some((self.main, Bytes::from_string(text)));
        // Mark every file stale so edited photos and templates are read again; unchanged sources
        // are re-parsed incrementally.
        self.files.reset();
    }
}

impl ProjectWorld {
    /// Serves these files (path from the project root, contents) from memory from the next compile
    /// on, in place of whatever is on disk: photos prepared for print, also when `check` writes no
    /// cache.
    pub fn set_overlay(&mut self, files: impl IntoIterator<Item = (String, Bytes)>) {
        self.files.loader_mut().overlay = files
            .into_iter()
            .map(|(vpath, bytes)| (project_file_id(&vpath), bytes))
            .collect();
    }
}

fn project_file_id(vpath: &str) -> FileId {
    let vpath =
        VirtualPath::new(vpath).unwrap_or_else(|_| VirtualPath::new("/main.typ").expect("valid"));
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

impl World for ProjectWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.files.source(id)
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files.file(id)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.font(index)
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        self.today
    }
}
