//! Command-line interface: the clap types (help texts in Chinese), Chinese messages for clap's own
//! errors, and the dispatch to one function per subcommand in [`crate::cmd`].

use std::path::PathBuf;

use anyhow::Result;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{ArgAction, Args, Parser, Subcommand};

use crate::clock;
use crate::cmd;
use crate::compile::{FontSources, PdfSettings};
use crate::config::Config;
use crate::diag::Problem;
use crate::model::{Date, Engine};
use crate::project::Project;

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

/// Parses the command line; clap's own errors (an unknown argument, a missing value) come back
/// as Chinese problems, help and version as text to print.
pub fn parse(args: impl IntoIterator<Item = std::ffi::OsString>) -> Result<Cli, Parsed> {
    let matches = command().try_get_matches_from(args);
    matches
        .and_then(|m| <Cli as clap::FromArgMatches>::from_arg_matches(&m))
        .map_err(|err| match err.kind() {
            ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => Parsed::Info(err.to_string()),
            _ => Parsed::Error(Box::new(usage_problem(&err))),
        })
}

/// The command definition with Chinese headings on every subcommand too (clap's own are English).
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    let chinese = |command: clap::Command| {
        command.help_template(HELP_TEMPLATE).mut_args(|arg| {
            if arg.is_positional() {
                arg.help_heading("参数")
            } else if arg.get_help_heading().is_none() {
                arg.help_heading("选项")
            } else {
                arg
            }
        })
    };
    chinese(Cli::command()).mut_subcommands(chinese)
}

/// What parsing gave besides a command to run.
pub enum Parsed {
    /// Help or version text (exit code 0).
    Info(String),
    /// A mistake on the command line (exit code 2).
    Error(Box<Problem>),
}

/// A clap error in Chinese, from its kind and context (never from its English text).
fn usage_problem(err: &clap::Error) -> Problem {
    let context = |kind: ContextKind| -> Option<String> {
        match err.get(kind)? {
            ContextValue::String(s) => Some(s.clone()),
            ContextValue::Strings(list) => Some(list.join("、")),
            ContextValue::StyledStr(s) => Some(s.to_string()),
            ContextValue::StyledStrs(list) => Some(
                list.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("、"),
            ),
            ContextValue::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let invalid = context(ContextKind::InvalidArg).unwrap_or_default();
    let value = context(ContextKind::InvalidValue).unwrap_or_default();
    let suggestion = context(ContextKind::SuggestedArg)
        .or_else(|| context(ContextKind::SuggestedSubcommand))
        .map(|s| format!("你是不是想写「{s}」？"))
        .unwrap_or_default();
    let help = "运行 bulletin --help 查看全部命令，bulletin <命令> --help 查看一个命令的选项。";
    let problem = match err.kind() {
        ErrorKind::InvalidSubcommand => {
            let name = context(ContextKind::InvalidSubcommand).unwrap_or_default();
            Problem::error(format!("没有「{name}」这个命令"))
        }
        ErrorKind::UnknownArgument => Problem::error(format!("不认识的参数「{invalid}」")),
        ErrorKind::MissingRequiredArgument => Problem::error(format!("缺少参数：{invalid}")),
        ErrorKind::MissingSubcommand => Problem::error("缺少命令，例如 build、check、new"),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            // Our value parsers explain themselves in Chinese.
            let reason = std::error::Error::source(err)
                .map(|e| e.to_string())
                .unwrap_or_else(|| format!("「{value}」不是 {invalid} 可以用的值"));
            Problem::error(reason)
        }
        ErrorKind::ArgumentConflict => {
            let other = context(ContextKind::PriorArg).unwrap_or_default();
            Problem::error(format!("参数 {invalid} 和 {other} 不能同时使用"))
        }
        ErrorKind::TooManyValues => {
            Problem::error(format!("参数 {invalid} 写了太多次或太多值（{value}）"))
        }
        ErrorKind::NoEquals | ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            Problem::error(format!("参数 {invalid} 后面要写一个值"))
        }
        _ => Problem::error("命令行的写法不对"),
    };
    let problem = match suggestion.is_empty() {
        true => problem,
        false => problem.hint(suggestion),
    };
    problem.hint(help)
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

fn parse_engine(s: &str) -> Result<Engine, String> {
    Engine::parse(s).ok_or_else(|| {
        format!(
            "排版引擎「{s}」不存在：可用的是 embedded（内置的 Typst）和 typst-cli（本机的 typst {}，安装：{}）",
            crate::compile::TYPST_VERSION,
            crate::compile::typst_cli::install_command()
        )
    })
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).ok_or_else(|| {
        format!(
            "日期「{s}」无效：写成 2022-05-06 或 2022年5月6日 这样的形式，并且必须是真实存在的日期"
        )
    })
}

