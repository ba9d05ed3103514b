//! Command-line interface: clap types and the dispatch to one function per subcommand.

use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand};

use crate::compile::FontSources;
use crate::pipeline::Pipeline;
use crate::project::Project;

/// 《长艺党建》排版工具：把 content/ 中的 YAML 生成 PDF、Typst 和 Markdown。
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
    /// 生成一期：output/<期号>/第<期号>期.pdf、.typ、.md
    Build {
        /// 期号或文件夹，例如 034、34 或 content/034
        issue: String,
        /// 只用项目自带的字体（assets/fonts），不用本机安装的字体；各台电脑结果一致。
        #[arg(long)]
        no_system_fonts: bool,
    },
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    let start = cli.root.clone().unwrap_or_else(|| PathBuf::from("."));
    let project = Project::find(&start)?;
    match cli.command {
        Command::Build {
            issue,
            no_system_fonts,
        } => build(project, &issue, no_system_fonts),
    }
}

fn build(project: Project, issue: &str, no_system_fonts: bool) -> Result<()> {
    let sources = if no_system_fonts {
        FontSources::ShippedOnly
    } else {
        FontSources::ShippedAndSystem
    };
    let dir = project.resolve_issue(issue)?;
    let started = std::time::Instant::now();
    let mut pipeline = Pipeline::new(project, sources)?;
    let built = pipeline.build(&dir)?;
    for warning in &built.warnings {
        eprintln!("{warning}");
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let show = |p: &std::path::Path| p.strip_prefix(&cwd).unwrap_or(p).display().to_string();
    println!(
        "已生成（{} 页，用时 {:.1} 秒）：",
        built.pages,
        started.elapsed().as_secs_f64()
    );
    println!("  {}", show(&built.paths.pdf));
    println!("  {}", show(&built.paths.typst));
    println!("  {}", show(&built.paths.markdown));
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn command_line_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
