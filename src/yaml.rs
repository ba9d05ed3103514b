//! YAML read into a tree of nodes that know where they stand.
//!
//! The event parser (saphyr-parser) gives every event a span; this module builds the tree from the
//! events and keeps each node's span, so the typed model decoded from it (`model::decode`) knows
//! the file, line and column of every value without searching the text. It also:
//! - re-folds multi-line plain and quoted scalars itself: YAML folds a line break into a space,
//!   which between two Chinese characters is a visible gap, so a break between two CJK characters
//!   becomes nothing (the source shows which spaces were typed and which were line breaks);
//! - refuses aliases (`*name`): content never needs them, and an alias repeated many times can
//!   blow a small file up into gigabytes of text;
//! - finds the mistakes editors really make (a Tab as indentation, a Chinese colon after a key, a
//!   key without the space after its colon, an unclosed quote or bracket) by looking at the source
//!   itself, so the message is exact and Chinese. The parser's own English messages are never
//!   shown nor matched: where none of those mistakes explains a syntax error, the message is a
//!   general Chinese one at the parser's position.

use saphyr_parser::{Event, Marker, Parser, ScalarStyle};

use crate::diag::Problem;
use crate::markup::is_cjk;
use crate::source::{SourceFile, Span};

/// The deepest nesting of lists and mappings accepted (content needs about twelve).
const MAX_DEPTH: usize = 64;

/// A YAML value with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Scalar(Scalar),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

/// One `key: value` of a mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

/// A scalar's text as the editor means it, and where each of its lines stands in the source.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar {
    pub text: String,
    /// Quoted or block scalars are always text; a plain one may be a number, `true`, or null.
    pub plain: bool,
    /// Pairs (byte offset in `text`, byte offset in the file) where a stretch of the text that
    /// stands in the source as it is begins; see [`Scalar::source_offset`].
    pub anchors: Vec<(u32, u32)>,
}

impl Scalar {
    /// A plain `~`, `null` or nothing at all: no value.
    pub fn is_null(&self) -> bool {
        self.plain && matches!(self.text.as_str(), "" | "~" | "null" | "Null" | "NULL")
    }

    /// The byte offset in the file of byte `offset` of the text (exact within a line; escapes in
    /// double-quoted scalars may shift it by a few characters).
    pub fn source_offset(&self, offset: usize) -> usize {
        let offset = offset as u32;
        let anchor = self
            .anchors
            .iter()
            .rev()
            .find(|(text, _)| *text <= offset)
            .or(self.anchors.first());
        match anchor {
            Some(&(text, source)) => (source + offset.saturating_sub(text)) as usize,
            None => 0,
        }
    }
}

impl Node {
    pub fn scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            NodeKind::Scalar(scalar) => Some(scalar),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        self.scalar().is_some_and(Scalar::is_null)
    }

    /// What kind of value this is, in the editor's words.
    pub fn kind_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Scalar(s) if s.is_null() => "空值",
            NodeKind::Scalar(_) => "文字",
            NodeKind::Seq(_) => "列表（以“- ”开头的几项）",
            NodeKind::Map(_) => "键值对（“键: 值”）",
        }
    }
}

