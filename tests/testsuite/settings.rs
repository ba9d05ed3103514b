//! Every layout setting of content/bulletin.yaml changes what it says, measured on the laid-out
//! pages; out-of-range values are located errors; `--strict-fonts` refuses the shipped substitutes.

use bulletin::compile::measure::{self, TextRun};
use bulletin::pipeline::Built;

use crate::layout::{
    C, LEFT_EVEN, LEFT_ODD, MM, P, TOP, WIDTH, body_lines, build, colour, row_baseline,
};
use crate::support::TestProject;

/// A project whose bulletin.yaml has `setting` (a line under `layout:`) replacing its default.
fn with_setting(key: &str, value: &str) -> TestProject {
    let project = TestProject::new();
    project.edit("content/bulletin.yaml", |text| {
        let start = text
            .find(&format!("\n  {key}:"))
            .unwrap_or_else(|| panic!("{key} not in bulletin.yaml"));
        let end = start + 1 + text[start + 1..].find('\n').unwrap();
        format!("{}\n  {key}: {value}{}", &text[..start], &text[end..])
    });
    project
}

/// Three pages of plain text after a one-line title, with a section heading.
fn build_text(project: &TestProject) -> Built {
    let paragraph = "党建工作是学院发展的根本保证各支部要认真学习深入领会切实把思想和行动统一到党委的决策部署上来".repeat(4);
    let mut yaml = String::from(
        "number: 93\ndate: 2022-05-01\narticles:\n  - title: 设置测试\n    lead:\n      - 共有13个支部。\n    sections:\n      - heading: 检查方式\n        body:\n",
    );
    for _ in 0..12 {
        yaml.push_str(&format!("          - {paragraph}。\n"));
    }
    project.write("content/093/issue.yaml", &yaml);
    build(project, "093")
}

fn find<'a>(runs: &'a [TextRun], page: usize, text: &str) -> &'a TextRun {
    runs.iter()
        .find(|r| r.page == page && r.text.contains(text))
        .unwrap_or_else(|| panic!("{text:?} not on page {page}"))
}

fn red() -> &'static str {
    "Cmyk(0, 0.8, 0.8, 0)"
}

/// R19: size and spacing of the name; it stays centred across and in rows 1–2.
#[test]
fn the_masthead_size_and_spacing_are_settings_and_the_name_stays_centred() {
    for (size, spacing) in [(42.0, "0.5"), (54.0, "0.3"), (72.0, "0")] {
        let project = with_setting("masthead_size", &size.to_string());
        project.edit("content/bulletin.yaml", |t| {
            t.replace(
                "masthead_spacing: 0.5",
                &format!("masthead_spacing: {spacing}"),
            )
        });
        let runs = measure::text_runs(&build_text(&project).document);
        let name = find(&runs, 1, "长艺党建");
        assert_eq!(name.size, size);
        assert_eq!(colour(&name.fill), red());
        // Typst adds no tracking after the last character, so the advances span the ink.
        let ink_centre = (name.x + name.end()) / 2.0;
        assert!(
            (ink_centre - (LEFT_ODD + WIDTH / 2.0)).abs() < 0.5,
            "{size} pt: centre {ink_centre:.2}"
        );
        let cap_centre = name.baseline - name.cap_height / 2.0;
        assert!(
            (cap_centre - (TOP + P)).abs() < 1.0,
            "{size} pt: vertical centre {cap_centre:.2}, rows 1–2 centre {:.2}",
            TOP + P
        );
    }
}

/// R19: the name can be condensed; it stays centred.
#[test]
fn the_masthead_can_be_condensed() {
    let width = |percent: &str| {
        let runs =
            measure::text_runs(&build_text(&with_setting("masthead_width", percent)).document);
        let name = find(&runs, 1, "长艺党建").clone();
        let centre = (name.x + name.end()) / 2.0;
        assert!(
            (centre - (LEFT_ODD + WIDTH / 2.0)).abs() < 0.5,
            "{percent} %: centre {centre:.2}"
        );
        name.end() - name.x
    };
    let (full, condensed) = (width("100"), width("80"));
    assert!(
        (condensed / full - 0.8).abs() < 0.01,
        "{condensed:.2} / {full:.2}"
    );
}

