//! One short file per subcommand: each calls the library and prints what happened. Output to
//! stdout goes through [`out`], problems to stderr through [`print_problems`].

pub mod archive;
pub mod build;
pub mod check;
pub mod import;
pub mod new;
pub mod volume;
pub mod watch;

use std::path::Path;

use crate::compile::FontRole;
use crate::diag::{Problem, color_stderr};

/// Writes to stdout; when stdout is closed (`bulletin check | head -1`) the program ends quietly
/// as other command-line tools do, instead of panicking on the broken pipe as `println!` would.
pub fn out(text: std::fmt::Arguments) {
    use std::io::Write;
    if std::io::stdout().write_fmt(text).is_err() {
        std::process::exit(0);
    }
}

/// `println!` through [`out`].
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::cmd::out(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// Prints problems (warnings, or the problems of an issue that failed) to stderr.
pub fn print_problems(problems: &[Problem]) {
    let color = color_stderr();
    for problem in problems {
        eprintln!("{}", problem.render(color));
    }
}

/// Completes or removes what a killed run left behind (see `tidy::clean_up`) and says so.
pub fn tidy(project: &crate::project::Project) {
    for note in crate::tidy::clean_up(project) {
        eprintln!("说明：{note}");
    }
}

/// `path` as the user sees it: relative to the current folder where possible.
pub fn show(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    path.strip_prefix(&cwd)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// One line naming the face each font role resolved to (R40).
pub fn font_report(roles: &[FontRole]) -> String {
    let parts: Vec<String> = (roles.iter())
        .map(|role| match &role.resolved {
            Some(face) if role.substitute => format!("{} {face}（随附的替代字体）", role.name),
            Some(face) => format!("{} {face}", role.name),
            None => format!("{} 无可用字体", role.name),
        })
        .collect();
    format!("字体：{}", parts.join("，"))
}

/// Left-aligned columns, measured in terminal cells (a Chinese character takes two).
pub fn table(rows: &[Vec<String>]) -> String {
    use unicode_width::UnicodeWidthStr;
    let columns = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().map(|r| r[c].width()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (cell, width) in row.iter().zip(&widths) {
            line.push_str(cell);
            line.push_str(&" ".repeat(width - cell.width() + 2));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The message when content/ has no issue yet.
pub fn no_issues(what: &str) -> String {
    format!(
        "content 文件夹里还没有任何一期，没有要{what}的内容。\n  = 提示：运行 cargo run --release -- new 新建一期。"
    )
}
