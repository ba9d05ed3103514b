//! Validate stage: checks of meaning that the YAML types cannot express (folder and number agree,
//! nothing is empty, sections at most four deep, photos exist and are images, table rows fit the
//! header). All problems are collected and reported together.

use std::path::{Component, Path, PathBuf};

use typst::foundations::Bytes;
use typst::visualize::{ExchangeFormat, RasterImage};
use walkdir::WalkDir;

use crate::diag::{Problem, Problems};
use crate::load::Loaded;
use crate::model::{Block, Photo, Section, Table};
use crate::photos::PhotoError;

/// The deepest section level: 一、 →（一）→ 1. →（1）.
pub const MAX_DEPTH: usize = 4;

/// Another issue of the project: its issue.yaml (relative to the project root) and the number it
/// gives, for finding two issues with one number.
#[derive(Debug, Clone)]
pub struct OtherIssue {
    pub file: PathBuf,
    pub number: u32,
}

/// The issue number `issue.yaml` gives, if it gives one that is readable at all (the file may be
/// broken in other ways: it is another issue's problem, reported when that issue is checked).
pub fn number_in(text: &str) -> Option<u32> {
    let value: serde_yaml::Value = serde_yaml::from_str(text).ok()?;
    u32::try_from(value.get("number")?.as_u64()?).ok()
}

/// Checks the loaded issue, and that none of `others` has its number; returns every problem found.
/// Warnings found on the way (a photo printable but soft) are added to `warnings`, errors or not.
pub fn validate(
    loaded: &Loaded,
    others: &[OtherIssue],
    warnings: &mut Vec<Problem>,
) -> Result<(), Problems> {
    let mut v = Validator {
        loaded,
        locator: Locator::new(&loaded.issue_file.text),
        problems: Vec::new(),
        warnings: Vec::new(),
    };
    v.check_number();
    v.check_unique_number(others);
    v.problems.extend(check_settings(loaded));
    if loaded.issue.articles.is_empty() {
        let at = v.locator.key("articles");
        v.problem(
            at,
            "这一期没有任何文章（articles 为空）",
            "在 articles 下至少写一篇文章。",
        );
    }
    for article in &loaded.issue.articles {
        v.not_empty(&article.title, "title", "文章标题");
        v.blocks(&article.lead, 0);
        for section in &article.sections {
            v.section(section, 1);
        }
        v.blocks(&article.closing, 0);
    }
    warnings.append(&mut v.warnings);
    if v.problems.is_empty() {
        Ok(())
    } else {
        Err(Problems(v.problems))
    }
}

struct Validator<'a> {
    loaded: &'a Loaded,
    locator: Locator<'a>,
    problems: Vec<Problem>,
    warnings: Vec<Problem>,
}

