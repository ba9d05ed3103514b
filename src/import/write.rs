//! The issue.yaml an editor would write by hand: the layout and comments of `bulletin new`'s
//! skeleton and content/034, long paragraphs as `|` blocks wrapped between Chinese characters,
//! quotes only where YAML needs them (and where content/README.md asks for them), bold written so
//! that Markdown really makes it bold next to Chinese punctuation.

use std::fmt::Write as _;

use crate::markup::{is_cjk, join_lines};
use crate::model::{self, Date};

use super::draft::{Article, Block, Cell, Doc, Section, Settings};
use super::markdown::markdown;

/// Characters per line of a wrapped paragraph (content/README.md: 每行四十字左右).
const WRAP: usize = 40;
/// A text longer than this is written as a `|` block.
const BLOCK_ABOVE: usize = WRAP;

/// The whole issue.yaml for `doc`; `photos[i]` is photo i's file name (photos/01.jpg).
pub fn issue_yaml(
    doc: &Doc,
    number: u32,
    date: Date,
    settings: &Settings,
    photos: &[String],
) -> String {
    let folder = format!("{number:03}");
    let mut w = Writer {
        out: String::new(),
        photos,
        photo_comment: false,
        table_comment: false,
    };
    let name = &settings.name;
    let _ = write!(
        w.out,
        "\
# 《{name}》第{folder}期
# 由 bulletin import 从草稿导入。请对照草稿核对一遍：小标题、照片说明、表格已按本刊的写法整理，
# 小标题的序号（一、（一）1.（1））和照片说明前的“△”由程序自动加，不要再写。
# 写法说明见 content/README.md。缩进只能用空格，不能用 Tab。
# 随时可以生成看看效果：cargo run --release -- build {folder}

"
    );
    let mut commented = |line: String, comment: &str| {
        let _ = writeln!(w.out, "{}{comment}", pad(&line));
    };
    commented(
        format!("number: {number}"),
        &format!("# 期号（只写数字），必须和文件夹名 {folder} 一致"),
    );
    commented(format!("date: {date}"), "# 出刊日期，写成 年-月-日");
    match &doc.editor {
        Some(editor) if *editor != settings.editor => commented(
            format!("editor: {}", inline(editor)),
            "# 稿件编辑（草稿末尾的“稿件编辑：”）；不写就用 bulletin.yaml 里的默认值",
        ),
        _ => commented(
            format!("# editor: {}", settings.editor),
            "# 稿件编辑；不写就用 bulletin.yaml 里的默认值",
        ),
    }
    if let Some(reviewer) = &doc.reviewer {
        commented(
            format!("reviewer: {}", inline(reviewer)),
            "# 报尾的“审核：”",
        );
    }
    if let Some(copies) = doc.copies {
        commented(format!("copies: {copies}"), "# 报尾的“（共印×份）”");
    }
    w.out
        .push_str("\narticles:             # 本期文章，按刊登顺序排列\n");
    for article in &doc.articles {
        w.article(article);
    }
    w.out
}

/// `line` padded to the comment column (22, as in the skeleton), measured in terminal columns
/// (a Chinese character takes two), with at least two spaces before the comment.
fn pad(line: &str) -> String {
    use unicode_width::UnicodeWidthStr;
    let width = line.width();
    format!("{line}{}", " ".repeat(22usize.saturating_sub(width).max(2)))
}

struct Writer<'a> {
    out: String,
    photos: &'a [String],
    /// The explaining comment of photos and tables is written once, at the first.
    photo_comment: bool,
    table_comment: bool,
}

