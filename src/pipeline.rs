//! The whole pipeline for one issue: load → validate → render → compile → write. A `Pipeline` keeps
//! the fonts and the compiler's caches, so a process that builds several times pays for them once.
//!
//! [`Pipeline::prepare`] runs every stage but the last in memory; [`Pipeline::build`] is `prepare`
//! followed by the writes, and `bulletin check` is `prepare` alone, so both see the same problems.

use std::collections::HashMap;
use std::fmt;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use typst::foundations::Bytes;

use crate::compile::typst_cli::{EngineError, Export, TypstCli};
use crate::compile::{self, CompileError, FontRole, FontSources, Fonts, PdfSettings, ProjectWorld};
use crate::diag::{Problem, Problems, Warning};
use crate::load::{self, Loaded, SourceFile};
use crate::model::{Block, Engine};
use crate::output::{OutputPaths, write_atomic};
use crate::photos::{self, PhotoCache};
use crate::project::Project;
use crate::render::{DEFAULT_PHOTO_WIDTH, Templates, issue_view};
use crate::validate;

/// What a successful build produced.
#[derive(Debug, Clone)]
pub struct Built {
    pub paths: OutputPaths,
    pub pages: usize,
    /// The laid-out pages, for measuring.
    pub document: typst_layout::PagedDocument,
    /// Warnings about the input and from the compiler.
    pub warnings: Vec<Warning>,
}

/// One issue taken through load → validate → render → compile in memory; nothing is written.
pub struct Prepared {
    /// Where `build` writes the issue (output/034/第034期.*).
    pub paths: OutputPaths,
    /// Warnings about the input and from the compiler, also when the issue failed (as far as the
    /// stages got).
    pub warnings: Vec<Warning>,
    /// The compiled issue, or why there is none.
    pub result: Result<Artifacts, Failure>,
}

/// The contents of an issue's output files, its laid-out pages, and the input they were made from.
pub struct Artifacts {
    pub typst: String,
    pub markdown: String,
    pub pdf: Vec<u8>,
    pub document: typst_layout::PagedDocument,
    /// The issue as loaded: its settings, content and source files.
    pub loaded: Loaded,
    /// The photos prepared for print that the PDF uses: path from the project root, contents.
    pub photos: Vec<(String, Bytes)>,
}

impl Artifacts {
    pub fn pages(&self) -> usize {
        self.document.pages().len()
    }
}

/// Why an issue could not be prepared.
#[derive(Debug)]
pub enum Failure {
    /// Problems in the input the editor can fix, located in the YAML.
    Problems(Problems),
    /// The generated Typst source does not compile: the templates' fault. `source` is that source,
    /// which `build` saves for the maintainer.
    Template {
        messages: Vec<String>,
        source: String,
    },
    /// Anything else: an unreadable template, a template that does not render.
    Other(anyhow::Error),
}

impl Failure {
    /// How many errors this failure stands for.
    pub fn count(&self) -> usize {
        match self {
            Failure::Problems(problems) => problems.0.len().max(1),
            Failure::Template { messages, .. } => messages.len().max(1),
            Failure::Other(_) => 1,
        }
    }
}

