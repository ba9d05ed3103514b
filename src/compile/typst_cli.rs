//! The `typst-cli` engine: the generated source is exported to PDF by the `typst` program (on PATH or
//! at `--typst PATH`) instead of the embedded compiler, with the same root, fonts, creation date,
//! `sys.inputs` and PDF standard. Its diagnostics are read back from stderr and given the form of the
//! embedded compiler's (`file:line:column: 错误（Typst）：…`).
//!
//! The program must be exactly [`super::TYPST_VERSION`], the embedded compiler's version, so that
//! both engines lay out the same pages.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result};

use super::{CompileError, TYPST_VERSION};
use crate::diag::Problem;
use crate::source::{FileId, SourceFile};

/// The command that installs the matching typst-cli.
pub fn install_command() -> String {
    format!("cargo install typst-cli --locked --version {TYPST_VERSION}")
}

/// A `typst` program whose version has been checked.
#[derive(Debug, Clone)]
pub struct TypstCli {
    program: PathBuf,
}

/// One export by typst-cli: everything that decides the bytes of the PDF.
#[derive(Debug, Clone)]
pub struct Export<'a> {
    /// The project folder, given as `--root` and used as the working directory.
    pub root: &'a Path,
    /// The generated source, fed on stdin (so nothing is written before the build succeeds).
    pub source: &'a str,
    /// The path the diagnostics name in place of typst-cli's `<stdin>` (the generated source).
    pub source_name: &'a Path,
    /// The shipped fonts (`--font-path`).
    pub font_dir: &'a Path,
    /// Whether the machine's fonts may be used too (otherwise `--ignore-system-fonts`).
    pub system_fonts: bool,
    /// `--creation-timestamp`, seconds since 1970-01-01 UTC.
    pub created: i64,
    /// `--input key=value` pairs (`sys.inputs`).
    pub inputs: &'a [(&'a str, &'a str)],
    /// PDF/A-2b (`--pdf-standard a-2b`).
    pub archival: bool,
}

