//! Validate stage: checks of meaning that the types cannot express — folder and number agree and
//! no other issue has the number, nothing that prints is empty, sections at most four deep, photos
//! exist and are images, table rows fit the header — and warnings about content that will not
//! print as meant. Every problem is placed at the span the parser gave its value; all are
//! collected and reported together.

pub mod photo;

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diag::Problem;
use crate::load::{Loaded, NumberIndex};
use crate::model::walk::{Field, Role, Step, walk};
use crate::model::{BlockKind, Photo, Table};
use crate::project::{IssueId, Project};
use crate::recognise::{clean_caption, clean_heading, pasted_table};
use crate::render::{DEFAULT_PHOTO_WIDTH, TEXT_WIDTH_MM};

pub use photo::check_photo;

/// The deepest section level: 一、 →（一）→ 1. →（1）.
pub const MAX_DEPTH: usize = 4;

/// Below this a printed photo looks soft: a warning (R27).
const WARN_DPI: f64 = 150.0;
/// Below this it looks blurred or blocky: an error (R27).
const MIN_DPI: f64 = 100.0;

/// Checks the loaded issue against itself, its files and the other issues' numbers; returns every
/// problem found, errors and warnings, in the order of the file.
pub fn validate(project: &Project, loaded: &Loaded, numbers: &NumberIndex) -> Vec<Problem> {
    let mut v = Validator {
        root: &project.root,
        loaded,
        problems: Vec::new(),
    };
    v.number(numbers);
    if loaded.issue.articles.is_empty() {
        v.error(
            loaded.issue.articles_span,
            "这一期没有任何文章（articles 为空）",
            "在 articles 下至少写一篇文章。",
        );
    }
    for step in walk(&loaded.issue) {
        v.step(&step);
    }
    for field in loaded.issue.fields() {
        v.field(&field);
    }
    v.problems.extend(unused_photos(loaded));
    v.problems
}

struct Validator<'a> {
    root: &'a Path,
    loaded: &'a Loaded,
    problems: Vec<Problem>,
}

