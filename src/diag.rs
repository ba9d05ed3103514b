//! Problems an editor can cause, located in a file (line and column where known), in Chinese, with a
//! hint. A build collects all of them and fails once with the whole list.
//!
//! A located problem prints like a compiler diagnostic: the line `file:line:column: 错误：message`,
//! then the offending source line with its number and carets under the key or value (drawn by
//! `annotate-snippets`, which measures CJK characters as two columns wide), then the hint.
//!
//! ```text
//! content/099/issue.yaml:4:5: 错误：不认识的键「titel」
//!   |
//! 4 |   - titel: 测试标题
//!   |     ^^^^^
//!   |
//!   = 提示：你是不是想写「title」？这里可以用的键：title、lead、sections、closing。
//! ```

use std::fmt;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use anstyle::{AnsiColor, Effects, Style};

/// How bad a problem is: an error stops the build, a warning is only reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file, relative to the project root where possible.
    pub file: PathBuf,
    /// 1-based line and column (in characters).
    pub position: Option<(usize, usize)>,
    /// What is wrong, in Chinese.
    pub message: String,
    /// How to fix it, in Chinese.
    pub hint: Option<String>,
    pub severity: Severity,
    /// The text of the line `position` names (without its line break), shown under the message.
    pub source_line: Option<String>,
    /// How many characters from the column on are underlined (at least one).
    pub length: usize,
}

impl Problem {
    /// An error in `file`.
    pub fn new(file: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Problem {
            file: file.as_ref().to_path_buf(),
            position: None,
            message: message.into(),
            hint: None,
            severity: Severity::Error,
            source_line: None,
            length: 1,
        }
    }

    /// A warning in `file`: reported, but the build goes on.
    pub fn warning(file: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Problem {
            severity: Severity::Warning,
            ..Problem::new(file, message)
        }
    }

    /// Locates the problem at 1-based `line` and `column` without showing the source line; see
    /// [`Problem::at_in`].
    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.position = Some((line, column));
        self
    }

    /// Locates the problem at 1-based `line` and `column` of `text`, the contents of the problem's
    /// file, and keeps that line to show it.
    pub fn at_in(mut self, text: &str, line: usize, column: usize) -> Self {
        self.position = Some((line, column));
        self.source_line = line
            .checked_sub(1)
            .and_then(|index| text.split('\n').nth(index))
            .map(|l| l.strip_suffix('\r').unwrap_or(l).to_string());
        self
    }

    /// Locates the problem at byte offset `offset` of `text`, the contents of the problem's file.
    pub fn at_offset(self, text: &str, offset: usize) -> Self {
        let (line, column) = line_column(text, offset);
        self.at_in(text, line, column)
    }

    /// Underlines `chars` characters from the column on instead of one.
    pub fn underline(mut self, chars: usize) -> Self {
        self.length = chars.max(1);
        self
    }

    /// Underlines the whole YAML token at the position instead of one character: a key (up to its
    /// `:`) if one starts there, otherwise the value up to the end of the line or a ` #` comment.
    pub fn underline_token(self) -> Self {
        let (Some((_, column)), Some(line)) = (self.position, &self.source_line) else {
            return self;
        };
        let rest: String = line.chars().skip(column.saturating_sub(1)).collect();
        let key_len = rest
            .find(':')
            .filter(|&colon| {
                let key = &rest[..colon];
                let after = &rest[colon + 1..];
                !key.is_empty()
                    && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    && (after.is_empty() || after.starts_with(' '))
            })
            .map(|colon| rest[..colon].chars().count());
        let value = rest.split(" #").next().unwrap_or_default().trim_end();
        self.underline(key_len.unwrap_or_else(|| value.chars().count()))
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The problem as printed; with `color`, in ANSI colours for a terminal.
    pub fn render(&self, color: bool) -> String {
        let (label, label_style, level) = match self.severity {
            Severity::Error => ("错误", ERROR_STYLE, Level::ERROR),
            Severity::Warning => ("警告", WARNING_STYLE, Level::WARNING),
        };
        let mut location = self.file.display().to_string();
        if let Some((line, column)) = self.position {
            location.push_str(&format!(":{line}:{column}"));
        }
        let mut out = if color {
            format!(
                "{BOLD}{location}:{BOLD:#} {label_style}{label}{label_style:#}{BOLD}：{}{BOLD:#}",
                self.message
            )
        } else {
            format!("{location}: {label}：{}", self.message)
        };
        match (self.position, &self.source_line) {
            (Some((line, column)), Some(text)) => {
                let start = text
                    .char_indices()
                    .nth(column.saturating_sub(1))
                    .map_or(text.len(), |(i, _)| i);
                let end = text[start..]
                    .char_indices()
                    .nth(self.length.max(1))
                    .map_or(text.len(), |(i, _)| start + i);
                let mut group = Group::with_level(level).element(
                    Snippet::source(text.as_str())
                        .line_start(line)
                        .annotation(AnnotationKind::Primary.span(start..end)),
                );
                if let Some(hint) = &self.hint {
                    group = group.element(Level::HELP.no_name().message(format!("提示：{hint}")));
                }
                let renderer = if color {
                    Renderer::styled()
                } else {
                    Renderer::plain()
                };
                out.push('\n');
                out.push_str(&renderer.render(&[group]));
            }
            _ => {
                if let Some(hint) = &self.hint {
                    out.push_str(&format!("\n  提示：{hint}"));
                }
            }
        }
        out
    }
}

