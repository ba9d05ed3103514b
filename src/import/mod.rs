//! `bulletin import`: the draft as the office has it — a Word/WPS .docx, pasted or saved text, or
//! Markdown — turned into `content/NNN/issue.yaml` and `content/NNN/photos/`.
//!
//! Reading ([`docx`], [`text`]) gives a [`draft::Draft`] of paragraphs, pictures and tables;
//! [`draft::assemble`] gives it the bulletin's structure with the rules of [`crate::recognise`];
//! [`write`] writes the YAML an editor would have written. Nothing is written until everything has
//! been read and checked, and then into a temporary folder that is renamed into place: a failed
//! import leaves no trace, and an existing issue folder is never touched.

pub mod docx;
pub mod draft;
mod markdown;
pub mod text;
pub mod write;

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use image::ImageFormat;

use crate::diag::{Problem, Problems};
use crate::model::{Bulletin, Date};
use crate::new_issue;
use crate::project::{ISSUE_FILE, Project};

pub use draft::Note;
use draft::{Draft, Kind, PictureData, Settings};

/// Where the draft comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// A .docx, .txt or .md file.
    File(PathBuf),
    /// Text pasted on standard input (`bulletin import -`).
    Stdin(Vec<u8>),
}

/// What the command line adds.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The issue number; by default the draft's 第【035】期, else the next free number.
    pub number: Option<u32>,
    /// The date; by default the draft's, else today.
    pub date: Option<Date>,
}

/// What an import wrote.
#[derive(Debug, Clone)]
pub struct Imported {
    pub number: u32,
    /// `036`.
    pub folder: String,
    /// `content/036`.
    pub dir: PathBuf,
    /// `content/036/issue.yaml`.
    pub file: PathBuf,
    /// One line per recognised structure, and the warnings, in draft order.
    pub report: Vec<Note>,
    /// Photos taken from the draft, as named in the YAML (photos/01.jpg).
    pub photos: Vec<String>,
    /// Photos the YAML names that the editor still has to put into photos/.
    pub missing_photos: Vec<String>,
}

