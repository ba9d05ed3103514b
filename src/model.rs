//! The content format: serde types of `content/bulletin.yaml` and `content/<NNN>/issue.yaml`.
//!
//! No I/O here. Every struct is closed (`deny_unknown_fields`) so a misspelt key is an error, not a
//! silently ignored line. The field names are the editors' interface, documented in content/README.md.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

/// Settings every issue shares (`content/bulletin.yaml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bulletin {
    /// The bulletin's name in the masthead, e.g. 长艺党建.
    pub name: String,
    /// The office that publishes it, left under the masthead.
    pub publisher: String,
    /// How the issue number is printed: `{n}` is the number, `{n:03}` pads it to three digits,
    /// `{year}` is the issue's year. Default 第【{n:03}】期, as on the reference issue.
    #[serde(default = "default_number_format")]
    pub number_format: String,
    /// Default for the 稿件编辑 line; an issue may override it.
    pub editor: String,
    /// The mark in front of every photo caption.
    #[serde(default = "default_caption_mark")]
    pub caption_mark: String,
    /// The 报尾 at the bottom of the last page: who receives the bulletin, print run, reviewer.
    #[serde(default)]
    pub closing: ClosingSettings,
    /// Page and masthead settings; every one has the default of bulletin-style.md §5.
    #[serde(default)]
    pub layout: Layout,
    /// Which Typst turns the generated source into the PDF; the embedded compiler by default.
    #[serde(default)]
    pub engine: Engine,
}

/// The Typst that compiles the generated source into the PDF.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Engine {
    /// The compiler built into `bulletin` (nothing else to install).
    #[default]
    Embedded,
    /// The `typst` program (typst-cli) of the same version as the embedded compiler.
    TypstCli,
}

impl Engine {
    /// The name written in bulletin.yaml and after `--engine`.
    pub fn name(self) -> &'static str {
        match self {
            Engine::Embedded => "embedded",
            Engine::TypstCli => "typst-cli",
        }
    }

    /// The engine called `name` (`embedded` or `typst-cli`).
    pub fn parse(name: &str) -> Option<Engine> {
        [Engine::Embedded, Engine::TypstCli]
            .into_iter()
            .find(|e| e.name() == name)
    }
}

/// The 报尾 (bulletin-style.md §2.3, R30–R33). An issue may override `editor`, `reviewer` and
/// `copies`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClosingSettings {
    /// Distribution lines, e.g. 报：院党委领导 / 送：各党总支 / 发：各支部, in print order.
    #[serde(default)]
    pub distribution: Vec<Distribution>,
    /// 审核：… on the last line; none by default.
    #[serde(default)]
    pub reviewer: Option<String>,
    /// （共印×份） at the right of the last line; none by default.
    #[serde(default)]
    pub copies: Option<u32>,
}

/// One distribution line of the 报尾.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Distribution {
    /// 报, 送, 发 or 抄送 (printed with a full-width colon).
    pub label: String,
    /// The recipients.
    pub to: String,
}

/// Layout settings of `bulletin.yaml`'s `layout:` (bulletin-style.md §5). Ranges are checked by the
/// validate stage, which can point at the line.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
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
        }
    }
}

/// The masthead rule: one thick red line, thick over thin, or a line broken by a red ★.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleStyle {
    Single,
    Double,
    Star,
}

/// Page numbers on the outer side (odd right, even left), centred, or not printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PageNumbers {
    Outside,
    Center,
    None,
}

fn default_number_format() -> String {
    "第【{n:03}】期".into()
}

fn default_caption_mark() -> String {
    "△".into()
}

/// One issue (`content/<NNN>/issue.yaml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Issue {
    /// The issue number; must match the folder name (folder 034 → `number: 34`).
    pub number: u32,
    /// Publication date, written 2022-04-04.
    pub date: Date,
    /// Overrides the bulletin's 稿件编辑 line for this issue.
    #[serde(default)]
    pub editor: Option<String>,
    /// Overrides the bulletin's 审核 line for this issue.
    #[serde(default)]
    pub reviewer: Option<String>,
    /// Overrides the bulletin's print run （共印×份） for this issue.
    #[serde(default)]
    pub copies: Option<u32>,
    /// One or more articles, in print order.
    pub articles: Vec<Article>,
}

/// One article: a centred title, lead paragraphs, numbered sections, a closing paragraph.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Article {
    pub title: String,
    /// 编者按: an optional editor's note under the title (Markdown), printed in 楷体.
    #[serde(default)]
    pub note: Option<String>,
    /// Paragraphs, photos and tables before the first section.
    #[serde(default)]
    pub lead: Vec<Block>,
    #[serde(default)]
    pub sections: Vec<Section>,
    /// Paragraphs after the last section.
    #[serde(default)]
    pub closing: Vec<Block>,
}

/// A section: its heading is numbered automatically by depth (一、 →（一）→ 1. →（1）).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// The heading text without its number.
    pub heading: String,
    #[serde(default)]
    pub body: Vec<Block>,
    /// Subsections, at most four levels in all.
    #[serde(default)]
    pub sections: Vec<Section>,
}

