//! Errors an editor can cause: each names the file, line and column, says what is wrong in Chinese
//! and how to fix it; a failed build never replaces the last good PDF.

use crate::support::{GOOD, TestProject};

/// A project with a small issue 099 whose issue.yaml is `yaml`.
fn project_with_issue(yaml: &str) -> TestProject {
    let project = TestProject::new();
    project.write("content/099/issue.yaml", yaml);
    project
}

#[test]
fn a_small_valid_issue_builds() {
    project_with_issue(GOOD).build("099").assert_ok();
}

#[test]
fn yaml_syntax_errors_are_located() {
    let project = project_with_issue(
        "number: 99\ndate: 2022-05-01\narticles:\n  - title: 测试\n   lead: x\n",
    );
    project
        .build("099")
        .assert_failed_with("content/099/issue.yaml:5:")
        .assert_failed_with("YAML 格式错误");
}

#[test]
fn a_value_of_the_wrong_type_is_located_and_explained() {
    let project = project_with_issue(&GOOD.replace("number: 99", "number: 九十九"));
    project
        .build("099")
        .assert_failed_with(
            "content/099/issue.yaml:1:9: 错误：期号要写成数字，这里写的是 文字「九十九」",
        )
        .assert_failed_with("例如 number: 34");
}

#[test]
fn a_missing_field_is_named() {
    let project = project_with_issue(&GOOD.replace("  - title: 测试标题\n    lead:", "  - lead:"));
    project
        .build("099")
        .assert_failed_with("content/099/issue.yaml:4:5: 错误：缺少必填的键「title」");
}

#[test]
fn an_unknown_key_is_named_with_the_keys_allowed_there() {
    let project = project_with_issue(&GOOD.replace("title:", "titel:"));
    project
        .build("099")
        .assert_failed_with("content/099/issue.yaml:4:5: 错误：不认识的键「titel」")
        .assert_failed_with("这里可以用的键：title、note、lead、sections、closing");
}

#[test]
fn a_bad_date_is_explained() {
    let project = project_with_issue(&GOOD.replace("2022-05-01", "2022-02-30"));
    project
        .build("099")
        .assert_failed_with("content/099/issue.yaml:2:7: 错误：日期「2022-02-30」无效");
}

#[test]
fn the_number_must_match_the_folder() {
    let project = project_with_issue(&GOOD.replace("number: 99", "number: 35"));
    project.build("099").assert_failed_with(
        "content/099/issue.yaml:1:1: 错误：文件夹名是 099，但 number 写的是 35",
    );
}

#[test]
fn a_missing_photo_is_named_at_its_line() {
    let yaml = format!("{GOOD}      - photo: photos/没有这张.jpg\n        caption: 说明\n");
    project_with_issue(&yaml)
        .build("099")
        .assert_failed_with("content/099/issue.yaml:7:16: 错误：找不到图片「photos/没有这张.jpg」");
}

#[test]
fn a_file_that_is_not_an_image_is_refused() {
    let yaml = format!("{GOOD}      - photo: photos/假的.jpg\n        caption: 说明\n");
    let project = project_with_issue(&yaml);
    project.write("content/099/photos/假的.jpg", "这不是图片");
    project
        .build("099")
        .assert_failed_with("content/099/issue.yaml:7:16: 错误：「photos/假的.jpg」不是可用的图片");
}

#[test]
fn a_table_row_with_the_wrong_number_of_cells_is_reported() {
    let yaml = format!(
        "{GOOD}      - table:\n          header: [甲, 乙]\n          rows:\n            - [1, 2, 3]\n"
    );
    project_with_issue(&yaml)
        .build("099")
        .assert_failed_with("表格第 1 行有 3 个单元格，表头有 2 列");
}

