//! The fixture pages of bulletin-style.md R41 besides the body page and the masthead (layout.rs):
//! a photo page and a last page with the 报尾; and the rules that hold on every page: punctuation
//! at line ends, no invented spaces, sticky headings and titles, colours and fonts.

use std::collections::BTreeMap;

use bulletin::compile::measure::{self, TextRun};

use crate::layout::{
    HEIGHT, INDENT, LEFT_ODD, Line, MM, P, TOP, WIDTH, build, colour, lines, row_baseline,
};
use crate::support::TestProject;

/// A short paragraph (one line), a long one, a photo, and a paragraph after it.
fn photo_page() -> (TestProject, bulletin::pipeline::Built) {
    let project = TestProject::new();
    std::fs::create_dir_all(project.path("content/097/photos")).unwrap();
    std::fs::copy(
        project.path("content/034/photos/01.jpg"),
        project.path("content/097/photos/01.jpg"),
    )
    .unwrap();
    project.write(
        "content/097/issue.yaml",
        "number: 97\ndate: 2022-05-01\narticles:\n  - title: 图片版式测试\n    lead:\n      - 各支部认真开展主题党日活动。\n      - photo: photos/01.jpg\n        caption: 艺术高中党支部汇报党建工作\n      - 图片之后的段落照常缩进两个字，行仍在网格上。\n",
    );
    let built = build(&project, "097");
    (project, built)
}

/// R27, R28, R29: the photo centred at its width with its aspect ratio, the caption 「△…」 in 楷体
/// 14 pt centred, the block whole and the text after it back on the grid with its indent.
#[test]
fn a_photo_page_centres_the_photo_and_its_caption_and_keeps_the_grid() {
    let (_project, built) = photo_page();
    let images = measure::images(&built.document);
    assert_eq!(images.len(), 1);
    let photo = &images[0];
    let centre = photo.x + photo.width / 2.0;
    assert!(
        (centre - (LEFT_ODD + WIDTH / 2.0)).abs() < 0.5,
        "R27 centred: {centre:.2}"
    );
    assert!(
        (photo.width - 0.6 * WIDTH).abs() < 0.5,
        "default width 60 %: {:.2}",
        photo.width
    );
    let ratio = (photo.width / photo.height) / (photo.pixels.0 / photo.pixels.1);
    assert!(
        (ratio - 1.0).abs() < 0.005,
        "R27 aspect ratio off by {ratio}"
    );

    let runs = measure::text_runs(&built.document);
    let caption = runs
        .iter()
        .find(|r| r.text.starts_with('△'))
        .expect("caption");
    assert_eq!(
        caption.text, "△艺术高中党支部汇报党建工作",
        "R29 no 图 N label"
    );
    assert_eq!(caption.size, 14.0);
    assert!(
        caption.family.contains("Kai"),
        "R29 楷体: {}",
        caption.family
    );
    assert!(
        ((caption.x + caption.end()) / 2.0 - (LEFT_ODD + WIDTH / 2.0)).abs() < 0.5,
        "R29 caption centred"
    );
    assert!(
        caption.page == photo.page && caption.baseline > photo.y + photo.height,
        "R28 the photo and its caption stay together, caption below"
    );
    let after = runs
        .iter()
        .find(|r| r.text.starts_with("图片之后"))
        .expect("paragraph after the photo");
    let row = (after.baseline - row_baseline(1.0)) / P;
    assert!(
        (row - row.round()).abs() * P < 0.5,
        "R28 off the grid: row {row:.2}"
    );
    assert!(
        (after.x - LEFT_ODD - INDENT).abs() < 0.1,
        "R12 indent after a photo"
    );
}

/// An issue whose 报尾 has two distribution lines (the second wraps), a reviewer and a print run.
fn last_page() -> (TestProject, bulletin::pipeline::Built) {
    let project = TestProject::new();
    project.edit("content/bulletin.yaml", |text| {
        text.replace(
            "  distribution: []\n",
            "  distribution:\n    - label: 报\n      to: 院党委书记、院长\n    - label: 送\n      to: 各党总支、直属党支部，院机关各部门，各系部，图书馆，继续教育学院，学生工作处，团委，工会\n",
        )
        .replace("  reviewer: null", "  reviewer: 王五")
        .replace("  copies: null", "  copies: 60")
    });
    project.write(
        "content/096/issue.yaml",
        "number: 96\ndate: 2022-05-01\narticles:\n  - title: 报尾版式测试\n    lead:\n      - 正文一段。\n",
    );
    let built = build(&project, "096");
    (project, built)
}

