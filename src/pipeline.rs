//! The whole pipeline for one issue: load → validate → render → compile → write. A `Pipeline` keeps
//! the fonts, the prepared photos and the compiler's caches, so a process that builds several times
//! pays for them once.
//!
//! [`Pipeline::prepare`] runs every stage but the last in memory; [`Pipeline::build`] is `prepare`
//! followed by the writes, and `bulletin check` is `prepare` alone, so both see the same problems.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::Path;
use std::sync::Arc;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};
use typst::foundations::Bytes;

use crate::compile::typst_cli::{EngineError, Export, TypstCli};
use crate::compile::{self, CompileError, FontRole, FontSources, Fonts, MainSource, ProjectWorld};
use crate::config::Config;
use crate::diag::{Problem, Problems};
use crate::load::NumberIndex;
use crate::load::{self, Loaded};
use crate::model::Engine;
use crate::output::OutputPaths;
use crate::photos::{self, PhotoCache};
use crate::project::{IssueId, Project};
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
    pub warnings: Vec<Problem>,
}

/// One issue taken through load → validate → render → compile in memory; nothing is written.
pub struct Prepared {
    pub id: IssueId,
    /// Where `build` writes the issue (output/034/第034期.*).
    pub paths: OutputPaths,
    /// Warnings about the input and from the compiler, also when the issue failed (as far as the
    /// stages got).
    pub warnings: Vec<Problem>,
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
    /// which `build` saves for the maintainer where the problems say.
    Template {
        problems: Vec<Problem>,
        source: String,
    },
    /// Anything else: an unreadable template, a disk that is full.
    Other(anyhow::Error),
}

impl Failure {
    /// How many errors this failure stands for.
    pub fn count(&self) -> usize {
        match self {
            Failure::Problems(problems) => {
                problems.0.iter().filter(|p| p.is_error()).count().max(1)
            }
            Failure::Template { problems, .. } => problems.len().max(1),
            Failure::Other(_) => 1,
        }
    }

    /// The failure as an error value, as `build` reports it.
    pub fn into_error(self) -> anyhow::Error {
        match self {
            Failure::Problems(problems) => anyhow::Error::new(problems),
            Failure::Template { problems, .. } => anyhow::Error::new(Problems(
                std::iter::once(Problem::error(
                    "生成的排版文件有错误（多半是模板的问题，请联系维护者）",
                ))
                .chain(problems)
                .collect(),
            )),
            Failure::Other(err) => err,
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
        return Err(
            Problem::error(format!("缺少正式的公文字体：{}", list.join("；")))
                .hint("把字体文件复制到 assets/fonts/，或安装到本机后去掉 --no-system-fonts。")
                .hint("不要求正式字体时去掉 --strict-fonts，用随附的替代字体生成。")
                .into_error(),
        );
    }
    Ok(roles)
}

/// The compiler's world for a project, with these fonts and the inputs `config` asks for.
fn world(project: &Project, fonts: &Arc<Fonts>, config: &Config) -> ProjectWorld {
    let mut world = ProjectWorld::new(&project.root, fonts.clone());
    if config.pdf.archival {
        world.set_inputs(&compile::ARCHIVAL_INPUTS);
    }
    world
}

/// Font files of the project's font folder that could not be used, as warnings.
pub fn font_warnings(fonts: &Fonts, project: &Project) -> Vec<Problem> {
    (fonts.ignored().iter())
        .map(|font| {
            Problem::warning(format!("字体文件没有载入：{}", font.reason))
                .in_file(project.relative(&font.path))
        })
        .collect()
}

/// Where a pipeline takes the other issues' numbers from.
enum Numbers {
    Given(Arc<NumberIndex>),
    Own(NumberIndex),
}

/// Builds issues of one project.
pub struct Pipeline {
    project: Project,
    config: Config,
    fonts: Arc<Fonts>,
    world: ProjectWorld,
    /// The typst program, once found and its version checked (`typst-cli` engine only).
    typst_cli: Option<TypstCli>,
    photos: PhotoCache,
    /// Every issue's number: given by the caller, built once for many issues, or kept here and
    /// refreshed before each build (changed files only).
    numbers: Numbers,
}

impl Pipeline {
    /// Loads the fonts once, as `config` says.
    pub fn new(project: Project, config: impl Into<Config>) -> Result<Pipeline> {
        let config = config.into();
        let fonts: Arc<Fonts> = Fonts::load(&project.fonts_dir(), config.fonts)?;
        Ok(Pipeline::with_fonts(project, fonts, config))
    }

