//! Load stage: read bulletin.yaml and one issue's issue.yaml and parse them. YAML errors become
//! located Chinese problems; nothing here checks meaning (that is `validate`).

use std::path::{Path, PathBuf};

use crate::diag::{Problem, Problems};
use crate::markup::join_lines;
use crate::model::{Bulletin, Issue};
use crate::project::{ISSUE_FILE, Project};

/// A text file as read, kept for locating problems and characters.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the project root.
    pub path: PathBuf,
    pub text: String,
}

/// Everything one build reads from `content/`.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub bulletin: Bulletin,
    pub bulletin_file: SourceFile,
    pub issue: Issue,
    pub issue_file: SourceFile,
    /// The issue folder on disk, e.g. `/…/content/034`.
    pub dir: PathBuf,
    /// The folder's name, e.g. `034`.
    pub folder: String,
}

/// Reads and parses the shared settings and the issue in `dir`; reports every file's problems.
pub fn load(project: &Project, dir: &Path) -> Result<Loaded, Problems> {
    let bulletin_file = read(project, &project.bulletin_file());
    let issue_file = read(project, &dir.join(ISSUE_FILE));
    let (bulletin_file, issue_file) = match (bulletin_file, issue_file) {
        (Ok(b), Ok(i)) => (b, i),
        (b, i) => {
            let problems = b.err().into_iter().chain(i.err());
            return Err(Problems(problems.flat_map(|p| p.0).collect()));
        }
    };
    let bulletin =
        Bulletin::parse(&bulletin_file.text).map_err(|e| yaml_problem(&bulletin_file, &e));
    let issue = Issue::parse(&issue_file.text).map_err(|e| yaml_problem(&issue_file, &e));
    let (bulletin, mut issue) = match (bulletin, issue) {
        (Ok(b), Ok(i)) => (b, i),
        (b, i) => return Err(Problems(b.err().into_iter().chain(i.err()).collect())),
    };
    unfold_cjk_lines(&mut issue, &issue_file.text);
    let folder = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Loaded {
        bulletin,
        bulletin_file,
        issue,
        issue_file,
        dir: dir.to_path_buf(),
        folder,
    })
}

/// Reads a text file; the problem if it cannot (as `Problems`, which is smaller than a `Problem`).
fn read(project: &Project, path: &Path) -> Result<SourceFile, Problems> {
    let relative = project.relative(path).to_path_buf();
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            // Notepad's "UTF-8 with BOM" puts U+FEFF first, which YAML would read as part of the first key.
            Ok(text) => Ok(SourceFile {
                path: relative,
                text: match text.strip_prefix('\u{feff}') {
                    Some(rest) => rest.to_string(),
                    None => text,
                },
            }),
            Err(e) => Err(Problems::from(
                Problem::new(&relative, "文件不是 UTF-8 编码的文本")
                    .at_offset(
                        &String::from_utf8_lossy(e.as_bytes()),
                        e.utf8_error().valid_up_to(),
                    )
                    .hint("请用 UTF-8 编码保存（记事本“另存为”时选择 UTF-8）。"),
            )),
        },
        Err(e) => Err(Problems::from(
            Problem::new(&relative, format!("无法读取文件：{e}"))
                .hint("检查文件是否存在、是否有读取权限。"),
        )),
    }
}

/// Turns a serde_yaml error into a located problem with a Chinese message and a hint.
pub fn yaml_problem(file: &SourceFile, err: &serde_yaml::Error) -> Problem {
    let raw = err.to_string();
    // serde_yaml appends " at line L column C"; the position is reported separately.
    let message = raw.split(" at line ").next().unwrap_or(&raw);
    let message = strip_field_path(message);
    // An unclosed quote or bracket is noticed only where the file ends; its opening is the place
    // to fix, and libyaml names it after ", while scanning … at line L column C".
    if let Some((text, hint, line, column)) = unclosed(&raw) {
        return Problem::new(&file.path, text)
            .hint(hint)
            .at_in(&file.text, line, column);
    }
    let (text, hint) = translate(message);
    let problem = Problem::new(&file.path, text).hint(hint);
    // serde_yaml places errors raised by our own parsers (dates) at the start of the document;
    // the offending value itself is a better place.
    let own_value = message
        .strip_prefix("bad date `")
        .and_then(|v| v.strip_suffix('`'))
        .and_then(|v| file.text.find(v));
    let problem = match (own_value, err.location()) {
        (Some(offset), _) => problem.at_offset(&file.text, offset),
        (None, Some(location)) => problem.at_in(&file.text, location.line(), location.column()),
        (None, None) => return problem,
    };
    // A wrong key or value is underlined whole; a syntax error, or a missing key (placed at the
    // start of the item that lacks it), gets a single caret.
    let about_a_token = [
        "unknown field ",
        "invalid type: ",
        "invalid value: ",
        "bad date ",
        "duplicate field ",
    ];
    if about_a_token.iter().any(|p| message.starts_with(p)) {
        problem.underline_token()
    } else {
        problem
    }
}