/// Imports `source` as a new issue of `project`. Writes nothing on failure; never overwrites.
pub fn import(project: &Project, source: Source, options: &ImportOptions) -> Result<Imported> {
    let settings = settings(project)?;
    let (draft, shown, mut report) = read_source(&source)?;
    let has_text = draft.items.iter().any(|item| match &item.kind {
        Kind::Para(p) => !crate::recognise::strip_indent(&p.text()).is_empty(),
        Kind::Table(rows) => rows.iter().flatten().any(|c| !c.trim().is_empty()),
        _ => false,
    });
    if !has_text {
        bail!(
            "{shown} 里没有文字，没有可以导入的内容，没有做任何改动。\n  提示：确认打开的是正确的文件；如果正文在 Word 的文本框或图片里，请把文字复制到正文中再保存。"
        );
    }
    let (doc, notes) = draft::assemble(&draft, &settings);
    report.extend(notes);

    let number = match (options.number, doc.number) {
        (Some(wanted), Some(found)) if wanted != found => {
            report.push(warning(format!(
                "草稿版头写的是第【{found:03}】期，按 --number 导入为第{wanted:03}期"
            )));
            wanted
        }
        (Some(n), _) | (None, Some(n)) => n,
        (None, None) => new_issue::next_number(project),
    };
    if !(1..=crate::project::MAX_ISSUE).contains(&number) {
        bail!(
            "期号 {number} 无效：期号要在 1 到 9999 之间。\n  提示：用 --number 写出本期的期号，例如 --number 36。"
        );
    }
    let found_date = doc
        .date
        .and_then(|(y, m, d)| Date::parse(&format!("{y:04}-{m:02}-{d:02}")));
    let date = match (options.date, found_date) {
        (Some(wanted), Some(found)) if wanted != found => {
            report.push(warning(format!(
                "草稿里的日期是 {}，按 --date 用 {}",
                found.chinese(),
                wanted.chinese()
            )));
            wanted
        }
        (Some(d), _) | (None, Some(d)) => d,
        (None, None) => {
            let today = new_issue::today();
            report.push(warning(format!(
                "草稿里没有找到出刊日期，暂用今天（{}），请在 issue.yaml 里改成出刊日期，或导入时加 --date",
                today.chinese()
            )));
            today
        }
    };

    // Each photo: its file name and, from a Word document, its bytes.
    let mut files = Vec::new();
    let mut contents: Vec<(String, Vec<u8>)> = Vec::new();
    let mut missing = Vec::new();
    // Every photo's name, taken or missing, in document order.
    let mut all = Vec::new();
    for (i, picture) in doc.photos.iter().enumerate() {
        let n = i + 1;
        let named = |ext: &str| format!("photos/{n:02}.{ext}");
        let picture = picture.and_then(|index| match &draft.items[index].kind {
            Kind::Picture(p) => Some((draft.items[index].at, p)),
            _ => None,
        });
        let Some((at, picture)) = picture else {
            report.push(Note {
                warning: false,
                text: format!("图片 {n} → {}（照片文件请另外放进去）", named("jpg")),
            });
            missing.push(named("jpg"));
            all.push(named("jpg"));
            continue;
        };
        let place = draft.unit.place(at);
        let bytes = match &picture.data {
            PictureData::Bytes(bytes) => Some(bytes.clone()),
            PictureData::File(path) => match std::fs::read(path) {
                Ok(bytes) => Some(bytes),
                Err(_) => {
                    report.push(warning(format!(
                        "{place}的图片 {n}（{}）找不到，photos/{n:02}.jpg 要另外放进去",
                        picture.name
                    )));
                    None
                }
            },
            PictureData::Missing(why) => {
                report.push(warning(format!(
                    "{place}的图片 {n}（{}）{why}，photos/{n:02}.jpg 要另外放进去",
                    picture.name
                )));
                None
            }
        };
        let Some(bytes) = bytes else {
            missing.push(named("jpg"));
            all.push(named("jpg"));
            continue;
        };
        let ext = photo_extension(&bytes)
            .ok_or_else(|| unusable_picture(n, &picture.name, &place, &bytes))?;
        let file = named(ext);
        report.push(Note {
            warning: false,
            text: format!("图片 {n} → {file}（取自草稿的 {}）", picture.name),
        });
        contents.push((file.clone(), bytes));
        all.push(file.clone());
        files.push(file);
    }
    let yaml = write::issue_yaml(&doc, number, date, &settings, &all);
    if let Err(difference) = write::verify(&yaml, &doc, &all) {
        bail!(
            "导入失败：写出的 issue.yaml 读回时与草稿不一致（{difference}），没有做任何改动。\n  提示：这是本程序的错误，请把草稿文件发给技术人员。"
        );
    }

    let folder = format!("{number:03}");
    let dir = project.content_dir().join(&folder);
    let exists = || {
        anyhow::anyhow!(
            "没有导入：文件夹 content/{folder} 已经存在，为免覆盖其中的文件，没有做任何改动。\n  提示：要导入为新的一期，加 --number 写另一个期号（例如 --number {}）；要替换第{folder}期，先把 content/{folder} 改名或移走，再重新导入。",
            new_issue::next_number(project).max(number + 1)
        )
    };
    if dir.exists() {
        return Err(exists());
    }
    let staging = tempfile::Builder::new()
        .prefix(".import-")
        .tempdir_in(project.content_dir())
        .context("无法在 content 文件夹里新建临时文件夹")?;
    write_file(&staging.path().join(ISSUE_FILE), yaml.as_bytes())?;
    std::fs::create_dir(staging.path().join("photos")).context("无法新建 photos 文件夹")?;
    for (file, bytes) in &contents {
        write_file(&staging.path().join(file), bytes)?;
    }
    // The same check `check` and `build` make, so a picture the build would refuse fails now.
    for (n, (file, _)) in contents.iter().enumerate() {
        if let Err(problem) = crate::validate::check_photo(staging.path(), staging.path(), file) {
            return Err(Problem::error(format!(
                "草稿里的图片 {}（{}）排版时无法使用：{}；没有做任何改动",
                n + 1,
                file,
                problem.message
            ))
            .hint(REINSERT_HINT)
            .into_error());
        }
    }
    if dir.exists() {
        return Err(exists());
    }
    let staged = staging.keep();
    if let Err(e) = std::fs::rename(&staged, &dir) {
        let _ = std::fs::remove_dir_all(&staged);
        return Err(e).with_context(|| format!("无法把导入的内容放到 content/{folder}"));
    }
    Ok(Imported {
        number,
        folder,
        file: dir.join(ISSUE_FILE),
        dir,
        report,
        photos: files,
        missing_photos: missing,
    })
}

const REINSERT_HINT: &str = "在 Word 或 WPS 里右击这张图片，选“另存为图片”，存成 JPEG 或 PNG；删掉原图，再“插入 → 图片”插入刚存的文件，保存后重新导入。";

fn warning(text: String) -> Note {
    Note {
        warning: true,
        text,
    }
}

/// The extension to keep a picture under, if the photo step can use its format.
fn photo_extension(bytes: &[u8]) -> Option<&'static str> {
    let header = crate::photos::header(bytes).ok()?;
    Some(match header.format {
        ImageFormat::Jpeg => "jpg",
        ImageFormat::Png => "png",
        ImageFormat::Gif => "gif",
        ImageFormat::WebP => "webp",
        ImageFormat::Bmp => "bmp",
        ImageFormat::Tiff => "tif",
        _ => return None,
    })
}

