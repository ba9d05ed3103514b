//! The archive's catalog: `output/archive/index.md` and `index.html` (self-contained, opens from
//! disk), one row per bag, read back from the bags themselves and rewritten on every archive.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use walkdir::WalkDir;

use crate::bagit::{self, Checked, DATA, Finding, MANIFEST};
use crate::output::write_atomic;
use crate::project::Project;

/// `output/archive`.
pub fn archive_root(project: &Project) -> PathBuf {
    project.root.join("output").join("archive")
}

/// `第034期`, the name of issue folder `034`'s bag.
pub fn bag_name(folder: &str) -> String {
    format!("第{folder}期")
}

/// A bag on disk: `output/archive/<year>/<name>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BagDir {
    pub path: PathBuf,
    /// `第034期` or, for a prior version, `第034期.v1`.
    pub name: String,
    /// `034`.
    pub folder: String,
    /// `None` for the current bag, `Some(1)` for `.v1`.
    pub version: Option<u32>,
}

/// Every bag under `output/archive/`, by issue, the current bag before its prior versions (newest
/// first). Temporary folders of an unfinished archive (names starting with `.`) are not bags.
pub fn bags(project: &Project) -> Vec<BagDir> {
    let mut found: Vec<BagDir> = WalkDir::new(archive_root(project))
        .min_depth(2)
        .max_depth(2)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_dir())
        .filter_map(|e| parse_bag_dir(e.path()))
        .collect();
    found.sort_by_key(|b| {
        (
            b.folder.clone(),
            std::cmp::Reverse(b.version.unwrap_or(u32::MAX)),
        )
    });
    found
}

fn parse_bag_dir(path: &Path) -> Option<BagDir> {
    let name = path.file_name()?.to_str()?.to_string();
    let rest = name.strip_prefix('第')?;
    let (folder, version) = match rest.split_once("期.v") {
        Some((folder, version)) => (folder, Some(version.parse().ok()?)),
        None => (rest.strip_suffix('期')?, None),
    };
    if !crate::project::IssueId::of_dir(Path::new(folder)).is_canonical() {
        return None;
    }
    Some(BagDir {
        path: path.to_path_buf(),
        folder: folder.to_string(),
        name,
        version,
    })
}

/// The bags to check: every bag, or those of issue `folder` (current and prior versions).
pub fn bags_to_verify(project: &Project, folder: Option<&str>) -> Vec<BagDir> {
    bags(project)
        .into_iter()
        .filter(|b| folder.is_none_or(|f| b.folder == f))
        .collect()
}

/// The record of what was archived: `output/archive/pdf-sha256.tsv`, one line per `archive` (the
/// issue, its `Archived-At`, the PDF's SHA-256, where the bag was put). `archive` appends to it and
/// nothing rewrites it, so it still holds the SHA-256 a PDF had when it was archived after someone
/// changed the PDF and both manifests to match; `verify` compares against it. It is kept apart
/// from `index.md`, which is regenerated on every archive and written for people to read.
pub const RECORD_FILE: &str = "pdf-sha256.tsv";

const RECORD_HEADER: &str = "# 《归档记录》每次归档时由 bulletin archive 追加一行：期号、归档时间（Archived-At）、PDF 的 SHA-256、归档文件夹。\n# bulletin verify 用它核对归档中的 PDF 是否还是归档时的样子。不要修改或删除这个文件。\n";

/// One line of the record: an issue archived once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// `034`.
    pub issue: String,
    /// As in the bag's `bag-info.txt`.
    pub archived_at: String,
    pub sha256: String,
    /// The bag relative to `output/archive/` when it was made, e.g. `2022/第034期`.
    pub bag: String,
}

/// `output/archive/pdf-sha256.tsv`.
pub fn record_path(project: &Project) -> PathBuf {
    archive_root(project).join(RECORD_FILE)
}