impl TypstCli {
    /// Finds `program` (or `typst` on PATH) and checks that it reports [`TYPST_VERSION`].
    pub fn locate(program: Option<&Path>) -> Result<TypstCli> {
        let explicit = program.is_some();
        let mut program = program.map_or_else(|| PathBuf::from("typst"), Path::to_path_buf);
        // A relative path means one from the current folder, also when typst runs in the project's.
        if program.components().count() > 1 {
            program = std::path::absolute(&program).unwrap_or(program);
        }
        let shown = program.display().to_string();
        let install = install_command();
        let output = match Command::new(&program).arg("--version").output() {
            Ok(output) => output,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                let place = if explicit {
                    format!("没有找到 --typst 指定的程序 {shown}")
                } else {
                    "没有找到 typst 命令（PATH 中没有 typst）".to_string()
                };
                return Err(Problem::error(format!(
                    "{place}；排版引擎 typst-cli 需要 typst {TYPST_VERSION}（与内置的 Typst 同一版本）"
                ))
                .hint(format!("运行 {install} 安装；已安装在别处时用 --typst 指定它的路径。"))
                .hint("或者改用内置引擎：去掉 --engine typst-cli，或把 content/bulletin.yaml 中的 engine 改为 embedded。")
                .into_error());
            }
            Err(err) => {
                return Err(Problem::error(format!("无法运行 {shown} --version"))
                    .hint(format!(
                        "检查它是否是可执行的 typst 程序，或运行 {install} 重新安装。"
                    ))
                    .cause(err)
                    .into_error());
            }
        };
        let stdout = String::from_utf8_lossy(&output.stdout);
        let found = version_of(&stdout);
        if !output.status.success() || found != Some(TYPST_VERSION) {
            let found = match found {
                Some(version) => format!("版本是 {version}"),
                None => format!(
                    "不是可识别的 typst 程序（--version 输出「{}」）",
                    stdout.trim()
                ),
            };
            return Err(Problem::error(format!(
                "{shown} {found}，排版引擎 typst-cli 需要 typst {TYPST_VERSION}（与内置的 Typst 同一版本，两者排出的版面才一致）"
            ))
            .hint(format!(
                "运行 {install} 安装这一版本；已安装在别处时用 --typst 指定它的路径。"
            ))
            .into_error());
        }
        Ok(TypstCli { program })
    }

    /// The program that is run.
    pub fn program(&self) -> &Path {
        &self.program
    }

    /// The arguments of `typst compile` for `export`, writing the PDF to `pdf`.
    pub fn arguments(export: &Export, pdf: &Path) -> Vec<String> {
        let mut args: Vec<String> = vec![
            "--color".into(),
            "never".into(),
            "compile".into(),
            "-".into(),
            pdf.display().to_string(),
            "--format".into(),
            "pdf".into(),
            "--root".into(),
            export.root.display().to_string(),
            "--font-path".into(),
            export.font_dir.display().to_string(),
            // The embedded compiler knows only the shipped (and maybe the system's) fonts.
            "--ignore-embedded-fonts".into(),
            "--creation-timestamp".into(),
            export.created.to_string(),
            "--diagnostic-format".into(),
            "human".into(),
        ];
        if !export.system_fonts {
            args.push("--ignore-system-fonts".into());
        }
        for (key, value) in export.inputs {
            args.push("--input".into());
            args.push(format!("{key}={value}"));
        }
        if export.archival {
            args.push("--pdf-standard".into());
            args.push("a-2b".into());
        }
        args
    }

    /// Exports the source to PDF and returns its bytes. The PDF goes to a temporary file first;
    /// the caller writes it into place atomically, as with the embedded compiler.
    pub fn export(&self, export: &Export) -> Result<Vec<u8>, EngineError> {
        let dir = tempfile::tempdir()
            .context("无法创建临时文件夹")
            .map_err(EngineError::Other)?;
        let pdf = dir.path().join("out.pdf");
        let mut child = Command::new(&self.program)
            .args(Self::arguments(export, &pdf))
            .current_dir(export.root)
            // Only the arguments decide the output, not the caller's environment.
            .env_remove("SOURCE_DATE_EPOCH")
            .env_remove("TYPST_ROOT")
            .env_remove("TYPST_FONT_PATHS")
            .env_remove("TYPST_FEATURES")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("无法运行 {}", self.program.display()))
            .map_err(EngineError::Other)?;
        let mut stdin = child.stdin.take().expect("stdin is piped");
        let written = stdin.write_all(export.source.as_bytes());
        drop(stdin);
        let output = child
            .wait_with_output()
            .with_context(|| format!("{} 运行中断", self.program.display()))
            .map_err(EngineError::Other)?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() {
            let read = |path: &Path| -> Option<String> {
                if path == Path::new("<stdin>") {
                    return Some(export.source.to_string());
                }
                std::fs::read_to_string(export.root.join(path)).ok()
            };
            let problems = diagnostics(&stderr, export.source_name, "error", &read);
            if problems.is_empty() {
                return Err(EngineError::Other(
                    Problem::error(format!(
                        "{} 没有生成 PDF（{}）",
                        self.program.display(),
                        output.status
                    ))
                    .hint("确认它能正常运行；或者改用内置引擎（engine: embedded）。")
                    .cause(stderr.trim_end())
                    .into_error(),
                ));
            }
            return Err(EngineError::Typst(CompileError::Typst(problems)));
        }
        written
            .with_context(|| format!("无法把源文件交给 {}", self.program.display()))
            .map_err(EngineError::Other)?;
        std::fs::read(&pdf)
            .with_context(|| format!("{} 没有写出 PDF", self.program.display()))
            .map_err(EngineError::Other)
    }
}

/// Why an engine gave no PDF (the pipeline also wraps the embedded compiler's errors in it).
#[derive(Debug)]
pub enum EngineError {
    /// The source does not compile (typst-cli's errors in the embedded compiler's form), or has
    /// characters no font has.
    Typst(CompileError),
    /// typst-cli could not be run, or failed without diagnostics.
    Other(anyhow::Error),
}

/// The version `typst --version` reports: `typst 0.15.1 (8ee4b6e2)` → `0.15.1`.
fn version_of(output: &str) -> Option<&str> {
    let mut words = output.split_whitespace();
    (words.next()? == "typst").then_some(())?;
    words.next()
}