/// Message, hint and position of the opening of an unclosed quote, `[` or `{`, from libyaml's
/// "…, while scanning a quoted scalar at line L column C".
fn unclosed(raw: &str) -> Option<(String, String, usize, usize)> {
    let kinds = [
        (
            "while scanning a quoted scalar at line ",
            "引号没有配对：从这里开始的引号到文件末尾都没有结束",
            "在这段文字末尾补上同样的引号（\" 或 '）；文字里要用引号时，请用中文引号“”。",
        ),
        (
            "while parsing a flow sequence at line ",
            "方括号没有配对：从这里开始的 [ 没有写完",
            "在这一组的最后补上 ]，各项之间用英文逗号 , 分开；文字里有 , [ ] 时请给它加引号。",
        ),
        (
            "while parsing a flow mapping at line ",
            "花括号没有配对：从这里开始的 { 没有写完",
            "在最后补上 }；或者不用花括号，改成“键: 值”换行缩进的写法。",
        ),
    ];
    kinds.iter().find_map(|(marker, message, hint)| {
        let (_, rest) = raw.split_once(marker)?;
        let (line, rest) = rest.split_once(" column ")?;
        let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
        Some((
            (*message).to_string(),
            (*hint).to_string(),
            line.parse().ok()?,
            column.parse().ok()?,
        ))
    })
}

/// serde_yaml prefixes messages with the path of the value (`articles[0].sections[1]: `); the
/// position already says where, so the path is dropped.
fn strip_field_path(message: &str) -> &str {
    match message.split_once(": ") {
        Some((path, rest))
            if !path.is_empty()
                && path
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_[].".contains(c)) =>
        {
            rest
        }
        _ => message,
    }
}

/// Chinese message and hint for serde_yaml's English ones.
fn translate(message: &str) -> (String, String) {
    let quoted: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let key = quoted.first().copied().unwrap_or(rest);
        let allowed: Vec<&str> = quoted.iter().skip(1).copied().collect();
        let expected = allowed.join("、");
        return (
            format!("不认识的键「{key}」"),
            match (allowed.is_empty(), closest_key(key, &allowed)) {
                (true, _) => "这里不能写键，请检查缩进。".into(),
                (false, Some(near)) => {
                    format!("你是不是想写「{near}」？这里可以用的键：{expected}。")
                }
                (false, None) => format!("这里可以用的键：{expected}。是不是拼错了？"),
            },
        );
    }
    if message.starts_with("missing field ") {
        let key = quoted.first().copied().unwrap_or("?");
        return (
            format!("缺少必填的键「{key}」"),
            format!("在这一项里加上「{key}: …」。"),
        );
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, "?"));
        if expected == "u32" && found.starts_with("string") {
            return (
                format!("期号要写成数字，这里写的是 {}", found_in_chinese(found)),
                "期号只写数字、不补零、不加引号，例如 number: 34。".into(),
            );
        }
        return (
            format!(
                "这里的值类型不对：写的是 {}，需要的是 {}",
                found_in_chinese(found),
                expected_in_chinese(expected)
            ),
            "检查这一行的写法和缩进；文字可以加引号。".into(),
        );
    }
    if let Some(rest) = message.strip_prefix("invalid value: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, "?"));
        return (
            format!(
                "这里的值不合适：{}，需要的是 {}",
                found_in_chinese(found),
                expected_in_chinese(expected)
            ),
            "期号写成不带前导零的正整数，例如 number: 34。".into(),
        );
    }
    if message.starts_with("bad date ") {
        return (
            format!("日期「{}」无效", quoted.first().copied().unwrap_or("")),
            "日期写成 2022-04-04 这样的形式（年-月-日），并且必须是真实存在的日期。".into(),
        );
    }
    if message.starts_with("block needs one of") {
        return (
            "这一项既不是一段文字，也不是图片（photo）、表格（table）或检查情况（findings）".into(),
            "一段文字直接写在 “- ” 后面；图片写 “- photo: photos/01.jpg” 并在下一行写 caption。"
                .into(),
        );
    }
    if message.starts_with("block mixes") {
        return (
            "同一项里同时写了 photo、table、findings 中的几个".into(),
            "每张图片、每个表格各占一项（各自以 “- ” 开头）。".into(),
        );
    }
    if message.contains("文字、数字，或一组条目") {
        return (
            "表格单元格的写法不对：应是文字、数字，或一组条目".into(),
            "多个条目写成列表，例如 [第一条, 第二条]；小数和日期（如 2022.10）请加引号写成文字。"
                .into(),
        );
    }
    if message.contains("duplicate entry") || message.contains("duplicate key") {
        return (
            format!(
                "同一个键写了两次（{}）",
                quoted.first().copied().unwrap_or("")
            ),
            "删除或合并重复的那一行。".into(),
        );
    }
    if message.contains("found a tab character") {
        return (
            "这一行用 Tab 键缩进了，YAML 的缩进只能用空格".into(),
            "把这一行开头的 Tab 换成空格，和同一层的其他行对齐。".into(),
        );
    }
    if message.contains("cannot start any token") {
        return (
            "这一行有 YAML 不认识的字符，最常见的是用 Tab 键缩进".into(),
            "缩进只能用空格；把这一行开头的 Tab 换成空格。值里有 @ ` 等符号时，请给整个值加引号。"
                .into(),
        );
    }
    if message.contains("did not find expected key")
        || message.contains("did not find expected '-' indicator")
        || message.contains("mapping values are not allowed")
    {
        return (
            "这一行的缩进或写法不对（YAML 格式错误）".into(),
            "同一层的各项要对齐（用同样多的空格）；值里含有 “: ” 或以 “ 【 [ 等开头时，请用引号把整个值括起来。".into(),
        );
    }
    if message.contains("unexpected end of stream") || message.contains("did not find expected") {
        return (
            "文件在这里意外结束：前面有没写完的引号或括号".into(),
            "检查引号 \" ' 和括号 [ ] { } 是否成对。".into(),
        );
    }
    if message.starts_with("unknown variant ") {
        let value = quoted.first().copied().unwrap_or("?");
        let allowed = quoted
            .iter()
            .skip(1)
            .copied()
            .collect::<Vec<_>>()
            .join("、");
        return (
            format!("「{value}」不是这里可以用的值"),
            format!("这里只能写以下之一：{allowed}。"),
        );
    }
    if message.starts_with("duplicate field") {
        let key = quoted.first().copied().unwrap_or("?");
        return (
            format!("键「{key}」在同一项里写了两次"),
            "删除或合并重复的那一行。".into(),
        );
    }
    (
        format!("YAML 格式错误：{message}"),
        "检查缩进（只能用空格，不能用 Tab）、冒号后面的空格；值以 “ 【 [ { * & ! | > # 开头或含有 “: ” 时，请用引号把整个值括起来。"
            .into(),
    )
}

