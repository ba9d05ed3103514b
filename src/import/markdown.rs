//! A draft's paragraph written as Markdown: what it typed printed as typed, its bold as bold.

use crate::markup::stray_strong_markers;

/// A stretch of text, bold or not.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub text: String,
    pub bold: bool,
}

/// The paragraph as Markdown: special characters escaped so they print as typed, bold runs as
/// `**…**` with any punctuation that would keep CommonMark from making them bold moved outside
/// (「**党建引领发展意识不强。**学院」 would print its asterisks; 「**党建引领发展意识不强**。学院」 is bold).
pub fn markdown(runs: &[Run]) -> String {
    let runs = merge(runs);
    let with_bold = write_runs(&runs, true);
    if stray_strong_markers(&with_bold).is_empty() {
        with_bold
    } else {
        // Should not happen; the text matters more than the bold.
        write_runs(&runs, false)
    }
}

/// Adjacent runs of the same weight merged; whitespace-only bold is not bold.
fn merge(runs: &[Run]) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    for run in runs {
        if run.text.is_empty() {
            continue;
        }
        let bold = run.bold && !run.text.chars().all(char::is_whitespace);
        match out.last_mut() {
            Some(last) if last.bold == bold => last.text.push_str(&run.text),
            _ => out.push(Run {
                text: run.text.clone(),
                bold,
            }),
        }
    }
    out
}

fn write_runs(runs: &[Run], bold: bool) -> String {
    let mut out = String::new();
    for (i, run) in runs.iter().enumerate() {
        if !(bold && run.bold) {
            out.push_str(&escape(&run.text, out.is_empty()));
            continue;
        }
        let chars: Vec<char> = run.text.chars().collect();
        let (mut start, mut end) = (0, chars.len());
        let mut before = out.chars().next_back();
        let after = runs.get(i + 1).and_then(|r| r.text.chars().next());
        // Move out what CommonMark would not let `**` open after or close before.
        while start < end && !opens(before, chars[start]) {
            before = Some(chars[start]);
            start += 1;
        }
        let mut next = after;
        while start < end && !closes(chars[end - 1], next) {
            next = Some(chars[end - 1]);
            end -= 1;
        }
        let head: String = chars[..start].iter().collect();
        let core: String = chars[start..end].iter().collect();
        let tail: String = chars[end..].iter().collect();
        out.push_str(&escape(&head, out.is_empty()));
        if !core.is_empty() {
            out.push_str("**");
            out.push_str(&escape(&core, false));
            out.push_str("**");
        }
        out.push_str(&escape(&tail, out.is_empty()));
    }
    out
}

/// CommonMark's left-flanking rule for `**` before `first`, after `before`.
fn opens(before: Option<char>, first: char) -> bool {
    !first.is_whitespace()
        && (!is_punctuation(first) || before.is_none_or(|b| b.is_whitespace() || is_punctuation(b)))
}

/// CommonMark's right-flanking rule for `**` after `last`, before `after`.
fn closes(last: char, after: Option<char>) -> bool {
    !last.is_whitespace()
        && (!is_punctuation(last) || after.is_none_or(|a| a.is_whitespace() || is_punctuation(a)))
}

/// Unicode punctuation and symbols as CommonMark counts them (general categories P and S), for the
/// characters Chinese text uses.
fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c,
            '\u{A1}'..='\u{BF}' | '\u{D7}' | '\u{F7}'
            | '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205E}'
            | '\u{20A0}'..='\u{20CF}' | '\u{2190}'..='\u{2BFF}'
            | '\u{3001}'..='\u{3004}' | '\u{3008}'..='\u{3020}' | '\u{3030}' | '\u{303D}'
            | '\u{30FB}' | '\u{FE10}'..='\u{FE19}' | '\u{FE30}'..='\u{FE6B}'
            | '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}' | '\u{FF3B}'..='\u{FF40}'
            | '\u{FF5B}'..='\u{FF65}' | '\u{FFE0}'..='\u{FFEE}')
}

/// Escapes what Markdown would not print as typed: emphasis, links, code, strikethrough, entities
/// and tags anywhere; list, heading and quote marks at the start of the paragraph.
fn escape(text: &str, at_start: bool) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let special = match c {
            '\\' | '*' | '_' | '`' | '[' | ']' | '~' => true,
            '&' => next.is_some_and(|n| n.is_ascii_alphanumeric() || n == '#'),
            '<' => next.is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')),
            '#' | '>' | '+' | '-' | '=' | '|' => at_start && i == 0,
            '.' | ')' => {
                // 1. or 1) at the start would begin a numbered list.
                at_start
                    && i > 0
                    && i <= 9
                    && chars[..i].iter().all(|d| d.is_ascii_digit())
                    && next.is_none_or(|n| n == ' ' || n == '\t')
            }
            _ => false,
        };
        if special {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
