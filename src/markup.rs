//! Turns user text into Typst markup and Markdown: the only way any string from YAML reaches the outputs.
//!
//! Two kinds of field exist. *Plain* fields (names, titles, captions) go through
//! [`escape_text`] / [`escape_markdown`] and print exactly as typed. *Markdown* fields
//! (article bodies) go through [`markdown_to_typst`] / [`markdown_to_markdown`].
//! In both, line breaks inside a paragraph are joined the CJK way ([`join_lines`]):
//! editors wrap Chinese text in YAML, and a space between two Han characters would show.

use std::fmt;
use std::ops::Range;

use pulldown_cmark::{Alignment, CodeBlockKind, Event, LinkType, Options, Parser, Tag, TagEnd};

mod emphasis;

/// How deeply converted elements may nest, in Typst show-rule levels. Typst stops at
/// 64 (`Route::MAX_SHOW_RULE_DEPTH`), and the template around a field needs some of
/// those: each `#block` it wraps a field in costs two, and a field at this budget still
/// compiled inside 11 nested blocks. Typst's parser (256 syntax levels) allows more.
const NESTING_BUDGET: usize = 40;

/// Show-rule levels one element of ours costs in Typst 0.15, measured by compiling
/// ever deeper nestings of each (a quote is quote → pad → block → …), rounded up.
fn nesting_cost(tag: &TagEnd) -> usize {
    match tag {
        TagEnd::BlockQuote(_) | TagEnd::Table => 5,
        TagEnd::List(_) => 3,
        TagEnd::Link => 2,
        TagEnd::Heading(_)
        | TagEnd::Emphasis
        | TagEnd::Strong
        | TagEnd::Strikethrough
        | TagEnd::Superscript
        | TagEnd::Subscript
        | TagEnd::Image => 1,
        _ => 0,
    }
}

/// Typst refuses link destinations longer than this (`Url::new` in typst-library).
const MAX_URL_LEN: usize = 8000;

/// A Markdown field that cannot be turned into Typst.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkupError {
    /// What is wrong, in Chinese, for the editor.
    pub message: String,
    /// Byte offset in the Markdown input.
    pub offset: usize,
}

impl fmt::Display for MarkupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}（第 {} 字节处）", self.message, self.offset)
    }
}

impl std::error::Error for MarkupError {}

/// Escape plain text for Typst *markup* mode so it prints literally.
///
/// Line breaks are joined first with [`join_lines`], so the result never contains a
/// newline: callers can rely on it never making a paragraph break, list item or heading.
/// Every ASCII character that Typst 0.15 markup gives a meaning to gets a backslash
/// (`\X` is an escape for any non-whitespace `X`), including `( ) . ;` which would
/// continue a preceding `#expr` (call, field access, statement end). The remaining
/// ASCII punctuation (`! % & , ? ^ { } |`) and all non-ASCII characters mean nothing in
/// markup and stay as they are. Leading and trailing spaces are kept, but Typst, like
/// HTML, collapses runs of spaces.
pub fn escape_text(s: &str) -> String {
    let joined = join_lines(s);
    let mut out = String::with_capacity(joined.len() + joined.len() / 4);
    for c in joined.chars() {
        if is_typst_special(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// ASCII characters that start, end or continue markup in Typst 0.15
/// (lexer.rs: `markup`, `text`, `next`; parser.rs: `embedded_code_expr`).
fn is_typst_special(c: char) -> bool {
    matches!(
        c,
        '\\' | '/'
            | '['
            | ']'
            | '('
            | ')'
            | '~'
            | '-'
            | '.'
            | '\''
            | '"'
            | '*'
            | '_'
            | ':'
            | ';'
            | '`'
            | '$'
            | '<'
            | '>'
            | '@'
            | '#'
            | '='
            | '+'
    )
}

/// Escape a string for a Typst string literal `"..."`.
pub fn escape_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out
}

/// Escape plain text for Markdown output so a CommonMark viewer shows it literally.
///
/// `<`, `>` and `&` become `&lt;`, `&gt;`, `&amp;`: every Markdown reader decodes these, while
/// some (Python-Markdown, Markdown.pl) do not treat `\<` as an escape and would pass
/// `<script>` on to the browser; a backtick becomes `&#96;`. Every other ASCII punctuation character gets a backslash
/// (CommonMark allows that for all of them), which also covers extensions a viewer may add
/// (tables, `~~`, `$` math, `:emoji:`). Line breaks are joined with [`join_lines`].
pub fn escape_markdown(s: &str) -> String {
    escape_markdown_line(&join_lines(s))
}

/// [`escape_markdown`] without joining lines.
fn escape_markdown_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 4);
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            // Not `\``: a backslash does not escape inside a code span, so an escaped backtick
            // could still close one opened by a stray backtick before it.
            '`' => out.push_str("&#96;"),
            c if c.is_ascii_punctuation() => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Join the lines of a wrapped paragraph: a line break between two CJK characters
/// disappears, elsewhere it becomes one space.
///
/// Spaces and tabs around each line break go too; blank lines are dropped, so the
/// result is always a single line. Besides `\n` and `\r\n`, every character that Typst
/// treats as a newline (`\r`, VT, FF, NEL, U+2028, U+2029) counts as a line break, so
/// [`escape_text`] can never produce a Typst paragraph break. Spaces typed on one
/// line (`戴党徽 亮身份`) stay.
pub fn join_lines(s: &str) -> String {
    let lines = split_lines(s);
    let last = lines.len() - 1;
    if last == 0 {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    for (i, line) in lines.into_iter().enumerate() {
        let mut piece = line;
        if i > 0 {
            piece = piece.trim_start_matches(|c: char| c.is_ascii_whitespace());
        }
        if i < last {
            piece = piece.trim_end_matches(|c: char| c.is_ascii_whitespace());
        }
        let (Some(after), Some(before)) = (piece.chars().next(), out.chars().next_back()) else {
            out.push_str(piece);
            continue;
        };
        if !(is_cjk(before) && is_cjk(after)) {
            out.push(' ');
        }
        out.push_str(piece);
    }
    out
}

/// Split at every Typst newline character, `\r\n` counting as one.
fn split_lines(s: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !matches!(
            c,
            '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
        ) {
            continue;
        }
        lines.push(&s[start..i]);
        start = i + c.len_utf8();
        if c == '\r' && chars.peek().is_some_and(|&(_, next)| next == '\n') {
            chars.next();
            start += 1;
        }
    }
    lines.push(&s[start..]);
    lines
}

/// True for characters that take no space around a line break (Han, kana, hangul, CJK
/// and full-width punctuation).
pub fn is_cjk(c: char) -> bool {
    matches!(
        c,
        '\u{00B7}'                      // · middle dot (used in Chinese names)
        | '\u{2014}'                    // — em dash (Chinese dash is two of them)
        | '\u{2018}'..='\u{201D}'       // ‘ ’ “ ” (and the low-9 quotes between)
        | '\u{2026}'                    // … ellipsis
        | '\u{1100}'..='\u{11FF}'       // Hangul Jamo
        | '\u{2E80}'..='\u{2FDF}'       // CJK radicals, Kangxi radicals
        | '\u{2FF0}'..='\u{2FFF}'       // ideographic description characters
        | '\u{3000}'..='\u{303F}'       // CJK symbols and punctuation
        | '\u{3040}'..='\u{30FF}'       // hiragana, katakana
        | '\u{3100}'..='\u{312F}'       // bopomofo
        | '\u{3130}'..='\u{318F}'       // Hangul compatibility Jamo
        | '\u{3190}'..='\u{31FF}'       // kanbun, bopomofo ext., strokes, katakana ext.
        | '\u{3200}'..='\u{33FF}'       // enclosed CJK letters, CJK compatibility
        | '\u{3400}'..='\u{4DBF}'       // CJK Ext. A
        | '\u{4E00}'..='\u{9FFF}'       // CJK Unified Ideographs
        | '\u{A960}'..='\u{A97F}'       // Hangul Jamo Ext. A
        | '\u{AC00}'..='\u{D7FF}'       // Hangul syllables, Jamo Ext. B
        | '\u{F900}'..='\u{FAFF}'       // CJK compatibility ideographs
        | '\u{FE10}'..='\u{FE1F}'       // vertical forms
        | '\u{FE30}'..='\u{FE4F}'       // CJK compatibility forms
        | '\u{FF00}'..='\u{FFEF}'       // half-width and full-width forms
        | '\u{1AFF0}'..='\u{1B16F}'     // kana supplement and extensions
        | '\u{20000}'..='\u{3FFFF}' // CJK Ext. B–I, compatibility supplement
    )
}

/// The Markdown dialect of our fields: CommonMark plus GFM tables and strikethrough.
fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

type Spanned<'a> = (Event<'a>, Range<usize>);

/// Parse a Markdown field, emphasis paired the CJK-friendly way (see [`emphasis`]).
fn parse(md: &str) -> Vec<Spanned<'_>> {
    emphasis::cjk_friendly(
        md,
        Parser::new_ext(md, options()).into_offset_iter().collect(),
    )
}

/// Byte offsets of `**` that Markdown left as text, even with the CJK-friendly rule
/// (`**以赛促学。**举办` is bold): an unclosed `**`, one with a space inside
/// (`** 重点**`), or one between punctuation inside and a Latin letter or digit outside
/// (`a**(注)**b`). Code is exempt.
pub fn stray_strong_markers(md: &str) -> Vec<usize> {
    let mut offsets = Vec::new();
    let mut in_code = false;
    // Delimiter runs that did not pair come out as separate text events: merge them first.
    for (event, range) in pulldown_cmark::TextMergeWithOffset::new(parse(md).into_iter()) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            // Escaped `\*\*` shows as `**` but was typed on purpose: look at the source.
            Event::Text(text) if !in_code && text.contains("**") => {
                if let Some(at) = md[range.clone()].find("**") {
                    offsets.push(range.start + at);
                }
            }
            _ => {}
        }
    }
    offsets
}

