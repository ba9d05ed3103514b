//! Compile stage: the generated Typst source → laid-out pages → PDF bytes, with the embedded compiler
//! or, as the `typst-cli` engine, the `typst` program of the same version ([`typst_cli`]).

pub mod coverage;
mod fonts;
pub mod measure;
pub mod typst_cli;
mod world;

use std::path::{Path, PathBuf};

use typst::World;
use typst::WorldExt;
use typst::diag::{Severity, SourceDiagnostic};
use typst::foundations::{Datetime, Smart};
use typst::layout::{Frame, FrameItem};
use typst::syntax::Source;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

pub use fonts::{FontRole, FontSources, Fonts};
pub use world::ProjectWorld;

use crate::diag::Problem;
use crate::model::Date;
use crate::source::{FileId, SourceFile};

/// The version of the embedded Typst compiler; the `typst-cli` engine insists on the same.
/// (A unit test holds it to the version the linked `typst` crate reports.)
pub const TYPST_VERSION: &str = "0.15.1";

/// A compiled issue.
pub struct Compiled {
    pub document: PagedDocument,
    pub pdf: Vec<u8>,
    /// Compiler warnings, located in the sources.
    pub warnings: Vec<Problem>,
}

/// Why compilation failed.
#[derive(Debug)]
pub enum CompileError {
    /// The compiler rejected the source: its diagnostics, located in the sources.
    Typst(Vec<Problem>),
    /// Characters no available font has, in order of appearance.
    MissingGlyphs(Vec<char>),
}

/// The generated source being compiled: its path inside the project as the compiler sees it
/// (`/output/034/第034期.typ`), the path its problems name (where `build` keeps a failing source,
/// `output/034/第034期.failed.typ`), and its text.
pub struct MainSource<'a> {
    pub vpath: &'a str,
    pub shown: &'a Path,
    pub text: String,
}

/// The `sys.inputs` an archival build passes to the templates (`typst compile --input colour=rgb`):
/// PDF/A-2b as Typst writes it has no CMYK output intent, so the templates' DeviceCMYK red must
/// become its RGB equivalent there.
pub const ARCHIVAL_INPUTS: [(&str, &str); 1] = [("colour", "rgb")];

/// How an issue is exported to PDF.
#[derive(Debug, Clone, Copy, Default)]
pub struct PdfSettings {
    /// PDF/A-2b, for the archive: full XMP metadata, every font embedded, nothing external.
    pub archival: bool,
    /// The creation date to record (from `SOURCE_DATE_EPOCH`); `None` records the issue's date.
    pub created: Option<time::OffsetDateTime>,
    /// Lay out and check the pages but export no PDF (`bulletin check` writes nothing).
    pub layout_only: bool,
}

/// Compiles `source` (to be written at `vpath` inside the project) into a PDF of the issue dated
/// `date`.
pub fn compile(
    world: &mut ProjectWorld,
    main: MainSource,
    date: Date,
    settings: &PdfSettings,
) -> Result<Compiled, CompileError> {
    let vpath = main.vpath;
    let shown = main.shown;
    let (document, warnings) = layout_checked(world, main, date)?;
    if settings.layout_only {
        return Ok(Compiled {
            document,
            pdf: Vec::new(),
            warnings,
        });
    }
    let created = match settings.created {
        Some(at) => {
            let at = at.to_offset(time::UtcOffset::UTC);
            Datetime::from_ymd_hms(
                at.year(),
                u8::from(at.month()),
                at.day(),
                at.hour(),
                at.minute(),
                at.second(),
            )
            .ok_or_else(|| {
                CompileError::Typst(vec![Problem::error(format!("无效的创建时间 {at}"))])
            })?
        }
        None => today(date)?,
    };
    let standards = if settings.archival {
        PdfStandards::new(&[PdfStandard::A_2b]).map_err(|e| {
            CompileError::Typst(vec![Problem::error(format!(
                "PDF/A-2b 设置无效：{}",
                e.message()
            ))])
        })?
    } else {
        PdfStandards::default()
    };
    let options = PdfOptions {
        // A stable identifier and creation date make the same inputs give the same bytes.
        ident: Smart::Custom(vpath.to_string()),
        timestamp: Some(Timestamp::new_utc(created)),
        creator: Smart::Custom(Some(format!("bulletin {}", env!("CARGO_PKG_VERSION")))),
        standards,
        ..PdfOptions::default()
    };
    let pdf = typst_pdf::pdf(&document, &options).map_err(|errors| {
        CompileError::Typst(
            errors
                .iter()
                .map(|d| diagnostic(world, d, vpath, shown))
                .collect(),
        )
    })?;
    Ok(Compiled {
        document,
        pdf,
        warnings,
    })
}

/// Lays out `source` into pages and fails if a character has no font ([`missing_glyphs`]), without
/// exporting the pages. The `typst-cli` engine runs this too: typst-cli does not report such
/// characters either, and the laid-out pages give the page count.
pub fn layout_checked(
    world: &mut ProjectWorld,
    main: MainSource,
    date: Date,
) -> Result<(PagedDocument, Vec<Problem>), CompileError> {
    let (document, warnings) = layout(world, main, date)?;
    let missing = missing_glyphs(&document);
    if !missing.is_empty() {
        return Err(CompileError::MissingGlyphs(missing));
    }
    Ok((document, warnings))
}

