//! Archive stage: an issue built as PDF/A-2b and stored, with every source that made it, as a BagIt
//! bag under `output/archive/<year>/第034期/`. The bag is assembled in a temporary folder beside its
//! destination and renamed into place, so an archive is either complete or absent. An issue is
//! archived once; `--supersede` keeps the earlier bag as a prior version (`第034期.v1`).
//!
//! The payload mirrors the project, so the archived Typst source compiles with `data/` as its root:
//!
//! ```text
//! data/第034期.pdf                        the PDF/A-2b
//! data/output/034/第034期.typ, .md        the generated sources
//! data/content/bulletin.yaml              the shared settings
//! data/content/034/issue.yaml             the issue
//! data/content/034/photos/…               the photos the issue uses
//! data/templates/…                        the templates
//! ```

use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};
use time::OffsetDateTime;
use walkdir::WalkDir;

use crate::bagit::{self, BagInfo, Findings, PayloadFile};
use crate::catalog;
use crate::clock;
use crate::diag::Warning;
use crate::model::Block;
use crate::pipeline::{Artifacts, Pipeline};
use crate::project::Project;

/// What `bulletin archive` was asked to do.
pub struct Request {
    /// Replace an existing bag of the same issue, for this reason.
    pub supersede: Option<String>,
    /// The moment recorded as `Archived-At`.
    pub archived_at: OffsetDateTime,
}

/// A finished archive.
pub struct Archived {
    /// The bag folder, e.g. `output/archive/2022/第034期`.
    pub bag: PathBuf,
    /// Where the bag it replaced now is, e.g. `output/archive/2022/第034期.v1`.
    pub prior: Option<PathBuf>,
    pub pages: usize,
    /// Files under `data/`.
    pub files: usize,
    pub warnings: Vec<Warning>,
}

/// `output/archive`.
pub fn archive_root(project: &Project) -> PathBuf {
    project.root.join("output").join("archive")
}

/// `第034期`, the name of issue folder `034`'s bag.
pub fn bag_name(folder: &str) -> String {
    format!("第{folder}期")
}

/// A bag on disk: `output/archive/<year>/<name>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BagDir {
    pub path: PathBuf,
    /// `第034期` or, for a prior version, `第034期.v1`.
    pub name: String,
    /// `034`.
    pub folder: String,
    /// `None` for the current bag, `Some(1)` for `.v1`.
    pub version: Option<u32>,
}

/// Every bag under `output/archive/`, by issue, the current bag before its prior versions (newest
/// first). Temporary folders of an unfinished archive (names starting with `.`) are not bags.
pub fn bags(project: &Project) -> Vec<BagDir> {
    let mut found: Vec<BagDir> = WalkDir::new(archive_root(project))
        .min_depth(2)
        .max_depth(2)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_dir())
        .filter_map(|e| parse_bag_dir(e.path()))
        .collect();
    found.sort_by_key(|b| {
        (
            b.folder.clone(),
            std::cmp::Reverse(b.version.unwrap_or(u32::MAX)),
        )
    });
    found
}

fn parse_bag_dir(path: &Path) -> Option<BagDir> {
    let name = path.file_name()?.to_str()?.to_string();
    let rest = name.strip_prefix('第')?;
    let (folder, version) = match rest.split_once("期.v") {
        Some((folder, version)) => (folder, Some(version.parse().ok()?)),
        None => (rest.strip_suffix('期')?, None),
    };
    if folder.len() != 3 || !folder.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(BagDir {
        path: path.to_path_buf(),
        folder: folder.to_string(),
        name,
        version,
    })
}