impl Validator<'_> {
    fn problem(
        &mut self,
        offset: Option<usize>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        let file = &self.loaded.issue_file;
        let mut problem = Problem::new(&file.path, message).hint(hint);
        if let Some(offset) = offset {
            problem = problem.at_offset(&file.text, offset).underline_token();
        }
        self.problems.push(problem);
    }

    fn here(&mut self, needle: &str) -> Option<usize> {
        self.locator.find(needle)
    }

    fn check_number(&mut self) {
        let number = self.loaded.issue.number;
        let folder = &self.loaded.folder;
        let at = self.locator.key("number");
        match folder.parse::<u32>() {
            Ok(n) if n != number => self.problem(
                at,
                format!("文件夹名是 {folder}，但 number 写的是 {number}"),
                format!("两者要一致：把 number 改成 {n}，或把文件夹改名为 {number:03}。"),
            ),
            _ if *folder != format!("{number:03}") => self.problem(
                at,
                format!("这一期的文件夹名「{folder}」不是三位期号"),
                format!("把文件夹改名为 {number:03}，输出文件才会是 第{number:03}期.pdf。"),
            ),
            _ => {}
        }
    }

    fn check_unique_number(&mut self, others: &[OtherIssue]) {
        let number = self.loaded.issue.number;
        let same: Vec<String> = others
            .iter()
            .filter(|other| other.number == number)
            .map(|other| other.file.display().to_string())
            .collect();
        if same.is_empty() {
            return;
        }
        let at = self.locator.key("number");
        self.problem(
            at,
            format!(
                "期号 {number} 重复：{} 里也写着 number: {number}",
                same.join("、")
            ),
            "每个期号只能有一期。复制出来的副本文件夹请移出 content 文件夹；是新的一期就改正它的 number 和文件夹名。",
        );
    }

    /// Reports an empty field; returns where the field stands, for further problems about it.
    fn not_empty(&mut self, text: &str, key: &str, what: &str) -> Option<usize> {
        if text.trim().is_empty() {
            let at = self.locator.next_key(key);
            self.problem(
                at,
                format!("{what}是空的"),
                format!("请填写{what}，或删除这一项。"),
            );
            at
        } else {
            self.here(text.lines().next().unwrap_or(text))
        }
    }

    fn section(&mut self, section: &Section, depth: usize) {
        let at = self.not_empty(&section.heading, "heading", "小标题");
        if depth > MAX_DEPTH {
            self.problem(
                at,
                format!(
                    "小标题「{}」在第 {depth} 层，最多只能嵌套 {MAX_DEPTH} 层",
                    section.heading
                ),
                "层级依次是 一、 →（一）→ 1. →（1）；请把这一节移到上一层。",
            );
        }
        self.blocks(&section.body, depth);
        for sub in &section.sections {
            self.section(sub, depth + 1);
        }
    }

    fn blocks(&mut self, blocks: &[Block], depth: usize) {
        for block in blocks {
            match block {
                Block::Text(text) => {
                    self.not_empty(text, "-", "段落");
                }
                Block::Photo(photo) => self.photo(photo),
                Block::Table(table) => self.table(table),
                Block::Findings(findings) => {
                    for strength in &findings.strengths {
                        self.section(strength, depth + 1);
                    }
                    for problem in &findings.problems {
                        self.not_empty(&problem.title, "title", "问题标题");
                        self.not_empty(&problem.text, "text", "问题说明");
                    }
                }
            }
        }
    }

    /// R27: under 100 dpi at the printed size is an error, under 150 dpi a warning.
    fn resolution(&mut self, at: Option<usize>, photo: &Photo, pixels: u32) {
        let inches = TEXT_WIDTH_INCHES * f64::from(photo.width.unwrap_or(60)) / 100.0;
        let dpi = f64::from(pixels) / inches;
        if dpi < MIN_DPI {
            self.problem(
                at,
                format!("图片「{}」太小：按现在的宽度印出只有 {dpi:.0} dpi，印出来会模糊", photo.file),
                format!("印刷至少要 {MIN_DPI:.0} dpi（最好 300）：换一张像素更多的原图，或把 width 调小。"),
            );
        } else if dpi < WARN_DPI {
            let file = &self.loaded.issue_file;
            let warning = Problem::warning(
                &file.path,
                format!(
                    "图片 {} 按现在的宽度印出只有 {dpi:.0} dpi，印出来会发虚",
                    photo.file
                ),
            )
            .hint("换一张像素更多的原图（手机原图即可），或把 width 调小。");
            self.warnings.push(match at {
                Some(offset) => warning.at_offset(&file.text, offset).underline_token(),
                None => warning,
            });
        }
    }

    fn photo(&mut self, photo: &Photo) {
        let at = self.here(&photo.file);
        match check_photo(&self.loaded.dir, &photo.file) {
            Err((message, hint)) => self.problem(at, message, hint),
            Ok(Some(pixels)) => self.resolution(at, photo, pixels),
            Ok(None) => {}
        }
        if let Some(width) = photo.width
            && !(10..=100).contains(&width)
        {
            self.problem(
                at,
                format!("图片宽度 {width} 不在 10–100 之间"),
                "width 是占正文宽度的百分比，例如 width: 75。",
            );
        }
        self.not_empty(&photo.caption, "caption", "图片说明（caption）");
    }

    fn table(&mut self, table: &Table) {
        let at = self.locator.next_key("header");
        let columns = table.header.len();
        if columns == 0 {
            self.problem(
                at,
                "表格没有表头（header 为空）",
                "在 header 中列出各列的名称，例如 [序号, 存在问题, 整改措施]。",
            );
            return;
        }
        if let Some(widths) = &table.widths {
            let at = self.locator.next_key("widths").or(at);
            if widths.len() != columns {
                self.problem(
                    at,
                    format!("widths 有 {} 个数，表头有 {columns} 列", widths.len()),
                    "widths 给每一列一个相对宽度，个数与表头列数相同。",
                );
            } else if widths.contains(&0) {
                self.problem(
                    at,
                    "widths 里有 0：列宽不能为 0",
                    "每列的相对宽度写正整数，例如 [1, 4, 7, 2, 1]。",
                );
            }
        }
        let rows_at = self.locator.next_key("rows").or(at);
        let row_starts = rows_at.map(|at| list_items(self.locator.text, at));
        for (i, row) in table.rows.iter().enumerate() {
            if row.len() != columns {
                let row_at = row_starts
                    .as_ref()
                    .and_then(|starts| starts.get(i).copied())
                    .or(rows_at);
                self.problem(
                    row_at,
                    format!(
                        "表格第 {} 行有 {} 个单元格，表头有 {columns} 列",
                        i + 1,
                        row.len()
                    ),
                    "每一行的单元格个数要与表头相同；空单元格写 \"\"。",
                );
            }
        }
    }
}