/// The creation date a PDF records, in seconds since 1970-01-01 UTC (`typst compile
/// --creation-timestamp`): `SOURCE_DATE_EPOCH` if given, else the issue's date at 00:00 UTC.
pub fn creation_timestamp(settings: &PdfSettings, date: Date) -> i64 {
    match settings.created {
        Some(at) => at.unix_timestamp(),
        None => {
            let month = time::Month::try_from(date.month).unwrap_or(time::Month::January);
            time::Date::from_calendar_date(date.year, month, date.day)
                .map(|d| d.midnight().assume_utc().unix_timestamp())
                .unwrap_or_default()
        }
    }
}

/// Lays out `source` into pages without exporting them (for tests and checks that measure pages).
pub fn layout(
    world: &mut ProjectWorld,
    main: MainSource,
    date: Date,
) -> Result<(PagedDocument, Vec<Problem>), CompileError> {
    let (vpath, shown) = (main.vpath, main.shown);
    world.set_main(vpath, main.text, today(date)?);
    let warned = typst::compile::<PagedDocument>(world);
    // The font chains list official faces that most machines lack; their absence is expected.
    let warnings = warned
        .warnings
        .iter()
        .filter(|d| !d.message.starts_with("unknown font family"))
        .map(|d| diagnostic(world, d, vpath, shown))
        .collect();
    let document = warned.output.map_err(|errors| {
        CompileError::Typst(
            errors
                .iter()
                .map(|d| diagnostic(world, d, vpath, shown))
                .collect(),
        )
    })?;
    Ok((document, warnings))
}

fn today(date: Date) -> Result<Datetime, CompileError> {
    Datetime::from_ymd(date.year, date.month, date.day)
        .ok_or_else(|| CompileError::Typst(vec![Problem::error(format!("无效日期 {date}"))]))
}

/// The text of the laid-out pages, in reading order of the frames (text runs joined without spaces).
pub fn document_text(document: &PagedDocument) -> String {
    fn walk(frame: &Frame, out: &mut String) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(group) => walk(&group.frame, out),
                FrameItem::Text(text) => out.push_str(&text.text),
                _ => {}
            }
        }
    }
    let mut out = String::new();
    for page in document.pages() {
        walk(&page.frame, &mut out);
    }
    out
}

/// Characters that were laid out with glyph 0 (.notdef, the "tofu" box), in order of appearance.
/// Typst does not report them itself, so the laid-out frames are searched.
pub fn missing_glyphs(document: &PagedDocument) -> Vec<char> {
    fn walk(frame: &Frame, out: &mut Vec<char>) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(group) => walk(&group.frame, out),
                FrameItem::Text(text) => {
                    for glyph in text.glyphs.iter().filter(|g| g.id == 0) {
                        for c in text.text[glyph.range()].chars() {
                            if !c.is_whitespace() && !out.contains(&c) {
                                out.push(c);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    for page in document.pages() {
        walk(&page.frame, &mut out);
    }
    out
}

/// A compiler diagnostic as a problem located in its source: the main source under the name
/// `shown`, other files (the theme) under their path in the project.
fn diagnostic(world: &ProjectWorld, diag: &SourceDiagnostic, main: &str, shown: &Path) -> Problem {
    let problem = match diag.severity {
        Severity::Error => Problem::error(format!("（Typst）{}", diag.message)),
        Severity::Warning => Problem::warning(format!("（Typst）{}", diag.message)),
    };
    let located = diag.span.id().and_then(|id| {
        let source: Source = world.source(id).ok()?;
        let range = world.range(diag.span)?;
        let vpath = id.vpath().get_with_slash().to_string();
        let path = if vpath == main {
            shown.to_path_buf()
        } else {
            PathBuf::from(vpath.trim_start_matches('/'))
        };
        let file = SourceFile::new(FileId(0), path, source.text());
        let span = file.span(range);
        Some(problem.clone().at(&file, span))
    });
    let mut problem = located.unwrap_or(problem);
    for hint in &diag.hints {
        problem = problem.hint(hint.v.to_string());
    }
    problem
}

/// The path of the generated source inside the project, as the compiler sees it.
pub fn virtual_path(project_root: &Path, file: &Path) -> String {
    let relative: PathBuf = file
        .strip_prefix(project_root)
        .unwrap_or(file)
        .to_path_buf();
    format!("/{}", relative.to_string_lossy().replace('\\', "/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_constant_is_the_embedded_compilers() {
        assert_eq!(TYPST_VERSION, typst::utils::version().raw());
    }

    #[test]
    fn the_creation_timestamp_is_source_date_epoch_or_the_issue_date_at_midnight_utc() {
        let date = Date {
            year: 2022,
            month: 5,
            day: 1,
        };
        assert_eq!(
            creation_timestamp(&PdfSettings::default(), date),
            1_651_363_200
        );
        let settings = PdfSettings {
            created: Some(time::OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap()),
            ..PdfSettings::default()
        };
        assert_eq!(creation_timestamp(&settings, date), 1_700_000_000);
    }
}
