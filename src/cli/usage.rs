//! The command line in Chinese: clap's headings, help and errors (an unknown argument, a missing
//! value) are English, so the definition is given Chinese headings and every error is rebuilt from
//! its kind and context — never from its English text.

use clap::error::{ContextKind, ContextValue, ErrorKind};

use super::{Cli, HELP_TEMPLATE};
use crate::diag::Problem;
use crate::model::{Date, Engine};

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

pub(super) fn parse_engine(s: &str) -> Result<Engine, String> {
    Engine::parse(s).ok_or_else(|| {
        format!(
            "排版引擎「{s}」不存在：可用的是 embedded（内置的 Typst）和 typst-cli（本机的 typst {}，安装：{}）",
            crate::compile::TYPST_VERSION,
            crate::compile::typst_cli::install_command()
        )
    })
}

pub(super) fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).ok_or_else(|| {
        format!(
            "日期「{s}」无效：写成 2022-05-06 或 2022年5月6日 这样的形式，并且必须是真实存在的日期"
        )
    })
}

pub(super) fn parse_number(s: &str) -> Result<u32, String> {
    match s.trim().parse::<u32>() {
        Ok(n) if (1..=crate::project::MAX_ISSUE).contains(&n) => Ok(n),
        _ => Err(format!(
            "期号「{s}」无效：写 1–{} 的数字，例如 036 或 36",
            crate::project::MAX_ISSUE
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::super::Command;
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