/// Where the items of the block list under the key at `key_at` start (at their `- `), in order; empty
/// for a list written inline (`rows: [[…], […]]`).
fn list_items(text: &str, key_at: usize) -> Vec<usize> {
    let indent_of = |line: &str| line.len() - line.trim_start_matches(' ').len();
    let key_line_start = text[..key_at].rfind('\n').map_or(0, |i| i + 1);
    let key_indent = key_at - key_line_start;
    let mut offset = text[key_at..]
        .find('\n')
        .map_or(text.len(), |i| key_at + i + 1);
    let mut item_indent = None;
    let mut items = Vec::new();
    for line in text[offset..].split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_start_matches(' ');
        if trimmed.trim().is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = indent_of(line);
        if indent < key_indent || (indent == key_indent && !trimmed.starts_with('-')) {
            break;
        }
        match item_indent {
            None if trimmed.starts_with('-') => item_indent = Some(indent),
            None => break,
            Some(_) => {}
        }
        if Some(indent) == item_indent && trimmed.starts_with('-') {
            items.push(start + indent);
        } else if item_indent.is_some_and(|item| indent < item) {
            break;
        }
    }
    items
}

/// Markdown that will not print as the editor meant: `**` that did not become bold.
pub fn markdown_warnings(loaded: &Loaded) -> Vec<Problem> {
    let file = &loaded.issue_file;
    let mut fields: Vec<&str> = Vec::new();
    for block in loaded.issue.blocks() {
        match block {
            Block::Text(text) => fields.push(text),
            Block::Findings(findings) => {
                fields.extend(findings.summary.as_deref());
                fields.extend(findings.problems_summary.as_deref());
                fields.extend(findings.problems.iter().map(|p| p.text.as_str()));
            }
            _ => {}
        }
    }
    let mut warnings = Vec::new();
    for field in fields {
        for offset in crate::markup::stray_strong_markers(field) {
            let warning = Problem::warning(&file.path, "这里的 ** 没有变成粗体，会原样印出").hint(
                "中文标点紧挨在 ** 里面时粗体不生效，把标点移到 ** 外面，例如 **检查方式**：",
            );
            warnings.push(match locate_in_field(&file.text, field, offset) {
                Some((line, column)) => warning.at_in(&file.text, line, column).underline(2),
                None => warning,
            });
        }
    }
    warnings
}

