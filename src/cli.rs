//! Command-line interface: clap types and the dispatch to one function per subcommand.

use std::path::{Path, PathBuf};

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use crate::archive::{self, Request};
use crate::batch;
use crate::clock;
use crate::compile::typst_cli;
use crate::compile::{FontRole, FontSources, Fonts, PdfSettings};
use crate::diag::{Problems, color_stderr};
use crate::model::{Date, Engine};
use crate::new_issue;
use crate::pipeline::{self, EngineOptions, Failure, Pipeline, Prepared};
use crate::project::Project;
use crate::watch;

/// 《长艺党建》排版工具：把 content/ 中的 YAML 生成 PDF、Typst 和 Markdown。
/// Writes to stdout; when stdout is closed (`bulletin check | head -1`) the program ends quietly
/// as other command-line tools do, instead of panicking on the broken pipe as `println!` would.
fn out(text: std::fmt::Arguments) {
    use std::io::Write;
    if std::io::stdout().write_fmt(text).is_err() {
        std::process::exit(0);
    }
}

/// `println!` through [`out`].
macro_rules! say {
    ($($arg:tt)*) => {
        out(format_args!("{}\n", format_args!($($arg)*)))
    };
}

#[derive(Debug, Parser)]
#[command(name = "bulletin", version, about, long_about = None)]
pub struct Cli {
    /// 项目文件夹（含 content/bulletin.yaml）；默认从当前文件夹向上查找。
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 生成一期：output/<期号>/第<期号>期.pdf、.typ、.md；加 --all 生成每一期
    Build {
        /// 期号或文件夹，例如 034、34 或 content/034
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        issue: Option<String>,
        /// 生成 content/ 下的每一期（同时生成多期；一期出错不影响其他期），最后列出结果
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        fonts: FontArgs,
        /// 缺少正式的仿宋或小标宋字体（只有随附的替代字体）时报错，不生成
        #[arg(long)]
        strict_fonts: bool,
        #[command(flatten)]
        engine: EngineArgs,
    },
    /// 边改边看：先生成一期，以后这一期的文件夹、content/bulletin.yaml、templates/ 或 assets/ 一有改动就重新生成；按 Ctrl-C 结束
    Watch {
        /// 期号或文件夹，例如 034、34 或 content/034
        issue: String,
        #[command(flatten)]
        fonts: FontArgs,
    },
    /// 检查一期或每一期：和生成时一样读入、核对、排版，报告全部错误和警告，但不写任何文件
    Check {
        /// 期号或文件夹，例如 034、34 或 content/034；不写就检查 content/ 下的每一期
        issue: Option<String>,
        #[command(flatten)]
        fonts: FontArgs,
        /// 缺少正式的仿宋或小标宋字体（只有随附的替代字体）时报错
        #[arg(long)]
        strict_fonts: bool,
        #[command(flatten)]
        engine: EngineArgs,
    },
    /// 归档一期：生成 PDF/A-2b，和全部源文件一起存为 BagIt 文件夹 output/archive/<年份>/第<期号>期/
    Archive {
        /// 期号或文件夹，例如 034、34 或 content/034
        issue: String,
        /// 取代已经归档的版本，并写明原因；旧版本保留为 第<期号>期.v1 等
        #[arg(long, value_name = "原因")]
        supersede: Option<String>,
        #[command(flatten)]
        fonts: FontArgs,
        /// 记为归档时间的时刻（默认现在），供测试使用
        #[arg(long, hide = true, value_name = "RFC3339", value_parser = clock::parse_rfc3339)]
        archived_at: Option<time::OffsetDateTime>,
        #[command(flatten)]
        engine: EngineArgs,
    },
    /// 检查归档是否完好：重新计算每个文件的 SHA-256，报告缺少、改动和多出的文件
    Verify {
        /// 期号，例如 034；不写就检查全部归档
        issue: Option<String>,
    },
    /// 合订本：把某一年的各期按期号合成一个 PDF（封面、目录、连续页码），写到 output/volume/<年份>年合订本.pdf
    Volume {
        /// 年份，例如 2022（按各期 issue.yaml 的 date 归入年份）
        year: i32,
        #[command(flatten)]
        fonts: FontArgs,
    },
    /// 新建下一期：content/<下一个期号>/issue.yaml（带说明、可直接生成的模板）和空的 photos/ 文件夹
    New {
        /// 出刊日期，写成 年-月-日，例如 2022-05-06；不写就用今天（北京时间）
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
        date: Option<Date>,
    },
    /// 导入草稿：把 Word 文档（.docx）、纯文字（.txt）或 Markdown（.md）整理成新的一期 content/<期号>/（issue.yaml 和照片）
    Import {
        /// 草稿文件：.docx、.txt 或 .md；写 - 就把文字粘贴进来（粘贴完按 Ctrl-D，Windows 上按 Ctrl-Z 再按回车）
        file: String,
        /// 期号，例如 036；不写就用草稿版头的期号，草稿里没有就用下一个期号
        #[arg(long, value_name = "期号")]
        number: Option<u32>,
        /// 出刊日期，例如 2022-07-05 或 2022年7月5日；不写就用草稿里的日期，草稿里没有就用今天
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_import_date)]
        date: Option<Date>,
    },
}