/// R30–R33: rules 0.35 / 0.25 / 0.35 mm spanning the 版心, the last on its bottom edge; 仿宋 14 pt
/// lines on the grid, labels and the signature 14 pt in, continuation after 「：」, the print run
/// ending 14 pt from the right.
#[test]
fn the_last_page_ends_with_the_closing_block_on_the_bottom_edge() {
    let (_project, built) = last_page();
    let page = built.pages;
    let rules: Vec<_> = measure::rules(&built.document)
        .into_iter()
        .filter(|r| r.page == page && colour(&r.paint) == "Luma(0, 1)")
        .collect();
    assert_eq!(rules.len(), 3, "{rules:?}");
    let bottom = TOP + HEIGHT;
    let last = rules
        .iter()
        .max_by(|a, b| a.start.1.total_cmp(&b.start.1))
        .unwrap();
    assert!(
        (last.start.1 - bottom).abs() < 0.3 * MM,
        "R30 last rule at {:.2}, 版心 bottom {bottom:.2}",
        last.start.1
    );
    let mut by_height = rules.clone();
    by_height.sort_by(|a, b| a.start.1.total_cmp(&b.start.1));
    let thicknesses: Vec<f64> = by_height.iter().map(|r| r.thickness).collect();
    for (got, want) in thicknesses.iter().zip([0.35 * MM, 0.25 * MM, 0.35 * MM]) {
        assert!((got - want).abs() < 0.02 * MM, "R31 {thicknesses:?}");
    }
    for rule in &rules {
        assert!(
            (rule.start.0 - LEFT_ODD).abs() < 0.2 * MM
                && (rule.end.0 - LEFT_ODD - WIDTH).abs() < 0.2 * MM,
            "R31 span {rule:?}"
        );
        assert_eq!(colour(&rule.paint), "Luma(0, 1)", "R31 black");
    }

    let runs = measure::text_runs(&built.document);
    let closing: Vec<Line> = lines(&runs)
        .into_iter()
        .filter(|l| l.page == page && l.baseline > by_height[0].start.1 && l.baseline < bottom)
        .collect();
    assert_eq!(closing.len(), 4, "报、送 (two lines), 稿件编辑");
    for line in &closing {
        assert!(line.runs.iter().all(|r| r.size == 14.0), "R32 14 pt");
        assert!(
            line.runs.iter().all(|r| r.family.contains("Song")),
            "R32 仿宋 role"
        );
    }
    for pair in closing.windows(2) {
        assert!(
            (pair[1].baseline - pair[0].baseline - P).abs() < 0.05,
            "R32 one row per line"
        );
    }
    let x = |line: &Line| line.x();
    assert!(closing[0].text().starts_with("报："));
    assert!(closing[1].text().starts_with("送："));
    assert!(
        (x(&closing[0]) - LEFT_ODD - 14.0).abs() < 0.2,
        "R32 label 14 pt in"
    );
    // The continuation line starts under the first character after 「送：」 (the colon is a run of
    // its own, in a full cell).
    let colon = closing[1]
        .runs
        .iter()
        .position(|r| r.text.starts_with('：'))
        .expect("「：」");
    let after_colon: f64 = closing[1].runs[colon + 1].x;
    assert!(
        (x(&closing[2]) - after_colon).abs() < 0.2,
        "R32 continuation at {:.2}, text after the colon at {after_colon:.2}",
        x(&closing[2])
    );
    let signature = &closing[3];
    assert!(signature.text().starts_with("稿件编辑：党委办公室"));
    assert!(signature.text().contains("审核：王五"));
    assert!(signature.text().ends_with("（共印60份）"));
    assert!(
        (signature.x() - LEFT_ODD - 14.0).abs() < 0.2,
        "R33 signature 14 pt in"
    );
    // The closing bracket stands in a full cell (14 pt, no tracking in the 报尾) at the line's end;
    // its glyph's advance is the left half of the cell, where its ink is.
    let last = signature.runs.last().unwrap();
    assert_eq!(last.text, "）");
    let cell_end = last.x + 14.0;
    assert!(
        (cell_end - (LEFT_ODD + WIDTH - 14.0)).abs() < 0.2,
        "R33 print run ends 14 pt from the right: {:.2}",
        cell_end - LEFT_ODD - WIDTH
    );
    // The rows sit on the grid.
    for line in &closing {
        let row = (line.baseline - TOP - (P - 14.0) / 2.0 - 0.88 * 14.0) / P;
        assert!(
            (row - row.round()).abs() * P < 0.5,
            "R32 grid: row {row:.2}"
        );
    }
}