/// The allowed key `key` is most likely a misspelling of, if one is close enough: at most one edit
/// (a swap of two neighbours counts as one) per three letters, ignoring case.
fn closest_key<'a>(key: &str, allowed: &[&'a str]) -> Option<&'a str> {
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

fn found_in_chinese(found: &str) -> String {
    let kind = found.split(' ').next().unwrap_or(found);
    let name = match kind {
        "string" => "文字",
        "integer" | "floating" => "数字",
        "sequence" => "列表（以 “- ” 开头的几项）",
        "map" => "键值对（“键: 值”）",
        "boolean" => "是/否（true/false）",
        "unit" => "空值",
        _ => return found.to_string(),
    };
    let value = found
        .split(['`', '"'])
        .nth(1)
        .map(|v| format!("「{v}」"))
        .unwrap_or_default();
    format!("{name}{value}")
}

fn expected_in_chinese(expected: &str) -> String {
    match expected {
        "a string" => "文字".into(),
        "u32" | "i64" | "u8" => "正整数".into(),
        "a sequence" => "列表（以 “- ” 开头的几项）".into(),
        e if e.starts_with("struct ") => "键值对（“键: 值”，并换行缩进）".into(),
        e if e.starts_with("a sequence") => "列表".into(),
        e => e.to_string(),
    }
}

/// YAML folds a line break inside a plain or quoted scalar into a space, which in Chinese text is a
/// visible gap. Where the source shows that a space between two CJK characters came from a line
/// break (and the same pair with a typed space does not occur), the space is removed.
fn unfold_cjk_lines(issue: &mut Issue, source: &str) {
    let fix = |s: &mut String| {
        if s.contains(' ') {
            *s = unfold(s, source);
        }
    };
    crate::model::visit_strings_mut(issue, &mut |s| fix(s));
}

fn unfold(value: &str, source: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    let mut out = String::with_capacity(value.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' && i > 0 && i + 1 < chars.len() {
            let (before, after) = (chars[i - 1], chars[i + 1]);
            if crate::markup::is_cjk(before) && crate::markup::is_cjk(after) {
                let typed = format!("{before} {after}");
                if !source.contains(&typed) && folded_in_source(source, before, after) {
                    continue;
                }
            }
        }
        out.push(c);
    }
    out
}

