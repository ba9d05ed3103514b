//! The draft as read from any source (paragraphs with bold runs, pictures, tables, in order), and
//! the pass that gives it the bulletin's structure: masthead, titles, 编者按, the heading ladder,
//! photos with captions, tables with their notes, 稿件编辑. Whatever the rules cannot place stays a
//! paragraph, in order: no text of the draft is dropped.

use std::path::PathBuf;

use crate::markup::is_cjk;
use crate::recognise::{self, Level, Numbering};

/// A draft: its items in document order.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub items: Vec<Item>,
    /// How the items' places are counted: lines of a text file or paragraphs of a Word document.
    pub unit: Unit,
}

/// What `Item::at` counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Unit {
    /// Lines of a text or Markdown file.
    #[default]
    Line,
    /// Paragraphs (and tables) of a Word document, counted from 1.
    Paragraph,
}

impl Unit {
    /// 「第 7 行」 or 「第 7 段」.
    pub fn place(self, at: usize) -> String {
        match self {
            Unit::Line => format!("第 {at} 行"),
            Unit::Paragraph => format!("第 {at} 段"),
        }
    }
}

/// One item of a draft.
#[derive(Debug, Clone)]
pub struct Item {
    /// Where it starts (see [`Unit`]).
    pub at: usize,
    pub kind: Kind,
}

#[derive(Debug, Clone)]
pub enum Kind {
    Para(Para),
    Picture(Picture),
    /// A table the source marked as one (Word's `w:tbl`, a Markdown pipe table). Lines of tab- or
    /// `|`-separated text are found by [`assemble`] itself.
    Table(Vec<Vec<String>>),
    /// A blank line: it separates paragraphs and ends a pasted table.
    Blank,
}

/// A paragraph: its text as runs, and what the source says about its look.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Para {
    pub runs: Vec<Run>,
    /// Centred, large, Word's Title style, or a Markdown heading without a number: a title.
    pub title_hint: bool,
    /// Word's 标题 1–4 (Heading 1–4) style, or a Markdown heading below `##`: a heading's level.
    pub heading_hint: Option<u8>,
    /// The paragraph's number came from Word's automatic numbering (`w:numPr`).
    pub auto_number: bool,
}

pub use super::markdown::Run;

impl Para {
    /// A paragraph of one plain run.
    pub fn plain(text: &str) -> Para {
        Para {
            runs: vec![Run {
                text: text.to_string(),
                bold: false,
            }],
            ..Para::default()
        }
    }

    /// The text without formatting.
    pub fn text(&self) -> String {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }

    /// The paragraph without its first `bytes` bytes of text (a number or a label).
    pub fn drop_prefix(&self, mut bytes: usize) -> Para {
        let mut runs = Vec::new();
        for run in &self.runs {
            if bytes >= run.text.len() {
                bytes -= run.text.len();
                continue;
            }
            runs.push(Run {
                text: run.text[bytes..].to_string(),
                bold: run.bold,
            });
            bytes = 0;
        }
        Para {
            runs,
            ..self.clone()
        }
    }

    /// The paragraph with its indent and trailing spaces removed, and runs of the same weight
    /// merged.
    pub fn trimmed(&self) -> Para {
        let text = self.text();
        let start = text.len() - text.trim_start_matches(recognise::is_space).len();
        let end = text.trim_end_matches(recognise::is_space).len();
        let mut runs: Vec<Run> = Vec::new();
        let mut offset = 0;
        for run in &self.runs {
            let (from, to) = (offset, offset + run.text.len());
            offset = to;
            let (a, b) = (from.max(start), to.min(end));
            if a >= b {
                continue;
            }
            let piece = &run.text[a - from..b - from];
            match runs.last_mut() {
                Some(last) if last.bold == run.bold => last.text.push_str(piece),
                _ => runs.push(Run {
                    text: piece.to_string(),
                    bold: run.bold,
                }),
            }
        }
        Para {
            runs,
            ..self.clone()
        }
    }

    /// This paragraph followed by `next`, joined the CJK way (no space between two Chinese
    /// characters, one space otherwise).
    fn joined(&self, next: &Para) -> Para {
        let mut out = self.clone();
        let before = self.text().chars().next_back();
        let after = next.text().chars().next();
        if let (Some(b), Some(a)) = (before, after)
            && !(is_cjk(b) && is_cjk(a))
        {
            out.runs.push(Run {
                text: " ".into(),
                bold: false,
            });
        }
        out.runs.extend(next.runs.iter().cloned());
        out.trimmed()
    }
}

/// A picture of the draft.
#[derive(Debug, Clone)]
pub struct Picture {
    /// How the messages name it: word/media/image1.png, or the path in the Markdown.
    pub name: String,
    pub data: PictureData,
}

#[derive(Debug, Clone)]
pub enum PictureData {
    /// The picture's bytes, from the Word document.
    Bytes(Vec<u8>),
    /// A file the Markdown points at.
    File(PathBuf),
    /// Linked, not embedded: only the reason is known.
    Missing(String),
}