impl Validator<'_> {
    fn error(
        &mut self,
        span: crate::source::Span,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        let problem = Problem::error(message).hint(hint);
        self.problems.push(self.loaded.at(problem, span));
    }

    fn warning(
        &mut self,
        span: crate::source::Span,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        let problem = Problem::warning(message).hint(hint);
        self.problems.push(self.loaded.at(problem, span));
    }

    fn number(&mut self, numbers: &NumberIndex) {
        let number = self.loaded.issue.number;
        let id = &self.loaded.id;
        let folder = id.folder();
        match id.number() {
            Some(n) if n != number.value => self.error(
                number.span,
                format!("文件夹名是 {folder}，但 number 写的是 {}", number.value),
                format!(
                    "两者要一致：把 number 改成 {n}，或把文件夹改名为 {}。",
                    IssueId::of_number(number.value)
                ),
            ),
            _ if !id.is_canonical() || id.number() != Some(number.value) => self.error(
                number.span,
                format!("这一期的文件夹名「{folder}」不是三位期号"),
                format!(
                    "把文件夹改名为 {0}，输出文件才会是 第{0}期.pdf。",
                    IssueId::of_number(number.value)
                ),
            ),
            _ => {}
        }
        let same: Vec<String> = (numbers.others(id, number.value).iter())
            .map(|file| file.display().to_string())
            .collect();
        if !same.is_empty() {
            self.error(
                number.span,
                format!(
                    "期号 {0} 重复：{1} 里也写着 number: {0}",
                    number.value,
                    same.join("、")
                ),
                "每个期号只能有一期。复制出来的副本文件夹请移出 content 文件夹；是新的一期就改正它的 number 和文件夹名。",
            );
        }
    }

    fn step(&mut self, step: &Step) {
        match step {
            Step::Heading { level, section, .. } if *level > MAX_DEPTH => self.error(
                section.heading.span,
                format!(
                    "小标题「{}」在第 {level} 层，最多只能嵌套 {MAX_DEPTH} 层",
                    section.heading.text.trim()
                ),
                "层级依次是 一、 →（一）→ 1. →（1）；请把这一节移到上一层。",
            ),
            Step::Block { block, .. } => match &block.kind {
                BlockKind::Photo(photo) => self.photo(photo, block.span),
                BlockKind::Photos(photos) => {
                    if !(2..=3).contains(&photos.len()) {
                        self.error(
                            block.span,
                            format!(
                                "photos 里有 {} 张图片，一行只能并排 2 或 3 张",
                                photos.len()
                            ),
                            "两三张照片并排时写在 photos 下；一张照片用 photo。",
                        );
                    }
                    for photo in photos {
                        self.photo(photo, block.span);
                    }
                }
                BlockKind::Table(table) => self.table(table),
                _ => {}
            },
            _ => {}
        }
    }

    /// Checks every field has: not empty where something must print.
    fn field(&mut self, field: &Field) {
        let text = field.text();
        let role = field.role();
        if role.required() && text.is_blank() {
            let what = role.name();
            self.error(
                text.span,
                format!("{what}是空的"),
                format!("请填写{what}，或删除这一项。"),
            );
        }
        self.typed_marks(field);
        if let Field::Markdown(_, markdown) = field {
            for offset in crate::markup::stray_strong_markers(&markdown.text) {
                self.warning(
                    markdown.span_of(offset..offset + 2),
                    "这里的 ** 没有变成粗体，会原样印出",
                    "检查 ** 是否成对、** 与文字之间有没有多余的空格，例如 **检查方式：**；要印出星号本身，写成 \\*\\*。",
                );
            }
            for (range, dest) in crate::markup::refused_links(&markdown.text) {
                self.warning(
                    markdown.span_of(range),
                    format!("链接地址「{dest}」不是网址或邮箱，不会做成链接，只印出链接的文字"),
                    "链接要写成 [文字](https://……) 或 [文字](mailto:……)；不需要链接时去掉方括号和圆括号。",
                );
            }
        }
        for (offset, shown) in crate::new_issue::placeholders(&text.text) {
            self.warning(
                text.span_of(offset..offset + shown.len()),
                format!("「{shown}」是新建时留下的占位文字，还没有换成本期的内容"),
                format!(
                    "把整个「{}……）」换成要印出的文字。",
                    crate::new_issue::PLACEHOLDER
                ),
            );
        }
    }

    /// A number, colon or caption mark the editor typed that the bulletin adds or leaves out
    /// itself: removed when printed (see the view), and named here so that the YAML gets cleaned.
    fn typed_marks(&mut self, field: &Field) {
        let text = field.text();
        let what = field.role().name();
        match field.role() {
            Role::Heading | Role::ProblemTitle => {
                let clean = clean_heading(&text.text);
                if let Some(number) = clean.number {
                    self.warning(
                        text.span,
                        format!(
                            "{what}开头写了序号「{number}」，印出时已去掉：序号由程序按层次自动编排"
                        ),
                        format!(
                            "把 issue.yaml 里的「{number}」删掉，写成「{}」。",
                            clean.text
                        ),
                    );
                }
                if let Some(colon) = clean.colon.filter(|_| field.role() == Role::Heading) {
                    self.warning(
                        text.span,
                        format!("{what}末尾的「{colon}」印出时已去掉：本刊的小标题不带冒号"),
                        format!("把 issue.yaml 里末尾的「{colon}」删掉。"),
                    );
                }
            }
            Role::Caption => {
                let mark = &self.loaded.bulletin.caption_mark;
                if let (rest, Some(typed)) = clean_caption(&text.text, mark) {
                    self.warning(
                        text.span,
                        format!(
                            "图片说明开头写了「{typed}」，印出时已去掉：「{mark}」由程序自动加"
                        ),
                        format!(
                            "把 issue.yaml 里的「{typed}」删掉，写成「{}」。",
                            rest.trim()
                        ),
                    );
                }
            }
            Role::Paragraph => {
                if let Some(table) = pasted_table(&text.text) {
                    self.warning(text.span, table.message, table.hint);
                }
            }
            _ => {}
        }
    }

    fn photo(&mut self, photo: &Photo, _block: crate::source::Span) {
        let at = photo.file.span;
        match check_photo(self.root, &self.loaded.dir, &photo.file.value) {
            Err(problem) => self.problems.push(self.loaded.at(problem, at)),
            Ok(Some(pixels)) => self.resolution(photo, pixels),
            Ok(None) => {}
        }
    }

    /// R27: under 100 dpi at the printed size is an error, under 150 dpi a warning.
    fn resolution(&mut self, photo: &Photo, pixels: u32) {
        let inches =
            TEXT_WIDTH_MM / 25.4 * f64::from(photo.width.unwrap_or(DEFAULT_PHOTO_WIDTH)) / 100.0;
        let dpi = f64::from(pixels) / inches;
        let file = &photo.file.value;
        if dpi < MIN_DPI {
            self.error(
                photo.file.span,
                format!("图片「{file}」太小：按现在的宽度印出只有 {dpi:.0} dpi，印出来会模糊"),
                format!(
                    "印刷至少要 {MIN_DPI:.0} dpi（最好 300）：换一张像素更多的原图，或把 width 调小。"
                ),
            );
        } else if dpi < WARN_DPI {
            self.warning(
                photo.file.span,
                format!("图片 {file} 按现在的宽度印出只有 {dpi:.0} dpi，印出来会发虚"),
                "换一张像素更多的原图（手机原图即可），或把 width 调小。",
            );
        }
    }

    fn table(&mut self, table: &Table) {
        let columns = table.header.len();
        if columns == 0 {
            self.error(
                table.header_span,
                "表格没有表头（header 为空）",
                "在 header 中列出各列的名称，例如 [序号, 存在问题, 整改措施]。",
            );
            return;
        }
        if let Some(widths) = &table.widths
            && widths.value.len() != columns
        {
            self.error(
                widths.span,
                format!("widths 有 {} 个数，表头有 {columns} 列", widths.value.len()),
                "widths 给每一列一个相对宽度，个数与表头列数相同。",
            );
        }
        self.table_width(table);
        for (i, row) in table.rows.iter().enumerate() {
            if row.cells.len() != columns {
                self.error(
                    row.span,
                    format!(
                        "表格第 {} 行有 {} 个单元格，表头有 {columns} 列",
                        i + 1,
                        row.cells.len()
                    ),
                    "每一行的单元格个数要与表头相同；空单元格写 \"\"。",
                );
            }
        }
    }
}

