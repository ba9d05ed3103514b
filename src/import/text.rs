//! Plain text (.txt, or pasted on standard input) and Markdown (.md, such as the bulletin's own
//! 第034期.md) read into a [`Draft`]: one paragraph per line, blank lines kept as separators;
//! in Markdown also `#` headings, `**bold**`, `![…](…)` pictures and pipe tables.

use std::path::Path;

use anyhow::{Result, bail};

use super::draft::{Draft, Item, Kind, Para, Picture, PictureData, Run, Unit};
use crate::recognise;

/// Text decoded from the bytes of a file, and the encoding it was in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// For the report: UTF-8, UTF-16 or GBK/GB18030.
    pub encoding: &'static str,
}

/// Decodes a text file as editors' computers save it: UTF-8 (with or without a byte-order mark),
/// UTF-16 with its mark (Notepad's 「Unicode」), or GBK/GB18030 (Notepad's 「ANSI」 on a Chinese
/// Windows, and WPS). Fails with a Chinese message when it is none of them.
pub fn decode(bytes: &[u8], shown: &str) -> Result<Decoded> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom..]);
        if !had_errors {
            let name = if encoding == encoding_rs::UTF_8 {
                "UTF-8"
            } else {
                "UTF-16"
            };
            return Ok(Decoded {
                text: text.into_owned(),
                encoding: name,
            });
        }
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(Decoded {
            text: text.to_string(),
            encoding: "UTF-8",
        });
    }
    if let Some(text) =
        encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes)
    {
        return Ok(Decoded {
            text: text.into_owned(),
            encoding: "GBK/GB18030",
        });
    }
    bail!(
        "{shown} 的文字编码无法识别：既不是 UTF-8，也不是 GBK/GB18030（中文 Windows 记事本和 WPS 保存的编码）。\n  提示：用记事本打开它，选“另存为”，编码选 UTF-8，保存后再导入。"
    )
}

/// Whether pasted text is really Markdown: a `#` heading line, `**bold**`, or a pipe table's rule
/// line (as in the seed transcript and in the bulletin's own .md).
pub fn looks_like_markdown(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim_start();
        let hashes = line.len() - line.trim_start_matches('#').len();
        ((1..=6).contains(&hashes) && line[hashes..].starts_with(' '))
            || recognise::is_table_rule(line)
    }) || text.matches("**").count() >= 2
}

/// Reads text into a draft, one paragraph per line. With `markdown`, Markdown marks are read too;
/// pictures are looked for relative to `base`.
pub fn read(text: &str, markdown: bool, base: Option<&Path>) -> Draft {
    let lines: Vec<&str> = text.lines().collect();
    let mut items = Vec::new();
    let mut n = 0;
    while n < lines.len() {
        let at = n + 1;
        let line = lines[n].trim_end_matches('\r');
        if recognise::strip_indent(line).is_empty() {
            items.push(Item {
                at,
                kind: Kind::Blank,
            });
            n += 1;
            continue;
        }
        if !markdown {
            items.push(Item {
                at,
                kind: Kind::Para(Para::plain(line)),
            });
            n += 1;
            continue;
        }
        // A pipe table: a row of cells, then the | --- | rule, then rows.
        if !line.contains('\t')
            && recognise::table_cells(line).is_some()
            && lines
                .get(n + 1)
                .is_some_and(|l| recognise::is_table_rule(l))
        {
            let mut rows = vec![pipe_row(line)];
            n += 2;
            while let Some(next) = lines.get(n) {
                if recognise::table_cells(next).is_none() || next.contains('\t') {
                    break;
                }
                rows.push(pipe_row(next));
                n += 1;
            }
            items.push(Item {
                at,
                kind: Kind::Table(rows),
            });
            continue;
        }
        items.push(Item {
            at,
            kind: markdown_line(line, base),
        });
        n += 1;
    }
    Draft {
        items,
        unit: Unit::Line,
    }
}

/// The cells of a Markdown table row, `<br>` as a line break inside a cell, escapes undone.
fn pipe_row(line: &str) -> Vec<String> {
    // An escaped \| belongs to the cell.
    let guarded = line.replace("\\|", "\u{E000}");
    recognise::table_cells(&guarded)
        .unwrap_or_default()
        .into_iter()
        .map(|cell| {
            let cell = cell.replace('\u{E000}', "|");
            let cell = cell
                .replace("<br>", "\n")
                .replace("<br/>", "\n")
                .replace("<br />", "\n");
            runs(&cell).iter().map(|r| r.text.as_str()).collect()
        })
        .collect()
}

/// One line of Markdown: a heading, a picture, a thematic break, or a paragraph.
fn markdown_line(line: &str, base: Option<&Path>) -> Kind {
    let trimmed = recognise::strip_indent(line);
    if trimmed.len() >= 3
        && ["-", "*", "_"].iter().any(|m| {
            trimmed
                .replace(' ', "")
                .chars()
                .all(|c| c.to_string() == *m)
        })
    {
        return Kind::Blank;
    }
    if let Some(picture) = image_line(trimmed, base) {
        return Kind::Picture(picture);
    }
    let hashes = trimmed.len() - trimmed.trim_start_matches('#').len();
    if (1..=6).contains(&hashes) && (trimmed[hashes..].starts_with(' ') || trimmed.len() == hashes)
    {
        let text = trimmed[hashes..].trim().trim_end_matches('#').trim_end();
        let mut para = Para {
            runs: runs(text),
            ..Para::default()
        };
        if hashes <= 2 {
            para.title_hint = true;
        } else {
            para.heading_hint = Some((hashes - 2).min(4) as u8);
        }
        return Kind::Para(para);
    }
    Kind::Para(Para {
        runs: runs(line),
        ..Para::default()
    })
}