/// Every record, oldest first; none when the file is not there.
pub fn read_records(project: &Project) -> Result<Vec<Record>> {
    let path = record_path(project);
    if std::fs::symlink_metadata(&path).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound) {
        return Ok(Vec::new());
    }
    let bytes = bagit::read_regular(&path, bagit::MAX_TAG_FILE)?;
    let text = String::from_utf8_lossy(&bytes);
    let mut records = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        match fields[..] {
            [issue, archived_at, sha256, bag]
                if issue.len() == 3
                    && issue.bytes().all(|b| b.is_ascii_digit())
                    && is_sha256(sha256) =>
            {
                records.push(Record {
                    issue: issue.into(),
                    archived_at: archived_at.into(),
                    sha256: sha256.into(),
                    bag: bag.into(),
                });
            }
            _ => bail!(
                "{}:{}: 这一行不是「期号、归档时间、SHA-256、归档文件夹」四项（用制表符分隔）。\n  提示：这个文件由 bulletin archive 写入，不要手工修改；从备份恢复它。",
                path.display(),
                n + 1
            ),
        }
    }
    Ok(records)
}

/// Appends `record` to the record file (creating it with its header).
pub fn append_record(project: &Project, record: &Record) -> Result<()> {
    let path = record_path(project);
    let mut text = match std::fs::symlink_metadata(&path) {
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => RECORD_HEADER.to_string(),
        _ => {
            String::from_utf8_lossy(&bagit::read_regular(&path, bagit::MAX_TAG_FILE)?).into_owned()
        }
    };
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
    let _ = writeln!(
        text,
        "{}\t{}\t{}\t{}",
        record.issue,
        clean(&record.archived_at),
        record.sha256,
        clean(&record.bag)
    );
    write_atomic(&path, text.as_bytes())
}

