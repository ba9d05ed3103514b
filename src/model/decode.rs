//! The YAML tree → the typed model, with a Chinese problem at the exact key or value for every
//! mismatch, and all of them collected (not only the first): an unknown key (with the key it most
//! likely means), a missing one, a value of the wrong kind, a number out of range, a date that
//! does not exist. Settings are range-checked here, where their spans are at hand.

use std::ops::RangeInclusive;

use crate::diag::Problem;
use crate::project::MAX_ISSUE;
use crate::source::{SourceFile, Span};
use crate::yaml::{Entry, Node, NodeKind, Scalar};

use super::*;

/// The keys each mapping of the content format allows, in the order the hints list them.
const ISSUE_KEYS: &[&str] = &["number", "date", "editor", "reviewer", "copies", "articles"];
const ARTICLE_KEYS: &[&str] = &[
    "title",
    "note",
    "lead",
    "sections",
    "closing",
    "signature",
    "attachments",
    "page_break",
];
const SIGNATURE_KEYS: &[&str] = &["name", "date"];
const SECTION_KEYS: &[&str] = &["heading", "body", "sections"];
const PHOTO_KEYS: &[&str] = &["photo", "caption", "width", "float"];
const BLOCK_KINDS: &[&str] = &["photo", "photos", "table", "findings"];
const TABLE_KEYS: &[&str] = &["title", "header", "rows", "widths", "note", "landscape"];
const FINDINGS_KEYS: &[&str] = &["summary", "strengths", "problems_summary", "problems"];
const SHORTCOMING_KEYS: &[&str] = &["title", "text"];
const BULLETIN_KEYS: &[&str] = &[
    "name",
    "publisher",
    "number_format",
    "editor",
    "caption_mark",
    "closing",
    "layout",
    "engine",
];
const CLOSING_KEYS: &[&str] = &["distribution", "reviewer", "copies"];
const DISTRIBUTION_KEYS: &[&str] = &["label", "to"];
const LAYOUT_KEYS: &[&str] = &[
    "masthead_size",
    "masthead_spacing",
    "masthead_width",
    "red",
    "rule",
    "blank_rows",
    "page_numbers",
    "number_first_page",
    "mirror",
    "bold_levels",
    "latin_spacing",
    "article_break",
    "photo_min_width",
    "portrait_rows",
    "max_pages",
];

/// Every key the content format knows (to recognise `title：` typed with a Chinese colon).
pub fn all_keys() -> Vec<&'static str> {
    let mut keys: Vec<&str> = [
        ISSUE_KEYS,
        ARTICLE_KEYS,
        SIGNATURE_KEYS,
        SECTION_KEYS,
        PHOTO_KEYS,
        BLOCK_KINDS,
        TABLE_KEYS,
        FINDINGS_KEYS,
        SHORTCOMING_KEYS,
        BULLETIN_KEYS,
        CLOSING_KEYS,
        DISTRIBUTION_KEYS,
        LAYOUT_KEYS,
    ]
    .concat();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Decodes issue.yaml's tree; every problem found, if any.
pub fn decode_issue(file: &SourceFile, root: &Node) -> Result<Issue, Vec<Problem>> {
    let mut d = Decoder::new(file);
    let issue = d.issue(root);
    d.finish(issue)
}

/// Decodes bulletin.yaml's tree; every problem found, if any.
pub fn decode_bulletin(file: &SourceFile, root: &Node) -> Result<Bulletin, Vec<Problem>> {
    let mut d = Decoder::new(file);
    let bulletin = d.bulletin(root);
    d.finish(bulletin)
}

struct Decoder<'a> {
    file: &'a SourceFile,
    problems: Vec<Problem>,
}

/// The entries of a mapping whose keys were checked against the allowed ones.
struct Fields<'n> {
    /// Where the mapping starts: a missing key is reported there.
    span: Span,
    entries: Vec<&'n Entry>,
    /// Keys that are not allowed here (already reported).
    unknown: Vec<&'n str>,
}

impl<'n> Fields<'n> {
    fn get(&self, key: &str) -> Option<&'n Entry> {
        self.entries.iter().copied().find(|e| e.key == key)
    }

    /// The entry unless absent or null.
    fn value(&self, key: &str) -> Option<&'n Entry> {
        self.get(key).filter(|e| !e.value.is_null())
    }
}

impl<'a> Decoder<'a> {
    fn new(file: &'a SourceFile) -> Self {
        Decoder {
            file,
            problems: Vec::new(),
        }
    }

    fn finish<T>(self, value: Option<T>) -> Result<T, Vec<Problem>> {
        match value {
            Some(value) if self.problems.is_empty() => Ok(value),
            _ => Err(self.problems),
        }
    }

    fn problem(&mut self, span: Span, message: impl Into<String>, hint: impl Into<String>) {
        self.problems
            .push(Problem::error(message).at(self.file, span).hint(hint));
    }