#[test]
fn the_red_tone_is_a_setting() {
    let project = with_setting("red", "[0, 100, 100, 10]");
    let built = build_text(&project);
    let runs = measure::text_runs(&built.document);
    let expected = "Cmyk(0, 1, 1, 0.1)";
    assert_eq!(colour(&find(&runs, 1, "长艺党建").fill), expected);
    let rule = &measure::rules(&built.document)[0];
    assert_eq!(colour(&rule.paint), expected);
}

/// R22 options: thick over thin with a 0.5 mm gap; a red ★ in a gap of the rule.
#[test]
fn the_masthead_rule_can_be_double_or_broken_by_a_star() {
    let built = build_text(&with_setting("rule", "double"));
    let mut rules: Vec<_> = measure::rules(&built.document)
        .into_iter()
        .filter(|r| r.page == 1 && colour(&r.paint) == red())
        .collect();
    rules.sort_by(|a, b| a.start.1.total_cmp(&b.start.1));
    assert_eq!(rules.len(), 2);
    assert!((rules[0].thickness - 1.5).abs() < 0.05 && (rules[1].thickness - 0.75).abs() < 0.05);
    let gap = rules[1].start.1 - rules[0].start.1 - 0.75 - 0.375;
    assert!((gap - 0.5 * MM).abs() < 0.05, "gap {:.2} mm", gap / MM);

    let built = build_text(&with_setting("rule", "star"));
    let runs = measure::text_runs(&built.document);
    let star = find(&runs, 1, "★");
    assert_eq!(colour(&star.fill), red());
    assert!(((star.x + star.end()) / 2.0 - (LEFT_ODD + WIDTH / 2.0)).abs() < 0.5);
    let rules: Vec<_> = measure::rules(&built.document)
        .into_iter()
        .filter(|r| r.page == 1)
        .collect();
    assert_eq!(rules.len(), 2, "the rule is broken around the star");
    assert!(rules[0].end.0 < star.x && rules[1].start.0 > star.end() || rules[1].end.0 < star.x);
}

/// R23: G blank rows between the rule and the first title, which starts on row 6 + G.
#[test]
fn blank_rows_after_the_masthead_are_a_setting() {
    for g in [1.0, 2.0] {
        let runs =
            measure::text_runs(&build_text(&with_setting("blank_rows", &g.to_string())).document);
        let title = find(&runs, 1, "设置测试");
        let row_top = TOP + (5.0 + g) * P;
        let expected = row_top + (P - 22.0) / 2.0 + 0.88 * 22.0;
        assert!(
            (title.baseline - expected).abs() < 0.5,
            "G = {g}: title at {:.2}, expected {expected:.2}",
            title.baseline
        );
        let lead = find(&runs, 1, "共有");
        assert!(
            (lead.baseline - row_baseline(8.0 + g)).abs() < 0.5,
            "one blank row after the title (R24)"
        );
    }
}

/// R36 option centred, R37 page 1 without a number, and no numbers at all.
#[test]
fn page_numbers_can_be_centred_left_off_page_one_or_left_out() {
    let built = build_text(&with_setting("page_numbers", "center"));
    let runs = measure::text_runs(&built.document);
    for page in 1..=built.pages {
        let n = find(&runs, page, &format!("— {page} —"));
        let left = if page % 2 == 1 { LEFT_ODD } else { LEFT_EVEN };
        assert!(((n.x + n.end()) / 2.0 - (left + WIDTH / 2.0)).abs() < 2.0);
    }
    let built = build_text(&with_setting("number_first_page", "false"));
    let runs = measure::text_runs(&built.document);
    assert!(!runs.iter().any(|r| r.page == 1 && r.text.starts_with("— ")));
    find(&runs, 2, "— 2 —");
    let built = build_text(&with_setting("page_numbers", "none"));
    assert!(
        !measure::text_runs(&built.document)
            .iter()
            .any(|r| r.text.starts_with("— "))
    );
}

