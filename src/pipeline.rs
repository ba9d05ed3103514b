//! The whole pipeline for one issue: load → validate → render → compile → write. A `Pipeline` keeps
//! the fonts and the compiler's caches, so a process that builds several times pays for them once.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};

use crate::compile::{self, CompileError, FontSources, Fonts, ProjectWorld};
use crate::diag::{Problem, Problems};
use crate::load::{self, Loaded, SourceFile};
use crate::output::{OutputPaths, write_atomic};
use crate::project::Project;
use crate::render::{Templates, issue_view};
use crate::validate;

/// What a successful build produced.
#[derive(Debug, Clone)]
pub struct Built {
    pub paths: OutputPaths,
    pub pages: usize,
    /// The laid-out pages, for measuring.
    pub document: typst_layout::PagedDocument,
    /// Compiler warnings (file:line:column: message).
    pub warnings: Vec<String>,
}

/// Builds issues of one project.
pub struct Pipeline {
    project: Project,
    world: ProjectWorld,
}

impl Pipeline {
    /// Loads the fonts once; `sources` says whether the machine's fonts join the shipped ones.
    pub fn new(project: Project, sources: FontSources) -> Result<Pipeline> {
        let fonts: Arc<Fonts> = Fonts::load(&project.fonts_dir(), sources)?;
        let world = ProjectWorld::new(&project.root, fonts);
        Ok(Pipeline { project, world })
    }

    /// Builds the issue in `dir` (e.g. content/034) into output/034/.
    pub fn build(&mut self, dir: &Path) -> Result<Built> {
        let loaded = load::load(&self.project, dir)?;
        validate::validate(&loaded)?;
        let view = issue_view(&loaded).map_err(|e| {
            let file = &loaded.issue_file;
            let problem = Problem::new(
                &file.path,
                format!("段落中的 Markdown 无法转换：{}", e.error.message),
            )
            .hint("检查这一段的 Markdown 写法；要原样显示的 * _ # 等符号前加 \\。");
            match validate::locate_in_field(&file.text, &e.field, e.error.offset) {
                Some((line, column)) => problem.at(line, column),
                None => problem,
            }
        });
        let view = view.map_err(Problems::from)?;
        let templates = Templates::load(&self.project.templates_dir())?;
        let rendered = templates.render(&view)?;

        let out_dir = self.project.output_dir(&loaded.folder);
        let paths = OutputPaths::new(&out_dir, &loaded.folder);
        let vpath = compile::virtual_path(&self.project.root, &paths.typst);
        let compiled = match compile::compile(
            &mut self.world,
            &vpath,
            rendered.typst.clone(),
            loaded.issue.date,
        ) {
            Ok(compiled) => compiled,
            Err(err) => return Err(self.compile_error(err, &loaded, &paths, &rendered.typst)),
        };
        // Only a successful build replaces the outputs, so the three always belong together.
        write_atomic(&paths.typst, rendered.typst.as_bytes())?;
        write_atomic(&paths.markdown, rendered.markdown.as_bytes())?;
        write_atomic(&paths.pdf, &compiled.pdf)?;
        if paths.failed.exists() {
            std::fs::remove_file(&paths.failed)
                .with_context(|| format!("无法删除 {}", paths.failed.display()))?;
        }
        let mut warnings = validate::unused_photos(&loaded);
        warnings.extend(validate::markdown_warnings(&loaded));
        warnings.extend(compiled.warnings);
        let pages = compiled.document.pages().len();
        Ok(Built {
            document: compiled.document,
            paths,
            pages,
            warnings,
        })
    }

    /// A missing glyph is the editor's to fix: point at the character in the YAML. Any other
    /// compile error is the templates': the failing source is kept beside the good outputs.
    fn compile_error(
        &self,
        err: CompileError,
        loaded: &Loaded,
        paths: &OutputPaths,
        source: &str,
    ) -> anyhow::Error {
        match err {
            CompileError::MissingGlyphs(chars) => {
                let problems = chars
                    .iter()
                    .map(|&c| missing_glyph_problem(c, loaded))
                    .collect();
                anyhow::Error::new(Problems(problems))
            }
            CompileError::Typst(messages) => {
                let typ = self.project.relative(&paths.typst).display().to_string();
                let failed = self.project.relative(&paths.failed).display().to_string();
                let saved = write_atomic(&paths.failed, source.as_bytes());
                let messages = messages.iter().map(|m| m.replace(&typ, &failed)).collect();
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
