//! The archive's catalog: `output/archive/index.md` and `index.html` (self-contained, opens from
//! disk), one row per bag, read back from the bags themselves and rewritten on every archive.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Result;
use walkdir::WalkDir;

use crate::bagit::{self, DATA, MANIFEST};
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
    if folder.len() != 3 || !folder.bytes().all(|b| b.is_ascii_digit()) {
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
    /// The PDF's SHA-256 as the manifest records it.
    pub sha256: String,
    /// Why this version was replaced, for a prior version.
    pub superseded: Option<String>,
}

/// Reads every bag under `output/archive/`.
pub fn entries(project: &Project) -> Result<Vec<Entry>> {
    let root = archive_root(project);
    bags(project).iter().map(|bag| entry(&root, bag)).collect()
}

fn entry(root: &Path, bag: &BagDir) -> Result<Entry> {
    let info = bagit::read_bag_info(&bag.path)?;
    let pdf_in_bag = format!("{DATA}/第{}期.pdf", bag.folder);
    let manifest = bagit::read_manifest(&bag.path.join(MANIFEST))?;
    let relative_bag = bag.path.strip_prefix(root).unwrap_or(&bag.path);
    let bag_slash: Vec<String> = relative_bag
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Ok(Entry {
        name: bag.name.clone(),
        pdf: format!("{}/{pdf_in_bag}", bag_slash.join("/")),
        date: info.get("Date").unwrap_or_default().to_string(),
        titles: info.all("Title").into_iter().map(String::from).collect(),
        pages: info.get("Pages").unwrap_or_default().to_string(),
        size: std::fs::metadata(bag.path.join(&pdf_in_bag))
            .ok()
            .map(|m| m.len()),
        sha256: manifest.get(&pdf_in_bag).cloned().unwrap_or_default(),
        superseded: bag.version.map(|_| {
            info.get("Supersede-Reason")
                .unwrap_or("（未记录原因）")
                .to_string()
        }),
    })
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

pub fn markdown(name: &str, entries: &[Entry]) -> String {
    let cell = |s: &str| s.replace('\\', "\\\\").replace('|', "\\|");
    let mut out = format!("# 《{}》归档目录\n\n{INTRO}\n\n", cell(name));
    let _ = writeln!(out, "| {} |", HEADER.join(" | "));
    let _ = writeln!(out, "|{}", " --- |".repeat(HEADER.len()));
    for entry in entries {
        let _ = writeln!(
            out,
            "| [{}](<{}>) | {} | {} | {} | {} | `{}` | {} |",
            cell(&entry.name),
            entry.pdf,
            cell(&entry.date),
            cell(&entry.titles.join("；")),
            cell(&entry.pages),
            size_text(entry.size),
            entry.sha256,
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
        }
    }

    #[test]
    fn the_markdown_catalog_escapes_table_separators() {
        let md = markdown("长艺党建", &[sample()]);
        assert!(md.contains("A\\|B；<C>"), "{md}");
        assert!(md.contains("| 2.0 MB |"), "{md}");
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
