//! CJK-friendly emphasis: `**以赛促学。**举办` is bold.
//!
//! Plain CommonMark does not close that `**`: a closing run preceded by punctuation must be
//! followed by whitespace or punctuation, and 「举」 is neither. The CommonMark CJK-friendly
//! amendments (<https://github.com/tats-u/markdown-cjk-friendly>, `specification.md`) relax the
//! flanking rules next to CJK characters. pulldown-cmark merged them upstream as
//! `Options::ENABLE_CJK_FRIENDLY_EMPHASIS` (pulldown-cmark pull request #1059) after its newest
//! release, 0.13.6; once a release has the option, set it in `markup::options()` and delete this
//! module.
//!
//! Until then, [`cjk_friendly`] re-pairs the delimiter runs of each inline sequence whose runs
//! the amended rule judges differently: it takes the `*`, `_` and `~` characters back out of the
//! parsed events (as emphasis tags or as literal text) and runs pulldown-cmark's delimiter
//! algorithm again with the amended flanking rules. Sequences the amendment does not touch keep
//! pulldown-cmark's events unchanged.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};
use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

use super::Spanned;

/// Which flanking rules decide whether a delimiter run can open or close emphasis.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Rules {
    /// CommonMark 0.31.2, as pulldown-cmark 0.13 applies it.
    CommonMark,
    /// CommonMark with the CJK-friendly amendments.
    CjkFriendly,
}

/// Re-pair emphasis in `events` (parsed from `md`) under the CJK-friendly amendments.
pub(super) fn cjk_friendly<'a>(md: &'a str, events: Vec<Spanned<'a>>) -> Vec<Spanned<'a>> {
    repair(md, events, Rules::CjkFriendly, false)
}

/// Re-pair the delimiter runs of every inline sequence under `rules`. Without `always`, a
/// sequence whose runs `rules` judges as plain CommonMark does keeps its events.
fn repair<'a>(
    md: &'a str,
    events: Vec<Spanned<'a>>,
    rules: Rules,
    always: bool,
) -> Vec<Spanned<'a>> {
    let mut pass = Pass {
        md,
        rules,
        always,
        in_table: false,
    };
    let mut out = Vec::with_capacity(events.len());
    let mut in_code_block = false;
    let mut i = 0;
    while i < events.len() {
        match &events[i].0 {
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Start(Tag::Table(_)) => pass.in_table = true,
            Event::End(TagEnd::Table) => pass.in_table = false,
            _ => {}
        }
        if in_code_block || !is_inline(&events[i].0) {
            out.push(events[i].clone());
            i += 1;
            continue;
        }
        // A maximal stretch of inline events: a paragraph's, a heading's, a table cell's, or the
        // bare text of a tight list item.
        let end = events[i..]
            .iter()
            .position(|(e, _)| !is_inline(e))
            .map_or(events.len(), |n| i + n);
        pass.sequence(&events[i..end], true, &mut out);
        i = end;
    }
    out
}

/// Events that belong to inline content.
fn is_inline(event: &Event<'_>) -> bool {
    match event {
        Event::Start(tag) => is_inline_tag(&tag.to_end()),
        Event::End(tag) => is_inline_tag(tag),
        Event::Text(_)
        | Event::Code(_)
        | Event::InlineMath(_)
        | Event::InlineHtml(_)
        | Event::FootnoteReference(_)
        | Event::SoftBreak
        | Event::HardBreak
        | Event::TaskListMarker(_) => true,
        Event::Html(_) | Event::DisplayMath(_) | Event::Rule => false,
    }
}