impl Failure {
    /// The failure as printed; with `color`, the input's problems in colours for a terminal.
    pub fn render(&self, color: bool) -> String {
        match self {
            Failure::Problems(problems) => problems.render(color),
            other => other.to_string(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Failure::Problems(problems) => write!(f, "{problems}"),
            Failure::Template { messages, .. } => write!(
                f,
                "生成的排版文件有错误（多半是模板的问题，请联系维护者）：\n{}",
                CompileError::Typst(messages.clone())
            ),
            Failure::Other(err) => {
                write!(f, "{err}")?;
                for cause in err.chain().skip(1) {
                    write!(f, "\n  原因：{cause}")?;
                }
                Ok(())
            }
        }
    }
}

impl From<Problems> for Failure {
    fn from(problems: Problems) -> Self {
        Failure::Problems(problems)
    }
}

impl From<anyhow::Error> for Failure {
    fn from(err: anyhow::Error) -> Self {
        Failure::Other(err)
    }
}

/// The face each font role of the project's templates/fonts.yaml resolves to; with `strict`, fails
/// unless official faces serve 仿宋 and 小标宋 (R40).
pub fn check_fonts(fonts: &Fonts, project: &Project, strict: bool) -> Result<Vec<FontRole>> {
    let roles = fonts.roles(&project.templates_dir().join("fonts.yaml"))?;
    let missing: Vec<&FontRole> = (roles.iter())
        .filter(|r| strict && r.is_primary() && !r.is_official())
        .collect();
    if !missing.is_empty() {
        let list: Vec<String> = (missing.iter())
            .map(|r| format!("{}（需要 {} 之一）", r.name, r.official.join("、")))
            .collect();
        anyhow::bail!(
            "缺少正式的公文字体：{}\n  提示：把字体文件复制到 assets/fonts/，或安装到本机后去掉 --no-system-fonts；\n        不要求正式字体时去掉 --strict-fonts，用随附的替代字体生成。",
            list.join("；")
        );
    }
    Ok(roles)
}

/// Which Typst exports the PDF, as asked on the command line; what is not asked comes from
/// bulletin.yaml's `engine`.
#[derive(Debug, Clone, Default)]
pub struct EngineOptions {
    /// `--engine`: overrides bulletin.yaml's `engine`.
    pub engine: Option<Engine>,
    /// `--typst PATH`: the typst program of the `typst-cli` engine (default: `typst` on PATH).
    pub typst: Option<PathBuf>,
}

/// Builds issues of one project.
pub struct Pipeline {
    project: Project,
    fonts: Arc<Fonts>,
    world: ProjectWorld,
    pdf: PdfSettings,
    engine: EngineOptions,
    /// The typst program, once found and its version checked (`typst-cli` engine only).
    typst_cli: Option<TypstCli>,
    photos: PhotoCache,
    progress: bool,
}

impl Pipeline {
    /// Loads the fonts once; `sources` says whether the machine's fonts join the shipped ones.
    pub fn new(project: Project, sources: FontSources) -> Result<Pipeline> {
        let fonts: Arc<Fonts> = Fonts::load(&project.fonts_dir(), sources)?;
        Ok(Pipeline::with_fonts(project, fonts))
    }

    /// With `strict`, fails unless official faces serve 仿宋 and 小标宋 (R40); returns the roles.
    pub fn check_fonts(&self, strict: bool) -> Result<Vec<FontRole>> {
        check_fonts(&self.fonts, &self.project, strict)
    }

    /// A pipeline sharing fonts already loaded (one pipeline per thread, one set of fonts).
    pub fn with_fonts(project: Project, fonts: Arc<Fonts>) -> Pipeline {
        let world = ProjectWorld::new(&project.root, fonts.clone());
        let photos = PhotoCache::new(&project.root);
        Pipeline {
            project,
            fonts,
            world,
            pdf: PdfSettings::default(),
            engine: EngineOptions::default(),
            typst_cli: None,
            photos,
            progress: false,
        }
    }

    /// Exports PDFs with the engine `options` ask for (else the one bulletin.yaml names).
    pub fn with_engine(mut self, options: EngineOptions) -> Pipeline {
        self.engine = options;
        self.typst_cli = None;
        self
    }

    /// Exports PDFs with `settings` from now on (PDF/A, the recorded creation date).
    pub fn with_pdf_settings(mut self, settings: PdfSettings) -> Pipeline {
        self.pdf = settings;
        self
    }

    /// Exports PDF/A-2b from now on, with the templates told to use RGB colours
    /// ([`compile::ARCHIVAL_INPUTS`]).
    pub fn set_archival(&mut self) {
        self.pdf.archival = true;
        self.world.set_inputs(&compile::ARCHIVAL_INPUTS);
    }

