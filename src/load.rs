//! Load stage: read bulletin.yaml and one issue's issue.yaml, parse them into YAML trees and decode
//! those into the model. Every problem is located in its file; nothing here checks meaning across
//! fields or files (that is `validate`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::diag::{Problem, Problems};
use crate::model::{self, Bulletin, Issue};
use crate::project::{ISSUE_FILE, IssueId, Project};
use crate::source::{FileId, SourceFile, Sources, Span};
use crate::yaml::{self, NodeKind};

/// The largest issue.yaml or bulletin.yaml read (a whole issue's text is a few tens of kilobytes).
pub const MAX_YAML_BYTES: u64 = 2 * 1024 * 1024;

/// bulletin.yaml's id in [`Loaded::sources`].
pub const BULLETIN: FileId = FileId::BULLETIN;
/// issue.yaml's id in [`Loaded::sources`].
pub const ISSUE: FileId = FileId::ISSUE;

/// Everything one build reads from `content/`.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub bulletin: Bulletin,
    pub issue: Issue,
    /// bulletin.yaml ([`BULLETIN`]) and issue.yaml ([`ISSUE`]) as read.
    pub sources: Sources,
    /// The issue folder on disk, e.g. `/…/content/034`.
    pub dir: PathBuf,
    pub id: IssueId,
}

impl Loaded {
    pub fn issue_file(&self) -> &SourceFile {
        self.sources.get(ISSUE)
    }

    pub fn bulletin_file(&self) -> &SourceFile {
        self.sources.get(BULLETIN)
    }

    /// `problem` placed at `span` of the file the span points into.
    pub fn at(&self, problem: Problem, span: Span) -> Problem {
        problem.at(self.sources.get(span.file), span)
    }
}

/// Reads and parses the shared settings and the issue in `dir`; reports every file's problems.
pub fn load(project: &Project, dir: &Path) -> Result<Loaded, Problems> {
    let mut sources = Sources::default();
    let bulletin_text = read(project, &project.bulletin_file());
    let issue_text = read(project, &dir.join(ISSUE_FILE));
    let (bulletin_text, issue_text) = match (bulletin_text, issue_text) {
        (Ok(b), Ok(i)) => (b, i),
        (b, i) => return Err(Problems(b.err().into_iter().chain(i.err()).collect())),
    };
    let bulletin_id = sources.add(project.relative(&project.bulletin_file()), bulletin_text);
    let issue_id = sources.add(project.relative(&dir.join(ISSUE_FILE)), issue_text);
    debug_assert_eq!((bulletin_id, issue_id), (BULLETIN, ISSUE));
    let bulletin = parse_bulletin(sources.get(BULLETIN));
    let issue = parse_issue(sources.get(ISSUE));
    match (bulletin, issue) {
        (Ok(bulletin), Ok(issue)) => Ok(Loaded {
            bulletin,
            issue,
            sources,
            dir: dir.to_path_buf(),
            id: IssueId::of_dir(dir),
        }),
        (b, i) => Err(Problems(
            (b.err().into_iter().flatten())
                .chain(i.err().into_iter().flatten())
                .collect(),
        )),
    }
}

/// Every issue of `dirs` loaded once, and the index of their numbers built from them (an issue that
/// does not load gives its number if it can be read at all).
pub fn load_all(
    project: &Project,
    dirs: &[PathBuf],
) -> (Vec<Result<Loaded, Problems>>, NumberIndex) {
    let mut numbers = NumberIndex::default();
    let loaded: Vec<Result<Loaded, Problems>> = dirs.iter().map(|dir| load(project, dir)).collect();
    for (dir, issue) in dirs.iter().zip(&loaded) {
        let number = match issue {
            Ok(loaded) => Some(loaded.issue.number.value),
            Err(_) => number_in(project, dir),
        };
        if let Some(number) = number {
            let file = project.relative(&dir.join(ISSUE_FILE)).to_path_buf();
            numbers.add(IssueId::of_dir(dir), file, number);
        }
    }
    (loaded, numbers)
}

/// The number every issue of the project gives, for finding two issues with one number: built
/// once per command from the issues it loads anyway, or kept up to date across the rebuilds of
/// `watch`, re-reading only the issue.yaml files that changed.
#[derive(Debug, Clone, Default)]
pub struct NumberIndex {
    /// Per issue folder: its issue.yaml (relative to the project root), the file's stamp when read
    /// (size and modification time), and the number it gives.
    issues: HashMap<IssueId, Entry>,
}

