//! Building the reference issue 第034期 end to end, and reading the results back.

use crate::support::{
    GOOD, TestProject, find_in_order, pdf_creation_date, pdf_fonts, pdf_pages, pdf_text, pdf_xmp,
};

/// The seed's text (tests/fixtures/seed-034.txt, the customer's transcript of 第034期) as the units
/// the PDF must show: every line in order; the table's cells item by item, anywhere (a row that
/// breaks across pages interleaves its cells). Whitespace and Markdown markers are removed; two
/// transcription artefacts of the seed are corrected, as in content/034.
pub(crate) fn seed_units() -> (Vec<String>, Vec<String>) {
    let seed = include_str!("../fixtures/seed-034.txt");
    let squeeze = |s: &str| -> String { s.chars().filter(|c| !c.is_whitespace()).collect() };
    let (mut lines, mut cells) = (Vec::new(), Vec::new());
    for line in seed.lines() {
        let line = line.trim_start_matches('#').replace("**", "");
        // A stray 「]」 after the table note, and a colon after the heading 二、检查内容.
        let line = line
            .replace("清单。]", "清单。")
            .replace("二、检查内容：", "二、检查内容");
        if line.contains('\t') {
            cells.extend(line.split('\t').flat_map(|cell| items(&squeeze(cell))));
        } else if !squeeze(&line).is_empty() {
            lines.push(squeeze(&line));
        }
    }
    cells.retain(|c| !c.is_empty());
    (lines, cells)
}

/// A cell's numbered items 「1.…2.…」 apart (an item may contain 「1.2.3」 itself).
fn items(cell: &str) -> Vec<String> {
    if !cell.starts_with("1.") {
        return vec![cell.to_string()];
    }
    let mut starts = vec![0];
    for k in 2.. {
        let last = *starts.last().unwrap();
        match cell[last + 2..].find(&format!("{k}.")) {
            Some(at) => starts.push(last + 2 + at),
            None => break,
        }
    }
    starts.push(cell.len());
    starts
        .windows(2)
        .map(|w| cell[w[0]..w[1]].to_string())
        .collect()
}

fn built_034() -> (TestProject, Vec<u8>) {
    let project = TestProject::new();
    project.build("034").assert_ok();
    let pdf = std::fs::read(project.path("output/034/第034期.pdf")).expect("PDF written");
    (project, pdf)
}

