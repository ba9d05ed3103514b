//! The content format: the types of `content/bulletin.yaml` and `content/<NNN>/issue.yaml`.
//!
//! No I/O here. Every value an editor wrote keeps its span ([`Span`]) from the parse, so checks
//! can point at it. Text comes in two types: [`Plain`] (titles, captions, cells: printed as it
//! is) and [`Markdown`] (paragraphs: bold, italic, lists), so how a field is checked, converted and
//! escaped follows from its type. [`decode`] builds these from the YAML tree with Chinese errors;
//! [`walk`] visits an issue in print order, the one traversal every stage uses.

pub mod decode;
pub mod walk;

use std::fmt;
use std::ops::Deref;

use crate::source::Span;

pub use decode::{all_keys, decode_bulletin, decode_issue};

impl Issue {
    /// Parses issue.yaml's text (no I/O), as file [`crate::source::FileId::ISSUE`] named `issue.yaml`.
    pub fn parse(text: &str) -> Result<Issue, crate::diag::Problems> {
        let file = crate::source::SourceFile::new(crate::source::FileId::ISSUE, "issue.yaml", text);
        let root = crate::yaml::parse(&file, &all_keys())?;
        Ok(decode_issue(&file, &root)?)
    }
}

impl Bulletin {
    /// Parses bulletin.yaml's text (no I/O), as file [`crate::source::FileId::BULLETIN`].
    pub fn parse(text: &str) -> Result<Bulletin, crate::diag::Problems> {
        let file =
            crate::source::SourceFile::new(crate::source::FileId::BULLETIN, "bulletin.yaml", text);
        let root = crate::yaml::parse(&file, &all_keys())?;
        Ok(decode_bulletin(&file, &root)?)
    }
}

/// Text an editor wrote, with where it stands in the source.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Text {
    pub text: String,
    /// The value in the YAML file (for an empty value, its key).
    pub span: Span,
    /// (byte in `text`, byte in the file) where a stretch of the text that stands in the source
    /// as it is begins: lines of a block, the folded lines of a long value.
    pub anchors: Vec<(u32, u32)>,
}

impl Text {
    /// The span in the file of bytes `range` of the text.
    pub fn span_of(&self, range: std::ops::Range<usize>) -> Span {
        let source = |offset: usize| -> usize {
            let offset = offset as u32;
            let anchor = (self.anchors.iter().rev())
                .find(|(text, _)| *text <= offset)
                .or(self.anchors.first());
            match anchor {
                Some(&(text, source)) => (source + offset.saturating_sub(text)) as usize,
                None => self.span.start as usize,
            }
        };
        let start = source(range.start);
        let end = source(range.end).max(start);
        Span::new(self.span.file, start, end)
    }

    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// Text printed as it is: a title, heading, caption, table cell, name.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Plain(pub Text);

/// Text in Markdown: paragraphs with bold, italic and lists.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Markdown(pub Text);

impl Deref for Plain {
    type Target = Text;
    fn deref(&self) -> &Text {
        &self.0
    }
}

impl Deref for Markdown {
    type Target = Text;
    fn deref(&self) -> &Text {
        &self.0
    }
}

/// A value with the span it was written at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// Settings every issue shares (`content/bulletin.yaml`).
#[derive(Debug, Clone, PartialEq)]
pub struct Bulletin {
    /// The bulletin's name in the masthead, e.g. 长艺党建.
    pub name: Plain,
    /// The office that publishes it, left under the masthead.
    pub publisher: Plain,
    /// How the issue number is printed: `{n}` is the number, `{n:03}` pads it to three digits,
    /// `{year}` is the issue's year. Default 第【{n:03}】期, as on the reference issue.
    pub number_format: String,
    /// Default for the 稿件编辑 line; an issue may override it.
    pub editor: Plain,
    /// The mark in front of every photo caption.
    pub caption_mark: String,
    /// The 报尾 at the bottom of the last page: who receives the bulletin, print run, reviewer.
    pub closing: ClosingSettings,
    /// Page and masthead settings; every one has the default of bulletin-style.md §5.
    pub layout: Layout,
    /// Which Typst turns the generated source into the PDF; the embedded compiler by default.
    pub engine: Engine,
}

impl Bulletin {
    /// The printed issue number, from `number_format`.
    pub fn format_number(&self, number: u32, year: i32) -> String {
        let padded = |width: usize| format!("{number:0width$}");
        let mut out = self.number_format.replace("{year}", &year.to_string());
        for width in 1..=6 {
            out = out.replace(&format!("{{n:0{width}}}"), &padded(width));
        }
        out.replace("{n}", &number.to_string())
    }
}

/// The Typst that compiles the generated source into the PDF.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Engine {
    /// The compiler built into `bulletin` (nothing else to install).
    #[default]
    Embedded,
    /// The `typst` program (typst-cli) of the same version as the embedded compiler.
    TypstCli,
}

