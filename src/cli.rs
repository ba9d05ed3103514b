//! Command-line interface: the clap types (help texts in Chinese; headings and clap's own errors
//! in [`usage`]) and the dispatch to one function per subcommand in [`crate::cmd`].

use std::path::PathBuf;

use anyhow::Result;
use clap::{ArgAction, Args, Parser, Subcommand};

use crate::clock;
use crate::cmd;
use crate::compile::{FontSources, PdfSettings};
use crate::config::Config;
use crate::diag::Problem;
use crate::model::{Date, Engine};
use crate::project::Project;

mod usage;

pub use usage::{Parsed, command, parse};
use usage::{parse_date, parse_engine, parse_number};

const HELP_TEMPLATE: &str = "{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

/// 《长艺党建》排版工具：把 content/ 中的 YAML 生成 PDF、Typst 和 Markdown。
#[derive(Debug, Parser)]
#[command(
    name = "bulletin",
    version,
    about = "《长艺党建》排版工具：把 content/ 中的 YAML 生成 PDF、Typst 和 Markdown",
    long_about = None,
    help_template = HELP_TEMPLATE,
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    subcommand_help_heading = "命令",
    next_help_heading = "选项",
    override_usage = "bulletin <命令> [选项]",
    after_help = "每个命令的说明：bulletin <命令> --help，例如 bulletin build --help。"
)]
pub struct Cli {
    /// 项目文件夹（含 content/bulletin.yaml）；默认从当前文件夹向上查找
    #[arg(long, global = true, value_name = "文件夹")]
    pub root: Option<PathBuf>,

    /// 显示帮助
    #[arg(short, long, global = true, action = ArgAction::Help)]
    help: Option<bool>,