/// One item of a body: a Markdown paragraph, a photo, a table or inspection findings.
#[derive(Debug, Clone)]
pub enum Block {
    /// Markdown text: one or more paragraphs (bold, italic, lists).
    Text(String),
    Photo(Photo),
    Table(Table),
    Findings(Findings),
}

/// A photo with its caption; the caption mark (△) comes from bulletin.yaml.
#[derive(Debug, Clone)]
pub struct Photo {
    /// Path relative to the issue folder, e.g. photos/01.jpg.
    pub file: String,
    pub caption: String,
    /// Printed width as a percentage of the text width (default 60).
    pub width: Option<u32>,
}

/// A table with a header row; a cell is text, a number, or a list of items (numbered 1. 2. …).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Relative column widths, one per header cell (default: equal).
    #[serde(default)]
    pub widths: Option<Vec<u32>>,
    /// A note printed under the table, e.g. 备注：…
    #[serde(default)]
    pub note: Option<String>,
}

/// A table cell.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged, expecting = "文字、数字，或一组条目（列表）")]
pub enum Cell {
    Text(String),
    /// Whole numbers only: `2022.10` read as a number would print as 2022.1, so decimals must be quoted.
    Integer(i64),
    Items(Vec<String>),
}

/// The results of an inspection, as in 第034期's 三、检查情况: what was done well (numbered
/// subsections) and the problems found (numbered paragraphs with a bold lead).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Findings {
    /// The paragraph that introduces the good practice.
    #[serde(default)]
    pub summary: Option<String>,
    /// Each good practice is a subsection with its own heading.
    #[serde(default)]
    pub strengths: Vec<Section>,
    /// The paragraph that introduces the problems.
    #[serde(default)]
    pub problems_summary: Option<String>,
    #[serde(default)]
    pub problems: Vec<Problem>,
}

/// One problem found: a bold lead sentence and its explanation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Problem {
    pub title: String,
    pub text: String,
}

/// What a block written as a mapping may contain; which keys are present decides the kind.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BlockFields {
    photo: Option<String>,
    caption: Option<String>,
    width: Option<u32>,
    table: Option<Table>,
    findings: Option<Findings>,
}

impl<'de> Deserialize<'de> for Block {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BlockVisitor;

        impl<'de> Visitor<'de> for BlockVisitor {
            type Value = Block;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("一段文字，或以 photo、table、findings 开头的块")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Block, E> {
                Ok(Block::Text(v.to_owned()))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Block, A::Error> {
                let f = BlockFields::deserialize(de::value::MapAccessDeserializer::new(map))?;
                match (f.photo, f.table, f.findings) {
                    (Some(file), None, None) => {
                        let caption = f
                            .caption
                            .ok_or_else(|| de::Error::missing_field("caption"))?;
                        Ok(Block::Photo(Photo {
                            file,
                            caption,
                            width: f.width,
                        }))
                    }
                    (None, Some(table), None) if f.caption.is_none() && f.width.is_none() => {
                        Ok(Block::Table(table))
                    }
                    (None, None, Some(findings)) if f.caption.is_none() && f.width.is_none() => {
                        Ok(Block::Findings(findings))
                    }
                    (None, None, None) => Err(de::Error::custom(
                        "block needs one of `photo`, `table`, `findings`",
                    )),
                    _ => Err(de::Error::custom(
                        "block mixes `photo`, `table`, `findings`: write them as separate items",
                    )),
                }
            }
        }

        deserializer.deserialize_any(BlockVisitor)
    }
}

/// A calendar date, written 2022-04-04 in YAML and printed 2022年4月4日.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD`, rejecting impossible days such as 2022-02-30.
    pub fn parse(s: &str) -> Option<Date> {
        let mut parts = s.trim().splitn(3, '-');
        let year: i32 = parts.next()?.parse().ok()?;
        let month: u8 = parts.next()?.parse().ok()?;
        let day: u8 = parts.next()?.parse().ok()?;
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

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Date::parse(&s).ok_or_else(|| de::Error::custom(format!("bad date `{s}`")))
    }
}

impl Bulletin {
    /// Parses bulletin.yaml text (no I/O; errors carry serde_yaml's location).
    pub fn parse(text: &str) -> Result<Self, serde_yaml::Error> {
        serde_yaml::from_str(text)
    }

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

impl Issue {
    /// Parses issue.yaml text (no I/O; errors carry serde_yaml's location).
    pub fn parse(text: &str) -> Result<Self, serde_yaml::Error> {
        serde_yaml::from_str(text)
    }
}

impl Issue {
    /// Every block of the issue (inside sections and findings too), in document order.
    pub fn blocks(&self) -> Vec<&Block> {
        fn sections<'a>(list: &'a [Section], out: &mut Vec<&'a Block>) {
            for section in list {
                blocks(&section.body, out);
                sections(&section.sections, out);
            }
        }
        fn blocks<'a>(list: &'a [Block], out: &mut Vec<&'a Block>) {
            for block in list {
                out.push(block);
                if let Block::Findings(findings) = block {
                    sections(&findings.strengths, out);
                }
            }
        }
        let mut out = Vec::new();
        for article in &self.articles {
            blocks(&article.lead, &mut out);
            sections(&article.sections, &mut out);
            blocks(&article.closing, &mut out);
        }
        out
    }
}