/// Line and column in the YAML text of byte `offset` inside a multi-line field whose lines stand
/// in the YAML one by one (a `|` block or a single line).
pub fn locate_in_field(yaml: &str, field: &str, offset: usize) -> Option<(usize, usize)> {
    let first = field.lines().next().filter(|l| !l.trim().is_empty())?;
    let start = yaml.find(first)?;
    let (start_line, start_column) = crate::diag::line_column(yaml, start);
    let before = field.get(..offset)?;
    let field_line = before.matches('\n').count();
    let column_in_line = before.rsplit('\n').next().map_or(0, |l| l.chars().count());
    if field_line == 0 {
        return Some((start_line, start_column + column_in_line));
    }
    let yaml_line = yaml.lines().nth(start_line - 1 + field_line)?;
    let indent = yaml_line.chars().take_while(|c| *c == ' ').count();
    Some((start_line + field_line, indent + 1 + column_in_line))
}

/// Images in the issue's `photos/` folder that issue.yaml never uses: usually a photo the editor
/// meant to place, or a misspelt file name. Reported as warnings; the build goes on.
pub fn unused_photos(loaded: &Loaded) -> Vec<Problem> {
    let used: Vec<PathBuf> = loaded
        .issue
        .blocks()
        .into_iter()
        .filter_map(|block| match block {
            Block::Photo(photo) => Some(loaded.dir.join(&photo.file)),
            _ => None,
        })
        .collect();
    let photos_dir = loaded.dir.join("photos");
    WalkDir::new(&photos_dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .filter(|entry| {
            let ext = entry
                .path()
                .extension()
                .map(|e| e.to_string_lossy().to_lowercase());
            matches!(
                ext.as_deref(),
                Some("jpg" | "jpeg" | "png" | "gif" | "webp" | "svg" | "heic" | "heif")
            )
        })
        .filter(|entry| !used.iter().any(|u| u == entry.path()))
        .map(|entry| {
            let name = entry
                .path()
                .strip_prefix(&loaded.dir)
                .unwrap_or(entry.path());
            Problem::warning(
                &loaded.issue_file.path,
                format!(
                    "图片 {} 没有在 issue.yaml 中使用（文件名写错了，还是忘了放？）",
                    name.display()
                ),
            )
        })
        .collect()
}

/// The text width in inches (156 mm), which photo widths are a percentage of.
const TEXT_WIDTH_INCHES: f64 = 156.0 / 25.4;
/// Below this a printed photo looks soft: a warning (R27).
const WARN_DPI: f64 = 150.0;
/// Below this it looks blurred or blocky: an error (R27).
const MIN_DPI: f64 = 100.0;

/// Why the photo at `file` (relative to the issue folder) cannot be used, if it cannot; else the
/// width in pixels of the photo as it stands upright (`None` for a drawing), for its resolution.
pub fn check_photo(issue_dir: &Path, file: &str) -> Result<Option<u32>, (String, String)> {
    if file.trim().is_empty() {
        return Err((
            "图片文件名（photo）是空的".into(),
            "写上图片的文件名，例如 photo: photos/01.jpg。".into(),
        ));
    }
    let relative = PathBuf::from(file);
    if relative.is_absolute()
        || relative
            .components()
            .any(|c| matches!(c, Component::ParentDir))
    {
        return Err((
            format!("图片路径「{file}」指向这一期文件夹之外"),
            "把图片放进这一期的 photos 文件夹，写成 photos/01.jpg 这样的相对路径。".into(),
        ));
    }
    let path = issue_dir.join(&relative);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let hint = match similar_file(&path) {
                Some(near) => {
                    let near = relative.with_file_name(near);
                    format!(
                        "你是不是想写「{}」？文件名的大小写和扩展名都要和文件一致。",
                        near.display()
                    )
                }
                None => {
                    "检查文件名（包括大小写和扩展名）；图片放在这一期的 photos 文件夹里。".into()
                }
            };
            return Err((format!("找不到图片「{file}」"), hint));
        }
        Err(e) => return Err(unreadable_photo(file, &e)),
    };
    if looks_like_heic(file, &bytes) {
        return Err((
            format!("「{file}」是 HEIC 格式的照片（苹果手机默认的格式），排版时无法使用"),
            "请转换成 JPEG：在 Mac 上用“预览”打开，选“文件 → 导出”，格式选 JPEG；在 Windows 上用“照片”或“画图”打开，“另存为” JPEG。以后拍照前在 iPhone 的“设置 → 相机 → 格式”中选“兼容性最佳”。再把 issue.yaml 里的文件名改成新的 .jpg。".into(),
        ));
    }
    let svg = file.to_lowercase().ends_with(".svg")
        && std::str::from_utf8(&bytes).is_ok_and(|t| t.contains("<svg"));
    if svg {
        return Ok(None);
    }
    // The header alone tells a photo too large to decode safely, before anything is decoded.
    let header = crate::photos::header(&bytes);
    if let Err(PhotoError::TooLarge { width, height }) = header {
        return Err((
            format!(
                "图片「{file}」有 {width} × {height} 像素，太大了，无法安全处理（最多 1 亿像素）"
            ),
            "用看图软件把它缩小（例如长边 4000 像素）后另存为 JPEG，再替换原文件；印刷用不着这么多像素。".into(),
        ));
    }
    let Some(format) = ExchangeFormat::detect(&bytes) else {
        if header.is_ok() {
            // A format Typst does not read (BMP, TIFF): it is converted to JPEG for print.
            return Ok(header.ok().map(|h| h.upright_width()));
        }
        return Err((
            format!("「{file}」不是可用的图片（支持 JPEG、PNG、GIF、WebP、BMP、TIFF、SVG）"),
            "用看图软件把它另存为 JPEG 或 PNG；手机的 HEIC 照片要先转换成 JPEG。".into(),
        ));
    };
    // Decoding here, with the compiler's own (memoised) decoder, names a damaged photo in the YAML
    // instead of failing later inside the template; the compile then reuses the decoded image.
    if let Err(reason) = RasterImage::plain(Bytes::new(bytes), format) {
        return Err((
            format!(
                "图片「{file}」已损坏，无法读取（{}）",
                // The decoder's words, for the maintainer, on one line.
                reason
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .replace(" )", ")")
            ),
            "用看图软件打开它检查；能打开的话另存为 JPEG 或 PNG，再替换原文件。".into(),
        ));
    }
    // The original's upright width, from its header: what the camera gave is what matters for the
    // resolution, not the copy scaled down for print.
    Ok(header.ok().map(|h| h.upright_width()))
}