/// Archives the issue in `dir` (e.g. content/034): builds it as PDF/A-2b, bags it, places the bag,
/// and regenerates the catalog.
pub fn archive(pipeline: &mut Pipeline, dir: &Path, request: &Request) -> Result<Archived> {
    let project = pipeline.project().clone();
    let folder = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = bag_name(&folder);
    let existing = bags(&project);
    let current = existing
        .iter()
        .find(|b| b.folder == folder && b.version.is_none());
    let reason = match (&request.supersede, current) {
        (None, Some(bag)) => bail!(
            "{name}已经归档在 {}，不能再次归档。\n  提示：归档后的版本不应改动；确实要用新版本取代它，运行 bulletin archive {folder} --supersede \"取代的原因\"，旧版本会保留为 {name}.v1 这样的文件夹。",
            project.relative(&bag.path).display()
        ),
        (Some(_), None) => bail!(
            "{name}还没有归档，没有可以取代的版本。\n  提示：去掉 --supersede 再运行 bulletin archive {folder}。"
        ),
        (Some(reason), Some(_)) if reason.trim().is_empty() => bail!(
            "--supersede 后面的原因是空的。\n  提示：写明为什么取代已归档的版本，例如 --supersede \"更正第2页的错字\"。"
        ),
        (reason, _) => reason.clone(),
    };

    pipeline.set_archival();
    let prepared = pipeline.prepare(dir);
    let paths = prepared.paths.clone();
    let warnings = prepared.warnings;
    let artifacts = prepared
        .result
        .map_err(|failure| pipeline.failure_error(failure, &paths))
        .with_context(|| format!("{name}没有归档：生成 PDF/A 失败。"))?;

    let year_dir = archive_root(&project).join(artifacts.loaded.issue.date.year.to_string());
    let destination = year_dir.join(&name);
    let prior = current.map(|bag| {
        let next = existing
            .iter()
            .filter(|b| b.folder == folder)
            .filter_map(|b| b.version)
            .max()
            .unwrap_or(0)
            + 1;
        let prior_dir = bag.path.with_file_name(format!("{name}.v{next}"));
        (bag.path.clone(), prior_dir)
    });

    let mut info = bag_info(&artifacts, request.archived_at);
    if let (Some((_, prior_dir)), Some(reason)) = (&prior, &reason) {
        info.push("Supersedes", file_name(prior_dir));
        info.push("Supersede-Reason", reason.as_str());
    }
    let payload = payload(&project, &artifacts)?;
    let files = payload.len();

    std::fs::create_dir_all(&year_dir)
        .with_context(|| format!("无法创建文件夹 {}", year_dir.display()))?;
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.partial-"))
        .tempdir_in(&year_dir)
        .with_context(|| format!("无法在 {} 中建立临时文件夹", year_dir.display()))?;
    bagit::write_bag(staging.path(), &payload, info)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(staging.path(), std::fs::Permissions::from_mode(0o755))
            .with_context(|| format!("无法设置 {} 的权限", staging.path().display()))?;
    }

    if let Some((old, prior_dir)) = &prior {
        std::fs::rename(old, prior_dir).with_context(|| {
            format!(
                "无法把旧的归档 {} 改名为 {}；什么都没有改动。",
                old.display(),
                prior_dir.display()
            )
        })?;
    }
    if let Err(err) = std::fs::rename(staging.path(), &destination) {
        // Put the earlier bag back where it was: nothing changed.
        if let Some((old, prior_dir)) = &prior {
            let _ = std::fs::rename(prior_dir, old);
        }
        return Err(err).with_context(|| {
            format!(
                "无法把新的归档放到 {}；原有的归档保持不变。",
                destination.display()
            )
        });
    }
    let _ = staging.keep();

    if let (Some((_, prior_dir)), Some(reason)) = (&prior, &reason) {
        let mut old_info = bagit::read_bag_info(prior_dir)?;
        old_info.push("Superseded-By", name.as_str());
        old_info.push("Superseded-At", clock::rfc3339(request.archived_at));
        old_info.push("Supersede-Reason", reason.as_str());
        bagit::write_bag_info(prior_dir, &old_info).with_context(|| {
            format!(
                "新的归档已放到 {}，但无法在旧版本 {} 的 bag-info.txt 中记下取代原因",
                destination.display(),
                prior_dir.display()
            )
        })?;
    }
    catalog::write(&project).with_context(|| {
        format!(
            "{name}已归档到 {}，但无法更新归档目录（output/archive/index.md、index.html）",
            destination.display()
        )
    })?;
    Ok(Archived {
        bag: destination,
        prior: prior.map(|(_, prior_dir)| prior_dir),
        pages: artifacts.pages(),
        files,
        warnings,
    })
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn bag_info(artifacts: &Artifacts, archived_at: OffsetDateTime) -> BagInfo {
    let loaded = &artifacts.loaded;
    let mut info = BagInfo::default();
    info.push("Bulletin", loaded.bulletin.name.as_str());
    info.push("Issue", loaded.folder.as_str());
    info.push("Date", loaded.issue.date.to_string());
    for article in &loaded.issue.articles {
        info.push("Title", article.title.as_str());
    }
    info.push("Pages", artifacts.pages().to_string());
    info.push("PDF-Standard", "PDF/A-2b");
    let inputs: Vec<String> = crate::compile::ARCHIVAL_INPUTS
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    info.push("Typst-Inputs", inputs.join(" "));
    info.push(
        "Tool-Version",
        format!("bulletin {}", env!("CARGO_PKG_VERSION")),
    );
    info.push("Archived-At", clock::rfc3339(archived_at));
    info.push("Bagging-Date", clock::utc_date(archived_at));
    info
}

