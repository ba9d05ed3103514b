//! One diagnostic for everything the tool reports: [`Problem`] (severity, place, message, hints,
//! causes), made one way and printed by one function, [`Problem::render`]. Problems in the input,
//! the compiler's diagnostics (kept as data until printed) and failures of the tool itself (a disk
//! that is full, a folder that cannot be written) all take this form, in Chinese.
//!
//! A located problem prints like a compiler diagnostic: `file:line:column: 错误：message`, the
//! offending source line with its number and carets under the key or value (drawn by
//! `annotate-snippets`, which measures CJK characters as two columns wide), then hints and causes.
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

use crate::source::{SourceFile, Span};

/// How bad a problem is: an error stops the build, a warning is only reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// Where in a file a problem is: 1-based line and column (in characters), the line's text, and how
/// many characters from the column on are underlined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
    pub column: usize,
    pub source_line: String,
    pub length: usize,
}

/// One thing to report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    /// What is wrong, in Chinese.
    pub message: String,
    /// The file, relative to the project root where possible.
    pub file: Option<PathBuf>,
    /// Boxed: problems travel in `Result`s, which stay small this way.
    pub location: Option<Box<Location>>,
    /// How to fix it, in Chinese.
    pub hints: Vec<String>,
    /// Why it happened, outermost first (e.g. the operating system's reason).
    pub causes: Vec<String>,
}

impl Problem {
    /// An error: the build stops.
    pub fn error(message: impl Into<String>) -> Self {
        Problem {
            severity: Severity::Error,
            message: message.into(),
            file: None,
            location: None,
            hints: Vec::new(),
            causes: Vec::new(),
        }
    }

    /// A warning: reported, but the build goes on.
    pub fn warning(message: impl Into<String>) -> Self {
        Problem {
            severity: Severity::Warning,
            ..Problem::error(message)
        }
    }

    /// About `file` as a whole.
    pub fn in_file(mut self, file: impl AsRef<Path>) -> Self {
        self.file = Some(file.as_ref().to_path_buf());
        self
    }

    /// At `span` of `file`: the characters of the span on its first line are underlined (at least
    /// one).
    pub fn at(mut self, file: &SourceFile, span: Span) -> Self {
        let (line, column) = file.line_column(span.start as usize);
        let source_line = file.line(line).to_string();
        let end = (span.end as usize).min(file.text.len());
        let within = file
            .text
            .get(span.start as usize..end)
            .unwrap_or("")
            .split('\n')
            .next()
            .unwrap_or("")
            .trim_end_matches('\r');
        self.file = Some(file.path.clone());
        self.location = Some(Box::new(Location {
            line,
            column,
            source_line,
            length: within.chars().count().max(1),
        }));
        self
    }