#[derive(Debug, Clone)]
struct Entry {
    file: PathBuf,
    stamp: Option<(u64, std::time::SystemTime)>,
    number: Option<u32>,
}

impl NumberIndex {
    /// Reads the number of every issue folder of the project (a light parse of each issue.yaml).
    pub fn scan(project: &Project) -> NumberIndex {
        let mut index = NumberIndex::default();
        index.refresh(project);
        index
    }

    /// Brings the index up to date: folders that appeared or went, issue.yaml files that changed.
    pub fn refresh(&mut self, project: &Project) {
        let dirs = project.issue_dirs();
        let ids: Vec<IssueId> = dirs.iter().map(|d| IssueId::of_dir(d)).collect();
        self.issues.retain(|id, _| ids.contains(id));
        for (dir, id) in dirs.iter().zip(ids) {
            let path = dir.join(ISSUE_FILE);
            let stamp = std::fs::metadata(&path)
                .ok()
                .and_then(|m| Some((m.len(), m.modified().ok()?)));
            if self
                .issues
                .get(&id)
                .is_some_and(|e| e.stamp.is_some() && e.stamp == stamp)
            {
                continue;
            }
            let entry = Entry {
                file: project.relative(&path).to_path_buf(),
                stamp,
                number: number_in(project, dir),
            };
            self.issues.insert(id, entry);
        }
    }

    /// Records the number of an issue already loaded.
    pub fn add(&mut self, id: IssueId, file: PathBuf, number: u32) {
        let entry = Entry {
            file,
            stamp: None,
            number: Some(number),
        };
        self.issues.insert(id, entry);
    }

    /// The issue.yaml files of issues other than `id` that give `number`, sorted.
    pub fn others(&self, id: &IssueId, number: u32) -> Vec<&Path> {
        let mut files: Vec<&Path> = (self.issues.iter())
            .filter(|(other, entry)| *other != id && entry.number == Some(number))
            .map(|(_, entry)| entry.file.as_path())
            .collect();
        files.sort();
        files
    }
}

/// Parses and decodes bulletin.yaml's text.
pub fn parse_bulletin(file: &SourceFile) -> Result<Bulletin, Vec<Problem>> {
    let root = yaml::parse(file, &model::all_keys())?;
    model::decode_bulletin(file, &root)
}

/// Parses and decodes issue.yaml's text.
pub fn parse_issue(file: &SourceFile) -> Result<Issue, Vec<Problem>> {
    let root = yaml::parse(file, &model::all_keys())?;
    model::decode_issue(file, &root)
}

/// The issue number an issue.yaml gives, if it gives one that is readable at all (the file may be
/// broken in other ways: that is the other issue's problem, reported when it is checked).
pub fn number_in(project: &Project, dir: &Path) -> Option<u32> {
    let text = read(project, &dir.join(ISSUE_FILE)).ok()?;
    let file = SourceFile::new(ISSUE, "", text);
    let root = yaml::parse(&file, &[]).ok()?;
    let NodeKind::Map(entries) = &root.kind else {
        return None;
    };
    let number = entries.iter().find(|e| e.key == "number")?;
    number.value.scalar()?.text.trim().parse().ok()
}

/// Reads a YAML file of the project as text: a regular file of at most [`MAX_YAML_BYTES`], in UTF-8
/// (a byte-order mark is dropped), with no NUL character.
pub fn read(project: &Project, path: &Path) -> Result<String, Problem> {
    let relative = project.relative(path).to_path_buf();
    let bytes = crate::files::read_limited(&project.root, path, MAX_YAML_BYTES)
        .map_err(|err| err.problem(&relative).in_file(&relative))?;
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let file = SourceFile::new(FileId(0), &relative, lossy);
            return Err(Problem::error("文件不是 UTF-8 编码的文本")
                .at(&file, file.span(valid..valid + 1))
                .hint("请用 UTF-8 编码保存（记事本“另存为”时选择 UTF-8）。"));
        }
    };
    // Notepad's "UTF-8 with BOM" puts U+FEFF first, which YAML would read as part of the first key.
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    if let Some(nul) = text.find('\0') {
        let file = SourceFile::new(FileId(0), &relative, text.replace('\0', " "));
        return Err(Problem::error("文件里有一个空字符（NUL），它不是文字")
            .at(&file, file.span(nul..nul + 1))
            .hint("这通常是文件损坏或用了“另存为 UTF-16”造成的：用记事本打开，删除这一处，再以 UTF-8 编码保存。"));
    }
    Ok(text)
}
