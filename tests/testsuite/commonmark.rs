//! The 652 examples of the CommonMark spec 0.31.2 (tests/fixtures/commonmark_spec.json): each one
//! converts to Typst that compiles, and the laid-out text is the text the reference HTML shows.

use bulletin::compile::{self, FontSources, Fonts, ProjectWorld};
use bulletin::markup::markdown_to_typst;
use bulletin::model::Date;
use serde::Deserialize;

use crate::support::TestProject;

#[derive(Deserialize)]
struct Example {
    markdown: String,
    html: String,
    example: u32,
}

/// List markers and enumeration numbers are drawn by a browser, not part of the HTML text; hide them
/// on the Typst side too so the texts compare.
const PREAMBLE: &str = "#set list(marker: none)\n#set enum(numbering: n => none)\n";

#[test]
fn every_commonmark_example_compiles_and_shows_the_reference_text() {
    let examples: Vec<Example> =
        serde_json::from_str(include_str!("../fixtures/commonmark_spec.json")).unwrap();
    assert_eq!(examples.len(), 652);
    let project = TestProject::new();
    let fonts = Fonts::load(&project.path("assets/fonts"), FontSources::ShippedOnly).unwrap();
    let mut world = ProjectWorld::new(project.root(), fonts);
    let date = Date {
        year: 2022,
        month: 4,
        day: 4,
    };
    let mut failures = Vec::new();
    for ex in &examples {
        let typst = match markdown_to_typst(&ex.markdown) {
            Ok(typst) => typst,
            Err(e) => {
                failures.push(format!("example {}: conversion failed: {e}", ex.example));
                continue;
            }
        };
        match compile::layout(
            &mut world,
            "/example.typ",
            format!("{PREAMBLE}{typst}"),
            date,
        ) {
            Ok((document, _)) => {
                let shown = normalise(&compile::document_text(&document));
                let expected = normalise(&strip_tags(&ex.html));
                if shown != expected {
                    failures.push(format!(
                        "example {}: text differs\n  markdown: {:?}\n  typst:    {:?}\n  expected: {expected:?}\n  shown:    {shown:?}",
                        ex.example, ex.markdown, typst
                    ));
                }
            }
            Err(e) => failures.push(format!(
                "example {}: does not compile: {e}\n  typst: {typst:?}",
                ex.example
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of 652 examples fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Removes HTML tags, keeping an image's alt text (what a reader sees when the picture is missing,
/// and what the converter prints, since pictures come from YAML photo blocks).
fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let tag = &rest[start..start + end + 1];
        if tag.starts_with("<img") {
            if let Some(alt) = tag.split("alt=\"").nth(1).and_then(|a| a.split('"').next()) {
                out.push_str(alt);
            }
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    out
}

/// Both sides: entities decoded, anything that looks like a tag removed (raw HTML in Markdown is
/// printed literally by the converter but interpreted by a browser), whitespace removed.
fn normalise(s: &str) -> String {
    let decoded = s
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    let mut out = String::new();
    let mut chars = decoded.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '<'
            && chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?'))
        {
            let tag: String = chars
                .clone()
                .take_while(|&n| n != '>' && n != '<')
                .collect();
            if chars.clone().nth(tag.chars().count()) == Some('>') {
                for _ in 0..=tag.chars().count() {
                    chars.next();
                }
                continue;
            }
        }
        out.push(c);
    }
    out.chars().filter(|c| !c.is_whitespace()).collect()
}