fn is_sha256(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// What says which SHA-256 each archived PDF had: the record file, and for bags archived before
/// it existed, the hash column of `index.md` as last written.
#[derive(Debug, Default)]
pub struct Witnesses {
    pub records: Vec<Record>,
    /// Bag name → SHA-256, from `index.md`.
    index: BTreeMap<String, String>,
}

impl Witnesses {
    /// Reads the record file (an unreadable or malformed one is an error) and `index.md` (only a
    /// fallback: when it cannot be read, it says nothing).
    pub fn load(project: &Project) -> Result<Witnesses> {
        let records = read_records(project)?;
        let index =
            bagit::read_regular(&archive_root(project).join("index.md"), bagit::MAX_TAG_FILE)
                .map(|bytes| index_hashes(&String::from_utf8_lossy(&bytes)))
                .unwrap_or_default();
        Ok(Witnesses { records, index })
    }

    /// The SHA-256 recorded for `bag`'s PDF, and the record it comes from (`None` for index.md).
    /// The current bag of an issue belongs to the issue's latest record; a prior version to an
    /// earlier record with the same `Archived-At` (preferring one whose hash is `actual`).
    pub fn expected(
        &self,
        bag: &BagDir,
        archived_at: Option<&str>,
        actual: Option<&str>,
    ) -> Option<(String, Option<usize>)> {
        let mine: Vec<(usize, &Record)> = (self.records.iter().enumerate())
            .filter(|(_, r)| r.issue == bag.folder)
            .collect();
        let record = match bag.version {
            None => mine.last().copied(),
            Some(_) => {
                let earlier = &mine[..mine.len().saturating_sub(1)];
                let candidates: Vec<(usize, &Record)> = (earlier.iter().copied())
                    .filter(|(_, r)| Some(r.archived_at.as_str()) == archived_at)
                    .collect();
                (candidates.iter().copied())
                    .find(|(_, r)| Some(r.sha256.as_str()) == actual)
                    .or(candidates.first().copied())
            }
        };
        match record {
            Some((i, r)) => Some((r.sha256.clone(), Some(i))),
            None => self.index.get(&bag.name).map(|hash| (hash.clone(), None)),
        }
    }

    /// Compares the PDF of a checked bag with the SHA-256 recorded when it was archived: a finding
    /// if it differs or nothing was recorded, and the record the bag accounts for.
    pub fn check(&self, bag: &BagDir, checked: &Checked) -> (Option<Finding>, Option<usize>) {
        let pdf = pdf_in_bag(bag);
        let actual = checked.sha256.get(&pdf).map(String::as_str);
        let Some((recorded, record)) = self.expected(bag, checked.info.get("Archived-At"), actual)
        else {
            return (Some(Finding::NotRecorded(pdf)), None);
        };
        // A PDF that is missing, unreadable or differs from the manifest is reported already.
        let finding = actual
            .filter(|actual| *actual != recorded)
            .filter(|_| !checked.findings.contains(&Finding::Changed(pdf.clone())))
            .map(|_| Finding::NotAsRecorded {
                path: pdf.clone(),
                recorded,
            });
        (finding, record)
    }
}

/// Bag name → PDF SHA-256 from the rows of `index.md`: `| [第034期](…) | … | `hash` | … |`.
fn index_hashes(md: &str) -> BTreeMap<String, String> {
    let mut hashes = BTreeMap::new();
    for line in md.lines() {
        let Some(rest) = line.strip_prefix("| [") else {
            continue;
        };
        let Some((name, _)) = rest.split_once("](") else {
            continue;
        };
        let hash = line
            .split('`')
            .skip(1)
            .step_by(2)
            .find(|part| is_sha256(part));
        if let Some(hash) = hash {
            hashes.insert(name.replace('\\', ""), hash.to_string());
        }
    }
    hashes
}

/// `data/第034期.pdf`, the PDF in a bag.
pub fn pdf_in_bag(bag: &BagDir) -> String {
    format!("{DATA}/{}.pdf", bag_name(&bag.folder))
}

/// One archived version of an issue, as the catalog shows it.
#[derive(Debug, Clone)]
pub struct Entry {
    /// `第034期` or `第034期.v1`.
    pub name: String,
    /// The PDF relative to `output/archive/`, with `/`.
    pub pdf: String,
    pub date: String,
    pub titles: Vec<String>,
    pub pages: String,
    /// The PDF's size in bytes, if it is there.
    pub size: Option<u64>,
    /// The PDF's SHA-256 as recorded when it was archived (for bags archived before the record
    /// existed: as the last index.md or the manifest says).
    pub sha256: String,
    /// Why this version was replaced, for a prior version.
    pub superseded: Option<String>,
    /// The bag's bag-info.txt or manifest could not be read.
    pub unreadable: bool,
}

/// Reads every bag under `output/archive/`. A bag that cannot be read is listed as such: one
/// damaged bag does not keep the catalog from being written.
pub fn entries(project: &Project) -> Result<Vec<Entry>> {
    let root = archive_root(project);
    let witnesses = Witnesses::load(project)?;
    Ok(bags(project)
        .iter()
        .map(|bag| entry(&root, bag, &witnesses))
        .collect())
}

fn entry(root: &Path, bag: &BagDir, witnesses: &Witnesses) -> Entry {
    let info = bagit::read_bag_info(&bag.path);
    let manifest = bagit::read_manifest(&bag.path.join(MANIFEST));
    let unreadable = info.is_err() || manifest.is_err();
    let info = info.unwrap_or_default();
    let pdf_in_bag = pdf_in_bag(bag);
    let listed = manifest.ok().and_then(|m| m.get(&pdf_in_bag).cloned());
    let sha256 = witnesses
        .expected(bag, info.get("Archived-At"), listed.as_deref())
        .map(|(hash, _)| hash)
        .or(listed)
        .unwrap_or_default();
    let relative_bag = bag.path.strip_prefix(root).unwrap_or(&bag.path);
    let bag_slash: Vec<String> = relative_bag
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Entry {
        name: bag.name.clone(),
        pdf: format!("{}/{pdf_in_bag}", bag_slash.join("/")),
        date: info.get("Date").unwrap_or_default().to_string(),
        titles: info.all("Title").into_iter().map(String::from).collect(),
        pages: info.get("Pages").unwrap_or_default().to_string(),
        // Only a regular file counts: never what a link points to.
        size: std::fs::symlink_metadata(bag.path.join(&pdf_in_bag))
            .ok()
            .filter(|m| m.is_file())
            .map(|m| m.len()),
        sha256,
        superseded: bag.version.map(|_| {
            info.get("Supersede-Reason")
                .unwrap_or("（未记录原因）")
                .to_string()
        }),
        unreadable,
    }
}

/// Rewrites `index.md` and `index.html` from the bags on disk; `name` is the bulletin's name.
pub fn write(project: &Project, name: &str) -> Result<()> {
    let entries = entries(project)?;
    let root = archive_root(project);
    write_atomic(&root.join("index.md"), markdown(name, &entries).as_bytes())?;
    write_atomic(&root.join("index.html"), html(name, &entries).as_bytes())
}

fn size_text(size: Option<u64>) -> String {
    match size {
        None => "（文件缺失）".to_string(),
        Some(bytes) if bytes < 1024 * 1024 => format!("{:.0} KB", bytes as f64 / 1024.0),
        Some(bytes) => format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0)),
    }
}