/// The PDF, the generated sources, and the input files: settings, issue, used photos, templates.
fn payload(project: &Project, artifacts: &Artifacts) -> Result<Vec<PayloadFile>> {
    let loaded = &artifacts.loaded;
    let name = bag_name(&loaded.folder);
    let output = format!("output/{}", loaded.folder);
    let mut payload = vec![
        PayloadFile {
            path: format!("{name}.pdf"),
            bytes: artifacts.pdf.clone(),
        },
        PayloadFile {
            path: format!("{output}/{name}.typ"),
            bytes: artifacts.typst.clone().into_bytes(),
        },
        PayloadFile {
            path: format!("{output}/{name}.md"),
            bytes: artifacts.markdown.clone().into_bytes(),
        },
    ];
    // The photos as prepared for print: the archived source refers to them.
    for (vpath, bytes) in &artifacts.photos {
        payload.push(PayloadFile {
            path: vpath.trim_start_matches('/').to_string(),
            bytes: bytes.to_vec(),
        });
    }
    let mut inputs = vec![
        project.bulletin_file(),
        loaded.dir.join(crate::project::ISSUE_FILE),
    ];
    for block in loaded.issue.blocks() {
        if let Block::Photo(photo) = block {
            inputs.push(loaded.dir.join(&photo.file));
        }
    }
    inputs.extend(
        WalkDir::new(project.templates_dir())
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path()),
    );
    for input in inputs {
        let path = project_path(project, &input)?;
        if payload.iter().any(|f| f.path == path) {
            continue;
        }
        let bytes = std::fs::read(&input).with_context(|| {
            format!(
                "无法读取 {}，这一期没有归档。",
                project.relative(&input).display()
            )
        })?;
        // The YAML must be the text the PDF was made from, not an edit saved meanwhile.
        for loaded_file in [&loaded.issue_file, &loaded.bulletin_file] {
            let as_loaded = loaded_file.text.as_bytes();
            if project.root.join(&loaded_file.path) == input
                && bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes) != as_loaded
            {
                bail!(
                    "{} 在归档过程中被修改了，这一期没有归档。\n  提示：保存好文件后再运行 bulletin archive {}。",
                    loaded_file.path.display(),
                    loaded.folder
                );
            }
        }
        payload.push(PayloadFile { path, bytes });
    }
    Ok(payload)
}

/// `content/034/photos/01.jpg` for a file inside the project.
fn project_path(project: &Project, file: &Path) -> Result<String> {
    let relative = file.strip_prefix(&project.root).with_context(|| {
        format!(
            "{} 不在项目文件夹里，不能归档。\n  提示：照片放在这一期的 photos 文件夹里。",
            file.display()
        )
    })?;
    let mut parts = Vec::new();
    for component in relative.components() {
        match component {
            Component::Normal(part) => parts.push(part.to_string_lossy().into_owned()),
            Component::CurDir => {}
            _ => bail!(
                "{} 的路径含有 ..，不能归档。\n  提示：照片写成 photos/01.jpg 这样的相对路径。",
                file.display()
            ),
        }
    }
    Ok(parts.join("/"))
}

/// The bags to check: every bag, or those of issue `folder` (current and prior versions).
pub fn bags_to_verify(project: &Project, folder: Option<&str>) -> Vec<BagDir> {
    bags(project)
        .into_iter()
        .filter(|b| folder.is_none_or(|f| b.folder == f))
        .collect()
}

/// Checks one bag against its manifests.
pub fn verify(bag: &BagDir) -> Result<Findings> {
    bagit::verify(&bag.path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bag_folders_are_recognised_by_name_and_version() {
        let bag = parse_bag_dir(Path::new("/a/2022/第034期")).unwrap();
        assert_eq!((bag.folder.as_str(), bag.version), ("034", None));
        let bag = parse_bag_dir(Path::new("/a/2022/第034期.v2")).unwrap();
        assert_eq!((bag.folder.as_str(), bag.version), ("034", Some(2)));
        for other in [".第034期.partial-x", "第34期", "第034期.vx", "notes"] {
            assert!(
                parse_bag_dir(&Path::new("/a/2022").join(other)).is_none(),
                "{other}"
            );
        }
    }
}