/// What the pass found, as the bulletin's content (see src/model.rs for the YAML it becomes).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Doc {
    pub number: Option<u32>,
    pub date: Option<(i32, u32, u32)>,
    pub editor: Option<String>,
    pub reviewer: Option<String>,
    pub copies: Option<u32>,
    pub articles: Vec<Article>,
    /// One entry per photo block, in document order: the picture for photos/01.…, 02.… .
    pub photos: Vec<Option<usize>>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Article {
    pub title: String,
    /// The 编者按 (Markdown), without its label.
    pub note: Option<String>,
    pub lead: Vec<Block>,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Section {
    pub heading: String,
    pub body: Vec<Block>,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A paragraph, as runs (the writer turns them into Markdown).
    Text(Vec<Run>),
    /// Photo number `photo` (0-based, in document order) and its caption.
    Photo {
        photo: usize,
        caption: String,
    },
    Table(Table),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Integer(i64),
    Items(Vec<String>),
}

/// One line of the import report: what a structure was recognised as, or a guess to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub warning: bool,
    pub text: String,
}

/// What the pass needs from bulletin.yaml.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub name: String,
    pub publisher: String,
    pub editor: String,
    pub caption_mark: String,
    /// The 报尾's distribution lines as printed, 「报：院党委领导」: the tool prints them itself.
    pub distribution: Vec<String>,
}

/// Placeholder titles and captions start like `bulletin new`'s, so `check` warns until replaced.
pub const TITLE_PLACEHOLDER: &str = "（在这里写文章标题）";
pub const CAPTION_PLACEHOLDER: &str = "（在这里写照片说明）";

/// A paragraph shorter than this that does not end a sentence is taken as it stands; a longer one
/// is a paragraph broken in two (by a page break in a PDF copy, a stray Enter) and joined with the
/// next.
const RUN_ON_MIN_CHARS: usize = 20;

/// Characters a paragraph may end with.
const ENDINGS: &[char] = &[
    '。', '！', '？', '；', '：', '…', '”', '’', '）', '」', '』', '】', '》', '.', '!', '?', ';',
    ':', ')', ']', '"', '—',
];

/// A heading kind in the stack of open sections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HeadKind {
    Number(Numbering),
    /// A Word heading style or Markdown heading without a number.
    Styled(u8),
}

impl HeadKind {
    /// Where the kind stands on the ladder: a kind not open yet closes the open kinds ranked below
    /// it.
    fn rank(self) -> u32 {
        match self {
            HeadKind::Number(Numbering::Chinese | Numbering::Ordinal) => 10,
            HeadKind::Number(Numbering::ChineseParen) => 20,
            HeadKind::Number(Numbering::Enumerated) => 25,
            HeadKind::Number(Numbering::Arabic) => 30,
            HeadKind::Number(Numbering::ArabicParen) => 40,
            HeadKind::Styled(level) => u32::from(level) * 10,
        }
    }
}

/// Gives the draft the bulletin's structure. Returns the content and one note per recognised
/// structure or guess.
pub fn assemble(draft: &Draft, settings: &Settings) -> (Doc, Vec<Note>) {
    let mut builder = Builder {
        settings,
        unit: draft.unit,
        doc: Doc::default(),
        notes: Vec::new(),
        article: None,
        stack: Vec::new(),
        siblings: Vec::new(),
        masthead: true,
        masthead_seen: false,
        pictures_possible: draft.unit == Unit::Paragraph
            || draft
                .items
                .iter()
                .any(|i| matches!(i.kind, Kind::Picture(_))),
        body_started: false,
        after_table: false,
        after_credits: false,
        pictures: Vec::new(),
    };
    let items = &draft.items;
    let mut i = 0;
    while i < items.len() {
        let item = &items[i];
        match &item.kind {
            Kind::Blank => {
                i += 1;
                continue;
            }
            Kind::Table(rows) => {
                builder.table(item.at, rows.clone());
                i += 1;
                continue;
            }
            Kind::Picture(_) => {
                i = builder.picture(items, i);
                continue;
            }
            Kind::Para(para) => {
                let para = para.trimmed();
                if para.runs.is_empty() {
                    i += 1;
                    continue;
                }
                // Lines of tab- or |-separated cells, one after another: a pasted table.
                if let Some(first) = recognise::table_cells(&para.text()) {
                    let mut rows = vec![first];
                    let mut j = i + 1;
                    while let Some(Item {
                        kind: Kind::Para(next),
                        ..
                    }) = items.get(j)
                    {
                        let text = next.text();
                        if recognise::is_table_rule(&text) {
                            j += 1;
                            continue;
                        }
                        match recognise::table_row_continued(&text) {
                            Some(cells) => rows.push(cells),
                            None => break,
                        }
                        j += 1;
                    }
                    if rows.len() >= 2 {
                        builder.table(item.at, rows);
                        i = j;
                        continue;
                    }
                }
                i = builder.paragraph(items, i, para);
            }
        }
    }
    builder.finish()
}