    /// The entries of `node` if it is a mapping whose keys are all in `keys`; reports unknown and
    /// repeated keys (and a node that is not a mapping, as `what`).
    fn mapping<'n>(&mut self, node: &'n Node, what: &str, keys: &[&str]) -> Option<Fields<'n>> {
        let NodeKind::Map(entries) = &node.kind else {
            self.problem(
                node.span,
                format!(
                    "{what}应写成“键: 值”的形式，这里写的是 {}",
                    node.kind_name()
                ),
                format!("可以用的键：{}。", keys.join("、")),
            );
            return None;
        };
        let mut kept: Vec<&Entry> = Vec::new();
        let mut unknown = Vec::new();
        for entry in entries {
            if !keys.contains(&entry.key.as_str()) {
                self.unknown_key(entry, keys);
                unknown.push(entry.key.as_str());
            } else if kept.iter().any(|e| e.key == entry.key) {
                self.problem(
                    entry.key_span,
                    format!("键「{}」在同一项里写了两次", entry.key),
                    "删除或合并重复的那一行。",
                );
            } else {
                kept.push(entry);
            }
        }
        Some(Fields {
            span: node.span.start_only(),
            entries: kept,
            unknown,
        })
    }

    fn unknown_key(&mut self, entry: &Entry, keys: &[&str]) {
        let list = keys.join("、");
        let hint = match closest_key(&entry.key, keys) {
            Some(near) => format!("你是不是想写「{near}」？这里可以用的键：{list}。"),
            None => format!("这里可以用的键：{list}。是不是拼错了？"),
        };
        self.problem(entry.key_span, format!("不认识的键「{}」", entry.key), hint);
    }

    /// The value of a required key; reports it missing at the start of its mapping, unless a
    /// misspelling of it was reported already.
    fn required<'n>(&mut self, fields: &Fields<'n>, key: &str) -> Option<&'n Entry> {
        let entry = fields.get(key);
        let misspelt = (fields.unknown.iter()).any(|k| closest_key(k, &[key]).is_some());
        if entry.is_none() && !misspelt {
            self.problem(
                fields.span,
                format!("缺少必填的键「{key}」"),
                format!("在这一项里加上「{key}: …」。"),
            );
        }
        entry
    }

    /// A scalar's text as [`Text`]; a list or mapping is reported as `what`.
    fn text(&mut self, entry: &Entry, what: &str) -> Text {
        let node = &entry.value;
        match &node.kind {
            NodeKind::Scalar(scalar) if scalar.is_null() => Text {
                text: String::new(),
                span: entry.key_span,
                anchors: Vec::new(),
            },
            NodeKind::Scalar(scalar) => scalar_text(scalar, node.span, entry.key_span),
            _ => {
                self.problem(
                    node.span.start_only(),
                    format!("{what}应是一段文字，这里写的是 {}", node.kind_name()),
                    "文字直接写在冒号后面；含有 : # [ 等符号时可以加引号。",
                );
                Text {
                    span: entry.key_span,
                    ..Text::default()
                }
            }
        }
    }

    fn plain(&mut self, entry: &Entry, what: &str) -> Plain {
        Plain(self.text(entry, what))
    }

    fn markdown(&mut self, entry: &Entry, what: &str) -> Markdown {
        Markdown(self.text(entry, what))
    }

    fn optional_plain(&mut self, fields: &Fields, key: &str, what: &str) -> Option<Plain> {
        fields.value(key).map(|e| self.plain(e, what))
    }

    fn optional_markdown(&mut self, fields: &Fields, key: &str, what: &str) -> Option<Markdown> {
        fields.value(key).map(|e| self.markdown(e, what))
    }

    /// The items of a list (nothing for an empty value), each decoded by `item`.
    fn list<T>(
        &mut self,
        entry: Option<&Entry>,
        what: &str,
        mut item: impl FnMut(&mut Self, &Node) -> Option<T>,
    ) -> Vec<T> {
        let Some(entry) = entry.filter(|e| !e.value.is_null()) else {
            return Vec::new();
        };
        match &entry.value.kind {
            NodeKind::Seq(items) => items.iter().filter_map(|n| item(self, n)).collect(),
            _ => {
                self.problem(
                    entry.value.span.start_only(),
                    format!(
                        "「{}」（{what}）应是一个列表，这里写的是 {}",
                        entry.key,
                        entry.value.kind_name()
                    ),
                    format!(
                        "在「{}:」下面逐项写，每项另起一行，以“- ”开头并比「{}」多缩进两格。",
                        entry.key, entry.key
                    ),
                );
                Vec::new()
            }
        }
    }

    /// A whole number in `range`; `what` names it in messages.
    fn number(
        &mut self,
        node: &Node,
        what: &str,
        range: RangeInclusive<u32>,
        hint: &str,
    ) -> Option<u32> {
        let text = self.scalar_of(node, what)?;
        let digits = text.trim();
        match digits.parse::<u32>() {
            Ok(n) if range.contains(&n) => Some(n),
            Ok(n) => {
                self.problem(
                    node.span,
                    format!("{what} {n} 不在 {}–{} 之间", range.start(), range.end()),
                    hint,
                );
                None
            }
            Err(_) => {
                self.problem(
                    node.span,
                    format!("{what}要写成数字，这里写的是 文字「{digits}」"),
                    hint,
                );
                None
            }
        }
    }

    /// A decimal number in `range`.
    fn decimal(
        &mut self,
        node: &Node,
        what: &str,
        range: RangeInclusive<f64>,
        hint: &str,
    ) -> Option<f64> {
        let text = self.scalar_of(node, what)?.trim().to_string();
        match text.parse::<f64>() {
            Ok(x) if range.contains(&x) => Some(x),
            Ok(x) => {
                self.problem(
                    node.span,
                    format!("{what}: {x} 不在 {}–{} 之间", range.start(), range.end()),
                    hint,
                );
                None
            }
            Err(_) => {
                self.problem(
                    node.span,
                    format!("{what}要写成数字，这里写的是 文字「{text}」"),
                    hint,
                );
                None
            }
        }
    }

    fn boolean(&mut self, node: &Node, what: &str) -> Option<bool> {
        let text = self.scalar_of(node, what)?.trim();
        match text {
            "true" | "True" | "TRUE" | "yes" | "是" => Some(true),
            "false" | "False" | "FALSE" | "no" | "否" => Some(false),
            other => {
                let other = other.to_string();
                self.problem(
                    node.span,
                    format!("{what}只能写 true 或 false，这里写的是「{other}」"),
                    "true 表示“是”，false 表示“否”。",
                );
                None
            }
        }
    }

    /// One of `choices` by its name.
    fn choice<T: Copy>(&mut self, node: &Node, what: &str, choices: &[(&str, T)]) -> Option<T> {
        let text = self.scalar_of(node, what)?.trim().to_string();
        if let Some((_, value)) = choices.iter().find(|(name, _)| *name == text) {
            return Some(*value);
        }
        let names: Vec<&str> = choices.iter().map(|(name, _)| *name).collect();
        self.problem(
            node.span,
            format!("「{text}」不是这里可以用的值"),
            format!("这里只能写以下之一：{}。", names.join("、")),
        );
        None
    }

    fn date(&mut self, node: &Node, what: &str) -> Option<Spanned<Date>> {
        let text = self.scalar_of(node, what)?.trim().to_string();
        match Date::parse(&text) {
            Some(value) => Some(Spanned {
                value,
                span: node.span,
            }),
            None => {
                self.problem(
                    node.span,
                    format!("日期「{text}」无效"),
                    "日期写成 2022-04-04 或 2022年4月4日 这样的形式，并且必须是真实存在的日期。",
                );
                None
            }
        }
    }

    /// The text of a scalar; a list or mapping is reported.
    fn scalar_of<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n str> {
        match &node.kind {
            NodeKind::Scalar(scalar) => Some(&scalar.text),
            _ => {
                self.problem(
                    node.span.start_only(),
                    format!("{what}应是一个值，这里写的是 {}", node.kind_name()),
                    "把值直接写在冒号后面。",
                );
                None
            }
        }
    }

    // ---- issue.yaml

    fn issue(&mut self, root: &Node) -> Option<Issue> {
        let fields = self.mapping(root, "issue.yaml 的内容", ISSUE_KEYS)?;
        let number = self.required(&fields, "number").and_then(|e| {
            let value = self.issue_number(&e.value)?;
            Some(Spanned {
                value,
                span: e.key_span,
            })
        });
        let date = (self.required(&fields, "date")).and_then(|e| self.date(&e.value, "日期"));
        let editor = self.optional_plain(&fields, "editor", "稿件编辑");
        let reviewer = self.optional_plain(&fields, "reviewer", "审核");
        let copies = (fields.value("copies")).and_then(|e| {
            self.number(
                &e.value,
                "印数 copies",
                1..=1_000_000,
                "印数写成正整数，例如 copies: 200。",
            )
        });
        let articles_entry = self.required(&fields, "articles");
        let articles = self.list(articles_entry, "本期的文章", |d, node| d.article(node));
        Some(Issue {
            number: number?,
            date: date?,
            editor,
            reviewer,
            copies,
            articles,
            articles_span: articles_entry.map_or(fields.span, |e| e.key_span),
        })
    }

    fn issue_number(&mut self, node: &Node) -> Option<u32> {
        let text = self.scalar_of(node, "期号")?.trim().to_string();
        let hint = "期号只写数字、不补零、不加引号，例如 number: 34。";
        match text.parse::<u32>() {
            Ok(n) if (1..=MAX_ISSUE).contains(&n) => Some(n),
            Ok(n) => {
                self.problem(node.span, format!("期号 {n} 不在 1–{MAX_ISSUE} 之间"), hint);
                None
            }
            Err(_) => {
                self.problem(
                    node.span,
                    format!("期号要写成数字，这里写的是 文字「{text}」"),
                    hint,
                );
                None
            }
        }
    }

    fn article(&mut self, node: &Node) -> Option<Article> {
        let fields = self.mapping(node, "一篇文章", ARTICLE_KEYS)?;
        let title = (self.required(&fields, "title")).map(|e| self.plain(e, "文章标题"));
        let note = self.optional_markdown(&fields, "note", "编者按");
        let lead = self.blocks(fields.get("lead"));
        let sections = self.list(fields.get("sections"), "各部分", |d, n| d.section(n));
        let closing = self.blocks(fields.get("closing"));
        let signature = fields
            .value("signature")
            .and_then(|e| self.signature(&e.value));
        let attachments = self.list(fields.get("attachments"), "附件", |d, n| {
            let entry = pseudo_entry(n);
            Some(d.plain(&entry, "附件名称"))
        });
        let page_break = (fields.value("page_break"))
            .and_then(|e| self.boolean(&e.value, "page_break"))
            .unwrap_or(false);
        Some(Article {
            title: title?,
            note,
            lead,
            sections,
            closing,
            signature,
            attachments,
            page_break,
        })
    }

    fn signature(&mut self, node: &Node) -> Option<Signature> {
        // `signature: 党委办公室` is the name alone.
        if node.scalar().is_some() {
            return Some(Signature {
                name: self.plain(&pseudo_entry(node), "落款"),
                date: None,
            });
        }
        let fields = self.mapping(node, "落款 signature", SIGNATURE_KEYS)?;
        let name = (self.required(&fields, "name")).map(|e| self.plain(e, "落款单位"));
        let date = fields
            .value("date")
            .and_then(|e| self.date(&e.value, "日期"));
        Some(Signature { name: name?, date })
    }

    fn section(&mut self, node: &Node) -> Option<Section> {
        let fields = self.mapping(node, "一节", SECTION_KEYS)?;
        let heading = (self.required(&fields, "heading")).map(|e| self.plain(e, "小标题"));
        let body = self.blocks(fields.get("body"));
        let sections = self.list(fields.get("sections"), "各部分", |d, n| d.section(n));
        Some(Section {
            heading: heading?,
            body,
            sections,
        })
    }

    fn blocks(&mut self, entry: Option<&Entry>) -> Vec<Block> {
        // `lead: 一段话。` (one paragraph written on the key's line) is a list of one.
        if let Some(entry) = entry.filter(|e| e.value.scalar().is_some() && !e.value.is_null()) {
            return self.block(&entry.value).into_iter().collect();
        }
        self.list(entry, "段落、图片、表格", |d, node| d.block(node))
    }

    fn block(&mut self, node: &Node) -> Option<Block> {
        let span = node.span;
        if node.scalar().is_some() {
            let text = self.markdown(&pseudo_entry(node), "段落");
            return Some(Block {
                kind: BlockKind::Text(text),
                span,
            });
        }
        let NodeKind::Map(entries) = &node.kind else {
            self.problem(
                span.start_only(),
                "这一项是一个列表，应是一段文字，或图片（photo）、表格（table）、检查情况（findings）",
                "检查缩进：段落直接写在“- ”后面；不要在“- ”后面再写“- ”。",
            );
            return None;
        };
        let present: Vec<&str> = (BLOCK_KINDS.iter().copied())
            .filter(|k| entries.iter().any(|e| e.key == *k))
            .collect();
        match present.as_slice() {
            ["photo"] => {
                let photo = self.photo(node)?;
                Some(Block {
                    kind: BlockKind::Photo(photo),
                    span,
                })
            }
            [kind] => {
                let fields = self.mapping(node, "这一项", &[kind])?;
                let entry = fields.get(kind)?;
                let block = match *kind {
                    "photos" => {
                        let photos = self.list(Some(entry), "并排的照片", |d, n| d.photo(n));
                        BlockKind::Photos(photos)
                    }
                    "table" => BlockKind::Table(self.table(&entry.value)?),
                    _ => BlockKind::Findings(self.findings(&entry.value)?),
                };
                Some(Block { kind: block, span })
            }
            [] => {
                let all = [PHOTO_KEYS, &BLOCK_KINDS[1..]].concat();
                let near = entries.iter().find(|e| closest_key(&e.key, &all).is_some());
                match near {
                    Some(entry) => self.unknown_key(entry, &all),
                    None => self.problem(
                        span.start_only(),
                        "这一项既不是一段文字，也不是图片（photo）、表格（table）或检查情况（findings）",
                        "一段文字直接写在“- ”后面；图片写“- photo: photos/01.jpg”并在下一行写 caption。",
                    ),
                }
                None
            }
            _ => {
                self.problem(
                    span.start_only(),
                    "同一项里同时写了 photo、photos、table、findings 中的几个",
                    "每张图片、每个表格各占一项（各自以“- ”开头）。",
                );
                None
            }
        }
    }

    fn photo(&mut self, node: &Node) -> Option<Photo> {
        let fields = self.mapping(node, "一张图片", PHOTO_KEYS)?;
        let file = self.required(&fields, "photo").map(|e| {
            let text = self.plain(e, "图片文件名");
            Spanned {
                value: text.text.trim().to_string(),
                span: text.span,
            }
        });
        let caption =
            (self.required(&fields, "caption")).map(|e| self.plain(e, "图片说明（caption）"));
        let width = fields.value("width").and_then(|e| {
            self.number(
                &e.value,
                "图片宽度",
                10..=100,
                "width 是占正文宽度的百分比，例如 width: 75。",
            )
        });
        let float = (fields.value("float"))
            .and_then(|e| self.boolean(&e.value, "float"))
            .unwrap_or(true);
        Some(Photo {
            file: file?,
            caption: caption?,
            width,
            float,
        })
    }

    fn table(&mut self, node: &Node) -> Option<Table> {
        let fields = self.mapping(node, "表格", TABLE_KEYS)?;
        let title = self.optional_plain(&fields, "title", "表格标题");
        let header_entry = self.required(&fields, "header");
        let header = self.list(header_entry, "表头", |d, n| {
            Some(d.plain(&pseudo_entry(n), "表头"))
        });
        let rows_entry = self.required(&fields, "rows");
        let rows = self.list(rows_entry, "表格的各行", |d, n| d.row(n));
        let widths = fields.value("widths").and_then(|e| {
            let values: Vec<Option<u32>> = self.list(Some(e), "各列的宽度", |d, n| {
                Some(d.number(
                    n,
                    "列宽",
                    1..=100,
                    "每列的相对宽度写正整数，例如 [1, 4, 7, 2, 1]。",
                ))
            });
            let values: Option<Vec<u32>> = values.into_iter().collect();
            Some(Spanned {
                value: values?,
                span: e.key_span,
            })
        });
        let note = self.optional_plain(&fields, "note", "表格备注");
        let landscape = (fields.value("landscape"))
            .and_then(|e| self.boolean(&e.value, "landscape"))
            .unwrap_or(false);
        Some(Table {
            title,
            header,
            rows,
            widths,
            note,
            landscape,
            header_span: header_entry.map_or(fields.span, |e| e.key_span),
        })
    }

    fn row(&mut self, node: &Node) -> Option<Row> {
        let NodeKind::Seq(cells) = &node.kind else {
            self.problem(
                node.span.start_only(),
                format!("表格的一行应是一组单元格，这里写的是 {}", node.kind_name()),
                "每一行写成 [1, 存在问题, 整改措施]，或每个单元格另起一行以“- ”开头。",
            );
            return None;
        };
        let cells = cells.iter().filter_map(|cell| self.cell(cell)).collect();
        Some(Row {
            cells,
            span: node.span,
        })
    }

    fn cell(&mut self, node: &Node) -> Option<Cell> {
        match &node.kind {
            NodeKind::Scalar(_) => Some(Cell::Text(self.plain(&pseudo_entry(node), "单元格"))),
            NodeKind::Seq(items) => Some(Cell::Items(
                items
                    .iter()
                    .map(|item| self.plain(&pseudo_entry(item), "单元格里的条目"))
                    .collect(),
            )),
            NodeKind::Map(_) => {
                self.problem(
                    node.span.start_only(),
                    "表格单元格的写法不对：应是文字，或一组条目",
                    "多个条目写成列表，例如 [第一条, 第二条]；文字里有“: ”时请加引号。",
                );
                None
            }
        }
    }

    fn findings(&mut self, node: &Node) -> Option<Findings> {
        let fields = self.mapping(node, "检查情况 findings", FINDINGS_KEYS)?;
        let summary = self.optional_markdown(&fields, "summary", "summary");
        let strengths = self.list(fields.get("strengths"), "肯定的成绩", |d, n| {
            d.section(n)
        });
        let problems_summary =
            self.optional_markdown(&fields, "problems_summary", "problems_summary");
        let problems = self.list(fields.get("problems"), "发现的问题", |d, n| {
            let fields = d.mapping(n, "一条问题", SHORTCOMING_KEYS)?;
            let title = (d.required(&fields, "title")).map(|e| d.plain(e, "问题标题"));
            let text = (d.required(&fields, "text")).map(|e| d.markdown(e, "问题说明"));
            Some(Shortcoming {
                title: title?,
                text: text?,
            })
        });
        Some(Findings {
            summary,
            strengths,
            problems_summary,
            problems,
        })
    }

    // ---- bulletin.yaml

    fn bulletin(&mut self, root: &Node) -> Option<Bulletin> {
        let fields = self.mapping(root, "bulletin.yaml 的内容", BULLETIN_KEYS)?;
        let name = (self.required(&fields, "name")).map(|e| self.plain(e, "刊名"));
        let publisher = (self.required(&fields, "publisher")).map(|e| self.plain(e, "编印单位"));
        let editor = (self.required(&fields, "editor")).map(|e| self.plain(e, "稿件编辑"));
        let number_format = (fields.value("number_format"))
            .map(|e| self.plain(e, "期号格式").text.trim().to_string())
            .unwrap_or_else(|| "第【{n:03}】期".into());
        let caption_mark = (fields.value("caption_mark"))
            .map(|e| self.plain(e, "图片说明前的符号").text.trim().to_string())
            .unwrap_or_else(|| "△".into());
        let closing = (fields.value("closing"))
            .and_then(|e| self.closing_settings(&e.value))
            .unwrap_or_default();
        let layout = (fields.value("layout"))
            .and_then(|e| self.layout(&e.value))
            .unwrap_or_default();
        let engines: Vec<(&str, Engine)> = Engine::ALL.iter().map(|e| (e.name(), *e)).collect();
        let engine = (fields.value("engine"))
            .and_then(|e| self.choice(&e.value, "engine", &engines))
            .unwrap_or_default();
        Some(Bulletin {
            name: name?,
            publisher: publisher?,
            number_format,
            editor: editor?,
            caption_mark,
            closing,
            layout,
            engine,
        })
    }

    fn closing_settings(&mut self, node: &Node) -> Option<ClosingSettings> {
        let fields = self.mapping(node, "报尾 closing", CLOSING_KEYS)?;
        let distribution = self.list(
            fields.get("distribution"),
            "报尾的发送范围",
            |d, n| {
                let fields = d.mapping(n, "报尾的一行", DISTRIBUTION_KEYS)?;
                let label = d
                    .required(&fields, "label")
                    .map(|e| d.plain(e, "报尾的标签"));
                let to = d
                    .required(&fields, "to")
                    .map(|e| d.plain(e, "报尾的接收单位"));
                let label = label?;
                let shown = label.text.trim();
                if shown.is_empty() || shown.ends_with('：') || shown.ends_with(':') {
                    d.problem(
                        label.span,
                        format!("报尾的标签「{shown}」不合适"),
                        "标签只写“报”“送”“发”或“抄送”，冒号由程序加。",
                    );
                }
                Some(Distribution { label, to: to? })
            },
        );
        let reviewer = self.optional_plain(&fields, "reviewer", "审核");
        let copies = (fields.value("copies")).and_then(|e| {
            self.number(
                &e.value,
                "印数 copies",
                1..=1_000_000,
                "印数写成正整数，例如 copies: 200。",
            )
        });
        Some(ClosingSettings {
            distribution,
            reviewer,
            copies,
        })
    }

    fn layout(&mut self, node: &Node) -> Option<Layout> {
        let f = self.mapping(node, "版式 layout", LAYOUT_KEYS)?;
        let mut l = Layout::default();
        self.setting_decimal(
            &f,
            "masthead_size",
            "报头字号",
            36.0..=72.0,
            "单位是磅（pt）；初号是 42，小初是 36。",
            &mut l.masthead_size,
        );
        self.setting_decimal(
            &f,
            "masthead_spacing",
            "报头字距",
            0.0..=1.0,
            "单位是字宽：0 表示不加字距，0.5 表示每字之间空半个字。",
            &mut l.masthead_spacing,
        );
        self.setting_decimal(
            &f,
            "masthead_width",
            "报头字宽",
            50.0..=100.0,
            "这是报头文字的横向比例（百分比），100 为正常，小于 100 把字压窄。",
            &mut l.masthead_width,
        );
        if let Some(e) = f.value("red") {
            let hint = "red 是印刷四色（青、品红、黄、黑）的百分比，标准红为 [0, 80, 80, 0]。";
            let before = self.problems.len();
            let parts: Vec<Option<f64>> = self.list(Some(e), "红色的四个数", |d, n| {
                Some(d.decimal(n, "red 里的数", 0.0..=100.0, hint))
            });
            match parts.into_iter().collect::<Option<Vec<f64>>>() {
                Some(values) if values.len() == 4 => l.red.copy_from_slice(&values),
                Some(values) if self.problems.len() == before => self.problem(
                    e.key_span,
                    format!("red 应有 4 个数，这里有 {} 个", values.len()),
                    hint,
                ),
                _ => {}
            }
            self.relocate_to_key(before, e);
        }
        let rules = [
            ("single", RuleStyle::Single),
            ("double", RuleStyle::Double),
            ("star", RuleStyle::Star),
        ];
        self.setting_choice(&f, "rule", &rules, &mut l.rule);
        self.setting_number(
            &f,
            "blank_rows",
            0..=3,
            "红线下面到第一篇标题之间空几行：通常 1 行，公文格式空 2 行。",
            &mut l.blank_rows,
        );
        let numbers = [
            ("outside", PageNumbers::Outside),
            ("center", PageNumbers::Center),
            ("none", PageNumbers::None),
        ];
        self.setting_choice(&f, "page_numbers", &numbers, &mut l.page_numbers);
        for (key, slot) in [
            ("number_first_page", &mut l.number_first_page),
            ("mirror", &mut l.mirror),
            ("latin_spacing", &mut l.latin_spacing),
        ] {
            if let Some(e) = f.value(key)
                && let Some(v) = self.boolean(&e.value, key)
            {
                *slot = v;
            }
        }
        if let Some(e) = f.value("bold_levels") {
            let hint =
                "层级是 1（一、）、2（（一））、3（1.）、4（（1））；例如 bold_levels: [2, 3]。";
            l.bold_levels = self.list(Some(e), "加粗的层级", |d, n| {
                d.number(n, "bold_levels 里的层级", 1..=4, hint)
            });
        }
        let breaks = [
            ("continue", ArticleBreak::Continue),
            ("page", ArticleBreak::Page),
        ];
        self.setting_choice(&f, "article_break", &breaks, &mut l.article_break);
        self.setting_number(
            &f,
            "photo_min_width",
            20..=100,
            "图片放不下时最多缩到正文宽度的百分之几，再放不下就移到下一页；默认 45。",
            &mut l.photo_min_width,
        );
        self.setting_number(
            &f,
            "portrait_rows",
            4..=20,
            "竖拍照片最高占几行（每页 22 行）；默认 9。",
            &mut l.portrait_rows,
        );
        self.setting_number(
            &f,
            "max_pages",
            1..=2000,
            "一期最多排多少页，防止误贴了大量内容；默认 100。",
            &mut l.max_pages,
        );
        Some(l)
    }

    /// A decimal setting in `range` into `slot`; a problem is placed at its key.
    fn setting_decimal(
        &mut self,
        fields: &Fields,
        key: &str,
        what: &str,
        range: RangeInclusive<f64>,
        hint: &str,
        slot: &mut f64,
    ) {
        let Some(e) = fields.value(key) else { return };
        let before = self.problems.len();
        if let Some(x) = self.decimal(&e.value, &format!("{what} {key}"), range, hint) {
            *slot = x;
        }
        self.relocate_to_key(before, e);
    }

    /// A whole-number setting in `range` into `slot`; a problem is placed at its key.
    fn setting_number(
        &mut self,
        fields: &Fields,
        key: &str,
        range: RangeInclusive<u32>,
        hint: &str,
        slot: &mut u32,
    ) {
        let Some(e) = fields.value(key) else { return };
        let before = self.problems.len();
        if let Some(n) = self.number(&e.value, &format!("{key}:"), range, hint) {
            *slot = n;
        }
        self.relocate_to_key(before, e);
    }

    /// One of `choices` into `slot`.
    fn setting_choice<T: Copy>(
        &mut self,
        fields: &Fields,
        key: &str,
        choices: &[(&str, T)],
        slot: &mut T,
    ) {
        if let Some(e) = fields.value(key)
            && let Some(v) = self.choice(&e.value, key, choices)
        {
            *slot = v;
        }
    }

    /// Problems added since `before` point at the key of `entry` instead of its value.
    fn relocate_to_key(&mut self, before: usize, entry: &Entry) {
        for problem in &mut self.problems[before..] {
            *problem = Problem {
                location: None,
                ..problem.clone()
            }
            .at(self.file, entry.key_span);
        }
    }
}