impl Validator<'_> {
    /// Whether the table's columns can hold their text: every column at least as wide as its
    /// longest unbreakable run (a header word, a date, a number), which otherwise wraps — a
    /// warning where the editor chose the widths — and at least one character wide at all, which
    /// otherwise prints characters over each other — an error.
    fn table_width(&mut self, table: &Table) {
        let columns = table.header.len();
        let mm = if table.landscape {
            crate::render::TEXT_HEIGHT_MM
        } else {
            TEXT_WIDTH_MM
        };
        let usable = mm * 72.0 / 25.4 - columns as f64 * TABLE_CELL_INSET_PT;
        if usable / (columns as f64) < TABLE_CHAR_PT {
            let hint = if table.landscape {
                "把这张表拆成几张列数少一些的表。"
            } else {
                "把这张表拆成几张列数少一些的表，或者写 landscape: true 把这一页横过来排。"
            };
            self.error(
                table.header_span,
                format!("表格有 {columns} 列，版心宽度放不下：每列不到一个字宽，字会叠在一起"),
                hint,
            );
            return;
        }
        let Some(widths) = table.widths.as_ref().filter(|w| w.value.len() == columns) else {
            return;
        };
        let total: u32 = widths.value.iter().sum::<u32>().max(1);
        for (j, &w) in widths.value.iter().enumerate() {
            let width = usable * f64::from(w) / f64::from(total);
            let texts = (table.rows.iter())
                .filter_map(|row| row.cells.get(j))
                .flat_map(|cell| match cell {
                    crate::model::Cell::Text(text) => vec![text.text.as_str()],
                    crate::model::Cell::Items(items) => {
                        items.iter().map(|i| i.text.as_str()).collect()
                    }
                })
                .chain(std::iter::once(table.header[j].text.as_str()));
            let widest = texts
                .filter_map(unbreakable_run)
                .max_by(|a, b| run_width(a).total_cmp(&run_width(b)));
            if let Some(run) = widest.filter(|run| run_width(run) > width) {
                self.warning(
                    widths.span,
                    format!("表格第 {} 列太窄：「{run}」放不下，会折行", j + 1),
                    "去掉 widths 让程序按内容排列宽，或把这一列写宽些。",
                );
            }
        }
    }
}

