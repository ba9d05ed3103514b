//! CJK-friendly emphasis on the printed page: `**以赛促学。**举办`, `**“重要”**的` and `*注：*见下`
//! print bold (the theme strokes the glyphs: no bold 仿宋 exists) or italic (楷体), never with
//! their asterisks, and the Markdown version keeps them for any CommonMark reader.

use bulletin::compile::measure::{self, TextRun};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::layout::build;
use crate::support::{TestProject, pdf_text};

/// Lead and body paragraphs the way Chinese editors write emphasis.
const ISSUE: &str = "number: 99
date: 2022-05-01
articles:
  - title: 强调写法测试
    note: 请各支部**对照整改。**按时上报。
    lead:
      - |
        **以赛促学。**举办职业技能竞赛，带动全院学风建设。
      - |
        会上强调了**“三会一课”**的重要性，要求各支部认真落实。
      - |
        *注：*见下表，数据截至三月底。
    sections:
      - heading: 混合写法
        body:
          - |
            **先学[党章](https://www.12371.cn)。**再谈体会，*注：**重点**。*见附件，
            代码`A1`照常印出，**甲。**乙**丙。**丁。
";

/// The document's text in frame order, bold stretches in 【】, italic (楷体) ones in 〖〗 and
/// bold italic ones in 〔〕.
fn styled(runs: &[TextRun]) -> String {
    let mut out = String::new();
    let mut current = "";
    for run in runs {
        let bold = run.stroke.is_some_and(|width| width > 0.0);
        let italic = run.family.contains("Kai");
        let marks = match (bold, italic) {
            (true, false) => "【】",
            (false, true) => "〖〗",
            (true, true) => "〔〕",
            (false, false) => "",
        };
        if marks != current {
            out.extend(current.chars().nth(1));
            out.extend(marks.chars().next());
            current = marks;
        }
        out.push_str(&run.text);
    }
    out.extend(current.chars().nth(1));
    out
}

#[test]
fn chinese_emphasis_prints_bold_and_italic_without_asterisks() {
    let project = TestProject::new();
    project.write("content/099/issue.yaml", ISSUE);
    let built = build(&project, "099");
    let page = styled(&measure::text_runs(&built.document));
    for expected in [
        "【以赛促学。】举办职业技能竞赛",
        "强调了【“三会一课”】的重要性",
        "〖注：〗见下表",
        "【先学党章。】再谈体会",
        "〖注：〗〔重点〕〖。〗见附件",
        "【甲。】乙【丙。】丁",
        // The editor's note is 楷体 throughout.
        "〖请各支部〗〔对照整改。〕〖按时上报。〗",
    ] {
        assert!(page.contains(expected), "{expected} not in\n{page}");
    }
    let pdf = std::fs::read(&built.paths.pdf).unwrap();
    let text = pdf_text(&pdf);
    assert!(!text.contains('*'), "asterisks printed:\n{text}");
    let stray: Vec<String> = built
        .warnings
        .iter()
        .map(|w| w.render(false))
        .filter(|w| w.contains("**"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
    assert!(
        built
            .warnings
            .iter()
            .all(|w| !w.message.starts_with("（Typst）")),
        "compiler warnings: {:?}",
        built.warnings
    );
}

#[test]
fn the_markdown_version_keeps_the_emphasis_for_plain_commonmark_readers() {
    let project = TestProject::new();
    project.write("content/099/issue.yaml", ISSUE);
    let built = build(&project, "099");
    let md = std::fs::read_to_string(&built.paths.markdown).unwrap();
    // A reader without the CJK-friendly rule (pulldown-cmark's default options).
    let mut open: Vec<(&str, String)> = Vec::new();
    let mut found = Vec::new();
    for event in Parser::new(&md) {
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
    for expected in [
        ("strong", "编者按"),
        ("strong", "对照整改。"),
        ("strong", "以赛促学。"),
        ("strong", "“三会一课”"),
        ("emph", "注："),
        ("strong", "先学党章。"),
        ("strong", "重点"),
        ("emph", "注：重点。"),
        ("strong", "甲。"),
        ("strong", "丙。"),
    ] {
        assert!(
            found
                .iter()
                .any(|(kind, text)| (*kind, text.as_str()) == expected),
            "{expected:?} not among {found:?} in\n{md}"
        );
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, Parser::new(&md));
    assert!(!html.contains('*'), "{html}");
}