struct Builder<'a> {
    settings: &'a Settings,
    unit: Unit,
    doc: Doc,
    notes: Vec<Note>,
    article: Option<Article>,
    /// Open sections: their kind and the ordinal of the last one.
    stack: Vec<(HeadKind, u32)>,
    /// Headings under the open sections: depth, kind and number, for checking that numbers run on.
    siblings: Vec<(usize, HeadKind, u32)>,
    /// Still at the top, where masthead lines are.
    masthead: bool,
    /// A masthead line has been read.
    masthead_seen: bool,
    /// The draft can hold pictures (a Word document, Markdown with images): a caption without
    /// one is a guess to check.
    pictures_possible: bool,
    /// The current article has something after its title.
    body_started: bool,
    /// The last item was a table (a 备注 now is its note).
    after_table: bool,
    /// The last item was the 稿件编辑 line: what follows starts a new article.
    after_credits: bool,
    /// The picture (item index) of each photo found so far, or none.
    pictures: Vec<Option<usize>>,
}

/// Shortens `text` for a report line.
pub fn quote(text: &str) -> String {
    let text = text.replace(['\n', '\t'], " ");
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= 24 {
        text
    } else {
        format!("{}…", chars[..22].iter().collect::<String>())
    }
}

impl Builder<'_> {
    fn note(&mut self, text: String) {
        self.notes.push(Note {
            warning: false,
            text,
        });
    }

    fn warn(&mut self, text: String) {
        self.notes.push(Note {
            warning: true,
            text,
        });
    }

    fn place(&self, at: usize) -> String {
        self.unit.place(at)
    }

    /// The current article, started with a placeholder title if the draft has none yet.
    fn article(&mut self, at: usize) -> &mut Article {
        if self.article.is_none() {
            let place = self.place(at);
            self.warn(format!(
                "{place}之前没有找到文章标题，标题暂写作「{TITLE_PLACEHOLDER}」，请在 issue.yaml 里改成真正的标题"
            ));
            self.start_article(TITLE_PLACEHOLDER.to_string());
        }
        self.masthead = false;
        self.article.as_mut().expect("started above")
    }

    fn start_article(&mut self, title: String) {
        if let Some(done) = self.article.take() {
            self.doc.articles.push(done);
        }
        self.article = Some(Article {
            title,
            ..Article::default()
        });
        self.stack.clear();
        self.siblings.clear();
        self.body_started = false;
        self.after_table = false;
        self.after_credits = false;
        self.masthead = false;
    }

    /// The body new blocks go into: the deepest open section's, or the lead.
    fn body(&mut self, at: usize) -> &mut Vec<Block> {
        let depth = self.stack.len();
        self.body_started = true;
        self.after_credits = false;
        let article = self.article(at);
        if depth == 0 {
            return &mut article.lead;
        }
        let mut section = article.sections.last_mut().expect("open section");
        for _ in 1..depth {
            section = section.sections.last_mut().expect("open subsection");
        }
        &mut section.body
    }

    fn push(&mut self, at: usize, block: Block) {
        self.body(at).push(block);
    }

    fn table(&mut self, at: usize, rows: Vec<Vec<String>>) {
        let place = self.place(at);
        let (table, warnings) = make_table(rows);
        self.note(format!(
            "{place}起的表格 → 表格（{} 列，表头加 {} 行）",
            table.header.len(),
            table.rows.len()
        ));
        for warning in warnings {
            self.warn(format!("{place}起的表格：{warning}"));
        }
        self.push(at, Block::Table(table));
        self.after_table = true;
    }

    /// A picture at `items[i]`, with the caption after (or before) it; returns the next index.
    fn picture(&mut self, items: &[Item], i: usize) -> usize {
        let at = items[i].at;
        let next = next_filled(items, i + 1);
        let caption = next.and_then(|j| match &items[j].kind {
            Kind::Para(p) => recognise::caption_mark(&p.text(), &self.settings.caption_mark)
                .map(|c| (j, c.to_string())),
            _ => None,
        });
        let photo = self.pictures.len();
        self.pictures.push(Some(i));
        match caption {
            Some((j, caption)) => {
                self.photo(items[j].at, photo, caption, true);
                j + 1
            }
            None => {
                let place = self.place(at);
                self.warn(format!(
                    "{place}的图片 {} 没有照片说明（图片前后没有以「△」开头的一行），说明暂写作「{CAPTION_PLACEHOLDER}」",
                    photo + 1
                ));
                self.photo(at, photo, CAPTION_PLACEHOLDER.to_string(), true);
                i + 1
            }
        }
    }

    fn photo(&mut self, at: usize, photo: usize, caption: String, with_picture: bool) {
        let caption = if caption.is_empty() {
            let place = self.place(at);
            self.warn(format!(
                "{place}的「△」后面没有说明文字，说明暂写作「{CAPTION_PLACEHOLDER}」"
            ));
            CAPTION_PLACEHOLDER.to_string()
        } else {
            caption
        };
        let place = self.place(at);
        if with_picture || !self.pictures_possible {
            let whose = if with_picture {
                ""
            } else {
                "（照片文件另外放进 photos 文件夹）"
            };
            self.note(format!(
                "{place}「△{}」→ 图片 {} 的说明{whose}",
                quote(&caption),
                photo + 1
            ));
        } else {
            self.warn(format!(
                "{place}「△{}」是照片说明，但前后没有图片；已写成图片 {}，照片文件请另外放进 photos 文件夹",
                quote(&caption),
                photo + 1
            ));
        }
        self.push(at, Block::Photo { photo, caption });
        self.after_table = false;
    }

    /// A paragraph at `items[i]` (`para` is it, trimmed); returns the next index.
    fn paragraph(&mut self, items: &[Item], i: usize, para: Para) -> usize {
        let at = items[i].at;
        let text = para.text();
        let place = self.place(at);
        let shown = quote(&text);

        if self.masthead
            && let Some(found) =
                recognise::masthead_line(&text, &self.settings.name, &self.settings.publisher)
        {
            let mut parts = Vec::new();
            if found.name {
                parts.push("刊名".to_string());
            }
            if let Some(n) = found.number {
                parts.push(format!("期号 {n}"));
                self.doc.number.get_or_insert(n);
            }
            if found.publisher {
                parts.push("编印单位".to_string());
            }
            if let Some((y, m, d)) = found.date {
                parts.push(format!("日期 {y}-{m:02}-{d:02}"));
                self.doc.date.get_or_insert((y, m, d));
            }
            self.note(format!(
                "{place}「{shown}」→ 版头的{}（由程序印出）",
                parts.join("、")
            ));
            self.masthead_seen = true;
            return i + 1;
        }
        // Another office's name before the date on a masthead line: the masthead is printed from
        // bulletin.yaml, so say that this name is not printed.
        if self.masthead
            && self.masthead_seen
            && let Some((office, date)) = office_and_date(&text)
        {
            self.doc.date.get_or_insert(date);
            self.warn(format!(
                "{place}「{shown}」是版头的编印单位和日期，但编印单位「{office}」与 content/bulletin.yaml 的「{}」不同；版头按 bulletin.yaml 印，要改请改那里的 publisher",
                self.settings.publisher
            ));
            return i + 1;
        }

        // The 稿件编辑 line, as drafted or as the bulletin prints it (with 审核 and 共印).
        if let Some(credits) = recognise::credits_line(&text) {
            let same = self
                .doc
                .editor
                .as_ref()
                .is_none_or(|e| *e == credits.editor);
            if same {
                self.note(format!("{place}「{shown}」→ 稿件编辑（印在报尾）"));
                self.doc.editor = Some(credits.editor);
                if credits.reviewer.is_some() {
                    self.doc.reviewer = credits.reviewer;
                }
                if credits.copies.is_some() {
                    self.doc.copies = credits.copies;
                }
                self.after_credits = true;
                self.after_table = false;
                return i + 1;
            }
            self.warn(format!(
                "{place}「{shown}」是第二个不同的稿件编辑，本期只能印一个，这一行保留为段落"
            ));
        }

        if self.settings.distribution.contains(&text) {
            self.note(format!(
                "{place}「{shown}」→ 报尾的发送范围，与 bulletin.yaml 相同，由程序印出"
            ));
            return i + 1;
        }

        if let Some(caption) = recognise::caption_mark(&text, &self.settings.caption_mark) {
            let caption = caption.to_string();
            // A caption above its picture (the picture not followed by a caption of its own).
            if let Some(j) = next_filled(items, i + 1)
                && matches!(items[j].kind, Kind::Picture(_))
                && !next_filled(items, j + 1).is_some_and(|k| match &items[k].kind {
                    Kind::Para(p) => {
                        recognise::caption_mark(&p.text(), &self.settings.caption_mark).is_some()
                    }
                    _ => false,
                })
            {
                let photo = self.pictures.len();
                self.pictures.push(Some(j));
                self.photo(at, photo, caption, true);
                return j + 1;
            }
            let photo = self.pictures.len();
            self.pictures.push(None);
            self.photo(at, photo, caption, false);
            return i + 1;
        }

        if self.after_table && recognise::table_note(&text) {
            let noted = match self.body(at).last_mut() {
                Some(Block::Table(table)) => {
                    table.note = Some(text.clone());
                    true
                }
                _ => false,
            };
            if noted {
                self.after_table = false;
                self.note(format!("{place}「{shown}」→ 表格下方的备注"));
                return i + 1;
            }
        }
        self.after_table = false;

        let numbered = recognise::ladder_number(&text)
            .filter(|n| recognise::looks_like_heading(n.rest))
            .or_else(|| recognise::standalone_ordinal(&text));
        if let Some(numbered) = numbered {
            let heading = recognise::strip_heading_colon(numbered.rest).to_string();
            if self.heading(
                at,
                HeadKind::Number(numbered.numbering),
                numbered.ordinal,
                &text,
                heading,
                para.auto_number,
            ) {
                return i + 1;
            }
        }

        let title_now =
            self.article.is_none() || self.after_credits || (para.title_hint && self.body_started);
        if title_now && recognise::editor_note(&text).is_none() {
            // A title broken over several lines (centred lines in Word) is one title.
            let mut title = para.clone();
            let mut j = i + 1;
            while para.title_hint
                && let Some(Item {
                    kind: Kind::Para(next),
                    ..
                }) = items.get(j)
                && next.title_hint
                && next.heading_hint.is_none()
                && recognise::ladder_number(&next.text()).is_none()
            {
                title = title.joined(&next.trimmed());
                j += 1;
            }
            let title = recognise::strip_heading_colon(&title.text()).to_string();
            self.note(format!(
                "{place}「{}」→ 文章标题{}",
                quote(&title),
                if self.doc.articles.is_empty() && self.article.is_none() {
                    String::new()
                } else {
                    format!("（第 {} 篇）", self.doc.articles.len() + 2)
                }
            ));
            self.start_article(title);
            return j;
        }

        if let Some(note) = recognise::editor_note(&text) {
            let label = text.len() - note.len();
            let note_md = super::markdown::markdown(&para.drop_prefix(label).trimmed().runs);
            let article = self.article(at);
            if article.note.is_none() && !note_md.is_empty() {
                article.note = Some(note_md);
                self.note(format!("{place}「{shown}」→ 编者按"));
                return i + 1;
            }
        }

        if let Some(level) = para.heading_hint {
            let heading = recognise::strip_heading_colon(&text).to_string();
            if recognise::looks_like_heading(&heading)
                && self.heading(at, HeadKind::Styled(level), 0, &text, heading, false)
            {
                return i + 1;
            }
        }

        // A paragraph broken in two: join the pieces.
        let mut para = para;
        let mut j = i + 1;
        loop {
            let text = para.text();
            let ends = text.ends_with(ENDINGS) || text.chars().count() < RUN_ON_MIN_CHARS;
            let Some(k) = next_filled(items, j) else {
                break;
            };
            let Kind::Para(next) = &items[k].kind else {
                break;
            };
            let next = next.trimmed();
            if ends || !self.is_plain_text(&next) {
                break;
            }
            self.warn(format!(
                "{place}的段落没有以句号等标点结尾，已与{}接成一段；如果本来就是两段，请在 issue.yaml 里分开",
                self.place(items[k].at)
            ));
            para = para.joined(&next);
            j = k + 1;
        }

        let text = para.text();
        if recognise::looks_like_heading(&text)
            && text.chars().count() <= 20
            && !text.contains(['，', ','])
            && self.body_started
            && next_filled(items, j).is_some_and(|k| matches!(items[k].kind, Kind::Para(_)))
        {
            self.warn(format!(
                "{place}「{shown}」像是小标题，但没有“一、”“（一）”这样的序号，保留为段落；如果是小标题，请在 issue.yaml 里把它写成 heading"
            ));
        }
        let runs = para.runs.clone();
        self.push(at, Block::Text(runs));
        j
    }

    /// Whether a paragraph would stay plain text (so a broken paragraph may be joined to it).
    fn is_plain_text(&self, para: &Para) -> bool {
        let text = para.text();
        !para.runs.is_empty()
            && !para.title_hint
            && para.heading_hint.is_none()
            && recognise::table_cells(&text).is_none()
            && recognise::caption_mark(&text, &self.settings.caption_mark).is_none()
            && recognise::heading_number(&text).is_none()
            && recognise::ladder_number(&text).is_none()
            && recognise::credits_line(&text).is_none()
            && recognise::editor_note(&text).is_none()
            && !recognise::table_note(&text)
            && !self.settings.distribution.contains(&text)
    }

    /// Opens a section for a heading of `kind` numbered `ordinal` (0: no number). False when the
    /// ladder is already four deep (the line then stays a paragraph).
    fn heading(
        &mut self,
        at: usize,
        kind: HeadKind,
        ordinal: u32,
        line: &str,
        heading: String,
        auto: bool,
    ) -> bool {
        let place = self.place(at);
        let shown = quote(line);
        let mut stack = self.stack.clone();
        match stack.iter().position(|(k, _)| *k == kind) {
            Some(pos) => stack.truncate(pos),
            None => {
                while stack.last().is_some_and(|(k, _)| k.rank() >= kind.rank()) {
                    stack.pop();
                }
            }
        }
        let depth = stack.len() + 1;
        // The last number of this kind among the siblings, even if another kind came between.
        let previous = self
            .siblings
            .iter()
            .rev()
            .find(|(d, k, _)| *d == depth && *k == kind)
            .map(|(_, _, n)| *n);
        let Some(level) = Level::from_depth(depth) else {
            self.warn(format!(
                "{place}「{shown}」是第五层小标题，本刊最多四层（一、（一）1.（1）），保留为带序号的段落"
            ));
            return false;
        };
        if heading.is_empty() {
            return false;
        }
        self.article(at);
        stack.push((kind, ordinal));
        self.stack = stack;
        self.siblings.retain(|(d, _, _)| *d <= depth);
        self.siblings.push((depth, kind, ordinal));
        let section = Section {
            heading: heading.clone(),
            ..Section::default()
        };
        let article = self.article.as_mut().expect("article");
        let mut list = &mut article.sections;
        for _ in 1..depth {
            list = &mut list.last_mut().expect("open section").sections;
        }
        list.push(section);
        self.body_started = true;
        self.after_credits = false;
        let how = if auto { "（Word 自动编号）" } else { "" };
        self.note(format!(
            "{place}「{shown}」→ {}小标题{how}",
            level.chinese()
        ));
        if let HeadKind::Number(numbering) = kind {
            let expected = previous.map_or(1, |p| p + 1);
            if ordinal != expected {
                self.warn(format!(
                    "{place}「{shown}」的序号接不上：这里应该是{}，印出时按顺序自动编号",
                    numbering.render(expected)
                ));
            }
        } else {
            self.warn(format!(
                "{place}「{shown}」没有序号，按它的标题格式（Word 的标题样式或 Markdown 的 #）当作{}小标题；不对的话请在 issue.yaml 里改成段落",
                level.chinese()
            ));
        }
        true
    }

    fn finish(mut self) -> (Doc, Vec<Note>) {
        if let Some(article) = self.article.take() {
            self.doc.articles.push(article);
        }
        self.doc.photos = self.pictures;
        (self.doc, self.notes)
    }
}