    /// Compiles the yearly volume's source (to be written at `file`), which includes issue sources
    /// already written; the templates see `sys.inputs.volume`.
    pub fn compile_volume(
        &mut self,
        file: &Path,
        source: String,
        date: crate::model::Date,
    ) -> Result<compile::Compiled> {
        let vpath = compile::virtual_path(&self.project.root, file);
        let mut inputs = vec![("volume", "yes")];
        if self.pdf.archival {
            inputs.extend(compile::ARCHIVAL_INPUTS);
        }
        self.world.set_inputs(&inputs);
        let compiled = compile::compile(&mut self.world, &vpath, source, date, &self.pdf);
        let normal: &[(&str, &str)] = if self.pdf.archival {
            &compile::ARCHIVAL_INPUTS
        } else {
            &[]
        };
        self.world.set_inputs(normal);
        compiled.map_err(|err| anyhow::anyhow!("{err}"))
    }

    /// Shows a progress bar on stderr while photos are prepared (for a terminal; `false` by
    /// default, and when building issues in parallel).
    pub fn set_progress(&mut self, progress: bool) {
        self.progress = progress;
    }

    pub fn project(&self) -> &Project {
        &self.project
    }

    /// Takes the issue in `dir` (e.g. content/034) through every stage but the writing; photos
    /// prepared for print stay in memory.
    pub fn prepare(&mut self, dir: &Path) -> Prepared {
        self.prepare_with(dir, false)
    }

    /// `prepare`; with `write_photos`, photos newly prepared for print are also stored in the cache.
    fn prepare_with(&mut self, dir: &Path, write_photos: bool) -> Prepared {
        let folder = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let paths = OutputPaths::new(&self.project.output_dir(&folder), &folder);
        let mut warnings = Vec::new();
        let result = self.stages(dir, &paths, &mut warnings, write_photos);
        Prepared {
            paths,
            warnings,
            result,
        }
    }

    /// Builds the issue in `dir` (e.g. content/034) into output/034/.
    pub fn build(&mut self, dir: &Path) -> Result<Built> {
        let Prepared {
            paths,
            warnings,
            result,
        } = self.prepare_with(dir, true);
        let artifacts = result.map_err(|failure| self.failure_error(failure, &paths))?;
        // Only a successful build replaces the outputs, so the three always belong together.
        write_atomic(&paths.typst, artifacts.typst.as_bytes())?;
        write_atomic(&paths.markdown, artifacts.markdown.as_bytes())?;
        write_atomic(&paths.pdf, &artifacts.pdf)?;
        if paths.failed.exists() {
            std::fs::remove_file(&paths.failed)
                .with_context(|| format!("无法删除 {}", paths.failed.display()))?;
        }
        Ok(Built {
            pages: artifacts.pages(),
            document: artifacts.document,
            paths,
            warnings,
        })
    }

    /// Every issue of the project but the one in `dir`, with the number its issue.yaml gives.
    fn other_issues(&self, dir: &Path) -> Vec<validate::OtherIssue> {
        let folder = dir.file_name();
        self.project
            .issue_dirs()
            .into_iter()
            .filter(|other| other.file_name() != folder)
            .filter_map(|other| {
                let file = other.join(crate::project::ISSUE_FILE);
                let text = std::fs::read_to_string(&file).ok()?;
                Some(validate::OtherIssue {
                    number: validate::number_in(text.trim_start_matches('\u{feff}'))?,
                    file: self.project.relative(&file).to_path_buf(),
                })
            })
            .collect()
    }