    /// At 1-based `line` and `column` (characters) of `file`, one character underlined. When the
    /// file's text does not reach that line (it could not be read), the place is still named.
    pub fn at_line(mut self, file: &SourceFile, line: usize, column: usize) -> Self {
        if file.line_column(file.text.len()).0 < line {
            self.file = Some(file.path.clone());
            self.location = Some(Box::new(Location {
                line,
                column,
                source_line: String::new(),
                length: 1,
            }));
            return self;
        }
        let offset = file.offset(line, column.saturating_sub(1));
        self.at(file, file.span(offset..offset))
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    pub fn cause(mut self, cause: impl fmt::Display) -> Self {
        self.causes.push(cause.to_string());
        self
    }

    /// The 1-based line, if located.
    pub fn line(&self) -> Option<usize> {
        self.location.as_ref().map(|l| l.line)
    }

    /// The 1-based column, if located.
    pub fn column(&self) -> Option<usize> {
        self.location.as_ref().map(|l| l.column)
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The problem as printed; with `color`, in ANSI colours for a terminal.
    pub fn render(&self, color: bool) -> String {
        let (label, label_style, level) = match self.severity {
            Severity::Error => ("错误", ERROR_STYLE, Level::ERROR),
            Severity::Warning => ("警告", WARNING_STYLE, Level::WARNING),
        };
        let mut head = String::new();
        if let Some(file) = &self.file {
            head.push_str(&file.display().to_string());
            if let Some(location) = &self.location {
                head.push_str(&format!(":{}:{}", location.line, location.column));
            }
            head.push(':');
        }
        let mut out = match (color, head.is_empty()) {
            (false, false) => format!("{head} {label}：{}", self.message),
            (false, true) => self.message.clone(),
            (true, false) => format!(
                "{BOLD}{head}{BOLD:#} {label_style}{label}{label_style:#}{BOLD}：{}{BOLD:#}",
                self.message
            ),
            (true, true) => format!("{BOLD}{}{BOLD:#}", self.message),
        };
        let notes = (self.hints.iter().map(|h| format!("提示：{h}")))
            .chain(self.causes.iter().map(|c| format!("原因：{c}")));
        match self.location.as_ref().filter(|l| !l.source_line.is_empty()) {
            Some(location) => {
                let text = location.source_line.as_str();
                let start = text
                    .char_indices()
                    .nth(location.column.saturating_sub(1))
                    .map_or(text.len(), |(i, _)| i);
                let end = text[start..]
                    .char_indices()
                    .nth(location.length.max(1))
                    .map_or(text.len(), |(i, _)| start + i);
                let mut group = Group::with_level(level).element(
                    Snippet::source(text)
                        .line_start(location.line)
                        .annotation(AnnotationKind::Primary.span(start..end)),
                );
                for note in notes {
                    group = group.element(Level::HELP.no_name().message(note));
                }
                let renderer = if color {
                    Renderer::styled()
                } else {
                    Renderer::plain()
                };
                out.push('\n');
                out.push_str(&renderer.render(&[group]));
            }
            None => {
                for note in notes {
                    out.push_str(&format!("\n  = {note}"));
                }
            }
        }
        out
    }

    /// This problem as an error value (for `?` in functions returning `anyhow::Result`).
    pub fn into_error(self) -> anyhow::Error {
        anyhow::Error::new(Problems::from(self))
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
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    /// All problems as printed, and a count if there are several errors; with `color`, for a
    /// terminal.
    pub fn render(&self, color: bool) -> String {
        let mut out = (self.0.iter())
            .map(|problem| problem.render(color))
            .collect::<Vec<_>>()
            .join("\n");
        // Places to fix: a problem about the whole (a failed template's headline) is not one.
        let errors = (self.0.iter())
            .filter(|p| p.is_error() && (p.location.is_some() || p.file.is_some()))
            .count();
        if errors > 1 {
            out.push_str(&format!("\n共 {errors} 处问题，请逐一修改后重新生成。"));
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
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

impl From<Vec<Problem>> for Problems {
    fn from(problems: Vec<Problem>) -> Self {
        Problems(problems)
    }
}

/// An error as printed: problems where the error carries them; otherwise its message with the
/// chain of causes below it. The one printer for everything that fails.
pub fn render_error(err: &anyhow::Error, color: bool) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut plain: Option<Problem> = None;
    for cause in err.chain() {
        if let Some(problems) = cause.downcast_ref::<Problems>() {
            if let Some(problem) = plain.take() {
                out.push(problem.render(color));
            }
            out.push(problems.render(color));
            continue;
        }
        match &mut plain {
            None if out.is_empty() => plain = Some(Problem::error(cause.to_string())),
            None => out.push(Problem::error(cause.to_string()).render(color)),
            Some(problem) => problem.causes.push(cause.to_string()),
        }
    }
    if let Some(problem) = plain {
        out.push(problem.render(color));
    }
    out.join("\n")
}

/// Whether diagnostics on stderr get colours: only on a terminal, and not when `NO_COLOR` is set.
pub fn color_stderr() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn file(text: &str) -> SourceFile {
        SourceFile::new(FileId(0), "issue.yaml", text)
    }

    #[test]
    fn prints_file_message_and_hint_when_not_located() {
        let p = Problem::error("缺少字段")
            .in_file("content/034/issue.yaml")
            .hint("加上它");
        assert_eq!(
            p.to_string(),
            "content/034/issue.yaml: 错误：缺少字段\n  = 提示：加上它"
        );
        let bare = Problem::error("检查没有通过")
            .hint("逐一修改")
            .cause("磁盘已满");
        assert_eq!(
            bare.to_string(),
            "检查没有通过\n  = 提示：逐一修改\n  = 原因：磁盘已满"
        );
    }

    #[test]
    fn shows_the_source_line_with_carets_under_the_span() {
        let f = file("number: 99\narticles:\n  - titel: 标题\n");
        let at = f.text.find("titel").unwrap();
        let p = Problem::error("不认识的键「titel」")
            .at(&f, f.span(at..at + 5))
            .hint("改成 title。");
        assert_eq!(
            p.to_string(),
            "issue.yaml:3:5: 错误：不认识的键「titel」
  |
3 |   - titel: 标题
  |     ^^^^^
  |
  = 提示：改成 title。"
        );
    }

    #[test]
    fn the_caret_counts_chinese_characters_as_two_columns() {
        // Before the x: 「    - 」 (6 columns), 标题说明 (8) and ： (2), 16 columns in 11 characters.
        let f = file("    - 标题说明：x\n");
        let shown = |offset: usize, len: usize| {
            let p = Problem::error("m").at(&f, f.span(offset..offset + len));
            let lines: Vec<String> = p.to_string().lines().map(String::from).collect();
            assert_eq!(lines[2], "1 |     - 标题说明：x");
            lines[3].clone()
        };
        // The gutter 「  | 」 is 4 columns wide.
        assert_eq!(
            shown(f.text.find('x').unwrap(), 1),
            format!("  |{}^", " ".repeat(1 + 16))
        );
        // A wide character itself is underlined across both of its columns.
        assert_eq!(
            shown(f.text.find('说').unwrap(), 3),
            format!("  |{}^^", " ".repeat(1 + 10))
        );
    }

    #[test]
    fn a_warning_is_labelled_as_such_and_colours_only_when_asked() {
        let f = file("a: b\n");
        let p = Problem::warning("注意").at(&f, f.span(3..4));
        let plain = p.render(false);
        assert!(plain.starts_with("issue.yaml:1:4: 警告：注意\n"), "{plain}");
        assert!(!plain.contains('\x1b'), "{plain:?}");
        assert!(p.render(true).contains('\x1b'));
    }

    #[test]
    fn an_error_chain_prints_its_message_then_its_causes_and_problems_in_place() {
        let io = std::io::Error::other("No space left on device");
        let err = anyhow::Error::new(io).context("无法保存 output/034/第034期.pdf");
        assert_eq!(
            render_error(&err, false),
            "无法保存 output/034/第034期.pdf\n  = 原因：No space left on device"
        );
        let problems = Problems::from(Problem::error("缺少字段").in_file("f.yaml"));
        let err = anyhow::Error::new(problems).context("第034期生成失败");
        assert_eq!(
            render_error(&err, false),
            "第034期生成失败\nf.yaml: 错误：缺少字段"
        );
    }
}