/// R2 option: without mirroring even pages keep the 28 mm left margin.
#[test]
fn mirrored_margins_can_be_switched_off() {
    for (mirror, even_left) in [("true", LEFT_EVEN), ("false", LEFT_ODD)] {
        let built = build_text(&with_setting("mirror", mirror));
        let runs = measure::text_runs(&built.document);
        let lines = body_lines(&runs, 2);
        let x = lines
            .iter()
            .map(|(_, l)| l.iter().map(|r| r.x).fold(f64::MAX, f64::min))
            .fold(f64::MAX, f64::min);
        assert!((x - even_left).abs() < 0.1, "mirror {mirror}: {x:.2}");
    }
}

/// R17: a chosen heading level is stroked 0.457 pt (0.02857 em); advances do not change.
#[test]
fn headings_can_be_made_bold_by_an_outline_stroke() {
    let runs = measure::text_runs(&build_text(&TestProject::new()).document);
    assert_eq!(
        find(&runs, 1, "检查方式").stroke,
        None,
        "not bold by default"
    );
    let runs = measure::text_runs(&build_text(&with_setting("bold_levels", "[1]")).document);
    let heading = find(&runs, 1, "检查方式");
    let stroke = heading.stroke.expect("stroked");
    assert!((stroke - 0.457).abs() < 0.05, "{stroke}");
    // Typst adds no tracking after a line's last glyph.
    let last = heading.advances.len() - 1;
    for advance in &heading.advances[2..last] {
        assert!((advance - C).abs() < 0.02, "advance {advance}");
    }
}

/// R14 option: a quarter em between Chinese and digits.
#[test]
fn latin_spacing_is_off_by_default_and_a_quarter_em_when_on() {
    let digit_x = |project: &TestProject| {
        let runs = measure::text_runs(&build_text(project).document);
        let run = find(&runs, 1, "共有");
        let i = run.text.chars().position(|c| c == '1').unwrap();
        run.x + run.advances[..i].iter().sum::<f64>()
    };
    let off = digit_x(&TestProject::new());
    let on = digit_x(&with_setting("latin_spacing", "true"));
    assert!((on - off - 4.0).abs() < 0.5, "{:.2}", on - off);
}

#[test]
fn an_out_of_range_setting_is_a_located_error() {
    let project = with_setting("masthead_size", "30");
    project.write("content/093/issue.yaml", crate::support::GOOD);
    project
        .run(&["check", "093", "--no-system-fonts"])
        .assert_failed_with("content/bulletin.yaml:")
        .assert_failed_with("报头字号 masthead_size: 30 不在 36–72 之间");
    let project = with_setting("rule", "dobule");
    project
        .run(&["check", "034", "--no-system-fonts"])
        .assert_failed_with("「dobule」不是这里可以用的值")
        .assert_failed_with("single、double、star");
}

/// R40: the build names the face of each role; --strict-fonts refuses the shipped substitutes
/// for 仿宋 and 小标宋 and writes nothing.
#[test]
fn the_build_reports_the_font_of_each_role_and_strict_fonts_refuses_substitutes() {
    let project = TestProject::new();
    project
        .run(&["build", "034", "--no-system-fonts", "--strict-fonts"])
        .assert_failed_with("缺少正式的公文字体：仿宋（需要 FangSong_GB2312");
    assert!(!project.path("output/034").exists());
    let run = project.build("034");
    run.assert_ok();
    assert!(
        run.stdout
            .contains("仿宋 Bulletin Song（随附的替代字体），小标宋 Bulletin Song（随附的替代字体），黑体 Bulletin Hei"),
        "{}",
        run.stdout
    );
}