/// typst-cli's human-format diagnostics of severity `severity` (`error` or `warning`) as problems
/// located like the embedded compiler's. `<stdin>` (the generated source) is named `source_name`;
/// `read` gives a file's text (by the path typst-cli prints) to show the offending line.
///
/// typst-cli prints each diagnostic as a header `error: message`, then `┌─ file:line:column` and
/// the source excerpt, then `= hint: …` notes; indented trace lines (`while calling `photo` at
/// file:line:column`) may follow, and are left out as the embedded form leaves out the trace.
/// typst-cli's column is the count of characters before the span (0-based, although
/// codespan-reporting means it to be 1-based), like the embedded form's before it adds one.
pub fn diagnostics(
    stderr: &str,
    source_name: &Path,
    severity: &str,
    read: &dyn Fn(&Path) -> Option<String>,
) -> Vec<Problem> {
    struct Diagnostic {
        message: String,
        location: Option<(PathBuf, usize, usize)>,
        /// How many columns the first caret line underlines.
        carets: usize,
        hints: Vec<String>,
    }
    let mut found: Vec<Diagnostic> = Vec::new();
    let mut current: Option<Diagnostic> = None;
    for line in stderr.lines() {
        if let Some(message) = header(line, severity) {
            found.extend(current.take());
            current = Some(Diagnostic {
                message: message.to_string(),
                location: None,
                carets: 0,
                hints: Vec::new(),
            });
        } else if header(line, "error").is_some() || header(line, "warning").is_some() {
            // A diagnostic of the other severity.
            found.extend(current.take());
        } else if let Some(diag) = current.as_mut() {
            let trimmed = line.trim_start();
            if let Some(location) = trimmed.strip_prefix("┌─") {
                if diag.location.is_none() {
                    diag.location = location_of(location.trim());
                }
            } else if let Some(hint) = trimmed.strip_prefix("= hint:") {
                diag.hints.push(hint.trim().to_string());
            } else if diag.carets == 0
                && let Some(marks) = trimmed.strip_prefix('│')
                && marks.trim().starts_with('^')
            {
                diag.carets = marks.trim().chars().take_while(|c| *c == '^').count();
            }
        }
    }
    found.extend(current);
    found
        .into_iter()
        .map(|diag| {
            let mut problem = match severity {
                "error" => Problem::error(format!("（Typst）{}", diag.message)),
                _ => Problem::warning(format!("（Typst）{}", diag.message)),
            };
            if let Some((path, line, column)) = diag.location {
                let text = read(&path).unwrap_or_default();
                let shown = if path == Path::new("<stdin>") {
                    source_name.to_path_buf()
                } else {
                    path
                };
                let file = SourceFile::new(FileId(0), shown, text);
                problem = problem.at_line(&file, line, column + 1);
                // Carets count terminal columns: a CJK character takes two.
                if let Some(location) = problem.location.as_mut() {
                    let mut columns = 0;
                    let chars = (location.source_line.chars().skip(column))
                        .take_while(|c| {
                            let fits = columns < diag.carets;
                            columns += unicode_width::UnicodeWidthChar::width(*c).unwrap_or(1);
                            fits
                        })
                        .count();
                    location.length = chars.max(1);
                }
            }
            for hint in diag.hints {
                problem = problem.hint(hint);
            }
            problem
        })
        .collect()
}

/// typst-cli's `file:line:column` (column 0-based, see [`diagnostics`]).
fn location_of(location: &str) -> Option<(PathBuf, usize, usize)> {
    let (rest, column) = location.rsplit_once(':')?;
    let (path, line) = rest.rsplit_once(':')?;
    Some((
        PathBuf::from(path),
        line.parse().ok()?,
        column.parse().ok()?,
    ))
}

