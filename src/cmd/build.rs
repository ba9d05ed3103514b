//! `bulletin build 034` and `bulletin build --all`.

use std::io::IsTerminal;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};

use super::{font_report, print_problems, show};
use crate::batch;
use crate::compile::Fonts;
use crate::config::Config;
use crate::diag::{Problem, color_stderr, render_error};
use crate::pipeline::{self, Pipeline};
use crate::project::Project;
use crate::say;

/// Builds one issue and says where its files are.
pub fn one(project: Project, issue: &str, config: Config) -> Result<()> {
    let dir = project.resolve_issue(issue)?;
    super::tidy(&project);
    let started = std::time::Instant::now();
    let mut pipeline = Pipeline::new(project, config)?;
    let roles = pipeline.check_fonts()?;
    print_problems(&pipeline.font_warnings());
    let built = pipeline.build(&dir)?;
    print_problems(&built.warnings);
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

/// Builds every issue in parallel with the fonts loaded once; prints each failure and warning, then a
/// table of the results. Fails (exit code 1) if any issue failed; the others are built all the same.
pub fn all(project: Project, config: Config) -> Result<()> {
    let dirs = project.issue_dirs();
    if dirs.is_empty() {
        say!("{}", super::no_issues("生成"));
        return Ok(());
    }
    super::tidy(&project);
    let started = std::time::Instant::now();
    let fonts = Fonts::load(&project.fonts_dir(), config.fonts)?;
    let roles = pipeline::check_fonts(&fonts, &project, config.strict_fonts)?;
    print_problems(&pipeline::font_warnings(&fonts, &project));
    let bar = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(dirs.len() as u64);
        if let Ok(style) = ProgressStyle::with_template("生成 [{bar:30}] {pos}/{len} 期") {
            bar.set_style(style.progress_chars("=> "));
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    // Photos are prepared by several issues at once: no per-issue progress bars.
    let config = Config {
        progress: false,
        ..config
    };
    let workers = batch::default_workers();
    let outcomes = batch::build_all(&project, fonts, &config, &dirs, workers, &|_| bar.inc(1));
    bar.finish_and_clear();
    let color = color_stderr();
    for outcome in &outcomes {
        match &outcome.result {
            Ok(summary) => print_problems(&summary.warnings),
            Err(err) => {
                eprintln!("{}生成失败：", outcome.id.label());
                eprintln!("{}", render_error(err, color));
            }
        }
    }
    let mut rows = vec![["期号", "结果", "页数", "用时"].map(String::from).to_vec()];
    for outcome in &outcomes {
        let (result, pages) = match &outcome.result {
            Ok(s) if s.warnings.is_empty() => ("已生成".to_string(), s.pages.to_string()),
            Ok(s) => (
                format!("已生成，{} 条警告", s.warnings.len()),
                s.pages.to_string(),
            ),
            Err(_) => ("失败（原因见上）".to_string(), "—".to_string()),
        };
        rows.push(vec![
            outcome.id.label(),
            result,
            pages,
            format!("{:.1} 秒", outcome.elapsed.as_secs_f64()),
        ]);
    }
    super::out(format_args!("{}", super::table(&rows)));
    say!("{}", font_report(&roles));
    let failed: Vec<String> = (outcomes.iter())
        .filter(|o| o.result.is_err())
        .map(|o| o.id.label())
        .collect();
    say!(
        "共 {} 期：{} 期已生成，{} 期失败；总用时 {:.1} 秒。",
        outcomes.len(),
        outcomes.len() - failed.len(),
        failed.len(),
        started.elapsed().as_secs_f64()
    );
    if failed.is_empty() {
        return Ok(());
    }
    Err(
        Problem::error(format!("{}生成失败，其他各期已生成", failed.join("、")))
            .hint("按上面指出的文件、行号修改，再运行 build --all 或只生成出错的那一期。")
            .into_error(),
    )
}