/// Range checks of bulletin.yaml's `layout:` and `closing:`, located in bulletin.yaml.
fn check_settings(loaded: &Loaded) -> Vec<Problem> {
    let file = &loaded.bulletin_file;
    let locator = Locator::new(&file.text);
    let layout = &loaded.bulletin.layout;
    let mut problems = Vec::new();
    let mut check = |key: &str, ok: bool, message: String, hint: &str| {
        if !ok {
            let mut problem = Problem::new(&file.path, message).hint(hint);
            if let Some(offset) = locator.key(key) {
                problem = problem.at_offset(&file.text, offset).underline_token();
            }
            problems.push(problem);
        }
    };
    let size = layout.masthead_size;
    check(
        "masthead_size",
        (36.0..=72.0).contains(&size),
        format!("报头字号 masthead_size: {size} 不在 36–72 之间"),
        "单位是磅（pt）；初号是 42，小初是 36。",
    );
    let spacing = layout.masthead_spacing;
    check(
        "masthead_spacing",
        (0.0..=1.0).contains(&spacing),
        format!("报头字距 masthead_spacing: {spacing} 不在 0–1 之间"),
        "单位是字宽：0 表示不加字距，0.5 表示每字之间空半个字。",
    );
    let width = layout.masthead_width;
    check(
        "masthead_width",
        (50.0..=100.0).contains(&width),
        format!("报头字宽 masthead_width: {width} 不在 50–100 之间"),
        "这是报头文字的横向比例（百分比），100 为正常，小于 100 把字压窄。",
    );
    check(
        "red",
        layout.red.iter().all(|c| (0.0..=100.0).contains(c)),
        format!("红色 red: {:?} 里有不在 0–100 之间的数", layout.red),
        "red 是印刷四色（青、品红、黄、黑）的百分比，标准红为 [0, 80, 80, 0]。",
    );
    check(
        "blank_rows",
        (0..=3).contains(&layout.blank_rows),
        format!("blank_rows: {} 不在 0–3 之间", layout.blank_rows),
        "红线下面到第一篇标题之间空几行：通常 1 行，公文格式空 2 行。",
    );
    for level in &layout.bold_levels {
        check(
            "bold_levels",
            (1..=MAX_DEPTH as u32).contains(level),
            format!("bold_levels 里的 {level} 不是小标题层级"),
            "层级是 1（一、）、2（（一））、3（1.）、4（（1））；例如 bold_levels: [2, 3]。",
        );
    }
    for line in &loaded.bulletin.closing.distribution {
        check(
            "label",
            !line.label.trim().is_empty() && !line.label.ends_with('：'),
            format!("报尾的标签「{}」不合适", line.label),
            "标签只写“报”“送”“发”或“抄送”，冒号由程序加。",
        );
    }
    problems
}