impl Engine {
    pub const ALL: [Engine; 2] = [Engine::Embedded, Engine::TypstCli];

    /// The name written in bulletin.yaml and after `--engine`.
    pub fn name(self) -> &'static str {
        match self {
            Engine::Embedded => "embedded",
            Engine::TypstCli => "typst-cli",
        }
    }

    /// The engine called `name` (`embedded` or `typst-cli`).
    pub fn parse(name: &str) -> Option<Engine> {
        Engine::ALL.into_iter().find(|e| e.name() == name)
    }
}

/// The 报尾 (bulletin-style.md §2.3, R30–R33). An issue may override `reviewer` and `copies`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClosingSettings {
    /// Distribution lines, e.g. 报：院党委领导 / 送：各党总支 / 发：各支部, in print order.
    pub distribution: Vec<Distribution>,
    /// 审核：… on the last line; none by default.
    pub reviewer: Option<Plain>,
    /// （共印×份） at the right of the last line; none by default.
    pub copies: Option<u32>,
}

/// One distribution line of the 报尾.
#[derive(Debug, Clone, PartialEq)]
pub struct Distribution {
    /// 报, 送, 发 or 抄送 (printed with a full-width colon).
    pub label: Plain,
    /// The recipients.
    pub to: Plain,
}

/// Layout settings of `bulletin.yaml`'s `layout:` (bulletin-style.md §5), range-checked when read.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Layout {
    /// Size of the masthead name in pt (R19: 36–72, default 42 = 初号).
    pub masthead_size: f64,
    /// Extra space between the name's characters, in em (default 0.5).
    pub masthead_spacing: f64,
    /// Horizontal scale of the name in percent (50–100; below 100 condenses it).
    pub masthead_width: f64,
    /// The red of the masthead as CMYK percentages (R22: 0, 80, 80, 0).
    pub red: [f64; 4],
    /// The rule under the masthead (R22).
    pub rule: RuleStyle,
    /// Blank rows between the masthead rule and the first title (R23: 1, or 2 as in GB 7.3.1).
    pub blank_rows: u32,
    /// Where page numbers go (R36).
    pub page_numbers: PageNumbers,
    /// Whether page 1 carries a number (R37).
    pub number_first_page: bool,
    /// Mirror the margins on even pages (R2): the wider margin is always on the binding side.
    pub mirror: bool,
    /// Section levels printed bold by an outline stroke (R17): 1 = 一、, 2 = （一）, 3 = 1., 4 = （1）.
    pub bold_levels: Vec<u32>,
    /// A quarter-em gap between Chinese and Latin letters or digits (R14; off by default).
    pub latin_spacing: bool,
    /// What comes between two articles: `continue` (two blank rows, then the next title) or `page`
    /// (each article on a new page).
    pub article_break: ArticleBreak,
    /// The narrowest a photo may shrink to fit the rest of a page before it moves to the next one,
    /// in percent of the text width.
    pub photo_min_width: u32,
    /// The tallest a portrait photo is printed, in grid rows.
    pub portrait_rows: u32,
    /// The most pages an issue may have: a bound for content pasted by mistake.
    pub max_pages: u32,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            masthead_size: 42.0,
            masthead_spacing: 0.5,
            masthead_width: 100.0,
            red: [0.0, 80.0, 80.0, 0.0],
            rule: RuleStyle::Single,
            blank_rows: 1,
            page_numbers: PageNumbers::Outside,
            number_first_page: true,
            mirror: true,
            bold_levels: Vec::new(),
            latin_spacing: false,
            article_break: ArticleBreak::Continue,
            photo_min_width: 45,
            portrait_rows: 9,
            max_pages: 100,
        }
    }
}