/// The message of a diagnostic header `error: message` (or `error[code]: message`) of `severity`.
fn header<'a>(line: &'a str, severity: &str) -> Option<&'a str> {
    let rest = line.strip_prefix(severity)?;
    let rest = match rest.strip_prefix('[') {
        Some(coded) => &coded[coded.find(']')? + 1..],
        None => rest,
    };
    Some(rest.strip_prefix(": ")?.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    const STDERR: &str = "error: unknown variable: nosuch
  ┌─ <stdin>:12:1
   │
12 │ #nosuch
   │  ^^^^^^
   = hint: if you meant to display this as text, escape it

warning: unknown font family: fangsong_gb2312
  ┌─ templates/theme.typ:3:9
  │
3 │ #set text(font: (\"FangSong_GB2312\",))
  │           ^^^^^

error: file not found (searched at /tmp/p/content/034/photos/09.jpg)
   ┌─ templates/theme.typ:88:8
   │
88 │   image(path)
   │         ^^^^
   = hint: the path is relative to the project root
   = hint: check the spelling

  while calling `photo` at <stdin>:50:1
    #photo(\"/content/034/photos/09.jpg\")

";

    fn shown(problems: &[Problem]) -> Vec<String> {
        problems.iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn errors_of_typst_cli_take_the_form_of_the_embedded_compilers() {
        let main = Path::new("output/034/第034期.failed.typ");
        let read = |path: &Path| -> Option<String> {
            (path == Path::new("templates/theme.typ")).then(|| {
                let mut lines = vec![String::new(); 88];
                lines[2] = "#set text(font: (\"FangSong_GB2312\",))".into();
                lines[87] = "  image(path)".into();
                lines.join("\n")
            })
        };
        let errors = diagnostics(STDERR, main, "error", &read);
        assert_eq!(errors.len(), 2);
        assert_eq!(
            (
                errors[0].file.as_deref(),
                errors[0].line(),
                errors[0].column()
            ),
            (Some(main), Some(12), Some(2))
        );
        assert_eq!(errors[0].message, "（Typst）unknown variable: nosuch");
        assert_eq!(
            errors[1].to_string(),
            "templates/theme.typ:88:9: 错误：（Typst）file not found (searched at /tmp/p/content/034/photos/09.jpg)
   |
88 |   image(path)
   |         ^^^^
   |
   = 提示：the path is relative to the project root
   = 提示：check the spelling"
        );
        let warnings = diagnostics(STDERR, main, "warning", &read);
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0]
                .to_string()
                .starts_with("templates/theme.typ:3:10: 警告：（Typst）unknown font family")
        );
    }

    #[test]
    fn an_error_without_a_location_keeps_its_message() {
        let none = |_: &Path| None;
        let problems = diagnostics(
            "error: input file not found\n",
            Path::new("x.typ"),
            "error",
            &none,
        );
        assert_eq!(shown(&problems), vec!["（Typst）input file not found"]);
        assert!(diagnostics("some crash\n", Path::new("x.typ"), "error", &none).is_empty());
    }

    #[test]
    fn the_version_is_the_second_word_of_typst_version() {
        assert_eq!(version_of("typst 0.15.1 (8ee4b6e2)\n"), Some("0.15.1"));
        assert_eq!(version_of("typst 0.13.0\n"), Some("0.13.0"));
        assert_eq!(version_of("Python 3.11\n"), None);
    }

    #[test]
    fn the_arguments_give_root_fonts_date_inputs_and_standard() {
        let export = Export {
            root: Path::new("/p"),
            source: "",
            source_name: Path::new("output/034/第034期.typ"),
            font_dir: Path::new("/p/assets/fonts"),
            system_fonts: false,
            created: 1_651_363_200,
            inputs: &[("colour", "rgb")],
            archival: true,
        };
        let args = TypstCli::arguments(&export, Path::new("/tmp/out.pdf")).join(" ");
        assert_eq!(
            args,
            "--color never compile - /tmp/out.pdf --format pdf --root /p --font-path /p/assets/fonts \
             --ignore-embedded-fonts --creation-timestamp 1651363200 --diagnostic-format human \
             --ignore-system-fonts --input colour=rgb --pdf-standard a-2b"
        );
        let print = Export {
            system_fonts: true,
            inputs: &[],
            archival: false,
            ..export
        };
        let args = TypstCli::arguments(&print, Path::new("/tmp/out.pdf"));
        assert!(!args.iter().any(|a| a == "--ignore-system-fonts"));
        assert!(!args.iter().any(|a| a == "--pdf-standard" || a == "--input"));
    }
}
