//! The shipped faces cover what people are called: every character of 《通用规范汉字表》 in every role,
//! every Han character of GBK in the body, all in the role's own shipped face (measured on the
//! laid-out frames, with only the shipped fonts); a font copied into assets/fonts prints what no
//! shipped face has, and is reported as a fallback.

use std::collections::BTreeMap;
use std::path::Path;

use bulletin::compile::coverage::{self, Fallback, face_name};
use bulletin::compile::{FontSources, PdfSettings, missing_glyphs};
use bulletin::config::Config;
use bulletin::pipeline::{Built, Pipeline};
use bulletin::project::Project;
use typst::layout::{Frame, FrameItem};
use typst_layout::PagedDocument;

use crate::support::{TestProject, pdf_text, repo};

/// The 8105 characters of the committed list (assets/fonts/tongyong-8105.txt), in table order.
fn tongyong() -> Vec<char> {
    let text = std::fs::read_to_string(repo().join("assets/fonts/tongyong-8105.txt")).unwrap();
    let chars: Vec<char> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let mut columns = l.split('\t');
            let number: usize = columns.next().unwrap().parse().unwrap();
            let c = columns.next().unwrap();
            assert_eq!(c.chars().count(), 1, "line {number}: {c:?}");
            c.chars().next().unwrap()
        })
        .collect();
    assert_eq!(chars.len(), 8105);
    chars
}

/// Every Han character of GBK, decoded by the WHATWG GBK decoder of encoding_rs (a source other
/// than the Python codecs make_fonts.py uses).
fn gbk_han() -> Vec<char> {
    let mut chars = Vec::new();
    for lead in 0x81u8..=0xFE {
        for trail in (0x40u8..=0xFE).filter(|&b| b != 0x7F) {
            let bytes = [lead, trail];
            let (text, malformed) = encoding_rs::GBK.decode_without_bom_handling(&bytes);
            if malformed {
                continue;
            }
            chars.extend(text.chars().filter(|&c| is_han(c)));
        }
    }
    chars.sort();
    chars.dedup();
    chars
}

/// CJK unified and compatibility ideographs (every block).
fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

/// Builds issue `number` of `yaml` with the shipped fonts only, laying it out without a PDF.
fn lay_out(yaml: &str, number: u32) -> Built {
    let project = TestProject::new();
    project.write(&format!("content/{number:03}/issue.yaml"), yaml);
    let config = Config {
        fonts: FontSources::ShippedOnly,
        pdf: PdfSettings {
            layout_only: true,
            ..PdfSettings::default()
        },
        ..Config::default()
    };
    let mut pipeline = Pipeline::new(
        Project {
            root: project.root().to_path_buf(),
        },
        config,
    )
    .unwrap();
    pipeline
        .build(&project.path(&format!("content/{number:03}")))
        .unwrap_or_else(|e| panic!("{e:#}"))
}

/// One line of YAML text: the characters as they are (none of them is special to YAML).
fn chunks(chars: &[char], size: usize) -> Vec<String> {
    chars.chunks(size).map(|c| c.iter().collect()).collect()
}

/// The text of the runs of each face at each size, in reading order: (face, size) → text.
fn text_by_face(document: &PagedDocument) -> BTreeMap<(String, u32), String> {
    fn walk(frame: &Frame, out: &mut BTreeMap<(String, u32), String>) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(group) => walk(&group.frame, out),
                FrameItem::Text(text) => {
                    let key = (
                        face_name(text.font.font()),
                        text.size.to_pt().round() as u32,
                    );
                    out.entry(key).or_default().push_str(&text.text);
                }
                _ => {}
            }
        }
    }
    let mut out = BTreeMap::new();
    for page in document.pages() {
        walk(&page.frame, &mut out);
    }
    out
}

/// Asserts that each of `texts` was printed whole, in reading order, by `face` at `size` pt, and
/// that no glyph is missing.
#[track_caller]
fn assert_printed_in(built: &Built, texts: &[String], face: &str, size: u32) {
    assert_eq!(missing_glyphs(&built.document), Vec::<char>::new());
    let by_face = text_by_face(&built.document);
    let printed = by_face
        .get(&(face.to_string(), size))
        .map(String::as_str)
        .unwrap_or_default();
    for text in texts {
        if !printed.contains(text.as_str()) {
            // Name the characters that went to another face.
            let elsewhere: Vec<String> = (by_face.iter())
                .filter(|((f, s), _)| f != face && *s == size)
                .flat_map(|((f, _), t)| {
                    t.chars()
                        .filter(|c| text.contains(*c))
                        .map(move |c| format!("{c} (U+{:04X}) in {f}", c as u32))
                })
                .take(20)
                .collect();
            panic!("not all printed in {face} {size} pt; {elsewhere:?}");
        }
    }
}