/// The masthead rule: one thick red line, thick over thin, or a line broken by a red ★.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleStyle {
    Single,
    Double,
    Star,
}

/// Page numbers on the outer side (odd right, even left), centred, or not printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PageNumbers {
    Outside,
    Center,
    None,
}

/// What separates two articles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ArticleBreak {
    Continue,
    Page,
}

/// One issue (`content/<NNN>/issue.yaml`).
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    /// The issue number; must match the folder name (folder 034 → `number: 34`).
    pub number: Spanned<u32>,
    /// Publication date.
    pub date: Spanned<Date>,
    /// Overrides the bulletin's 稿件编辑 line for this issue.
    pub editor: Option<Plain>,
    /// Overrides the bulletin's 审核 line for this issue.
    pub reviewer: Option<Plain>,
    /// Overrides the bulletin's print run （共印×份） for this issue.
    pub copies: Option<u32>,
    /// One or more articles, in print order.
    pub articles: Vec<Article>,
    /// Where `articles:` stands (for "no article").
    pub articles_span: Span,
}

/// One article: a centred title, lead paragraphs, numbered sections, a closing paragraph, and
/// optionally a 落款 and an 附件 list.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    /// May hold line breaks the editor chose.
    pub title: Plain,
    /// 编者按: an optional editor's note under the title, printed in 楷体.
    pub note: Option<Markdown>,
    /// Paragraphs, photos and tables before the first section.
    pub lead: Vec<Block>,
    pub sections: Vec<Section>,
    /// Paragraphs after the last section.
    pub closing: Vec<Block>,
    /// 落款: who signs the article, and the date under the name (GB/T 9704 7.3.5).
    pub signature: Option<Signature>,
    /// 附件: the attachments' names, numbered 1. 2. … (GB/T 9704 7.3.7).
    pub attachments: Vec<Plain>,
    /// This article starts on a new page, whatever `article_break` says.
    pub page_break: bool,
}

/// The signature under an article.
#[derive(Debug, Clone, PartialEq)]
pub struct Signature {
    pub name: Plain,
    /// The date under the name; the issue's date when not written.
    pub date: Option<Spanned<Date>>,
}

/// A section: its heading is numbered automatically by depth (一、 →（一）→ 1. →（1）).
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// The heading text without its number.
    pub heading: Plain,
    pub body: Vec<Block>,
    /// Subsections, at most four levels in all.
    pub sections: Vec<Section>,
}

/// One item of a body, with where it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub kind: BlockKind,
    pub span: Span,
}

/// What an item of a body is.
#[derive(Debug, Clone, PartialEq)]
pub enum BlockKind {
    /// Markdown text: one or more paragraphs (bold, italic, lists).
    Text(Markdown),
    Photo(Photo),
    /// Two or three photos side by side, each with its caption.
    Photos(Vec<Photo>),
    Table(Table),
    Findings(Findings),
}

/// A photo with its caption; the caption mark (△) comes from bulletin.yaml.
#[derive(Debug, Clone, PartialEq)]
pub struct Photo {
    /// Path relative to the issue folder, e.g. photos/01.jpg.
    pub file: Spanned<String>,
    pub caption: Plain,
    /// Printed width as a percentage of the text width (default 60).
    pub width: Option<u32>,
    /// May move to the top of the next page when it does not fit (default); `false` pins it.
    pub float: bool,
}

/// A table with a header row.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// Printed centred above the table in 黑体.
    pub title: Option<Plain>,
    pub header: Vec<Plain>,
    pub rows: Vec<Row>,
    /// Relative column widths, one per header cell (default: fitted to the content).
    pub widths: Option<Spanned<Vec<u32>>>,
    /// A note printed under the table, e.g. 备注：…
    pub note: Option<Plain>,
    /// The table's page is turned (for a table too wide for a portrait page).
    pub landscape: bool,
    /// Where `header:` stands.
    pub header_span: Span,
}

/// One row of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub cells: Vec<Cell>,
    pub span: Span,
}