fn status_text(entry: &Entry) -> String {
    if entry.unreadable {
        return "无法读取这个归档，运行 bulletin verify 检查".to_string();
    }
    match &entry.superseded {
        None => "现行版本".to_string(),
        Some(reason) => format!("已被取代：{reason}"),
    }
}

const HEADER: [&str; 7] = [
    "期号",
    "日期",
    "标题",
    "页数",
    "大小",
    "PDF 的 SHA-256",
    "状态",
];

const INTRO: &str = "每一期归档为一个 BagIt 文件夹（RFC 8493）：data/ 中是 PDF/A 和生成它的全部源文件。用 bulletin verify 检查归档是否完好。";

/// Every value, from a bag or not, goes through [`cell`]: HTML in a title shows as text
/// (`&lt;script&gt;`), `|` stays inside its cell; the link is percent-encoded.
pub fn markdown(name: &str, entries: &[Entry]) -> String {
    let mut out = format!("# 《{}》归档目录\n\n{INTRO}\n\n", cell(name));
    let _ = writeln!(out, "| {} |", HEADER.join(" | "));
    let _ = writeln!(out, "|{}", " --- |".repeat(HEADER.len()));
    for entry in entries {
        let _ = writeln!(
            out,
            "| [{}]({}) | {} | {} | {} | {} | {} | {} |",
            cell(&entry.name),
            encode_href(&entry.pdf),
            cell(&entry.date),
            cell(&entry.titles.join("；")),
            cell(&entry.pages),
            cell(&size_text(entry.size)),
            if is_sha256(&entry.sha256) {
                format!("`{}`", entry.sha256)
            } else {
                cell(&entry.sha256)
            },
            cell(&status_text(entry)),
        );
    }
    if entries.is_empty() {
        out.push_str("\n（还没有归档任何一期。）\n");
    }
    out
}