/// Whether a link destination may become a link: a web or mail address, or one without a scheme.
/// Anything else (`javascript:`, `file:`, `data:` …) would be code or a reach outside the
/// document; it prints as its text and is warned about ([`refused_links`]). So is a destination
/// with a space or control character in it: URL readers drop those, and ` javascript:` or
/// `java\tscript:` would become a scheme again.
pub fn link_allowed(dest: &str) -> bool {
    if dest.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let scheme = dest
        .split_once(':')
        .map(|(scheme, _)| scheme)
        .filter(|scheme| {
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        });
    scheme.is_none_or(|scheme| {
        ["http", "https", "mailto", "tel"]
            .iter()
            .any(|allowed| scheme.eq_ignore_ascii_case(allowed))
    })
}

/// The links of `md` whose destination is refused (see [`link_allowed`]): the byte range of the
/// whole link and its destination.
pub fn refused_links(md: &str) -> Vec<(Range<usize>, String)> {
    parse(md)
        .into_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) if link_type != LinkType::Email && !link_allowed(&dest_url) => {
                Some((range, dest_url.to_string()))
            }
            _ => None,
        })
        .collect()
}

/// Convert a Markdown field (CommonMark + GFM tables/strikethrough) to Typst markup.
///
/// Block and inline elements become Typst function calls with `[...]` content
/// arguments (`#list(tight: true, [a], [b])`, `#emph[...]`), which, unlike Typst's own
/// list and emphasis markup, nest without caring about indentation or word boundaries.
/// All text goes through [`escape_text`]. Beyond that:
/// - headings (structure comes from the YAML, not from the field) become a bold
///   paragraph;
/// - images become their alt text in italics (photos have their own YAML block);
/// - raw HTML, inline or block, prints literally, block lines separated by line breaks;
/// - link reference definitions print nothing, as in CommonMark;
/// - a soft line break disappears between two CJK characters, else becomes a space.
///
/// Fails only when elements nest deeper than Typst can lay out (more than 8 quotes,
/// 13 lists or 40 emphases inside each other) or a link destination is longer than Typst
/// accepts (8000 bytes).
pub fn markdown_to_typst(md: &str) -> Result<String, MarkupError> {
    let events = parse(md);
    let loose = loose_lists(&events);
    let mut writer = TypstWriter {
        out: String::with_capacity(md.len() * 2),
        nesting: 0,
        frames: vec![Frame::Blocks {
            started: false,
            inline_open: false,
            close: "",
        }],
    };
    for (i, (event, range)) in events.iter().enumerate() {
        match event {
            Event::Start(tag) => {
                writer.enter(nesting_cost(&tag.to_end()), range.start)?;
                let frame = writer.start(tag, loose[i], range.start)?;
                writer.frames.push(frame);
            }
            Event::End(tag) => {
                writer.nesting = writer.nesting.saturating_sub(nesting_cost(tag));
                writer.end();
            }
            Event::Text(text) => writer.text(text),
            // Raw HTML shows what a browser shows: its text, without the tags.
            Event::Html(html) | Event::InlineHtml(html) => writer.text(&html_visible_text(html)),
            Event::Code(code) => writer.code(code),
            Event::SoftBreak => {
                writer.inline();
                if !breaks_between_cjk(&events, i) {
                    writer.out.push(' ');
                }
            }
            Event::HardBreak => {
                writer.inline();
                let plain = writer.in_image();
                writer
                    .out
                    .push_str(if plain { " " } else { "#linebreak()" });
            }
            Event::Rule => {
                writer.begin_block();
                writer.out.push_str("#line(length: 100%)");
            }
            // The rest belongs to extensions we do not enable; show their source text.
            Event::InlineMath(math) => writer.text(&format!("${math}$")),
            Event::DisplayMath(math) => writer.text(&format!("$${math}$$")),
            Event::FootnoteReference(label) => writer.text(&format!("[^{label}]")),
            Event::TaskListMarker(done) => writer.text(if *done { "[x] " } else { "[ ] " }),
        }
    }
    Ok(writer.out)
}