#[test]
fn all_problems_are_reported_at_once() {
    let yaml = format!(
        "{}      - photo: photos/a.jpg\n        caption: 说明\n",
        GOOD.replace("number: 99", "number: 98")
    );
    project_with_issue(&yaml)
        .build("099")
        .assert_failed_with("number 写的是 98")
        .assert_failed_with("找不到图片「photos/a.jpg」")
        .assert_failed_with("共 2 处问题");
}

#[test]
fn a_character_no_font_covers_is_an_error_at_its_line() {
    // U+2A6A5 (CJK Extension B) is in no shipped font.
    let project = project_with_issue(&GOOD.replace("一段话。", "生僻字\u{2A6A5}。"));
    project.build("099").assert_failed_with(
        "content/099/issue.yaml:6:12: 错误：字符「\u{2A6A5}」（U+2A6A5）没有任何可用字体能显示",
    );
    assert!(
        !project.path("output/099/第099期.pdf").exists(),
        "no PDF with tofu boxes"
    );
}

#[test]
fn a_failed_build_leaves_the_last_good_pdf_untouched() {
    let project = project_with_issue(GOOD);
    project.build("099").assert_ok();
    let pdf_path = project.path("output/099/第099期.pdf");
    let good = std::fs::read(&pdf_path).unwrap();
    project.edit("content/099/issue.yaml", |t| t.replace("title:", "titel:"));
    project.build("099").assert_failed_with("titel");
    assert_eq!(
        std::fs::read(&pdf_path).unwrap(),
        good,
        "the good PDF was replaced"
    );
    let leftovers: Vec<_> = std::fs::read_dir(project.path("output/099"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_photo_in_the_folder_that_the_issue_never_uses_is_a_warning() {
    let project = TestProject::new();
    std::fs::copy(
        project.path("content/034/photos/01.jpg"),
        project.path("content/034/photos/忘了放.jpg"),
    )
    .unwrap();
    let run = project.build("034");
    run.assert_ok();
    assert!(
        run.stderr
            .contains("警告：图片 photos/忘了放.jpg 没有在 issue.yaml 中使用"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("01.jpg"),
        "used photos are not reported"
    );
}

#[test]
fn a_tab_used_for_indentation_is_named_as_the_cause() {
    let project = project_with_issue(&GOOD.replace("    lead:", "\tlead:"));
    project
        .build("099")
        .assert_failed_with("content/099/issue.yaml:5:")
        .assert_failed_with("Tab");
}

#[test]
fn a_byte_order_mark_does_not_swallow_the_first_key() {
    project_with_issue(&format!("\u{feff}{GOOD}"))
        .build("099")
        .assert_ok();
}

#[test]
fn a_number_in_a_table_cell_prints_exactly_as_typed() {
    // YAML would read 2022.10 as the number 2022.1; the cell keeps what the editor typed.
    for cell in ["2022.10", "\"2022.10\"", "007"] {
        let yaml = format!(
            "{GOOD}      - table:\n          header: [时限]\n          rows:\n            - [{cell}]\n"
        );
        let project = project_with_issue(&yaml);
        project.build("099").assert_ok();
        let shown = cell.trim_matches('"');
        let text = crate::support::pdf_text(
            &std::fs::read(project.path("output/099/第099期.pdf")).unwrap(),
        );
        assert!(text.contains(shown), "{shown} not in the PDF:\n{text}");
        let escaped = shown.replace('.', "\\.");
        assert!(
            project.read("output/099/第099期.md").contains(&escaped),
            "{escaped} not in the .md"
        );
    }
}

#[test]
fn a_section_nested_five_deep_is_located_at_its_heading() {
    let mut yaml =
        String::from("number: 99\ndate: 2022-05-01\narticles:\n  - title: 标题\n    sections:\n");
    let mut indent = String::from("      ");
    for name in ["甲", "乙", "丙", "丁", "戊"] {
        yaml.push_str(&format!("{indent}- heading: {name}\n{indent}  sections:\n"));
        indent.push_str("    ");
    }
    yaml = yaml
        .trim_end()
        .trim_end_matches("sections:")
        .trim_end()
        .to_string()
        + "\n";
    project_with_issue(&yaml)
        .build("099")
        .assert_failed_with("content/099/issue.yaml:14:34: 错误：小标题「戊」在第 5 层");
}

#[test]
fn a_folder_that_is_not_a_three_digit_number_is_refused() {
    let project = TestProject::new();
    project.write("content/99/issue.yaml", GOOD);
    project
        .build("content/99")
        .assert_failed_with("content/99/issue.yaml:1:1: 错误：这一期的文件夹名「99」不是三位期号");
}

#[test]
fn a_failed_compile_keeps_all_three_good_outputs_and_the_failing_source_apart() {
    let project = project_with_issue(GOOD);
    project.build("099").assert_ok();
    let read = |name: &str| std::fs::read(project.path("output/099").join(name)).unwrap();
    let before = [read("第099期.pdf"), read("第099期.typ"), read("第099期.md")];
    // Passes load and validation, fails in the compiler (no font has the character).
    project.edit("content/099/issue.yaml", |t| {
        t.replace("一段话。", "一段话\u{2A6A5}。")
    });
    project.build("099").assert_failed_with("U+2A6A5");
    let after = [read("第099期.pdf"), read("第099期.typ"), read("第099期.md")];
    assert!(before == after, "a failed build changed the outputs");
}

#[test]
fn bold_that_does_not_take_is_a_located_warning() {
    // An unclosed `**` (`**要点：**第二行` is bold since CJK-friendly emphasis).
    let yaml = GOOD.replace(
        "      - 一段话。\n",
        "      - |\n        第一行\n        **要点：第二行\n",
    );
    let run = project_with_issue(&yaml).build("099");
    run.assert_ok();
    assert!(
        run.stderr
            .contains("content/099/issue.yaml:8:9: 警告：这里的 ** 没有变成粗体"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_damaged_photo_is_named_at_its_line() {
    let yaml = format!("{GOOD}      - photo: photos/坏的.jpg\n        caption: 说明\n");
    let project = project_with_issue(&yaml);
    let mut damaged = vec![0xFF, 0xD8, 0xFF, 0xE0];
    damaged.extend(std::iter::repeat_n(0x42, 3000));
    std::fs::create_dir_all(project.path("content/099/photos")).unwrap();
    std::fs::write(project.path("content/099/photos/坏的.jpg"), damaged).unwrap();
    project
        .build("099")
        .assert_failed_with(
            "content/099/issue.yaml:7:16: 错误：图片「photos/坏的.jpg」已损坏，无法读取",
        )
        .assert_failed_with("另存为 JPEG 或 PNG");
}

/// R27: a photo under 100 dpi at its printed size is an error, under 150 dpi a warning.
#[test]
fn a_photo_too_small_for_its_printed_width_is_an_error_and_a_soft_one_a_warning() {
    let project = project_with_issue(&GOOD.replace(
        "      - 一段话。\n",
        "      - 一段话。\n      - photo: photos/300px.jpg\n        caption: 小图\n",
    ));
    std::fs::create_dir_all(project.path("content/099/photos")).unwrap();
    for name in ["300px.jpg", "500px.jpg"] {
        std::fs::copy(
            crate::support::repo()
                .join("tests/fixtures/photos")
                .join(name),
            project.path("content/099/photos").join(name),
        )
        .unwrap();
    }
    // 300 px over 60 % of 156 mm (3.69 in) is 81 dpi.
    project
        .build("099")
        .assert_failed_with("content/099/issue.yaml:7:16: 错误：图片「photos/300px.jpg」太小：按现在的宽度印出只有 81 dpi");
    // 500 px: 136 dpi, printable but soft.
    project.edit("content/099/issue.yaml", |t| t.replace("300px", "500px"));
    std::fs::remove_file(project.path("content/099/photos/300px.jpg")).unwrap();
    let run = project.build("099");
    run.assert_ok();
    assert!(
        run.stderr.contains(
            "content/099/issue.yaml:7:16: 警告：图片 photos/500px.jpg 按现在的宽度印出只有 136 dpi"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn two_issues_with_one_number_fail_the_build_of_either() {
    // The usual way: the editor copies the folder to keep a backup.
    let project = project_with_issue(GOOD);
    project.write("content/099 - 副本/issue.yaml", GOOD);
    project.build("099").assert_failed_with(
        "content/099/issue.yaml:1:1: 错误：期号 99 重复：content/099 - 副本/issue.yaml 里也写着 number: 99",
    );
    assert!(!project.path("output/099").exists());
    // Once the copy is gone the issue builds.
    std::fs::remove_dir_all(project.path("content/099 - 副本")).unwrap();
    project.build("099").assert_ok();
}

#[test]
fn a_photo_named_in_a_comment_above_its_use_is_located_at_the_use() {
    // The position comes from the parser, not from searching the text: the comment's mention of
    // the same file name comes first in the text and must not be taken.
    let yaml = format!(
        "{GOOD}      # 下一张是 photos/没有这张.jpg，拍得不好可以换\n      - photo: photos/没有这张.jpg\n        caption: 说明\n"
    );
    project_with_issue(&yaml)
        .build("099")
        .assert_failed_with("content/099/issue.yaml:8:16: 错误：找不到图片「photos/没有这张.jpg」");
}

#[test]
fn stray_bold_markers_in_an_editors_note_are_warned_about_like_everywhere_else() {
    let yaml = GOOD.replace(
        "  - title: 测试标题\n",
        "  - title: 测试标题\n    note: 本期**重点\n",
    );
    let run = project_with_issue(&yaml).build("099");
    run.assert_ok();
    assert!(
        run.stderr
            .contains("content/099/issue.yaml:5:13: 警告：这里的 ** 没有变成粗体，会原样印出"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_chinese_colon_after_a_key_and_a_missing_space_are_named_at_the_colon() {
    let yaml = GOOD
        .replace("date: 2022-05-01", "date：2022-05-01")
        .replace("title: 测试标题", "title:测试标题");
    project_with_issue(&yaml)
        .build("099")
        .assert_failed_with("content/099/issue.yaml:2:5: 错误：键「date」后面用了中文冒号“：”")
        .assert_failed_with("把中文冒号“：”改成英文冒号和一个空格")
        .assert_failed_with("content/099/issue.yaml:4:10: 错误：键「title」的冒号后面少了一个空格");
}

#[test]
fn an_alias_is_refused_before_it_can_repeat_anything() {
    let yaml = GOOD.replace("      - 一段话。\n", "      - &p 一段话。\n      - *p\n");
    project_with_issue(&yaml).build("099").assert_failed_with(
        "content/099/issue.yaml:7:9: 错误：这里用了 YAML 别名（*名字），内容里不能用别名",
    );
}

#[test]
fn dates_may_be_written_the_ways_people_write_them() {
    for date in ["2022年5月1日", "2022.5.1", "2022/5/1"] {
        let project = project_with_issue(&GOOD.replace("2022-05-01", date));
        project.build("099").assert_ok();
        let text = crate::support::pdf_text(
            &std::fs::read(project.path("output/099/第099期.pdf")).unwrap(),
        );
        assert!(text.contains("2022年5月1日"), "{date}: {text}");
    }
}

#[test]
fn a_table_too_wide_for_the_page_is_an_error_and_a_too_narrow_column_a_warning() {
    let header: Vec<String> = (1..=50).map(|n| format!("列{n}")).collect();
    let row: Vec<String> = (1..=50).map(|n| n.to_string()).collect();
    let wide = format!(
        "{GOOD}      - table:\n          header: [{}]\n          rows:\n            - [{}]\n",
        header.join(", "),
        row.join(", ")
    );
    project_with_issue(&wide)
        .build("099")
        .assert_failed_with("content/099/issue.yaml:8:11: 错误：表格有 50 列，版心宽度放不下")
        .assert_failed_with("landscape: true");
    let narrow = format!(
        "{GOOD}      - table:\n          header: [序号, 内容, 整改时限]\n          widths: [1, 30, 1]\n          rows:\n            - [1, 一项措施, 2022年7月]\n"
    );
    let run = project_with_issue(&narrow).build("099");
    run.assert_ok();
    assert!(
        run.stderr
            .contains("content/099/issue.yaml:9:11: 警告：表格第 3 列太窄：「2022年7月」放不下"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_pdf_that_cannot_be_replaced_leaves_all_three_old_outputs_together() {
    let project = project_with_issue(GOOD);
    project.build("099").assert_ok();
    let typ = project.read("output/099/第099期.typ");
    // Something that cannot be replaced stands where the PDF goes.
    let pdf = project.path("output/099/第099期.pdf");
    std::fs::remove_file(&pdf).unwrap();
    std::fs::create_dir(&pdf).unwrap();
    project.write(
        "content/099/issue.yaml",
        &GOOD.replace("一段话。", "改过的一段话。"),
    );
    project
        .build("099")
        .assert_failed_with("无法替换 ")
        .assert_failed_with("第099期.pdf");
    assert_eq!(
        project.read("output/099/第099期.typ"),
        typ,
        "the .typ was replaced alone"
    );
    let left: Vec<String> = std::fs::read_dir(project.path("output/099"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "temporaries left: {left:?}");
}

#[test]
fn what_a_killed_run_left_behind_is_completed_or_removed_with_a_note() {
    let project = project_with_issue(GOOD);
    project.build("099").assert_ok();
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    let old = |relative: &str| {
        let path = project.path(relative);
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(hour_ago)
            .unwrap();
    };
    // A temporary of a build killed long ago, one of a build running now, and someone's file.
    project.write("output/099/.bulletin-aaaa.tmp", "old");
    old("output/099/.bulletin-aaaa.tmp");
    project.write("output/099/.bulletin-bbbb.tmp", "fresh");
    project.write("output/099/notes.tmp", "mine");
    project.write("output/archive/2022/.第099期.partial-cccc/bagit.txt", "x");
    old("output/archive/2022/.第099期.partial-cccc/bagit.txt");
    let partial = project.path("output/archive/2022/.第099期.partial-cccc");
    std::fs::File::open(&partial)
        .unwrap()
        .set_modified(hour_ago)
        .unwrap();
    // A set of outputs half replaced when the build was killed: the journal completes it.
    project.write("output/099/.bulletin-dddd.tmp", "the new markdown");
    project.write(
        "output/099/.bulletin-set",
        ".bulletin-dddd.tmp\t第099期.md\n.bulletin-gone.tmp\t第099期.typ\n",
    );
    let run = project.run(&["check", "099", "--no-system-fonts"]);
    run.assert_ok();
    assert!(
        project.path("output/099/.bulletin-aaaa.tmp").exists(),
        "check writes nothing, and removes nothing"
    );
    let run = project.build("099");
    run.assert_ok();
    assert!(!project.path("output/099/.bulletin-aaaa.tmp").exists());
    assert!(
        project.path("output/099/.bulletin-bbbb.tmp").exists(),
        "too fresh to be stale"
    );
    assert!(project.path("output/099/notes.tmp").exists(), "not ours");
    assert!(!partial.exists());
    assert!(!project.path("output/099/.bulletin-set").exists());
    assert!(
        run.stderr
            .contains("说明：删除了中断时留下的临时文件 output/099/.bulletin-aaaa.tmp"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("说明：上次生成在写入文件时中断，已补完 output/099（1 个文件）"),
        "{}",
        run.stderr
    );
}