    /// load → validate → render → compile, collecting warnings on the way.
    fn stages(
        &mut self,
        dir: &Path,
        paths: &OutputPaths,
        warnings: &mut Vec<Warning>,
        write_photos: bool,
    ) -> Result<Artifacts, Failure> {
        let loaded = load::load(&self.project, dir)?;
        let mut input: Vec<Problem> = (validate::unused_photos(&loaded).into_iter())
            .chain(validate::markdown_warnings(&loaded))
            .chain(crate::new_issue::placeholder_warnings(&loaded.issue_file))
            .collect();
        let validated = validate::validate(&loaded, &self.other_issues(dir), &mut input);
        warnings.extend(input.into_iter().map(Warning::Input));
        validated?;
        let photos = self.prepare_photos(&loaded, write_photos)?;
        let paths_used: HashMap<String, String> = (photos.iter())
            .map(|(file, prepared)| (file.clone(), prepared.vpath.clone()))
            .collect();
        let overlay: Vec<(String, Bytes)> = (photos.into_values())
            .filter_map(|prepared| Some((prepared.vpath, prepared.bytes?)))
            .collect();
        self.world.set_overlay(overlay.clone());
        let view = issue_view(&loaded, &paths_used).map_err(|e| {
            let file = &loaded.issue_file;
            let problem = Problem::new(
                &file.path,
                format!("段落中的 Markdown 无法转换：{}", e.error.message),
            )
            .hint("检查这一段的 Markdown 写法；要原样显示的 * _ # 等符号前加 \\。");
            match validate::locate_in_field(&file.text, &e.field, e.error.offset) {
                Some((line, column)) => problem.at_in(&file.text, line, column),
                None => problem,
            }
        });
        let view = view.map_err(Problems::from)?;
        let templates = Templates::load(&self.project.templates_dir())?;
        let rendered = templates.render(&view)?;

        let vpath = compile::virtual_path(&self.project.root, &paths.typst);
        // Checking (layout only) needs no PDF, so no external program either.
        let engine = match self.pdf.layout_only {
            true => Engine::Embedded,
            false => self.engine.engine.unwrap_or(loaded.bulletin.engine),
        };
        let compiled = match engine {
            Engine::Embedded => compile::compile(
                &mut self.world,
                &vpath,
                rendered.typst.clone(),
                loaded.issue.date,
                &self.pdf,
            )
            .map_err(EngineError::Typst),
            Engine::TypstCli => self.compile_with_typst_cli(&vpath, &rendered.typst, &loaded),
        };
        let compiled = compiled.map_err(|err| match err {
            EngineError::Other(err) => Failure::Other(err),
            EngineError::Typst(CompileError::MissingGlyphs(chars)) => Failure::Problems(Problems(
                chars
                    .iter()
                    .map(|&c| missing_glyph_problem(c, &loaded))
                    .collect(),
            )),
            EngineError::Typst(CompileError::Typst(messages)) => {
                // The failing source is kept as the .failed.typ (by `build`), never as the good
                // .typ: the messages point at that file.
                let typ = self.project.relative(&paths.typst).display().to_string();
                let failed = self.project.relative(&paths.failed).display().to_string();
                Failure::Template {
                    messages: messages.iter().map(|m| m.replace(&typ, &failed)).collect(),
                    source: rendered.typst.clone(),
                }
            }
        })?;
        warnings.extend(compiled.warnings.into_iter().map(Warning::Compiler));
        Ok(Artifacts {
            typst: rendered.typst,
            markdown: rendered.markdown,
            pdf: compiled.pdf,
            document: compiled.document,
            loaded,
            photos: overlay,
        })
    }

    /// The `typst-cli` engine: typst-cli compiles the source, with the same root, fonts, creation
    /// date, inputs and PDF standard, into the PDF that is written (its errors are reported, in the
    /// embedded compiler's form). Then the embedded compiler lays the same source out once more, to
    /// find characters no font has (Typst reports them nowhere, so typst-cli's PDF would show boxes)
    /// and to count the pages; compiler warnings come from that layout (the same compiler's).
    fn compile_with_typst_cli(
        &mut self,
        vpath: &str,
        source: &str,
        loaded: &Loaded,
    ) -> Result<compile::Compiled, EngineError> {
        let cli = match self.typst_cli.take() {
            Some(cli) => cli,
            None => TypstCli::locate(self.engine.typst.as_deref()).map_err(EngineError::Other)?,
        };
        let cli = self.typst_cli.insert(cli);
        let date = loaded.issue.date;
        let inputs: &[(&str, &str)] = if self.pdf.archival {
            &compile::ARCHIVAL_INPUTS
        } else {
            &[]
        };
        let export = Export {
            root: &self.project.root,
            source,
            source_name: vpath.trim_start_matches('/'),
            font_dir: &self.project.fonts_dir(),
            system_fonts: self.fonts.sources() == FontSources::ShippedAndSystem,
            created: compile::creation_timestamp(&self.pdf, date),
            inputs,
            archival: self.pdf.archival,
        };
        let pdf = cli.export(&export)?;
        let (document, warnings) =
            compile::layout_checked(&mut self.world, vpath, source.to_string(), date)
                .map_err(EngineError::Typst)?;
        Ok(compile::Compiled {
            document,
            pdf,
            warnings,
        })
    }

