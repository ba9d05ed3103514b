//! View structs: the issue flattened into what the templates print, in print order. Plain text stays
//! raw (each template's autoescape handles it); Markdown fields arrive converted for each output.

use std::collections::HashMap;

use serde::Serialize;

use crate::diag::Problem;
use crate::load::Loaded;
use crate::markup::{join_lines, markdown_to_markdown, markdown_to_typst};
use crate::model::walk::{Step, walk};
use crate::model::{BlockKind, Cell, Layout, Markdown, Photo, Plain};
use crate::recognise::{clean_caption, clean_heading};

/// The whole issue, as the templates see it.
#[derive(Debug, Serialize)]
pub struct IssueView {
    pub name: String,
    pub publisher: String,
    /// The printed number, e.g. 第【034】期.
    pub number_text: String,
    /// The folder name, e.g. 034.
    pub folder: String,
    /// 2022年4月4日.
    pub date_text: String,
    pub caption_mark: String,
    pub articles: Vec<ArticleView>,
    pub closing: ClosingView,
    pub layout: Layout,
}

/// The 报尾: distribution lines, then 稿件编辑 (and 审核) left and the print run right.
#[derive(Debug, Serialize)]
pub struct ClosingView {
    pub distribution: Vec<DistributionView>,
    pub editor: String,
    pub reviewer: Option<String>,
    pub copies: Option<u32>,
}

#[derive(Debug, Serialize)]
pub struct DistributionView {
    pub label: String,
    pub to: String,
}

#[derive(Debug, Serialize)]
pub struct ArticleView {
    /// The title on one line (the editor's line breaks removed).
    pub title: String,
    /// The title's lines as the editor broke it (one line when the editor chose no break).
    pub title_lines: Vec<String>,
    /// The 编者按, converted for each output.
    pub note: Option<NoteView>,
    pub blocks: Vec<BlockView>,
    /// 落款: the signing office and the date under it.
    pub signature: Option<SignatureView>,
    /// 附件 names, in order.
    pub attachments: Vec<String>,
    /// This article starts on a new page.
    pub page_break: bool,
}

/// The signature under an article.
#[derive(Debug, Serialize)]
pub struct SignatureView {
    pub name: String,
    pub date_text: String,
}

/// An editor's note (编者按) under an article's title.
#[derive(Debug, Serialize)]
pub struct NoteView {
    pub typst: String,
    pub markdown: String,
}

/// One printable block.
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BlockView {
    /// A numbered section heading; `level` 1–4.
    Heading {
        level: usize,
        ordinal: String,
        text: String,
    },
    /// Markdown paragraphs, converted for each output.
    Text { typst: String, markdown: String },
    /// A numbered problem: bold lead, then its explanation.
    Problem {
        ordinal: String,
        title: String,
        typst: String,
        markdown: String,
    },
    /// A photo: `path` from the project root, `md_path` relative to the output folder.
    Photo {
        path: String,
        md_path: String,
        caption: String,
        /// Percent of the text width.
        width: u32,
        /// Whether the editor chose the width.
        width_given: bool,
        /// May move to the top of the next page when it does not fit.
        float: bool,
    },
    /// Two or three photos side by side.
    Photos { items: Vec<PhotoItemView> },
    Table {
        title: Option<String>,
        header: Vec<String>,
        rows: Vec<RowView>,
        /// The editor's relative widths; empty when the columns are fitted to their content.
        widths: Vec<u32>,
        note: Option<String>,
        landscape: bool,
    },
}

/// One photo of a row of photos.
#[derive(Debug, Serialize)]
pub struct PhotoItemView {
    pub path: String,
    pub md_path: String,
    pub caption: String,
}

/// A table row; `breakable` only when it may be too tall for one page (see `may_overflow_a_page`).
#[derive(Debug, Serialize)]
pub struct RowView {
    pub cells: Vec<CellView>,
    pub breakable: bool,
}