fn is_inline_tag(tag: &TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// A piece of an inline sequence, in source order.
enum Piece<'a> {
    /// Kept as it is: text without delimiters, code, breaks, HTML.
    Event(Spanned<'a>),
    /// One unescaped `*`, `_` or `~` at this byte offset of the source.
    Delim(usize),
    /// A link or image, its content re-paired on its own (emphasis cannot cross its edges).
    Group(Vec<Spanned<'a>>),
}

/// A maximal run of one delimiter character.
struct Run {
    ch: u8,
    /// Index of its first character in the pieces.
    first: usize,
    len: usize,
    open: bool,
    close: bool,
}

/// An emphasis element found by the pairing: piece ranges of its delimiters.
struct Pair {
    ch: u8,
    open: Range<usize>,
    close: Range<usize>,
}

/// What one delimiter character became.
#[derive(Clone, Copy)]
enum Role {
    Text,
    /// First character of the opening delimiter of pair n.
    Opens(usize),
    /// First character of the closing delimiter of pair n.
    Closes(usize),
    /// Another character of a pair's delimiter.
    Inside,
}

struct Pass<'a> {
    md: &'a str,
    rules: Rules,
    always: bool,
    /// In a table row, pulldown-cmark lets a cell's closing `|` close any run before it.
    in_table: bool,
}

impl<'a> Pass<'a> {
    /// Re-pair one inline sequence into `out`. `starts_line`: the sequence begins a line (a
    /// block's content, not a link's text).
    fn sequence(&self, events: &[Spanned<'a>], starts_line: bool, out: &mut Vec<Spanned<'a>>) {
        let Some(pieces) = self.pieces(events) else {
            out.extend_from_slice(events);
            return;
        };
        let (runs, differs) = self.runs(&pieces, starts_line);
        if !differs && !self.always {
            // Keep this level as parsed; only the groups' contents may have changed.
            let mut groups = pieces.into_iter().filter_map(|p| match p {
                Piece::Group(events) => Some(events),
                _ => None,
            });
            let mut depth = 0;
            for event in events {
                let link = matches!(
                    event.0,
                    Event::Start(Tag::Link { .. } | Tag::Image { .. })
                        | Event::End(TagEnd::Link | TagEnd::Image)
                );
                if link && matches!(event.0, Event::Start(_)) {
                    depth += 1;
                    if depth == 1 {
                        out.extend(groups.next().unwrap_or_default());
                    }
                } else if link {
                    depth -= 1;
                } else if depth == 0 {
                    out.push(event.clone());
                }
            }
            return;
        }
        let pairs = pair(&runs);
        let mut roles = vec![Role::Text; pieces.len()];
        for (n, p) in pairs.iter().enumerate() {
            roles[p.open.clone()].fill(Role::Inside);
            roles[p.close.clone()].fill(Role::Inside);
            roles[p.open.start] = Role::Opens(n);
            roles[p.close.start] = Role::Closes(n);
        }
        let offset = |piece: usize| match pieces[piece] {
            Piece::Delim(at) => at,
            _ => unreachable!("pairs hold delimiters only"),
        };
        let mut text: Option<Range<usize>> = None;
        for (i, piece) in pieces.iter().enumerate() {
            if let (Piece::Delim(at), Role::Text) = (piece, roles[i]) {
                // Delimiters left over print as text, adjacent ones as one event.
                match &mut text {
                    Some(range) if range.end == *at => range.end += 1,
                    _ => {
                        self.flush(&mut text, out);
                        text = Some(*at..at + 1);
                    }
                }
                continue;
            }
            self.flush(&mut text, out);
            match (piece, roles[i]) {
                (Piece::Event(event), _) => out.push(event.clone()),
                (Piece::Group(events), _) => out.extend_from_slice(events),
                (Piece::Delim(_), Role::Opens(n) | Role::Closes(n)) => {
                    let p = &pairs[n];
                    let range = offset(p.open.start)..offset(p.close.end - 1) + 1;
                    let (tag, end) = match (p.ch, p.open.len()) {
                        (b'~', _) => (Tag::Strikethrough, TagEnd::Strikethrough),
                        (_, 2) => (Tag::Strong, TagEnd::Strong),
                        _ => (Tag::Emphasis, TagEnd::Emphasis),
                    };
                    let event = match roles[i] {
                        Role::Opens(_) => Event::Start(tag),
                        _ => Event::End(end),
                    };
                    out.push((event, range));
                }
                (Piece::Delim(_), _) => {}
            }
        }
        self.flush(&mut text, out);
    }

    fn flush(&self, text: &mut Option<Range<usize>>, out: &mut Vec<Spanned<'a>>) {
        if let Some(range) = text.take() {
            out.push((
                Event::Text(CowStr::Borrowed(&self.md[range.clone()])),
                range,
            ));
        }
    }

    /// Take a sequence apart into pieces, or `None` when it holds something this pass does not
    /// know how to take apart (it is then left as parsed).
    fn pieces(&self, events: &[Spanned<'a>]) -> Option<Vec<Piece<'a>>> {
        let bytes = self.md.as_bytes();
        let mut pieces = Vec::with_capacity(events.len());
        // Delimiter lengths of the open emphasis tags.
        let mut closing = Vec::new();
        let mut i = 0;
        while i < events.len() {
            let (event, range) = &events[i];
            match event {
                Event::Start(tag @ (Tag::Link { .. } | Tag::Image { .. })) => {
                    let end = matching_end(events, i)?;
                    let mut group = vec![events[i].clone()];
                    let content = &events[i + 1..end];
                    // An autolink's text is its address, never parsed for emphasis.
                    if let Tag::Link {
                        link_type: LinkType::Autolink | LinkType::Email,
                        ..
                    } = tag
                    {
                        group.extend_from_slice(content);
                    } else {
                        self.sequence(content, false, &mut group);
                    }
                    group.push(events[end].clone());
                    pieces.push(Piece::Group(group));
                    i = end + 1;
                    continue;
                }
                Event::Start(tag @ (Tag::Emphasis | Tag::Strong | Tag::Strikethrough)) => {
                    let n = delimiter_len(tag, bytes, range.start)?;
                    if bytes.get(range.end.checked_sub(n)?..range.end)?
                        != &bytes[range.start..][..n]
                    {
                        return None;
                    }
                    pieces.extend((range.start..range.start + n).map(Piece::Delim));
                    closing.push(n);
                }
                Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough) => {
                    let n = closing.pop()?;
                    pieces.extend((range.end - n..range.end).map(Piece::Delim));
                }
                Event::Start(_) | Event::End(_) => return None,
                Event::Text(text) if self.md.get(range.clone()) == Some(&**text) => {
                    let mut from = range.start;
                    for at in range.clone() {
                        if matches!(bytes[at], b'*' | b'_' | b'~') && !escaped(bytes, at) {
                            if from < at {
                                let slice = CowStr::Borrowed(&self.md[from..at]);
                                pieces.push(Piece::Event((Event::Text(slice), from..at)));
                            }
                            pieces.push(Piece::Delim(at));
                            from = at + 1;
                        }
                    }
                    if from < range.end {
                        let slice = CowStr::Borrowed(&self.md[from..range.end]);
                        pieces.push(Piece::Event((Event::Text(slice), from..range.end)));
                    }
                }
                _ => pieces.push(Piece::Event(events[i].clone())),
            }
            i += 1;
        }
        Some(pieces)
    }

    /// The delimiter runs among `pieces`, and whether `self.rules` judges any of them unlike
    /// plain CommonMark.
    fn runs(&self, pieces: &[Piece<'a>], starts_line: bool) -> (Vec<Run>, bool) {
        let bytes = self.md.as_bytes();
        let mut runs: Vec<Run> = Vec::new();
        let mut differs = false;
        let mut line_start = starts_line;
        let mut i = 0;
        while i < pieces.len() {
            let Piece::Delim(at) = pieces[i] else {
                line_start = matches!(
                    pieces[i],
                    Piece::Event((Event::SoftBreak | Event::HardBreak, _))
                );
                i += 1;
                continue;
            };
            let ch = bytes[at];
            let mut len = 1;
            while matches!(pieces.get(i + len), Some(Piece::Delim(next)) if *next == at + len && bytes[*next] == ch)
            {
                len += 1;
            }
            let before = if line_start {
                Before::SPACE
            } else {
                Before::of(&self.md[..at])
            };
            let after = After::of(&self.md[at + len..]);
            let flags = |rules| {
                if self.in_table && bytes.get(at + len) == Some(&b'|') {
                    (false, !before.space)
                } else {
                    can_open_close(ch, len, before, after, rules)
                }
            };
            let (open, close) = flags(self.rules);
            differs |= (open, close) != flags(Rules::CommonMark);
            runs.push(Run {
                ch,
                first: i,
                len,
                open,
                close,
            });
            line_start = false;
            i += len;
        }
        (runs, differs)
    }
}

/// An emphasis, strong or strikethrough element: byte ranges of its two delimiters.
pub(super) struct Element {
    pub tag: TagEnd,
    pub open: Range<usize>,
    pub close: Range<usize>,
}

/// The emphasis elements of parsed `events`, and the byte offsets of the `*`, `_` and `~`
/// that are left as literal text (unescaped, outside code and autolinks).
pub(super) fn delimiters(md: &str, events: &[Spanned<'_>]) -> (Vec<Element>, Vec<usize>) {
    let bytes = md.as_bytes();
    let mut elements = Vec::new();
    let mut literal = Vec::new();
    let mut verbatim = 0usize;
    for (event, range) in events {
        match event {
            Event::Start(
                Tag::CodeBlock(_)
                | Tag::Link {
                    link_type: LinkType::Autolink | LinkType::Email,
                    ..
                },
            ) => verbatim += 1,
            Event::End(TagEnd::CodeBlock) => verbatim -= 1,
            Event::End(TagEnd::Link) if verbatim > 0 => verbatim -= 1,
            Event::Start(tag @ (Tag::Emphasis | Tag::Strong | Tag::Strikethrough)) => {
                if let Some(n) = delimiter_len(tag, bytes, range.start) {
                    elements.push(Element {
                        tag: tag.to_end(),
                        open: range.start..range.start + n,
                        close: range.end - n..range.end,
                    });
                }
            }
            Event::Text(text) if verbatim == 0 && md.get(range.clone()) == Some(&**text) => {
                literal.extend(
                    range.clone().filter(|&at| {
                        matches!(bytes[at], b'*' | b'_' | b'~') && !escaped(bytes, at)
                    }),
                );
            }
            _ => {}
        }
    }
    (elements, literal)
}

/// Index of the `End` that closes the `Start` at `start`.
fn matching_end(events: &[Spanned<'_>], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, (event, _)) in events.iter().enumerate().skip(start) {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// How many delimiter characters an opening emphasis tag at `at` took, checked against the
/// source. The closing tag took as many.
fn delimiter_len(tag: &Tag<'_>, bytes: &[u8], at: usize) -> Option<usize> {
    let rest = bytes.get(at..)?;
    let n = match tag {
        Tag::Emphasis => 1,
        Tag::Strong => 2,
        // `~a~` and `~~a~~` are both strikethrough: count the tildes.
        _ => rest.iter().take_while(|&&b| b == b'~').count().min(2),
    };
    let span = rest.get(..n)?;
    let first = *span.first()?;
    (matches!(first, b'*' | b'_' | b'~') && span.iter().all(|&b| b == first)).then_some(n)
}

/// Whether the byte at `at` follows an odd number of backslashes.
fn escaped(bytes: &[u8], at: usize) -> bool {
    bytes[..at]
        .iter()
        .rev()
        .take_while(|&&b| b == b'\\')
        .count()
        % 2
        == 1
}

/// pulldown-cmark's delimiter algorithm (`handle_emphasis_and_hard_break`, `InlineStack`):
/// closers in order, each matched with the nearest fitting opener; what lies between them can
/// no longer pair.
fn pair(runs: &[Run]) -> Vec<Pair> {
    let mut openers = Openers::default();
    let mut pairs = Vec::new();
    for (r, run) in runs.iter().enumerate() {
        let mut count = run.len;
        let mut left = run.first;
        if run.close {
            while count > 0 {
                let Some(opener) = openers.take_match(runs, run) else {
                    break;
                };
                let matched = count.min(opener.count);
                // Inside out: `***a***` is emphasis around strong.
                let mut open_end = opener.first + opener.count;
                let mut rest = matched;
                while rest > 0 {
                    let n = if run.ch == b'~' || rest == 1 { rest } else { 2 };
                    pairs.push(Pair {
                        ch: run.ch,
                        open: open_end - n..open_end,
                        close: left..left + n,
                    });
                    open_end -= n;
                    left += n;
                    rest -= n;
                }
                if opener.count > matched {
                    openers.push(
                        runs,
                        Opener {
                            count: opener.count - matched,
                            ..opener
                        },
                    );
                }
                count -= matched;
            }
        }
        if count > 0 && run.open {
            openers.push(
                runs,
                Opener {
                    run: r,
                    first: left,
                    count,
                },
            );
        }
    }
    pairs
}

/// A run (or what is left of it) that may open emphasis.
#[derive(Clone, Copy)]
struct Opener {
    run: usize,
    /// Its unused characters: `count` pieces from `first` on.
    first: usize,
    count: usize,
}

/// The openers not yet matched, with pulldown-cmark's lower bounds: once a closer of a kind
/// found no opener, later closers of that kind do not look below that point again. For `~`
/// the bound ignores the run length, so `~~中~*~~` stays text; copied because faithfulness
/// to pulldown-cmark is what lets this pass leave untouched sequences alone.
#[derive(Default)]
struct Openers {
    stack: Vec<Opener>,
    /// `_` not both, `*` not both, `*` by length mod 3 (three), `~`, `_` by length mod 3 (three).
    bottoms: [usize; 9],
}

impl Openers {
    fn bottom_slots(run: &Run) -> (usize, Option<usize>) {
        let both = run.open && run.close;
        let either =
            |base: usize, not_both: usize| (base + run.len % 3, (!both).then_some(not_both));
        match run.ch {
            b'_' => either(6, 0),
            b'*' => either(2, 1),
            _ => (5, None),
        }
    }

    /// Remove and return the nearest opener that `closer` can close, dropping those above it.
    fn take_match(&mut self, runs: &[Run], closer: &Run) -> Option<Opener> {
        let (slot, not_both) = Self::bottom_slots(closer);
        let bottom = not_both
            .map_or(self.bottoms[slot], |other| {
                self.bottoms[slot].min(self.bottoms[other])
            })
            .min(self.stack.len());
        let both = closer.open && closer.close;
        let found = self.stack[bottom..].iter().rposition(|o| {
            let opener = &runs[o.run];
            let opener_both = opener.open && opener.close;
            opener.ch == closer.ch
                && (closer.ch != b'~' || opener.len == closer.len)
                && (!both && !opener_both
                    || !(closer.len + opener.len).is_multiple_of(3)
                    || closer.len.is_multiple_of(3))
        });
        let Some(k) = found.map(|k| k + bottom) else {
            let len = self.stack.len();
            self.bottoms[slot] = len;
            if let Some(other) = not_both {
                self.bottoms[other] = len;
            }
            return None;
        };
        let opener = self.stack[k];
        self.stack.truncate(k);
        for b in &mut self.bottoms {
            *b = (*b).min(k);
        }
        Some(opener)
    }

    fn push(&mut self, runs: &[Run], opener: Opener) {
        if runs[opener.run].ch == b'~' {
            self.bottoms[5] = self.bottoms[5].min(self.stack.len());
        }
        self.stack.push(opener);
    }
}

/// The character before a delimiter run, as the flanking rules see it.
#[derive(Clone, Copy, Debug)]
struct Before {
    space: bool,
    /// A Unicode punctuation character, or one followed by a variation selector.
    punct: bool,
    /// A CJK character (or one followed by a variation selector) or a CJK punctuation sequence.
    cjk: bool,
    /// An ideographic variation selector (it follows a Han character).
    ideographic_vs: bool,
    /// The character itself, for plain CommonMark (which knows no sequences) and `~`.
    plain: Option<char>,
}

impl Before {
    const SPACE: Before = Before {
        space: true,
        punct: false,
        cjk: false,
        ideographic_vs: false,
        plain: None,
    };

    fn of(text: &str) -> Before {
        let mut chars = text.chars().rev();
        let Some(c) = chars.next() else {
            return Before::SPACE;
        };
        let mut before = Before {
            space: c.is_whitespace(),
            punct: is_punctuation(c),
            cjk: is_cjk(c),
            ideographic_vs: ('\u{E0100}'..='\u{E01EF}').contains(&c),
            plain: Some(c),
        };
        // A general-use variation selector (not U+FE0F, which asks for an emoji) leaves the
        // character it modifies in charge.
        if ('\u{FE00}'..='\u{FE0E}').contains(&c)
            && let Some(base) = chars.next().filter(|b| !b.is_whitespace())
        {
            before.punct = is_punctuation(base);
            // ‘ ’ “ ” with U+FE01 ask for their full-width form: CJK punctuation.
            before.cjk = is_cjk(base) || (c == '\u{FE01}' && matches!(base, '‘' | '’' | '“' | '”'));
        }
        before
    }

    /// A punctuation sequence that is not CJK.
    fn other_punct(self) -> bool {
        self.punct && !self.cjk
    }
}

/// The character after a delimiter run.
#[derive(Clone, Copy, Debug)]
struct After {
    space: bool,
    punct: bool,
    cjk: bool,
}

impl After {
    fn other_punct(self) -> bool {
        self.punct && !self.cjk
    }

    fn of(text: &str) -> After {
        match text.chars().next() {
            None => After {
                space: true,
                punct: false,
                cjk: false,
            },
            Some(c) => After {
                space: c.is_whitespace(),
                punct: is_punctuation(c),
                cjk: is_cjk(c),
            },
        }
    }
}

/// Whether a run of `len` times `ch` between `before` and `after` can open and close.
fn can_open_close(ch: u8, len: usize, before: Before, after: After, rules: Rules) -> (bool, bool) {
    let plain_punct = before.plain.is_some_and(is_punctuation);
    let (left, right, before_punct) = match rules {
        Rules::CommonMark => (
            !after.space && (!after.punct || before.space || plain_punct),
            !before.space && (!plain_punct || after.space || after.punct),
            plain_punct,
        ),
        // specification.md, 6.2: a left-flanking run may be followed by CJK punctuation, or
        // preceded by a CJK character; a right-flanking one may be preceded by CJK punctuation,
        // or followed by a CJK character.
        Rules::CjkFriendly => (
            !after.space
                && (!after.other_punct()
                    || before.space
                    || before.other_punct()
                    || before.cjk
                    || before.ideographic_vs),
            !before.space && (!before.other_punct() || after.space || after.punct || after.cjk),
            before.punct,
        ),
    };
    match ch {
        b'*' => (left, right),
        // `_` is never intraword (rules 2 and 4 of 6.2).
        b'_' => (
            left && (!right || before_punct),
            right && (!left || after.punct),
        ),
        // pulldown-cmark's strikethrough: `~~` may be intraword, `~` not, `~~~` is text. The
        // amendments leave it alone.
        _ => {
            if len > 2 {
                return (false, false);
            }
            let open = !after.space
                && (before.space
                    || len > 1
                    || (before.plain == Some('~') && !after.punct)
                    || plain_punct);
            let close = !before.space
                && (after.space
                    || (len > 1 && !plain_punct)
                    || before.plain == Some('~')
                    || after.punct);
            (open, close)
        }
    }
}

/// A Unicode punctuation character in CommonMark 0.31.2: general category P or S.
pub(super) fn is_punctuation(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation();
    }
    matches!(
        c.general_category_group(),
        GeneralCategoryGroup::Punctuation | GeneralCategoryGroup::Symbol
    )
}

/// A CJK character in the amendments' sense: East Asian Width W, F or H and not an emoji by
/// default, or Hangul. The ranges are those the specification lists for Unicode 17
/// (`ranges.md`); derived again from the Unicode 15 data files (EastAsianWidth.txt,
/// emoji-data.txt, Scripts.txt) they differ only by characters added or widened since.
///
/// Not the same set as [`super::is_cjk`], which decides line joining: “ ” ‘ ’ — · are
/// East Asian Width A, so around a delimiter run they count as non-CJK punctuation.
pub(super) fn is_cjk(c: char) -> bool {
    let c = c as u32;
    CJK_RANGES
        .binary_search_by(|&(first, last)| {
            if last < c {
                std::cmp::Ordering::Less
            } else if first > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

const CJK_RANGES: &[(u32, u32)] = &[
    (0x1100, 0x11FF),   // Hangul Jamo
    (0x20A9, 0x20A9),   // ₩ won sign (half-width)
    (0x2329, 0x232A),   // 〈 〉
    (0x2630, 0x2637),   // ☰–☷ trigrams
    (0x268A, 0x268F),   // ⚊–⚏ digrams
    (0x2E80, 0x2E99),   // CJK radicals supplement
    (0x2E9B, 0x2EF3),   //
    (0x2F00, 0x2FD5),   // Kangxi radicals
    (0x2FF0, 0x303E),   // ideographic description, CJK symbols and punctuation
    (0x3041, 0x3096),   // hiragana
    (0x3099, 0x30FF),   // kana marks, katakana
    (0x3105, 0x312F),   // bopomofo
    (0x3131, 0x318E),   // Hangul compatibility Jamo
    (0x3190, 0x31E5),   // kanbun, bopomofo ext., strokes
    (0x31EF, 0x321E),   // ideographic description, katakana ext., enclosed
    (0x3220, 0x3247),   // parenthesized and circled ideographs
    (0x3250, 0xA48C),   // enclosed, compatibility, Ext. A, hexagrams, CJK, Yi
    (0xA490, 0xA4C6),   // Yi radicals
    (0xA960, 0xA97C),   // Hangul Jamo ext. A
    (0xAC00, 0xD7A3),   // Hangul syllables
    (0xD7B0, 0xD7C6),   // Hangul Jamo ext. B
    (0xD7CB, 0xD7FB),   //
    (0xF900, 0xFAFF),   // CJK compatibility ideographs
    (0xFE10, 0xFE19),   // vertical forms
    (0xFE30, 0xFE52),   // CJK compatibility forms, small forms
    (0xFE54, 0xFE66),   //
    (0xFE68, 0xFE6B),   //
    (0xFF01, 0xFFBE),   // full-width ASCII, half-width katakana and Hangul
    (0xFFC2, 0xFFC7),   //
    (0xFFCA, 0xFFCF),   //
    (0xFFD2, 0xFFD7),   //
    (0xFFDA, 0xFFDC),   //
    (0xFFE0, 0xFFE6),   // full-width signs
    (0xFFE8, 0xFFEE),   // half-width forms
    (0x16FE0, 0x16FE4), // ideographic symbols
    (0x16FF0, 0x16FF6), //
    (0x17000, 0x18CD5), // Tangut, Khitan
    (0x18CFF, 0x18D1E), //
    (0x18D80, 0x18DF2), //
    (0x1AFF0, 0x1AFF3), // kana extended
    (0x1AFF5, 0x1AFFB), //
    (0x1AFFD, 0x1AFFE), //
    (0x1B000, 0x1B122), // kana supplement
    (0x1B132, 0x1B132), //
    (0x1B150, 0x1B152), //
    (0x1B155, 0x1B155), //
    (0x1B164, 0x1B167), //
    (0x1B170, 0x1B2FB), // Nüshu
    (0x1D300, 0x1D356), // Tai Xuan Jing
    (0x1D360, 0x1D376), // counting rods
    (0x1F200, 0x1F200), // enclosed ideographic supplement, without its emoji
    (0x1F202, 0x1F202), //
    (0x1F210, 0x1F219), //
    (0x1F21B, 0x1F22E), //
    (0x1F230, 0x1F231), //
    (0x1F237, 0x1F237), //
    (0x1F23B, 0x1F23B), //
    (0x1F240, 0x1F248), //
    (0x1F260, 0x1F265), //
    (0x20000, 0x3FFFD), // CJK Ext. B and later
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markup::options;
    use proptest::prelude::*;
    use proptest::test_runner::FileFailurePersistence;
    use pulldown_cmark::Parser;

    /// Events with adjacent texts merged: this pass splits texts where pulldown-cmark may not.
    fn merged(events: Vec<Spanned<'_>>) -> Vec<(Event<'static>, Range<usize>)> {
        let mut out: Vec<(Event<'static>, Range<usize>)> = Vec::new();
        for (event, range) in events {
            if let (Event::Text(text), Some((Event::Text(last), last_range))) =
                (&event, out.last_mut())
                && last_range.end == range.start
            {
                *last = format!("{last}{text}").into();
                last_range.end = range.end;
                continue;
            }
            out.push((event.into_static(), range));
        }
        out
    }

    fn plain(md: &str) -> Vec<Spanned<'_>> {
        Parser::new_ext(md, options()).into_offset_iter().collect()
    }

    /// With plain CommonMark rules, taking every sequence apart and pairing it again gives
    /// back pulldown-cmark's own events: the re-pairing is faithful.
    fn check_faithful(md: &str) -> Result<(), String> {
        let expected = merged(plain(md));
        let repaired = merged(repair(md, plain(md), Rules::CommonMark, true));
        if expected == repaired {
            Ok(())
        } else {
            Err(format!(
                "{md:?}\n  pulldown-cmark: {expected:?}\n  re-paired:      {repaired:?}"
            ))
        }
    }

    #[derive(serde::Deserialize)]
    struct Example {
        markdown: String,
    }

    #[test]
    fn re_pairing_with_commonmark_rules_reproduces_pulldown_cmark_on_the_spec_examples() {
        let examples: Vec<Example> =
            serde_json::from_str(include_str!("../../tests/fixtures/commonmark_spec.json"))
                .unwrap();
        let failures: Vec<String> = examples
            .iter()
            .filter_map(|ex| check_faithful(&ex.markdown).err())
            .collect();
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    const ALPHABET: &[&str] = &[
        "*",
        "**",
        "***",
        "_",
        "__",
        "~",
        "~~",
        "~~~",
        "\\",
        "a",
        "b",
        " ",
        "\n",
        "中",
        "文",
        "。",
        "，",
        "“",
        "”",
        "（",
        "）",
        "(",
        ")",
        "[",
        "](u)",
        "![",
        "`",
        "<b>",
        "<http://a.b/*c*>",
        "&ast;",
        "| x |\n|---|\n|",
        "- ",
        "> ",
        "# ",
        "\u{FE01}",
        "\n\n",
        "```\n",
        "    ",
        "é",
        "€",
        "«",
        "\"",
        "[x]",
        "\n[x]: /u\n",
        "<!-- * -->",
        "  \n",
        "!",
    ];

    proptest! {
        // Shrunk failures are kept with the test fixtures (the top level of the repository is fixed).
        #![proptest_config(ProptestConfig {
            failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
                "tests/fixtures/proptest/emphasis.txt",
            ))),
            ..ProptestConfig::default()
        })]
        #[test]
        fn re_pairing_with_commonmark_rules_reproduces_pulldown_cmark(
            parts in prop::collection::vec(prop::sample::select(ALPHABET), 0..32)
        ) {
            let md = parts.concat();
            if let Err(e) = check_faithful(&md) {
                prop_assert!(false, "{}", e);
            }
        }

        #[test]
        fn cjk_friendly_events_are_balanced_and_cover_the_source(
            parts in prop::collection::vec(prop::sample::select(ALPHABET), 0..32)
        ) {
            let md = parts.concat();
            let events = cjk_friendly(&md, plain(&md));
            let mut open = Vec::new();
            for (event, range) in &events {
                prop_assert!(range.start <= range.end && range.end <= md.len());
                match event {
                    Event::Start(tag) => open.push(tag.to_end()),
                    Event::End(tag) => prop_assert_eq!(open.pop(), Some(*tag), "{:?}", events),
                    _ => {}
                }
            }
            prop_assert!(open.is_empty());
        }
    }

    fn tags(md: &str) -> Vec<String> {
        cjk_friendly(md, plain(md))
            .into_iter()
            .filter_map(|(e, _)| match e {
                Event::Start(Tag::Strong) => Some("<strong>".to_owned()),
                Event::End(TagEnd::Strong) => Some("</strong>".to_owned()),
                Event::Start(Tag::Emphasis) => Some("<em>".to_owned()),
                Event::End(TagEnd::Emphasis) => Some("</em>".to_owned()),
                Event::Text(t) => Some(t.to_string()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn variation_selectors_leave_the_character_they_modify_in_charge() {
        // From the amendments' test cases: a full-width-form quote is CJK punctuation …
        assert_eq!(
            tags("**“\u{FE01}Git”\u{FE01}**Hub").concat(),
            "<strong>“\u{FE01}Git”\u{FE01}</strong>Hub"
        );
        // … and a Han character with an ideographic variation selector is CJK.
        assert_eq!(
            tags("葛\u{E0100}**(正式)**城").concat(),
            "葛\u{E0100}<strong>(正式)</strong>城"
        );
    }

    #[test]
    fn classifies_cjk_characters_as_the_amendments_do() {
        for c in "中文。，、：；！？（）【】《》「」～々〃ー가ｱ￥〽㊗🈂".chars()
        {
            assert!(is_cjk(c), "{c:?} is CJK");
        }
        // East Asian Width A or N, or emoji: not CJK.
        for c in "a,.“”‘’—…·«∇😀🈚\u{FE01}".chars() {
            assert!(!is_cjk(c), "{c:?} is not CJK");
        }
        assert!(CJK_RANGES.windows(2).all(|w| w[0].1 < w[1].0));
    }

    #[test]
    fn counts_symbols_as_punctuation_like_commonmark() {
        for c in "!*。，“€£∇«".chars() {
            assert!(is_punctuation(c), "{c:?}");
        }
        for c in "a中 1\u{FE01}".chars() {
            assert!(!is_punctuation(c), "{c:?}");
        }
    }
}
