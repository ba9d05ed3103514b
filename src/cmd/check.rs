//! `bulletin check [034]`: every stage of a build but the writing, for one issue or all of them.

use anyhow::Result;

use super::{font_report, print_problems};
use crate::config::Config;
use crate::diag::{Problem, color_stderr, render_error};
use crate::load::NumberIndex;
use crate::pipeline::{Failure, Pipeline, Prepared};
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
    let mut pipeline = Pipeline::new(project.clone(), config)?;
    say!("{}", font_report(&pipeline.check_fonts()?));
    print_problems(&pipeline.font_warnings());
    let color = color_stderr();
    let mut failed = Vec::new();
    // Every issue is read once: its number for the others' check, its content for its own.
    let (loaded, numbers) = match issue {
        Some(_) => (
            vec![crate::load::load(&project, &dirs[0])],
            NumberIndex::scan(&project),
        ),
        None => crate::load::load_all(&project, &dirs),
    };
    pipeline.set_numbers(std::sync::Arc::new(numbers));
    for (dir, loaded) in dirs.iter().zip(loaded) {
        let prepared = pipeline.prepare_loaded(loaded, IssueId::of_dir(dir));
        if let Err(failure) = &prepared.result {
            eprintln!("{}", failure_text(failure, &project, &prepared, color));
        }
        print_problems(&prepared.warnings);
        say!("{}", summary(&prepared));
        if prepared.result.is_err() {
            failed.push(prepared.id.label());
        }
        comemo::evict(4);
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