/// True if `source` has `before` at a line end and `after` at the start of the next line.
fn folded_in_source(source: &str, before: char, after: char) -> bool {
    let lines: Vec<&str> = source.lines().collect();
    lines
        .windows(2)
        .any(|w| w[0].trim_end().ends_with(before) && w[1].trim_start().starts_with(after))
}

/// Joins the lines of a plain-text field (titles, captions, cells): CJK-aware, see `join_lines`.
pub fn plain(s: &str) -> String {
    join_lines(s.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folded_line_break_between_chinese_characters_disappears() {
        let source = "title: 党建工作\n  检查情况\n";
        let value: serde_yaml::Value = serde_yaml::from_str(source).unwrap();
        let folded = value["title"].as_str().unwrap();
        assert_eq!(
            folded, "党建工作 检查情况",
            "YAML folds the break into a space"
        );
        assert_eq!(unfold(folded, source), "党建工作检查情况");
    }

    #[test]
    fn a_typed_space_between_chinese_characters_stays() {
        // The same pair is also folded elsewhere in the file; the typed space still wins.
        let source = "a: “戴党徽 亮身份”\nb: 戴党徽\n  亮身份\n";
        assert_eq!(unfold("“戴党徽 亮身份”", source), "“戴党徽 亮身份”");
    }

    #[test]
    fn a_folded_line_break_between_latin_words_stays_a_space() {
        let source = "title: Party\n  building\n";
        assert_eq!(unfold("Party building", source), "Party building");
    }

    #[test]
    fn an_unclosed_quote_or_bracket_is_placed_where_it_opens() {
        let source = "number: 99\narticles:\n  - title: \"测试标题\n    lead:\n      - x\n";
        let err = Issue::parse(source).unwrap_err();
        let file = SourceFile {
            path: "issue.yaml".into(),
            text: source.into(),
        };
        let problem = yaml_problem(&file, &err);
        assert_eq!(problem.position, Some((3, 12)), "{problem}");
        assert!(problem.message.starts_with("引号没有配对"), "{problem}");
        let (message, _, line, column) =
            unclosed("did not find expected ',' or ']' at line 2 column 2, while parsing a flow sequence at line 1 column 4").unwrap();
        assert_eq!((line, column), (1, 4));
        assert!(message.starts_with("方括号没有配对"));
        assert_eq!(
            unclosed("did not find expected key at line 2 column 2"),
            None
        );
    }

    #[test]
    fn the_field_path_prefix_is_dropped() {
        assert_eq!(
            strip_field_path("articles[0].sections[1]: missing field `x`"),
            "missing field `x`"
        );
        assert_eq!(
            strip_field_path("did not find expected key"),
            "did not find expected key"
        );
    }

    #[test]
    fn a_misspelt_key_is_matched_to_the_allowed_key_it_is_closest_to() {
        let allowed = ["photo", "caption", "width", "table", "findings"];
        assert_eq!(closest_key("captoin", &allowed), Some("caption"));
        assert_eq!(closest_key("Photo", &allowed), Some("photo"));
        assert_eq!(closest_key("widht", &allowed), Some("width"));
        assert_eq!(closest_key("findngs", &allowed), Some("findings"));
        // Nothing close: no guess.
        assert_eq!(closest_key("author", &allowed), None);
        assert_eq!(closest_key("图片", &allowed), None);
        let (_, hint) = translate("unknown field `author`, expected one of `title`, `lead`");
        assert_eq!(hint, "这里可以用的键：title、lead。是不是拼错了？");
    }

    #[test]
    fn yaml_messages_are_translated_with_hints() {
        let (message, hint) = translate("unknown field `titel`, expected one of `title`, `lead`");
        assert_eq!(message, "不认识的键「titel」");
        assert_eq!(hint, "你是不是想写「title」？这里可以用的键：title、lead。");
        let (message, _) = translate("missing field `caption`");
        assert_eq!(message, "缺少必填的键「caption」");
        let (message, _) = translate("invalid type: sequence, expected a string");
        assert_eq!(
            message,
            "这里的值类型不对：写的是 列表（以 “- ” 开头的几项），需要的是 文字"
        );
        let (message, _) = translate("found a tab character that violates indentation");
        assert_eq!(message, "这一行用 Tab 键缩进了，YAML 的缩进只能用空格");
        let (message, hint) = translate("invalid type: string \"034\", expected u32");
        assert_eq!(message, "期号要写成数字，这里写的是 文字「034」");
        assert!(hint.contains("number: 34"));
    }
}