/// Parses `file` into its root node; `keys` are the keys the content may use (to recognise
/// `title：` with a Chinese colon). On failure, every problem found.
pub fn parse(file: &SourceFile, keys: &[&str]) -> Result<Node, Vec<Problem>> {
    let mistakes = typing_mistakes(file, keys);
    let mut builder = Builder {
        file,
        stack: Vec::new(),
        root: None,
        problems: Vec::new(),
        chars: CharIndex::new(&file.text),
    };
    for event in Parser::new_from_str(&file.text) {
        match event {
            Ok((event, span)) => {
                if !builder.event(event, span.start, span.end) {
                    break;
                }
            }
            Err(err) => {
                let at = builder.offset(*err.marker());
                // A mistake found in the source before the parser's position, or on the next line
                // (the parser may stop at the end of the line before), explains it.
                let (line, _) = file.line_column(at);
                let explained =
                    (mistakes.iter()).any(|(offset, _)| file.line_column(*offset).0 <= line + 1);
                if !explained {
                    builder.problems.push(syntax_problem(file, at));
                }
                break;
            }
        }
    }
    let mut problems: Vec<Problem> = mistakes.into_iter().map(|(_, p)| p).collect();
    problems.append(&mut builder.problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(builder.root.unwrap_or_else(|| Node {
        kind: NodeKind::Scalar(Scalar {
            text: String::new(),
            plain: true,
            anchors: Vec::new(),
        }),
        span: file.start(),
    }))
}

/// Character index → byte offset, for the parser's markers (which count characters).
struct CharIndex {
    /// Byte offset of every 64th character.
    checkpoints: Vec<usize>,
}

impl CharIndex {
    fn new(text: &str) -> CharIndex {
        CharIndex {
            checkpoints: text.char_indices().step_by(64).map(|(i, _)| i).collect(),
        }
    }

    fn byte(&self, text: &str, char_index: usize) -> usize {
        let Some(&base) = self.checkpoints.get(char_index / 64) else {
            return text.len();
        };
        text[base..]
            .char_indices()
            .nth(char_index % 64)
            .map_or(text.len(), |(i, _)| base + i)
    }
}

enum Frame {
    Seq {
        start: usize,
        items: Vec<Node>,
    },
    Map {
        start: usize,
        entries: Vec<Entry>,
        key: Option<(String, Span)>,
    },
}

struct Builder<'a> {
    file: &'a SourceFile,
    stack: Vec<Frame>,
    root: Option<Node>,
    problems: Vec<Problem>,
    chars: CharIndex,
}