#[test]
fn build_writes_the_pdf_the_typst_source_and_the_markdown_and_says_so() {
    let project = TestProject::new();
    let run = project.build("034");
    run.assert_ok();
    assert!(
        run.stderr.is_empty(),
        "the reference issue builds without warnings:\n{}",
        run.stderr
    );
    for name in ["第034期.pdf", "第034期.typ", "第034期.md"] {
        assert!(
            project.path("output/034").join(name).is_file(),
            "{name} missing"
        );
        assert!(
            run.stdout.contains(name),
            "stdout does not name {name}:\n{}",
            run.stdout
        );
    }
    let pdf = std::fs::read(project.path("output/034/第034期.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let pages = pdf_pages(&pdf);
    assert!((3..=8).contains(&pages), "{pages} pages");
}

#[test]
fn the_pdf_shows_every_line_of_the_seed_in_order() {
    let (_project, pdf) = built_034();
    // A table that breaks across pages repeats its header row: drop the repeats.
    let header = "序号存在问题具体整改措施整改时限备注";
    let text = pdf_text(&pdf);
    let text = match text.find(header) {
        Some(first) => format!(
            "{}{}",
            &text[..first + header.len()],
            text[first + header.len()..].replace(header, "")
        ),
        None => text,
    };
    let (lines, cells) = seed_units();
    assert!(
        lines.len() > 30 && cells.len() > 30,
        "seed parsed into {} lines, {} cells",
        lines.len(),
        cells.len()
    );
    // A photo that does not fit floats to the top of the next page while the text after it fills
    // the page: its caption may come later in the PDF than in the seed. Captions are checked on
    // their own, and taken out of the text the other lines are read from.
    let (captions, lines): (Vec<String>, Vec<String>) =
        lines.into_iter().partition(|line| line.starts_with('△'));
    assert_eq!(captions.len(), 4, "{captions:?}");
    let mut text = text;
    for caption in &captions {
        assert!(
            text.contains(caption.as_str()),
            "caption missing: {caption}"
        );
        text = text.replacen(caption.as_str(), "", 1);
    }
    if let Err((i, missing, context)) = find_in_order(&text, &lines) {
        panic!(
            "seed line {i} not found in order: {missing}\nPDF text from the previous match: {context}"
        );
    }
    for cell in &cells {
        assert!(
            text.contains(cell.as_str()),
            "table item missing from the PDF: {cell}"
        );
    }
}

#[test]
fn every_font_in_the_pdf_is_embedded_and_one_of_the_shipped_faces() {
    let (_project, pdf) = built_034();
    let fonts = pdf_fonts(&pdf);
    assert!(fonts.len() >= 3, "{fonts:?}");
    for (name, embedded) in &fonts {
        assert!(embedded, "{name} is not embedded");
        assert!(name.contains("Bulletin"), "{name} is not a shipped face");
    }
}

#[test]
fn wrapped_chinese_lines_join_without_a_space() {
    let (project, _pdf) = built_034();
    let yaml = project.read("content/034/issue.yaml");
    let typ = project.read("output/034/第034期.typ");
    let lines: Vec<&str> = yaml.lines().map(str::trim).collect();
    let mut joints = 0;
    for pair in lines.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let (Some(last), Some(first)) = (a.chars().last(), b.chars().next()) else {
            continue;
        };
        if a.contains(':')
            || b.starts_with(['-', '#'])
            || !bulletin::markup::is_cjk(last)
            || !bulletin::markup::is_cjk(first)
        {
            continue;
        }
        let tail: String = a
            .chars()
            .rev()
            .take(2)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let head: String = b.chars().take(2).collect();
        assert!(
            typ.contains(&format!("{tail}{head}")),
            "wrap {tail}⏎{head} not joined in the .typ"
        );
        joints += 1;
    }
    assert!(
        joints > 20,
        "content/034 should wrap its long paragraphs ({joints} joints)"
    );
    // A space typed inside a line stays.
    assert!(typ.contains("戴党徽 亮身份"));
}

#[test]
fn the_markdown_version_parses_back_with_numbered_headings_the_table_and_the_photos() {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let (project, _pdf) = built_034();
    let md = project.read("output/034/第034期.md");
    let mut headings = Vec::new();
    let mut images = Vec::new();
    let mut table_cells = 0;
    let mut in_heading = None::<String>;
    let mut in_image = None::<String>;
    for event in Parser::new_ext(&md, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Heading { .. }) => in_heading = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => headings.extend(in_heading.take()),
            Event::Start(Tag::Image { .. }) => in_image = Some(String::new()),
            Event::End(TagEnd::Image) => images.extend(in_image.take()),
            Event::Start(Tag::TableCell) => table_cells += 1,
            Event::Text(t) => {
                if let Some(h) = &mut in_heading {
                    h.push_str(&t);
                }
                if let Some(i) = &mut in_image {
                    i.push_str(&t);
                }
            }
            _ => {}
        }
    }
    for expected in [
        "党群办关于2022年一季度党建工作检查情况的通报",
        "一、检查方式",
        "三、检查情况",
        "（一）党建引领形成共识",
        "（五）“思想破冰”初见成效",
    ] {
        assert!(
            headings.iter().any(|h| h == expected),
            "heading {expected} missing from {headings:?}"
        );
    }
    assert_eq!(table_cells, 6 * 5, "header row and five rows of five cells");
    assert_eq!(images.len(), 4, "{images:?}");
    assert!(images.iter().all(|alt| alt.starts_with('△')), "{images:?}");
    assert!(md.contains("稿件编辑：党委办公室"));
}

#[test]
fn the_build_accepts_the_folder_path_and_the_plain_number_too() {
    let project = TestProject::new();
    project.build("content/034").assert_ok();
    project.build("34").assert_ok();
    project.build("035").assert_failed_with("找不到第 035 期");
}

#[test]
fn help_lists_the_build_command() {
    let project = TestProject::new();
    let run = project.run(&["--help"]);
    run.assert_ok();
    assert!(run.stdout.contains("build"));
}

#[test]
fn the_same_content_gives_the_same_pdf_bytes() {
    let (project, first) = built_034();
    project.build("034").assert_ok();
    let second = std::fs::read(project.path("output/034/第034期.pdf")).unwrap();
    assert!(first == second, "two builds of unchanged content differ");
    let other = TestProject::new();
    other.build("034").assert_ok();
    let third = std::fs::read(other.path("output/034/第034期.pdf")).unwrap();
    assert!(first == third, "a build in another folder differs");
}

#[test]
fn the_creation_date_is_the_issue_date_unless_source_date_epoch_is_set() {
    let (_project, plain) = built_034();
    assert_eq!(pdf_creation_date(&plain), "D:20220404000000Z");
    // 1700000000 s after 1970-01-01 UTC is 2023-11-14 22:13:20 UTC.
    let epoch = [("SOURCE_DATE_EPOCH", "1700000000")];
    let mut pdfs = Vec::new();
    for _ in 0..2 {
        let project = TestProject::new();
        project
            .run_with_env(&["build", "034", "--no-system-fonts"], &epoch)
            .assert_ok();
        pdfs.push(std::fs::read(project.path("output/034/第034期.pdf")).unwrap());
    }
    assert_eq!(pdf_creation_date(&pdfs[0]), "D:20231114221320Z");
    assert!(
        pdfs[0] == pdfs[1],
        "two builds with the same SOURCE_DATE_EPOCH in two folders differ"
    );
    assert!(pdfs[0] != plain, "SOURCE_DATE_EPOCH changed nothing");
}

