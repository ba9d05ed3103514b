//! `bulletin check [034]`: every stage of a build but the writing, for one issue or all of them.

use anyhow::Result;

use super::{font_report, print_problems};
use crate::compile::Fonts;
use crate::config::Config;
use crate::diag::{Problem, color_stderr, render_error};
use crate::load::NumberIndex;
use crate::pipeline::{self, Failure, Pipeline, Prepared};
use crate::project::{IssueId, Project};
use crate::say;

/// Prints the problems, the warnings and a summary line per issue. Fails (exit code 1) if any
/// issue has errors.
pub fn run(project: Project, issue: Option<&str>, config: Config) -> Result<()> {
    let dirs = match issue {
        Some(issue) => vec![project.resolve_issue(issue)?],
        None => project.issue_dirs(),
    };
    if dirs.is_empty() {
        say!("{}", super::no_issues("检查"));
        return Ok(());
    }
    let fonts = Fonts::load(&project.fonts_dir(), config.fonts)?;
    say!(
        "{}",
        font_report(&pipeline::check_fonts(
            &fonts,
            &project,
            config.strict_fonts
        )?)
    );
    print_problems(&pipeline::font_warnings(&fonts, &project));
    let color = color_stderr();
    // Each issue's result as it is printed; checked on worker threads when there are several.
    let report = |pipeline: &mut Pipeline, loaded, id: IssueId| {
        let prepared = pipeline.prepare_loaded(loaded, id);
        Report {
            failure: (prepared.result.as_ref().err())
                .map(|failure| failure_text(failure, &project, &prepared, color)),
            warnings: prepared.warnings.clone(),
            summary: summary(&prepared),
            label: prepared.id.label(),
        }
    };
    let reports = match issue {
        Some(_) => {
            let mut pipeline = Pipeline::with_fonts(project.clone(), fonts.clone(), config);
            pipeline.set_numbers(std::sync::Arc::new(NumberIndex::scan(&project)));
            let loaded = crate::load::load(&project, &dirs[0]);
            vec![report(&mut pipeline, loaded, IssueId::of_dir(&dirs[0]))]
        }
        None => {
            let workers = crate::batch::default_workers();
            crate::batch::for_each_issue(&project, fonts, &config, &dirs, workers, &report, &|_| {})
        }
    };
    let mut failed = Vec::new();
    for report in reports {
        if let Some(failure) = &report.failure {
            eprintln!("{failure}");
            failed.push(report.label.clone());
        }
        print_problems(&report.warnings);
        say!("{}", report.summary);
    }
    if failed.is_empty() {
        return Ok(());
    }
    Err(
        Problem::error(format!("检查没有通过：{}有错误。", failed.join("、")))
            .hint("按上面指出的文件、行号逐一修改，再运行 check 检查。")
            .into_error(),
    )
}

/// What `check` prints of one issue.
struct Report {
    /// The failure, rendered, if the issue has errors.
    failure: Option<String>,
    warnings: Vec<Problem>,
    summary: String,
    label: String,
}

/// A failure as `check` reports it. Nothing is written, so a template's compile error says where
/// `build` would keep the failing source its line numbers refer to.
fn failure_text(failure: &Failure, project: &Project, prepared: &Prepared, color: bool) -> String {
    match failure {
        Failure::Problems(problems) => problems.render(color),
        Failure::Template { problems, .. } => {
            let failed = project
                .relative(&prepared.paths.failed)
                .display()
                .to_string();
            let mut text = Problem::error("生成的排版文件有错误（多半是模板的问题，请联系维护者）")
                .hint(format!(
                    "check 不写任何文件；运行 build 时，出错的源文件会保存为 {failed}，下面的行号指的就是它。"
                ))
                .render(color);
            for problem in problems {
                text.push('\n');
                text.push_str(&problem.render(color));
            }
            text
        }
        Failure::Other(err) => render_error(err, color),
    }
}

/// 第034期：没有发现问题（8 页） / 第035期：没有错误，4 条警告（1 页） / 第099期：2 处错误
fn summary(prepared: &Prepared) -> String {
    let label = prepared.id.label();
    let warnings = prepared.warnings.len();
    match &prepared.result {
        Ok(artifacts) if warnings == 0 => {
            format!("{label}：没有发现问题（{} 页）", artifacts.pages())
        }
        Ok(artifacts) => format!(
            "{label}：没有错误，{warnings} 条警告（{} 页）",
            artifacts.pages()
        ),
        Err(failure) if warnings == 0 => format!("{label}：{} 处错误", failure.count()),
        Err(failure) => format!("{label}：{} 处错误，{warnings} 条警告", failure.count()),
    }
}