    /// 显示版本
    #[arg(short = 'V', long, action = ArgAction::Version)]
    version: Option<bool>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
#[command(help_template = HELP_TEMPLATE, next_help_heading = "选项")]
pub enum Command {
    /// 生成一期：output/<期号>/第<期号>期.pdf、.typ、.md；加 --all 生成每一期
    #[command(override_usage = "bulletin build <期号> [选项]\n      bulletin build --all [选项]")]
    Build {
        /// 期号或文件夹，例如 034、34 或 content/034
        #[arg(
            required_unless_present = "all",
            conflicts_with = "all",
            value_name = "期号"
        )]
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
    #[command(override_usage = "bulletin watch <期号> [选项]")]
    Watch {
        /// 期号或文件夹，例如 034、34 或 content/034
        #[arg(value_name = "期号")]
        issue: String,
        #[command(flatten)]
        fonts: FontArgs,
    },
    /// 检查一期或每一期：和生成时一样读入、核对、排版，报告全部错误和警告，但不写任何文件
    #[command(override_usage = "bulletin check [期号] [选项]")]
    Check {
        /// 期号或文件夹，例如 034、34 或 content/034；不写就检查 content/ 下的每一期
        #[arg(value_name = "期号")]
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
    #[command(override_usage = "bulletin archive <期号> [选项]")]
    Archive {
        /// 期号或文件夹，例如 034、34 或 content/034
        #[arg(value_name = "期号")]
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
    #[command(override_usage = "bulletin verify [期号]")]
    Verify {
        /// 期号，例如 034；不写就检查全部归档
        #[arg(value_name = "期号")]
        issue: Option<String>,
    },
    /// 合订本：把某一年的各期按期号合成一个 PDF（封面、目录、连续页码），写到 output/volume/<年份>年合订本.pdf
    #[command(override_usage = "bulletin volume <年份> [选项]")]
    Volume {
        /// 年份，例如 2022（按各期 issue.yaml 的 date 归入年份）
        #[arg(value_name = "年份")]
        year: i32,
        #[command(flatten)]
        fonts: FontArgs,
    },
    /// 新建一期：content/<期号>/issue.yaml（带说明、可直接生成的模板）和空的 photos/ 文件夹；不写期号就用下一个期号
    #[command(override_usage = "bulletin new [期号] [--date 日期]")]
    New {
        /// 期号，例如 036 或 36；不写就用已有的最大期号加一
        #[arg(value_name = "期号", value_parser = parse_number)]
        number: Option<u32>,
        /// 期号（同上，另一种写法）
        #[arg(long = "number", value_name = "期号", value_parser = parse_number, conflicts_with = "number")]
        number_option: Option<u32>,
        /// 出刊日期，例如 2022-05-06 或 2022年5月6日；不写就用今天（北京时间）
        #[arg(long, value_name = "日期", value_parser = parse_date)]
        date: Option<Date>,
    },
    /// 导入草稿：把 Word 文档（.docx）、纯文字（.txt）或 Markdown（.md）整理成新的一期 content/<期号>/（issue.yaml 和照片）
    #[command(override_usage = "bulletin import <草稿文件> [--number 期号] [--date 日期]")]
    Import {
        /// 草稿文件：.docx、.txt 或 .md；写 - 就把文字粘贴进来（粘贴完按 Ctrl-D，Windows 上按 Ctrl-Z 再按回车）
        #[arg(value_name = "草稿文件")]
        file: String,
        /// 期号，例如 036；不写就用草稿版头的期号，草稿里没有就用下一个期号
        #[arg(long, value_name = "期号", value_parser = parse_number)]
        number: Option<u32>,
        /// 出刊日期，例如 2022-07-05 或 2022年7月5日；不写就用草稿里的日期，草稿里没有就用今天
        #[arg(long, value_name = "日期", value_parser = parse_date)]
        date: Option<Date>,
    },
}

/// Which fonts a build may use.
#[derive(Debug, Clone, Copy, Default, Args)]
pub struct FontArgs {
    /// 只用项目自带的字体（assets/fonts），不用本机安装的字体；各台电脑结果一致
    #[arg(long)]
    pub no_system_fonts: bool,
}

/// Which Typst makes the PDF (overrides `engine:` of content/bulletin.yaml).
#[derive(Debug, Clone, Default, Args)]
pub struct EngineArgs {
    /// 排版引擎：embedded（内置的 Typst，默认）或 typst-cli（本机的 typst 程序，须与内置版本相同）；不写就用 content/bulletin.yaml 中的 engine
    #[arg(long, value_name = "引擎", value_parser = parse_engine)]
    pub engine: Option<Engine>,
    /// typst 程序的路径（用于 typst-cli 引擎；不写就用 PATH 中的 typst）；写了它而没写 --engine 时用 typst-cli
    #[arg(long, value_name = "路径")]
    pub typst: Option<PathBuf>,
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    let start = cli.root.clone().unwrap_or_else(|| PathBuf::from("."));
    let project = Project::find(&start)?;
    match cli.command {
        Command::Build {
            issue,
            all,
            fonts,
            strict_fonts,
            engine,
        } => {
            let config = Config {
                strict_fonts,
                ..config(fonts, engine)?
            };
            match (all, issue) {
                (false, Some(issue)) => cmd::build::one(project, &issue, config),
                _ => cmd::build::all(project, config),
            }
        }
        Command::Watch { issue, fonts } => {
            cmd::watch::run(project, &issue, config(fonts, EngineArgs::default())?)
        }
        Command::Check {
            issue,
            fonts,
            strict_fonts,
            engine,
        } => {
            let mut config = Config {
                strict_fonts,
                ..config(fonts, engine)?
            };
            // Checking needs the laid-out pages (overflow, missing glyphs), not the PDF.
            config.pdf.layout_only = true;
            cmd::check::run(project, issue.as_deref(), config)
        }
        Command::Archive {
            issue,
            supersede,
            fonts,
            archived_at,
            engine,
        } => {
            let request = crate::archive::Request {
                supersede,
                archived_at: archived_at.unwrap_or_else(clock::now_utc),
            };
            cmd::archive::archive(project, &issue, config(fonts, engine)?, &request)
        }
        Command::Verify { issue } => cmd::archive::verify(&project, issue.as_deref()),
        Command::Volume { year, fonts } => {
            cmd::volume::run(project, year, config(fonts, EngineArgs::default())?)
        }
        Command::New {
            number,
            number_option,
            date,
        } => cmd::new::run(&project, number.or(number_option), date),
        Command::Import { file, number, date } => cmd::import::run(&project, &file, number, date),
    }
}

/// The build configuration the command line asks for; `SOURCE_DATE_EPOCH` sets the PDF's date.
fn config(fonts: FontArgs, engine: EngineArgs) -> Result<Config> {
    let engine_choice = match (engine.engine, &engine.typst) {
        (Some(Engine::Embedded), Some(path)) => {
            return Err(Problem::error(format!(
                "--typst {} 只用于 typst-cli 引擎，而 --engine 写的是 embedded",
                path.display()
            ))
            .hint("去掉 --typst，或改为 --engine typst-cli。")
            .into_error());
        }
        (None, Some(_)) => Some(Engine::TypstCli),
        (choice, _) => choice,
    };
    Ok(Config {
        fonts: if fonts.no_system_fonts {
            FontSources::ShippedOnly
        } else {
            FontSources::ShippedAndSystem
        },
        strict_fonts: false,
        engine: engine_choice,
        typst: engine.typst,
        pdf: PdfSettings {
            created: clock::source_date_epoch()?,
            ..PdfSettings::default()
        },
        progress: std::io::IsTerminal::is_terminal(&std::io::stderr()),
    })
}
