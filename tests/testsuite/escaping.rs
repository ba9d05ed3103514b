//! User text is data, never code: strings full of Typst and Markdown syntax print exactly as typed.

use bulletin::compile::FontSources;
use bulletin::pipeline::Pipeline;
use bulletin::project::Project;
use proptest::prelude::*;

use crate::support::{GOOD, TestProject, pdf_link_uris, pdf_text};

/// The values the issue lists, and more of the same kind.
const TRICKY: &[&str] = &[
    "#import \"/etc/passwd\"",
    "价格$5$元",
    "a]b[c",
    "<标签>",
    "@张三",
    "ftp://x",
    "零下 -5 度",
    "= 标题",
    "1. 列表",
    "a // 不是注释",
    "a /* b */ c",
    "x\\y",
    "`代码`",
    "*粗* _斜_",
    "~ ... -- ---",
    "'单引号' \"双引号\"",
    "#set page(width: 1cm)",
    "https://example.com/a_b",
    "- 不是列表",
    "+ 不是编号",
    "{花括号} (圆括号)",
];

/// issue.yaml with `value` as article title, heading, caption, table cell and table note. JSON
/// strings are valid YAML double-quoted scalars, so any value can be embedded safely.
fn issue_with(values: &[&str]) -> String {
    let mut yaml = String::from("number: 99\ndate: 2022-05-01\narticles:\n");
    for value in values {
        let q = serde_json::to_string(value).unwrap();
        yaml.push_str(&format!(
            "  - title: {q}\n    sections:\n      - heading: {q}\n        body:\n          - photo: photos/p.jpg\n            width: 30\n            caption: {q}\n          - table:\n              header: [{q}]\n              rows:\n                - [{q}]\n              note: {q}\n"
        ));
    }
    yaml
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn project_for(values: &[&str]) -> TestProject {
    let project = TestProject::new();
    project.write("content/099/issue.yaml", &issue_with(values));
    std::fs::create_dir_all(project.path("content/099/photos")).unwrap();
    std::fs::copy(
        crate::support::repo().join("tests/fixtures/photos/500px.jpg"),
        project.path("content/099/photos/p.jpg"),
    )
    .unwrap();
    project
}

#[test]
fn typst_and_markdown_syntax_in_plain_fields_prints_literally() {
    let project = project_for(TRICKY);
    project.build("099").assert_ok();
    let text = pdf_text(&std::fs::read(project.path("output/099/第099期.pdf")).unwrap());
    for value in TRICKY {
        // Title, heading, caption, header cell, body cell and note: six times each; a heading
        // typed with its number (「1. 列表」) prints without it (see typed.rs).
        let count = text.matches(&squeeze(value)).count();
        let expected = 6 - usize::from(typed_number(value));
        assert!(
            count >= expected,
            "{value:?} printed {count} times, not {expected}:\n{text}"
        );
    }
    // The Markdown version, parsed back, shows the same characters.
    let md = project.read("output/099/第099期.md");
    let shown: String =
        pulldown_cmark::Parser::new_ext(&md, pulldown_cmark::Options::ENABLE_TABLES)
            .filter_map(|event| match event {
                pulldown_cmark::Event::Text(text) => Some(text.into_string()),
                _ => None,
            })
            .collect();
    let shown = squeeze(&shown);
    for value in TRICKY {
        let count = shown.matches(&squeeze(value)).count();
        let expected = 6 - usize::from(typed_number(value));
        assert!(
            count >= expected,
            "{value:?} shows {count} times in the Markdown version, not {expected}"
        );
    }
}

/// Whether a heading written as `value` starts with a typed number or ends with a colon, which the
/// bulletin prints once, its own way.
fn typed_number(value: &str) -> bool {
    bulletin::recognise::clean_heading(value).text != value.trim()
}

/// Random mixes of Typst-special characters, Chinese and spaces go through the whole pipeline
/// (YAML → Tera → Typst → PDF) and come out as typed. One pipeline serves every case, as in a
/// long-running process, so the compiler's caches are exercised too.
#[test]
fn random_special_strings_survive_the_whole_pipeline() {
    use proptest::test_runner::{Config, TestRunner};
    use std::cell::RefCell;

    let project = project_for(&["准备"]);
    let pipeline = RefCell::new(
        Pipeline::new(
            Project {
                root: project.root().to_path_buf(),
            },
            FontSources::ShippedOnly,
        )
        .unwrap(),
    );
    let dir = project.path("content/099");
    let strategy = "[#$\\]\\[@<>*/\\\\_`'\"=+~{}():;.,!?&%^|0-9a-z中文党建△ -]{1,24}";
    let mut runner = TestRunner::new(Config {
        cases: 32,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&strategy, |value| {
            prop_assume!(!value.trim().is_empty());
            // Typed heading numbers and caption marks print once (see typed.rs).
            prop_assume!(!typed_number(&value));
            prop_assume!(bulletin::recognise::clean_caption(&value, "△").1.is_none());
            project.write("content/099/issue.yaml", &issue_with(&[&value]));
            let built = pipeline
                .borrow_mut()
                .build(&dir)
                .map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
            let text = pdf_text(&std::fs::read(&built.paths.pdf).unwrap());
            let expected = squeeze(&value);
            prop_assert!(
                text.matches(&expected).count() >= 6,
                "{:?} → {}",
                value,
                text
            );
            Ok(())
        })
        .unwrap();
}

/// A link becomes a link only to a web or mail address: `javascript:`, `file:` and `data:` print
/// as their text, each with a warning at its line, and neither the PDF nor the Markdown version
/// links them — not even when brackets are typed to make one link out of an escaped one.
#[test]
fn links_are_made_only_to_web_and_mail_addresses() {
    let project = TestProject::new();
    let lead = concat!(
        "      - \"[学院网站](https://www.cjart.edu.cn) [点这里](javascript:alert(1)) ",
        "<file:///etc/passwd> [外 [内](data:text/html,x) 尾](javascript:y) 写信给 <dw@cjart.edu.cn>\"\n",
    );
    project.write(
        "content/099/issue.yaml",
        &GOOD.replace("      - 一段话。\n", lead),
    );
    let run = project.build("099");
    run.assert_ok();
    for dest in [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,x",
    ] {
        assert!(
            run.stderr
                .contains(&format!("链接地址「{dest}」不是网址或邮箱")),
            "{dest}:\n{}",
            run.stderr
        );
    }
    assert!(run.stderr.contains("issue.yaml:6:"), "{}", run.stderr);
    let pdf = std::fs::read(project.path("output/099/第099期.pdf")).unwrap();
    let mut uris = pdf_link_uris(&pdf);
    uris.sort();
    assert_eq!(uris, ["https://www.cjart.edu.cn", "mailto:dw@cjart.edu.cn"]);
    assert!(squeeze(&pdf_text(&pdf)).contains("点这里"));
    let md = std::fs::read_to_string(project.path("output/099/第099期.md")).unwrap();
    let links: Vec<String> = pulldown_cmark::Parser::new(&md)
        .filter_map(|event| match event {
            pulldown_cmark::Event::Start(pulldown_cmark::Tag::Link { dest_url, .. }) => {
                Some(dest_url.to_string())
            }
            _ => None,
        })
        .collect();
    // (an e-mail autolink keeps its address without the scheme in Markdown)
    assert_eq!(
        links,
        ["https://www.cjart.edu.cn", "dw@cjart.edu.cn"],
        "{md}"
    );
}