/// An open element of the Typst output.
enum Frame {
    /// Holds blocks, separated by paragraph breaks (document, list item, quote).
    /// `inline_open` is set while loose inline content (a tight list item's text) runs.
    Blocks {
        started: bool,
        inline_open: bool,
        close: &'static str,
    },
    /// Anything else that just needs `close` written at its end.
    Wrap { close: &'static str, kind: WrapKind },
    /// A table row: cells are arguments separated by commas.
    Row { cells: usize, close: &'static str },
    /// Code or HTML block: collects its text, written at the end.
    Verbatim {
        lang: Option<String>,
        html: bool,
        text: String,
    },
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum WrapKind {
    Other,
    /// A `#link` that was written (nested links are not).
    Link,
    /// An image: its content is alt text, written without markup.
    Image,
}

struct TypstWriter {
    out: String,
    /// Sum of [`nesting_cost`] over the open elements.
    nesting: usize,
    frames: Vec<Frame>,
}

impl TypstWriter {
    fn enter(&mut self, cost: usize, offset: usize) -> Result<(), MarkupError> {
        self.nesting += cost;
        if self.nesting > NESTING_BUDGET {
            return Err(MarkupError {
                message: "Markdown 嵌套过深（引用、列表、表格、强调等层层套叠），Typst 无法排版"
                    .to_owned(),
                offset,
            });
        }
        Ok(())
    }

    fn in_image(&self) -> bool {
        self.frames.iter().any(|f| {
            matches!(
                f,
                Frame::Wrap {
                    kind: WrapKind::Image,
                    ..
                }
            )
        })
    }

    fn in_link(&self) -> bool {
        self.frames.iter().any(|f| {
            matches!(
                f,
                Frame::Wrap {
                    kind: WrapKind::Link,
                    ..
                }
            )
        })
    }

    /// Start a block in the innermost block container.
    fn begin_block(&mut self) {
        if let Some(Frame::Blocks {
            started,
            inline_open,
            ..
        }) = self.frames.last_mut()
        {
            if *started {
                self.out.push_str("\n\n");
            }
            *started = true;
            *inline_open = false;
        }
    }

    /// Before inline content: text directly in a block container (tight list items
    /// have no paragraph events) starts a block of its own.
    fn inline(&mut self) {
        if let Some(Frame::Blocks {
            inline_open: false, ..
        }) = self.frames.last()
        {
            self.begin_block();
            if let Some(Frame::Blocks { inline_open, .. }) = self.frames.last_mut() {
                *inline_open = true;
            }
        }
    }

    fn text(&mut self, text: &str) {
        if let Some(Frame::Verbatim { text: buffer, .. }) = self.frames.last_mut() {
            buffer.push_str(text);
            return;
        }
        self.inline();
        self.out.push_str(&escape_text(text));
    }

    fn code(&mut self, code: &str) {
        self.inline();
        if self.in_image() {
            self.out.push_str(&escape_text(code));
        } else {
            self.out.push_str("#raw(\"");
            self.out.push_str(&escape_string(code));
            self.out.push_str("\")");
        }
    }

    /// An inline wrapper such as `#emph[`; inside alt text only its content shows.
    fn wrap(&mut self, open: &str) -> Frame {
        self.inline();
        let close = if self.in_image() {
            ""
        } else {
            self.out.push_str(open);
            "]"
        };
        Frame::Wrap {
            close,
            kind: WrapKind::Other,
        }
    }

    /// Write the opening of `tag` and return the frame that closes it.
    fn start(&mut self, tag: &Tag<'_>, loose: bool, offset: usize) -> Result<Frame, MarkupError> {
        match tag {
            Tag::Paragraph | Tag::DefinitionListTitle => {
                self.begin_block();
                Ok(Frame::Wrap {
                    close: "",
                    kind: WrapKind::Other,
                })
            }
            Tag::Heading { .. } => {
                self.begin_block();
                self.out.push_str("#strong[");
                Ok(Frame::Wrap {
                    close: "]",
                    kind: WrapKind::Other,
                })
            }
            Tag::BlockQuote(_) => {
                self.begin_block();
                self.out.push_str("#quote(block: true)[");
                Ok(Frame::Blocks {
                    started: false,
                    inline_open: false,
                    close: "]",
                })
            }
            Tag::CodeBlock(kind) => {
                self.begin_block();
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().map(str::to_owned)
                    }
                    CodeBlockKind::Indented => None,
                };
                Ok(Frame::Verbatim {
                    lang,
                    html: false,
                    text: String::new(),
                })
            }
            Tag::HtmlBlock => {
                self.begin_block();
                Ok(Frame::Verbatim {
                    lang: None,
                    html: true,
                    text: String::new(),
                })
            }
            Tag::List(start) => {
                self.begin_block();
                let tight = !loose;
                match start {
                    Some(n) => self
                        .out
                        .push_str(&format!("#enum(start: {n}, tight: {tight}")),
                    None => self.out.push_str(&format!("#list(tight: {tight}")),
                }
                Ok(Frame::Wrap {
                    close: ")",
                    kind: WrapKind::Other,
                })
            }
            Tag::Item => {
                self.out.push_str(",\n[");
                Ok(Frame::Blocks {
                    started: false,
                    inline_open: false,
                    close: "]",
                })
            }
            Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListDefinition
            | Tag::MetadataBlock(_) => {
                self.begin_block();
                Ok(Frame::Blocks {
                    started: false,
                    inline_open: false,
                    close: "",
                })
            }
            Tag::Table(alignments) => {
                self.begin_block();
                self.out
                    .push_str(&format!("#table(columns: {}", alignments.len()));
                if alignments.iter().any(|a| *a != Alignment::None) {
                    self.out.push_str(", align: (");
                    for alignment in alignments {
                        self.out.push_str(match alignment {
                            Alignment::None => "auto, ",
                            Alignment::Left => "left, ",
                            Alignment::Center => "center, ",
                            Alignment::Right => "right, ",
                        });
                    }
                    self.out.push(')');
                }
                Ok(Frame::Wrap {
                    close: ")",
                    kind: WrapKind::Other,
                })
            }
            Tag::TableHead => {
                self.out.push_str(",\ntable.header(");
                Ok(Frame::Row {
                    cells: 0,
                    close: ")",
                })
            }
            Tag::TableRow => {
                self.out.push_str(",\n");
                Ok(Frame::Row {
                    cells: 0,
                    close: "",
                })
            }
            Tag::TableCell => {
                if let Some(Frame::Row { cells, .. }) = self.frames.last_mut() {
                    if *cells > 0 {
                        self.out.push_str(", ");
                    }
                    *cells += 1;
                }
                self.out.push('[');
                Ok(Frame::Wrap {
                    close: "]",
                    kind: WrapKind::Other,
                })
            }
            Tag::Emphasis => Ok(self.wrap("#emph[")),
            Tag::Strong => Ok(self.wrap("#strong[")),
            Tag::Strikethrough => Ok(self.wrap("#strike[")),
            Tag::Superscript => Ok(self.wrap("#super[")),
            Tag::Subscript => Ok(self.wrap("#sub[")),
            Tag::Link {
                link_type,
                dest_url,
                ..
            } => {
                self.inline();
                // Typst rejects links in links and empty destinations; keep the text. So for a
                // destination that is no web or mail address.
                let refused = *link_type != LinkType::Email && !link_allowed(dest_url);
                if self.in_link() || self.in_image() || dest_url.is_empty() || refused {
                    return Ok(Frame::Wrap {
                        close: "",
                        kind: WrapKind::Other,
                    });
                }
                let mut url = String::new();
                if *link_type == LinkType::Email && !dest_url.starts_with("mailto:") {
                    url.push_str("mailto:");
                }
                url.push_str(dest_url);
                if url.len() > MAX_URL_LEN {
                    return Err(MarkupError {
                        message: format!(
                            "链接地址过长（超过 {MAX_URL_LEN} 字节），Typst 无法生成链接"
                        ),
                        offset,
                    });
                }
                self.out.push_str("#link(\"");
                self.out.push_str(&escape_string(&url));
                self.out.push_str("\")[");
                Ok(Frame::Wrap {
                    close: "]",
                    kind: WrapKind::Link,
                })
            }
            Tag::Image { .. } => {
                self.inline();
                let close = if self.in_image() {
                    ""
                } else {
                    self.out.push_str("#emph[");
                    "]"
                };
                Ok(Frame::Wrap {
                    close,
                    kind: WrapKind::Image,
                })
            }
        }
    }

    fn end(&mut self) {
        match self.frames.pop() {
            Some(
                Frame::Blocks { close, .. } | Frame::Wrap { close, .. } | Frame::Row { close, .. },
            ) => {
                self.out.push_str(close);
            }
            Some(Frame::Verbatim { lang, html, text }) => {
                let text = text.strip_suffix('\n').unwrap_or(&text);
                if html {
                    // An HTML block shows what a browser shows: its text, lines run together.
                    self.out.push_str(&escape_text(&html_visible_text(text)));
                } else {
                    self.out.push_str("#raw(block: true, ");
                    if let Some(lang) = lang {
                        self.out.push_str("lang: \"");
                        self.out.push_str(&escape_string(&lang));
                        self.out.push_str("\", ");
                    }
                    self.out.push('"');
                    self.out.push_str(&escape_string(text));
                    self.out.push_str("\")");
                }
            }
            None => {}
        }
    }
}

/// For each `Start(List)`, whether the list is loose: pulldown-cmark wraps the content
/// of loose items in paragraphs and leaves tight items' text bare.
fn loose_lists(events: &[Spanned<'_>]) -> Vec<bool> {
    let mut loose = vec![false; events.len()];
    // (index of the Start event, is a list, is an item)
    let mut open: Vec<(usize, bool, bool)> = Vec::new();
    for (i, (event, _)) in events.iter().enumerate() {
        match event {
            Event::Start(tag) => {
                if matches!(tag, Tag::Paragraph)
                    && let [.., (list, true, false), (_, false, true)] = open[..]
                {
                    loose[list] = true;
                }
                open.push((i, matches!(tag, Tag::List(_)), matches!(tag, Tag::Item)));
            }
            Event::End(_) => {
                open.pop();
            }
            _ => {}
        }
    }
    loose
}

/// The text an inline event shows, for finding the characters around a soft break.
fn shown_text<'e>(event: &'e Event<'_>) -> Option<&'e str> {
    match event {
        Event::Text(text) | Event::Code(text) => Some(text),
        _ => None,
    }
}

/// Inline tags are transparent when looking for the characters around a soft break.
fn is_inline_tag(event: &Event<'_>) -> bool {
    matches!(
        event,
        Event::Start(
            Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript
                | Tag::Link { .. }
                | Tag::Image { .. }
        ) | Event::End(
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link
                | TagEnd::Image
        )
    )
}

/// The first (or last) character shown by a run of inline events.
fn edge_char<'e, 'a: 'e>(
    events: impl Iterator<Item = &'e Spanned<'a>>,
    last: bool,
) -> Option<char> {
    for (event, _) in events {
        if let Some(text) = shown_text(event) {
            let c = if last {
                text.chars().next_back()
            } else {
                text.chars().next()
            };
            if c.is_some() {
                return c;
            }
        } else if !is_inline_tag(event) {
            return None;
        }
    }
    None
}

/// Whether the soft break at `i` sits between two CJK characters and so vanishes.
fn breaks_between_cjk(events: &[Spanned<'_>], i: usize) -> bool {
    let before = edge_char(events[..i].iter().rev(), true);
    let after = edge_char(events[i + 1..].iter(), false);
    before.is_some_and(is_cjk) && after.is_some_and(is_cjk)
}

/// The text a browser shows for a piece of raw HTML: tags, comments, CDATA sections, processing
/// instructions and declarations removed; the common character references decoded.
pub fn html_visible_text(html: &str) -> String {
    let mut shown = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        shown.push_str(&rest[..lt]);
        rest = &rest[lt..];
        let end = if rest.starts_with("<!-->") {
            Some(5) // `<!-->` and `<!--->` are complete (empty) comments in CommonMark 0.31
        } else if rest.starts_with("<!--->") {
            Some(6)
        } else if let Some(body) = rest.strip_prefix("<!--") {
            body.find("-->").map(|i| 4 + i + 3)
        } else if let Some(body) = rest.strip_prefix("<![CDATA[") {
            body.find("]]>").map(|i| 9 + i + 3)
        } else if rest.starts_with("<?") {
            rest.find("?>").map(|i| i + 2)
        } else if rest[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!') {
            tag_end(rest)
        } else {
            None
        };
        match end {
            Some(end) => rest = &rest[end..],
            None => {
                shown.push('<');
                rest = &rest[1..];
            }
        }
    }
    shown.push_str(rest);
    decode_entities(&shown)
}

/// Byte length of the tag at the start of `s`, skipping `>` inside quoted attribute values.
fn tag_end(s: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in s.char_indices().skip(1) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return Some(i + 1),
            (None, '<') => return None,
            _ => {}
        }
    }
    None
}