#[test]
fn a_malformed_source_date_epoch_is_refused_in_chinese() {
    let project = TestProject::new();
    project
        .run_with_env(
            &["build", "034", "--no-system-fonts"],
            &[("SOURCE_DATE_EPOCH", "昨天")],
        )
        .assert_failed_with("环境变量 SOURCE_DATE_EPOCH 的值「昨天」不是整数秒数");
    assert!(!project.path("output/034").exists(), "nothing is written");
}

#[test]
fn the_print_pdf_is_not_pdf_a_and_keeps_its_cmyk_red() {
    let (_project, pdf) = built_034();
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let has_xmp = doc.catalog().unwrap().has(b"Metadata");
    assert!(
        !has_xmp || !pdf_xmp(&pdf).contains("pdfaid"),
        "the print PDF claims PDF/A"
    );
    // The masthead rule is filled with cmyk(0%, 80%, 80%, 0%): the operator `0 0.8 0.8 0 k`.
    let cmyk_red = doc.objects.values().any(|object| {
        object.as_stream().is_ok_and(|stream| {
            let content = stream
                .decompressed_content()
                .unwrap_or_else(|_| stream.content.clone());
            String::from_utf8_lossy(&content).contains("0 0.8 0.8 0 k")
        })
    });
    assert!(cmyk_red, "the masthead red is no longer DeviceCMYK");
}

#[test]
fn a_table_row_taller_than_a_page_loses_no_text() {
    let project = TestProject::new();
    let items: Vec<String> = (1..=80).map(|i| format!("\"第{i}项整改措施\"")).collect();
    project.write(
        "content/097/issue.yaml",
        &format!(
            "number: 97\ndate: 2022-05-01\narticles:\n  - title: 长表格\n    lead:\n      - table:\n          header: [序号, 措施]\n          rows:\n            - [1, [{}]]\n",
            items.join(", ")
        ),
    );
    project.build("097").assert_ok();
    let text = pdf_text(&std::fs::read(project.path("output/097/第097期.pdf")).unwrap());
    for i in 1..=80 {
        assert!(
            text.contains(&format!("{i}.第{i}项整改措施")),
            "item {i} lost"
        );
    }
}

/// content/ with 034, a valid 098 and a 099 whose photo is missing.
fn three_issues_one_broken() -> TestProject {
    let project = TestProject::new();
    project.write(
        "content/098/issue.yaml",
        &GOOD.replace("number: 99", "number: 98"),
    );
    project.write(
        "content/099/issue.yaml",
        &GOOD.replace(
            "      - 一段话。",
            "      - photo: photos/missing.jpg\n        caption: 说明",
        ),
    );
    project
}

#[test]
fn build_all_builds_every_issue_and_one_failing_issue_stops_no_other() {
    let project = three_issues_one_broken();
    let run = project.run(&["build", "--all", "--no-system-fonts"]);
    run.assert_failed_with("第099期生成失败，其他各期已生成");
    assert!(
        run.stderr
            .contains("content/099/issue.yaml:6:16: 错误：找不到图片「photos/missing.jpg」"),
        "{}",
        run.stderr
    );
    for (folder, pages) in [("034", 7), ("098", 1)] {
        let pdf = std::fs::read(project.path(&format!("output/{folder}/第{folder}期.pdf")))
            .unwrap_or_else(|e| panic!("第{folder}期 not built: {e}"));
        assert_eq!(pdf_pages(&pdf), pages, "第{folder}期");
    }
    assert!(!project.path("output/099/第099期.pdf").exists());
    // The summary: one row per issue, in order, then the totals.
    let rows: Vec<&str> = run.stdout.lines().collect();
    assert!(rows[0].starts_with("期号"), "{}", run.stdout);
    assert!(
        rows[1].starts_with("第034期  已生成") && rows[1].contains(" 7 "),
        "{}",
        run.stdout
    );
    assert!(
        rows[2].starts_with("第098期  已生成") && rows[2].contains(" 1 "),
        "{}",
        run.stdout
    );
    assert!(rows[3].starts_with("第099期  失败"), "{}", run.stdout);
    assert!(
        run.stdout.contains("共 3 期：2 期已生成，1 期失败"),
        "{}",
        run.stdout
    );
}

#[test]
fn build_all_gives_the_same_pdfs_as_building_each_issue_alone() {
    let together = TestProject::new();
    together.write(
        "content/098/issue.yaml",
        &GOOD.replace("number: 99", "number: 98"),
    );
    together
        .run(&["build", "--all", "--no-system-fonts"])
        .assert_ok();
    let alone = TestProject::new();
    alone.write(
        "content/098/issue.yaml",
        &GOOD.replace("number: 99", "number: 98"),
    );
    for folder in ["034", "098"] {
        alone.build(folder).assert_ok();
        let file = format!("output/{folder}/第{folder}期.pdf");
        assert!(
            std::fs::read(together.path(&file)).unwrap()
                == std::fs::read(alone.path(&file)).unwrap(),
            "{file} differs between build --all and build {folder}"
        );
    }
}

#[test]
fn build_wants_an_issue_or_all_but_not_both() {
    let project = TestProject::new();
    let run = project.run(&["build"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    let run = project.run(&["build", "034", "--all"]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(!project.path("output").exists());
}
