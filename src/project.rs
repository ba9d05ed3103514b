//! The project folder: where content, templates, fonts and output live, which issues exist, and
//! the names derived from an issue's folder ([`IssueId`]).

use std::path::{Path, PathBuf};

use anyhow::Result;
use walkdir::WalkDir;

use crate::diag::Problem;
use crate::output::OutputPaths;

/// A bulletin project: the folder holding `content/bulletin.yaml`.
#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
}

/// The highest issue number: folders are named by at least three digits (034, 1000).
pub const MAX_ISSUE: u32 = 9999;

/// The file name of an issue's content inside its folder.
pub const ISSUE_FILE: &str = "issue.yaml";

/// An issue, by the name of its folder under `content/` (`034`); every name derived from it — the
/// label 第034期, the output folder output/034, the files 第034期.pdf — comes from here.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IssueId(String);

impl IssueId {
    /// The issue in folder `dir` (e.g. content/034).
    pub fn of_dir(dir: &Path) -> IssueId {
        IssueId(
            dir.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        )
    }

    /// The issue of number `number`, in its three-digit folder.
    pub fn of_number(number: u32) -> IssueId {
        IssueId(format!("{number:03}"))
    }

    /// The folder's name, e.g. `034`.
    pub fn folder(&self) -> &str {
        &self.0
    }

    /// 第034期: in messages, and the stem of the output files.
    pub fn label(&self) -> String {
        format!("第{}期", self.0)
    }

    /// The number the folder name gives, if it is one.
    pub fn number(&self) -> Option<u32> {
        self.0.parse().ok()
    }

    /// Whether the folder is named by its number in at least three digits (034, 1000), as output
    /// names need.
    pub fn is_canonical(&self) -> bool {
        self.number()
            .is_some_and(|n| *self == IssueId::of_number(n))
    }
}

impl std::fmt::Display for IssueId {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Project {
    /// Finds the project from `start`, looking upwards for `content/bulletin.yaml`.
    pub fn find(start: &Path) -> Result<Project> {
        let start = start.canonicalize().map_err(|e| {
            crate::files::io_problem(&e, &format!("无法打开文件夹 {}", start.display()))
                .into_error()
        })?;
        for dir in start.ancestors() {
            if dir.join("content").join("bulletin.yaml").is_file() {
                return Ok(Project {
                    root: dir.to_path_buf(),
                });
            }
        }
        Err(Problem::error(format!(
            "在 {} 及其上级文件夹中找不到 content/bulletin.yaml",
            start.display()
        ))
        .hint("请在项目文件夹中运行，或用 --root 指定项目文件夹。")
        .into_error())
    }

    pub fn content_dir(&self) -> PathBuf {
        self.root.join("content")
    }

    pub fn bulletin_file(&self) -> PathBuf {
        self.content_dir().join("bulletin.yaml")
    }

    pub fn templates_dir(&self) -> PathBuf {
        self.root.join("templates")
    }

    pub fn fonts_dir(&self) -> PathBuf {
        self.root.join("assets").join("fonts")
    }

    pub fn output_root(&self) -> PathBuf {
        self.root.join("output")
    }

    /// `content/034`.
    pub fn issue_dir(&self, id: &IssueId) -> PathBuf {
        self.content_dir().join(id.folder())
    }

    /// `output/034`.
    pub fn output_dir(&self, id: &IssueId) -> PathBuf {
        self.output_root().join(id.folder())
    }

    /// The files `build` writes for the issue: output/034/第034期.pdf, .typ, .md.
    pub fn output_paths(&self, id: &IssueId) -> OutputPaths {
        OutputPaths::new(&self.output_dir(id), &id.label())
    }

    /// `path` relative to the project root, for messages.
    pub fn relative<'a>(&self, path: &'a Path) -> &'a Path {
        path.strip_prefix(&self.root).unwrap_or(path)
    }

    /// Every issue folder under `content/` (a folder holding issue.yaml), sorted by name.
    pub fn issue_dirs(&self) -> Vec<PathBuf> {
        WalkDir::new(self.content_dir())
            .min_depth(1)
            .max_depth(1)
            .sort_by_file_name()
            .into_iter()
            .filter_map(|entry| entry.ok())
            .filter(|entry| entry.file_type().is_dir() && entry.path().join(ISSUE_FILE).is_file())
            .map(|entry| entry.into_path())
            .collect()
    }

    /// Resolves what the user typed (`034`, `34`, `content/034`, a path) to an issue folder.
    pub fn resolve_issue(&self, arg: &str) -> Result<PathBuf> {
        let content = self
            .content_dir()
            .canonicalize()
            .unwrap_or_else(|_| self.content_dir());
        let as_path = Path::new(arg);
        for candidate in [as_path.to_path_buf(), self.root.join(as_path)] {
            if candidate.join(ISSUE_FILE).is_file() {
                let dir = candidate.canonicalize().map_err(|e| {
                    crate::files::io_problem(&e, &format!("无法打开 {}", candidate.display()))
                        .into_error()
                })?;
                // Outputs and photo paths are derived from content/<folder>; an issue elsewhere
                // would be built from, and written over, the wrong files.
                if dir.parent() != Some(content.as_path()) {
                    return Err(Problem::error(format!(
                        "{} 不在本项目的 content 文件夹里",
                        candidate.display()
                    ))
                    .hint("每一期放在 content/<三位期号>/ 下，例如 content/035/。")
                    .into_error());
                }
                return Ok(dir);
            }
        }
        let wanted = match arg.trim().parse::<u32>() {
            Ok(number) => {
                let dir = content.join(IssueId::of_number(number).folder());
                if dir.join(ISSUE_FILE).is_file() {
                    return Ok(dir);
                }
                format!("content/{number:03}/{ISSUE_FILE}")
            }
            Err(_) => format!("{arg}/{ISSUE_FILE}"),
        };
        let known: Vec<String> = (self.issue_dirs().iter())
            .map(|d| IssueId::of_dir(d).folder().to_string())
            .collect();
        Err(Problem::error(format!("找不到第 {arg} 期：没有 {wanted}"))
            .hint(format!(
                "已有的期号：{}。新的一期用 new 命令建立（见 content/README.md）。",
                if known.is_empty() {
                    "（无）".to_string()
                } else {
                    known.join("、")
                }
            ))
            .into_error())
    }
}
