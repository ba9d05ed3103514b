//! What a line of an office draft means: the rules that `bulletin import` reads a Word or pasted
//! draft with, and that `check` can use to spot hand-written YAML that would print doubled
//! (「一、一、活动概况」, 「△△表彰大会现场」).
//!
//! Every function is pure (no I/O) and takes one line or paragraph of text as the draft has it.
//! Full-width and ASCII forms of the punctuation are both accepted (（一） and (一), 1． and 1.),
//! as are full-width digits, since drafts typed in WPS mix them freely.

/// The depth of a section heading, numbered 一、 → （一） → 1. → （1） by the bulletin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    One = 1,
    Two = 2,
    Three = 3,
    Four = 4,
}

impl Level {
    /// 1 for 一、 … 4 for （1）.
    pub fn depth(self) -> usize {
        self as usize
    }

    /// The level at `depth` (1–4).
    pub fn from_depth(depth: usize) -> Option<Level> {
        [Level::One, Level::Two, Level::Three, Level::Four]
            .get(depth.checked_sub(1)?)
            .copied()
    }

    /// 一级 … 四级, for messages.
    pub fn chinese(self) -> &'static str {
        ["一级", "二级", "三级", "四级"][self.depth() - 1]
    }
}

/// The ways a draft numbers its headings by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Numbering {
    /// 一、
    Chinese,
    /// （一）
    ChineseParen,
    /// 1.  1．  1、
    Arabic,
    /// （1）
    ArabicParen,
    /// 第一、 第一，
    Ordinal,
    /// 一是
    Enumerated,
}

impl Numbering {
    /// The bulletin level this numbering stands for in the ladder of the Party's official documents
    /// (GB/T 9704: 一、（一）1.（1）). 第一、 is used like 一、; 一是 marks points inside a part, like （一）.
    pub fn level(self) -> Level {
        match self {
            Numbering::Chinese | Numbering::Ordinal => Level::One,
            Numbering::ChineseParen | Numbering::Enumerated => Level::Two,
            Numbering::Arabic => Level::Three,
            Numbering::ArabicParen => Level::Four,
        }
    }

    /// How the number `n` of this kind is written, e.g. （三） — for messages.
    pub fn render(self, n: u32) -> String {
        let chinese = chinese_numeral(n);
        match self {
            Numbering::Chinese => format!("{chinese}、"),
            Numbering::ChineseParen => format!("（{chinese}）"),
            Numbering::Arabic => format!("{n}."),
            Numbering::ArabicParen => format!("（{n}）"),
            Numbering::Ordinal => format!("第{chinese}、"),
            Numbering::Enumerated => format!("{chinese}是"),
        }
    }
}

/// A heading number found at the start of a line, and the text after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Numbered<'a> {
    pub numbering: Numbering,
    /// The number's value: 3 for 三、, （三） and 3.
    pub ordinal: u32,
    /// The text after the number (and the spaces after it).
    pub rest: &'a str,
}

impl Numbered<'_> {
    pub fn level(&self) -> Level {
        self.numbering.level()
    }
}

/// Spaces a draft may hold: ASCII, full-width (U+3000), no-break, and the narrow and zero-width ones
/// Word and web pages leave behind.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}' | '\u{FEFF}' | '\u{2060}')
}

/// The line without the indent drafts are typed with (two full-width spaces 「　　」, ASCII spaces,
/// tabs, no-break spaces) and without trailing spaces.
pub fn strip_indent(line: &str) -> &str {
    line.trim_matches(is_space)
}

/// A number of the heading ladder at the start of `text`: 一、 （一） 1. （1）, with full-width or
/// ASCII punctuation, spaces after the number allowed. Whatever follows is returned as `rest`: the
/// caller decides with [`looks_like_heading`] whether the line is a heading or a numbered paragraph.
///
/// Not a ladder number: 「1.2.3.4.5」, 「2022.7.1」, 「3月29日」, 「十九大」, 「1-3月」 — a number must be
/// followed by its own mark, and an Arabic 1. not by another digit.
pub fn ladder_number(text: &str) -> Option<Numbered<'_>> {
    let text = text.trim_start_matches(is_space);
    if let Some(inner) = strip_open_paren(text) {
        // （一） or （1）, optionally followed by a stray 、 as some drafts type it.
        let inner = inner.trim_start_matches(is_space);
        let (ordinal, numbering, after) = if let Some((n, after)) = chinese_number(inner) {
            (n, Numbering::ChineseParen, after)
        } else if let Some((n, after)) = arabic_number(inner) {
            (n, Numbering::ArabicParen, after)
        } else {
            return None;
        };
        let after = strip_close_paren(after.trim_start_matches(is_space))?;
        let after = after.strip_prefix(['、', '.', '．']).unwrap_or(after);
        return Some(Numbered {
            numbering,
            ordinal,
            rest: after.trim_start_matches(is_space),
        });
    }
    if let Some((ordinal, after)) = chinese_number(text) {
        let after = after.strip_prefix(['、', '．', '.'])?;
        return Some(Numbered {
            numbering: Numbering::Chinese,
            ordinal,
            rest: after.trim_start_matches(is_space),
        });
    }
    let (ordinal, after) = arabic_number(text)?;
    let after = after.strip_prefix(['.', '．', '、'])?;
    // 1.2.3 or 2022.7.1: a dotted number, not a heading number.
    if after.starts_with(|c: char| c.is_ascii_digit() || ('０'..='９').contains(&c)) {
        return None;
    }
    Some(Numbered {
        numbering: Numbering::Arabic,
        ordinal,
        rest: after.trim_start_matches(is_space),
    })
}

