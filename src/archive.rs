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

use anyhow::{Context, Result};
use time::OffsetDateTime;
use walkdir::WalkDir;

use crate::bagit::{self, BagInfo, Checked, MAX_PAYLOAD_FILE, PayloadFile};
use crate::catalog::{self, BagDir, Witnesses, archive_root, bag_name, bags};
use crate::clock;
use crate::diag::Problem;
use crate::pipeline::{Artifacts, Pipeline};
use crate::project::{IssueId, Project};

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
    pub warnings: Vec<Problem>,
}

/// Archives the issue in `dir` (e.g. content/034): builds it as PDF/A-2b, bags it, places the bag,
/// and regenerates the catalog.
pub fn archive(pipeline: &mut Pipeline, dir: &Path, request: &Request) -> Result<Archived> {
    let project = pipeline.project().clone();
    let id = IssueId::of_dir(dir);
    let folder = id.folder().to_string();
    let name = bag_name(&folder);
    let existing = bags(&project);
    let current = existing
        .iter()
        .find(|b| b.folder == folder && b.version.is_none());
    let reason = match (&request.supersede, current) {
        (None, Some(bag)) => {
            return Err(Problem::error(format!(
                "{name}已经归档在 {}，不能再次归档",
                project.relative(&bag.path).display()
            ))
            .hint(format!("归档后的版本不应改动；确实要用新版本取代它，运行 bulletin archive {folder} --supersede \"取代的原因\"，旧版本会保留为 {name}.v1 这样的文件夹。"))
            .into_error());
        }
        (Some(_), None) => {
            return Err(
                Problem::error(format!("{name}还没有归档，没有可以取代的版本"))
                    .hint(format!(
                        "去掉 --supersede 再运行 bulletin archive {folder}。"
                    ))
                    .into_error(),
            );
        }
        (Some(reason), Some(_)) if reason.trim().is_empty() => {
            return Err(Problem::error("--supersede 后面的原因是空的")
                .hint("写明为什么取代已归档的版本，例如 --supersede \"更正第2页的错字\"。")
                .into_error());
        }
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

    let year_dir = archive_root(&project).join(artifacts.loaded.issue.date.value.year.to_string());
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
    // Recorded apart from the bag, where changing the bag cannot change it (see catalog::RECORD_FILE).
    let record = catalog::Record {
        issue: folder.clone(),
        archived_at: clock::rfc3339(request.archived_at),
        sha256: bagit::sha256_hex(&artifacts.pdf),
        bag: format!("{}/{name}", artifacts.loaded.issue.date.value.year),
    };
    catalog::append_record(&project, &record).with_context(|| {
        format!(
            "{name}已归档到 {}，但无法在归档记录 output/archive/{} 中记下它的 SHA-256；bulletin verify 会报告它没有记录",
            destination.display(),
            catalog::RECORD_FILE
        )
    })?;

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
    catalog::write(&project, artifacts.loaded.bulletin.name.text.trim()).with_context(|| {
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
    info.push("Bulletin", crate::render::plain(&loaded.bulletin.name));
    info.push("Issue", loaded.id.folder());
    info.push("Date", loaded.issue.date.value.to_string());
    for article in &loaded.issue.articles {
        info.push("Title", crate::render::plain(&article.title));
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
    let name = bag_name(loaded.id.folder());
    let output = format!("output/{}", loaded.id.folder());
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
    for photo in loaded.issue.photos() {
        inputs.push(loaded.dir.join(&photo.file.value));
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
        // Only regular files inside the project go into a bag: never what a link points to.
        let bytes =
            crate::files::read_limited(&project.root, &input, MAX_PAYLOAD_FILE).map_err(|e| {
                e.problem(project.relative(&input))
                    .hint("这一期没有归档。")
                    .into_error()
            })?;
        // The YAML must be the text the PDF was made from, not an edit saved meanwhile.
        for loaded_file in [loaded.issue_file(), loaded.bulletin_file()] {
            let as_loaded = loaded_file.text.as_bytes();
            if project.root.join(&loaded_file.path) == input
                && bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&bytes) != as_loaded
            {
                return Err(Problem::error(format!(
                    "{} 在归档过程中被修改了，这一期没有归档",
                    loaded_file.path.display()
                ))
                .hint(format!(
                    "保存好文件后再运行 bulletin archive {}。",
                    loaded.id.folder()
                ))
                .into_error());
            }
        }
        payload.push(PayloadFile { path, bytes });
    }
    Ok(payload)
}

/// `content/034/photos/01.jpg` for a file inside the project.
fn project_path(project: &Project, file: &Path) -> Result<String> {
    let relative = file.strip_prefix(&project.root).map_err(|_| {
        Problem::error(format!("{} 不在项目文件夹里，不能归档", file.display()))
            .hint("照片放在这一期的 photos 文件夹里。")
            .into_error()
    })?;
    let mut parts = Vec::new();
    for component in relative.components() {
        match component {
            Component::Normal(part) => parts.push(part.to_string_lossy().into_owned()),
            Component::CurDir => {}
            _ => {
                return Err(
                    Problem::error(format!("{} 的路径含有 ..，不能归档", file.display()))
                        .hint("照片写成 photos/01.jpg 这样的相对路径。")
                        .into_error(),
                );
            }
        }
    }
    Ok(parts.join("/"))
}

/// Checks one bag against its manifests (see [`bagit::verify`]) and its PDF against the SHA-256
/// recorded when it was archived; also returns which record the bag accounts for.
pub fn verify(bag: &BagDir, witnesses: &Witnesses) -> Result<(Checked, Option<usize>)> {
    let mut checked = bagit::verify(&bag.path)?;
    let (finding, record) = witnesses.check(bag, &checked);
    if let Some(finding) = finding {
        checked.push(finding);
    }
    Ok((checked, record))
}
