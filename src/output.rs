//! Write stage: the files land in `output/<NNN>/` atomically (temporary file in the same
//! folder, then rename), so a failed or interrupted build never leaves a half-written PDF in place
//! of the last good one.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Writes `bytes` to `path` atomically, creating the folder if needed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().context("output path has no folder")?;
    std::fs::create_dir_all(dir).with_context(|| format!("无法创建文件夹 {}", dir.display()))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".bulletin-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("无法在 {} 中写入临时文件", dir.display()))?;
    tmp.write_all(bytes)
        .and_then(|_| tmp.as_file().sync_all())
        .with_context(|| format!("写入 {} 失败", path.display()))?;
    // tempfile creates private files (0600); an issue's outputs are ordinary documents.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644))
            .with_context(|| format!("无法设置 {} 的权限", path.display()))?;
    }
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("无法保存 {}", path.display()))?;
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
    pub fn new(dir: &Path, folder: &str) -> Self {
        let stem = format!("第{folder}期");
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