/// An entry for a value that has no key of its own (a list item): empty values point at the item.
fn pseudo_entry(node: &Node) -> Entry {
    Entry {
        key: String::new(),
        key_span: node.span,
        value: node.clone(),
    }
}

/// A scalar as text with its anchors; an empty value takes the key's span.
fn scalar_text(scalar: &Scalar, span: Span, key_span: Span) -> Text {
    let span = if scalar.text.trim().is_empty() {
        key_span
    } else {
        span
    };
    Text {
        text: scalar.text.clone(),
        span,
        anchors: scalar.anchors.clone(),
    }
}

/// The allowed key `key` is most likely a misspelling of, if one is close enough: at most one edit
/// (a swap of two neighbours counts as one) per three letters, ignoring case.
pub fn closest_key<'a>(key: &str, allowed: &[&'a str]) -> Option<&'a str> {
    let key = key.to_lowercase();
    allowed
        .iter()
        .map(|&candidate| {
            let distance = strsim::damerau_levenshtein(&key, &candidate.to_lowercase());
            (distance, candidate)
        })
        .filter(|&(distance, candidate)| distance <= (candidate.chars().count() / 3).max(1))
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn issue(text: &str) -> Result<Issue, Vec<Problem>> {
        let file = SourceFile::new(FileId(1), "issue.yaml", text);
        let root = crate::yaml::parse(&file, &all_keys())?;
        decode_issue(&file, &root)
    }

    #[test]
    fn a_small_issue_with_every_block_kind_is_read_with_spans() {
        let text = "number: 35\ndate: 2022年5月1日\narticles:\n  - title: 标题\n    lead:\n      - 一段话\n      - photo: photos/a.jpg\n        caption: 说明\n      - table:\n          header: [序号, 内容]\n          rows:\n            - [1, [甲, 乙]]\n            - [2022.10, 丙]\n      - findings:\n          problems:\n            - {title: 问题。, text: 说明}\n      - photos:\n          - {photo: photos/b.jpg, caption: 左}\n          - {photo: photos/c.jpg, caption: 右}\n";
        let issue = issue(text).unwrap();
        assert_eq!(issue.number.value, 35);
        assert_eq!(issue.date.value, Date::new(2022, 5, 1).unwrap());
        let lead = &issue.articles[0].lead;
        assert!(matches!(&lead[0].kind, BlockKind::Text(t) if t.text == "一段话"));
        let BlockKind::Photo(photo) = &lead[1].kind else {
            panic!()
        };
        assert_eq!(photo.file.value, "photos/a.jpg");
        assert_eq!(&text[photo.file.span.range()], "photos/a.jpg");
        let BlockKind::Table(table) = &lead[2].kind else {
            panic!()
        };
        // A number in a cell is printed as written.
        assert!(matches!(&table.rows[1].cells[0], Cell::Text(t) if t.text == "2022.10"));
        assert!(matches!(&table.rows[0].cells[1], Cell::Items(items) if items.len() == 2));
        assert!(matches!(&lead[3].kind, BlockKind::Findings(f) if f.problems.len() == 1));
        assert!(matches!(&lead[4].kind, BlockKind::Photos(p) if p.len() == 2));
    }

    #[test]
    fn every_problem_is_reported_at_once_with_its_place() {
        let text = "number: 九十九\ndate: 2022-02-30\narticles:\n  - titel: x\n  - lead:\n      - photo: a.jpg\n";
        let problems = issue(text).unwrap_err();
        let shown: Vec<(String, Option<usize>, Option<usize>)> = problems
            .iter()
            .map(|p| (p.message.clone(), p.line(), p.column()))
            .collect();
        assert_eq!(
            shown,
            [
                (
                    "期号要写成数字，这里写的是 文字「九十九」".into(),
                    Some(1),
                    Some(9)
                ),
                ("日期「2022-02-30」无效".into(), Some(2), Some(7)),
                ("不认识的键「titel」".into(), Some(4), Some(5)),
                ("缺少必填的键「title」".into(), Some(5), Some(5)),
                ("缺少必填的键「caption」".into(), Some(6), Some(9)),
            ]
        );
        assert!(problems[2].hints[0].starts_with("你是不是想写「title」？"));
    }

    #[test]
    fn a_block_that_mixes_kinds_or_is_none_is_explained() {
        let mixed = "number: 1\ndate: 2022-01-01\narticles:\n  - title: t\n    lead:\n      - {photo: a.jpg, caption: c, table: {header: [a], rows: []}}\n";
        assert!(
            issue(mixed).unwrap_err()[0]
                .message
                .starts_with("同一项里同时写了")
        );
        let typo = "number: 1\ndate: 2022-01-01\narticles:\n  - title: t\n    lead:\n      - phtoo: a.jpg\n";
        let problem = &issue(typo).unwrap_err()[0];
        assert_eq!(problem.message, "不认识的键「phtoo」");
        assert!(problem.hints[0].starts_with("你是不是想写「photo」？"));
    }

    #[test]
    fn the_misspelt_key_is_matched_to_the_allowed_key_it_is_closest_to() {
        let allowed = ["photo", "caption", "width", "table", "findings"];
        assert_eq!(closest_key("captoin", &allowed), Some("caption"));
        assert_eq!(closest_key("Photo", &allowed), Some("photo"));
        assert_eq!(closest_key("widht", &allowed), Some("width"));
        assert_eq!(closest_key("author", &allowed), None);
        assert_eq!(closest_key("图片", &allowed), None);
    }
}