/// 第一、 or 一是 at the start of a line that is a heading by itself (see [`looks_like_heading`]).
/// An inline enumeration such as 「一是加强学习；二是……」 or 「第一，要提高认识。」 is text: `None`.
pub fn standalone_ordinal(text: &str) -> Option<Numbered<'_>> {
    let text = text.trim_start_matches(is_space);
    let (numbering, ordinal, rest) = if let Some(after) = text.strip_prefix('第') {
        let (n, after) = chinese_number(after)?;
        let after = after.strip_prefix(['、', '，', ',', '：', ':'])?;
        (Numbering::Ordinal, n, after)
    } else {
        let (n, after) = chinese_number(text)?;
        (Numbering::Enumerated, n, after.strip_prefix('是')?)
    };
    let rest = rest.trim_start_matches(is_space);
    looks_like_heading(rest).then_some(Numbered {
        numbering,
        ordinal,
        rest,
    })
}

/// The number a heading starts with, of any kind a draft uses: what the ladder ([`ladder_number`])
/// gives, or 第一、/一是 when the line is a heading by itself ([`standalone_ordinal`]). For `check`:
/// a heading written with its number prints it twice, 「一、一、活动概况」.
pub fn heading_number(text: &str) -> Option<Numbered<'_>> {
    ladder_number(text).or_else(|| standalone_ordinal(text))
}

/// The longest heading, in characters; a longer numbered line is a numbered paragraph.
pub const MAX_HEADING_CHARS: usize = 40;

/// Whether `text` (without its number) can be a heading: not empty, at most
/// [`MAX_HEADING_CHARS`] characters, and no sentence inside — no 。！？； anywhere and no full stop at
/// the end (a trailing ：is allowed and is dropped by [`strip_heading_colon`]). 「检查内容：」 and
/// 「坚持党建引领，推动高质量发展」 are headings; 「党建引领发展意识不强。学院仍然……」 is a paragraph.
pub fn looks_like_heading(text: &str) -> bool {
    let text = strip_heading_colon(strip_indent(text));
    let chars = text.chars().count();
    chars > 0
        && chars <= MAX_HEADING_CHARS
        && !text.contains(['。', '！', '？', '；', ';', '!', '?'])
        && !text.ends_with(['.', '，', ','])
}

/// A heading without the 「：」 (or `:`) and spaces at its end: the bulletin prints headings without
/// a colon (bulletin-style.md), 「二、检查内容：」 → 「检查内容」.
pub fn strip_heading_colon(text: &str) -> &str {
    text.trim_end_matches(is_space)
        .trim_end_matches(['：', ':'])
        .trim_end_matches(is_space)
}

/// The caption after the caption mark at the start of `text`: 「△ 表彰大会现场」 → 「表彰大会现场」.
/// `mark` is bulletin.yaml's `caption_mark`; 「△」 and 「▲」 are recognised whatever it is, since
/// drafts use both.
pub fn caption_mark<'a>(text: &'a str, mark: &str) -> Option<&'a str> {
    let text = text.trim_start_matches(is_space);
    let rest = [mark, "△", "▲"]
        .into_iter()
        .filter(|m| !m.trim().is_empty())
        .find_map(|m| text.strip_prefix(m.trim()))?;
    Some(rest.trim_matches(is_space))
}

/// The cells of one line of a pasted table: tab-separated (as Word and WPS copy a table), or
/// separated by two or more `|` (Markdown and hand-typed tables, outer bars optional). Cells are
/// trimmed; a trailing tab is an empty last cell. `None` for a line with fewer than two cells.
pub fn table_cells(line: &str) -> Option<Vec<String>> {
    let line = line.trim_end_matches(['\r', '\n']);
    let line = line.trim_start_matches(|c: char| c != '\t' && is_space(c));
    let line = line.trim_start_matches('\t');
    if line.contains('\t') {
        let cells: Vec<String> = line
            .split('\t')
            .map(|c| strip_indent(c).to_string())
            .collect();
        return (cells.len() >= 2).then_some(cells);
    }
    let trimmed = strip_indent(line);
    if trimmed.matches('|').count() < 2 {
        return None;
    }
    let inner = trimmed.strip_prefix('|').unwrap_or(trimmed);
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let cells: Vec<String> = inner
        .split('|')
        .map(|c| strip_indent(c).to_string())
        .collect();
    (cells.len() >= 2).then_some(cells)
}

/// The cells of a line that continues a pasted table: as [`table_cells`], but one `|` is enough
/// (「李四 | 综合支部」 is a row of two cells once a table has begun).
pub fn table_row_continued(line: &str) -> Option<Vec<String>> {
    table_cells(line).or_else(|| {
        let trimmed = strip_indent(line);
        let (a, b) = trimmed.split_once('|')?;
        Some(vec![
            strip_indent(a).to_string(),
            strip_indent(b).to_string(),
        ])
    })
}

/// Whether a line is the `| --- | :-: |` line under a Markdown table's header.
pub fn is_table_rule(line: &str) -> bool {
    let Some(cells) = table_cells(line) else {
        return false;
    };
    cells.iter().all(|c| {
        let c = c.trim_matches(':');
        !c.is_empty() && c.chars().all(|ch| ch == '-')
    })
}