impl Builder<'_> {
    fn offset(&self, marker: Marker) -> usize {
        self.chars.byte(&self.file.text, marker.index())
    }

    /// Takes one event; false to stop (a problem was found).
    fn event(&mut self, event: Event, start: Marker, end: Marker) -> bool {
        let (start, end) = (self.offset(start), self.offset(end));
        match event {
            Event::Alias(_) => {
                self.problems.push(
                    Problem::error("这里用了 YAML 别名（*名字），内容里不能用别名")
                        .at(self.file, self.file.span(start..end))
                        .hint("把要重复的文字直接写出来；别名会把很小的文件展开成极大的内容。"),
                );
                false
            }
            Event::Scalar(value, style, _, _) => {
                let scalar = self.scalar(&value, style, start, end);
                let span = self.file.span(start..end);
                self.push(Node {
                    kind: NodeKind::Scalar(scalar),
                    span,
                })
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if self.stack.len() >= MAX_DEPTH {
                    self.problems.push(
                        Problem::error(format!("这里的列表或键值对嵌套超过 {MAX_DEPTH} 层"))
                            .at(self.file, self.file.span(start..end))
                            .hint("检查缩进：内容不需要这么多层。"),
                    );
                    return false;
                }
                self.stack.push(match event {
                    Event::SequenceStart(..) => Frame::Seq {
                        start,
                        items: Vec::new(),
                    },
                    _ => Frame::Map {
                        start,
                        entries: Vec::new(),
                        key: None,
                    },
                });
                true
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let node = match self.stack.pop() {
                    Some(Frame::Seq { start, items }) => {
                        let end = items.last().map_or(end.max(start), |n| n.span.end as usize);
                        Node {
                            kind: NodeKind::Seq(items),
                            span: self.file.span(start..end),
                        }
                    }
                    Some(Frame::Map { start, entries, .. }) => {
                        let end =
                            (entries.last()).map_or(end.max(start), |e| e.value.span.end as usize);
                        Node {
                            kind: NodeKind::Map(entries),
                            span: self.file.span(start..end),
                        }
                    }
                    None => return true,
                };
                self.push(node)
            }
            Event::DocumentStart(_) if self.root.is_some() => {
                self.problems.push(
                    Problem::error("文件里有第二个文档（--- 分隔的另一段）")
                        .at(self.file, self.file.span(start..end))
                        .hint("一个文件只写一期的内容；删除第二个 --- 及其后面的内容。"),
                );
                false
            }
            _ => true,
        }
    }

    /// Adds a finished node to the frame it belongs to; false to stop.
    fn push(&mut self, node: Node) -> bool {
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
                true
            }
            Some(Frame::Seq { items, .. }) => {
                items.push(node);
                true
            }
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                Some((key, key_span)) => {
                    entries.push(Entry {
                        key,
                        key_span,
                        value: node,
                    });
                    true
                }
                None => match node.kind {
                    NodeKind::Scalar(scalar) => {
                        *key = Some((scalar.text, node.span));
                        true
                    }
                    _ => {
                        self.problems.push(
                            Problem::error("键的位置上写了列表或键值对")
                                .at(self.file, node.span.start_only())
                                .hint("键只能是一个词，例如 title；检查这里的缩进和 ? 符号。"),
                        );
                        false
                    }
                },
            },
        }
    }

    fn scalar(&self, value: &str, style: ScalarStyle, start: usize, end: usize) -> Scalar {
        let text = &self.file.text;
        let raw = &text[start..end.max(start)];
        let quoted = matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted);
        let plain = style == ScalarStyle::Plain;
        let multi_line = raw.contains('\n');
        // Plain and quoted scalars over several lines are folded again by our own rule, unless
        // escapes (a backslash in double quotes) make the source and the value differ.
        let refold = (plain || quoted)
            && multi_line
            && !(style == ScalarStyle::DoubleQuoted && raw.contains('\\'));
        if refold {
            let inner = if quoted {
                start + 1..end.saturating_sub(1).max(start + 1)
            } else {
                start..end
            };
            let (mut folded, anchors) = fold(text, inner);
            if style == ScalarStyle::SingleQuoted {
                folded = folded.replace("''", "'");
            }
            return Scalar {
                text: folded,
                plain,
                anchors,
            };
        }
        let anchors = match style {
            // Value line i is source line (first + i), after the block's indentation.
            ScalarStyle::Literal | ScalarStyle::Folded => {
                let (first_line, column) = self.file.line_column(start);
                let mut anchors = Vec::new();
                let mut offset = 0u32;
                for (i, line) in value.split_inclusive('\n').enumerate() {
                    let source = self.file.offset(first_line + i, column - 1);
                    anchors.push((offset, source as u32));
                    offset += line.len() as u32;
                }
                anchors
            }
            _ => vec![(0, (start + usize::from(quoted)) as u32)],
        };
        Scalar {
            text: value.to_string(),
            plain,
            anchors,
        }
    }
}

/// YAML's line folding of the source `range` (a plain or quoted scalar over several lines), with
/// one change: a line break between two CJK characters becomes nothing instead of a space. Blank
/// lines stay line breaks. Returns the text and its anchors.
fn fold(text: &str, range: std::ops::Range<usize>) -> (String, Vec<(u32, u32)>) {
    let mut out = String::new();
    let mut anchors = Vec::new();
    let mut offset = range.start;
    let mut pending_breaks = 0;
    for (i, line) in text[range.clone()].split('\n').enumerate() {
        let line_start = offset;
        offset += line.len() + 1;
        let trimmed_start = if i == 0 {
            line
        } else {
            line.trim_start_matches([' ', '\t'])
        };
        let lead = line.len() - trimmed_start.len();
        let piece = trimmed_start.trim_end_matches([' ', '\t', '\r']);
        if piece.is_empty() {
            if i > 0 {
                pending_breaks += 1;
            }
            continue;
        }
        if !out.is_empty() {
            if pending_breaks > 0 {
                out.extend(std::iter::repeat_n('\n', pending_breaks));
            } else {
                let before = out.chars().next_back();
                let after = piece.chars().next();
                if !(before.is_some_and(is_cjk) && after.is_some_and(is_cjk)) {
                    out.push(' ');
                }
            }
        }
        pending_breaks = 0;
        anchors.push((out.len() as u32, (line_start + lead) as u32));
        out.push_str(piece);
    }
    (out, anchors)
}