impl Writer<'_> {
    fn line(&mut self, indent: usize, text: &str) {
        let _ = writeln!(self.out, "{:indent$}{text}", "");
    }

    /// `key: value` at `indent`, the value inline or as a `|` block; `key` may start a list item
    /// (`- title`), or be `-` alone for a list item that is the value itself.
    fn field(&mut self, indent: usize, key: &str, value: &str, markdown: bool) {
        let head = if key == "-" {
            "-".to_string()
        } else {
            format!("{key}:")
        };
        // A block's lines stand to the right of the key they belong to.
        let inner = if key.starts_with("- ") {
            indent + 4
        } else {
            indent + 2
        };
        match block(value, inner, markdown) {
            Some(lines) => {
                self.line(indent, &format!("{head} |"));
                self.out.push_str(&lines);
            }
            None => self.line(indent, &format!("{head} {}", inline(value))),
        }
    }

    /// `key: value` on one line: titles, headings and captions, which are short and read best
    /// whole.
    fn short(&mut self, indent: usize, key: &str, value: &str) {
        self.line(indent, &format!("{key}: {}", inline(value)));
    }

    fn article(&mut self, article: &Article) {
        self.short(2, "- title", &article.title);
        if let Some(note) = &article.note {
            self.line(
                4,
                "# 编者按：印在标题下，楷体；前面的“编者按：”由程序自动加",
            );
            self.field(4, "note", note, true);
        }
        if !article.lead.is_empty() {
            self.line(4, "# 导语：第一个小标题之前的段落");
            self.line(4, "lead:");
            self.blocks(6, &article.lead);
        }
        if !article.sections.is_empty() {
            self.line(
                4,
                "# 小标题只写文字，不写“一、”“（一）”等序号，也不写末尾的冒号，序号由程序自动编排：",
            );
            self.line(4, "# 第一层 一、  第二层（一）  第三层 1.  第四层（1）");
            self.line(4, "sections:");
            for section in &article.sections {
                self.section(6, section);
            }
        }
    }

    fn section(&mut self, indent: usize, section: &Section) {
        self.short(indent, "- heading", &section.heading);
        if !section.body.is_empty() {
            self.line(indent + 2, "body:");
            self.blocks(indent + 4, &section.body);
        }
        if !section.sections.is_empty() {
            self.line(indent + 2, "sections:");
            for sub in &section.sections {
                self.section(indent + 4, sub);
            }
        }
    }

    fn blocks(&mut self, indent: usize, blocks: &[Block]) {
        for block in blocks {
            match block {
                Block::Text(runs) => self.field(indent, "-", &markdown(runs), true),
                Block::Photo { photo, caption } => {
                    if !self.photo_comment {
                        self.photo_comment = true;
                        self.line(
                            indent,
                            "# 照片：文件放在本期的 photos 文件夹里；说明文字前的“△”由程序自动加上",
                        );
                    }
                    let file = self.photos[*photo].clone();
                    self.line(indent, &format!("- photo: {}", inline(&file)));
                    self.short(indent + 2, "caption", caption);
                }
                Block::Table(table) => {
                    if !self.table_comment {
                        self.table_comment = true;
                        self.line(
                            indent,
                            "# 表格：header 是表头；rows 每行一个条目，每格按表头顺序写；",
                        );
                        self.line(
                            indent,
                            "# 格里写成列表（每项前加“- ”）会自动编号 1. 2. …；空格子写 \"\"",
                        );
                    }
                    self.line(indent, "- table:");
                    let header: Vec<String> = table.header.iter().map(|h| flow(h)).collect();
                    self.line(indent + 4, &format!("header: [{}]", header.join(", ")));
                    if let Some(widths) = widths(&table.header, &table.rows) {
                        let list: Vec<String> = widths.iter().map(u32::to_string).collect();
                        self.line(
                            indent + 4,
                            &format!(
                                "widths: [{}]   # 各列相对宽度（按各列字数估算，可以改）",
                                list.join(", ")
                            ),
                        );
                    }
                    self.line(indent + 4, "rows:");
                    for row in &table.rows {
                        for (c, cell) in row.iter().enumerate() {
                            let dash = if c == 0 { "- - " } else { "  - " };
                            let at = indent + 6;
                            match cell {
                                Cell::Integer(n) => self.line(at, &format!("{dash}{n}")),
                                Cell::Text(t) => self.line(at, &format!("{dash}{}", inline(t))),
                                Cell::Items(items) => {
                                    for (k, item) in items.iter().enumerate() {
                                        let lead = if k == 0 {
                                            format!("{dash}- ")
                                        } else {
                                            "    - ".into()
                                        };
                                        self.line(at, &format!("{lead}{}", inline(item)));
                                    }
                                }
                            }
                        }
                    }
                    if let Some(note) = &table.note {
                        self.field(indent + 4, "note", note, false);
                    }
                }
            }
        }
    }
}

