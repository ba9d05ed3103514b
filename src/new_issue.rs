//! `bulletin new`: the next issue's folder with a commented skeleton issue.yaml that builds as it is,
//! and the warnings that point at placeholder text an editor has not replaced yet.

use std::io::Write;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Result;

use crate::diag::Problem;
use crate::files::io_problem;
use crate::model::Date;
use crate::project::{ISSUE_FILE, IssueId, Project};

/// Every placeholder in the skeleton starts with this, so a build can warn about the ones left.
pub const PLACEHOLDER: &str = "（在这里";

/// The folder `bulletin new` created.
#[derive(Debug, Clone)]
pub struct NewIssue {
    pub number: u32,
    /// The folder's name, e.g. `035`.
    pub folder: String,
    /// `content/035`.
    pub dir: PathBuf,
    /// `content/035/issue.yaml`.
    pub file: PathBuf,
    /// `content/035/photos`.
    pub photos: PathBuf,
}

/// The number after the highest existing issue: folders under content/ that hold issue.yaml and
/// are named by a number. 1 when there is none.
pub fn next_number(project: &Project) -> u32 {
    project
        .issue_dirs()
        .iter()
        .filter_map(|dir| IssueId::of_dir(dir).number())
        .max()
        .map_or(1, |n| n + 1)
}

/// Creates content/<number>/ (the next number when none is given) with the skeleton issue.yaml
/// (dated `date`) and an empty photos/ folder. Never overwrites: an existing folder of that name
/// is an error.
pub fn create(project: &Project, number: Option<u32>, date: Date) -> Result<NewIssue> {
    let number = number.unwrap_or_else(|| next_number(project));
    let id = IssueId::of_number(number);
    let folder = id.folder().to_string();
    let dir = project.issue_dir(&id);
    let shown = project.relative(&dir).display().to_string();
    let exists = || {
        let problem = if dir.join(ISSUE_FILE).exists() {
            Problem::error(format!(
                "没有新建第{folder}期：它已经存在（{shown}/{ISSUE_FILE}），没有做任何改动"
            ))
            .hint(format!(
                "要编辑它，直接打开 {shown}/{ISSUE_FILE}；要再新建一期，运行 new（不写期号）取下一个期号。"
            ))
        } else {
            Problem::error(format!(
                "没有新建第{folder}期：文件夹 {shown} 已经存在（里面没有 issue.yaml），为免覆盖其中的文件，没有做任何改动"
            ))
            .hint(format!(
                "这个文件夹如果是为第{folder}期准备的，先把它改名（例如改成 {folder}-旧），运行 new 之后再把里面的照片移到新建的 {shown}/photos/；不需要的话删除它。"
            ))
        };
        problem.into_error()
    };
    // Another `new` running at the same moment may have made the folder a moment ago and not yet
    // written its issue.yaml: wait for it a little, so that `exists` says what is really there.
    let settle = || {
        let young = std::fs::metadata(&dir)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age < std::time::Duration::from_secs(5));
        for _ in 0..50 {
            if !young || dir.join(ISSUE_FILE).exists() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        exists()
    };
    if dir.exists() {
        return Err(settle());
    }
    // create_dir, not create_dir_all: it fails if the folder appeared in the meantime.
    match std::fs::create_dir(&dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(settle()),
        Err(e) => return Err(io_problem(&e, &format!("无法创建文件夹 {shown}")).into_error()),
    }
    let name = crate::load::read(project, &project.bulletin_file())
        .ok()
        .map(|text| crate::source::SourceFile::new(crate::source::FileId::BULLETIN, "", text))
        .and_then(|file| crate::load::parse_bulletin(&file).ok())
        .map_or_else(|| "简报".to_string(), |b| b.name.text.trim().to_string());
    let created = NewIssue {
        number,
        folder: folder.clone(),
        file: dir.join(ISSUE_FILE),
        photos: dir.join("photos"),
        dir,
    };
    if let Err(err) = fill(&created, date, &name) {
        // Everything in the folder is ours: it did not exist a moment ago.
        let _ = std::fs::remove_dir_all(&created.dir);
        return Err(err);
    }
    Ok(created)
}

fn fill(created: &NewIssue, date: Date, name: &str) -> Result<()> {
    let fail = |e: std::io::Error, path: &std::path::Path| {
        io_problem(&e, &format!("无法写入 {}", path.display())).into_error()
    };
    std::fs::create_dir(&created.photos).map_err(|e| fail(e, &created.photos))?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&created.file)
        .map_err(|e| fail(e, &created.file))?;
    file.write_all(skeleton(created.number, date, name).as_bytes())
        .and_then(|_| file.sync_all())
        .map_err(|e| fail(e, &created.file))?;
    Ok(())
}