/// Mistakes editors make that YAML either rejects with a vague message or, worse, accepts with
/// another meaning: a Tab as indentation, a Chinese colon or a missing space after a key. Each is
/// found in the source, with the byte offset it starts at.
fn typing_mistakes(file: &SourceFile, keys: &[&str]) -> Vec<(usize, Problem)> {
    let mut found = Vec::new();
    let mut offset = 0;
    for line in file.text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let line = line.trim_end_matches(['\n', '\r']);
        let indent_len = line.len() - line.trim_start_matches([' ', '\t', '\u{3000}']).len();
        let indent = &line[..indent_len];
        let rest = &line[indent_len..];
        // Structure after the indentation: an item `- ` or a key of the content.
        let item = rest
            .strip_prefix('-')
            .filter(|r| r.starts_with([' ', '\t']) || r.is_empty())
            .map(|r| r.trim_start_matches([' ', '\t']));
        let body = item.unwrap_or(rest);
        let key_len = body
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(body.len());
        let key = &body[..key_len];
        let after_key = &body[key_len..];
        let is_key = !key.is_empty() && keys.contains(&key);
        let structural = item.is_some() || is_key;
        if let Some(tab) = indent.find('\t')
            && (structural || tab == 0)
        {
            found.push((
                start + tab,
                Problem::error("这一行用 Tab 键缩进了，YAML 的缩进只能用空格")
                    .at(file, file.span(start + tab..start + tab + 1))
                    .hint("把这一行开头的 Tab 换成空格，和同一层的其他行对齐。"),
            ));
            continue;
        }
        if let Some(space) = indent.find('\u{3000}')
            && structural
        {
            found.push((
                start + space,
                Problem::error("这一行用全角空格（中文空格）缩进了，YAML 的缩进只能用英文空格")
                    .at(file, file.span(start + space..start + space + 3))
                    .hint("把这一行开头的全角空格换成英文空格，和同一层的其他行对齐。"),
            ));
            continue;
        }
        if !is_key {
            continue;
        }
        let key_at = start + indent_len + (rest.len() - body.len());
        let colon_at = key_at + key_len + (after_key.len() - after_key.trim_start().len());
        let after = after_key.trim_start();
        if after.starts_with('：') {
            found.push((
                colon_at,
                Problem::error(format!("键「{key}」后面用了中文冒号“：”"))
                    .at(file, file.span(colon_at..colon_at + '：'.len_utf8()))
                    .hint("把中文冒号“：”改成英文冒号和一个空格，例如 title: 标题。"),
            ));
        } else if let Some(value) = after.strip_prefix(':')
            && value.starts_with(|c: char| !matches!(c, ' ' | '\t'))
        {
            let what = if value.starts_with('\u{3000}') {
                "后面是全角空格（中文空格）"
            } else {
                "后面少了一个空格"
            };
            found.push((
                colon_at,
                Problem::error(format!("键「{key}」的冒号{what}"))
                    .at(file, file.span(colon_at..colon_at + 1))
                    .hint(format!("冒号后面要有一个英文空格，例如 {key}: …。")),
            ));
        }
    }
    found
}

/// The problem for a syntax error the parser found at byte `at`: an unclosed quote or bracket
/// (placed where it opens, since the parser only notices at the end), or a general one.
fn syntax_problem(file: &SourceFile, at: usize) -> Problem {
    if let Some((open, kind)) = unclosed(&file.text).filter(|(open, _)| *open <= at) {
        let (message, hint) = match kind {
            '"' | '\'' => (
                "引号没有配对：从这里开始的引号到文件末尾都没有结束",
                "在这段文字末尾补上同样的引号（\" 或 '）；文字里要用引号时，请用中文引号“”。",
            ),
            '[' => (
                "方括号没有配对：从这里开始的 [ 没有写完",
                "在这一组的最后补上 ]，各项之间用英文逗号 , 分开；文字里有 , [ ] 时请给它加引号。",
            ),
            _ => (
                "花括号没有配对：从这里开始的 { 没有写完",
                "在最后补上 }；或者不用花括号，改成“键: 值”换行缩进的写法。",
            ),
        };
        return Problem::error(message)
            .at(file, file.span(open..open + 1))
            .hint(hint);
    }
    let (line, _) = file.line_column(at);
    let text = file.line(line);
    let value = text.split_once(": ").map(|(_, v)| v).unwrap_or("");
    let hint = if value.contains(": ") {
        "这一行的值里含有“: ”（冒号加空格），YAML 会把它当成另一个键：请用引号把整个值括起来，或改用中文冒号。"
    } else {
        "同一层的各项要对齐（用同样多的空格）；值里含有 “: ” 或以 “ 【 [ 等开头时，请用引号把整个值括起来。"
    };
    Problem::error("这一行的缩进或写法不对（YAML 格式错误）")
        .at(file, file.span(at..at))
        .hint(hint)
}