/// R13, R14: in the whole of 第034期 no line starts with closing punctuation or ends with opening
/// punctuation, and no space was invented between two Han characters.
#[test]
fn punctuation_never_starts_or_ends_a_line_wrongly_and_no_spaces_are_invented() {
    let project = TestProject::new();
    let built = build(&project, "034");
    let source = project.read("content/034/issue.yaml");
    let runs = measure::text_runs(&built.document);
    let mut checked = 0;
    for line in lines(&runs) {
        let text = line.text();
        let (Some(first), Some(last)) = (text.chars().next(), text.chars().last()) else {
            continue;
        };
        assert!(
            !"、，。；：？！）》」』”’".contains(first),
            "R13 page {}: line starts with {first}: {text}",
            line.page
        );
        assert!(
            !"（《「『“‘".contains(last),
            "R13 page {}: line ends with {last}: {text}",
            line.page
        );
        // The seed itself has 「戴党徽 亮身份」: a space between Han characters must be in the input.
        let chars: Vec<char> = text.chars().collect();
        for w in chars.windows(3) {
            if is_han(w[0]) && w[1] == ' ' && is_han(w[2]) {
                let typed: String = w.iter().collect();
                assert!(source.contains(&typed), "R14 invented space: {text}");
            }
        }
        checked += 1;
    }
    assert!(checked > 120, "{checked} lines");
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// An article of one-line sections (heading + one line each) after a lead of `lead` lines.
fn many_sections(project: &TestProject, lead: usize) -> bulletin::pipeline::Built {
    let mut yaml = String::from(
        "number: 95\ndate: 2022-05-01\narticles:\n  - title: 标题跟随测试\n    lead:\n",
    );
    for _ in 0..lead {
        yaml.push_str("      - 一行导语。\n");
    }
    yaml.push_str("    sections:\n");
    for i in 0..30 {
        yaml.push_str(&format!(
            "      - heading: 第{i}节\n        body:\n          - 本节只有一行。\n"
        ));
    }
    yaml.push_str("  - title: 第二篇文章\n    lead:\n      - 第二篇的正文。\n");
    project.write("content/095/issue.yaml", &yaml);
    build(project, "095")
}

/// R18, R26: whatever the page break falls on, a heading or a title is never the last line of a
/// page, and two articles are at least one blank row apart.
#[test]
fn headings_and_titles_are_never_left_at_the_bottom_of_a_page() {
    let project = TestProject::new();
    for lead in 0..3 {
        let built = many_sections(&project, lead);
        let runs = measure::text_runs(&built.document);
        let all = lines(&runs);
        for page in 1..=built.pages {
            let body: Vec<&Line> = all
                .iter()
                .filter(|l| l.page == page && l.size() >= 16.0 && l.baseline < TOP + HEIGHT)
                .collect();
            let last = body.last().expect("a page with text");
            let is_heading = last.runs.iter().any(|r| r.family.contains("Hei"));
            assert!(
                !is_heading && last.size() == 16.0,
                "R18/R26 lead {lead}: page {page} ends with {:?}",
                last.text()
            );
        }
        let title = all
            .iter()
            .position(|l| l.text() == "第二篇文章")
            .expect("second title");
        let before = &all[title - 1];
        if before.page == all[title].page {
            assert!(
                all[title].baseline - before.baseline > 2.0 * P - 1.0,
                "R26 a blank row between articles"
            );
        }
    }
}

/// R38: red is DeviceCMYK (0, 0.8, 0.8, 0) and appears only in the masthead (name and rule); no
/// RGB anywhere; everything else is black. Read from the PDF's content streams.
#[test]
fn only_the_masthead_is_red_and_red_is_cmyk() {
    let project = TestProject::new();
    project.build("034").assert_ok();
    let pdf = lopdf::Document::load(project.path("output/034/第034期.pdf")).unwrap();
    let mut red_on = BTreeMap::new();
    for (number, page_id) in pdf.get_pages() {
        let content = lopdf::content::Content::decode(&pdf.get_page_content(page_id)).unwrap();
        for op in content.operations {
            let operands: Vec<f32> = op
                .operands
                .iter()
                .filter_map(|o| o.as_float().ok())
                .collect();
            match op.operator.as_str() {
                "rg" | "RG" => panic!("RGB colour on page {number}: {operands:?}"),
                "k" | "K" if operands == [0.0, 0.8, 0.8, 0.0] => {
                    *red_on.entry(number).or_insert(0) += 1
                }
                "k" | "K" => assert_eq!(operands, [0.0, 0.0, 0.0, 1.0], "page {number}"),
                "g" | "G" | "sc" | "scn" | "SC" | "SCN" => {
                    assert_eq!(operands, [0.0], "page {number}: {} not black", op.operator)
                }
                _ => {}
            }
        }
    }
    assert_eq!(
        red_on.keys().copied().collect::<Vec<_>>(),
        [1],
        "red only on page 1"
    );
    assert_eq!(red_on[&1], 2, "the name's fill and the rule's stroke");

    // The same on the laid-out frames: the red text is the name, the red line the rule.
    let built = build(&project, "034");
    let red = "Cmyk(0, 0.8, 0.8, 0)";
    for run in measure::text_runs(&built.document) {
        if run.text == "长艺党建" {
            assert_eq!(colour(&run.fill), red);
        } else {
            assert_eq!(colour(&run.fill), "Luma(0, 1)", "{:?}", run.text);
        }
    }
}

/// R40: no glyph comes from a font outside the role chains of templates/fonts.yaml, and the
/// curly quotes, the dash and the ellipsis come from the CJK face of their role.
#[test]
fn every_glyph_comes_from_the_role_chains_and_cjk_punctuation_from_the_cjk_face() {
    let project = TestProject::new();
    let fonts = bulletin::compile::Fonts::load(
        &project.path("assets/fonts"),
        bulletin::compile::FontSources::ShippedOnly,
    )
    .unwrap();
    let roles = fonts.roles(&project.path("templates/fonts.yaml")).unwrap();
    let allowed: Vec<String> = roles
        .iter()
        .flat_map(|role| &role.chain)
        .map(|f| f.to_lowercase())
        .collect();
    project.write(
        "content/094/issue.yaml",
        "number: 94\ndate: 2022-05-01\narticles:\n  - title: 标点\n    lead:\n      - 他说：“好”，又说‘对’——真好……\n",
    );
    let mut runs: Vec<TextRun> = measure::text_runs(&build(&project, "094").document);
    runs.extend(measure::text_runs(&build(&project, "034").document));
    for run in &runs {
        assert!(
            allowed.contains(&run.family.to_lowercase()),
            "R40 {} from {}",
            run.text,
            run.family
        );
    }
    for c in ['“', '”', '‘', '’', '—', '…'] {
        let run = runs
            .iter()
            .find(|r| r.size == 16.0 && r.text.contains(c))
            .unwrap_or_else(|| panic!("{c} not printed"));
        assert_eq!(run.family, "Bulletin Song", "R40 {c}");
    }
}

/// R25: an editor's note under the title: 「编者按：」 in 黑体, the note in 楷体 16 pt, indented, on
/// the grid; the Markdown version carries it too.
#[test]
fn an_editors_note_prints_under_the_title_in_kaiti_with_a_heiti_label() {
    let project = TestProject::new();
    project.write(
        "content/092/issue.yaml",
        "number: 92\ndate: 2022-05-01\narticles:\n  - title: 编者按测试\n    note: 现将检查情况通报如下，请各支部*认真*对照整改。\n    lead:\n      - 正文一段。\n",
    );
    let built = build(&project, "092");
    let runs = measure::text_runs(&built.document);
    // The colon stands in a cell of its own, a run of its own.
    let label = runs.iter().find(|r| r.text == "编者按").expect("label");
    assert!(label.family.contains("Hei"), "{}", label.family);
    assert!((label.x - LEFT_ODD - INDENT).abs() < 0.1, "R25 indent");
    let note = runs
        .iter()
        .find(|r| r.text.starts_with("现将"))
        .expect("note");
    assert!(note.family.contains("Kai") && note.size == 16.0, "{note:?}");
    for run in [label, note] {
        let row = (run.baseline - row_baseline(1.0)) / P;
        assert!((row - row.round()).abs() * P < 0.5, "on the grid");
    }
    let title = runs.iter().find(|r| r.text == "编者按测试").unwrap();
    assert!(label.baseline > title.baseline && label.baseline - title.baseline < 2.0 * P + 1.0);
    let markdown = project.read("output/092/第092期.md");
    assert!(
        // The colon outside the `**`, so that every CommonMark reader closes the bold.
        markdown.contains("**编者按**：现将检查情况通报如下，请各支部*认真*对照整改。"),
        "{markdown}"
    );
}

/// R3: nothing but the page number lies outside the 版心: every line's em box, every rule and every
/// photo of 第034期 and of the 报尾 page within the 版心 ±0.5 pt.
#[test]
fn nothing_but_the_page_number_lies_outside_the_text_area() {
    let project = TestProject::new();
    let (_closing_project, closing) = last_page();
    for built in [build(&project, "034"), closing] {
        let inside = |page: usize, x0: f64, y0: f64, x1: f64, y1: f64| {
            let left = crate::layout::left(page);
            x0 >= left - 0.5
                && x1 <= left + WIDTH + 0.5
                && y0 >= TOP - 0.5
                && y1 <= TOP + HEIGHT + 0.5
        };
        for run in measure::text_runs(&built.document) {
            if run.text.starts_with("— ") {
                continue;
            }
            let (top, bottom) = (
                run.baseline - 0.88 * run.size,
                run.baseline + 0.12 * run.size,
            );
            assert!(
                inside(run.page, run.x, top, run.end(), bottom),
                "R3 page {}: {:?} at x {:.1}–{:.1}, y {top:.1}–{bottom:.1}",
                run.page,
                run.text,
                run.x,
                run.end()
            );
        }
        for rule in measure::rules(&built.document) {
            let half = rule.thickness / 2.0;
            assert!(
                inside(
                    rule.page,
                    rule.start.0,
                    rule.start.1 - half,
                    rule.end.0,
                    rule.end.1 + half
                ),
                "R3 {rule:?}"
            );
        }
        for image in measure::images(&built.document) {
            assert!(
                inside(
                    image.page,
                    image.x,
                    image.y,
                    image.x + image.width,
                    image.y + image.height
                ),
                "R3 {image:?}"
            );
        }
    }
}

/// §5.9 / issue 3: title, author (the publisher), subject, keywords, language zh-CN and the issue
/// date as creation date, read back from the PDF's XMP.
#[test]
fn the_pdf_carries_title_author_subject_keywords_language_and_date() {
    let project = TestProject::new();
    project.build("034").assert_ok();
    let pdf = std::fs::read(project.path("output/034/第034期.pdf")).unwrap();
    let xmp = crate::support::pdf_xmp(&pdf);
    for expected in [
        "长艺党建 第【034】期：党群办关于2022年一季度党建工作检查情况的通报",
        "长江艺术工程职业学院党委办公室",
        "《长艺党建》第【034】期，长江艺术工程职业学院党委办公室编印，2022年4月4日",
        "<dc:language><rdf:Bag><rdf:li>zh-CN</rdf:li></rdf:Bag></dc:language>",
        "2022-04-04",
    ] {
        assert!(xmp.contains(expected), "XMP lacks {expected}:\n{xmp}");
    }
    let catalog = lopdf::Document::load_mem(&pdf).unwrap();
    let lang = catalog
        .catalog()
        .unwrap()
        .get(b"Lang")
        .unwrap()
        .as_str()
        .unwrap()
        .to_vec();
    assert_eq!(lang, b"zh-CN");
}