    /// A pipeline sharing fonts already loaded (one pipeline per thread, one set of fonts).
    pub fn with_fonts(project: Project, fonts: Arc<Fonts>, config: Config) -> Pipeline {
        let world = world(&project, &fonts, &config);
        let photos = PhotoCache::new(&project.root);
        Pipeline {
            project,
            config,
            fonts,
            world,
            typst_cli: None,
            photos,
            numbers: Numbers::Own(NumberIndex::default()),
        }
    }

    /// Loads the fonts again: a font file was added, replaced or removed while `watch` runs.
    pub fn reload_fonts(&mut self) -> Result<()> {
        let fonts = Fonts::load(&self.project.fonts_dir(), self.config.fonts)?;
        self.world = world(&self.project, &fonts, &self.config);
        self.fonts = fonts;
        Ok(())
    }

    /// The face each font role resolves to; fails under `strict_fonts` unless official faces
    /// serve 仿宋 and 小标宋 (R40).
    pub fn check_fonts(&self) -> Result<Vec<FontRole>> {
        check_fonts(&self.fonts, &self.project, self.config.strict_fonts)
    }

    /// Font files of the project's font folder that could not be used, as warnings.
    pub fn font_warnings(&self) -> Vec<Problem> {
        font_warnings(&self.fonts, &self.project)
    }

    /// Uses `numbers` (built once for many issues) for the duplicate-number check instead of
    /// reading every other issue again for each build.
    pub fn set_numbers(&mut self, numbers: Arc<NumberIndex>) {
        self.numbers = Numbers::Given(numbers);
    }

    /// Exports PDF/A-2b from now on, with the templates told to use RGB colours
    /// ([`compile::ARCHIVAL_INPUTS`]).
    pub fn set_archival(&mut self) {
        self.config.pdf.archival = true;
        self.world.set_inputs(&compile::ARCHIVAL_INPUTS);
    }

    pub fn config(&self) -> &Config {
        &self.config
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
        if self.config.pdf.archival {
            inputs.extend(compile::ARCHIVAL_INPUTS);
        }
        self.world.set_inputs(&inputs);
        let shown = self.project.relative(file).to_path_buf();
        let main = MainSource {
            vpath: &vpath,
            shown: &shown,
            text: source,
        };
        let compiled = compile::compile(&mut self.world, main, date, &self.config.pdf);
        let normal: &[(&str, &str)] = if self.config.pdf.archival {
            &compile::ARCHIVAL_INPUTS
        } else {
            &[]
        };
        self.world.set_inputs(normal);
        compiled.map_err(|err| match err {
            CompileError::Typst(problems) => anyhow::Error::new(Problems(problems)),
            CompileError::MissingGlyphs(chars) => Problem::error(format!(
                "合订本里有没有字体能显示的字符：{}",
                chars.iter().collect::<String>()
            ))
            .into_error(),
        })
    }

    pub fn project(&self) -> &Project {
        &self.project
    }

    /// Takes the issue in `dir` (e.g. content/034) through every stage but the writing; photos
    /// prepared for print stay in memory.
    pub fn prepare(&mut self, dir: &Path) -> Prepared {
        let loaded = load::load(&self.project, dir);
        self.prepare_with(IssueId::of_dir(dir), loaded, false)
    }

    /// `prepare` for an issue already loaded (by a command that loads every issue once).
    pub fn prepare_loaded(&mut self, loaded: Result<Loaded, Problems>, id: IssueId) -> Prepared {
        self.prepare_with(id, loaded, false)
    }

    /// `prepare`; with `write_photos`, photos newly prepared for print are also stored in the cache.
    fn prepare_with(
        &mut self,
        id: IssueId,
        loaded: Result<Loaded, Problems>,
        write_photos: bool,
    ) -> Prepared {
        let paths = self.project.output_paths(&id);
        let mut warnings = Vec::new();
        let result = loaded
            .map_err(Failure::Problems)
            .and_then(|loaded| self.stages(loaded, &paths, &mut warnings, write_photos));
        Prepared {
            id,
            paths,
            warnings,
            result,
        }
    }

    /// Builds the issue in `dir` (e.g. content/034) into output/034/.
    pub fn build(&mut self, dir: &Path) -> Result<Built> {
        let loaded = load::load(&self.project, dir);
        self.build_loaded(loaded, IssueId::of_dir(dir))
    }

    /// `build` for an issue already loaded.
    pub fn build_loaded(&mut self, loaded: Result<Loaded, Problems>, id: IssueId) -> Result<Built> {
        let Prepared {
            paths,
            warnings,
            result,
            ..
        } = self.prepare_with(id, loaded, true);
        let artifacts = result.map_err(|failure| self.failure_error(failure, &paths))?;
        crate::output::write_set(
            &paths,
            &[
                (&paths.typst, artifacts.typst.as_bytes()),
                (&paths.markdown, artifacts.markdown.as_bytes()),
                (&paths.pdf, &artifacts.pdf),
            ],
        )?;
        Ok(Built {
            pages: artifacts.pages(),
            document: artifacts.document,
            paths,
            warnings,
        })
    }