/// The rows of a paragraph that looks like a pasted table: every non-blank line has cells by
/// [`table_cells`] (tabs, or two or more `|`), and there are at least two rows; a Markdown header
/// rule line is left out. Such a paragraph prints as one run-on line of text.
pub fn looks_like_table(text: &str) -> Option<Vec<Vec<String>>> {
    let mut rows = Vec::new();
    for line in text.lines().filter(|l| !strip_indent(l).is_empty()) {
        if is_table_rule(line) {
            continue;
        }
        rows.push(table_cells(line)?);
    }
    (rows.len() >= 2).then_some(rows)
}

/// The note after 「编者按：」 (also 「编者按:」, 「【编者按】」).
pub fn editor_note(text: &str) -> Option<&str> {
    labelled(text, &["编者按"]).or_else(|| {
        let text = text.trim_start_matches(is_space);
        text.strip_prefix("【编者按】")
            .map(|rest| rest.trim_matches(is_space))
    })
}

/// Whether `text` is the note under a table: it starts with 「备注：」 or 「注：」. The whole text is
/// the note (the bulletin prints it as written).
pub fn table_note(text: &str) -> bool {
    labelled(text, &["备注", "注"]).is_some()
}

/// The name after 「稿件编辑：」 at the end of an article.
pub fn editor_credit(text: &str) -> Option<&str> {
    labelled(text, &["稿件编辑"]).filter(|name| !name.is_empty())
}

/// The 报尾 line as the bulletin prints it: 「稿件编辑：X　　审核：Y　　（共印60份）」, the last two
/// optional. `None` unless the line starts with 稿件编辑.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credits {
    pub editor: String,
    pub reviewer: Option<String>,
    pub copies: Option<u32>,
}

/// Reads a 稿件编辑 line with its optional 审核 and 共印 parts (see [`Credits`]).
pub fn credits_line(text: &str) -> Option<Credits> {
    let text = strip_indent(text);
    let mut parts = text
        .split(['\u{3000}', '\t'])
        .map(strip_indent)
        .filter(|p| !p.is_empty());
    let editor = editor_credit(parts.next()?)?.to_string();
    let mut credits = Credits {
        editor,
        reviewer: None,
        copies: None,
    };
    for part in parts {
        if let Some(name) = labelled(part, &["审核"]) {
            credits.reviewer = Some(name.to_string());
        } else if let Some(n) = part
            .strip_prefix(['（', '('])
            .and_then(|p| p.strip_prefix("共印"))
            .and_then(|p| p.strip_suffix(['）', ')']))
            .and_then(|p| p.strip_suffix('份'))
            .and_then(|p| p.trim().parse().ok())
        {
            credits.copies = Some(n);
        } else {
            return None;
        }
    }
    Some(credits)
}

/// `text` after one of `labels` and a colon (full-width or ASCII), trimmed.
fn labelled<'a>(text: &'a str, labels: &[&str]) -> Option<&'a str> {
    let text = text.trim_start_matches(is_space);
    labels.iter().find_map(|label| {
        let rest = text.strip_prefix(label)?.trim_start_matches(is_space);
        let rest = rest.strip_prefix(['：', ':'])?;
        Some(rest.trim_matches(is_space))
    })
}

/// The issue number in 「第【035】期」, 「第35期」, 「2022年第3期」 or 「总第35期」 (the whole text).
pub fn issue_number(text: &str) -> Option<u32> {
    let squeezed: String = text.chars().filter(|c| !is_space(*c)).collect();
    match issue_number_prefix(&squeezed) {
        Some((n, used)) if used == squeezed.len() => Some(n),
        _ => None,
    }
}

/// An issue number at the start of `s` (no spaces in it) and the bytes it takes.
fn issue_number_prefix(s: &str) -> Option<(u32, usize)> {
    let mut rest = s;
    // 2022年第3期: the year belongs to the number, not to a date.
    if let Some((_, after)) =
        digits(rest).filter(|(y, a)| (1000..=9999).contains(y) && a.starts_with('年'))
    {
        rest = &after['年'.len_utf8()..];
    }
    rest = rest.strip_prefix('总').unwrap_or(rest);
    rest = rest.strip_prefix('第')?;
    let open = rest.starts_with(['【', '[', '〔']);
    if open {
        rest = &rest[rest.chars().next()?.len_utf8()..];
    }
    let (n, after) = digits(rest)?;
    rest = after;
    if open {
        rest = rest.strip_prefix(['】', ']', '〕'])?;
    }
    rest = rest.strip_prefix('期')?;
    Some((n, s.len() - rest.len()))
}

/// A date written 2022-07-01, 2022-7-1, 2022年7月1日, 2022.7.1, 2022/7/1 or 二〇二二年七月一日, as
/// (year, month, day); `None` for anything else and for days that do not exist (2022-02-30).
pub fn parse_date_forms(s: &str) -> Option<(i32, u32, u32)> {
    let squeezed: String = s.chars().filter(|c| !is_space(*c)).collect();
    match date_prefix(&squeezed) {
        Some((date, used)) if used == squeezed.len() => Some(date),
        _ => None,
    }
}