/// Relative column widths from the length of each column's longest cell, or `None` when the
/// columns are about equal.
fn widths(header: &[String], rows: &[Vec<Cell>]) -> Option<Vec<u32>> {
    let len = |s: &str| s.chars().count();
    let mut longest: Vec<usize> = header.iter().map(|h| len(h)).collect();
    for row in rows {
        for (c, cell) in row.iter().enumerate() {
            let l = match cell {
                Cell::Text(t) => len(t),
                Cell::Integer(n) => n.to_string().len(),
                Cell::Items(items) => items.iter().map(|i| len(i) + 2).max().unwrap_or(0),
            };
            if let Some(slot) = longest.get_mut(c) {
                *slot = (*slot).max(l);
            }
        }
    }
    let widths: Vec<u32> = longest
        .iter()
        .map(|&l| (l.min(40) as u32).div_ceil(4).max(1))
        .collect();
    let (min, max) = (widths.iter().min()?, widths.iter().max()?);
    (max > min).then_some(widths)
}

/// A scalar on one line: plain where YAML reads it back as the same text, double-quoted otherwise.
/// Text starting with 「“」 or 「【」 is quoted too, as content/README.md asks.
pub fn inline(s: &str) -> String {
    if plain_ok(s) {
        s.to_string()
    } else {
        quoted(s)
    }
}

/// A header cell in a flow sequence `[a, b]`: plain unless it holds flow punctuation.
fn flow(s: &str) -> String {
    if plain_ok(s) && !s.contains([',', '[', ']', '{', '}']) {
        s.to_string()
    } else {
        quoted(s)
    }
}

fn plain_ok(s: &str) -> bool {
    // content/README.md: text that looks like a number or a date is quoted.
    let numeric = s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '.' | '/' | ':' | '+'));
    // Words other YAML readers take for booleans or null stay text in ours, but not in theirs.
    let special = matches!(
        s.to_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "~"
    );
    if s.is_empty()
        || numeric
        || special
        || s != s.trim()
        || s.contains(['\n', '\r', '\t'])
        || s.starts_with(['“', '【', '‘', '「'])
    {
        return false;
    }
    // Read back as the loader reads it: one key whose plain value is the text itself.
    let file =
        crate::source::SourceFile::new(crate::source::FileId::ISSUE, "", format!("k: {s}\n"));
    match crate::yaml::parse(&file, &[]) {
        Ok(root) => match &root.kind {
            crate::yaml::NodeKind::Map(entries) => {
                entries.len() == 1
                    && entries[0].key == "k"
                    && entries[0]
                        .value
                        .scalar()
                        .is_some_and(|v| v.text == s && !v.is_null())
            }
            _ => false,
        },
        Err(_) => false,
    }
}

fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The lines of a `|` block for a long text (each indented by `indent`), or `None` when the text
/// is short enough for one line.
fn block(text: &str, indent: usize, markdown: bool) -> Option<String> {
    let long = text.chars().count() > BLOCK_ABOVE;
    if !long && !text.contains('\n') {
        return None;
    }
    // A block keeps every character as typed, but its first line cannot start with a space and
    // it cannot carry trailing spaces or tabs at the ends of lines.
    if text.starts_with(char::is_whitespace)
        || text.lines().any(|l| l.ends_with([' ', '\t']))
        || text.contains('\r')
    {
        return None;
    }
    let mut out = String::new();
    for paragraph in text.split('\n') {
        if paragraph.is_empty() {
            out.push('\n');
            continue;
        }
        // Plain fields print every line break as a break between characters; wrap only Markdown
        // and text whose breaks the printer joins (both join Chinese lines without a space).
        let lines = if markdown || !text.contains('\n') {
            wrap(paragraph)
        } else {
            vec![paragraph.to_string()]
        };
        for line in lines {
            let _ = writeln!(out, "{:indent$}{line}", "");
        }
    }
    Some(out)
}

/// Characters a line should not start with (closing punctuation stays with the text before it).
const NO_LINE_START: &[char] = &[
    '，', '。', '、', '；', '：', '？', '！', '”', '’', '）', '》', '」', '』', '】', '…', '—', '·',
];
/// Characters a line should not end with (opening punctuation stays with the text after it).
const NO_LINE_END: &[char] = &['“', '‘', '（', '《', '「', '『', '【'];

