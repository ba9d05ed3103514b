//! The project folder: where content, templates, fonts and output live, and which issues exist.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use walkdir::WalkDir;

/// A bulletin project: the folder holding `content/bulletin.yaml`.
#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
}

/// The file name of an issue's content inside its folder.
pub const ISSUE_FILE: &str = "issue.yaml";

impl Project {
    /// Finds the project from `start`, looking upwards for `content/bulletin.yaml`.
    pub fn find(start: &Path) -> Result<Project> {
        let start = start
            .canonicalize()
            .with_context(|| format!("无法打开文件夹 {}", start.display()))?;
        for dir in start.ancestors() {
            if dir.join("content").join("bulletin.yaml").is_file() {
                return Ok(Project {
                    root: dir.to_path_buf(),
                });
            }
        }
        bail!(
            "在 {} 及其上级文件夹中找不到 content/bulletin.yaml。\n  提示：请在项目文件夹中运行，或用 --root 指定项目文件夹。",
            start.display()
        )
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

    /// `output/034` for issue folder `034`.
    pub fn output_dir(&self, folder: &str) -> PathBuf {
        self.root.join("output").join(folder)
    }

    /// `path` relative to the project root, for messages.
    pub fn relative<'a>(&self, path: &'a Path) -> &'a Path {
        path.strip_prefix(&self.root).unwrap_or(path)
    }

    /// Every issue folder under `content/` (a folder holding issue.yaml), sorted by name.
    pub fn issue_dirs(&self) -> Vec<PathBuf> {
        let dirs: Vec<PathBuf> = WalkDir::new(self.content_dir())
            .min_depth(1)
            .max_depth(1)
            .sort_by_file_name()
            .into_iter()
            .filter_map(|entry| entry.ok())
            .filter(|entry| entry.file_type().is_dir() && entry.path().join(ISSUE_FILE).is_file())
            .map(|entry| entry.into_path())
            .collect();
        dirs
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
                let dir = candidate
                    .canonicalize()
                    .with_context(|| format!("无法打开 {}", candidate.display()))?;
                // Outputs and photo paths are derived from content/<folder>; an issue elsewhere
                // would be built from, and written over, the wrong files.
                if dir.parent() != Some(content.as_path()) {
                    bail!(
                        "{} 不在本项目的 content 文件夹里。\n  提示：每一期放在 content/<三位期号>/ 下，例如 content/035/。",
                        candidate.display()
                    );
                }
                return Ok(dir);
            }
        }
        let wanted = match arg.trim().parse::<u32>() {
            Ok(number) => {
                let dir = content.join(format!("{number:03}"));
                if dir.join(ISSUE_FILE).is_file() {
                    return Ok(dir);
                }
                format!("content/{number:03}/{ISSUE_FILE}")
            }
            Err(_) => format!("{arg}/{ISSUE_FILE}"),
        };
        let known: Vec<String> = self
            .issue_dirs()
            .iter()
            .filter_map(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        bail!(
            "找不到第 {arg} 期：没有 {wanted}。\n  提示：已有的期号：{}。新的一期请先建立文件夹（见 content/README.md）。",
            if known.is_empty() {
                "（无）".to_string()
            } else {
                known.join("、")
            }
        )
    }
}