/// `![alt](path)` alone on a line.
fn image_line(line: &str, base: Option<&Path>) -> Option<Picture> {
    let rest = line.strip_prefix("![")?;
    let close = rest.find("](")?;
    let target = rest[close + 2..].strip_suffix(')')?;
    let target = target.split_whitespace().next().unwrap_or("");
    let target = target.trim_start_matches('<').trim_end_matches('>');
    if target.is_empty() {
        return None;
    }
    let data = if target.contains("://") {
        PictureData::Missing("是网上的图片，不在本机".into())
    } else {
        let path = match base {
            Some(base) => base.join(target),
            None => Path::new(target).to_path_buf(),
        };
        PictureData::File(path)
    };
    Some(Picture {
        name: target.to_string(),
        data,
    })
}

/// A Markdown line as runs: `**…**` and `<strong>…</strong>` (or `<b>`) are bold, backslash
/// escapes give the character itself. A `**` without a partner is text.
pub fn runs(line: &str) -> Vec<Run> {
    // Where the bold marks are, in byte offsets, and how long each is.
    let mut marks: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while let Some(c) = line[i..].chars().next() {
        let rest = &line[i..];
        if c == '\\' && rest[1..].starts_with(|n: char| n.is_ascii_punctuation()) {
            i += 2;
            continue;
        }
        let tag = ["**", "<strong>", "</strong>", "<b>", "</b>"]
            .into_iter()
            .find(|tag| rest.starts_with(tag));
        match tag {
            Some(tag) => {
                marks.push((i, tag.len()));
                i += tag.len();
            }
            None => i += c.len_utf8(),
        }
    }
    if marks.len() % 2 == 1 {
        marks.pop();
    }
    let mut out: Vec<Run> = Vec::new();
    let mut bold = false;
    let mut from = 0;
    for (at, len) in marks.into_iter().chain([(line.len(), 0)]) {
        let text = unescape(&line[from..at]);
        if !text.is_empty() {
            out.push(Run { text, bold });
        }
        bold = !bold;
        from = at + len;
    }
    out
}

/// Undoes Markdown's backslash escapes.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(&next) = chars.peek()
            && next.is_ascii_punctuation()
        {
            out.push(next);
            chars.next();
            continue;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_gbk_and_utf16_text_decodes_to_the_same_characters() {
        let text = "一、检查方式\n　　本次检查由党委党群办牵头。△“戴党徽 亮身份”\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let bom: Vec<u8> = [0xEF, 0xBB, 0xBF]
            .iter()
            .chain(text.as_bytes())
            .copied()
            .collect();
        for (bytes, encoding) in [
            (text.as_bytes().to_vec(), "UTF-8"),
            (bom, "UTF-8"),
            (gbk.into_owned(), "GBK/GB18030"),
            (utf16, "UTF-16"),
        ] {
            let decoded = decode(&bytes, "x.txt").unwrap();
            assert_eq!(decoded.text, text);
            assert_eq!(decoded.encoding, encoding);
        }
    }

    #[test]
    fn bytes_in_no_known_encoding_are_refused_in_chinese() {
        let err = decode(&[0x81, 0x20, 0xFF, 0xFF, 0x81], "草稿.txt").unwrap_err();
        assert!(err.to_string().contains("文字编码无法识别"), "{err}");
    }

    #[test]
    fn bold_marks_and_escapes_become_runs() {
        let bold = |t: &str| Run {
            text: t.into(),
            bold: true,
        };
        let plain = |t: &str| Run {
            text: t.into(),
            bold: false,
        };
        assert_eq!(
            runs("1. **党建引领发展意识不强。**学院"),
            vec![plain("1. "), bold("党建引领发展意识不强。"), plain("学院")]
        );
        assert_eq!(
            runs("1. <strong>标题。</strong>正文"),
            vec![plain("1. "), bold("标题。"), plain("正文")]
        );
        assert_eq!(runs(r"价格\*2 \*\*"), vec![plain("价格*2 **")]);
        assert_eq!(runs("只有一个**"), vec![plain("只有一个**")]);
    }

    #[test]
    fn markdown_is_told_from_plain_text() {
        assert!(looks_like_markdown("# 长 艺 党 建\n正文"));
        assert!(looks_like_markdown("正文**粗体**"));
        assert!(looks_like_markdown("| a | b |\n| --- | --- |"));
        assert!(!looks_like_markdown("一、检查方式\n#号不算\n"));
    }

    #[test]
    fn markdown_lines_give_headings_pictures_and_pipe_tables() {
        let md = "# 长艺党建 第【034】期\n\n## 标题\n\n### 一、检查方式\n\n![△说明](photos/01.jpg)\n\n| 序号 | 措施 |\n| --- | --- |\n| 1 | 1. 甲<br>2. 乙 |\n\n---\n";
        let draft = read(md, true, Some(Path::new("/x")));
        let kinds: Vec<String> = draft
            .items
            .iter()
            .filter(|i| !matches!(i.kind, Kind::Blank))
            .map(|i| match &i.kind {
                Kind::Para(p) => format!("{}:{}:{:?}", p.text(), p.title_hint, p.heading_hint),
                Kind::Picture(p) => format!("picture {}", p.name),
                Kind::Table(rows) => format!("table {rows:?}"),
                Kind::Blank => unreachable!(),
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "长艺党建 第【034】期:true:None",
                "标题:true:None",
                "一、检查方式:false:Some(1)",
                "picture photos/01.jpg",
                "table [[\"序号\", \"措施\"], [\"1\", \"1. 甲\\n2. 乙\"]]",
            ]
        );
    }
}