const BOLD: Style = Style::new().effects(Effects::BOLD);
const ERROR_STYLE: Style = AnsiColor::BrightRed.on_default().effects(Effects::BOLD);
const WARNING_STYLE: Style = AnsiColor::Yellow.on_default().effects(Effects::BOLD);

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// Every problem found in one pass; the build stops with all of them at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    /// All problems as printed, and a count if there are several; with `color`, for a terminal.
    pub fn render(&self, color: bool) -> String {
        let mut out = self
            .0
            .iter()
            .map(|problem| problem.render(color))
            .collect::<Vec<_>>()
            .join("\n");
        if self.0.len() > 1 {
            out.push_str(&format!(
                "\n共 {} 处问题，请逐一修改后重新生成。",
                self.0.len()
            ));
        }
        out
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

impl std::error::Error for Problems {}

impl From<Problem> for Problems {
    fn from(problem: Problem) -> Self {
        Problems(vec![problem])
    }
}

/// A warning of a build: about the input, located like a problem, or from the Typst compiler
/// (about the templates, already rendered as text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    Input(Problem),
    Compiler(String),
}

impl Warning {
    pub fn render(&self, color: bool) -> String {
        match self {
            Warning::Input(problem) => problem.render(color),
            Warning::Compiler(text) => text.clone(),
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

impl From<Problem> for Warning {
    fn from(problem: Problem) -> Self {
        Warning::Input(problem)
    }
}

/// Whether diagnostics on stderr get colours: only on a terminal, and not when `NO_COLOR` is set.
pub fn color_stderr() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_lines_and_columns_in_characters() {
        let text = "a: 1\n标题: 长艺\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, text.find("长").unwrap()), (2, 5));
    }

    #[test]
    fn prints_file_position_message_and_hint() {
        let p = Problem::new("content/034/issue.yaml", "缺少字段")
            .at(3, 5)
            .hint("加上它");
        assert_eq!(
            p.to_string(),
            "content/034/issue.yaml:3:5: 错误：缺少字段\n  提示：加上它"
        );
    }

    #[test]
    fn shows_the_source_line_with_a_caret_under_the_column() {
        let text = "number: 99\narticles:\n  - titel: 标题\n";
        let p = Problem::new("issue.yaml", "不认识的键「titel」")
            .at_offset(text, text.find("titel").unwrap())
            .hint("改成 title。");
        assert_eq!(
            p.to_string(),
            "issue.yaml:3:5: 错误：不认识的键「titel」
  |
3 |   - titel: 标题
  |     ^
  |
  = 提示：改成 title。"
        );
    }

    #[test]
    fn the_caret_counts_chinese_characters_as_two_columns() {
        // Before the x: 「    - 」 (6 columns), 标题说明 (8) and ： (2), 16 columns in 11 characters.
        let text = "    - 标题说明：x\n";
        let shown = |offset| {
            let p = Problem::new("issue.yaml", "m").at_offset(text, offset);
            let lines: Vec<String> = p.to_string().lines().map(String::from).collect();
            assert_eq!(lines[2], "1 |     - 标题说明：x");
            lines[3].clone()
        };
        // The gutter 「  | 」 is 4 columns wide.
        assert_eq!(
            shown(text.find('x').unwrap()),
            format!("  |{}^", " ".repeat(1 + 16))
        );
        // A wide character itself is underlined across both of its columns.
        assert_eq!(
            shown(text.find('说').unwrap()),
            format!("  |{}^^", " ".repeat(1 + 10))
        );
    }

    #[test]
    fn a_key_or_a_value_is_underlined_whole() {
        let text = "  - titel: 测试标题\n    photo: photos/没有.jpg  # 注释\n    - [1, 2]\n";
        let caret = |offset: usize| {
            let p = Problem::new("f", "m")
                .at_offset(text, offset)
                .underline_token();
            let line = p.to_string().lines().nth(3).unwrap().to_string();
            line.trim_start_matches([' ', '|']).to_string()
        };
        assert_eq!(caret(text.find("titel").unwrap()), "^^^^^");
        assert_eq!(caret(text.find("测试").unwrap()), "^^^^^^^^");
        // photos/没有.jpg: 11 narrow characters and 2 wide ones; the comment is left out.
        assert_eq!(caret(text.find("photos/").unwrap()), "^".repeat(15));
        assert_eq!(caret(text.find("- [").unwrap()), "^^^^^^^^");
    }

    #[test]
    fn a_warning_is_labelled_as_such_and_colours_only_when_asked() {
        let text = "a: b\n";
        let p = Problem::warning("issue.yaml", "注意").at_offset(text, 3);
        let plain = p.render(false);
        assert!(plain.starts_with("issue.yaml:1:4: 警告：注意\n"), "{plain}");
        assert!(!plain.contains('\x1b'), "{plain:?}");
        assert!(p.render(true).contains('\x1b'));
    }

    #[test]
    fn a_position_past_the_end_of_its_line_still_shows_the_line() {
        let text = "title: 标题\n";
        let p = Problem::new("issue.yaml", "m").at_in(text, 1, 10);
        assert_eq!(
            p.to_string(),
            format!(
                "issue.yaml:1:10: 错误：m\n  |\n1 | title: 标题\n  |{}^",
                " ".repeat(1 + 11)
            )
        );
    }
}