/// A date at the start of `s` (no spaces in it) and the bytes it takes.
fn date_prefix(s: &str) -> Option<((i32, u32, u32), usize)> {
    let (year, month, day, rest) = if let Some((y, rest)) = chinese_year(s) {
        let rest = rest.strip_prefix('年')?;
        let (m, rest) = chinese_number(rest)?;
        let rest = rest.strip_prefix('月')?;
        let (d, rest) = chinese_number(rest)?;
        (y, m, d, rest.strip_prefix('日')?)
    } else {
        let (y, rest) = digits(s)?;
        let sep = rest.chars().next()?;
        let rest = &rest[sep.len_utf8()..];
        let (m, rest) = digits(rest)?;
        match sep {
            '年' => {
                let rest = rest.strip_prefix('月')?;
                let (d, rest) = digits(rest)?;
                (y, m, d, rest.strip_prefix(['日', '号'])?)
            }
            '-' | '.' | '/' | '．' | '／' | '－' => {
                let rest = rest.strip_prefix(sep)?;
                let (d, rest) = digits(rest)?;
                // 2022.7.1.5 is not a date.
                if rest.starts_with(|c: char| c.is_ascii_digit()) {
                    return None;
                }
                (y, m, d, rest)
            }
            _ => return None,
        }
    };
    let year = i32::try_from(year).ok()?;
    real_date(year, month, day)?;
    Some(((year, month, day), s.len() - rest.len()))
}

/// `Some(())` when the day exists (the model's rule for dates).
fn real_date(year: i32, month: u32, day: u32) -> Option<()> {
    crate::model::Date::new(year, u8::try_from(month).ok()?, u8::try_from(day).ok()?).map(|_| ())
}

/// What a masthead line of a draft holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Masthead {
    /// The bulletin's name (spaced out or not: 「长 艺 党 建」).
    pub name: bool,
    /// The issue number of 第【035】期.
    pub number: Option<u32>,
    /// The publishing office (编印单位).
    pub publisher: bool,
    /// The date.
    pub date: Option<(i32, u32, u32)>,
}

/// Reads a line of the masthead: it must consist only of the bulletin's `name`, the `publisher`, an
/// issue number ([`issue_number`]) and a date ([`parse_date_forms`]) in any order and with any
/// spacing — 「长 艺 党 建」, 「第【035】期」, 「长江艺术工程职业学院党委办公室　　2022年7月5日」,
/// 「# 长艺党建 第【034】期」 (a Markdown heading mark is allowed). `None` for any other line.
pub fn masthead_line(line: &str, name: &str, publisher: &str) -> Option<Masthead> {
    let squeeze = |s: &str| -> String { s.chars().filter(|c| !is_space(*c)).collect() };
    let line = strip_indent(line).trim_start_matches('#');
    let text = squeeze(line);
    let (name, publisher) = (squeeze(name), squeeze(publisher));
    let mut found = Masthead::default();
    let mut rest = text.as_str();
    let mut any = false;
    while !rest.is_empty() {
        // 编印单位：…, 日期：… labels as some drafts have them.
        for label in ["编印单位", "编印", "日期", "出刊日期"] {
            if let Some(after) = rest.strip_prefix(label)
                && let Some(after) = after.strip_prefix(['：', ':'])
            {
                rest = after;
            }
        }
        if !name.is_empty() && rest.starts_with(&name) && !found.name {
            found.name = true;
            rest = &rest[name.len()..];
        } else if !publisher.is_empty() && rest.starts_with(&publisher) && !found.publisher {
            found.publisher = true;
            rest = &rest[publisher.len()..];
        } else if let Some((n, used)) = issue_number_prefix(rest).filter(|_| found.number.is_none())
        {
            found.number = Some(n);
            rest = &rest[used..];
        } else if let Some((date, used)) = date_prefix(rest).filter(|_| found.date.is_none()) {
            found.date = Some(date);
            rest = &rest[used..];
        } else {
            return None;
        }
        any = true;
    }
    any.then_some(found)
}

/// The items of a table cell typed as a numbered list, 「1. 深化合作 2. 产教融合」 or one item per
/// line: the numbers must run 1, 2, 3 … and each (after the first) stand after a space, a line
/// break or sentence punctuation, so 「聚力推进“1.2.3.4.5”竞赛模式」 stays inside its item. `None`
/// when the text does not start with 1. (or 1、 （1）).
pub fn numbered_items(text: &str) -> Option<Vec<String>> {
    let text = strip_indent(text);
    let first = ladder_number(text).filter(|n| {
        n.ordinal == 1 && matches!(n.numbering, Numbering::Arabic | Numbering::ArabicParen)
    })?;
    let style = first.numbering;
    let mut items = Vec::new();
    let mut rest = first.rest;
    let mut next = 2;
    loop {
        // The earliest place where `next` starts, in the same style, after a boundary.
        let mut cut = None;
        for (i, c) in rest.char_indices() {
            if i == 0 {
                continue;
            }
            let before = rest[..i].chars().next_back().unwrap_or(' ');
            let boundary =
                is_space(before) || matches!(before, '。' | '；' | ';' | '，' | ',' | '、');
            if !boundary || !(c.is_ascii_digit() || c == '（' || c == '(') {
                continue;
            }
            if let Some(n) = ladder_number(&rest[i..])
                && n.numbering == style
                && n.ordinal == next
            {
                cut = Some((i, n.rest));
                break;
            }
        }
        match cut {
            Some((i, after)) => {
                items.push(strip_indent(&rest[..i]).to_string());
                rest = after;
                next += 1;
            }
            None => {
                items.push(strip_indent(rest).to_string());
                break;
            }
        }
    }
    Some(items)
}