/// Which fonts a build may use.
#[derive(Debug, Clone, Copy, Default, Args)]
pub struct FontArgs {
    /// 只用项目自带的字体（assets/fonts），不用本机安装的字体；各台电脑结果一致。
    #[arg(long)]
    pub no_system_fonts: bool,
}

/// Which Typst makes the PDF (overrides `engine:` of content/bulletin.yaml).
#[derive(Debug, Clone, Default, Args)]
pub struct EngineArgs {
    /// 排版引擎：embedded（内置的 Typst，默认）或 typst-cli（本机的 typst 程序，须与内置版本相同）；
    /// 不写就用 content/bulletin.yaml 中的 engine
    #[arg(long, value_name = "ENGINE", value_parser = parse_engine)]
    pub engine: Option<Engine>,
    /// typst 程序的路径（用于 typst-cli 引擎；不写就用 PATH 中的 typst）；写了它而没写 --engine 时用 typst-cli
    #[arg(long, value_name = "PATH")]
    pub typst: Option<PathBuf>,
}

impl EngineArgs {
    /// The pipeline's engine options; `--typst` alone asks for the typst-cli engine.
    fn options(self) -> Result<EngineOptions> {
        let engine = match (self.engine, &self.typst) {
            (Some(Engine::Embedded), Some(path)) => bail!(
                "--typst {} 只用于 typst-cli 引擎，而 --engine 写的是 embedded。\n  提示：去掉 --typst，或改为 --engine typst-cli。",
                path.display()
            ),
            (None, Some(_)) => Some(Engine::TypstCli),
            (engine, _) => engine,
        };
        Ok(EngineOptions {
            engine,
            typst: self.typst,
        })
    }
}

fn parse_engine(s: &str) -> Result<Engine, String> {
    Engine::parse(s).ok_or_else(|| {
        format!(
            "排版引擎「{s}」不存在：可用的是 embedded（内置的 Typst）和 typst-cli（本机的 typst {}，安装：{}）",
            crate::compile::TYPST_VERSION,
            typst_cli::install_command()
        )
    })
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    let start = cli.root.clone().unwrap_or_else(|| PathBuf::from("."));
    let project = Project::find(&start)?;
    match cli.command {
        Command::Build {
            issue: Some(issue),
            fonts,
            strict_fonts,
            engine,
            ..
        } => build(
            project,
            &issue,
            fonts.no_system_fonts,
            strict_fonts,
            engine.options()?,
        ),
        Command::Build {
            fonts,
            strict_fonts,
            engine,
            ..
        } => build_all(
            project,
            fonts.no_system_fonts,
            strict_fonts,
            engine.options()?,
        ),
        Command::Watch { issue, fonts } => watch(project, &issue, fonts.no_system_fonts),
        Command::Check {
            issue,
            fonts,
            strict_fonts,
            engine,
        } => check(
            project,
            issue.as_deref(),
            fonts.no_system_fonts,
            strict_fonts,
            engine.options()?,
        ),
        Command::Archive {
            issue,
            supersede,
            fonts,
            archived_at,
            engine,
        } => {
            let request = Request {
                supersede,
                archived_at: archived_at.unwrap_or_else(clock::now_utc),
            };
            archive(
                project,
                &issue,
                fonts.no_system_fonts,
                engine.options()?,
                &request,
            )
        }
        Command::Verify { issue } => verify(&project, issue.as_deref()),
        Command::Volume { year, fonts } => volume(project, year, fonts.no_system_fonts),
        Command::New { date } => new(&project, date),
        Command::Import { file, number, date } => import(&project, &file, number, date),
    }
}