/// A table cell: its items, numbered 1. 2. … when the editor wrote a list.
#[derive(Debug, Serialize)]
pub struct CellView {
    pub items: Vec<String>,
    pub numbered: bool,
}

/// Default printed photo width, percent of the text width.
pub const DEFAULT_PHOTO_WIDTH: u32 = 60;

/// The issue as the templates see it. `photos` maps a photo's `file` (as written in issue.yaml) to
/// the file the PDF uses, from the project root (the photo prepared for print); a photo not in it
/// is used as it is. A Markdown field that cannot be converted is a problem at its place.
pub fn issue_view(loaded: &Loaded, photos: &HashMap<String, String>) -> Result<IssueView, Problem> {
    let issue = &loaded.issue;
    let bulletin = &loaded.bulletin;
    let folder = loaded.id.folder().to_string();
    let photo_path = |photo: &Photo| {
        (photos.get(&photo.file.value).cloned())
            .unwrap_or_else(|| format!("/content/{folder}/{}", photo.file.value))
    };
    let md_path = |photo: &Photo| url_path(&format!("../../content/{folder}/{}", photo.file.value));
    let convert = |md: &Markdown| convert(loaded, md);
    // Numbers and marks the editor typed are printed once: by the bulletin (see validate).
    let caption = |text: &Plain| {
        clean_caption(&plain(text), &bulletin.caption_mark)
            .0
            .to_string()
    };
    let mut articles: Vec<ArticleView> = Vec::new();
    for step in walk(issue) {
        if let Step::Article { article, .. } = step {
            {
                let note = match &article.note {
                    Some(note) => {
                        let (typst, markdown) = convert(note)?;
                        Some(NoteView { typst, markdown })
                    }
                    None => None,
                };
                let title_lines: Vec<String> = (article.title.text.trim().split('\n'))
                    .map(|line| line.trim().to_string())
                    .filter(|line| !line.is_empty())
                    .collect();
                articles.push(ArticleView {
                    title: plain(&article.title),
                    title_lines,
                    note,
                    blocks: Vec::new(),
                    signature: None,
                    attachments: Vec::new(),
                    page_break: article.page_break,
                });
            }
            continue;
        }
        let Some(current) = articles.last_mut() else {
            continue;
        };
        let blocks = &mut current.blocks;
        match step {
            Step::Article { .. } => {}
            Step::Heading {
                level,
                number,
                section,
            } => blocks.push(BlockView::Heading {
                level,
                ordinal: ordinal(level, number),
                text: clean_heading(&plain(&section.heading)).text.to_string(),
            }),
            Step::Block { block, .. } => match &block.kind {
                BlockKind::Text(text) => {
                    let (typst, markdown) = convert(text)?;
                    blocks.push(BlockView::Text { typst, markdown });
                }
                BlockKind::Photo(photo) => blocks.push(BlockView::Photo {
                    path: photo_path(photo),
                    md_path: md_path(photo),
                    caption: caption(&photo.caption),
                    width: photo.width.unwrap_or(DEFAULT_PHOTO_WIDTH),
                    width_given: photo.width.is_some(),
                    float: photo.float,
                }),
                BlockKind::Photos(row) => blocks.push(BlockView::Photos {
                    items: (row.iter())
                        .map(|photo| PhotoItemView {
                            path: photo_path(photo),
                            md_path: md_path(photo),
                            caption: caption(&photo.caption),
                        })
                        .collect(),
                }),
                BlockKind::Table(table) => {
                    let widths = table.widths.as_ref().map(|w| w.value.clone());
                    let estimate = widths
                        .clone()
                        .unwrap_or_else(|| vec![1; table.header.len()]);
                    let rows = (table.rows.iter())
                        .map(|row| {
                            let cells: Vec<CellView> = row.cells.iter().map(cell_items).collect();
                            RowView {
                                breakable: may_overflow_a_page(&cells, &estimate),
                                cells,
                            }
                        })
                        .collect();
                    blocks.push(BlockView::Table {
                        title: table.title.as_ref().map(plain),
                        header: table.header.iter().map(plain).collect(),
                        rows,
                        widths: widths.unwrap_or_default(),
                        note: table.note.as_ref().map(plain),
                        landscape: table.landscape,
                    });
                }
                BlockKind::Findings(_) => {}
            },
            Step::Summary { text, .. } => {
                let (typst, markdown) = convert(text)?;
                blocks.push(BlockView::Text { typst, markdown });
            }
            Step::Shortcoming {
                level,
                number,
                item,
            } => {
                let (typst, markdown) = convert(&item.text)?;
                blocks.push(BlockView::Problem {
                    ordinal: ordinal(level, number),
                    // A problem's lead keeps its end (a colon may belong to the sentence).
                    title: clean_heading(&plain(&item.title))
                        .without_number
                        .to_string(),
                    typst,
                    markdown,
                });
            }
            Step::ArticleEnd { article } => {
                current.signature = article.signature.as_ref().map(|s| SignatureView {
                    name: plain(&s.name),
                    date_text: s.date.map_or(issue.date.value, |d| d.value).chinese(),
                });
                current.attachments = article.attachments.iter().map(plain).collect();
            }
        }
    }
    let closing = &bulletin.closing;
    Ok(IssueView {
        name: plain(&bulletin.name),
        publisher: plain(&bulletin.publisher),
        number_text: bulletin.format_number(issue.number.value, issue.date.value.year),
        folder: folder.clone(),
        date_text: issue.date.value.chinese(),
        caption_mark: bulletin.caption_mark.clone(),
        articles,
        closing: ClosingView {
            distribution: (closing.distribution.iter())
                .map(|line| DistributionView {
                    label: plain(&line.label),
                    to: plain(&line.to),
                })
                .collect(),
            editor: plain(issue.editor.as_ref().unwrap_or(&bulletin.editor)),
            reviewer: (issue.reviewer.as_ref())
                .or(closing.reviewer.as_ref())
                .map(plain),
            copies: issue.copies.or(closing.copies),
        },
        layout: bulletin.layout.clone(),
    })
}