    /// load → validate → render → compile, collecting warnings on the way.
    fn stages(
        &mut self,
        loaded: Loaded,
        paths: &OutputPaths,
        warnings: &mut Vec<Problem>,
        write_photos: bool,
    ) -> Result<Artifacts, Failure> {
        if let Numbers::Own(index) = &mut self.numbers {
            index.refresh(&self.project);
        }
        let numbers = match &self.numbers {
            Numbers::Given(numbers) => numbers.as_ref(),
            Numbers::Own(index) => index,
        };
        let (errors, found): (Vec<Problem>, Vec<Problem>) =
            (validate::validate(&self.project, &loaded, numbers).into_iter())
                .partition(Problem::is_error);
        warnings.extend(found);
        if !errors.is_empty() {
            return Err(Failure::Problems(Problems(errors)));
        }
        let photos = self.prepare_photos(&loaded, write_photos)?;
        let paths_used: HashMap<String, String> = (photos.iter())
            .map(|(file, prepared)| (file.clone(), prepared.vpath.clone()))
            .collect();
        let overlay: Vec<(String, Bytes)> = (photos.into_values())
            .filter_map(|prepared| Some((prepared.vpath, prepared.bytes?)))
            .collect();
        self.world.set_overlay(overlay.clone());
        let view = issue_view(&loaded, &paths_used).map_err(Problems::from)?;
        let templates = Templates::load(&self.project.templates_dir())?;
        let rendered = templates.render(&view)?;

        let vpath = compile::virtual_path(&self.project.root, &paths.typst);
        // The compiler's problems about the generated source name the file `build` keeps it in.
        let shown = self.project.relative(&paths.failed).to_path_buf();
        let main = MainSource {
            vpath: &vpath,
            shown: &shown,
            text: rendered.typst.clone(),
        };
        let date = loaded.issue.date.value;
        let compiled = match self.config.engine_for(&loaded.bulletin) {
            Engine::Embedded => compile::compile(&mut self.world, main, date, &self.config.pdf)
                .map_err(EngineError::Typst),
            Engine::TypstCli => self.compile_with_typst_cli(main, date),
        };
        let compiled = compiled.map_err(|err| match err {
            EngineError::Other(err) => Failure::Other(err),
            EngineError::Typst(CompileError::MissingGlyphs(chars)) => Failure::Problems(Problems(
                chars
                    .iter()
                    .map(|&c| missing_glyph_problem(c, &loaded))
                    .collect(),
            )),
            EngineError::Typst(CompileError::Typst(problems)) => Failure::Template {
                problems,
                source: rendered.typst.clone(),
            },
        })?;
        warnings.extend(compiled.warnings);
        for (page, text) in compile::measure::outside_type_area(&compiled.document) {
            let shown: String = text.chars().take(20).collect();
            warnings.push(
                Problem::warning(format!("第 {page} 页有文字超出了版心：「{shown}」"))
                    .in_file(&loaded.issue_file().path)
                    .hint("多半是放不下的长内容（很长的网址或数字、很长的报尾收件单位或稿件编辑）：在适当的地方断开或缩短后再生成。"),
            );
        }
        let pages = compiled.document.pages().len();
        let max_pages = loaded.bulletin.layout.max_pages;
        if pages > max_pages as usize {
            return Err(Failure::Problems(Problems::from(
                Problem::error(format!(
                    "这一期排出了 {pages} 页，超过了上限 {max_pages} 页，没有生成"
                ))
                .in_file(&loaded.issue_file().path)
                .hint("检查是不是粘贴了过多的内容；确实需要这么多页时，在 content/bulletin.yaml 的 layout 里把 max_pages 调大。"),
            )));
        }
        // Characters a role's face lacks print in another face of its chain: say which.
        let roles = self
            .fonts
            .roles(&self.project.templates_dir().join("fonts.yaml"))?;
        for fallback in compile::coverage::fallbacks(&compiled.document, &roles) {
            warnings.push(fallback_problem(&fallback, &loaded));
        }
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
        main: MainSource,
        date: crate::model::Date,
    ) -> Result<compile::Compiled, EngineError> {
        let cli = match self.typst_cli.take() {
            Some(cli) => cli,
            None => TypstCli::locate(self.config.typst.as_deref()).map_err(EngineError::Other)?,
        };
        let cli = self.typst_cli.insert(cli);
        let archival = self.config.pdf.archival;
        let inputs: &[(&str, &str)] = if archival {
            &compile::ARCHIVAL_INPUTS
        } else {
            &[]
        };
        let export = Export {
            root: &self.project.root,
            source: &main.text,
            source_name: main.shown,
            font_dir: &self.project.fonts_dir(),
            system_fonts: self.fonts.sources() == FontSources::ShippedAndSystem,
            created: compile::creation_timestamp(&self.config.pdf, date),
            inputs,
            archival,
        };
        let pdf = cli.export(&export)?;
        let (document, warnings) =
            compile::layout_checked(&mut self.world, main, date).map_err(EngineError::Typst)?;
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
    ) -> Result<HashMap<String, photos::Prepared>, Failure> {
        let wanted: Vec<_> = (loaded.issue.photos().into_iter())
            .map(|photo| (photo, photo.width.unwrap_or(DEFAULT_PHOTO_WIDTH)))
            .collect();
        let new = (wanted.iter())
            .filter(|(photo, width)| {
                !self
                    .photos
                    .is_known(&loaded.dir.join(&photo.file.value), *width)
            })
            .count();
        let bar = if self.config.progress && new > 0 && std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(wanted.len() as u64);
            if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}") {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message(format!("{}：处理照片", loaded.id.label()));
            bar
        } else {
            ProgressBar::hidden()
        };
        let mut prepared = HashMap::new();
        let mut problems = Vec::new();
        for (photo, width) in wanted {
            let file = &photo.file.value;
            match self.photos.prepare(&loaded.dir.join(file), width, write) {
                Ok(done) => {
                    prepared.insert(file.clone(), done);
                }
                Err(err) => problems.push(loaded.at(err.problem(file), photo.file.span)),
            }
            bar.inc(1);
        }
        bar.finish_and_clear();
        if problems.is_empty() {
            Ok(prepared)
        } else {
            Err(Failure::Problems(Problems(problems)))
        }
    }

    /// The error a failed build reports. A template's compile error also keeps the failing source
    /// beside the good outputs, where its problems point.
    pub fn failure_error(&self, failure: Failure, paths: &OutputPaths) -> anyhow::Error {
        let Failure::Template { problems, source } = failure else {
            return failure.into_error();
        };
        let failed = self.project.relative(&paths.failed).display().to_string();
        let head = Problem::error("生成的排版文件有错误（多半是模板的问题，请联系维护者）");
        let head = match crate::output::write_atomic(&paths.failed, source.as_bytes()) {
            Ok(()) => head.hint(format!(
                "上一次生成的文件保持不变；出错的源文件保存在 {failed}，下面的行号指的就是它。"
            )),
            Err(e) => head
                .hint("上一次生成的文件保持不变。")
                .cause(format!("无法保存 {failed}：{e:#}")),
        };
        anyhow::Error::new(Problems(std::iter::once(head).chain(problems).collect()))
    }
}