#[test]
fn every_character_of_the_tongyong_table_and_of_gbk_prints_in_the_body_face() {
    let mut chars = tongyong();
    chars.extend(gbk_han());
    chars.sort();
    chars.dedup();
    let paragraphs = chunks(&chars, 560);
    let mut yaml =
        String::from("number: 81\ndate: 2022-05-01\narticles:\n  - title: 正文用字\n    lead:\n");
    for p in &paragraphs {
        yaml.push_str(&format!("      - {p}\n"));
    }
    let built = lay_out(&yaml, 81);
    assert!(chars.len() > 21_000, "{}", chars.len());
    assert!(built.pages > 30, "{} pages", built.pages);
    assert_printed_in(&built, &paragraphs, "Bulletin Song", 16);
}

#[test]
fn every_character_of_the_tongyong_table_prints_in_article_titles_in_the_black_song_face() {
    let titles = chunks(&tongyong(), 100);
    let mut yaml = String::from("number: 82\ndate: 2022-05-01\narticles:\n");
    for t in &titles {
        yaml.push_str(&format!("  - title: {t}\n    lead:\n      - 正文。\n"));
    }
    let built = lay_out(&yaml, 82);
    assert_printed_in(&built, &titles, "Bulletin Song Black", 22);
}

#[test]
fn every_character_of_the_tongyong_table_prints_in_level_one_headings_in_the_hei_face() {
    let headings = chunks(&tongyong(), 200);
    let mut yaml = String::from(
        "number: 83\ndate: 2022-05-01\narticles:\n  - title: 黑体用字\n    lead:\n      - 导语。\n    sections:\n",
    );
    for h in &headings {
        yaml.push_str(&format!(
            "      - heading: {h}\n        body:\n          - 正文。\n"
        ));
    }
    let built = lay_out(&yaml, 83);
    assert_printed_in(&built, &headings, "Bulletin Hei", 16);
}

#[test]
fn every_character_of_the_tongyong_table_prints_in_level_two_headings_in_the_kai_face() {
    let headings = chunks(&tongyong(), 200);
    let mut yaml = String::from(
        "number: 84\ndate: 2022-05-01\narticles:\n  - title: 楷体用字\n    lead:\n      - 导语。\n    sections:\n      - heading: 第一层\n        sections:\n",
    );
    for h in &headings {
        yaml.push_str(&format!(
            "          - heading: {h}\n            body:\n              - 正文。\n"
        ));
    }
    let built = lay_out(&yaml, 84);
    assert_printed_in(&built, &headings, "Bulletin Kai", 16);
}

const NAMES: &str = "number: 85
date: 2022-05-01
articles:
  - title: 民艺党支部邀请非遗传承人杨喆、刘堃走进课堂
    lead:
      - 4月1日，民艺党支部邀请非遗传承人杨喆、刘堃走进课堂。
    sections:
      - heading: 杨喆讲剪纸
        sections:
          - heading: 刘堃讲泥塑
            body:
              - 同学们认真听讲。
";

#[test]
fn an_issue_naming_yang_zhe_and_liu_kun_builds_with_only_the_shipped_fonts() {
    let project = TestProject::new();
    project.write("content/085/issue.yaml", NAMES);
    project.build("085").assert_ok();
    let pdf = std::fs::read(project.path("output/085/第085期.pdf")).unwrap();
    let text = pdf_text(&pdf);
    assert!(text.contains("邀请非遗传承人杨喆、刘堃走进课堂"), "{text}");

    // Each in its role's own face: title, body, 黑体 and 楷体 headings; no fallback.
    let built = lay_out(NAMES, 85);
    let names = ["杨喆".to_string(), "刘堃".to_string()];
    assert_printed_in(&built, &names, "Bulletin Song Black", 22);
    assert_printed_in(&built, &names, "Bulletin Song", 16);
    assert_printed_in(&built, &names[..1], "Bulletin Hei", 16);
    assert_printed_in(&built, &names[1..], "Bulletin Kai", 16);
    let roles = roles(project.root());
    assert_eq!(coverage::fallbacks(&built.document, &roles), vec![]);
}

fn roles(root: &Path) -> Vec<bulletin::compile::FontRole> {
    let pipeline = Pipeline::new(
        Project {
            root: root.to_path_buf(),
        },
        FontSources::ShippedOnly,
    )
    .unwrap();
    pipeline.check_fonts().unwrap()
}

/// A project whose assets/fonts is a folder of its own (the shipped faces linked into it), so a
/// test can copy a font there as an editor would.
fn project_with_own_font_folder() -> TestProject {
    let project = TestProject::new();
    let fonts = project.path("assets/fonts");
    std::fs::remove_file(&fonts).unwrap_or_else(|_| std::fs::remove_dir_all(&fonts).unwrap());
    std::fs::create_dir_all(&fonts).unwrap();
    for entry in std::fs::read_dir(repo().join("assets/fonts")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), fonts.join(entry.file_name())).unwrap();
    }
    project
}

