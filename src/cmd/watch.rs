//! `bulletin watch 034`: build, then rebuild on every change until Ctrl-C; one status line per
//! build, the problems of a failed build below it. The last good PDF stays while the issue has
//! errors.

use anyhow::Result;

use super::{font_report, print_problems};
use crate::clock;
use crate::config::Config;
use crate::diag::{Problem, color_stderr, render_error};
use crate::pipeline::Pipeline;
use crate::project::{IssueId, Project};
use crate::say;
use crate::watch;

pub fn run(project: Project, issue: &str, config: Config) -> Result<()> {
    let dir = project.resolve_issue(issue)?;
    super::tidy(&project);
    let label = IssueId::of_dir(&dir).label();
    let mut pipeline = Pipeline::new(project, config)?;
    say!("{}", font_report(&pipeline.check_fonts()?));
    print_problems(&pipeline.font_warnings());
    let stop = watch::Stop::new();
    let on_signal = stop.clone();
    ctrlc::set_handler(move || on_signal.stop())
        .map_err(|e| Problem::error("无法处理 Ctrl-C").cause(e).into_error())?;
    say!(
        "正在监视{label}（这一期的文件夹、content/bulletin.yaml、templates/、assets/），改动后自动重新生成；按 Ctrl-C 结束。"
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
                    "[{at}] {label}{verb}（{} 页，{seconds:.2} 秒）",
                    built.pages
                );
                print_problems(&built.warnings);
            }
            Err(err) => {
                say!("[{at}] {label}有错误，PDF 保持上一次成功生成的样子（{seconds:.2} 秒）");
                eprintln!("{}", render_error(err, color));
            }
        }
    })?;
    say!("已停止监视。");
    Ok(())
}