    /// Every photo of the issue made ready for print (upright, at most 300 dpi, JPEG), keyed by its
    /// `file` in issue.yaml. A progress bar shows while photos are decoded, if asked for.
    fn prepare_photos(
        &mut self,
        loaded: &Loaded,
        write: bool,
    ) -> Result<HashMap<String, photos::Prepared>, Problems> {
        let wanted: Vec<(&str, u32)> = (loaded.issue.blocks().into_iter())
            .filter_map(|block| match block {
                Block::Photo(photo) => Some((
                    photo.file.as_str(),
                    photo.width.unwrap_or(DEFAULT_PHOTO_WIDTH),
                )),
                _ => None,
            })
            .collect();
        let new = (wanted.iter())
            .filter(|(file, width)| !self.photos.is_known(&loaded.dir.join(file), *width))
            .count();
        let bar = if self.progress && new > 0 && std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(wanted.len() as u64);
            if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}") {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message(format!("第{}期：处理照片", loaded.folder));
            bar
        } else {
            ProgressBar::hidden()
        };
        let file = &loaded.issue_file;
        let mut prepared = HashMap::new();
        let mut problems = Vec::new();
        for (photo, width) in wanted {
            match self.photos.prepare(&loaded.dir.join(photo), width, write) {
                Ok(done) => {
                    prepared.insert(photo.to_string(), done);
                }
                Err(err) => {
                    let problem =
                        Problem::new(&file.path, format!("图片「{photo}」无法处理：{err}"))
                            .hint("用看图软件打开它检查；能打开的话另存为 JPEG，再替换原文件。");
                    problems.push(match file.text.find(photo) {
                        Some(at) => problem.at_offset(&file.text, at).underline_token(),
                        None => problem,
                    });
                }
            }
            bar.inc(1);
        }
        bar.finish_and_clear();
        if problems.is_empty() {
            Ok(prepared)
        } else {
            Err(Problems(problems))
        }
    }

    /// The error a failed build reports. A template's compile error also keeps the failing source
    /// beside the good outputs, for the maintainer.
    pub fn failure_error(&self, failure: Failure, paths: &OutputPaths) -> anyhow::Error {
        match failure {
            Failure::Problems(problems) => anyhow::Error::new(problems),
            Failure::Other(err) => err,
            Failure::Template { messages, source } => {
                let failed = self.project.relative(&paths.failed).display().to_string();
                let saved = write_atomic(&paths.failed, source.as_bytes());
                let err = anyhow::Error::new(CompileError::Typst(messages));
                match saved {
                    Ok(()) => err.context(format!(
                        "生成的排版文件有错误（多半是模板的问题，请联系维护者），上一次生成的文件保持不变；出错的源文件保存在 {failed}"
                    )),
                    Err(e) => err.context(format!("生成的排版文件有错误，且无法保存 {failed}：{e:#}")),
                }
            }
        }
    }
}

fn missing_glyph_problem(c: char, loaded: &Loaded) -> Problem {
    let message = format!(
        "字符「{c}」（U+{:04X}）没有任何可用字体能显示，PDF 中会变成方框",
        c as u32
    );
    let hint = "换用常用字或同义写法；确需此字时，安装含有它的字体，或把它加入 assets/fonts 的字体子集（见 assets/fonts/README.md）。";
    let files: [&SourceFile; 2] = [&loaded.issue_file, &loaded.bulletin_file];
    for file in files {
        if let Some(at) = file.text.find(c) {
            return Problem::new(&file.path, message)
                .at_offset(&file.text, at)
                .hint(hint);
        }
    }
    Problem::new(&loaded.issue_file.path, message).hint(hint)
}