fn font_sources(no_system_fonts: bool) -> FontSources {
    if no_system_fonts {
        FontSources::ShippedOnly
    } else {
        FontSources::ShippedAndSystem
    }
}

/// Print PDFs, recording `SOURCE_DATE_EPOCH` as the creation date if set.
fn pdf_settings() -> Result<PdfSettings> {
    Ok(PdfSettings {
        created: clock::source_date_epoch()?,
        ..PdfSettings::default()
    })
}

/// A pipeline with the fonts and the engine asked for and [`pdf_settings`].
fn pipeline(project: Project, no_system_fonts: bool, engine: EngineOptions) -> Result<Pipeline> {
    let settings = pdf_settings()?;
    Ok(Pipeline::new(project, font_sources(no_system_fonts))?
        .with_pdf_settings(settings)
        .with_engine(engine))
}

/// `path` as the user sees it: relative to the current folder where possible.
fn show(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    path.strip_prefix(&cwd)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// One line naming the face each font role resolved to (R40).
fn font_report(roles: &[FontRole]) -> String {
    let parts: Vec<String> = (roles.iter())
        .map(|role| match &role.resolved {
            Some(face) if role.substitute => format!("{} {face}（随附的替代字体）", role.name),
            Some(face) => format!("{} {face}", role.name),
            None => format!("{} 无可用字体", role.name),
        })
        .collect();
    format!("字体：{}", parts.join("，"))
}

fn build(
    project: Project,
    issue: &str,
    no_system_fonts: bool,
    strict_fonts: bool,
    engine: EngineOptions,
) -> Result<()> {
    let dir = project.resolve_issue(issue)?;
    let started = std::time::Instant::now();
    let mut pipeline = pipeline(project, no_system_fonts, engine)?;
    pipeline.set_progress(std::io::stderr().is_terminal());
    let roles = pipeline.check_fonts(strict_fonts)?;
    let built = pipeline.build(&dir)?;
    let color = color_stderr();
    for warning in &built.warnings {
        eprintln!("{}", warning.render(color));
    }
    say!(
        "已生成（{} 页，用时 {:.1} 秒）：",
        built.pages,
        started.elapsed().as_secs_f64()
    );
    say!("  {}", show(&built.paths.pdf));
    say!("  {}", show(&built.paths.typst));
    say!("  {}", show(&built.paths.markdown));
    say!("{}", font_report(&roles));
    Ok(())
}

/// Builds the issue, then rebuilds it on every change until Ctrl-C; one status line per build, the
/// problems of a failed build below it. The last good PDF stays while the issue has errors.
fn watch(project: Project, issue: &str, no_system_fonts: bool) -> Result<()> {
    let dir = project.resolve_issue(issue)?;
    let folder = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut pipeline = pipeline(project, no_system_fonts, EngineOptions::default())?;
    pipeline.set_progress(std::io::stderr().is_terminal());
    say!("{}", font_report(&pipeline.check_fonts(false)?));
    let stop = Arc::new(AtomicBool::new(false));
    let on_signal = stop.clone();
    ctrlc::set_handler(move || on_signal.store(true, Ordering::SeqCst))
        .context("无法处理 Ctrl-C")?;
    say!(
        "正在监视第{folder}期（这一期的文件夹、content/bulletin.yaml、templates/、assets/），改动后自动重新生成；按 Ctrl-C 结束。"
    );
    let color = color_stderr();
    let until = watch::Until {
        stop: &stop,
        rebuilds: None,
    };
    watch::watch(&mut pipeline, &dir, until, &mut |rebuild| {
        let at = clock::beijing_time_of_day(clock::now_utc());
        let seconds = rebuild.elapsed.as_secs_f64();
        match &rebuild.result {
            Ok(built) => {
                let verb = if rebuild.number == 0 {
                    "已生成"
                } else {
                    "已更新"
                };
                say!(
                    "[{at}] 第{folder}期{verb}（{} 页，{seconds:.2} 秒）",
                    built.pages
                );
                for warning in &built.warnings {
                    eprintln!("{}", warning.render(color));
                }
            }
            Err(err) => {
                say!("[{at}] 第{folder}期有错误，PDF 保持上一次成功生成的样子（{seconds:.2} 秒）");
                match err.downcast_ref::<Problems>() {
                    Some(problems) => eprintln!("{}", problems.render(color)),
                    None => {
                        eprintln!("{err}");
                        for cause in err.chain().skip(1) {
                            eprintln!("  原因：{cause}");
                        }
                    }
                }
            }
        }
    })?;
    say!("已停止监视。");
    Ok(())
}

/// Builds every issue in parallel with the fonts loaded once; prints each failure and warning, then a
/// table of the results. Fails (exit code 1) if any issue failed; the others are built all the same.
fn build_all(
    project: Project,
    no_system_fonts: bool,
    strict_fonts: bool,
    engine: EngineOptions,
) -> Result<()> {
    let dirs = project.issue_dirs();
    if dirs.is_empty() {
        say!(
            "content 文件夹里还没有任何一期，没有要生成的内容。\n  提示：运行 cargo run --release -- new 新建一期。"
        );
        return Ok(());
    }
    let started = std::time::Instant::now();
    let settings = pdf_settings()?;
    let fonts = Fonts::load(&project.fonts_dir(), font_sources(no_system_fonts))?;
    let roles = pipeline::check_fonts(&fonts, &project, strict_fonts)?;
    let bar = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(dirs.len() as u64);
        if let Ok(style) = ProgressStyle::with_template("生成 [{bar:30}] {pos}/{len} 期") {
            bar.set_style(style.progress_chars("=> "));
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    let outcomes = batch::build_all(&project, fonts, settings, &engine, &dirs, &|_| bar.inc(1));
    bar.finish_and_clear();
    let color = color_stderr();
    for outcome in &outcomes {
        match &outcome.result {
            Ok(built) => built
                .warnings
                .iter()
                .for_each(|w| eprintln!("{}", w.render(color))),
            Err(err) => {
                eprintln!("第{}期生成失败：{err}", outcome.folder);
                for cause in err.chain().skip(1) {
                    eprintln!("  原因：{cause}");
                }
            }
        }
    }
    let mut rows = vec![["期号", "结果", "页数", "用时"].map(String::from)];
    for outcome in &outcomes {
        let (result, pages) = match &outcome.result {
            Ok(built) if built.warnings.is_empty() => {
                ("已生成".to_string(), built.pages.to_string())
            }
            Ok(built) => (
                format!("已生成，{} 条警告", built.warnings.len()),
                built.pages.to_string(),
            ),
            Err(_) => ("失败（原因见上）".to_string(), "—".to_string()),
        };
        rows.push([
            format!("第{}期", outcome.folder),
            result,
            pages,
            format!("{:.1} 秒", outcome.elapsed.as_secs_f64()),
        ]);
    }
    out(format_args!("{}", table(&rows)));
    say!("{}", font_report(&roles));
    let failed: Vec<String> = outcomes
        .iter()
        .filter(|o| o.result.is_err())
        .map(|o| format!("第{}期", o.folder))
        .collect();
    say!(
        "共 {} 期：{} 期已生成，{} 期失败；总用时 {:.1} 秒。",
        outcomes.len(),
        outcomes.len() - failed.len(),
        failed.len(),
        started.elapsed().as_secs_f64()
    );
    if failed.is_empty() {
        Ok(())
    } else {
        bail!(
            "{}生成失败，其他各期已生成。\n  提示：按上面指出的文件、行号修改，再运行 build --all 或只生成出错的那一期。",
            failed.join("、")
        )
    }
}

/// Left-aligned columns, measured in terminal cells (a Chinese character takes two).
fn table(rows: &[[String; 4]]) -> String {
    use unicode_width::UnicodeWidthStr;
    let widths: Vec<usize> = (0..4)
        .map(|c| rows.iter().map(|r| r[c].width()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (cell, width) in row.iter().zip(&widths) {
            line.push_str(cell);
            line.push_str(&" ".repeat(width - cell.width() + 2));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Runs every stage of a build but the writing, for one issue or all of them; prints the problems,
/// the warnings and a summary line per issue. Fails (exit code 1) if any issue has errors.
fn check(
    project: Project,
    issue: Option<&str>,
    no_system_fonts: bool,
    strict_fonts: bool,
    engine: EngineOptions,
) -> Result<()> {
    let dirs = match issue {
        Some(issue) => vec![project.resolve_issue(issue)?],
        None => project.issue_dirs(),
    };
    if dirs.is_empty() {
        say!(
            "content 文件夹里还没有任何一期，没有要检查的内容。\n  提示：运行 cargo run --release -- new 新建一期。"
        );
        return Ok(());
    }
    // Checking needs the laid-out pages (overflow, missing glyphs), not the PDF.
    let settings = PdfSettings {
        layout_only: true,
        ..pdf_settings()?
    };
    let mut pipeline =
        pipeline(project.clone(), no_system_fonts, engine)?.with_pdf_settings(settings);
    say!("{}", font_report(&pipeline.check_fonts(strict_fonts)?));
    let color = color_stderr();
    let mut failed = Vec::new();
    for dir in &dirs {
        let folder = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let prepared = pipeline.prepare(dir);
        if let Err(failure) = &prepared.result {
            eprintln!("{}", check_failure(failure, &project, &prepared, color));
        }
        for warning in &prepared.warnings {
            eprintln!("{}", warning.render(color));
        }
        say!("{}", check_summary(&folder, &prepared));
        if prepared.result.is_err() {
            failed.push(format!("第{folder}期"));
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        bail!(
            "检查没有通过：{}有错误。\n  提示：按上面指出的文件、行号逐一修改，再运行 check 检查。",
            failed.join("、")
        )
    }
}

/// A failure as `check` reports it. Nothing is written, so a template's compile error says where
/// `build` would keep the failing source its line numbers refer to.
fn check_failure(failure: &Failure, project: &Project, prepared: &Prepared, color: bool) -> String {
    match failure {
        Failure::Template { .. } => {
            let failed = project
                .relative(&prepared.paths.failed)
                .display()
                .to_string();
            format!(
                "{failure}\n  提示：check 不写任何文件；运行 build 时，出错的源文件会保存为 {failed}，上面的行号指的就是它。"
            )
        }
        _ => failure.render(color),
    }
}

/// 第034期：没有发现问题（8 页） / 第035期：没有错误，4 条警告（1 页） / 第099期：2 处错误
fn check_summary(folder: &str, prepared: &Prepared) -> String {
    let warnings = prepared.warnings.len();
    match &prepared.result {
        Ok(artifacts) if warnings == 0 => {
            format!("第{folder}期：没有发现问题（{} 页）", artifacts.pages())
        }
        Ok(artifacts) => format!(
            "第{folder}期：没有错误，{warnings} 条警告（{} 页）",
            artifacts.pages()
        ),
        Err(failure) if warnings == 0 => format!("第{folder}期：{} 处错误", failure.count()),
        Err(failure) => format!(
            "第{folder}期：{} 处错误，{warnings} 条警告",
            failure.count()
        ),
    }
}

fn archive(
    project: Project,
    issue: &str,
    no_system_fonts: bool,
    engine: EngineOptions,
    request: &Request,
) -> Result<()> {
    let dir = project.resolve_issue(issue)?;
    let mut pipeline = pipeline(project, no_system_fonts, engine)?;
    let archived = archive::archive(&mut pipeline, &dir, request)?;
    let color = color_stderr();
    for warning in &archived.warnings {
        eprintln!("{}", warning.render(color));
    }
    say!(
        "已归档（PDF/A-2b，{} 页，{} 个文件）：
  {}/",
        archived.pages,
        archived.files,
        show(&archived.bag)
    );
    if let Some(prior) = &archived.prior {
        say!("  旧版本保留为 {}/", show(prior));
    }
    say!("归档目录已更新：output/archive/index.md、output/archive/index.html");
    Ok(())
}

/// Re-hashes every bag (or one issue's) and reports missing, changed and extra files.
fn verify(project: &Project, issue: Option<&str>) -> Result<()> {
    let folder = match issue {
        None => None,
        Some(arg) => match arg.trim().parse::<u32>() {
            Ok(number) if number < 1000 => Some(format!("{number:03}")),
            _ => bail!(
                "期号「{arg}」无效。
  提示：写成 034 或 34 这样的数字；不写期号就检查全部归档。"
            ),
        },
    };
    let bags = archive::bags_to_verify(project, folder.as_deref());
    if bags.is_empty() {
        return match folder {
            Some(folder) => bail!(
                "第{folder}期还没有归档，output/archive/ 中找不到它。
  提示：先运行 bulletin archive {folder}。"
            ),
            None => {
                say!("output/archive/ 中还没有任何归档，没有要检查的内容。");
                Ok(())
            }
        };
    }
    let mut failed = Vec::new();
    for bag in &bags {
        let at = show(&bag.path);
        let findings = match archive::verify(bag) {
            Ok(findings) => findings,
            Err(err) => {
                say!("{}（{at}）：无法检查", bag.name);
                eprintln!("  {err:#}");
                failed.push(bag.name.clone());
                continue;
            }
        };
        if findings.is_clean() {
            say!("{}（{at}）：完好，{} 个文件", bag.name, findings.intact);
            continue;
        }
        let count = findings.missing.len() + findings.changed.len() + findings.extra.len();
        say!("{}（{at}）：发现 {count} 处问题", bag.name);
        for file in &findings.missing {
            say!("  缺少：{file}（清单中有，文件不见了）");
        }
        for file in &findings.changed {
            say!("  已改动：{file}（SHA-256 与清单不符）");
        }
        for file in &findings.extra {
            say!("  多出：{file}（不在清单中）");
        }
        failed.push(bag.name.clone());
    }
    if failed.is_empty() {
        Ok(())
    } else {
        bail!(
            "归档检查没有通过：{}有问题。
  提示：归档中的文件不应改动。从备份恢复缺少和改动的文件，把多出的文件移出 data/ 文件夹，再运行 bulletin verify 检查。",
            failed.join("、")
        )
    }
}

/// Creates the next issue's folder from the skeleton and says what to do next.
fn volume(project: Project, year: i32, no_system_fonts: bool) -> Result<()> {
    let started = std::time::Instant::now();
    let mut pipeline = pipeline(project, no_system_fonts, EngineOptions::default())?;
    let volume = crate::volume::build_volume(&mut pipeline, year)?;
    say!(
        "已生成{year}年合订本（{} 期：第{}期，共 {} 页，用时 {:.1} 秒）：",
        volume.issues.len(),
        volume.issues.join("、"),
        volume.pages,
        started.elapsed().as_secs_f64()
    );
    say!("  {}", show(&volume.pdf));
    say!("  {}", show(&volume.typst));
    Ok(())
}

fn new(project: &Project, date: Option<Date>) -> Result<()> {
    let date = date.unwrap_or_else(new_issue::today);
    let created = new_issue::create(project, date)?;
    let folder = &created.folder;
    say!("已新建第{folder}期（日期 {}）：", date.chinese());
    let file = show(&created.file);
    let photos = format!("{}/", show(&created.photos));
    let width = file.chars().count().max(photos.chars().count());
    say!(
        "  {file:<width$}  本期内容：把其中的「{}……）」换成本期的文字",
        new_issue::PLACEHOLDER
    );
    say!("  {photos:<width$}  本期照片放在这里");
    say!("下一步：编辑 issue.yaml，然后生成 PDF 看效果：");
    say!("  cargo run --release -- build {folder}");
    Ok(())
}

/// Imports a draft as a new issue and prints what was recognised; warnings go to stderr.
fn import(project: &Project, file: &str, number: Option<u32>, date: Option<Date>) -> Result<()> {
    use crate::import::{ImportOptions, Source};
    let source = if file == "-" {
        use std::io::Read;
        if std::io::stdin().is_terminal() {
            eprintln!("请粘贴草稿的文字，粘贴完按 Ctrl-D（Windows 上按 Ctrl-Z 再按回车）：");
        }
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("无法读取粘贴的文字")?;
        Source::Stdin(bytes)
    } else {
        Source::File(PathBuf::from(file))
    };
    let imported = crate::import::import(project, source, &ImportOptions { number, date })?;
    for line in &imported.report {
        if line.warning {
            eprintln!("警告：{}", line.text);
        } else {
            say!("  {}", line.text);
        }
    }
    let folder = &imported.folder;
    say!("已导入第{folder}期：");
    say!("  {}  本期内容，请对照草稿核对一遍", show(&imported.file));
    say!(
        "  {}/  照片：从草稿取出 {} 张",
        show(&imported.dir.join("photos")),
        imported.photos.len()
    );
    if !imported.missing_photos.is_empty() {
        say!(
            "还缺 {} 张照片：{}。请把照片按这些文件名放进 {}/。",
            imported.missing_photos.len(),
            imported.missing_photos.join("、"),
            show(&imported.dir.join("photos"))
        );
    }
    say!("下一步：检查，然后生成 PDF：");
    say!("  cargo run --release -- check {folder}");
    say!("  cargo run --release -- build {folder}");
    Ok(())
}

/// A date as drafts write it: 2022-07-05, 2022年7月5日, 2022.7.5, 2022/7/5.
fn parse_import_date(s: &str) -> Result<Date, String> {
    crate::recognise::parse_date_forms(s)
        .and_then(|(y, m, d)| Date::parse(&format!("{y:04}-{m:02}-{d:02}")))
        .ok_or_else(|| {
            format!("日期「{s}」无效：写成 2022-07-05 或 2022年7月5日 这样的形式，并且必须是真实存在的日期")
        })
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).ok_or_else(|| {
        format!("日期「{s}」无效：写成 2022-05-06 这样的形式（年-月-日），并且必须是真实存在的日期")
    })
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};

    use super::{Cli, Command};

    #[test]
    fn command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn build_takes_an_issue_or_all_check_an_optional_issue_and_new_an_optional_date() {
        let cli = Cli::try_parse_from(["bulletin", "build", "--all"]).unwrap();
        assert!(matches!(
            cli.command,
            Command::Build {
                issue: None,
                all: true,
                ..
            }
        ));
        let cli = Cli::try_parse_from(["bulletin", "check"]).unwrap();
        assert!(matches!(cli.command, Command::Check { issue: None, .. }));
        let cli = Cli::try_parse_from(["bulletin", "check", "034"]).unwrap();
        assert!(matches!(cli.command, Command::Check { issue: Some(i), .. } if i == "034"));
        let cli = Cli::try_parse_from(["bulletin", "new", "--date", "2022-05-06"]).unwrap();
        assert!(
            matches!(cli.command, Command::New { date: Some(d) } if d.to_string() == "2022-05-06")
        );
        let err = Cli::try_parse_from(["bulletin", "new", "--date", "2022-02-30"]).unwrap_err();
        assert!(err.to_string().contains("日期「2022-02-30」无效"), "{err}");
    }
}