/// A line 「某某办公室　　2022年7月5日」: a short name without sentence punctuation, then a date.
fn office_and_date(text: &str) -> Option<(String, (i32, u32, u32))> {
    let text = recognise::strip_indent(text);
    let cut = text.rfind(recognise::is_space)?;
    let date = recognise::parse_date_forms(&text[cut..])?;
    let office = recognise::strip_indent(&text[..cut]);
    (!office.is_empty() && office.chars().count() <= 30 && recognise::looks_like_heading(office))
        .then(|| (office.to_string(), date))
}

/// The index of the first item from `from` on that is not blank.
fn next_filled(items: &[Item], from: usize) -> Option<usize> {
    (from..items.len()).find(|&j| match &items[j].kind {
        Kind::Blank => false,
        Kind::Para(p) => !p.text().trim_matches(recognise::is_space).is_empty(),
        _ => true,
    })
}

/// A table from rows of cell texts, the first row the header; cells numbered 1. 2. become lists,
/// whole numbers numbers. Rows shorter than the header get empty cells at the end, and a row longer
/// than the header widens the table; both are reported.
pub fn make_table(mut rows: Vec<Vec<String>>) -> (Table, Vec<String>) {
    let mut warnings = Vec::new();
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let header_len = rows.first().map_or(0, Vec::len);
    for (r, row) in rows.iter_mut().enumerate() {
        if row.len() < width {
            if r == 0 {
                warnings.push(format!(
                    "表头只有 {} 格，最长的一行有 {width} 格，表头末尾补了空格子",
                    row.len()
                ));
            } else {
                warnings.push(format!(
                    "第 {} 行有 {} 格，{} {width} 格，末尾补了空格子",
                    r,
                    row.len(),
                    if header_len == width {
                        "表头有"
                    } else {
                        "最长的一行有"
                    }
                ));
            }
            row.resize(width, String::new());
        }
    }
    let mut rows = rows.into_iter();
    let header = rows
        .next()
        .unwrap_or_default()
        .iter()
        .map(|c| join_cell_lines(c))
        .collect();
    let rows = rows
        .map(|row| row.iter().map(|c| make_cell(c)).collect())
        .collect();
    (
        Table {
            header,
            rows,
            note: None,
        },
        warnings,
    )
}