/// The file beside the missing `path` that it most likely means: the same name in other case, or
/// the same name with another extension (01.JPG, 01.jpeg or 01.heic for 01.jpg). Names that differ
/// otherwise are not guessed at: 05.jpg is one letter from 04.jpg, and quite another photo.
fn similar_file(path: &Path) -> Option<String> {
    let stem = |name: &str| {
        let name = name.to_lowercase();
        match name.rsplit_once('.') {
            Some((stem, _)) if !stem.is_empty() => stem.to_string(),
            _ => name,
        }
    };
    let wanted = path.file_name()?.to_string_lossy().into_owned();
    std::fs::read_dir(path.parent()?)
        .ok()?
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_ok_and(|t| t.is_file()))
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| stem(name) == stem(&wanted))
        .min_by_key(|name| {
            (
                name.to_lowercase() != wanted.to_lowercase(),
                strsim::levenshtein(name, &wanted),
                name.clone(),
            )
        })
}

/// Why a photo that exists cannot be read, in Chinese.
fn unreadable_photo(file: &str, err: &std::io::Error) -> (String, String) {
    match err.kind() {
        std::io::ErrorKind::PermissionDenied => (
            format!("没有权限读取图片「{file}」"),
            "给这个文件加上读取权限：Windows 在文件上右键 → 属性 → 安全；Mac 在“显示简介”的“共享与权限”里设为“读与写”。或者把照片重新复制一份进来。".into(),
        ),
        std::io::ErrorKind::IsADirectory => (
            format!("「{file}」是一个文件夹，不是图片"),
            "photo 要写图片文件本身的名字，例如 photos/01.jpg。".into(),
        ),
        _ => (
            format!("无法读取图片「{file}」（{err}）"),
            "检查文件是否完整、是否有读取权限；必要时把照片重新复制一份进来。".into(),
        ),
    }
}

/// HEIC/HEIF (the iPhone's photo format), by its name or by its bytes: an ISO media file whose
/// `ftyp` box names a HEIF brand. Phones sometimes give such photos a .jpg name.
fn looks_like_heic(file: &str, bytes: &[u8]) -> bool {
    let name = file.to_lowercase();
    let brand = bytes.get(4..12).and_then(|b| b.strip_prefix(b"ftyp"));
    name.ends_with(".heic")
        || name.ends_with(".heif")
        || brand.is_some_and(|brand| {
            [
                b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1",
            ]
            .iter()
            .any(|heif| brand == *heif)
        })
}

/// Finds where values stand in the YAML text, moving forward as the model is walked in document
/// order, so that the n-th occurrence of a repeated text is found for the n-th value.
struct Locator<'a> {
    text: &'a str,
    cursor: usize,
}

impl<'a> Locator<'a> {
    fn new(text: &'a str) -> Self {
        Locator { text, cursor: 0 }
    }

    /// The next occurrence of `needle` at or after the cursor; moves the cursor past it.
    fn find(&mut self, needle: &str) -> Option<usize> {
        let needle = needle.trim();
        if needle.is_empty() {
            return None;
        }
        let found = self
            .text
            .get(self.cursor..)?
            .find(needle)
            .map(|i| i + self.cursor)?;
        self.cursor = found + needle.len();
        Some(found)
    }