fn parse_number(s: &str) -> Result<u32, String> {
    match s.trim().parse::<u32>() {
        Ok(n) if (1..1000).contains(&n) => Ok(n),
        _ => Err(format!("期号「{s}」无效：写 1–999 的数字，例如 036 或 36")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(args: &[&str]) -> Result<Cli, Parsed> {
        parse(args.iter().map(std::ffi::OsString::from))
    }

    fn error(args: &[&str]) -> Problem {
        match parsed(args) {
            Err(Parsed::Error(problem)) => *problem,
            _ => panic!("{args:?} should be refused"),
        }
    }

    #[test]
    fn command_line_definition_is_consistent() {
        command().debug_assert();
    }

    #[test]
    fn build_takes_an_issue_or_all_check_an_optional_issue_and_new_a_number_and_a_date() {
        let cli = parsed(&["bulletin", "build", "--all"]).ok().unwrap();
        assert!(matches!(
            cli.command,
            Command::Build {
                issue: None,
                all: true,
                ..
            }
        ));
        let cli = parsed(&["bulletin", "check"]).ok().unwrap();
        assert!(matches!(cli.command, Command::Check { issue: None, .. }));
        let cli = parsed(&["bulletin", "new", "036", "--date", "2022年5月6日"])
            .ok()
            .unwrap();
        assert!(matches!(
            cli.command,
            Command::New { number: Some(36), date: Some(d), .. } if d.to_string() == "2022-05-06"
        ));
        let cli = parsed(&["bulletin", "new", "--number", "36"]).ok().unwrap();
        assert!(matches!(
            cli.command,
            Command::New {
                number_option: Some(36),
                ..
            }
        ));
    }

    #[test]
    fn mistakes_on_the_command_line_are_explained_in_chinese() {
        let p = error(&["bulletin", "new", "--date", "2022-02-30"]);
        assert!(p.message.starts_with("日期「2022-02-30」无效"), "{p}");
        let p = error(&["bulletin", "biuld", "034"]);
        assert_eq!(p.message, "没有「biuld」这个命令");
        assert!(p.hints[0].contains("build"), "{p}");
        let p = error(&["bulletin", "build", "034", "--no-sytem-fonts"]);
        assert_eq!(p.message, "不认识的参数「--no-sytem-fonts」");
        let p = error(&["bulletin", "watch"]);
        assert!(p.message.starts_with("缺少参数"), "{p}");
        assert!(!p.to_string().contains("error:"), "{p}");
    }

    #[test]
    fn help_is_in_chinese() {
        let Err(Parsed::Info(help)) = parsed(&["bulletin", "--help"]) else {
            panic!()
        };
        assert!(help.contains("用法：bulletin <命令> [选项]"), "{help}");
        assert!(help.contains("命令:"), "{help}");
        assert!(help.contains("显示帮助"), "{help}");
        for english in ["Usage", "Commands", "Options", "Print help"] {
            assert!(!help.contains(english), "{english} in\n{help}");
        }
        let Err(Parsed::Info(help)) = parsed(&["bulletin", "build", "--help"]) else {
            panic!()
        };
        assert!(help.contains("期号"), "{help}");
        assert!(
            !help.contains("Usage") && !help.contains("Options"),
            "{help}"
        );
    }
}