pub fn html(name: &str, entries: &[Entry]) -> String {
    let esc = tera::escape_html;
    let name = esc(name);
    let mut rows = String::new();
    for entry in entries {
        let titles: Vec<String> = entry.titles.iter().map(|t| esc(t)).collect();
        let class = if entry.superseded.is_some() {
            " class=\"superseded\""
        } else {
            ""
        };
        let _ = writeln!(
            rows,
            "<tr{class}><td><a href=\"{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
            // Only unreserved characters and %XX remain: nothing to escape.
            encode_href(&entry.pdf),
            esc(&entry.name),
            esc(&entry.date),
            titles.join("<br>"),
            esc(&entry.pages),
            esc(&size_text(entry.size)),
            esc(&entry.sha256),
            esc(&status_text(entry)),
        );
    }
    if entries.is_empty() {
        rows.push_str("<tr><td colspan=\"7\">还没有归档任何一期。</td></tr>\n");
    }
    let header: String = HEADER.iter().map(|h| format!("<th>{h}</th>")).collect();
    format!(
        r#"<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>《{name}》归档目录</title>
<style>
body {{ font-family: sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; }}
th, td {{ border: 1px solid #999; padding: 0.3em 0.6em; vertical-align: top; text-align: left; }}
code {{ font-size: 0.8em; word-break: break-all; }}
tr.superseded {{ color: #777; }}
</style>
</head>
<body>
<h1>《{name}》归档目录</h1>
<p>{}</p>
<table>
<thead><tr>{header}</tr></thead>
<tbody>
{rows}</tbody>
</table>
</body>
</html>
"#,
        esc(INTRO)
    )
}

/// Text for a cell of the Markdown table (or the heading), shown as typed by every Markdown reader:
/// `<`, `>`, `&` as entities (readers that know no `\<` escape still decode these), a backslash
/// before each character that could start inline Markdown or end the cell (a cell never starts a
/// line, so `-`, `#`, `.` and the like stay readable, as in a date), control characters as spaces.
fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '~' | '|' | '$' | '^' | '=' | '!' | ':' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes what a relative URL cannot hold as is (non-ASCII, spaces, `%`, `#`, `?`).
fn encode_href(path: &str) -> String {
    let mut out = String::new();
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-_.~".contains(&byte) {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Entry {
        Entry {
            name: "第034期".into(),
            pdf: "2022/第034期/data/第034期.pdf".into(),
            date: "2022-04-04".into(),
            titles: vec!["A|B".into(), "<C>".into()],
            pages: "6".into(),
            size: Some(2 * 1024 * 1024),
            sha256: "ab".repeat(32),
            superseded: None,
            unreadable: false,
        }
    }

    #[test]
    fn the_markdown_catalog_escapes_table_separators() {
        let md = markdown("长艺党建", &[sample()]);
        assert!(md.contains("A\\|B；&lt;C&gt;"), "{md}");
        assert!(md.contains("| 2.0 MB |"), "{md}");
        assert!(md.contains("| 2022-04-04 |"), "{md}");
    }

    #[test]
    fn the_markdown_catalog_shows_html_from_a_bag_as_text() {
        let mut entry = sample();
        entry.titles = vec![
            "<script>alert(1)</script>".into(),
            "<img src=x onerror=y>".into(),
        ];
        entry.date = "<b>2022</b>".into();
        entry.sha256 = "`<i>`".into();
        entry.pdf = "2022/第034期/data/a) <b>.pdf".into();
        let md = markdown("<u>长艺党建</u>", &[entry]);
        assert!(!md.contains('<'), "{md}");
        let mut shown = String::new();
        for event in pulldown_cmark::Parser::new_ext(&md, pulldown_cmark::Options::ENABLE_TABLES) {
            match event {
                pulldown_cmark::Event::Html(h) | pulldown_cmark::Event::InlineHtml(h) => {
                    panic!("raw HTML {h:?} in\n{md}")
                }
                pulldown_cmark::Event::Text(t) => shown.push_str(&t),
                _ => {}
            }
        }
        for text in [
            "<script>alert(1)</script>；<img src=x onerror=y>",
            "<b>2022</b>",
            "`<i>`",
            "《<u>长艺党建</u>》",
        ] {
            assert!(shown.contains(text), "{text} not shown:\n{shown}");
        }
        // One row of eight cells: nothing from the bag broke out of its cell.
        let row = md.lines().find(|l| l.starts_with("| [")).unwrap();
        assert!(
            row.contains("(2022/%E7%AC%AC034%E6%9C%9F/data/a%29%20%3Cb%3E.pdf)"),
            "{row}"
        );
    }

    fn project() -> (tempfile::TempDir, Project) {
        let dir = tempfile::tempdir().unwrap();
        let project = Project {
            root: dir.path().to_path_buf(),
        };
        std::fs::create_dir_all(archive_root(&project)).unwrap();
        (dir, project)
    }

    fn record(issue: &str, at: &str, hash: char) -> Record {
        Record {
            issue: issue.into(),
            archived_at: at.into(),
            sha256: hash.to_string().repeat(64),
            bag: format!("2022/第{issue}期"),
        }
    }

    fn bag(name: &str) -> BagDir {
        parse_bag_dir(&Path::new("/a/2022").join(name)).unwrap()
    }

    #[test]
    fn records_are_appended_and_read_back_in_order() {
        let (_dir, project) = project();
        assert_eq!(read_records(&project).unwrap(), []);
        let first = record("034", "2026-01-02T03:04:05Z", 'a');
        let second = record("034", "2026-02-03T04:05:06Z", 'b');
        append_record(&project, &first).unwrap();
        append_record(&project, &second).unwrap();
        assert_eq!(read_records(&project).unwrap(), [first, second]);
        let text = std::fs::read_to_string(record_path(&project)).unwrap();
        assert!(text.starts_with("# 《归档记录》"), "{text}");
        std::fs::write(
            record_path(&project),
            format!("{text}034\tx\tnot-a-hash\tb\n"),
        )
        .unwrap();
        let err = read_records(&project).unwrap_err().to_string();
        assert!(err.contains("pdf-sha256.tsv:5: 这一行不是"), "{err}");
    }

    #[test]
    fn the_current_bag_answers_to_the_latest_record_a_prior_version_to_its_archiving_time() {
        let witnesses = Witnesses {
            records: vec![
                record("034", "T1", 'a'),
                record("099", "T1", 'c'),
                record("034", "T2", 'b'),
                record("034", "T2", 'd'),
            ],
            index: BTreeMap::from([("第035期".to_string(), "e".repeat(64))]),
        };
        let hash = |c: char| c.to_string().repeat(64);
        // The current bag: the issue's latest record, whatever its bag-info says.
        assert_eq!(
            witnesses.expected(&bag("第034期"), Some("T1"), None),
            Some((hash('d'), Some(3)))
        );
        assert_eq!(
            witnesses.expected(&bag("第034期.v1"), Some("T1"), None),
            Some((hash('a'), Some(0)))
        );
        assert_eq!(
            witnesses.expected(&bag("第034期.v2"), Some("T2"), Some(&hash('b'))),
            Some((hash('b'), Some(2)))
        );
        // Never a prior version's claim on the latest record.
        assert_eq!(
            witnesses.expected(&bag("第099期.v1"), Some("T1"), None),
            None
        );
        // Archived before records were kept: index.md, as last written, is the witness.
        assert_eq!(
            witnesses.expected(&bag("第035期"), None, None),
            Some((hash('e'), None))
        );
        assert_eq!(witnesses.expected(&bag("第036期"), None, None), None);
    }

    #[test]
    fn index_md_is_read_back_for_the_sha256_of_each_bag() {
        let mut old = sample();
        old.name = "第034期.v1".into();
        old.sha256 = "cd".repeat(32);
        let md = markdown("长艺党建", &[sample(), old]);
        let hashes = index_hashes(&md);
        assert_eq!(hashes["第034期"], "ab".repeat(32));
        assert_eq!(hashes["第034期.v1"], "cd".repeat(32));
        assert_eq!(hashes.len(), 2);
    }

    #[test]
    fn the_html_catalog_escapes_text_and_encodes_links() {
        let html = html("长艺党建", &[sample()]);
        assert!(html.contains("&lt;C&gt;"), "{html}");
        assert!(!html.contains("<C>"));
        assert!(html.contains("href=\"2022/%E7%AC%AC034"), "{html}");
        assert!(
            !html.contains("http"),
            "self-contained: no external resources"
        );
    }

    #[test]
    fn bag_folders_are_recognised_by_name_and_version() {
        let bag = parse_bag_dir(Path::new("/a/2022/第034期")).unwrap();
        assert_eq!((bag.folder.as_str(), bag.version), ("034", None));
        let bag = parse_bag_dir(Path::new("/a/2022/第034期.v2")).unwrap();
        assert_eq!((bag.folder.as_str(), bag.version), ("034", Some(2)));
        for other in [".第034期.partial-x", "第34期", "第034期.vx", "notes"] {
            assert!(
                parse_bag_dir(&Path::new("/a/2022").join(other)).is_none(),
                "{other}"
            );
        }
    }
}
