//! The yearly volume (合订本): a cover, the contents (number, date, titles, page) and every issue of
//! one year in number order, paged continuously from the first masthead, as one PDF.
//!
//! Each issue is built as usual first (its output/NNN/第NNN期.typ is written), then
//! `templates/volume.typ` includes those sources; the theme marks every masthead so the contents can
//! ask Typst on which page each issue starts.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::diag::Problem;
use serde::Serialize;

use crate::load;
use crate::model::Date;
use crate::output::write_atomic;
use crate::pipeline::Pipeline;
use crate::project::IssueId;
use crate::render;
use crate::render::plain;

/// The template of the volume's source, in `templates/`.
pub const TEMPLATE: &str = "volume.typ";

/// A written volume.
#[derive(Debug)]
pub struct Volume {
    pub pdf: PathBuf,
    pub typst: PathBuf,
    /// The folders of the issues it holds, in order.
    pub issues: Vec<String>,
    pub pages: usize,
}

#[derive(Debug, Serialize)]
struct VolumeView {
    name: String,
    publisher: String,
    year: i32,
    issues: Vec<IssueEntry>,
}

#[derive(Debug, Serialize)]
struct IssueEntry {
    /// The generated source, from the project root: /output/034/第034期.typ.
    source: String,
}

/// Where the volume of `year` is written: output/volume/2022年合订本.pdf and .typ.
pub fn paths(output: &Path, year: i32) -> (PathBuf, PathBuf) {
    let dir = output.join("volume");
    (
        dir.join(format!("{year}年合订本.pdf")),
        dir.join(format!("{year}年合订本.typ")),
    )
}

/// Builds every issue dated in `year`, then the volume. Nothing is written for the volume unless
/// every issue builds; the issues' own outputs are replaced as by `build`.
pub fn build_volume(pipeline: &mut Pipeline, year: i32) -> Result<Volume> {
    let project = pipeline.project().clone();
    // Issues of the year, by number; an issue that cannot even be loaded stops the volume, since
    // its year is unknown.
    let dirs = project.issue_dirs();
    // Every issue is read once: its year and number here, its content for its build below.
    let (all, numbers) = load::load_all(&project, &dirs);
    let mut issues: Vec<(u32, PathBuf, Date, crate::load::Loaded)> = Vec::new();
    let mut bulletin = None;
    for (dir, loaded) in dirs.into_iter().zip(all) {
        let loaded = loaded.map_err(|problems| {
            anyhow::Error::new(problems).context(format!(
                "{} 有错误，合订本没有生成（不知道它属于哪一年）",
                project.relative(&dir).display()
            ))
        })?;
        let date = loaded.issue.date.value;
        bulletin = Some(loaded.bulletin.clone());
        if date.year == year {
            issues.push((loaded.issue.number.value, dir, date, loaded));
        }
    }
    let Some(bulletin) = bulletin.filter(|_| !issues.is_empty()) else {
        return Err(Problem::error(format!(
            "content 里没有 {year} 年出刊的期（按 issue.yaml 的 date 判断），合订本没有生成"
        ))
        .hint("检查年份，例如 bulletin volume 2022。")
        .into_error());
    };
    issues.sort_by_key(|(number, ..)| *number);
    pipeline.set_numbers(std::sync::Arc::new(numbers));

    let last_date = issues
        .last()
        .map(|(_, _, date, _)| *date)
        .expect("not empty");
    let mut folders = Vec::new();
    let mut entries = Vec::new();
    for (_, dir, _, loaded) in issues {
        let id = IssueId::of_dir(&dir);
        let built = pipeline
            .build_loaded(Ok(loaded), id.clone())
            .with_context(|| {
                format!(
                    "{} 生成失败，合订本没有生成",
                    project.relative(&dir).display()
                )
            })?;
        entries.push(IssueEntry {
            source: format!(
                "/{}",
                project
                    .relative(&built.paths.typst)
                    .to_string_lossy()
                    .replace('\\', "/")
            ),
        });
        folders.push(id.folder().to_string());
        comemo::evict(4);
    }

    let view = VolumeView {
        name: plain(&bulletin.name),
        publisher: plain(&bulletin.publisher),
        year,
        issues: entries,
    };
    let source = render::render_typst(&project.templates_dir(), TEMPLATE, &view)?;
    let (pdf_path, typst_path) = paths(&project.root.join("output"), year);
    // The volume carries the date of its last issue, so it is the same file whenever it is made.
    let compiled = pipeline
        .compile_volume(&typst_path, source.clone(), last_date)
        .with_context(|| format!("{year}年合订本排版失败"))?;
    write_atomic(&typst_path, source.as_bytes())?;
    write_atomic(&pdf_path, &compiled.pdf)?;
    Ok(Volume {
        pdf: pdf_path,
        typst: typst_path,
        issues: folders,
        pages: compiled.document.pages().len(),
    })
}
