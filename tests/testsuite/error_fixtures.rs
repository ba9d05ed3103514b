//! Every error kind an editor can cause, as a fixture under tests/fixtures/errors/<kind>/: a
//! `content/` folder laid over the project's, and `expected.txt`, exactly what `bulletin check`
//! prints on stderr for it (message, line:column, the source line with its caret, the hint).
//! `BULLETIN_BLESS=1 cargo test --test testsuite error_fixtures` rewrites the expected files from
//! the actual output (see tests/fixtures/README.md).

use std::path::{Path, PathBuf};

use similar::TextDiff;

use crate::support::{TestProject, repo};

/// The fixture folders, sorted by name.
fn fixtures() -> Vec<PathBuf> {
    let root = repo().join("tests/fixtures/errors");
    let mut kinds: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .collect();
    kinds.sort();
    kinds
}

fn blessing() -> bool {
    std::env::var_os("BULLETIN_BLESS").is_some_and(|v| v == "1")
}

/// Runs `bulletin check` (every issue) with the fixture's content; what is wrong, if anything.
fn check_fixture(kind: &Path) -> Result<(), String> {
    let name = kind.file_name().unwrap().to_string_lossy().into_owned();
    let project = TestProject::new();
    project.copy_in(&kind.join("content"), "content");
    let run = project.run(&["check", "--no-system-fonts"]);
    if run.success || run.code != Some(1) {
        return Err(format!(
            "{name}: `bulletin check` should fail with exit code 1, got {:?}\nstderr:\n{}",
            run.code, run.stderr
        ));
    }
    let expected_file = kind.join("expected.txt");
    if blessing() {
        std::fs::write(&expected_file, &run.stderr).unwrap();
        return Ok(());
    }
    let expected = std::fs::read_to_string(&expected_file)
        .map_err(|e| format!("{name}: {}: {e}", expected_file.display()))?;
    if expected == run.stderr {
        return Ok(());
    }
    let diff = TextDiff::from_lines(&expected, &run.stderr)
        .unified_diff()
        .context_radius(3)
        .header("expected.txt", "actual stderr")
        .to_string();
    Err(format!("{name}: stderr differs from expected.txt:\n{diff}"))
}

#[test]
fn every_error_fixture_prints_exactly_its_expected_diagnostics() {
    let kinds = fixtures();
    assert!(kinds.len() >= 15, "fixtures missing: {kinds:?}");
    let failures: Vec<String> = kinds
        .iter()
        .filter_map(|kind| check_fixture(kind).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} fixtures differ:\n\n{}\n\nIf the new output is right, accept it with \
         BULLETIN_BLESS=1 cargo test --test testsuite error_fixtures and review the diff.",
        failures.len(),
        kinds.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_error_fixture_has_a_located_message_a_caret_and_a_hint() {
    // The exact texts above could be blessed into anything; this holds them to the standard.
    for kind in fixtures() {
        let expected = std::fs::read_to_string(kind.join("expected.txt")).unwrap_or_default();
        let name = kind.file_name().unwrap().to_string_lossy();
        let first = expected.lines().next().unwrap_or_default();
        // file:line:column: 错误：…
        let location = first.split(": 错误：").next().unwrap_or_default();
        let located = location
            .rsplit(':')
            .take(2)
            .filter(|n| n.parse::<usize>().is_ok_and(|n| n > 0))
            .count()
            == 2;
        assert!(
            located,
            "{name}: the first line names no file:line:column: {first}"
        );
        assert!(
            expected
                .lines()
                .any(|l| l.trim_start().starts_with('|') && l.trim_end().ends_with('^')),
            "{name}: no caret line:\n{expected}"
        );
        assert!(
            expected.contains("= 提示："),
            "{name}: no hint:\n{expected}"
        );
    }
}

/// Words of our own vocabulary that messages may use in Latin letters (names of formats, keys,
/// commands and files); anything else in ASCII letters would be a dependency's English.
const OWN_WORDS: &[&str] = &[
    "YAML",
    "Tab",
    "Markdown",
    "PDF",
    "JPEG",
    "PNG",
    "GIF",
    "WebP",
    "BMP",
    "TIFF",
    "SVG",
    "HEIC",
    "Mac",
    "Windows",
    "iPhone",
    "UTF",
    "dpi",
    "pt",
    "KB",
    "MB",
    "NUL",
    "Typst",
    "check",
    "build",
    "content",
    "yaml",
    "photos",
    "jpg",
    "jpeg",
    "png",
    "heic",
    "svg",
    "md",
    "assets",
    "fonts",
    "ttf",
    "otf",
    "ttc",
    "README",
    "bulletin",
    "cargo",
    "run",
    "release",
    "true",
    "false",
    "single",
    "double",
    "star",
    "outside",
    "center",
    "none",
    "continue",
    "page",
    "embedded",
    "typst",
    "cli",
    "pt",
    "em",
    "landscape",
    "Word",
    "WPS",
    "docx",
    "txt",
    "Ctrl",
    "pdf",
    "typ",
];

#[test]
fn no_fixture_message_contains_english_from_a_dependency() {
    let keys = bulletin::model::all_keys();
    for kind in fixtures() {
        let name = kind.file_name().unwrap().to_string_lossy().into_owned();
        let expected = std::fs::read_to_string(kind.join("expected.txt")).unwrap_or_default();
        // Words the fixture's own files contain (a key, a file name) may be quoted back.
        let mut own = String::new();
        for entry in walkdir::WalkDir::new(kind.join("content")) {
            let entry = entry.unwrap();
            own.push_str(&entry.path().to_string_lossy());
            if let Ok(text) = std::fs::read_to_string(entry.path()) {
                own.push_str(&text);
            }
        }
        // The source lines shown under a message (「 7 |   - photo: …」) are the editor's text.
        let messages: String = expected
            .lines()
            .filter(|line| {
                !line
                    .trim_start()
                    .starts_with(|c: char| c.is_ascii_digit() || c == '|')
            })
            .collect::<Vec<_>>()
            .join("\n");
        let words = messages
            .split(|c: char| !(c.is_ascii_alphabetic() || c == '_'))
            .filter(|word| word.len() >= 2);
        for word in words {
            assert!(
                OWN_WORDS.contains(&word) || keys.contains(&word) || own.contains(word),
                "{name}: the English word {word:?} in:\n{expected}"
            );
        }
    }
}