/// Calls `f` on every editor-written string of an issue, in document order (for text clean-ups
/// that apply to all fields alike).
pub fn visit_strings_mut(issue: &mut Issue, f: &mut dyn FnMut(&mut String)) {
    if let Some(editor) = &mut issue.editor {
        f(editor);
    }
    for article in &mut issue.articles {
        f(&mut article.title);
        if let Some(note) = &mut article.note {
            f(note);
        }
        visit_blocks(&mut article.lead, f);
        visit_sections(&mut article.sections, f);
        visit_blocks(&mut article.closing, f);
    }
}

fn visit_sections(sections: &mut [Section], f: &mut dyn FnMut(&mut String)) {
    for section in sections {
        f(&mut section.heading);
        visit_blocks(&mut section.body, f);
        visit_sections(&mut section.sections, f);
    }
}

fn visit_blocks(blocks: &mut [Block], f: &mut dyn FnMut(&mut String)) {
    for block in blocks {
        match block {
            Block::Text(text) => f(text),
            Block::Photo(photo) => f(&mut photo.caption),
            Block::Table(table) => {
                table.header.iter_mut().for_each(&mut *f);
                for cell in table.rows.iter_mut().flatten() {
                    match cell {
                        Cell::Text(text) => f(text),
                        Cell::Items(items) => items.iter_mut().for_each(&mut *f),
                        Cell::Integer(_) => {}
                    }
                }
                if let Some(note) = &mut table.note {
                    f(note);
                }
            }
            Block::Findings(findings) => {
                findings.summary.iter_mut().for_each(&mut *f);
                visit_sections(&mut findings.strengths, f);
                findings.problems_summary.iter_mut().for_each(&mut *f);
                for problem in &mut findings.problems {
                    f(&mut problem.title);
                    f(&mut problem.text);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_small_issue_with_every_block_kind() {
        let issue = Issue::parse(
            "number: 35\ndate: 2022-05-01\narticles:\n  - title: 标题\n    lead:\n      - 一段话\n      - photo: photos/a.jpg\n        caption: 说明\n      - table:\n          header: [序号, 内容]\n          rows:\n            - [1, [甲, 乙]]\n      - findings:\n          problems:\n            - {title: 问题。, text: 说明}\n",
        )
        .unwrap();
        assert_eq!(issue.number, 35);
        assert_eq!(
            issue.date,
            Date {
                year: 2022,
                month: 5,
                day: 1
            }
        );
        let lead = &issue.articles[0].lead;
        assert!(matches!(&lead[0], Block::Text(t) if t == "一段话"));
        assert!(
            matches!(&lead[1], Block::Photo(p) if p.file == "photos/a.jpg" && p.caption == "说明")
        );
        assert!(matches!(&lead[2], Block::Table(t) if t.rows[0].len() == 2));
        assert!(matches!(&lead[3], Block::Findings(f) if f.problems.len() == 1));
    }

    #[test]
    fn rejects_unknown_keys_with_their_location() {
        let err =
            Issue::parse("number: 1\ndate: 2022-01-01\narticles:\n  - titel: x\n").unwrap_err();
        assert!(err.to_string().contains("unknown field `titel`"), "{err}");
        assert_eq!(err.location().map(|l| l.line()), Some(4));
    }

    #[test]
    fn rejects_a_photo_without_caption_and_mixed_blocks() {
        let missing = "number: 1\ndate: 2022-01-01\narticles:\n  - title: t\n    lead:\n      - photo: a.jpg\n";
        assert!(
            Issue::parse(missing)
                .unwrap_err()
                .to_string()
                .contains("missing field `caption`")
        );
        let mixed = "number: 1\ndate: 2022-01-01\narticles:\n  - title: t\n    lead:\n      - {photo: a.jpg, caption: c, table: {header: [a], rows: []}}\n";
        assert!(
            Issue::parse(mixed)
                .unwrap_err()
                .to_string()
                .contains("separate items")
        );
    }

    #[test]
    fn parses_dates_and_rejects_impossible_ones() {
        assert_eq!(
            Date::parse("2024-02-29").map(|d| d.chinese()),
            Some("2024年2月29日".into())
        );
        for bad in ["2023-02-29", "2022-13-01", "2022-4", "四月", "2022-04-31"] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn formats_issue_numbers_from_the_format_string() {
        let mut b = Bulletin::parse("name: n\npublisher: p\neditor: e\n").unwrap();
        assert_eq!(b.format_number(34, 2022), "第【034】期");
        b.number_format = "{year}年第{n}期".into();
        assert_eq!(b.format_number(5, 2024), "2024年第5期");
    }
}