/// The problem for a character no font has, at the first place it is written.
fn missing_glyph_problem(c: char, loaded: &Loaded) -> Problem {
    let problem = Problem::error(format!(
        "字符「{c}」（U+{:04X}）没有任何可用字体能显示，PDF 中会变成方框",
        c as u32
    ))
    .hint("现有的字体里都没有这个字。请找一个含有它的字体文件（.ttf、.otf 或 .ttc，文件名随意，例如免费的思源宋体），复制到项目的 assets/fonts 文件夹（也可以放在其中的子文件夹里），再重新生成即可，不用运行任何脚本（见 assets/fonts/README.md）；手头没有这样的字体时，请联系技术人员。");
    locate_char(problem, c, loaded)
}

/// The warning for a character printed by another face than its role's.
fn fallback_problem(fallback: &compile::coverage::Fallback, loaded: &Loaded) -> Problem {
    let lacking = match fallback.lacking.is_empty() {
        true => "它所在位置的字体".to_string(),
        false => fallback.lacking.join("、"),
    };
    let problem = Problem::warning(format!(
        "字符「{}」由 {} 字体印出（{lacking} 里没有这个字）",
        fallback.ch, fallback.face
    ))
    .hint("这个字已经印出来了，只是字形和前后文字略有不同。要统一字形，把含有这个字的同类字体文件（.ttf 或 .otf）复制到 assets/fonts 文件夹（见 assets/fonts/README.md），再重新生成。");
    locate_char(problem, fallback.ch, loaded)
}

/// `problem` placed where character `c` is first written in the issue's or the settings' fields.
fn locate_char(problem: Problem, c: char, loaded: &Loaded) -> Problem {
    let bulletin = &loaded.bulletin;
    let fields = (loaded.issue.fields().into_iter().map(|f| f.text())).chain([
        &bulletin.name.0,
        &bulletin.publisher.0,
        &bulletin.editor.0,
    ]);
    for text in fields {
        if let Some(at) = text.text.find(c) {
            return loaded.at(problem, text.span_of(at..at + c.len_utf8()));
        }
    }
    problem.in_file(&loaded.issue_file().path)
}