/// A cell: a list when its lines are numbered 1. 2. …, a number when it is a whole number, text
/// otherwise (its lines joined).
fn make_cell(text: &str) -> Cell {
    let text = text.trim_matches(recognise::is_space);
    if let Some(items) = recognise::numbered_items(text) {
        return Cell::Items(items.iter().map(|i| join_cell_lines(i)).collect());
    }
    let joined = join_cell_lines(text);
    let digits = joined.len() <= 9
        && !joined.is_empty()
        && joined.bytes().all(|b| b.is_ascii_digit())
        && (joined == "0" || !joined.starts_with('0'));
    match joined.parse::<i64>() {
        Ok(n) if digits => Cell::Integer(n),
        _ => Cell::Text(joined),
    }
}

/// The lines of a cell joined the CJK way.
fn join_cell_lines(text: &str) -> String {
    let mut out = String::new();
    for line in text
        .lines()
        .map(|l| l.trim_matches(recognise::is_space))
        .filter(|l| !l.is_empty())
    {
        if let (Some(b), Some(a)) = (out.chars().next_back(), line.chars().next())
            && !(is_cjk(b) && is_cjk(a))
        {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        Settings {
            name: "长艺党建".into(),
            publisher: "长江艺术工程职业学院党委办公室".into(),
            editor: "党委办公室".into(),
            caption_mark: "△".into(),
            distribution: Vec::new(),
        }
    }

    fn lines(text: &str) -> Draft {
        let items = text
            .lines()
            .enumerate()
            .map(|(n, line)| Item {
                at: n + 1,
                kind: if line.trim().is_empty() {
                    Kind::Blank
                } else {
                    Kind::Para(Para::plain(line))
                },
            })
            .collect();
        Draft {
            items,
            unit: Unit::Line,
        }
    }

    fn text(block: &Block) -> String {
        match block {
            Block::Text(runs) => runs.iter().map(|r| r.text.as_str()).collect(),
            other => panic!("not text: {other:?}"),
        }
    }

    #[test]
    fn masthead_title_ladder_captions_and_credits_take_their_places() {
        let draft = lines(
            "长 艺 党 建\n第【035】期\n长江艺术工程职业学院党委办公室　　2022年7月5日\n\
             关于表彰先进的通报\n编者按：现将情况通报如下。\n　　为庆祝建党节，学院开展了活动。\n\
             一、活动概况：\n（一）表彰先进\n1.支部层面\n（1）艺高支部\n　　段落一。\n△ 表彰大会现场\n\
             二、下一步工作\n　　段落二。\n稿件编辑：宣传部\n",
        );
        let (doc, notes) = assemble(&draft, &settings());
        assert_eq!(doc.number, Some(35));
        assert_eq!(doc.date, Some((2022, 7, 5)));
        assert_eq!(doc.editor.as_deref(), Some("宣传部"));
        assert_eq!(doc.articles.len(), 1);
        let article = &doc.articles[0];
        assert_eq!(article.title, "关于表彰先进的通报");
        assert_eq!(article.note.as_deref(), Some("现将情况通报如下。"));
        assert_eq!(text(&article.lead[0]), "为庆祝建党节，学院开展了活动。");
        let one = &article.sections[0];
        assert_eq!(one.heading, "活动概况");
        let four = &one.sections[0].sections[0].sections[0];
        assert_eq!(one.sections[0].heading, "表彰先进");
        assert_eq!(one.sections[0].sections[0].heading, "支部层面");
        assert_eq!(four.heading, "艺高支部");
        assert_eq!(text(&four.body[0]), "段落一。");
        assert_eq!(
            four.body[1],
            Block::Photo {
                photo: 0,
                caption: "表彰大会现场".into()
            }
        );
        assert_eq!(article.sections[1].heading, "下一步工作");
        assert_eq!(doc.photos, vec![None]);
        assert!(notes.iter().all(|n| !n.warning), "{notes:?}");
        assert!(
            notes
                .iter()
                .any(|n| n.text == "第 7 行「一、活动概况：」→ 一级小标题"),
            "{notes:?}"
        );
    }

    #[test]
    fn another_offices_masthead_line_gives_its_date_and_a_warning() {
        let draft = lines(
            "长艺党建\n第【035】期\n长江艺术工程职业学院宣传部　　2022年7月5日\n标题\n正文。\n",
        );
        let (doc, notes) = assemble(&draft, &settings());
        assert_eq!(doc.date, Some((2022, 7, 5)));
        assert_eq!(doc.articles[0].title, "标题");
        assert!(
            notes
                .iter()
                .any(|n| n.warning && n.text.contains("编印单位「长江艺术工程职业学院宣传部」")),
            "{notes:?}"
        );
    }

    #[test]
    fn an_inline_enumeration_and_a_numbered_sentence_stay_paragraphs() {
        let draft = lines(
            "标题\n一、检查内容\n一是计划执行情况；二是主题党日活动。\n1. 党建引领发展意识不强。学院仍然有许多干部忙于业务。\n一是加强学习\n",
        );
        let (doc, _) = assemble(&draft, &settings());
        let section = &doc.articles[0].sections[0];
        assert_eq!(
            text(&section.body[0]),
            "一是计划执行情况；二是主题党日活动。"
        );
        assert_eq!(
            text(&section.body[1]),
            "1. 党建引领发展意识不强。学院仍然有许多干部忙于业务。"
        );
        assert_eq!(section.sections[0].heading, "加强学习");
    }

    #[test]
    fn a_shallower_numbering_closes_the_deeper_sections() {
        let draft = lines("标题\n（一）甲\n1.乙\n（二）丙\n一、丁\n（一）戊\n");
        let (doc, notes) = assemble(&draft, &settings());
        let sections = &doc.articles[0].sections;
        assert_eq!(sections[0].heading, "甲");
        assert_eq!(sections[0].sections[0].heading, "乙");
        assert_eq!(sections[1].heading, "丙");
        // 一、 after （一）（二） at the top: a kind ranked above closes them.
        assert_eq!(sections[2].heading, "丁");
        assert_eq!(sections[2].sections[0].heading, "戊");
        assert!(notes.iter().all(|n| !n.warning), "{notes:?}");
    }

    #[test]
    fn numbers_run_on_across_a_heading_of_another_kind_between() {
        let (_, notes) = assemble(
            &lines("标题\n一、甲\n第一、乙\n二、丙\n| 姓名 | 荣誉 |\n| 张三 | 优秀 |\n李四 | \n"),
            &settings(),
        );
        assert!(notes.iter().all(|n| !n.warning), "{notes:?}");
    }

    #[test]
    fn a_skipped_number_is_warned_about() {
        let (_, notes) = assemble(&lines("标题\n一、甲\n三、乙\n"), &settings());
        assert!(
            notes
                .iter()
                .any(|n| n.warning && n.text.contains("序号接不上：这里应该是二、")),
            "{notes:?}"
        );
    }

    #[test]
    fn a_tab_table_with_its_note_becomes_a_table_block() {
        let draft = lines(
            "标题\n序号\t问题\t措施\t备注\n1\t学习不够\t1. 加强学习 2. 开展研讨\t\n2\t管理不严\t1. 规范管理\t\n备注：对号入座。\n",
        );
        let (doc, notes) = assemble(&draft, &settings());
        let Block::Table(table) = &doc.articles[0].lead[0] else {
            panic!("{:?}", doc.articles[0].lead)
        };
        assert_eq!(table.header, vec!["序号", "问题", "措施", "备注"]);
        assert_eq!(table.rows[0][0], Cell::Integer(1));
        assert_eq!(
            table.rows[0][2],
            Cell::Items(vec!["加强学习".into(), "开展研讨".into()])
        );
        assert_eq!(table.rows[1][3], Cell::Text(String::new()));
        assert_eq!(table.note.as_deref(), Some("备注：对号入座。"));
        assert!(notes.iter().all(|n| !n.warning), "{notes:?}");
    }

    #[test]
    fn a_short_table_row_is_padded_and_reported() {
        let (table, warnings) = make_table(vec![
            vec!["甲".into(), "乙".into(), "丙".into()],
            vec!["1".into(), "2".into()],
        ]);
        assert_eq!(table.rows[0].len(), 3);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].contains("第 1 行有 2 格，表头有 3 格"),
            "{warnings:?}"
        );
    }

    #[test]
    fn a_paragraph_broken_by_a_blank_line_is_joined_with_a_warning() {
        let draft = lines(
            "标题\n思想政治学习是行动的指南。各党支部都能够及时安排学习，学习\n\n董事长的讲话要求。\n",
        );
        let (doc, notes) = assemble(&draft, &settings());
        assert_eq!(doc.articles[0].lead.len(), 1);
        assert_eq!(
            text(&doc.articles[0].lead[0]),
            "思想政治学习是行动的指南。各党支部都能够及时安排学习，学习董事长的讲话要求。"
        );
        assert!(
            notes
                .iter()
                .any(|n| n.warning && n.text.contains("接成一段"))
        );
    }

    #[test]
    fn an_unnumbered_heading_like_line_stays_a_paragraph_with_a_warning() {
        let draft = lines("标题\n第一段话。\n活动概况\n第二段话。\n");
        let (doc, notes) = assemble(&draft, &settings());
        assert_eq!(doc.articles[0].lead.len(), 3);
        assert!(
            notes
                .iter()
                .any(|n| n.warning && n.text.contains("像是小标题"))
        );
    }

    #[test]
    fn text_after_the_credits_line_starts_the_next_article() {
        let draft = lines("第一篇\n正文一。\n稿件编辑：宣传部\n第二篇\n正文二。\n");
        let (doc, _) = assemble(&draft, &settings());
        let titles: Vec<_> = doc.articles.iter().map(|a| a.title.as_str()).collect();
        assert_eq!(titles, ["第一篇", "第二篇"]);
        assert_eq!(doc.editor.as_deref(), Some("宣传部"));
    }

    #[test]
    fn a_picture_takes_the_caption_after_it_or_before_it() {
        let picture = |n: usize| Item {
            at: n,
            kind: Kind::Picture(Picture {
                name: format!("image{n}.png"),
                data: PictureData::Missing(String::new()),
            }),
        };
        let para = |n: usize, t: &str| Item {
            at: n,
            kind: Kind::Para(Para::plain(t)),
        };
        let draft = Draft {
            items: vec![
                para(1, "标题"),
                picture(2),
                para(3, "△ 之后的说明"),
                para(4, "△ 之前的说明"),
                picture(5),
                picture(6),
            ],
            unit: Unit::Paragraph,
        };
        let (doc, notes) = assemble(&draft, &settings());
        let lead = &doc.articles[0].lead;
        assert_eq!(
            lead[..],
            [
                Block::Photo {
                    photo: 0,
                    caption: "之后的说明".into()
                },
                Block::Photo {
                    photo: 1,
                    caption: "之前的说明".into()
                },
                Block::Photo {
                    photo: 2,
                    caption: CAPTION_PLACEHOLDER.into()
                },
            ]
        );
        assert_eq!(doc.photos, vec![Some(1), Some(4), Some(5)]);
        assert!(
            notes
                .iter()
                .any(|n| n.warning && n.text.contains("图片 3 没有照片说明"))
        );
    }
}