/// Decodes `&amp; &lt; &gt; &quot; &apos; &nbsp;` and numeric references; others stay as written.
fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.find(';').filter(|&semi| semi <= 32).and_then(|semi| {
            let name = &rest[1..semi];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ => {
                    let number = name.strip_prefix('#')?;
                    let code = match number.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => number.parse().ok()?,
                    };
                    Some(
                        char::from_u32(code)
                            .filter(|&c| c != '\0')
                            .unwrap_or('\u{fffd}'),
                    )
                }
            }?;
            Some((c, semi + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Normalise a Markdown field for the Markdown output: join soft line breaks the CJK
/// way (see [`join_lines`]) and write emphasis so that any CommonMark reader shows it.
///
/// A soft break is replaced together with the spaces before it and the indentation
/// and `>` markers of the continuation line, by nothing or by one space. Everything else
/// stays byte-identical unless a plain CommonMark reader would then see something else
/// than we do: bold that needs the CJK-friendly rule (`**以赛促学。**举办`), or delimiters
/// that joining lines ran together. Such a field gets an invisible `&ZeroWidthSpace;`
/// beside each delimiter run that needs a punctuation neighbour and a backslash before each
/// literal `*` `_` `~`; failing that, its emphasis is written as HTML tags; and if joining
/// its lines changes how it reads at all, its lines stay as typed.
///
/// Raw HTML is data here too: each tag, comment or HTML block line is written as text
/// ([`html_as_text`]), so a Markdown reader shows what the editor typed (`<script>` as
/// `&lt;script&gt;`) and runs nothing.
pub fn markdown_to_markdown(md: &str) -> String {
    let md = &as_text(md);
    let written = rewrite(md);
    // Joining lines may change a reference link's label, and so the address it takes: the links
    // must stay those of the text as typed, or it is written as typed.
    if link_destinations(&written) == link_destinations(md) {
        written
    } else {
        md.clone()
    }
}

/// The destinations of the links of `md`, in order.
fn link_destinations(md: &str) -> Vec<String> {
    (parse(md).into_iter())
        .filter_map(|(event, _)| match event {
            Event::Start(Tag::Link { dest_url, .. }) => Some(dest_url.to_string()),
            _ => None,
        })
        .collect()
}

/// `markdown_to_markdown` after [`as_text`].
fn rewrite(md: &str) -> String {
    let events = parse(md);
    let wanted = reading(&events);
    let joins = soft_break_joins(md, &events);
    let joined = apply_edits(md, joins.clone());
    if plain_reading(&joined) == wanted {
        return joined;
    }
    let (elements, literal) = emphasis::delimiters(md, &events);
    let escapes: Vec<Edit> = literal.iter().map(|&at| (at..at, "\\")).collect();
    let mut tags = Vec::with_capacity(elements.len() * 2);
    for element in &elements {
        let (open, close) = match element.tag {
            TagEnd::Emphasis => ("<em>", "</em>"),
            TagEnd::Strong => ("<strong>", "</strong>"),
            _ => ("<del>", "</del>"),
        };
        tags.push((element.open.clone(), open));
        tags.push((element.close.clone(), close));
    }
    let mut written = String::new();
    for joins in [&joins[..], &[]] {
        let fixes = flanking_fixes(md, joins, &elements, &literal);
        for emphasis in [&fixes, &tags] {
            for escapes in [&[], &escapes[..]] {
                written = apply_edits(md, [joins, escapes, emphasis].concat());
                if plain_reading(&written) == wanted {
                    return written;
                }
            }
        }
    }
    written
}

type Edit = (Range<usize>, &'static str);

/// `md` with its raw HTML ([`html_as_text`]) and its refused links (see [`link_allowed`]) made
/// text: each refused link's source is escaped whole, so that no Markdown reader makes a link of
/// it. Either step can make something of the other's (a tag in a refused link's title comes alive
/// once the link is gone; an escaped bracket lets an earlier one pair), so they repeat until
/// neither finds anything; past a bound (text typed to defeat it) everything is escaped.
fn as_text(md: &str) -> String {
    let mut out = html_as_text(md);
    for _ in 0..64 {
        let refused = refused_links(&out);
        if refused.is_empty() {
            return out;
        }
        let mut escaped = String::with_capacity(out.len() + 16);
        let mut copied = 0;
        for (range, _) in refused {
            // A link inside another (in an image's text) went with the outer one.
            if range.start < copied {
                continue;
            }
            escaped.push_str(&out[copied..range.start]);
            escaped.push_str(&escape_markdown_line(&out[range.clone()]));
            copied = range.end;
        }
        escaped.push_str(&out[copied..]);
        out = html_as_text(&escaped);
    }
    escape_markdown(md)
}
/// `md` with its raw HTML turned into text that shows the same characters: `<`, `>`, `&` as
/// entities, other ASCII punctuation backslash-escaped ([`escape_markdown`]). A tag that runs
/// over lines becomes one line, its line breaks (and any `>` markers of a quote between them) one
/// space. An HTML block becomes a paragraph: its lines lose their indentation (they must not
/// become code), and a blank line is put before and after it where its neighbours touch it, so
/// that it does not swallow the line after it (indented code would turn into live HTML) nor join
/// the paragraph before. The result has no raw HTML: every `<` of it is escaped.
fn html_as_text(md: &str) -> String {
    let events: Vec<Spanned<'_>> = Parser::new_ext(md, options()).into_offset_iter().collect();
    let mut out = String::with_capacity(md.len() + md.len() / 8);
    let mut copied = 0;
    let mut block_starts = false;
    // The HTML block is the first thing of a list item or quote: no paragraph before it to join,
    // and a blank line there would end an item that starts with it.
    let mut opens_container = false;
    for (i, (event, range)) in events.iter().enumerate() {
        if range.start < copied {
            continue;
        }
        match event {
            Event::Start(Tag::HtmlBlock) => {
                block_starts = true;
                opens_container = i > 0 && matches!(events[i - 1].0, Event::Start(_));
            }
            Event::Html(_) => {
                // A CR LF line may come as two events: the second starts after the first.
                let line_start = md[..range.start]
                    .rfind('\n')
                    .map_or(0, |n| n + 1)
                    .max(copied);
                let prefix = &md[line_start..range.start];
                // (pulldown-cmark may put an empty text event for the indentation in between)
                let first = std::mem::take(&mut block_starts);
                let last = matches!(events.get(i + 1), Some((Event::End(TagEnd::HtmlBlock), _)));
                out.push_str(&md[copied..line_start]);
                let before = md[..line_start].strip_suffix('\n').map(last_line);
                if first && !opens_container && before.is_some_and(|line| !is_blank_line(line)) {
                    out.push_str(&blank_line(prefix));
                }
                out.push_str(prefix);
                let line = &md[range.clone()];
                let body = line.trim_end_matches(['\n', '\r']);
                out.push_str(&escape_markdown_line(body.trim_start_matches([' ', '\t'])));
                out.push_str(&line[body.len()..]);
                copied = range.end;
                let next = md[range.end..].split('\n').next().unwrap_or("");
                if last && range.end < md.len() && line.ends_with('\n') && !is_blank_line(next) {
                    out.push_str(&blank_line(prefix));
                }
            }
            Event::InlineHtml(html) => {
                out.push_str(&md[copied..range.start]);
                let joined: Vec<&str> = html.lines().map(str::trim).collect();
                out.push_str(&escape_markdown_line(&joined.join(" ")));
                copied = range.end;
            }
            _ => {}
        }
    }
    out.push_str(&md[copied..]);
    out
}

fn last_line(s: &str) -> &str {
    s.rsplit('\n').next().unwrap_or(s)
}

/// Whether a line is blank inside its quotes (only `>` markers and whitespace).
fn is_blank_line(line: &str) -> bool {
    line.chars().all(|c| c == '>' || c.is_whitespace())
}

/// A blank line inside the containers of a line whose container prefix is `prefix`: its quote
/// markers kept, list markers and indentation dropped.
fn blank_line(prefix: &str) -> String {
    let markers: String = prefix
        .chars()
        .map(|c| if c == '>' { '>' } else { ' ' })
        .collect();
    format!("{}\n", markers.trim_end())
}

/// The edits that join soft line breaks.
fn soft_break_joins(md: &str, events: &[Spanned<'_>]) -> Vec<Edit> {
    let mut joins = Vec::new();
    let mut copied = 0;
    for (i, (event, range)) in events.iter().enumerate() {
        if !matches!(event, Event::SoftBreak) {
            continue;
        }
        let start = md[..range.start].trim_end_matches([' ', '\t']).len();
        if start < copied {
            continue;
        }
        let bound = events
            .get(i + 1)
            .map_or(md.len(), |(_, next)| next.start)
            .max(range.end);
        let rest = &md[range.end..bound];
        let end = bound - rest.trim_start_matches([' ', '\t', '>']).len();
        let space = if breaks_between_cjk(events, i) {
            ""
        } else {
            " "
        };
        joins.push((start..end, space));
        copied = end;
    }
    joins
}

/// `md` with `edits` (non-overlapping; insertions are empty ranges) applied.
fn apply_edits(md: &str, mut edits: Vec<Edit>) -> String {
    edits.sort_by_key(|(range, _)| (range.start, range.end));
    let mut out = String::with_capacity(md.len() + edits.len() * 4);
    let mut copied = 0;
    for (range, text) in edits {
        out.push_str(&md[copied..range.start]);
        out.push_str(text);
        copied = range.end;
    }
    out.push_str(&md[copied..]);
    out
}

/// An invisible character whose entity is punctuation to CommonMark's flanking rules.
const FLANK: &str = "&ZeroWidthSpace;";

/// Insertions that make each run of emphasis delimiters flanking under plain CommonMark in
/// the joined text: an opening run followed by punctuation needs whitespace or punctuation
/// before it, a closing run preceded by punctuation needs it after (CommonMark 6.2).
fn flanking_fixes(
    md: &str,
    joins: &[Edit],
    elements: &[emphasis::Element],
    literal: &[usize],
) -> Vec<Edit> {
    // Each delimiter byte: does it open (true) or close (false) an element?
    let mut roles: Vec<(usize, bool)> = elements
        .iter()
        .filter(|e| e.tag != TagEnd::Strikethrough)
        .flat_map(|e| {
            e.open
                .clone()
                .map(|at| (at, true))
                .chain(e.close.clone().map(|at| (at, false)))
        })
        .collect();
    roles.sort_unstable();
    let bytes = md.as_bytes();
    let char_before = |at: usize| -> Option<char> {
        if let Some((range, text)) = joins
            .iter()
            .find(|(range, _)| range.end == at && range.start < at)
        {
            return if text.is_empty() {
                md[..range.start].chars().next_back()
            } else {
                Some(' ')
            };
        }
        md[..at].chars().next_back()
    };
    let char_after = |at: usize| -> Option<char> {
        if literal.binary_search(&at).is_ok() {
            return Some('\\');
        }
        if let Some((range, text)) = joins
            .iter()
            .find(|(range, _)| range.start == at && range.start < range.end)
        {
            return if text.is_empty() {
                md[range.end..].chars().next()
            } else {
                Some(' ')
            };
        }
        md[at..].chars().next()
    };
    let space = |c: Option<char>| c.is_none_or(char::is_whitespace);
    let punct = |c: Option<char>| c.is_some_and(emphasis::is_punctuation);
    let mut fixes = Vec::new();
    let mut i = 0;
    while i < roles.len() {
        let (start, _) = roles[i];
        let mut end = i + 1;
        while end < roles.len()
            && roles[end].0 == start + (end - i)
            && bytes[roles[end].0] == bytes[start]
        {
            end += 1;
        }
        let run = &roles[i..end];
        let (first, last) = (start, start + run.len());
        let (before, after) = (char_before(first), char_after(last));
        if run.iter().any(|&(_, opens)| opens) && punct(after) && !space(before) && !punct(before) {
            fixes.push((first..first, FLANK));
        }
        if run.iter().any(|&(_, opens)| !opens) && punct(before) && !space(after) && !punct(after) {
            fixes.push((last..last, FLANK));
        }
        i = end;
    }
    fixes
}

/// What a reader shows, for comparing two parses: the inline and block structure, and the
/// text without whitespace (joining lines changes only that) or zero-width spaces.
fn reading(events: &[Spanned<'_>]) -> Vec<String> {
    let mut out = Vec::new();
    let mut text = String::new();
    for (event, _) in events {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                text.extend(t.chars().filter(|c| !c.is_whitespace() && *c != '\u{200B}'));
                continue;
            }
            Event::SoftBreak => continue,
            _ => {}
        }
        if !text.is_empty() {
            out.push(std::mem::take(&mut text));
        }
        out.push(match event {
            Event::Start(tag) => format!("<{:?}>", tag.to_end()),
            Event::End(tag) => format!("</{tag:?}>"),
            other => format!("{other:?}"),
        });
    }
    if !text.is_empty() {
        out.push(text);
    }
    out
}

/// [`reading`] of `md` as a plain CommonMark reader parses it.
fn plain_reading(md: &str) -> Vec<String> {
    let events: Vec<Spanned<'_>> = Parser::new_ext(md, options()).into_offset_iter().collect();
    reading(&events)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use proptest::test_runner::FileFailurePersistence;

    /// Parse as a Typst markup file and return its syntax errors and warnings.
    fn typst_errors(source: &str) -> Vec<String> {
        let (errors, warnings) = typst::syntax::parse(source).errors_and_warnings();
        errors
            .into_iter()
            .chain(warnings)
            .map(|e| e.message.to_string())
            .collect()
    }

    /// What Typst shows for markup made only of text, spaces and escapes.
    fn typst_plain_text(source: &str) -> String {
        use typst::syntax::{SyntaxKind, ast};
        let root = typst::syntax::parse(source);
        let mut out = String::new();
        for node in root.children() {
            match node.kind() {
                SyntaxKind::Text => out.push_str(node.leaf_text()),
                SyntaxKind::Space => out.push(' '),
                SyntaxKind::Escape => {
                    if let Some(escape) = node.cast::<ast::Escape>() {
                        out.push(escape.get());
                    }
                }
                other => out.push_str(&format!("<{other:?}>")),
            }
        }
        out
    }

    #[test]
    fn escapes_typst_specials_so_they_print_literally() {
        let cases = [
            ("#import \"/etc/passwd\"", r#"\#import \"\/etc\/passwd\""#),
            ("价格$5$元", r"价格\$5\$元"),
            ("a]b[c", r"a\]b\[c"),
            ("<标签>", r"\<标签\>"),
            ("@张三", r"\@张三"),
            ("ftp://x", r"ftp\:\/\/x"),
            ("http://x.cn", r"http\:\/\/x\.cn"),
            ("零下 -5 度", r"零下 \-5 度"),
            ("= 标题", r"\= 标题"),
            ("1. 列表", r"1\. 列表"),
            ("+ 项", r"\+ 项"),
            ("a // b", r"a \/\/ b"),
            ("a /* b", r"a \/\* b"),
            ("x\\y", r"x\\y"),
            ("`code`", r"\`code\`"),
            ("*粗*", r"\*粗\*"),
            ("_斜_", r"\_斜\_"),
            ("~", r"\~"),
            ("...", r"\.\.\."),
            ("--", r"\-\-"),
            ("-?", r"\-?"),
            ("'单引号'", r"\'单引号\'"),
            ("\"双引号\"", r#"\"双引号\""#),
            ("/ 术语: 解释", r"\/ 术语\: 解释"),
            ("#strong[x](y).z;", r"\#strong\[x\]\(y\)\.z\;"),
            ("\\u{41}", r"\\u{41}"),
            ("100% & 50, ok? {a|b} ^!", "100% & 50, ok? {a|b} ^!"),
            ("中文，标点。", "中文，标点。"),
        ];
        for (input, expected) in cases {
            let escaped = escape_text(input);
            assert_eq!(escaped, expected, "escape_text({input:?})");
            assert_eq!(typst_plain_text(&escaped), input, "Typst shows {escaped:?}");
        }
    }

    #[test]
    fn escape_text_joins_line_breaks_and_never_breaks_a_paragraph() {
        let cases = [
            ("第一行\n第二行", "第一行第二行"),
            ("line one\nline two", "line one line two"),
            ("段落\n\n\n- 列表", r"段落 \- 列表"),
            ("a\r\n\r\nb", "a b"),
            ("a\u{2028}\u{2029}b", "a b"),
        ];
        for (input, expected) in cases {
            assert_eq!(escape_text(input), expected, "escape_text({input:?})");
        }
    }

    #[test]
    fn escapes_typst_string_literals() {
        let cases = [
            ("plain", "plain"),
            ("a\"b", r#"a\"b"#),
            ("C:\\path", r"C:\\path"),
            ("l1\nl2\r\tx", r"l1\nl2\r\tx"),
            ("中文 #$[]", "中文 #$[]"),
        ];
        for (input, expected) in cases {
            assert_eq!(escape_string(input), expected, "escape_string({input:?})");
            let source = format!("#\"{}\"", escape_string(input));
            let root = typst::syntax::parse(&source);
            let value = root
                .children()
                .find_map(|node| node.cast::<typst::syntax::ast::Str>())
                .map(|s| s.get().to_string());
            assert_eq!(value.as_deref(), Some(input), "Typst reads {source:?}");
        }
    }

    #[test]
    fn links_are_allowed_to_web_and_mail_addresses_and_relative_paths_only() {
        for dest in [
            "https://a.cn/x",
            "HTTP://a.cn",
            "mailto:a@b.cn",
            "tel:027-1",
            "附件1.pdf",
            "#top",
        ] {
            assert!(link_allowed(dest), "{dest}");
        }
        for dest in [
            "javascript:alert(1)",
            "JavaScript:x",
            "file:///etc/passwd",
            "data:text/html,x",
            "vbscript:x",
        ] {
            assert!(!link_allowed(dest), "{dest}");
        }
        for dest in [
            " javascript:x",
            "java\tscript:x",
            "\u{1}file:///etc/passwd",
            "https://a.cn/a b",
        ] {
            assert!(!link_allowed(dest), "{dest:?}");
        }
        let typst = markdown_to_typst("[点这里](javascript:alert(1))").unwrap();
        assert!(!typst.contains("#link"), "{typst}");
        assert!(typst.contains("点这里"), "{typst}");
    }

    /// The links a plain CommonMark reader finds in `md`, and whether it finds raw HTML.
    fn links_and_html(md: &str) -> (Vec<String>, bool) {
        let mut links = Vec::new();
        let mut html = false;
        for event in Parser::new_ext(md, options()) {
            match event {
                Event::Start(Tag::Link { dest_url, .. }) => links.push(dest_url.to_string()),
                Event::Html(_) | Event::InlineHtml(_) => html = true,
                _ => {}
            }
        }
        (links, html)
    }

    #[test]
    fn the_markdown_version_never_links_a_refused_address_nor_wakes_html_in_one() {
        for md in [
            "[点这里](javascript:x \"<img src=x onerror=alert(1)>\")",
            "[x<span title=\"](javascript:y)\">",
            "[a](&#32;javascript:alert(1))",
            "[a](<  javascript:x>) [b](java&#9;script:x)",
            "[外 [内](data:text/html,x) 尾](javascript:y)",
            "![图 [内](javascript:x)](a.png)",
            "[我的 参考]: https://a.cn\n[我的参考]: javascript:alert(1)\n\n[我的\n参考]",
        ] {
            let out = markdown_to_markdown(md);
            let (links, html) = links_and_html(&out);
            assert!(
                links.iter().all(|l| link_allowed(l)),
                "{md:?} → {out:?}: {links:?}"
            );
            assert!(!html, "{md:?} → {out:?}");
        }
        // The reference link keeps the address it had as typed.
        let out = markdown_to_markdown(
            "[我的 参考]: https://a.cn\n[我的参考]: javascript:alert(1)\n\n[我的\n参考]",
        );
        assert_eq!(links_and_html(&out).0, ["https://a.cn"], "{out:?}");
    }

    #[test]
    fn escapes_markdown_punctuation_so_it_prints_literally() {
        let cases = [
            ("*粗* _斜_", r"\*粗\* \_斜\_"),
            ("# 不是标题", r"\# 不是标题"),
            ("1. 不是列表", r"1\. 不是列表"),
            (
                "[链接](x) <b> &amp; | ~~删~~ `c`",
                r"\[链接\]\(x\) &lt;b&gt; &amp;amp\; \| \~\~删\~\~ &#96;c&#96;",
            ),
            ("a\\b", r"a\\b"),
            ("第一行\n第二行", "第一行第二行"),
            ("纯文本", "纯文本"),
        ];
        for (input, expected) in cases {
            assert_eq!(
                escape_markdown(input),
                expected,
                "escape_markdown({input:?})"
            );
        }
    }

    #[test]
    fn escaped_markdown_renders_as_the_plain_text() {
        let inputs = [
            "*粗* _斜_ **x**",
            "# 不是标题",
            "1. 不是列表",
            "- 不是列表",
            "> 不是引用",
            "[链接](x) ![图](y) <b> &amp; &#35; <http://x.y>",
            "a\\b `c` ~~d~~ | e |",
        ];
        for input in inputs {
            let shown: String = Parser::new_ext(&escape_markdown(input), options())
                .filter_map(|e| match e {
                    Event::Text(t) => Some(t.to_string()),
                    _ => None,
                })
                .collect();
            assert_eq!(shown, input);
        }
    }

    #[test]
    fn joins_lines_without_space_between_cjk_only() {
        let cases = [
            ("", ""),
            ("单行", "单行"),
            ("  前后空格  ", "  前后空格  "),
            ("戴党徽 亮身份", "戴党徽 亮身份"),
            ("戴党徽\n亮身份", "戴党徽亮身份"),
            ("戴党徽  \n   亮身份", "戴党徽亮身份"),
            ("English\nwords", "English words"),
            ("中文\nEnglish", "中文 English"),
            ("English\n中文", "English 中文"),
            ("句号。\n下一句", "句号。下一句"),
            ("“引号”\n——破折号……\n·", "“引号”——破折号……·"),
            ("全角（括号）\n，逗号", "全角（括号），逗号"),
            ("かな\nカナ\n한글", "かなカナ한글"),
            ("a\r\nb", "a b"),
            ("a\n\n\nb", "a b"),
            ("\n开头", "开头"),
            ("结尾\n", "结尾"),
        ];
        for (input, expected) in cases {
            assert_eq!(join_lines(input), expected, "join_lines({input:?})");
        }
    }

    #[test]
    fn classifies_cjk_characters() {
        for c in "中文繁體𠀀かなカナ한글。，、；：？！“”‘’（）《》【】…—·　ＡＢ１".chars()
        {
            assert!(is_cjk(c), "{c:?} should be CJK");
        }
        for c in "aZ09 ,.;:!?-'\"()é€\n".chars() {
            assert!(!is_cjk(c), "{c:?} should not be CJK");
        }
    }

    /// Table of (Markdown, Typst) for one construct each.
    fn check_typst(cases: &[(&str, &str)]) {
        for (md, expected) in cases {
            let typst = markdown_to_typst(md);
            assert_eq!(typst.as_deref(), Ok(*expected), "markdown_to_typst({md:?})");
            assert_eq!(typst_errors(expected), Vec::<String>::new(), "{expected:?}");
        }
    }

    /// HTML a plain CommonMark reader makes of `md`, whitespace and zero-width spaces dropped.
    fn plain_html(md: &str) -> String {
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, Parser::new_ext(md, options()));
        html.replace(|c: char| c.is_whitespace() || c == '\u{200B}', "")
    }

    /// HTML of `md` as we read it (CJK-friendly emphasis), compared the same way.
    fn our_html(md: &str) -> String {
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, parse(md).into_iter().map(|(e, _)| e));
        html.replace(|c: char| c.is_whitespace() || c == '\u{200B}', "")
    }

    #[test]
    fn converts_paragraphs_separated_by_blank_lines() {
        check_typst(&[
            ("", ""),
            ("一段", "一段"),
            ("第一段\n\n第二段", "第一段\n\n第二段"),
            ("  缩进不到四格", "缩进不到四格"),
        ]);
    }

    #[test]
    fn joins_soft_breaks_the_cjk_way() {
        check_typst(&[
            ("中文\n换行", "中文换行"),
            ("English\nwrapped", "English wrapped"),
            ("中文\nEnglish", "中文 English"),
            ("强调*中*\n**文**", "强调#emph[中]#strong[文]"),
            ("`码`\n文", "#raw(\"码\")文"),
            ("戴党徽 亮身份", "戴党徽 亮身份"),
        ]);
    }

    #[test]
    fn converts_hard_breaks_to_linebreak() {
        check_typst(&[
            ("一行  \n二行", "一行#linebreak()二行"),
            ("一行\\\n(二)", "一行#linebreak()\\(二\\)"),
        ]);
    }

    #[test]
    fn converts_emphasis_strong_and_strikethrough() {
        check_typst(&[
            ("*斜* _斜_", "#emph[斜] #emph[斜]"),
            ("**粗**", "#strong[粗]"),
            ("~~删~~", "#strike[删]"),
            ("***都***", "#emph[#strong[都]]"),
            ("**粗**(注)", "#strong[粗]\\(注\\)"),
            ("**粗**.方法", "#strong[粗]\\.方法"),
            ("**粗**[方]", "#strong[粗]\\[方\\]"),
            ("**粗**;", "#strong[粗]\\;"),
        ]);
    }

    #[test]
    fn converts_code_spans_and_blocks_to_raw() {
        check_typst(&[
            ("`a \"b\" \\c`", "#raw(\"a \\\"b\\\" \\\\c\")"),
            ("`` a`b ``", "#raw(\"a`b\")"),
            (
                "```rust extra\nfn main() {}\n```",
                "#raw(block: true, lang: \"rust\", \"fn main() {}\")",
            ),
            (
                "    缩进代码\n    第二行",
                "#raw(block: true, \"缩进代码\\n第二行\")",
            ),
            ("```\n```", "#raw(block: true, \"\")"),
        ]);
    }

    #[test]
    fn converts_links_and_autolinks() {
        check_typst(&[
            (
                "[党建](https://a.cn/x?\"y\")",
                "#link(\"https://a.cn/x?\\\"y\\\"\")[党建]",
            ),
            (
                "<https://a.cn>",
                "#link(\"https://a.cn\")[https\\:\\/\\/a\\.cn]",
            ),
            ("<me@a.cn>", "#link(\"mailto:me@a.cn\")[me\\@a\\.cn]"),
            ("[*强调*链接](/u)", "#link(\"/u\")[#emph[强调]链接]"),
            ("[空]()", "空"),
            ("[a [b] c](/u)", "#link(\"/u\")[a \\[b\\] c]"),
            (
                "[链接 <https://b.cn>](/u)",
                "#link(\"/u\")[链接 https\\:\\/\\/b\\.cn]",
            ),
            ("[引用][r]\n\n[r]: /url \"标题\"", "#link(\"/url\")[引用]"),
        ]);
    }

    #[test]
    fn rejects_overlong_link_destinations() {
        let md = format!("[x](/{})", "a".repeat(MAX_URL_LEN));
        let error = markdown_to_typst(&md).err();
        assert_eq!(error.map(|e| e.offset), Some(0));
    }

    #[test]
    fn renders_images_as_their_alt_text() {
        check_typst(&[
            ("![照片 *说明*](a.jpg)", "#emph[照片 说明]"),
            ("![](a.jpg)", "#emph[]"),
            ("[![图](a.jpg)](/u)", "#link(\"/u\")[#emph[图]]"),
            ("![a [b](/u) `c`](x.png)", "#emph[a b c]"),
        ]);
    }

    #[test]
    fn converts_lists_to_function_calls() {
        check_typst(&[
            ("- 甲\n- 乙", "#list(tight: true,\n[甲],\n[乙])"),
            ("3. 甲\n4. 乙", "#enum(start: 3, tight: true,\n[甲],\n[乙])"),
            ("0) 零", "#enum(start: 0, tight: true,\n[零])"),
            ("- 甲\n\n- 乙", "#list(tight: false,\n[甲],\n[乙])"),
            (
                "- 甲\n  - 乙\n- 丙",
                "#list(tight: true,\n[甲\n\n#list(tight: true,\n[乙])],\n[丙])",
            ),
            ("- 甲\n\n  段\n", "#list(tight: false,\n[甲\n\n段])"),
            ("-\n- b", "#list(tight: true,\n[],\n[b])"),
            ("- # 题\n  文", "#list(tight: true,\n[#strong[题]\n\n文])"),
        ]);
    }

    #[test]
    fn converts_block_quotes() {
        check_typst(&[
            ("> 引文", "#quote(block: true)[引文]"),
            ("> 一\n>\n> 二", "#quote(block: true)[一\n\n二]"),
            (
                "> - 项\n>   > 深",
                "#quote(block: true)[#list(tight: true,\n[项\n\n#quote(block: true)[深]])]",
            ),
            (">", "#quote(block: true)[]"),
        ]);
    }

    #[test]
    fn renders_headings_as_bold_paragraphs() {
        check_typst(&[
            ("# 标题\n正文", "#strong[标题]\n\n正文"),
            ("标题\n===", "#strong[标题]"),
            ("###### *六*级", "#strong[#emph[六]级]"),
        ]);
    }

    #[test]
    fn converts_thematic_breaks_to_lines() {
        check_typst(&[("上\n\n---\n\n下", "上\n\n#line(length: 100%)\n\n下")]);
    }

    #[test]
    fn shows_the_text_of_raw_html_without_its_tags() {
        check_typst(&[
            // Not a tag in CommonMark (tag names are ASCII), so it is text.
            ("<标签>", "\\<标签\\>"),
            ("文字 <b>粗</b>", "文字 粗"),
            ("<div>\n*x*\n</div>", "\\*x\\*"),
            ("前<!-- 注释 -->后", "前后"),
            ("<p title=\"a>b\">&amp;&lt;&#35;&#x41;</p>", "&\\<\\#A"),
        ]);
    }

    #[test]
    fn bolds_and_italicises_runs_that_end_in_chinese_punctuation() {
        check_typst(&[
            ("**以赛促学。**举办", "#strong[以赛促学。]举办"),
            ("**“重要”**的", "#strong[“重要”]的"),
            ("*注：*见下", "#emph[注：]见下"),
            ("这是**“重要”**的", "这是#strong[“重要”]的"),
            ("***以赛促学。***举办", "#emph[#strong[以赛促学。]]举办"),
            ("**以赛促学。**\n举办", "#strong[以赛促学。]举办"),
            (
                "- **以赛促学。**举办",
                "#list(tight: true,\n[#strong[以赛促学。]举办])",
            ),
            (
                "> **以赛促学。**举办",
                "#quote(block: true)[#strong[以赛促学。]举办]",
            ),
            ("# **以赛促学。**举办", "#strong[#strong[以赛促学。]举办]"),
            (
                "| **以赛促学。**举办 |\n|---|",
                "#table(columns: 1,\ntable.header([#strong[以赛促学。]举办]))",
            ),
        ]);
    }

    /// The Chinese examples of the amendments' test cases (markdown-cjk-friendly,
    /// testcases/strong.md), each expected bold.
    #[test]
    fn applies_the_amendments_to_their_chinese_examples() {
        let cases = [
            (
                "**该星号不会被识别，而是直接显示。**这是因为它没有被识别为强调符号。",
                "#strong[该星号不会被识别，而是直接显示。]这是因为它没有被识别为强调符号。",
            ),
            (
                "**推荐几个框架：**React、Vue等前端框架。",
                "#strong[推荐几个框架：]React、Vue等前端框架。",
            ),
            (
                "Git**（注：不是GitHub）**",
                "Git#strong[（注：不是GitHub）]",
            ),
            ("**真，** 她", "#strong[真，] 她"),
            ("**真**，她", "#strong[真]，她"),
            ("**真，**&ZeroWidthSpace;她", "#strong[真，]\u{200B}她"),
            ("**真-**她", "#strong[真\\-]她"),
            ("**真**她", "#strong[真]她"),
            ("𠮟**(正式)**字", "𠮟#strong[\\(正式\\)]字"),
        ];
        check_typst(&cases);
        for mark in "，。、；：？！“”‘’（）【】《》—～…·〃々".chars() {
            let md = format!("**真{mark}**她");
            check_typst(&[(&md, &format!("#strong[真{mark}]她"))]);
        }
        for mark in "（【《".chars() {
            let md = format!("真**{mark}她**");
            check_typst(&[(&md, &format!("真#strong[{mark}她]"))]);
        }
    }

    #[test]
    fn mixes_cjk_friendly_emphasis_with_links_code_and_nesting() {
        check_typst(&[
            (
                "**以赛促学。**举办[竞赛](https://a.cn)",
                "#strong[以赛促学。]举办#link(\"https://a.cn\")[竞赛]",
            ),
            (
                "详见**[通知](https://a.cn)**。",
                "详见#strong[#link(\"https://a.cn\")[通知]]。",
            ),
            (
                "[**以赛促学。**举办](/u)",
                "#link(\"/u\")[#strong[以赛促学。]举办]",
            ),
            (
                "**先学`typst`。**再写",
                "#strong[先学#raw(\"typst\")。]再写",
            ),
            ("`**不是粗体。**`举办", "#raw(\"**不是粗体。**\")举办"),
            ("**重点：*学习*。**然后", "#strong[重点：#emph[学习]。]然后"),
            ("*注：**重要**。*见下", "#emph[注：#strong[重要]。]见下"),
            ("**甲。**乙**丙。**丁", "#strong[甲。]乙#strong[丙。]丁"),
            ("~~删除。~~**加粗。**后", "#strike[删除。]#strong[加粗。]后"),
            (
                "<https://a.cn/**x。**y>",
                "#link(\"https://a.cn/**x。**y\")[https\\:\\/\\/a\\.cn\\/\\*\\*x。\\*\\*y]",
            ),
        ]);
    }

    #[test]
    fn leaves_commonmark_emphasis_alone_where_the_amendments_do_not_apply() {
        check_typst(&[
            ("a**(note)**b", "a\\*\\*\\(note\\)\\*\\*b"),
            ("**以赛促学。举办", "\\*\\*以赛促学。举办"),
            ("以赛** 促学**", "以赛\\*\\* 促学\\*\\*"),
            ("中_文_中", "中\\_文\\_中"),
            // `_` stays as strict as in CommonMark: never closing before a letter.
            ("__以赛促学。__举办", "\\_\\_以赛促学。\\_\\_举办"),
            ("__注意__：事项", "#strong[注意]：事项"),
            ("a**∇a**a", "a\\*\\*∇a\\*\\*a"),
            ("snake_case_名", "snake\\_case\\_名"),
            ("\\*\\*以赛促学。\\*\\*举办", "\\*\\*以赛促学。\\*\\*举办"),
        ]);
    }

    #[test]
    fn keeps_user_text_literal_inside_cjk_friendly_emphasis() {
        check_typst(&[
            (
                "**#标题 $5$ [a] @b <标签> //d。**举办",
                "#strong[\\#标题 \\$5\\$ \\[a\\] \\@b \\<标签\\> \\/\\/d。]举办",
            ),
            ("*注：2\\*。*见下", "#emph[注：2\\*。]见下"),
            ("*注：2*3*见下", "#emph[注：2]3\\*见下"),
        ]);
    }

    #[test]
    fn finds_bold_markers_that_did_not_take() {
        assert_eq!(stray_strong_markers("**检查方式：本次检查"), vec![0]);
        assert_eq!(stray_strong_markers("说明** 重点**"), vec![6]);
        assert_eq!(stray_strong_markers("a**(note)**b"), vec![1]);
        assert_eq!(
            stray_strong_markers("**检查方式：\n\n**本次检查"),
            vec![0, 19]
        );
        for bold in [
            "**检查方式**：本次检查",
            "**检查方式：**本次检查",
            "**“重要”**的",
            "- **以赛促学。**举办",
        ] {
            assert_eq!(stray_strong_markers(bold), Vec::<usize>::new(), "{bold}");
        }
        assert_eq!(
            stray_strong_markers("```\n**code**\n```"),
            Vec::<usize>::new()
        );
        assert_eq!(stray_strong_markers("价格\\*\\*5"), Vec::<usize>::new());
    }

    #[test]
    fn html_visible_text_drops_tags_comments_and_cdata() {
        let cases = [
            ("<a href='x>y'>链接</a>", "链接"),
            ("a<![CDATA[ <b> ]]>b", "ab"),
            ("x<!-->y<!--->z", "xyz"),
            ("<?php echo 1; ?>c", "c"),
            ("<!DOCTYPE html>d", "d"),
            ("a < b", "a < b"),
            ("&nbsp;&copy;&unknown;", "\u{a0}&copy;&unknown;"),
        ];
        for (html, shown) in cases {
            assert_eq!(html_visible_text(html), shown, "{html}");
        }
    }

    #[test]
    fn converts_tables_with_header_and_alignment() {
        check_typst(&[
            (
                "| 甲 | 乙 |\n|---|---|\n| *1* | `2` |",
                "#table(columns: 2,\ntable.header([甲], [乙]),\n[#emph[1]], [#raw(\"2\")])",
            ),
            (
                "| a | b | c |\n|:--|:-:|--:|\n| x |",
                "#table(columns: 3, align: (left, center, right, ),\ntable.header([a], [b], [c]),\n[x], [], [])",
            ),
            (
                "| a \\| b |\n|---|",
                "#table(columns: 1,\ntable.header([a | b]))",
            ),
        ]);
    }

    #[test]
    fn decodes_entities_and_escapes() {
        check_typst(&[
            ("&amp; &copy; &#0; &#x4E2D;", "& © \u{FFFD} 中"),
            ("\\*不是强调\\*", "\\*不是强调\\*"),
        ]);
    }

    #[test]
    fn rejects_nesting_deeper_than_typst_can_lay_out() {
        // A quote costs 5 of the budget of 40: eight fit, the ninth (at byte 8) does not.
        let eight = format!("{} 八层", ">".repeat(8));
        let typst = markdown_to_typst(&eight).unwrap_or_default();
        assert!(typst.ends_with("八层]]]]]]]]"), "{typst}");
        assert_eq!(typst_errors(&typst), Vec::<String>::new());
        let nine = format!("{} 九层", ">".repeat(9));
        assert_eq!(markdown_to_typst(&nine).map_err(|e| e.offset), Err(8));
        // A list costs 3: thirteen fit.
        assert!(markdown_to_typst(&format!("{}x", "- ".repeat(13))).is_ok());
        assert!(markdown_to_typst(&format!("{}x", "- ".repeat(14))).is_err());
        // Emphasis costs 1: forty levels fit.
        let emphasis = |n: usize| format!("{}x{}", "*a _a ".repeat(n / 2), " a_ a*".repeat(n / 2));
        assert!(markdown_to_typst(&emphasis(40)).is_ok());
        assert!(markdown_to_typst(&emphasis(42)).is_err());
    }

    #[test]
    fn normalises_markdown_by_joining_soft_breaks_only() {
        let cases = [
            ("中文\n换行", "中文换行"),
            ("English\nwrapped", "English wrapped"),
            ("中文 \n  English", "中文 English"),
            ("> 引用\n> 续行", "> 引用续行"),
            ("- 项目\n  续行\n- 二", "- 项目续行\n- 二"),
            ("**强调**\n续", "**强调**续"),
            ("[\n链接](/u)", "[ 链接](/u)"),
            ("第一段\n\n第二段", "第一段\n\n第二段"),
            ("硬换行  \n下一行", "硬换行  \n下一行"),
            ("```\n代码\n行\n```", "```\n代码\n行\n```"),
            ("# 标题\n\n*x* &amp; `y`\n", "# 标题\n\n*x* &amp; `y`\n"),
        ];
        for (input, expected) in cases {
            assert_eq!(
                markdown_to_markdown(input),
                expected,
                "markdown_to_markdown({input:?})"
            );
        }
    }

    /// The raw HTML (block or inline) a plain CommonMark reader finds in `md`.
    fn raw_html(md: &str) -> Vec<String> {
        Parser::new_ext(md, options())
            .filter_map(|e| match e {
                Event::Html(h) | Event::InlineHtml(h) => Some(h.into_string()),
                _ => None,
            })
            .collect()
    }

    /// The text a plain CommonMark reader shows for `md`, paragraphs and lines run together.
    fn shown_text(md: &str) -> String {
        Parser::new_ext(md, options())
            .filter_map(|e| match e {
                Event::Text(t) | Event::Code(t) => Some(t.into_string()),
                Event::SoftBreak => Some(" ".into()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn raw_html_in_the_markdown_version_is_text_that_shows_as_typed() {
        let cases = [
            (
                "段落<img src=x onerror=alert(1)>文字",
                "段落&lt;img src\\=x onerror\\=alert\\(1\\)&gt;文字",
            ),
            // A line that starts with <script> is an HTML block, script and all.
            (
                "<script>alert(1)</script>",
                "&lt;script&gt;alert\\(1\\)&lt;\\/script&gt;",
            ),
            (
                "文<script>alert(1)</script>",
                "文&lt;script&gt;alert(1)&lt;\\/script&gt;",
            ),
            ("前<!-- 注释 -->后", "前&lt;\\!\\-\\- 注释 \\-\\-&gt;后"),
            // An HTML block: its lines continue a paragraph, Markdown inside stays text.
            ("<div>\n  *x*\n</div>", "&lt;div&gt; \\*x\\* &lt;\\/div&gt;"),
            // A tag over two lines of a quote: one line, the quote kept.
            ("> a <b\n> c=\"d\">x", "> a &lt;b c\\=\\\"d\\\"&gt;x"),
            // An HTML block stays a block of its own: it does not join the paragraph before
            // (whose last backslash would turn into a line break) ...
            ("\\\n<div>", "\\\n\n&lt;div&gt;"),
            // ... nor swallow the indented code after it, which would turn into live HTML.
            (
                "<script></script>\n    <b>",
                "&lt;script&gt;&lt;\\/script&gt;\n\n    <b>",
            ),
            // (`b` is a line of the HTML block: lines of a block are joined like a paragraph's)
            ("> a\n> <div>\n> b", "> a\n>\n> &lt;div&gt; b"),
            ("<b>\r\n", "&lt;b&gt;\r\n"),
            // Not HTML in CommonMark: left alone.
            ("<标签> a < b <http://x.cn>", "<标签> a < b <http://x.cn>"),
        ];
        for (md, expected) in cases {
            let written = markdown_to_markdown(md);
            assert_eq!(written, expected, "markdown_to_markdown({md:?})");
        }
        for md in [
            "段落<img src=x onerror=alert(1)>文字<script>alert(2)</script>。",
            "<div onclick=\"alert(5)\">\n*块*\n</div>",
            "- 项目 <span\n  title=\"q\">b</span>",
            "<pre>\n甲\n\n    乙\n</pre>",
            "| 甲 | <b>乙</b> |\n|---|---|\n| <i>1</i> | 2 |",
        ] {
            let written = markdown_to_markdown(md);
            assert_eq!(
                raw_html(&written),
                Vec::<String>::new(),
                "{md:?} → {written:?}"
            );
            // Not even a reader that knows no escapes finds a tag: no `<` is left.
            assert!(!written.contains('<'), "{written}");
            let shown: String = shown_text(&written).split_whitespace().collect();
            let typed: String = md
                .chars()
                .filter(|c| !c.is_whitespace() && !"-|".contains(*c))
                .collect();
            let shown_kept: String = shown.chars().filter(|c| !"-|".contains(*c)).collect();
            // Every character typed shows, in order (table pipes and rules aside).
            assert_eq!(shown_kept, typed, "{md:?} → {written:?}");
        }
    }

    #[test]
    fn writes_cjk_friendly_emphasis_in_a_form_plain_commonmark_reads() {
        let cases = [
            ("**以赛促学。**举办", "**以赛促学。**&ZeroWidthSpace;举办"),
            ("**“重要”**的", "**“重要”**&ZeroWidthSpace;的"),
            ("*注：*见下", "*注：*&ZeroWidthSpace;见下"),
            (
                "这是**“重要”**的",
                "这是&ZeroWidthSpace;**“重要”**&ZeroWidthSpace;的",
            ),
            ("**以赛促学。**\n举办", "**以赛促学。**&ZeroWidthSpace;举办"),
            (
                "***以赛促学。***举办",
                "***以赛促学。***&ZeroWidthSpace;举办",
            ),
            (
                "**以赛促学。**举办[竞赛](https://a.cn)",
                "**以赛促学。**&ZeroWidthSpace;举办[竞赛](https://a.cn)",
            ),
            ("*注：2\\*。*见下", "*注：2\\*。*&ZeroWidthSpace;见下"),
            // Already read the same by plain CommonMark: left as typed.
            ("**检查方式**：本次", "**检查方式**：本次"),
        ];
        for (md, expected) in cases {
            let written = markdown_to_markdown(md);
            assert_eq!(written, expected, "markdown_to_markdown({md:?})");
            assert_eq!(plain_html(&written), our_html(md), "{written}");
        }
    }

    #[test]
    fn round_trips_cjk_friendly_emphasis_through_plain_commonmark() {
        let md = "**以赛促学。**举办，**“重要”**的，*注：*见下。";
        let written = markdown_to_markdown(md);
        // Which text each Strong / Emphasis holds when a plain CommonMark parser reads it.
        let mut open: Vec<(&str, String)> = Vec::new();
        let mut found = Vec::new();
        for event in Parser::new(&written) {
            match event {
                Event::Start(Tag::Strong) => open.push(("strong", String::new())),
                Event::Start(Tag::Emphasis) => open.push(("emph", String::new())),
                Event::End(TagEnd::Strong | TagEnd::Emphasis) => found.extend(open.pop()),
                Event::Text(text) => {
                    for (_, inner) in &mut open {
                        inner.push_str(&text);
                    }
                }
                _ => {}
            }
        }
        let found: Vec<(&str, &str)> = found.iter().map(|(k, t)| (*k, t.as_str())).collect();
        assert_eq!(
            found,
            [
                ("strong", "以赛促学。"),
                ("strong", "“重要”"),
                ("emph", "注：")
            ]
        );
        assert!(!plain_html(&written).contains('*'), "{written}");
    }

    #[test]
    fn falls_back_to_html_tags_when_no_flanking_form_reads_the_same() {
        // Joining the lines makes one run `**` of the two `*`: no neighbour fixes that.
        let md = "中*文\n*字";
        let written = markdown_to_markdown(md);
        assert_eq!(plain_html(&written), our_html(md), "{written}");
    }

    /// Checks that every Typst-special ASCII character in `s` is escaped, and that
    /// no character at all starts a new line.
    fn all_specials_escaped(s: &str) -> bool {
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some(next) if is_typst_special(next) => {}
                    _ => return false,
                },
                '\n' | '\r' => return false,
                c if is_typst_special(c) => return false,
                _ => {}
            }
        }
        true
    }

    /// Checks that `[]` and `()` outside string literals balance in our Typst output.
    fn brackets_balance(s: &str) -> bool {
        let mut stack = Vec::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    chars.next();
                }
                // Markup quotes are always escaped, so this starts a code string.
                '"' => loop {
                    match chars.next() {
                        Some('\\') => {
                            chars.next();
                        }
                        Some('"') => break,
                        Some(_) => {}
                        None => return false,
                    }
                },
                '[' | '(' => stack.push(c),
                ']' if stack.pop() != Some('[') => return false,
                ')' if stack.pop() != Some('(') => return false,
                _ => {}
            }
        }
        stack.is_empty()
    }

    const ALPHABET: &[&str] = &[
        "\\", "/", "[", "]", "(", ")", "{", "}", "~", "-", ".", "'", "\"", "*", "_", ":", ";", "`",
        "$", "<", ">", "@", "#", "=", "+", "!", "&", "|", "^", "%", "?", ",", "1", "a", "h",
        "http://", "&amp;", "&#0;", "<b>", "中", "文", "。", "“", " ", "  ", "\t", "\n", "\n\n",
        "\r\n", "    ", "- ", "1. ", "> ", "```", "~~~", "|---|",
    ];

    fn special_strings() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(ALPHABET), 0..48).prop_map(|v| v.concat())
    }

    /// Text rich in delimiter runs beside Chinese punctuation.
    const EMPHASIS_ALPHABET: &[&str] = &[
        "*",
        "**",
        "***",
        "_",
        "__",
        "~~",
        "\\",
        "中",
        "文",
        "。",
        "：",
        "“",
        "”",
        "（",
        "a",
        "(",
        ")",
        ".",
        " ",
        "\n",
        "\n\n",
        "[",
        "](/u)",
        "`",
        "- ",
        "> ",
        "| x |\n|---|\n|",
    ];

    fn emphasis_strings() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(EMPHASIS_ALPHABET), 0..32)
            .prop_map(|v| v.concat())
    }

    /// Text rich in raw HTML: tags, blocks, comments and the characters around them.
    const HTML_ALPHABET: &[&str] = &[
        "<b>",
        "</b>",
        "<div>",
        "</div>",
        "<script>",
        "</script>",
        "<!-- ",
        " -->",
        "<pre>",
        "</pre>",
        "<a href=\"x\">",
        "<img src=x onerror=alert(1)>",
        "<span\n title='t'>",
        "<?x ?>",
        "<![CDATA[",
        "]]>",
        "<",
        ">",
        "&amp;",
        "&lt;",
        "*",
        "**",
        "_",
        "`",
        "~~",
        "\\",
        "\"",
        "'",
        "=",
        "中",
        "文",
        "a",
        " ",
        "\n",
        "\n\n",
        "    ",
        "> ",
        "- ",
        "1. ",
        "# ",
        "|",
        "|---|",
    ];

    fn html_strings() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(HTML_ALPHABET), 0..40).prop_map(|v| v.concat())
    }

    proptest! {
        // Shrunk failures are kept with the test fixtures (the top level of the repository is fixed).
        #![proptest_config(ProptestConfig {
            failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
                "tests/fixtures/proptest/markup.txt",
            ))),
            ..ProptestConfig::default()
        })]
        #[test]
        fn cjk_friendly_emphasis_gives_valid_typst_and_markdown_that_reads_the_same(s in emphasis_strings()) {
            if let Ok(typst) = markdown_to_typst(&s) {
                prop_assert!(brackets_balance(&typst), "{:?}", typst);
                prop_assert_eq!(typst_errors(&typst), Vec::<String>::new(), "{:?}", typst);
            }
            let normalised = markdown_to_markdown(&s);
            prop_assert_eq!(plain_html(&normalised), our_html(&s), "{:?}", normalised);
        }

        #[test]
        fn escape_text_output_has_no_unescaped_markup(s in special_strings()) {
            let escaped = escape_text(&s);
            prop_assert!(all_specials_escaped(&escaped), "{:?}", escaped);
            prop_assert_eq!(typst_errors(&escaped), Vec::<String>::new());
        }

        #[test]
        fn markdown_to_typst_gives_balanced_valid_typst(s in special_strings()) {
            if let Ok(typst) = markdown_to_typst(&s) {
                prop_assert!(brackets_balance(&typst), "{:?}", typst);
                prop_assert_eq!(typst_errors(&typst), Vec::<String>::new(), "{:?}", typst);
            }
        }

        #[test]
        fn markdown_to_markdown_writes_raw_html_as_text_that_shows_the_same(s in html_strings()) {
            let normalised = markdown_to_markdown(&s);
            prop_assert_eq!(plain_html(&normalised), our_html(&html_as_text(&s)), "{:?}", normalised);
            let ours = ["<em>", "</em>", "<strong>", "</strong>", "<del>", "</del>"];
            for html in raw_html(&normalised) {
                prop_assert!(ours.contains(&html.as_str()), "{:?} in {:?}", html, normalised);
            }
        }

        #[test]
        fn html_as_text_leaves_no_tag_and_shows_every_character_of_the_html(s in html_strings()) {
            let escaped = html_as_text(&s);
            prop_assert_eq!(raw_html(&escaped), Vec::<String>::new(), "{:?}", escaped);
            // The text and the raw HTML a reader meets, whitespace aside, is the text after.
            let text = |md: &str| -> String {
                Parser::new_ext(md, options())
                    .filter_map(|e| match e {
                        Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                            Some(t.into_string())
                        }
                        _ => None,
                    })
                    .flat_map(|t| t.chars().filter(|c| !c.is_whitespace()).collect::<Vec<_>>())
                    .collect()
            };
            prop_assert_eq!(text(&escaped), text(&s), "{:?}", escaped);
        }

        #[test]
        fn markdown_to_markdown_shows_the_same_to_a_plain_commonmark_reader(s in special_strings()) {
            let normalised = markdown_to_markdown(&s);
            // Raw HTML is text in the Markdown version; the only tags are our own emphasis.
            prop_assert_eq!(plain_html(&normalised), our_html(&html_as_text(&s)), "{:?}", normalised);
            let ours = ["<em>", "</em>", "<strong>", "</strong>", "<del>", "</del>"];
            for html in raw_html(&normalised) {
                prop_assert!(ours.contains(&html.as_str()), "{:?} in {:?}", html, normalised);
            }
        }
    }
}