/// What `check` can say about hand-written YAML that would not print as meant: the message and the
/// hint, in Chinese, ready for a located warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doubled {
    pub message: String,
    pub hint: String,
}

/// A heading as the bulletin prints it, and what was typed around it that the bulletin adds or
/// leaves out itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanHeading<'a> {
    pub text: &'a str,
    /// The text without the typed number only (its end as typed).
    pub without_number: &'a str,
    /// A number typed at the start (「一、」): the bulletin numbers headings itself.
    pub number: Option<&'a str>,
    /// A colon typed at the end (「：」): headings print without one.
    pub colon: Option<&'a str>,
}

/// A heading (or a strength of `findings`, or the bold lead of a problem) as the bulletin prints
/// it: 「一、活动概况」 would print as 「一、一、活动概况」, so the typed number goes, and so does a
/// colon at the end.
pub fn clean_heading(heading: &str) -> CleanHeading<'_> {
    let text = heading.trim_matches(is_space);
    let (rest, number) = match heading_number(text) {
        Some(number) if !strip_heading_colon(number.rest).is_empty() => {
            let typed = text[..text.len() - number.rest.len()].trim_matches(is_space);
            (number.rest, Some(typed))
        }
        _ => (text, None),
    };
    let rest = rest.trim_end_matches(is_space);
    // A colon alone is the heading's text, not a colon after it.
    let clean = Some(strip_heading_colon(rest))
        .filter(|c| !c.is_empty())
        .unwrap_or(rest);
    let colon = (clean.len() < rest.len()).then(|| rest[clean.len()..].trim_matches(is_space));
    CleanHeading {
        text: clean,
        without_number: rest,
        number,
        colon,
    }
}

/// A caption as the bulletin prints it after its own caption mark: without a mark typed at its
/// start (「△表彰大会现场」 would print 「△△」). Returns the text and the mark that was typed.
pub fn clean_caption<'a>(caption: &'a str, mark: &str) -> (&'a str, Option<&'a str>) {
    match caption_mark(caption, mark) {
        Some(rest) if !rest.is_empty() => {
            let typed = caption.trim_start_matches(is_space);
            let typed = typed[..typed.len() - rest.len()].trim_matches(is_space);
            (rest, Some(typed))
        }
        _ => (caption, None),
    }
}

/// A paragraph that is a pasted table (lines of cells separated by tabs or `|`): it prints as
/// one run-on line.
pub fn pasted_table(paragraph: &str) -> Option<Doubled> {
    let rows = looks_like_table(paragraph)?;
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    Some(Doubled {
        message: format!(
            "这一段像是粘贴进来的表格（{} 行 {columns} 列，用 Tab 或“|”分格），印出来会挤成一段文字",
            rows.len()
        ),
        hint: "改写成 table 块（写法见 content/README.md 的“表格”），或者用 bulletin import 从原稿导入，表格会自动整理好。".into(),
    })
}

/// 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (1–99).
pub fn chinese_numeral(n: u32) -> String {
    const DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    match n {
        0..=9 => DIGITS[n as usize].to_string(),
        10..=19 => format!(
            "十{}",
            if n == 10 {
                String::new()
            } else {
                DIGITS[(n % 10) as usize].to_string()
            }
        ),
        20..=99 => format!(
            "{}十{}",
            DIGITS[(n / 10) as usize],
            if n.is_multiple_of(10) {
                String::new()
            } else {
                DIGITS[(n % 10) as usize].to_string()
            }
        ),
        _ => n.to_string(),
    }
}

fn chinese_digit(c: char) -> Option<u32> {
    "〇一二三四五六七八九"
        .chars()
        .position(|d| d == c)
        .map(|p| p as u32)
        .or((c == '零').then_some(0))
}

/// A Chinese number 1–99 at the start of `s` (一, 十, 十二, 二十, 九十九) and what follows.
fn chinese_number(s: &str) -> Option<(u32, &str)> {
    let mut chars = s.char_indices().peekable();
    let (_, first) = chars.next()?;
    let (value, used) = if first == '十' {
        match s['十'.len_utf8()..].chars().next().and_then(chinese_digit) {
            Some(d) if d > 0 => (10 + d, '十'.len_utf8() * 2),
            _ => (10, '十'.len_utf8()),
        }
    } else {
        let d = chinese_digit(first).filter(|&d| d > 0)?;
        let after = &s[first.len_utf8()..];
        if let Some(after_ten) = after.strip_prefix('十') {
            match after_ten.chars().next().and_then(chinese_digit) {
                Some(u) if u > 0 => (d * 10 + u, first.len_utf8() * 3),
                _ => (d * 10, first.len_utf8() * 2),
            }
        } else {
            (d, first.len_utf8())
        }
    };
    Some((value, &s[used..]))
}

/// A year written in Chinese digits, 二〇二二, and what follows.
fn chinese_year(s: &str) -> Option<(u32, &str)> {
    let mut year = 0;
    let mut used = 0;
    for c in s.chars().take(4) {
        year = year * 10 + chinese_digit(c)?;
        used += c.len_utf8();
    }
    (used > 0 && s[..used].chars().count() == 4).then_some((year, &s[used..]))
}

/// ASCII or full-width decimal digits at the start of `s` (at most 9) and what follows.
fn digits(s: &str) -> Option<(u32, &str)> {
    let mut value: u32 = 0;
    let mut used = 0;
    for (count, c) in s.chars().enumerate() {
        let d = match c {
            '0'..='9' => c as u32 - '0' as u32,
            '０'..='９' => c as u32 - '０' as u32,
            _ => break,
        };
        if count >= 9 {
            return None;
        }
        value = value * 10 + d;
        used += c.len_utf8();
    }
    (used > 0).then_some((value, &s[used..]))
}