/// Horizontal inset of a table cell, both sides, in pt (the theme's).
const TABLE_CELL_INSET_PT: f64 = 8.5;
/// The width of one character at table size (12 pt), in pt.
const TABLE_CHAR_PT: f64 = 12.0;

/// The longest run of `text` that must not wrap: a short text whole (a header word of up to four
/// characters), a date like 2022年7月, or a run of Latin letters and digits.
fn unbreakable_run(text: &str) -> Option<String> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if text.chars().count() <= 4 {
        return Some(text.to_string());
    }
    let mut runs: Vec<String> = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        let joins = c.is_ascii_alphanumeric()
            || matches!(c, '年' | '月' | '日' | '.' | '-' | '%')
                && current.chars().last().is_some_and(|l| l.is_ascii_digit());
        if joins {
            current.push(c);
        } else if !current.is_empty() {
            runs.push(std::mem::take(&mut current));
        }
    }
    runs.extend((!current.is_empty()).then_some(current));
    runs.into_iter()
        .filter(|run| run.chars().count() <= 12)
        .max_by(|a, b| run_width(a).total_cmp(&run_width(b)))
}

/// The printed width of `run` at table size: a CJK character 12 pt, a Latin letter or digit 6 pt.
fn run_width(run: &str) -> f64 {
    run.chars()
        .map(|c| {
            if c.is_ascii() {
                TABLE_CHAR_PT / 2.0
            } else {
                TABLE_CHAR_PT
            }
        })
        .sum()
}

/// Images in the issue's `photos/` folder that issue.yaml never uses: usually a photo the editor
/// meant to place, or a misspelt file name. Reported as warnings; the build goes on.
pub fn unused_photos(loaded: &Loaded) -> Vec<Problem> {
    let used: Vec<PathBuf> = (loaded.issue.photos().into_iter())
        .map(|photo| loaded.dir.join(&photo.file.value))
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
                Some(
                    "jpg"
                        | "jpeg"
                        | "png"
                        | "gif"
                        | "webp"
                        | "svg"
                        | "heic"
                        | "heif"
                        | "bmp"
                        | "tif"
                        | "tiff"
                )
            )
        })
        .filter(|entry| !used.iter().any(|u| u == entry.path()))
        .map(|entry| {
            let name = entry
                .path()
                .strip_prefix(&loaded.dir)
                .unwrap_or(entry.path());
            Problem::warning(format!(
                "图片 {} 没有在 issue.yaml 中使用（文件名写错了，还是忘了放？）",
                name.display()
            ))
            .in_file(&loaded.issue_file().path)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unbreakable_run_of_a_cell_is_its_short_text_a_date_or_a_number() {
        assert_eq!(unbreakable_run("序号").as_deref(), Some("序号"));
        assert_eq!(unbreakable_run("整改时限").as_deref(), Some("整改时限"));
        assert_eq!(
            unbreakable_run("2022年7月底前完成").as_deref(),
            Some("2022年7月")
        );
        assert_eq!(unbreakable_run("预算 15000 元整").as_deref(), Some("15000"));
        assert_eq!(unbreakable_run("党建理论方面与业务深度融合"), None);
        assert!(run_width("2022年7月") > run_width("序号"));
    }
}
