//! A Word or WPS .docx read into a [`Draft`]: paragraphs with their bold runs, Word's automatic
//! numbering written out as the numbers Word shows (一、 （一） 1. …), tables, and the pictures in
//! document order.
//!
//! A .docx is a zip of WordprocessingML parts (ECMA-376): `word/document.xml` holds the text,
//! `word/numbering.xml` the list formats, `word/styles.xml` the styles, `word/media/` the pictures,
//! found through `word/_rels/document.xml.rels`. The XML is read with roxmltree (already built for
//! Typst): a read-only tree fits the nesting of runs in hyperlinks, tables in cells and text boxes,
//! and it resolves character references itself.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use anyhow::{Result, bail};
use roxmltree::Node;

use super::draft::{Draft, Item, Kind, Para, Picture, PictureData, Run, Unit};
use crate::markup::is_cjk;
use crate::recognise::chinese_numeral;

/// The largest part read from a .docx (a zip can claim anything).
const MAX_PART: u64 = 256 << 20;

/// Reads the .docx in `bytes`; `shown` names it in messages.
pub fn read(bytes: &[u8], shown: &str) -> Result<Draft> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        bail!(
            "{shown} 是旧的 Word 97-2003 格式（.doc），不能直接导入。\n  提示：用 Word 或 WPS 打开它，选“另存为”，格式选“Word 文档（*.docx）”，再导入新存的 .docx。"
        );
    }
    let damaged = |why: &str| {
        anyhow::anyhow!(
            "{shown} 无法打开：{why}。\n  提示：用 Word 或 WPS 打开它，确认能正常显示后“另存为” .docx，再导入新存的文件；如果打不开，请向发稿人要一份新的。"
        )
    };
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| {
        damaged("文件已损坏，或者不是 Word 文档（.docx 其实是一个压缩包，这个文件不是）")
    })?;
    let mut part = |name: &str| -> Result<Option<Vec<u8>>> {
        let mut file = match zip.by_name(name) {
            Ok(file) => file,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(_) => return Err(damaged(&format!("其中的 {name} 已损坏"))),
        };
        let mut out = Vec::new();
        file.by_ref()
            .take(MAX_PART)
            .read_to_end(&mut out)
            .map_err(|_| damaged(&format!("其中的 {name} 已损坏")))?;
        Ok(Some(out))
    };
    let text = |bytes: Vec<u8>, name: &str| -> Result<String> {
        String::from_utf8(bytes).map_err(|_| damaged(&format!("其中的 {name} 不是 UTF-8 文字")))
    };

    // The main part, from the package relationships (word/document.xml in Word and WPS).
    let mut main = "word/document.xml".to_string();
    if let Some(rels) = part("_rels/.rels")? {
        let rels = text(rels, "_rels/.rels")?;
        if let Some(target) = relationships(&rels)
            .into_iter()
            .find(|r| r.kind.ends_with("/officeDocument"))
            .map(|r| r.target)
        {
            main = target.trim_start_matches('/').to_string();
        }
    }
    let dir = main.rsplit_once('/').map_or("", |(d, _)| d).to_string();
    let rels_name = format!("{dir}/_rels/{}.rels", main.rsplit('/').next().unwrap_or(""));
    let rels = match part(&rels_name)? {
        Some(r) => relationships(&text(r, &rels_name)?),
        None => Vec::new(),
    };
    let find_part = |suffix: &str, default: &str| {
        rels.iter()
            .find(|r| r.kind.ends_with(suffix) && !r.external)
            .map_or(default.to_string(), |r| resolve(&dir, &r.target))
    };
    let styles_name = find_part("/styles", &format!("{dir}/styles.xml"));
    let numbering_name = find_part("/numbering", &format!("{dir}/numbering.xml"));
    let footnotes_name = find_part("/footnotes", &format!("{dir}/footnotes.xml"));
    let endnotes_name = find_part("/endnotes", &format!("{dir}/endnotes.xml"));

    let Some(document) = part(&main)? else {
        return Err(damaged("找不到正文（document.xml），它可能不是 Word 文档"));
    };
    let document = text(document, &main)?;
    let styles = match part(&styles_name)? {
        Some(s) => Styles::parse(&text(s, &styles_name)?),
        None => Styles::default(),
    };
    let numbering = match part(&numbering_name)? {
        Some(n) => Numbering::parse(&text(n, &numbering_name)?),
        None => Numbering::default(),
    };
    let mut notes = HashMap::new();
    for (kind, name) in [("footnote", &footnotes_name), ("endnote", &endnotes_name)] {
        if let Some(xml) = part(name)? {
            for (id, text) in note_texts(&text(xml, name)?, kind) {
                notes.insert((kind, id), text);
            }
        }
    }
    let xml = roxmltree::Document::parse(&document)
        .map_err(|e| damaged(&format!("正文的 XML 有错（{e}）")))?;
    let body = xml
        .root_element()
        .children()
        .find(|n| n.tag_name().name() == "body")
        .ok_or_else(|| damaged("正文里没有 w:body"))?;

    let mut reader = Reader {
        styles,
        numbering,
        counters: HashMap::new(),
        items: Vec::new(),
        paragraph: 0,
        media: Vec::new(),
        notes,
        cited: Vec::new(),
    };
    reader.blocks(body);
    // Footnotes and endnotes follow the text as paragraphs 「注1：……」, so none of their text is lost.
    let last = reader.paragraph;
    for (n, text) in std::mem::take(&mut reader.cited).into_iter().enumerate() {
        reader.items.push(Item {
            at: last,
            kind: Kind::Para(Para::plain(&format!("注{}：{text}", n + 1))),
        });
    }

    // Pictures: their bytes, by relationship id.
    let mut pictures = HashMap::new();
    for id in reader.media.clone() {
        let data = match rels.iter().find(|r| r.id == id) {
            None => (
                id.clone(),
                PictureData::Missing("文档里找不到这张图片的文件".into()),
            ),
            Some(r) if r.external => (
                r.target.clone(),
                PictureData::Missing("是链接到文档外的图片，没有存在文档里".into()),
            ),
            Some(r) => {
                let name = resolve(&dir, &r.target);
                match part(&name)? {
                    Some(bytes) => (name, PictureData::Bytes(bytes)),
                    None => (
                        name,
                        PictureData::Missing("文档里找不到这张图片的文件".into()),
                    ),
                }
            }
        };
        pictures.insert(id, data);
    }
    for item in &mut reader.items {
        if let Kind::Picture(picture) = &mut item.kind
            && let Some((name, data)) = pictures.get(&picture.name)
        {
            picture.name = name.clone();
            picture.data = data.clone();
        }
    }
    Ok(Draft {
        items: reader.items,
        unit: Unit::Paragraph,
    })
}