/// The first quote or bracket that opens a value and is never closed: `(byte offset, the
/// character)`. Only values are considered (after `key: `, `- `, or inside a flow list), and block
/// scalars (`|`, `>`) and comments are skipped, as the parser does.
fn unclosed(text: &str) -> Option<(usize, char)> {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut at_value = true;
    let mut flow: Vec<(usize, char)> = Vec::new();
    let mut block_indent: Option<usize> = None;
    let mut line_start = true;
    let mut indent = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if line_start {
            indent = text[i..].len() - text[i..].trim_start_matches(' ').len();
            let blank = text[i + indent..].starts_with(['\n', '\r']) || i + indent >= bytes.len();
            if let Some(block) = block_indent {
                if blank || indent > block {
                    i = text[i..].find('\n').map_or(bytes.len(), |n| i + n + 1);
                    continue;
                }
                block_indent = None;
            }
            line_start = false;
            if flow.is_empty() {
                at_value = true;
            }
            i += indent;
            continue;
        }
        match c {
            b'\n' => {
                line_start = true;
                i += 1;
                continue;
            }
            b'#' if i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b'\n') => {
                i = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
                continue;
            }
            b'"' | b'\'' if at_value => {
                let quote = c;
                let mut j = i + 1;
                loop {
                    match bytes.get(j) {
                        None => return Some((i, quote as char)),
                        Some(b'\\') if quote == b'"' => j += 2,
                        Some(&q) if q == quote => {
                            if quote == b'\'' && bytes.get(j + 1) == Some(&b'\'') {
                                j += 2;
                            } else {
                                break;
                            }
                        }
                        Some(_) => j += 1,
                    }
                }
                i = j + 1;
                at_value = false;
                continue;
            }
            b'[' | b'{' if at_value => {
                flow.push((i, c as char));
                at_value = true;
            }
            b']' | b'}' if !flow.is_empty() => {
                flow.pop();
                at_value = false;
            }
            b',' if !flow.is_empty() => at_value = true,
            b'|' | b'>' if at_value && flow.is_empty() => {
                block_indent = Some(indent);
                at_value = false;
            }
            b':' if matches!(bytes.get(i + 1), Some(b' ' | b'\n' | b'\r') | None) => {
                at_value = true;
            }
            b'-' if at_value
                && flow.is_empty()
                && matches!(bytes.get(i + 1), Some(b' ' | b'\n' | b'\r') | None) =>
            {
                at_value = true;
            }
            b' ' | b'\t' | b'\r' => {}
            _ => at_value = false,
        }
        i += 1;
    }
    flow.first().copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn file(text: &str) -> SourceFile {
        SourceFile::new(FileId(0), "issue.yaml", text)
    }

    fn get<'a>(node: &'a Node, key: &str) -> &'a Node {
        match &node.kind {
            NodeKind::Map(entries) => &entries.iter().find(|e| e.key == key).unwrap().value,
            _ => panic!("not a map"),
        }
    }

    fn text(node: &Node) -> &str {
        &node.scalar().unwrap().text
    }

    #[test]
    fn every_node_knows_its_span() {
        let f = file("number: 34\narticles:\n  - title: 标题\n    lead:\n      - 一段话\n");
        let root = parse(&f, &[]).unwrap();
        let title = get(&get(&root, "articles").kind_seq()[0], "title");
        assert_eq!(text(title), "标题");
        assert_eq!(f.line_column(title.span.start as usize), (3, 12));
        assert_eq!(&f.text[title.span.range()], "标题");
    }

    impl Node {
        fn kind_seq(&self) -> &[Node] {
            match &self.kind {
                NodeKind::Seq(items) => items,
                _ => panic!("not a list"),
            }
        }
    }

    #[test]
    fn a_line_break_between_chinese_characters_folds_to_nothing() {
        let f = file(
            "title: 党建工作\n  检查情况\nen: Party\n  building\nq: \"戴党徽\n  亮身份\"\nkept: “戴党徽 亮身份”\n",
        );
        let root = parse(&f, &[]).unwrap();
        assert_eq!(text(get(&root, "title")), "党建工作检查情况");
        assert_eq!(text(get(&root, "en")), "Party building");
        assert_eq!(text(get(&root, "q")), "戴党徽亮身份");
        assert_eq!(text(get(&root, "kept")), "“戴党徽 亮身份”");
    }

    #[test]
    fn offsets_inside_a_literal_block_map_to_its_source_lines() {
        let f = file("lead:\n  - |\n    第一行\n    第二行**粗\n");
        let root = parse(&f, &[]).unwrap();
        let block = &get(&root, "lead").kind_seq()[0];
        let scalar = block.scalar().unwrap();
        let star = scalar.text.find("**").unwrap();
        let at = scalar.source_offset(star);
        assert_eq!(f.line_column(at), (4, 8));
    }

    #[test]
    fn aliases_are_refused() {
        let f = file("a: &x 很长的一段\nb: *x\n");
        let problems = parse(&f, &[]).unwrap_err();
        assert!(problems[0].message.contains("别名"), "{}", problems[0]);
        assert_eq!(problems[0].line(), Some(2));
    }

    #[test]
    fn a_chinese_colon_or_a_missing_space_after_a_key_is_named_exactly() {
        let f = file("number: 34\ndate：2022-07-05\ntitle:标题\n");
        let problems = parse(&f, &["number", "date", "title"]).unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(problems[0].message, "键「date」后面用了中文冒号“：”");
        assert_eq!(
            (problems[0].line(), problems[0].column()),
            (Some(2), Some(5))
        );
        assert_eq!(problems[1].message, "键「title」的冒号后面少了一个空格");
    }

    #[test]
    fn a_tab_used_as_indentation_is_named_at_the_tab() {
        let f = file("number: 34\narticles:\n\t- title: x\n");
        let problems = parse(&f, &["number", "articles", "title"]).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].message.contains("Tab"));
        assert_eq!(
            (problems[0].line(), problems[0].column()),
            (Some(3), Some(1))
        );
    }

    #[test]
    fn an_unclosed_quote_or_bracket_is_placed_where_it_opens() {
        let f = file("number: 99\narticles:\n  - title: \"测试标题\n    lead:\n      - x\n");
        let problems = parse(&f, &[]).unwrap_err();
        assert!(
            problems[0].message.starts_with("引号没有配对"),
            "{}",
            problems[0]
        );
        assert_eq!(
            (problems[0].line(), problems[0].column()),
            (Some(3), Some(12))
        );
        assert_eq!(unclosed("a: [1, 2\nb: 3\n"), Some((3, '[')));
        assert_eq!(unclosed("a: \"x\"\nb: 'it''s'\nc: |\n  \"open\n"), None);
        assert_eq!(unclosed("a: 他说\"好\"\n"), None);
    }

    #[test]
    fn other_syntax_errors_get_a_chinese_message_at_the_parsers_position() {
        let f = file("a:\n  - x\n - y\n");
        let problems = parse(&f, &[]).unwrap_err();
        assert_eq!(
            problems[0].message,
            "这一行的缩进或写法不对（YAML 格式错误）"
        );
        assert_eq!(problems[0].line(), Some(3));
    }
}