/// The error for a picture the photo step cannot use, naming its format where it is a known one.
fn unusable_picture(n: usize, name: &str, place: &str, bytes: &[u8]) -> anyhow::Error {
    let lower = name.to_lowercase();
    let format =
        if bytes.len() > 44 && bytes.starts_with(&[1, 0, 0, 0]) && &bytes[40..44] == b" EMF"
            || lower.ends_with(".emf")
        {
            "EMF 矢量图（Word 里画的图形、从其他软件粘贴的图表常是这种格式）"
        } else if bytes.starts_with(&[0xD7, 0xCD, 0xC6, 0x9A]) || lower.ends_with(".wmf") {
            "WMF 矢量图（旧版 Word 和 WPS 的剪贴画格式）"
        } else if lower.ends_with(".heic") || lower.ends_with(".heif") {
            "HEIC 照片（苹果手机的格式）"
        } else {
            "不认识的格式"
        };
    anyhow::anyhow!(
        "草稿里的图片 {n}（{name}，{place}）是{format}，排版时无法使用；没有做任何改动。\n  提示：{REINSERT_HINT}"
    )
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file =
        std::fs::File::create(path).with_context(|| format!("无法新建 {}", path.display()))?;
    file.write_all(bytes)
        .and_then(|_| file.sync_all())
        .with_context(|| format!("写入 {} 失败", path.display()))
}

/// What the import needs from content/bulletin.yaml.
fn settings(project: &Project) -> Result<Settings> {
    let path = project.bulletin_file();
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("无法读取 {}", project.relative(&path).display()))?;
    let bulletin = Bulletin::parse(&text).map_err(|problems| {
        let head = Problem::error("content/bulletin.yaml 有错误，没有导入")
            .hint("先改正下面指出的 bulletin.yaml 的错误，再导入。");
        anyhow::Error::new(Problems(std::iter::once(head).chain(problems.0).collect()))
    })?;
    let plain = |text: &crate::model::Plain| crate::render::plain(text);
    Ok(Settings {
        name: plain(&bulletin.name),
        publisher: plain(&bulletin.publisher),
        editor: plain(&bulletin.editor),
        caption_mark: bulletin.caption_mark,
        distribution: (bulletin.closing.distribution.iter())
            .map(|d| format!("{}：{}", plain(&d.label), plain(&d.to)))
            .collect(),
    })
}

/// Reads the source into a draft; returns it, the source's name for messages, and report lines.
fn read_source(source: &Source) -> Result<(Draft, String, Vec<Note>)> {
    let note = |text: String| Note {
        warning: false,
        text,
    };
    let (bytes, shown, ext, base) = match source {
        Source::Stdin(bytes) => (
            bytes.clone(),
            "粘贴的文字".to_string(),
            "txt".to_string(),
            None,
        ),
        Source::File(path) => {
            let shown = path.display().to_string();
            let bytes = match std::fs::read(path) {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
                    "找不到要导入的文件 {shown}。\n  提示：检查文件名和所在的文件夹；文件名里有空格时，整个路径要用英文引号括起来。"
                ),
                Err(e) if path.is_dir() => bail!(
                    "{shown} 是一个文件夹，不是文件（{e}）。\n  提示：写出草稿文件本身，例如 草稿/第36期.docx。"
                ),
                Err(e) => bail!("无法读取 {shown}：{e}"),
            };
            let ext = path
                .extension()
                .map(|e| e.to_string_lossy().to_lowercase())
                .unwrap_or_default();
            (bytes, shown, ext, path.parent().map(Path::to_path_buf))
        }
    };
    match ext.as_str() {
        "docx" | "doc" | "docm" => {
            let draft = docx::read(&bytes, &shown)?;
            let paragraphs = draft.items.last().map_or(0, |i| i.at);
            let report = vec![note(format!("读入 {shown}（Word 文档，{paragraphs} 段）"))];
            Ok((draft, shown, report))
        }
        "txt" | "text" | "md" | "markdown" => {
            let decoded = text::decode(&bytes, &shown)?;
            let markdown = matches!(ext.as_str(), "md" | "markdown")
                || text::looks_like_markdown(&decoded.text);
            let mut report = vec![note(format!(
                "读入 {shown}（{}，文字编码 {}，{} 行）",
                if markdown { "Markdown" } else { "纯文字" },
                decoded.encoding,
                decoded.text.lines().count()
            ))];
            if markdown && !matches!(ext.as_str(), "md" | "markdown") {
                report.push(note(
                    "文字里有 # 标题或 ** 粗体，按 Markdown 的写法读入".to_string(),
                ));
            }
            let draft = text::read(&decoded.text, markdown, base.as_deref());
            Ok((draft, shown, report))
        }
        "wps" => bail!(
            "{shown} 是 WPS 文字自己的格式（.wps），不能直接导入。\n  提示：用 WPS 打开它，选“另存为”，文件类型选“Word 文档（*.docx）”，再导入新存的 .docx。"
        ),
        "pdf" => bail!(
            "不能从 PDF 导入（{shown}）：PDF 里只有排好的版面，分不出段落和小标题。\n  提示：请发稿人提供 Word 原稿（.docx）；没有的话，把 PDF 里的文字复制到记事本，存成 .txt 再导入。"
        ),
        _ => bail!(
            "不认识 {shown} 的文件类型{}，没有导入。\n  提示：可以导入 Word 文档（.docx）、纯文字（.txt）和 Markdown（.md）；也可以写 - 代替文件名，把文字粘贴进来。其他格式请先用 Word 或 WPS 另存为 .docx。",
            if ext.is_empty() {
                String::new()
            } else {
                format!("（.{ext}）")
            }
        ),
    }
}