/// One relationship of a part.
struct Relationship {
    id: String,
    kind: String,
    target: String,
    external: bool,
}

fn relationships(xml: &str) -> Vec<Relationship> {
    let Ok(doc) = roxmltree::Document::parse(xml) else {
        return Vec::new();
    };
    doc.root_element()
        .children()
        .filter(|n| n.tag_name().name() == "Relationship")
        .map(|n| Relationship {
            id: attr(n, "Id").unwrap_or_default().to_string(),
            kind: attr(n, "Type").unwrap_or_default().to_string(),
            target: attr(n, "Target").unwrap_or_default().to_string(),
            external: attr(n, "TargetMode") == Some("External"),
        })
        .collect()
}

/// A relationship target relative to the part's folder, as a zip entry name.
fn resolve(dir: &str, target: &str) -> String {
    if let Some(absolute) = target.strip_prefix('/') {
        return absolute.to_string();
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for piece in target.split('/') {
        match piece {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// The attribute called `local` in any namespace (w:val, r:embed, r:id).
fn attr<'a>(node: Node<'a, '_>, local: &str) -> Option<&'a str> {
    node.attributes()
        .find(|a| a.name() == local)
        .map(|a| a.value())
}

fn child<'a, 'i>(node: Node<'a, 'i>, local: &str) -> Option<Node<'a, 'i>> {
    node.children()
        .find(|n| n.is_element() && n.tag_name().name() == local)
}

/// An on/off property such as `<w:b/>` or `<w:b w:val="0"/>`.
fn on(node: Option<Node>) -> Option<bool> {
    node.map(|n| !matches!(attr(n, "val"), Some("0" | "false" | "off")))
}

/// What a paragraph style says.
#[derive(Debug, Clone, Default)]
struct Style {
    based_on: Option<String>,
    bold: Option<bool>,
    size: Option<u32>,
    centred: Option<bool>,
    numbering: Option<(String, u32)>,
    /// 1–9 for Word's 标题 1–9, 0 for its Title style.
    heading: Option<u8>,
}

#[derive(Debug, Clone, Default)]
struct Styles {
    by_id: HashMap<String, Style>,
    default_size: Option<u32>,
}

impl Styles {
    fn parse(xml: &str) -> Styles {
        let mut styles = Styles::default();
        let Ok(doc) = roxmltree::Document::parse(xml) else {
            return styles;
        };
        for node in doc.root_element().children().filter(Node::is_element) {
            match node.tag_name().name() {
                "docDefaults" => {
                    styles.default_size = node
                        .descendants()
                        .find(|n| n.tag_name().name() == "sz")
                        .and_then(|n| attr(n, "val")?.parse().ok());
                }
                "style" if attr(node, "type") == Some("paragraph") => {
                    let Some(id) = attr(node, "styleId") else {
                        continue;
                    };
                    let name = child(node, "name")
                        .and_then(|n| attr(n, "val"))
                        .unwrap_or("")
                        .to_lowercase();
                    let ppr = child(node, "pPr");
                    let rpr = child(node, "rPr");
                    let outline = ppr
                        .and_then(|p| child(p, "outlineLvl"))
                        .and_then(|o| attr(o, "val")?.parse::<u8>().ok());
                    let heading = if name == "title" || name == "标题" {
                        Some(0)
                    } else if let Some(level) = name
                        .strip_prefix("heading ")
                        .or_else(|| name.strip_prefix("标题 "))
                        .and_then(|l| l.trim().parse::<u8>().ok())
                    {
                        Some(level)
                    } else {
                        outline.filter(|&o| o < 9).map(|o| o + 1)
                    };
                    let style = Style {
                        based_on: child(node, "basedOn")
                            .and_then(|b| attr(b, "val"))
                            .map(str::to_string),
                        bold: on(rpr.and_then(|r| child(r, "b"))),
                        size: rpr
                            .and_then(|r| child(r, "sz"))
                            .and_then(|s| attr(s, "val")?.parse().ok()),
                        centred: ppr
                            .and_then(|p| child(p, "jc"))
                            .map(|j| attr(j, "val") == Some("center")),
                        numbering: ppr.and_then(|p| child(p, "numPr")).and_then(num_pr),
                        heading,
                    };
                    styles.by_id.insert(id.to_string(), style);
                }
                _ => {}
            }
        }
        styles
    }

    /// A property of style `id`, looked up through its `basedOn` chain.
    fn get<T>(&self, id: Option<&str>, f: impl Fn(&Style) -> Option<T>) -> Option<T> {
        let mut id = id?;
        for _ in 0..20 {
            let style = self.by_id.get(id)?;
            if let Some(value) = f(style) {
                return Some(value);
            }
            id = style.based_on.as_deref()?;
        }
        None
    }
}

/// `<w:numPr><w:ilvl/><w:numId/></w:numPr>` as (numId, level); numId 0 means no numbering.
fn num_pr(node: Node) -> Option<(String, u32)> {
    let id = child(node, "numId").and_then(|n| attr(n, "val"))?;
    let level = child(node, "ilvl")
        .and_then(|n| attr(n, "val")?.parse().ok())
        .unwrap_or(0);
    (id != "0").then(|| (id.to_string(), level))
}

/// One level of a list format.
#[derive(Debug, Clone)]
struct Level {
    start: u32,
    format: String,
    text: String,
}

#[derive(Debug, Clone, Default)]
struct Numbering {
    /// abstractNumId → its levels.
    abstracts: HashMap<String, HashMap<u32, Level>>,
    /// numId → (abstractNumId, start overrides by level).
    nums: HashMap<String, (String, HashMap<u32, u32>)>,
}

impl Numbering {
    fn parse(xml: &str) -> Numbering {
        let mut numbering = Numbering::default();
        let Ok(doc) = roxmltree::Document::parse(xml) else {
            return numbering;
        };
        for node in doc.root_element().children().filter(Node::is_element) {
            match node.tag_name().name() {
                "abstractNum" => {
                    let Some(id) = attr(node, "abstractNumId") else {
                        continue;
                    };
                    let levels = node
                        .children()
                        .filter(|n| n.tag_name().name() == "lvl")
                        .filter_map(|lvl| {
                            let level: u32 = attr(lvl, "ilvl")?.parse().ok()?;
                            let val = |name: &str| child(lvl, name).and_then(|n| attr(n, "val"));
                            Some((
                                level,
                                Level {
                                    start: val("start").and_then(|s| s.parse().ok()).unwrap_or(1),
                                    format: val("numFmt").unwrap_or("decimal").to_string(),
                                    text: val("lvlText").unwrap_or("").to_string(),
                                },
                            ))
                        })
                        .collect();
                    numbering.abstracts.insert(id.to_string(), levels);
                }
                "num" => {
                    let Some(id) = attr(node, "numId") else {
                        continue;
                    };
                    let Some(abstract_id) =
                        child(node, "abstractNumId").and_then(|n| attr(n, "val"))
                    else {
                        continue;
                    };
                    let overrides = node
                        .children()
                        .filter(|n| n.tag_name().name() == "lvlOverride")
                        .filter_map(|o| {
                            let level = attr(o, "ilvl")?.parse().ok()?;
                            let start = attr(child(o, "startOverride")?, "val")?.parse().ok()?;
                            Some((level, start))
                        })
                        .collect();
                    numbering
                        .nums
                        .insert(id.to_string(), (abstract_id.to_string(), overrides));
                }
                _ => {}
            }
        }
        numbering
    }
}

/// A number in one of Word's formats.
fn format_number(n: u32, format: &str) -> String {
    let letters = |base: char| {
        let mut n = n.max(1) - 1;
        let mut out = String::new();
        loop {
            out.insert(0, char::from_u32(base as u32 + n % 26).unwrap_or(base));
            if n < 26 {
                break;
            }
            n = n / 26 - 1;
        }
        out
    };
    match format {
        "chineseCounting"
        | "chineseCountingThousand"
        | "chineseLegalSimplified"
        | "ideographTraditional"
        | "taiwaneseCounting"
        | "taiwaneseCountingThousand"
        | "japaneseCounting" => chinese_numeral(n),
        "decimalFullWidth" | "decimalFullWidth2" => n
            .to_string()
            .chars()
            .map(|d| char::from_u32(d as u32 - '0' as u32 + '０' as u32).unwrap_or(d))
            .collect(),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" if (1..=20).contains(&n) => {
            char::from_u32('①' as u32 + n - 1).map_or(n.to_string(), String::from)
        }
        "decimalZero" => format!("{n:02}"),
        "lowerLetter" => letters('a'),
        "upperLetter" => letters('A'),
        "lowerRoman" | "upperRoman" => {
            let mut out = String::new();
            let mut v = n;
            for (value, s) in [
                (1000, "m"),
                (900, "cm"),
                (500, "d"),
                (400, "cd"),
                (100, "c"),
                (90, "xc"),
                (50, "l"),
                (40, "xl"),
                (10, "x"),
                (9, "ix"),
                (5, "v"),
                (4, "iv"),
                (1, "i"),
            ] {
                while v >= value {
                    out.push_str(s);
                    v -= value;
                }
            }
            if format == "upperRoman" {
                out.to_uppercase()
            } else {
                out
            }
        }
        "none" => String::new(),
        _ => n.to_string(),
    }
}

struct Reader {
    styles: Styles,
    numbering: Numbering,
    /// numId → the current number at each level.
    counters: HashMap<String, Vec<u32>>,
    items: Vec<Item>,
    /// Paragraphs and tables counted so far (for 「第 N 段」).
    paragraph: usize,
    /// Relationship ids of the pictures, in document order.
    media: Vec<String>,
    /// The text of each footnote and endnote, by kind and id.
    notes: HashMap<(&'static str, String), String>,
    /// The texts of the notes cited so far, in order: the text says 「（注1）」 where each is cited.
    cited: Vec<String>,
}

/// What a paragraph's content gives while it is walked.
#[derive(Default)]
struct Pieces {
    /// Text runs and pictures, in order; a picture splits the paragraph.
    parts: Vec<Piece>,
    max_size: u32,
    all_bold: bool,
    any_text: bool,
}

enum Piece {
    Run(Run),
    Picture(String),
}

impl Reader {
    fn blocks(&mut self, parent: Node) {
        for node in parent.children().filter(Node::is_element) {
            match node.tag_name().name() {
                "p" => self.paragraph(node),
                "tbl" => self.table(node),
                "sdt" => {
                    if let Some(content) = child(node, "sdtContent") {
                        self.blocks(content);
                    }
                }
                "customXml" | "ins" | "moveTo" => self.blocks(node),
                "AlternateContent" => {
                    if let Some(choice) = alternate(node) {
                        self.blocks(choice);
                    }
                }
                _ => {}
            }
        }
    }

    fn paragraph(&mut self, p: Node) {
        self.paragraph += 1;
        let at = self.paragraph;
        let ppr = child(p, "pPr");
        let style = ppr
            .and_then(|pp| child(pp, "pStyle"))
            .and_then(|s| attr(s, "val"))
            .map(str::to_string);
        let style = style.as_deref();
        let mut label = self.label(ppr, style);

        let mut pieces = Pieces {
            all_bold: true,
            ..Pieces::default()
        };
        let bold = self.styles.get(style, |s| s.bold).unwrap_or(false);
        let size = self
            .styles
            .get(style, |s| s.size)
            .or(self.styles.default_size)
            .unwrap_or(21);
        let mut boxes = Vec::new();
        self.runs(p, bold, size, &mut pieces, &mut boxes);
        for text_box in boxes {
            self.blocks(text_box);
        }

        let centred = ppr
            .and_then(|pp| child(pp, "jc"))
            .map(|j| attr(j, "val") == Some("center"))
            .or_else(|| self.styles.get(style, |s| s.centred))
            .unwrap_or(false);
        let heading = self.styles.get(style, |s| s.heading);
        let title_hint = heading == Some(0)
            || (pieces.any_text
                && ((centred && (pieces.max_size >= 36 || pieces.all_bold))
                    || pieces.max_size >= 40));
        let heading_hint = heading
            .filter(|h| (1..=4).contains(h))
            .filter(|_| !title_hint);

        // Text and pictures in order: a picture splits the paragraph.
        let mut runs: Vec<Run> = Vec::new();
        let auto_number = label.is_some();
        let flush = |runs: &mut Vec<Run>, label: &mut Option<String>, items: &mut Vec<Item>| {
            let mut joined = join_soft_breaks(std::mem::take(runs));
            if let Some(label) = label.take() {
                joined.insert(
                    0,
                    Run {
                        text: label,
                        bold: false,
                    },
                );
            }
            if joined.iter().any(|r| !r.text.trim().is_empty()) {
                items.push(Item {
                    at,
                    kind: Kind::Para(Para {
                        runs: joined,
                        title_hint,
                        heading_hint,
                        auto_number,
                    }),
                });
            }
        };
        for piece in pieces.parts {
            match piece {
                Piece::Run(run) => runs.push(run),
                Piece::Picture(id) => {
                    flush(&mut runs, &mut label, &mut self.items);
                    self.media.push(id.clone());
                    self.items.push(Item {
                        at,
                        kind: Kind::Picture(Picture {
                            name: id,
                            data: PictureData::Missing(String::new()),
                        }),
                    });
                }
            }
        }
        flush(&mut runs, &mut label, &mut self.items);
    }

    /// The number Word shows in front of a paragraph with automatic numbering, e.g. 「（一）」.
    fn label(&mut self, ppr: Option<Node>, style: Option<&str>) -> Option<String> {
        let (id, level) = ppr
            .and_then(|pp| child(pp, "numPr"))
            .and_then(|n| {
                // <w:numPr><w:numId w:val="0"/></w:numPr> turns a style's numbering off.
                let id = child(n, "numId").and_then(|i| attr(i, "val"))?;
                let level = child(n, "ilvl")
                    .and_then(|l| attr(l, "val")?.parse().ok())
                    .or_else(|| {
                        self.styles
                            .get(style, |s| s.numbering.as_ref().map(|n| n.1))
                    })
                    .unwrap_or(0);
                Some((id.to_string(), level))
            })
            .or_else(|| self.styles.get(style, |s| s.numbering.clone()))?;
        if id == "0" {
            return None;
        }
        let (abstract_id, overrides) = self.numbering.nums.get(&id)?.clone();
        let levels = self.numbering.abstracts.get(&abstract_id)?.clone();
        let start = |l: u32| {
            overrides
                .get(&l)
                .copied()
                .or_else(|| levels.get(&l).map(|lv| lv.start))
                .unwrap_or(1)
        };
        let counters = self.counters.entry(id).or_default();
        let level = level.min(8) as usize;
        if counters.len() <= level {
            for l in counters.len()..=level {
                counters.push(start(l as u32).saturating_sub(1));
            }
        }
        counters[level] += 1;
        // A number at this level restarts the levels below it.
        for (l, counter) in counters.iter_mut().enumerate().skip(level + 1) {
            *counter = start(l as u32).saturating_sub(1);
        }
        let this = levels.get(&(level as u32))?;
        if this.format == "bullet" {
            // Bullets are symbols of a symbol font; a plain bullet prints everywhere.
            return Some("• ".into());
        }
        let mut text = this.text.clone();
        for (l, &counter) in counters.iter().enumerate().take(level + 1) {
            let format = levels
                .get(&(l as u32))
                .map_or("decimal", |lv| lv.format.as_str());
            text = text.replace(&format!("%{}", l + 1), &format_number(counter, format));
        }
        (!text.is_empty()).then_some(text)
    }

    /// Walks the runs of a paragraph (inside hyperlinks, insertions, fields …).
    fn runs<'a, 'i>(
        &mut self,
        node: Node<'a, 'i>,
        style_bold: bool,
        style_size: u32,
        out: &mut Pieces,
        boxes: &mut Vec<Node<'a, 'i>>,
    ) {
        for child_node in node.children().filter(Node::is_element) {
            match child_node.tag_name().name() {
                "r" => self.run(child_node, style_bold, style_size, out, boxes),
                "hyperlink" | "smartTag" | "ins" | "moveTo" | "sdt" | "sdtContent"
                | "fldSimple" | "customXml" | "dir" | "bdo" => {
                    self.runs(child_node, style_bold, style_size, out, boxes)
                }
                "AlternateContent" => {
                    if let Some(choice) = alternate(child_node) {
                        self.runs(choice, style_bold, style_size, out, boxes);
                    }
                }
                _ => {}
            }
        }
    }

    fn run<'a, 'i>(
        &mut self,
        r: Node<'a, 'i>,
        style_bold: bool,
        style_size: u32,
        out: &mut Pieces,
        boxes: &mut Vec<Node<'a, 'i>>,
    ) {
        let rpr = child(r, "rPr");
        let bold = on(rpr.and_then(|p| child(p, "b"))).unwrap_or(style_bold);
        let size = rpr
            .and_then(|p| child(p, "sz"))
            .and_then(|s| attr(s, "val")?.parse().ok())
            .unwrap_or(style_size);
        let mut text = String::new();
        let push_text = |text: &mut String, out: &mut Pieces| {
            if text.is_empty() {
                return;
            }
            if !text.trim().is_empty() {
                out.any_text = true;
                out.max_size = out.max_size.max(size);
                out.all_bold &= bold;
            }
            out.parts.push(Piece::Run(Run {
                text: std::mem::take(text),
                bold,
            }));
        };
        for node in r.children().filter(Node::is_element) {
            match node.tag_name().name() {
                "t" => text.push_str(node.text().unwrap_or("")),
                "tab" | "ptab" => text.push('\t'),
                "br" | "cr" => text.push('\n'),
                "noBreakHyphen" => text.push('-'),
                kind @ ("footnoteReference" | "endnoteReference") => {
                    let kind = if kind.starts_with("foot") {
                        "footnote"
                    } else {
                        "endnote"
                    };
                    if let Some(note) =
                        attr(node, "id").and_then(|id| self.notes.get(&(kind, id.to_string())))
                    {
                        self.cited.push(note.clone());
                        text.push_str(&format!("（注{}）", self.cited.len()));
                    }
                }
                "sym" => {
                    if let Some(c) = attr(node, "char")
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .and_then(char::from_u32)
                        .filter(|c| !('\u{F000}'..='\u{F0FF}').contains(c))
                    {
                        text.push(c);
                    }
                }
                "drawing" | "pict" | "object" | "AlternateContent" => {
                    push_text(&mut text, out);
                    let node = if node.tag_name().name() == "AlternateContent" {
                        match alternate(node) {
                            Some(choice) => choice,
                            None => continue,
                        }
                    } else {
                        node
                    };
                    for inner in node.descendants() {
                        match inner.tag_name().name() {
                            "blip" => {
                                if let Some(id) =
                                    attr(inner, "embed").or_else(|| attr(inner, "link"))
                                {
                                    out.parts.push(Piece::Picture(id.to_string()));
                                }
                            }
                            "imagedata" => {
                                if let Some(id) = attr(inner, "id") {
                                    out.parts.push(Piece::Picture(id.to_string()));
                                }
                            }
                            "txbxContent" => boxes.push(inner),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        push_text(&mut text, out);
    }

    fn table(&mut self, tbl: Node) {
        self.paragraph += 1;
        let at = self.paragraph;
        let mut rows = Vec::new();
        let mut pictures = Vec::new();
        for tr in tbl.children().filter(|n| n.tag_name().name() == "tr") {
            let mut row = Vec::new();
            for tc in tr.children().filter(|n| n.tag_name().name() == "tc") {
                let tcpr = child(tc, "tcPr");
                let span = tcpr
                    .and_then(|p| child(p, "gridSpan"))
                    .and_then(|g| attr(g, "val")?.parse::<usize>().ok())
                    .unwrap_or(1)
                    .clamp(1, 64);
                // The lower cells of a vertical merge repeat nothing.
                let continued = tcpr
                    .and_then(|p| child(p, "vMerge"))
                    .is_some_and(|v| attr(v, "val") != Some("restart"));
                let text = if continued {
                    String::new()
                } else {
                    self.cell_text(tc, &mut pictures)
                };
                row.push(text);
                row.extend(std::iter::repeat_n(String::new(), span - 1));
            }
            if !row.is_empty() {
                rows.push(row);
            }
        }
        if !rows.is_empty() {
            self.items.push(Item {
                at,
                kind: Kind::Table(rows),
            });
        }
        for id in pictures {
            self.media.push(id.clone());
            self.items.push(Item {
                at,
                kind: Kind::Picture(Picture {
                    name: id,
                    data: PictureData::Missing(String::new()),
                }),
            });
        }
    }

    /// A cell's text: one line per paragraph (with its automatic number), soft breaks as lines.
    fn cell_text(&mut self, tc: Node, pictures: &mut Vec<String>) -> String {
        let mut lines = Vec::new();
        for p in tc.descendants().filter(|n| n.tag_name().name() == "p") {
            let ppr = child(p, "pPr");
            let style = ppr
                .and_then(|pp| child(pp, "pStyle"))
                .and_then(|s| attr(s, "val"))
                .map(str::to_string);
            let label = self.label(ppr, style.as_deref());
            let mut pieces = Pieces::default();
            let mut boxes = Vec::new();
            self.runs(p, false, 21, &mut pieces, &mut boxes);
            let mut line = label.unwrap_or_default();
            for piece in pieces.parts {
                match piece {
                    Piece::Run(run) => line.push_str(&run.text),
                    Piece::Picture(id) => pictures.push(id),
                }
            }
            lines.push(line.replace('\t', " "));
        }
        lines.join("\n")
    }
}

/// The text of each footnote (or endnote) of footnotes.xml, by id; paragraphs joined by spaces.
fn note_texts(xml: &str, kind: &str) -> Vec<(String, String)> {
    let Ok(doc) = roxmltree::Document::parse(xml) else {
        return Vec::new();
    };
    doc.root_element()
        .children()
        .filter(|n| n.tag_name().name() == kind)
        .filter_map(|note| {
            let id = attr(note, "id")?.to_string();
            let paragraphs: Vec<String> = note
                .descendants()
                .filter(|n| n.tag_name().name() == "p")
                .map(|p| {
                    p.descendants()
                        .filter(|t| t.tag_name().name() == "t")
                        .filter_map(|t| t.text())
                        .collect::<String>()
                })
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect();
            (!paragraphs.is_empty()).then(|| (id, paragraphs.join(" ")))
        })
        .collect()
}

/// The branch of `mc:AlternateContent` to read: the first `mc:Choice` (Word's modern form),
/// otherwise the `mc:Fallback` — never both, or pictures would be read twice.
fn alternate<'a, 'i>(node: Node<'a, 'i>) -> Option<Node<'a, 'i>> {
    child(node, "Choice").or_else(|| child(node, "Fallback"))
}

/// Runs with Word's soft line breaks removed: nothing between two Chinese characters, a space
/// elsewhere.
fn join_soft_breaks(runs: Vec<Run>) -> Vec<Run> {
    let chars: Vec<(char, bool)> = runs
        .iter()
        .flat_map(|r| r.text.chars().map(move |c| (c, r.bold)))
        .collect();
    let mut out: Vec<Run> = Vec::new();
    let push = |c: char, bold: bool, out: &mut Vec<Run>| match out.last_mut() {
        Some(last) if last.bold == bold => last.text.push(c),
        _ => out.push(Run {
            text: c.to_string(),
            bold,
        }),
    };
    for (i, &(c, bold)) in chars.iter().enumerate() {
        if c != '\n' {
            push(c, bold, &mut out);
            continue;
        }
        let before = chars[..i]
            .iter()
            .rev()
            .find(|(c, _)| *c != '\n')
            .map(|x| x.0);
        let after = chars[i + 1..].iter().find(|(c, _)| *c != '\n').map(|x| x.0);
        let (Some(b), Some(a)) = (before, after) else {
            continue;
        };
        // Between two Chinese characters the break vanishes; next to a space it adds nothing.
        let vanishes = (is_cjk(b) && is_cjk(a)) || b.is_whitespace() || a.is_whitespace();
        if !vanishes {
            push(' ', bold, &mut out);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_number_formats_are_written_as_word_shows_them() {
        assert_eq!(format_number(3, "chineseCounting"), "三");
        assert_eq!(format_number(12, "chineseCountingThousand"), "十二");
        assert_eq!(format_number(2, "decimal"), "2");
        assert_eq!(format_number(2, "decimalFullWidth"), "２");
        assert_eq!(format_number(3, "decimalEnclosedCircle"), "③");
        assert_eq!(format_number(28, "lowerLetter"), "ab");
        assert_eq!(format_number(14, "upperRoman"), "XIV");
    }

    #[test]
    fn soft_breaks_vanish_between_chinese_characters_and_become_spaces_elsewhere() {
        let runs = vec![
            Run {
                text: "党建\n引领".into(),
                bold: false,
            },
            Run {
                text: "\nPDF\n文件".into(),
                bold: true,
            },
        ];
        let joined = join_soft_breaks(runs);
        let text: String = joined.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(text, "党建引领 PDF 文件");
    }

    #[test]
    fn relationship_targets_resolve_to_zip_entries() {
        assert_eq!(resolve("word", "media/image1.png"), "word/media/image1.png");
        assert_eq!(resolve("word", "../media/a.png"), "media/a.png");
        assert_eq!(resolve("word", "/word/media/b.jpeg"), "word/media/b.jpeg");
    }

    #[test]
    fn a_file_that_is_no_zip_or_an_old_doc_is_refused_in_chinese() {
        let err = read(b"not a zip at all", "草稿.docx").unwrap_err();
        assert!(err.to_string().contains("草稿.docx 无法打开"), "{err}");
        let err = read(&[0xD0, 0xCF, 0x11, 0xE0, 0, 0], "旧.docx").unwrap_err();
        assert!(err.to_string().contains("Word 97-2003"), "{err}");
    }
}