    /// Where `key:` starts a line (after indentation and an optional `- `), outside comments.
    fn key_from(&self, from: usize, key: &str) -> Option<usize> {
        let mut offset = 0;
        for line in self.text.split_inclusive('\n') {
            let start = offset;
            offset += line.len();
            if start < from {
                continue;
            }
            let trimmed = line.trim_start();
            let item = trimmed
                .strip_prefix("- ")
                .map(str::trim_start)
                .unwrap_or(trimmed);
            let matches = if key == "-" {
                trimmed.starts_with('-')
            } else {
                item.strip_prefix(key)
                    .is_some_and(|rest| rest.starts_with(':'))
            };
            if matches {
                return Some(start + line.len() - item.len());
            }
        }
        None
    }

    /// The first line starting with `key:`, without moving the cursor.
    fn key(&self, key: &str) -> Option<usize> {
        self.key_from(0, key)
    }

    /// The next line starting with `key:` from the cursor; moves the cursor past it.
    fn next_key(&mut self, key: &str) -> Option<usize> {
        let line_start = self.text[..self.cursor.min(self.text.len())]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let found = self.key_from(line_start, key)?;
        self.cursor = found + key.len();
        Some(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_items_of_a_block_list_are_found_at_their_dashes() {
        let text = "table:\n  header: [a, b]\n  rows:\n    - [1, 2]\n    # a comment\n    - - 3\n      - 4\n    - [5]\n  note: x\n- next\n";
        let at = text.find("rows").unwrap();
        let lines: Vec<usize> = list_items(text, at)
            .into_iter()
            .map(|offset| crate::diag::line_column(text, offset).0)
            .collect();
        assert_eq!(lines, [4, 6, 8]);
        // Items at the key's own indentation count too; an inline list has none.
        let text = "rows:\n- [1]\n- [2]\nwidths: [1]\n";
        assert_eq!(list_items(text, 0).len(), 2);
        assert!(list_items("rows: [[1], [2]]\n", 0).is_empty());
    }

    #[test]
    fn heic_photos_are_recognised_by_name_or_by_bytes() {
        let mut heic = vec![0, 0, 0, 0x18];
        heic.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
        assert!(looks_like_heic("photos/01.jpg", &heic));
        assert!(looks_like_heic("photos/IMG_0001.HEIC", b""));
        let mut mp4 = vec![0, 0, 0, 0x18];
        mp4.extend_from_slice(b"ftypisom");
        assert!(!looks_like_heic("photos/01.jpg", &mp4));
        assert!(!looks_like_heic("photos/01.jpg", &[0xFF, 0xD8, 0xFF]));
    }

    #[test]
    fn a_photo_without_read_permission_is_explained_in_chinese() {
        // Tests may run as root, for whom no file is unreadable; the message is checked directly.
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let (message, hint) = unreadable_photo("photos/01.jpg", &denied);
        assert_eq!(message, "没有权限读取图片「photos/01.jpg」");
        assert!(hint.contains("读取权限"), "{hint}");
    }

    #[test]
    fn a_missing_photo_is_matched_to_the_file_it_most_likely_means() {
        let dir = tempfile::tempdir().unwrap();
        let photos = dir.path().join("photos");
        std::fs::create_dir(&photos).unwrap();
        for name in ["01.JPG", "02.jpeg", "封面.png"] {
            std::fs::write(photos.join(name), b"").unwrap();
        }
        let near = |name: &str| similar_file(&photos.join(name));
        assert_eq!(near("01.jpg").as_deref(), Some("01.JPG"));
        assert_eq!(near("02.jpg").as_deref(), Some("02.jpeg"));
        assert_eq!(near("封面.jpg").as_deref(), Some("封面.png"));
        assert_eq!(near("合影.jpg"), None);
        assert_eq!(near("03.jpg"), None, "another number is another photo");
        let (_, hint) = check_photo(dir.path(), "photos/01.jpg").unwrap_err();
        assert!(
            hint.starts_with("你是不是想写「photos/01.JPG」？"),
            "{hint}"
        );
    }
}