/// An Arabic heading number 1–99 at the start of `s` and what follows.
fn arabic_number(s: &str) -> Option<(u32, &str)> {
    digits(s).filter(|(n, _)| (1..=99).contains(n))
}

fn strip_open_paren(s: &str) -> Option<&str> {
    s.strip_prefix(['（', '('])
}

fn strip_close_paren(s: &str) -> Option<&str> {
    s.strip_prefix(['）', ')'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ladder_numbers_are_read_in_every_form_drafts_type() {
        use Numbering::*;
        type Expected = Option<(Numbering, u32, &'static str)>;
        let cases: &[(&str, Expected)] = &[
            ("一、检查方式", Some((Chinese, 1, "检查方式"))),
            ("　　二、检查内容：", Some((Chinese, 2, "检查内容："))),
            ("十二、其他", Some((Chinese, 12, "其他"))),
            ("二十一、其他", Some((Chinese, 21, "其他"))),
            ("三. 检查情况", Some((Chinese, 3, "检查情况"))),
            (
                "（一）党建引领形成共识",
                Some((ChineseParen, 1, "党建引领形成共识")),
            ),
            ("(二) 计划先行", Some((ChineseParen, 2, "计划先行"))),
            ("（ 三 ）、思想教育", Some((ChineseParen, 3, "思想教育"))),
            ("1.支部层面", Some((Arabic, 1, "支部层面"))),
            ("2． 支部层面", Some((Arabic, 2, "支部层面"))),
            ("3、支部层面", Some((Arabic, 3, "支部层面"))),
            ("１２.全角数字", Some((Arabic, 12, "全角数字"))),
            ("（1）艺高支部", Some((ArabicParen, 1, "艺高支部"))),
            ("(10)艺高支部", Some((ArabicParen, 10, "艺高支部"))),
            ("1.2.3.4.5专业技能竞赛", None),
            ("2022.7.1出刊", None),
            ("3月29、30日", None),
            ("十九大精神", None),
            ("1-3月党费", None),
            ("5G应用系", None),
            ("一是加强学习", None),
            ("第一、加强学习", None),
            ("（注：略）", None),
            ("", None),
        ];
        for (text, want) in cases {
            let got = ladder_number(text).map(|n| (n.numbering, n.ordinal, n.rest));
            assert_eq!(got, *want, "{text}");
        }
    }

    #[test]
    fn each_numbering_stands_for_its_level_of_the_ladder() {
        let level = |t: &str| heading_number(t).map(|n| n.level());
        assert_eq!(level("一、总体情况"), Some(Level::One));
        assert_eq!(level("（一）表彰先进"), Some(Level::Two));
        assert_eq!(level("1.支部层面"), Some(Level::Three));
        assert_eq!(level("（1）艺高支部"), Some(Level::Four));
        assert_eq!(level("第一、提高认识"), Some(Level::One));
        assert_eq!(level("二是规范管理"), Some(Level::Two));
        assert_eq!(Level::from_depth(3), Some(Level::Three));
        assert_eq!(Level::from_depth(5), None);
        assert_eq!(Numbering::ChineseParen.render(13), "（十三）");
    }

    #[test]
    fn di_yi_and_yi_shi_are_headings_only_when_they_stand_alone() {
        let cases: &[(&str, Option<(u32, &str)>)] = &[
            ("第一、提高政治站位", Some((1, "提高政治站位"))),
            ("第二，强化责任落实：", Some((2, "强化责任落实："))),
            ("一是加强理论学习", Some((1, "加强理论学习"))),
            ("三是规范“三会一课”", Some((3, "规范“三会一课”"))),
            ("一是2022年计划执行情况；二是主题党日活动；", None),
            ("第一，要提高认识。各支部要……", None),
            ("一是加强学习。", None),
            ("第一次全体会议", None),
            ("一是", None),
        ];
        for (text, want) in cases {
            let got = standalone_ordinal(text).map(|n| (n.ordinal, n.rest));
            assert_eq!(got, *want, "{text}");
        }
    }

    #[test]
    fn a_heading_is_short_and_holds_no_sentence() {
        let cases = [
            ("检查方式", true),
            ("检查内容：", true),
            ("坚持党建引领，推动学院高质量发展", true),
            ("“三会一课”逐步规范", true),
            ("党建引领发展意识不强。", false),
            (
                "**党建引领发展意识不强。**学院仍然有许多干部，忙于个人或部门行政工作",
                false,
            ),
            ("重点检查八个方面：一是计划；二是活动", false),
            ("", false),
            ("：", false),
            (
                "这是一个非常非常长的小标题它有四十多个字所以不像是小标题而更像是一段没有标点的正文内容",
                false,
            ),
        ];
        for (text, want) in cases {
            assert_eq!(looks_like_heading(text), want, "{text}");
        }
    }

    #[test]
    fn trailing_colons_and_spaces_are_stripped_from_headings() {
        let cases = [
            ("检查内容：", "检查内容"),
            ("检查内容: ", "检查内容"),
            ("检查内容　：　", "检查内容"),
            ("检查：内容", "检查：内容"),
            ("检查内容", "检查内容"),
        ];
        for (text, want) in cases {
            assert_eq!(strip_heading_colon(text), want, "{text}");
        }
    }

    #[test]
    fn captions_are_found_after_the_caption_mark() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            (
                "△ 艺术高中党支部汇报党建工作",
                "△",
                Some("艺术高中党支部汇报党建工作"),
            ),
            (
                "△民艺、综合支部的任务清单",
                "△",
                Some("民艺、综合支部的任务清单"),
            ),
            ("　　▲　表彰大会现场", "△", Some("表彰大会现场")),
            ("图：表彰大会现场", "图：", Some("表彰大会现场")),
            ("△△表彰大会现场", "△", Some("△表彰大会现场")),
            ("表彰大会现场", "△", None),
            ("大会现场△", "△", None),
        ];
        for (text, mark, want) in cases {
            assert_eq!(caption_mark(text, mark), *want, "{text}");
        }
    }

    #[test]
    fn pasted_table_lines_split_into_cells() {
        let cells = |t: &str| table_cells(t);
        let v = |xs: &[&str]| Some(xs.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            cells("序号\t存在问题\t备注"),
            v(&["序号", "存在问题", "备注"])
        );
        assert_eq!(
            cells("5\t衔接不够\t2022年7月\t"),
            v(&["5", "衔接不够", "2022年7月", ""])
        );
        assert_eq!(cells("\t为深入推进学院基层党建工作"), None);
        assert_eq!(cells("| 序号 | 问题 |"), v(&["序号", "问题"]));
        assert_eq!(cells("序号 | 问题 | 措施"), v(&["序号", "问题", "措施"]));
        assert_eq!(cells("甲|乙"), None);
        assert_eq!(cells("一段普通的文字。"), None);
        assert_eq!(
            table_row_continued("李四 | 综合支部"),
            v(&["李四", "综合支部"])
        );
        assert_eq!(table_row_continued("一段普通的文字。"), None);
        assert!(is_table_rule("| --- | :-: |"));
        assert!(!is_table_rule("| 1 | 2 |"));
    }

    #[test]
    fn a_paragraph_of_tab_or_bar_lines_looks_like_a_table() {
        let rows = looks_like_table("序号\t问题\n1\t学习不够\n").unwrap();
        assert_eq!(rows, vec![vec!["序号", "问题"], vec!["1", "学习不够"]]);
        let rows = looks_like_table("| 序号 | 问题 |\n|---|---|\n| 1 | 学习不够 |").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(looks_like_table("序号\t问题"), None, "one row is no table");
        assert_eq!(looks_like_table("序号\t问题\n一段普通文字"), None);
        assert_eq!(looks_like_table("一段普通文字。\n第二行。"), None);
    }

    #[test]
    fn labelled_lines_give_their_text() {
        assert_eq!(
            editor_note("编者按：现将情况通报如下。"),
            Some("现将情况通报如下。")
        );
        assert_eq!(
            editor_note("【编者按】现将情况通报如下。"),
            Some("现将情况通报如下。")
        );
        assert_eq!(editor_note("　　编者按 : 现将"), Some("现将"));
        assert_eq!(editor_note("编者说明：现将"), None);
        assert!(table_note("备注：对号入座，形成个人问题清单。"));
        assert!(table_note("注：数据截至6月底。"));
        assert!(!table_note("备注对号入座"));
        assert_eq!(editor_credit("稿件编辑：党委办公室"), Some("党委办公室"));
        assert_eq!(editor_credit("稿件编辑:宣传部 "), Some("宣传部"));
        assert_eq!(editor_credit("稿件编辑："), None);
        assert_eq!(editor_credit("编辑：宣传部"), None);
    }

    #[test]
    fn the_printed_credits_line_gives_editor_reviewer_and_copies() {
        assert_eq!(
            credits_line("稿件编辑：党委办公室　　审核：王五　　（共印60份）"),
            Some(Credits {
                editor: "党委办公室".into(),
                reviewer: Some("王五".into()),
                copies: Some(60),
            })
        );
        assert_eq!(
            credits_line("稿件编辑：党委办公室"),
            Some(Credits {
                editor: "党委办公室".into(),
                reviewer: None,
                copies: None,
            })
        );
        assert_eq!(credits_line("稿件编辑：党委办公室　　另有说明"), None);
        assert_eq!(credits_line("审核：王五"), None);
    }

    #[test]
    fn issue_numbers_are_read_from_the_masthead_forms() {
        let cases = [
            ("第【035】期", Some(35)),
            ("第 35 期", Some(35)),
            ("第[7]期", Some(7)),
            ("2022年第3期", Some(3)),
            ("总第120期", Some(120)),
            ("第【035】", None),
            ("35期", None),
            ("第一期", None),
        ];
        for (text, want) in cases {
            assert_eq!(issue_number(text), want, "{text}");
        }
    }

    #[test]
    fn dates_are_read_in_the_forms_offices_write() {
        let cases = [
            ("2022-07-01", Some((2022, 7, 1))),
            ("2022-7-1", Some((2022, 7, 1))),
            ("2022年7月1日", Some((2022, 7, 1))),
            ("2022年07月01日", Some((2022, 7, 1))),
            ("2022 年 7 月 1 日", Some((2022, 7, 1))),
            ("2022.7.1", Some((2022, 7, 1))),
            ("2022/7/1", Some((2022, 7, 1))),
            ("２０２２年７月１日", Some((2022, 7, 1))),
            ("二〇二二年七月五日", Some((2022, 7, 5))),
            ("二〇二二年十二月三十一日", Some((2022, 12, 31))),
            ("2022-02-30", None),
            ("2022-13-01", None),
            ("2024-02-29", Some((2024, 2, 29))),
            ("2022.7.1.5", None),
            ("2022-7/1", None),
            ("2022年7月", None),
            ("7月1日", None),
            ("昨天", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_date_forms(text), want, "{text}");
        }
    }

    #[test]
    fn masthead_lines_are_made_of_name_number_publisher_and_date_only() {
        let read = |line: &str| masthead_line(line, "长艺党建", "长江艺术工程职业学院党委办公室");
        assert_eq!(
            read("长 艺 党 建"),
            Some(Masthead {
                name: true,
                ..Masthead::default()
            })
        );
        assert_eq!(
            read("# 长艺党建 第【034】期"),
            Some(Masthead {
                name: true,
                number: Some(34),
                ..Masthead::default()
            })
        );
        assert_eq!(
            read("长江艺术工程职业学院党委办公室　　2022年4月4日"),
            Some(Masthead {
                publisher: true,
                date: Some((2022, 4, 4)),
                ..Masthead::default()
            })
        );
        assert_eq!(
            read("编印单位：长江艺术工程职业学院党委办公室"),
            Some(Masthead {
                publisher: true,
                ..Masthead::default()
            })
        );
        assert_eq!(read("第【035】期").and_then(|m| m.number), Some(35));
        assert_eq!(read("党群办关于2022年一季度党建工作检查情况的通报"), None);
        assert_eq!(read("长艺党建工作要点"), None);
        assert_eq!(read(""), None);
    }

    #[test]
    fn numbered_cell_lines_become_items_and_dotted_numbers_stay_inside() {
        let items = |t: &str| numbered_items(t);
        let v = |xs: &[&str]| Some(xs.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            items(
                "1. 深化思政深度融合合作 2. “产教融合、工学交替” 3. 聚力推进“1.2.3.4.5”专业技能竞赛模式"
            ),
            v(&[
                "深化思政深度融合合作",
                "“产教融合、工学交替”",
                "聚力推进“1.2.3.4.5”专业技能竞赛模式"
            ])
        );
        assert_eq!(
            items("1.加强学习\n2.开展研讨"),
            v(&["加强学习", "开展研讨"])
        );
        assert_eq!(
            items("（1）加强学习；（2）开展研讨"),
            v(&["加强学习；", "开展研讨"])
        );
        assert_eq!(items("1. 只有一条"), v(&["只有一条"]));
        assert_eq!(items("1. 第一条 3. 不连续"), v(&["第一条 3. 不连续"]));
        assert_eq!(items("2022年7月"), None);
        assert_eq!(items("2. 从二开始"), None);
    }

    #[test]
    fn indents_of_every_kind_are_stripped() {
        assert_eq!(strip_indent("　　为深入推进"), "为深入推进");
        assert_eq!(strip_indent("\u{a0}\u{a0} 为深入推进 \t"), "为深入推进");
        assert_eq!(strip_indent("\u{200b}为深入推进"), "为深入推进");
    }

    #[test]
    fn typed_heading_numbers_colons_and_caption_marks_are_removed_and_named() {
        let cases = [
            ("一、活动概况", "活动概况", Some("一、"), None),
            ("（一） 表彰先进：", "表彰先进", Some("（一）"), Some("：")),
            ("(1)表彰先进", "表彰先进", Some("(1)"), None),
            ("1. 支部层面", "支部层面", Some("1."), None),
            ("第一、提高认识", "提高认识", Some("第一、"), None),
            ("检查内容：", "检查内容", None, Some("：")),
            ("检查内容:", "检查内容", None, Some(":")),
            ("检查内容", "检查内容", None, None),
            ("“三会一课”逐步规范", "“三会一课”逐步规范", None, None),
            ("1-3月党费收缴", "1-3月党费收缴", None, None),
            ("2022.7.1 活动", "2022.7.1 活动", None, None),
            ("一流专业建设", "一流专业建设", None, None),
            ("1.5亿元投入", "1.5亿元投入", None, None),
            ("：", "：", None, None),
        ];
        for (typed, text, number, colon) in cases {
            let clean = clean_heading(typed);
            assert_eq!(
                (clean.text, clean.number, clean.colon),
                (text, number, colon),
                "{typed}"
            );
        }
        assert_eq!(
            clean_caption("△ 表彰大会现场", "△"),
            ("表彰大会现场", Some("△"))
        );
        assert_eq!(
            clean_caption("▲表彰大会现场", "△"),
            ("表彰大会现场", Some("▲"))
        );
        assert_eq!(clean_caption("表彰大会现场", "△"), ("表彰大会现场", None));

        let table = pasted_table("序号\t问题\n1\t学习不够\n2\t管理不严\n").unwrap();
        assert!(table.message.contains("3 行 2 列"), "{table:?}");
        assert_eq!(pasted_table("一段普通的文字。"), None);
    }

    #[test]
    fn chinese_numerals_are_written_as_in_documents() {
        let cases = [
            (1, "一"),
            (10, "十"),
            (12, "十二"),
            (20, "二十"),
            (35, "三十五"),
        ];
        for (n, want) in cases {
            assert_eq!(chinese_numeral(n), want);
            assert_eq!(chinese_number(want), Some((n, "")));
        }
    }
}
