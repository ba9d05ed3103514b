//! View structs: the issue flattened into what the templates print, in print order. Plain text stays
//! raw (each template's autoescape handles it); Markdown fields arrive converted for each output.

use std::collections::HashMap;

use serde::Serialize;

use crate::load::{Loaded, plain};
use crate::markup::{MarkupError, markdown_to_markdown, markdown_to_typst};
use crate::model::{Block, Cell, Findings, Layout, Section};

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
    pub title: String,
    /// The 编者按, converted for each output.
    pub note: Option<NoteView>,
    pub blocks: Vec<BlockView>,
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
        width: u32,
        width_given: bool,
    },
    Table {
        header: Vec<String>,
        rows: Vec<RowView>,
        widths: Vec<u32>,
        note: Option<String>,
    },
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

/// Where a Markdown field failed to convert.
#[derive(Debug)]
pub struct ViewError {
    /// The field's text, to locate it in the YAML.
    pub field: String,
    pub error: MarkupError,
}

/// Default printed photo width, percent of the text width.
pub const DEFAULT_PHOTO_WIDTH: u32 = 60;

/// The issue as the templates see it. `photos` maps a photo's `file` (as written in issue.yaml) to
/// the file the PDF uses, from the project root (the photo prepared for print); a photo not in it
/// is used as it is.
pub fn issue_view(
    loaded: &Loaded,
    photos: &HashMap<String, String>,
) -> Result<IssueView, ViewError> {
    let issue = &loaded.issue;
    let bulletin = &loaded.bulletin;
    let mut builder = Builder {
        folder: loaded.folder.clone(),
        photos,
        blocks: Vec::new(),
    };
    let mut articles = Vec::new();
    for article in &issue.articles {
        builder.blocks(&article.lead, 0)?;
        builder.sections(&article.sections, 1)?;
        builder.blocks(&article.closing, 0)?;
        let note = match &article.note {
            Some(note) => {
                let (typst, markdown) = convert(note)?;
                Some(NoteView { typst, markdown })
            }
            None => None,
        };
        articles.push(ArticleView {
            title: plain(&article.title),
            note,
            blocks: std::mem::take(&mut builder.blocks),
        });
    }
    Ok(IssueView {
        name: plain(&bulletin.name),
        publisher: plain(&bulletin.publisher),
        number_text: bulletin.format_number(issue.number, issue.date.year),
        folder: loaded.folder.clone(),
        date_text: issue.date.chinese(),
        caption_mark: bulletin.caption_mark.clone(),
        articles,
        closing: ClosingView {
            distribution: (bulletin.closing.distribution.iter())
                .map(|line| DistributionView {
                    label: plain(&line.label),
                    to: plain(&line.to),
                })
                .collect(),
            editor: plain(issue.editor.as_deref().unwrap_or(&bulletin.editor)),
            reviewer: (issue.reviewer.as_ref())
                .or(bulletin.closing.reviewer.as_ref())
                .map(|r| plain(r)),
            copies: issue.copies.or(bulletin.closing.copies),
        },
        layout: bulletin.layout.clone(),
    })
}

struct Builder<'a> {
    folder: String,
    photos: &'a HashMap<String, String>,
    blocks: Vec<BlockView>,
}

impl Builder<'_> {
    fn sections(&mut self, sections: &[Section], level: usize) -> Result<(), ViewError> {
        for (i, section) in sections.iter().enumerate() {
            self.blocks.push(BlockView::Heading {
                level,
                ordinal: ordinal(level, i + 1),
                text: plain(&section.heading),
            });
            self.blocks(&section.body, level)?;
            self.sections(&section.sections, level + 1)?;
        }
        Ok(())
    }

    fn blocks(&mut self, blocks: &[Block], level: usize) -> Result<(), ViewError> {
        for block in blocks {
            match block {
                Block::Text(text) => {
                    let (typst, markdown) = convert(text)?;
                    self.blocks.push(BlockView::Text { typst, markdown });
                }
                Block::Photo(photo) => self.blocks.push(BlockView::Photo {
                    path: (self.photos.get(&photo.file).cloned())
                        .unwrap_or_else(|| format!("/content/{}/{}", self.folder, photo.file)),
                    md_path: url_path(&format!("../../content/{}/{}", self.folder, photo.file)),
                    caption: plain(&photo.caption),
                    width: photo.width.unwrap_or(DEFAULT_PHOTO_WIDTH),
                    width_given: photo.width.is_some(),
                }),
                Block::Table(table) => {
                    // No widths: the template fits the columns to their text.
                    let widths = table.widths.clone().unwrap_or_default();
                    let estimate = table
                        .widths
                        .clone()
                        .unwrap_or_else(|| vec![1; table.header.len()]);
                    let rows = table
                        .rows
                        .iter()
                        .map(|row| {
                            let cells: Vec<CellView> = row.iter().map(cell_items).collect();
                            RowView {
                                breakable: may_overflow_a_page(&cells, &estimate),
                                cells,
                            }
                        })
                        .collect();
                    self.blocks.push(BlockView::Table {
                        header: table.header.iter().map(|h| plain(h)).collect(),
                        rows,
                        widths,
                        note: table.note.as_deref().map(plain),
                    });
                }
                Block::Findings(findings) => self.findings(findings, level)?,
            }
        }
        Ok(())
    }

    /// Strengths become the next level's numbered subsections; problems are numbered two levels
    /// down (under 三、 the seed prints 1. 2. 3.).
    fn findings(&mut self, findings: &Findings, level: usize) -> Result<(), ViewError> {
        if let Some(summary) = &findings.summary {
            let (typst, markdown) = convert(summary)?;
            self.blocks.push(BlockView::Text { typst, markdown });
        }
        self.sections(&findings.strengths, level + 1)?;
        if let Some(summary) = &findings.problems_summary {
            let (typst, markdown) = convert(summary)?;
            self.blocks.push(BlockView::Text { typst, markdown });
        }
        let problem_level = (level + 2).min(crate::validate::MAX_DEPTH);
        for (i, problem) in findings.problems.iter().enumerate() {
            let (typst, markdown) = convert(&problem.text)?;
            self.blocks.push(BlockView::Problem {
                ordinal: ordinal(problem_level, i + 1),
                title: plain(&problem.title),
                typst,
                markdown,
            });
        }
        Ok(())
    }
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

fn convert(md: &str) -> Result<(String, String), ViewError> {
    let md = &strip_hand_indent(md);
    let typst = markdown_to_typst(md).map_err(|error| ViewError {
        field: md.to_string(),
        error,
    })?;
    Ok((typst, markdown_to_markdown(md).trim().to_string()))
}

/// Rows stay whole on one page (a row split by a page break is hard to read), unless a row could
/// be taller than a page: an unbreakable row that does not fit would be cut off. The estimate is
/// generous: 12 pt characters, full-width, in each column's share of the 156 mm text width.
fn may_overflow_a_page(cells: &[CellView], widths: &[u32]) -> bool {
    const TEXT_WIDTH_PT: f64 = 442.2;
    const LINE_PT: f64 = 12.0 * 1.4;
    const PAGE_PT: f64 = 637.8;
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
    let single = |text: String| CellView {
        items: vec![text],
        numbered: false,
    };
    match cell {
        Cell::Text(text) => single(plain(text)),
        Cell::Integer(n) => single(n.to_string()),
        Cell::Items(items) => CellView {
            items: items.iter().map(|i| plain(i)).collect(),
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