/// Today's date in Beijing time (UTC+8).
///
/// Computed from `SystemTime` without a time-zone dependency: the standard library knows no local
/// time zone, so the offset is fixed at UTC+8, China Standard Time (one zone for the whole country,
/// no daylight saving), which is the local time of every editor of the bulletin. Elsewhere the date
/// may be a day off around midnight; `bulletin new --date` overrides it.
pub fn today() -> Date {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    date_from_days((seconds + 8 * 3600).div_euclid(86_400))
}

/// The civil date `days` days after 1970-01-01 (Howard Hinnant's `civil_from_days`).
pub fn date_from_days(days: i64) -> Date {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Date {
        year: year as i32,
        month: month as u8,
        day: day as u8,
    }
}

/// Commented-out examples in the skeleton, written as they would stand in the YAML (indented for
/// an item of `body:`); `skeleton` comments them out.
const PHOTO_EXAMPLE: &str = "\
- photo: photos/01.jpg
  caption: 照片说明（前面的“△”不要写，程序自动加）
  width: 60                    # 可不写：印刷宽度占正文宽度的百分比，默认 60
";

const TABLE_EXAMPLE: &str = "\
- table:
    header: [序号, 存在问题, 整改措施, 整改时限]
    widths: [1, 4, 6, 2]       # 可不写：各列相对宽度，个数与表头相同
    rows:
      - - 1
        - 存在的问题
        - [第一条措施, 第二条措施]   # 一格里有几条就写成列表，程序自动编号
        - 2022年7月
    note: 备注：可不写，印在表格下方。
";

const FINDINGS_EXAMPLE: &str = "\
- findings:
    summary: 总的来看，有以下几个方面值得肯定：
    strengths:                 # 各条成绩，自动编为（一）（二）…
      - heading: 第一条成绩的小标题
        body:
          - 段落……
    problems_summary: 同时，检查中也发现一些问题，主要有以下几个方面：
    problems:                  # 各条问题，自动编为 1. 2. …
      - title: 问题的概括。    # 印成粗体
        text: 问题的具体说明……
";

const CLOSING_EXAMPLE: &str = "\
closing:
  - 结尾段落。
";

/// The skeleton issue.yaml of issue `number`: one article with a title, a lead and a section, each
/// holding placeholder text 「（在这里……）」; photo, table, findings and closing as commented-out
/// examples. It builds as it is.
pub fn skeleton(number: u32, date: Date, name: &str) -> String {
    skeleton_with(number, date, name, commented)
}

/// `skeleton`, with `example(text, indent)` deciding how each example stands in the file.
fn skeleton_with(
    number: u32,
    date: Date,
    name: &str,
    example: impl Fn(&str, usize) -> String,
) -> String {
    let folder = format!("{number:03}");
    let photo = example(PHOTO_EXAMPLE, 10);
    let table = example(TABLE_EXAMPLE, 10);
    let findings = example(FINDINGS_EXAMPLE, 10);
    let closing = example(CLOSING_EXAMPLE, 4);
    let number_line = format!("number: {number}");
    let date_line = format!("date: {date}");
    format!(
        "\
# 《{name}》第{folder}期
# 这是一期的全部内容，由 bulletin new 新建。把所有「{PLACEHOLDER}……）」换成本期的内容；
# 用不到的示例（以 # 开头的行）可以留着，也可以删掉：# 后面的内容不会印出来。
# 写法说明见 content/README.md。缩进只能用空格，不能用 Tab。
# 随时可以生成看看效果：cargo run --release -- build {folder}

{number_line:<22}# 期号（只写数字），必须和文件夹名 {folder} 一致
{date_line:<22}# 出刊日期，写成 年-月-日（或 2022年7月1日）；新建时填的是当天，请改成出刊日期
# editor: 党委办公室  # 稿件编辑；不写就用 bulletin.yaml 里的默认值

articles:             # 本期文章，按刊登顺序排列；再加一篇，就照下面的样子再写一个“- title: …”
  - title: {PLACEHOLDER}写文章标题）
    # 导语：第一个小标题之前的段落（不需要就删掉 lead: 和它下面的段落）
    lead:
      - {PLACEHOLDER}写导语，即第一个小标题之前的一段话）
    # 小标题只写文字，不写“一、”“（一）”等序号，也不写末尾的冒号，序号由程序自动编排：
    # 第一层 一、  第二层（一）  第三层 1.  第四层（1）；下一层写在上一层的 sections: 里
    sections:
      - heading: {PLACEHOLDER}写第一个小标题）
        body:
          # 每一段前面写“- ”。长段落写成“- |”，在下一行起缩进着写，可以折成几行，
          # 程序会把各行接成一段，中文之间不会多出空格。
          - |
            {PLACEHOLDER}写这一部分的正文。长段落可以像这样折成几行来写，
            每行四十字左右，折在两个汉字之间）
          # 照片：把照片放进本期的 photos 文件夹，去掉下面几行开头的“# ”，改成实际的文件名和说明
{photo}          # 表格：用法同上，去掉“# ”后按表头的顺序填写每一行
{table}          # 检查情况（肯定的成绩 + 发现的问题），写法见 content/README.md 的“检查情况”
{findings}    # 结尾：最后一个小标题之后的段落（可不写）
{closing}"
    )
}