/// A table cell: text (a number is text too, printed as written), or a list of items (numbered
/// 1. 2. … when printed).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(Plain),
    Items(Vec<Plain>),
}

/// The results of an inspection, as in 第034期's 三、检查情况: what was done well (numbered
/// subsections) and the problems found (numbered paragraphs with a bold lead).
#[derive(Debug, Clone, PartialEq)]
pub struct Findings {
    /// The paragraph that introduces the good practice.
    pub summary: Option<Markdown>,
    /// Each good practice is a subsection with its own heading.
    pub strengths: Vec<Section>,
    /// The paragraph that introduces the problems.
    pub problems_summary: Option<Markdown>,
    pub problems: Vec<Shortcoming>,
}

/// One problem found in an inspection: a bold lead sentence and its explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct Shortcoming {
    pub title: Plain,
    pub text: Markdown,
}

/// A calendar date, printed 2022年4月4日.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Parses a date as people write it: `2022-04-04`, `2022年4月4日`, `2022.4.4`, `2022/4/4`
    /// (full-width digits too), rejecting impossible days such as 2022-02-30.
    pub fn parse(s: &str) -> Option<Date> {
        let s: String = s
            .trim()
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                _ => c,
            })
            .collect();
        let parts: Vec<&str> = if let Some(rest) = s.strip_suffix('日') {
            let (year, rest) = rest.split_once('年')?;
            let (month, day) = rest.split_once('月')?;
            vec![year, month, day]
        } else {
            let separator = ['-', '.', '/'].into_iter().find(|sep| s.contains(*sep))?;
            s.split(separator).collect()
        };
        let [year, month, day] = parts.as_slice() else {
            return None;
        };
        let number = |text: &str| {
            let text = text.trim();
            (!text.is_empty() && text.chars().all(|c| c.is_ascii_digit()))
                .then(|| text.parse::<u32>().ok())
                .flatten()
        };
        let year = i32::try_from(number(year)?).ok()?;
        let month = u8::try_from(number(month)?).ok()?;
        let day = u8::try_from(number(day)?).ok()?;
        Date::new(year, month, day)
    }

    /// The date if it exists (years 1000–9999).
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        ((1000..=9999).contains(&year) && (1..=days).contains(&day)).then_some(Date {
            year,
            month,
            day,
        })
    }

    /// The GB/T 9704 form: Arabic digits, no zero padding.
    pub fn chinese(&self) -> String {
        format!("{}年{}月{}日", self.year, self.month, self.day)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_in_the_forms_people_write_them() {
        let expected = Date::new(2022, 7, 1).unwrap();
        for form in [
            "2022-07-01",
            "2022-7-1",
            "2022年7月1日",
            "2022.7.1",
            "2022/7/1",
            "２０２２年７月１日",
            " 2022 年 7 月 1 日 ",
        ] {
            assert_eq!(Date::parse(form), Some(expected), "{form}");
        }
        assert_eq!(
            Date::parse("2024-02-29").map(|d| d.chinese()),
            Some("2024年2月29日".into())
        );
        for bad in [
            "2023-02-29",
            "2022-13-01",
            "2022-4",
            "四月",
            "2022-04-31",
            "2022-04-0x",
            "2022年4月",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn issue_numbers_are_formatted_from_the_format_string() {
        let mut b = Bulletin {
            name: Plain::default(),
            publisher: Plain::default(),
            number_format: "第【{n:03}】期".into(),
            editor: Plain::default(),
            caption_mark: "△".into(),
            closing: ClosingSettings::default(),
            layout: Layout::default(),
            engine: Engine::Embedded,
        };
        assert_eq!(b.format_number(34, 2022), "第【034】期");
        b.number_format = "{year}年第{n}期".into();
        assert_eq!(b.format_number(5, 2024), "2024年第5期");
    }

    #[test]
    fn a_span_inside_a_text_follows_its_anchors() {
        let text = Text {
            text: "第一行\n第二行".into(),
            span: Span::new(crate::source::FileId(1), 10, 40),
            anchors: vec![(0, 10), (10, 30)],
        };
        assert_eq!(text.span_of(0..3).range(), 10..13);
        assert_eq!(text.span_of(10..13).range(), 30..33);
    }
}