/// A plain field as printed: trimmed, its lines joined (CJK-aware, see `join_lines`).
pub fn plain(text: &Plain) -> String {
    join_lines(text.text.trim())
}

/// Percent-encodes a relative path for a Markdown link destination, so that spaces, brackets and
/// Chinese file names keep the image an image in every viewer.
fn url_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Paragraphs pasted from Word often start with full-width spaces as a hand-made indent; the theme
/// indents every paragraph already.
fn strip_hand_indent(md: &str) -> String {
    md.lines()
        .map(|line| line.trim_start_matches('\u{3000}'))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A Markdown field converted for each output; a field that cannot be converted is a problem at
/// the place in it that fails.
fn convert(loaded: &Loaded, md: &Markdown) -> Result<(String, String), Problem> {
    let text = strip_hand_indent(&md.text);
    let typst = markdown_to_typst(&text).map_err(|error| {
        // The hand indent removed before the offset shifts it within its line; the line is right.
        let at = md.span_of(error.offset..error.offset + 1);
        loaded.at(
            Problem::error(format!("段落中的 Markdown 无法转换：{}", error.message))
                .hint("检查这一段的 Markdown 写法；要原样显示的 * _ # 等符号前加 \\。"),
            at,
        )
    })?;
    Ok((typst, markdown_to_markdown(&text).trim().to_string()))
}

/// Rows stay whole on one page (a row split by a page break is hard to read), unless a row could
/// be taller than a page: an unbreakable row that does not fit would be cut off. The estimate is
/// generous: 12 pt characters, full-width, in each column's share of the 156 mm text width.
fn may_overflow_a_page(cells: &[CellView], widths: &[u32]) -> bool {
    const TEXT_WIDTH_PT: f64 = super::TEXT_WIDTH_MM * 72.0 / 25.4;
    const LINE_PT: f64 = 12.0 * 1.4;
    const PAGE_PT: f64 = super::TEXT_HEIGHT_MM * 72.0 / 25.4;
    let total: u32 = widths.iter().sum::<u32>().max(1);
    let height = |cell: &CellView, width: u32| {
        let chars_per_line = ((TEXT_WIDTH_PT * f64::from(width) / f64::from(total) - 8.0) / 12.0)
            .floor()
            .max(1.0);
        let lines: f64 = cell
            .items
            .iter()
            .map(|item| (item.chars().count() as f64 + 3.0) / chars_per_line)
            .map(f64::ceil)
            .sum();
        lines * LINE_PT + 12.0
    };
    let tallest = cells
        .iter()
        .zip(widths)
        .map(|(cell, &w)| height(cell, w))
        .fold(0.0, f64::max);
    tallest > PAGE_PT * 0.7
}

/// A cell as items: text and numbers are one plain item; a list is numbered by the template.
fn cell_items(cell: &Cell) -> CellView {
    match cell {
        Cell::Text(text) => CellView {
            items: vec![plain(text)],
            numbered: false,
        },
        Cell::Items(items) => CellView {
            items: items.iter().map(plain).collect(),
            numbered: true,
        },
    }
}

/// The GB/T 9704 ordinal of the `n`-th heading at `level`: 一、 /（一）/ 1. /（1）.
pub fn ordinal(level: usize, n: usize) -> String {
    match level {
        1 => format!("{}、", chinese_number(n)),
        2 => format!("（{}）", chinese_number(n)),
        3 => format!("{n}."),
        _ => format!("（{n}）"),
    }
}

/// 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九; larger numbers stay in digits.
pub fn chinese_number(n: usize) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n].to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { DIGITS[n % 10] }),
        20..=99 => format!(
            "{}十{}",
            DIGITS[n / 10],
            if n.is_multiple_of(10) {
                ""
            } else {
                DIGITS[n % 10]
            }
        ),
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_rows_break_only_when_they_could_outgrow_a_page() {
        let cell = |n: usize, text: &str| CellView {
            items: vec![text.to_string(); n],
            numbered: n > 1,
        };
        let seed_row = [
            cell(1, "1"),
            cell(1, "党建理论方面与业务深度融合"),
            cell(5, "深化思政深度融合合作"),
            cell(1, "2022年底"),
        ];
        assert!(!may_overflow_a_page(&seed_row, &[1, 4, 7, 2]));
        let huge = [cell(1, "1"), cell(80, "一项很长的整改措施写在这里")];
        assert!(may_overflow_a_page(&huge, &[1, 4]));
    }

    #[test]
    fn encodes_photo_paths_for_markdown() {
        assert_eq!(
            url_path("../../content/034/photos/01 (2).jpg"),
            "../../content/034/photos/01%20%282%29.jpg"
        );
        assert_eq!(url_path("photos/照片.jpg"), "photos/%E7%85%A7%E7%89%87.jpg");
    }

    #[test]
    fn drops_full_width_spaces_typed_as_an_indent() {
        assert_eq!(
            strip_hand_indent("　　为深入推进\n　　第二行"),
            "为深入推进\n第二行"
        );
        assert_eq!(strip_hand_indent("戴党徽　亮身份"), "戴党徽　亮身份");
    }

    #[test]
    fn numbers_headings_in_the_official_order() {
        let cases = [
            (1, 1, "一、"),
            (1, 3, "三、"),
            (2, 1, "（一）"),
            (2, 5, "（五）"),
            (3, 2, "2."),
            (4, 3, "（3）"),
        ];
        for (level, n, expected) in cases {
            assert_eq!(ordinal(level, n), expected, "level {level} n {n}");
        }
    }

    #[test]
    fn writes_chinese_numerals_up_to_ninety_nine() {
        let cases = [
            (1, "一"),
            (10, "十"),
            (11, "十一"),
            (20, "二十"),
            (21, "二十一"),
            (99, "九十九"),
            (100, "100"),
        ];
        for (n, expected) in cases {
            assert_eq!(chinese_number(n), expected);
        }
    }
}