/// `text` indented by `indent` spaces, every line commented out with `# `.
fn commented(text: &str, indent: usize) -> String {
    text.lines()
        .map(|line| format!("{:indent$}# {line}\n", ""))
        .collect()
}

/// Where a placeholder of the skeleton stands in `text`: (byte offset, the placeholder as shown,
/// up to its closing 「）」).
pub fn placeholders(text: &str) -> Vec<(usize, String)> {
    text.match_indices(PLACEHOLDER)
        .map(|(at, _)| {
            let rest = &text[at..];
            let line = rest.lines().next().unwrap_or(rest).trim_end();
            let shown = match line.find('）') {
                Some(end) => line[..end + '）'.len_utf8()].to_string(),
                None => format!("{line}……"),
            };
            (at, shown)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::BlockKind;

    fn date(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn days_since_the_epoch_become_civil_dates() {
        assert_eq!(date_from_days(0), date("1970-01-01"));
        assert_eq!(date_from_days(19_086), date("2022-04-04"));
        assert_eq!(date_from_days(19_782), date("2024-02-29"));
        assert_eq!(date_from_days(19_783), date("2024-03-01"));
        assert_eq!(date_from_days(10_957), date("2000-01-01"));
        assert_eq!(date_from_days(11_016), date("2000-02-29"));
        assert_eq!(date_from_days(-1), date("1969-12-31"));
    }

    fn parse(text: &str) -> crate::model::Issue {
        let file = crate::source::SourceFile::new(crate::source::FileId::ISSUE, "issue.yaml", text);
        crate::load::parse_issue(&file).unwrap_or_else(|p| panic!("{p:?}\n{text}"))
    }

    #[test]
    fn the_skeleton_parses_with_one_article_and_placeholders() {
        let issue = parse(&skeleton(35, date("2022-05-06"), "长艺党建"));
        assert_eq!(issue.number.value, 35);
        assert_eq!(issue.date.value, date("2022-05-06"));
        assert_eq!(issue.articles.len(), 1);
        let article = &issue.articles[0];
        assert!(article.title.text.starts_with(PLACEHOLDER));
        assert_eq!(article.lead.len(), 1);
        assert_eq!(article.sections.len(), 1);
        assert_eq!(article.sections[0].body.len(), 1);
        assert!(article.closing.is_empty());
        assert_eq!(
            placeholders(&skeleton(35, date("2022-05-06"), "长艺党建"))
                .iter()
                .filter(
                    |(at, _)| !skeleton(35, date("2022-05-06"), "长艺党建")[..*at]
                        .rsplit('\n')
                        .next()
                        .unwrap()
                        .trim_start()
                        .starts_with('#')
                )
                .count(),
            4
        );
    }

    #[test]
    fn the_commented_examples_are_valid_where_they_stand() {
        let active = skeleton_with(1, date("2022-05-06"), "长艺党建", |text, indent| {
            text.lines()
                .map(|line| format!("{:indent$}{line}\n", ""))
                .collect()
        });
        let issue = parse(&active);
        let article = &issue.articles[0];
        let body = &article.sections[0].body;
        assert!(matches!(&body[1].kind, BlockKind::Photo(p) if p.width == Some(60)));
        assert!(
            matches!(&body[2].kind, BlockKind::Table(t) if t.rows[0].cells.len() == t.header.len())
        );
        assert!(
            matches!(&body[3].kind, BlockKind::Findings(f) if f.strengths.len() == 1 && f.problems.len() == 1)
        );
        assert_eq!(article.closing.len(), 1);
    }

    #[test]
    fn placeholders_are_found_with_their_closing_bracket() {
        let found = placeholders("（在这里写标题）\n已经写好（在这里写\n");
        assert_eq!(
            found,
            [
                (0, "（在这里写标题）".to_string()),
                (found[1].0, "（在这里写……".to_string())
            ]
        );
    }
}