/// Splits a paragraph into lines of about [`WRAP`] characters, breaking only between two CJK
/// characters, where the printer joins lines without a space.
fn wrap(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let breakable = |p: usize| {
        p > 0
            && p < chars.len()
            && is_cjk(chars[p - 1])
            && is_cjk(chars[p])
            && !NO_LINE_START.contains(&chars[p])
            && !NO_LINE_END.contains(&chars[p - 1])
    };
    let mut lines = Vec::new();
    let mut start = 0;
    while chars.len() - start > WRAP {
        // After a punctuation mark near the end of the line, as a person would break; else at the
        // last place where two Chinese characters meet.
        let after_mark = |p: usize| {
            breakable(p)
                && matches!(
                    chars[p - 1],
                    '，' | '。' | '；' | '、' | '：' | '！' | '？' | '”' | '）'
                )
        };
        let best = (start + WRAP - 6..=start + WRAP)
            .rev()
            .find(|&p| after_mark(p))
            .or_else(|| {
                (start + WRAP / 2..=start + WRAP)
                    .rev()
                    .find(|&p| breakable(p))
            })
            .or_else(|| (start + WRAP + 1..chars.len()).find(|&p| breakable(p)));
        let Some(cut) = best else { break };
        lines.push(chars[start..cut].iter().collect());
        start = cut;
    }
    lines.push(chars[start..].iter().collect());
    lines
}

/// Checks that `yaml` reads back (through the real loader's types) as `doc`: the same titles,
/// headings, paragraphs, photos and tables. An error names the first difference.
pub fn verify(yaml: &str, doc: &Doc, photos: &[String]) -> Result<(), String> {
    let issue = model::Issue::parse(yaml).map_err(|e| format!("YAML 无法读回：{e}"))?;
    let same = |what: &str, a: &str, b: &str| {
        if join_lines(a.trim_end()) == join_lines(b.trim_end()) {
            Ok(())
        } else {
            Err(format!("{what}不一致：写入「{b}」，读回「{a}」"))
        }
    };
    if issue.articles.len() != doc.articles.len() {
        return Err("文章篇数不一致".into());
    }
    if issue.editor.is_some() && issue.editor.as_ref().map(|e| e.text.clone()) != doc.editor {
        return Err("稿件编辑不一致".into());
    }
    for (got, want) in issue.articles.iter().zip(&doc.articles) {
        same("标题", &got.title.text, &want.title)?;
        match (&got.note, &want.note) {
            (Some(a), Some(b)) => same("编者按", &a.text, b)?,
            (None, None) => {}
            _ => return Err("编者按不一致".into()),
        }
        blocks(&got.lead, &want.lead, photos)?;
        sections(&got.sections, &want.sections, photos)?;
        if !got.closing.is_empty() {
            return Err("多出了结尾段落".into());
        }
    }
    Ok(())
}

fn sections(got: &[model::Section], want: &[Section], photos: &[String]) -> Result<(), String> {
    if got.len() != want.len() {
        return Err("小标题个数不一致".into());
    }
    for (g, w) in got.iter().zip(want) {
        if g.heading.text != w.heading {
            return Err(format!(
                "小标题不一致：「{}」/「{}」",
                w.heading, g.heading.text
            ));
        }
        blocks(&g.body, &w.body, photos)?;
        sections(&g.sections, &w.sections, photos)?;
    }
    Ok(())
}

