//! `bulletin new [036] [--date …]`: the next (or the given) issue's folder from the skeleton.

use anyhow::Result;

use super::show;
use crate::model::Date;
use crate::new_issue;
use crate::project::Project;
use crate::say;

/// Creates the issue's folder and says what to do next.
pub fn run(project: &Project, number: Option<u32>, date: Option<Date>) -> Result<()> {
    let date = date.unwrap_or_else(new_issue::today);
    let created = new_issue::create(project, number, date)?;
    let folder = &created.folder;
    say!("已新建第{folder}期（日期 {}）：", date.chinese());
    let file = show(&created.file);
    let photos = format!("{}/", show(&created.photos));
    let width = file.chars().count().max(photos.chars().count());
    say!(
        "  {file:<width$}  本期内容：把其中的「{}……）」换成本期的文字",
        new_issue::PLACEHOLDER
    );
    say!("  {photos:<width$}  本期照片放在这里");
    say!("下一步：编辑 issue.yaml，然后生成 PDF 看效果：");
    say!("  cargo run --release -- build {folder}");
    Ok(())
}