#[test]
fn a_font_copied_into_assets_fonts_prints_what_no_shipped_face_has_and_is_reported() {
    // 㐀 and 𠀋 are in neither 《通用规范汉字表》 nor GBK: no shipped face has them.
    let yaml = "number: 86\ndate: 2022-05-01\narticles:\n  - title: 生僻字测试\n    lead:\n      - 人名用字㐀与𠀋。\n";
    let project = project_with_own_font_folder();
    project.write("content/086/issue.yaml", yaml);
    project
        .build("086")
        .assert_failed_with("字符「㐀」（U+3400）没有任何可用字体能显示");

    // Any name, any case of the extension, in a subfolder: it is picked up with no script to run.
    std::fs::create_dir_all(project.path("assets/fonts/补充字体")).unwrap();
    std::fs::copy(
        repo().join("tests/fixtures/fonts/RareHanFixture.otf"),
        project.path("assets/fonts/补充字体/生僻字.OTF"),
    )
    .unwrap();
    project.build("086").assert_ok();

    let mut pipeline = Pipeline::new(
        Project {
            root: project.root().to_path_buf(),
        },
        FontSources::ShippedOnly,
    )
    .unwrap();
    let roles = pipeline.check_fonts().unwrap();
    let built = pipeline.build(&project.path("content/086")).unwrap();
    let found = coverage::fallbacks(&built.document, &roles);
    let fallback = |ch| Fallback {
        ch,
        face: "Rare Han Fixture".into(),
        lacking: vec!["Bulletin Song".into()],
        page: 1,
    };
    assert_eq!(found, vec![fallback('㐀'), fallback('𠀋')]);
}

#[test]
fn the_reference_issue_has_no_fallbacks_tables_captions_and_masthead_included() {
    let project = TestProject::new();
    let mut pipeline = Pipeline::new(
        Project {
            root: project.root().to_path_buf(),
        },
        FontSources::ShippedOnly,
    )
    .unwrap();
    let roles = pipeline.check_fonts().unwrap();
    let built = pipeline.build(&project.path("content/034")).unwrap();
    assert_eq!(coverage::fallbacks(&built.document, &roles), vec![]);
}

#[test]
fn a_gbk_character_in_a_title_and_a_kai_heading_prints_in_the_next_face_of_the_chain_and_is_reported()
 {
    // 龔 is in GBK, not in 《通用规范汉字表》: Bulletin Song Regular and Bulletin Hei have it, the
    // Black weight and Bulletin Kai do not.
    let yaml = "number: 88\ndate: 2022-05-01\narticles:\n  - title: 龔老师讲泥塑\n    lead:\n      - 龔老师讲泥塑。\n    sections:\n      - heading: 第一层\n        sections:\n          - heading: 龔老师示范\n            body:\n              - 正文。\n";
    let project = TestProject::new();
    project.write("content/088/issue.yaml", yaml);
    let built = lay_out(yaml, 88);
    let found = coverage::fallbacks(&built.document, &roles(project.root()));
    let fallback = |face: &str, lacking: &str| Fallback {
        ch: '龔',
        face: face.into(),
        lacking: vec![lacking.into()],
        page: 1,
    };
    assert_eq!(
        found,
        vec![
            fallback("Bulletin Hei", "Bulletin Song Black"),
            fallback("Bulletin Song", "Bulletin Kai"),
        ]
    );
}

/// A font copied into assets/fonts while `watch` runs is used by the rebuild it causes, as a new
/// run would use it: the watch reloads its fonts when the font folder changes.
#[test]
fn a_font_copied_in_while_watching_is_used_by_the_next_rebuild() {
    use bulletin::watch::Stop;
    let yaml = "number: 86\ndate: 2022-05-01\narticles:\n  - title: 生僻字测试\n    lead:\n      - 人名用字㐀与𠀋。\n";
    let project = project_with_own_font_folder();
    project.write("content/086/issue.yaml", yaml);
    let root = project.root().to_path_buf();
    let stop = Stop::new();
    let (tx, rx) = std::sync::mpsc::channel::<bool>();
    let watcher = crate::support::spawn_watch(&root, "086", &stop, move |rebuild| {
        let _ = tx.send(rebuild.result.is_ok());
    });
    let timeout = std::time::Duration::from_secs(60);
    assert_eq!(rx.recv_timeout(timeout), Ok(false), "no face has 㐀 yet");
    std::fs::copy(
        repo().join("tests/fixtures/fonts/RareHanFixture.otf"),
        project.path("assets/fonts/生僻字.otf"),
    )
    .unwrap();
    assert_eq!(
        rx.recv_timeout(timeout),
        Ok(true),
        "the new font was not used"
    );
    let pdf = std::fs::read(project.path("output/086/第086期.pdf")).unwrap();
    assert!(pdf_text(&pdf).contains('㐀'));
    stop.stop();
    watcher.join().unwrap().unwrap();
}
