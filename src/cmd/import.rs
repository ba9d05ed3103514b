//! `bulletin import 草稿.docx [--number 036] [--date …]`: a colleague's draft as a new issue.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Result;

use super::show;
use crate::diag::Problem;
use crate::import::{ImportOptions, Source};
use crate::model::Date;
use crate::project::Project;
use crate::say;

/// Imports the draft and says what was recognised, what was guessed and what to do next.
pub fn run(project: &Project, file: &str, number: Option<u32>, date: Option<Date>) -> Result<()> {
    super::tidy(project);
    let source = if file == "-" {
        use std::io::Read;
        if std::io::stdin().is_terminal() {
            eprintln!("请粘贴草稿的文字，粘贴完按 Ctrl-D（Windows 上按 Ctrl-Z 再按回车）：");
        }
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| crate::files::io_problem(&e, "无法读取粘贴的文字").into_error())?;
        Source::Stdin(bytes)
    } else {
        Source::File(PathBuf::from(file))
    };
    let imported = crate::import::import(project, source, &ImportOptions { number, date })?;
    let mut warnings = Vec::new();
    for line in &imported.report {
        if line.warning {
            warnings.push(Problem::warning(line.text.clone()));
        } else {
            say!("  {}", line.text);
        }
    }
    super::print_problems(&warnings);
    let folder = &imported.folder;
    say!("已导入第{folder}期：");
    say!("  {}  本期内容，请对照草稿核对一遍", show(&imported.file));
    say!(
        "  {}/  照片：从草稿取出 {} 张",
        show(&imported.dir.join("photos")),
        imported.photos.len()
    );
    if !imported.missing_photos.is_empty() {
        say!(
            "还缺 {} 张照片：{}。请把照片按这些文件名放进 {}/。",
            imported.missing_photos.len(),
            imported.missing_photos.join("、"),
            show(&imported.dir.join("photos"))
        );
    }
    say!("下一步：检查，然后生成 PDF：");
    say!("  cargo run --release -- check {folder}");
    say!("  cargo run --release -- build {folder}");
    Ok(())
}