fn blocks(got: &[model::Block], want: &[Block], photos: &[String]) -> Result<(), String> {
    if got.len() != want.len() {
        return Err("段落个数不一致".into());
    }
    for (g, w) in got.iter().zip(want) {
        let ok = match (&g.kind, w) {
            (model::BlockKind::Text(a), Block::Text(runs)) => {
                join_lines(a.text.trim_end()) == join_lines(&markdown(runs))
            }
            (model::BlockKind::Photo(p), Block::Photo { photo, caption }) => {
                p.file.value == photos[*photo] && join_lines(&p.caption.text) == *caption
            }
            (model::BlockKind::Table(t), Block::Table(table)) => {
                (t.header.iter().map(|h| h.text.as_str()))
                    .eq(table.header.iter().map(String::as_str))
                    && t.note.as_ref().map(|n| join_lines(n.text.trim_end())) == table.note.clone()
                    && t.rows.len() == table.rows.len()
                    && t.rows.iter().zip(&table.rows).all(|(a, b)| {
                        a.cells.len() == b.len()
                            && a.cells.iter().zip(b).all(|(x, y)| match (x, y) {
                                (model::Cell::Text(s), Cell::Text(t)) => s.text == *t,
                                // A number is text in the model, printed as written.
                                (model::Cell::Text(s), Cell::Integer(n)) => s.text == n.to_string(),
                                (model::Cell::Items(s), Cell::Items(t)) => {
                                    (s.iter().map(|i| i.text.as_str()))
                                        .eq(t.iter().map(String::as_str))
                                }
                                _ => false,
                            })
                    })
            }
            _ => false,
        };
        if !ok {
            return Err(format!("内容不一致：{w:?}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::draft::Run;
    use crate::markup::markdown_to_typst;
    use crate::markup::stray_strong_markers;

    fn run(text: &str, bold: bool) -> Run {
        Run {
            text: text.into(),
            bold,
        }
    }

    #[test]
    fn bold_ending_in_chinese_punctuation_is_written_so_that_it_turns_bold() {
        let md = markdown(&[
            run("党建引领发展意识不强。", true),
            run("学院仍然有许多干部。", false),
        ]);
        assert_eq!(md, "**党建引领发展意识不强**。学院仍然有许多干部。");
        let typst = markdown_to_typst(&md).unwrap();
        assert!(typst.contains("#strong[党建引领发展意识不强]"), "{typst}");
        assert!(!typst.contains('*'), "{typst}");
    }

    #[test]
    fn bold_next_to_punctuation_on_both_sides_stays_whole_where_markdown_allows() {
        let cases: &[(&[Run], &str)] = &[
            (
                &[run("“三会一课”", true), run("逐步规范", false)],
                "**“三会一课**”逐步规范",
            ),
            (
                &[
                    run("开展", false),
                    run("“主题党日”", true),
                    run("。", false),
                ],
                "开展“**主题党日”**。",
            ),
            (
                &[run("检查方式：", true), run("本次检查", false)],
                "**检查方式**：本次检查",
            ),
            (&[run("检查方式：", true)], "**检查方式：**"),
            (
                &[run("甲", false), run("乙", true), run("丙", false)],
                "甲**乙**丙",
            ),
            (&[run("。", true), run("甲", false)], "。甲"),
        ];
        for (runs, want) in cases {
            let md = markdown(runs);
            assert_eq!(md, *want);
            assert!(stray_strong_markers(&md).is_empty(), "{md}");
            let typst = markdown_to_typst(&md).unwrap();
            assert!(
                typst.contains("#strong[") || !runs.iter().any(|r| r.bold && r.text != "。"),
                "{md} → {typst}"
            );
        }
    }

    #[test]
    fn markdown_specials_are_escaped_so_they_print_as_typed() {
        let cases = [
            ("1. 党建引领", r"1\. 党建引领"),
            ("2022.7.1出刊", "2022.7.1出刊"),
            ("- 负五度", r"\- 负五度"),
            ("# 号", r"\# 号"),
            ("价格*2_3", r"价格\*2\_3"),
            ("[链接](x)", r"\[链接\](x)"),
            ("a<b 与 <br>", r"a\<b 与 \<br>"),
            ("AT&T &amp;", r"AT\&T \&amp;"),
            ("3～5人，3~5人", r"3～5人，3\~5人"),
        ];
        for (text, want) in cases {
            assert_eq!(markdown(&[run(text, false)]), want, "{text}");
        }
    }

    #[test]
    fn plain_scalars_are_quoted_only_where_yaml_or_the_readme_needs_it() {
        let cases = [
            ("检查方式", "检查方式"),
            ("“三会一课”逐步规范", "\"“三会一课”逐步规范\""),
            ("【专题】学习", "\"【专题】学习\""),
            ("备注：对号入座", "备注：对号入座"),
            ("a: b", "\"a: b\""),
            ("# 开头", "\"# 开头\""),
            ("2022", "\"2022\""),
            ("2022-04-04", "\"2022-04-04\""),
            ("true", "\"true\""),
            ("", "\"\""),
            ("- 列表", "\"- 列表\""),
            ("含 # 号", "\"含 # 号\""),
            ("说\"明\\", "说\"明\\"),
            ("\"引号开头", "\"\\\"引号开头\""),
        ];
        for (text, want) in cases {
            assert_eq!(inline(text), want, "{text}");
        }
        assert_eq!(flow("序号"), "序号");
        assert_eq!(flow("甲，乙"), "甲，乙");
        assert_eq!(flow("a, b"), "\"a, b\"");
    }

    #[test]
    fn long_paragraphs_wrap_between_chinese_characters_only() {
        let text = "为深入推进学院基层党建工作，进一步夯实党建工作基础，提升党建工作水平，根据党委工作计划安排，3月29、30日党委党群办对学院基层党组织开展了一季度党建工作检查，现将检查情况通报如下：";
        let lines = wrap(text);
        assert!(lines.len() >= 2, "{lines:?}");
        assert_eq!(lines.concat(), text);
        for pair in lines.windows(2) {
            let (a, b) = (
                pair[0].chars().next_back().unwrap(),
                pair[1].chars().next().unwrap(),
            );
            assert!(is_cjk(a) && is_cjk(b), "{pair:?}");
            assert!(!NO_LINE_START.contains(&b), "{pair:?}");
        }
        assert!(
            lines.iter().all(|l| l.chars().count() <= WRAP + 1),
            "{lines:?}"
        );
        assert_eq!(wrap("short"), vec!["short"]);
        let latin = "a".repeat(100);
        assert_eq!(wrap(&latin), vec![latin.clone()]);
    }

    #[test]
    fn every_field_long_or_short_reads_back_through_the_loader() {
        let long = "这是一段很长的文字，用来检查折行以后在每一种位置都能读回原样，而且中文之间不会多出空格。";
        let runs = |t: &str| vec![run(t, false)];
        let section = |heading: &str, body: Vec<Block>| Section {
            heading: heading.into(),
            body,
            sections: Vec::new(),
        };
        let doc = Doc {
            editor: Some("宣传部".into()),
            reviewer: Some("王五".into()),
            copies: Some(60),
            articles: vec![Article {
                title: long.into(),
                note: Some(long.into()),
                lead: vec![Block::Text(runs(long)), Block::Text(runs("1. 短段落"))],
                sections: vec![Section {
                    heading: "“三会一课”逐步规范".into(),
                    body: vec![
                        Block::Photo {
                            photo: 0,
                            caption: long.into(),
                        },
                        Block::Table(super::super::draft::Table {
                            header: vec!["序号".into(), "a, b".into()],
                            rows: vec![vec![
                                Cell::Items(vec!["甲".into(), "“乙”".into()]),
                                Cell::Integer(7),
                            ]],
                            note: Some(format!("备注：{long}")),
                        }),
                    ],
                    sections: vec![section(long, vec![Block::Text(runs("#号"))])],
                }],
            }],
            ..Doc::default()
        };
        let settings = Settings {
            name: "长艺党建".into(),
            editor: "党委办公室".into(),
            ..Settings::default()
        };
        let photos = vec!["photos/01.jpg".to_string()];
        let date = Date::parse("2022-07-05").unwrap();
        let yaml = issue_yaml(&doc, 36, date, &settings, &photos);
        verify(&yaml, &doc, &photos).unwrap_or_else(|e| panic!("{e}\n{yaml}"));
        let issue = model::Issue::parse(&yaml).unwrap();
        assert_eq!(issue.number.value, 36);
        assert_eq!(issue.editor.map(|e| e.0.text).as_deref(), Some("宣传部"));
        assert_eq!(issue.reviewer.map(|r| r.0.text).as_deref(), Some("王五"));
        assert_eq!(issue.copies, Some(60));
        assert!(
            yaml.contains("\n      - |\n        这是一段很长的文字"),
            "{yaml}"
        );
    }

    #[test]
    fn the_default_editor_is_left_as_the_skeletons_comment() {
        let settings = Settings {
            name: "长艺党建".into(),
            editor: "党委办公室".into(),
            ..Settings::default()
        };
        let doc = Doc {
            editor: Some("党委办公室".into()),
            articles: vec![Article {
                title: "标题".into(),
                ..Article::default()
            }],
            ..Doc::default()
        };
        let yaml = issue_yaml(&doc, 5, Date::parse("2022-07-05").unwrap(), &settings, &[]);
        assert!(
            yaml.contains("\n# editor: 党委办公室  # 稿件编辑；"),
            "{yaml}"
        );
        assert!(model::Issue::parse(&yaml).unwrap().editor.is_none());
    }

    #[test]
    fn widths_follow_the_longest_cell_of_each_column() {
        let header: Vec<String> = ["序号", "存在问题", "整改时限"].map(String::from).to_vec();
        let rows = vec![vec![
            Cell::Integer(1),
            Cell::Text("党建理论方面与业务深度融合，培养特色品牌力度不够".into()),
            Cell::Text("2022年7月".into()),
        ]];
        assert_eq!(widths(&header, &rows), Some(vec![1, 6, 2]));
        let equal: Vec<String> = ["甲", "乙"].map(String::from).to_vec();
        assert_eq!(widths(&equal, &[]), None);
    }
}
