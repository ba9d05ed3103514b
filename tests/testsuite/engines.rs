//! The two engines: `--engine typst-cli` (the `typst` program) gives the same pages, text and fonts
//! as the embedded compiler, and says clearly when typst is missing or of another version.
//!
//! The parity tests need typst-cli of the embedded compiler's version on PATH. `.ci/run` installs it;
//! with `CI` set a missing typst fails the test, elsewhere the test is skipped with a printed note.

use std::process::Command;

use bulletin::compile::TYPST_VERSION;

use crate::support::{
    TestProject, pdf_creation_date, pdf_creator, pdf_fonts, pdf_pages, pdf_text, pdf_xmp,
};

/// A small issue with a photo and a table, beside the reference issue 034.
const SMALL: &str = "number: 98
date: 2022-06-01
articles:
  - title: 引擎一致性测试
    lead:
      - 各支部认真开展主题党日活动，**按时**完成学习任务。
    sections:
      - heading: 基本情况
        body:
          - photo: photos/01.jpg
            caption: 艺术高中党支部汇报党建工作
          - 图片之后的段落照常缩进两个字。
          - table:
              header: [序号, 支部, 完成情况]
              widths: [1, 3, 4]
              rows:
                - [1, 艺术系支部, 已完成]
                - - 2
                  - 经管系支部
                  - - 学习笔记齐全
                    - 任务清单详细
";

/// Whether typst-cli of [`TYPST_VERSION`] is on PATH. With `CI` set its absence fails the test;
/// otherwise the caller skips, and a note says so.
fn typst_cli_present(test: &str) -> bool {
    let version = Command::new("typst")
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
    let wanted =
        version.as_deref().and_then(|v| v.split_whitespace().nth(1)) == Some(TYPST_VERSION);
    if wanted {
        return true;
    }
    let found = version.map_or("no typst on PATH".to_string(), |v| v.trim().to_string());
    let install = format!("cargo install typst-cli --locked --version {TYPST_VERSION}");
    if std::env::var_os("CI").is_some() {
        panic!("{test} needs typst {TYPST_VERSION} ({found}); .ci/run installs it: {install}");
    }
    eprintln!(
        "note: {test} skipped: needs typst {TYPST_VERSION} ({found}); install it with {install}"
    );
    false
}

fn small_issue(project: &TestProject) {
    project.write("content/098/issue.yaml", SMALL);
    std::fs::create_dir_all(project.path("content/098/photos")).unwrap();
    std::fs::copy(
        project.path("content/034/photos/01.jpg"),
        project.path("content/098/photos/01.jpg"),
    )
    .unwrap();
}

/// Builds `issue` with `engine` in a fresh copy of the project; returns the PDF and stdout.
fn build_with(engine: &str, issue: &str) -> (Vec<u8>, String) {
    let project = TestProject::new();
    small_issue(&project);
    let run = project.run(&["build", issue, "--no-system-fonts", "--engine", engine]);
    run.assert_ok();
    let folder = format!("output/{issue}/第{issue}期.pdf");
    let pdf = std::fs::read(project.path(&folder)).expect("PDF written");
    (pdf, run.stdout)
}

#[track_caller]
fn assert_same_pdfs(issue: &str, min_pages: usize, needles: &[&str]) {
    let (embedded, _) = build_with("embedded", issue);
    let (cli, stdout) = build_with("typst-cli", issue);
    assert!(stdout.contains("已生成"), "{stdout}");
    // The creator proves which program wrote each PDF.
    assert!(pdf_creator(&embedded).starts_with("bulletin "));
    assert_eq!(pdf_creator(&cli), format!("Typst {TYPST_VERSION}"));
    let pages = pdf_pages(&embedded);
    assert!(pages >= min_pages, "第{issue}期 has only {pages} pages");
    assert_eq!(pdf_pages(&cli), pages, "page count of 第{issue}期");
    let text = pdf_text(&embedded);
    for needle in needles {
        assert!(text.contains(needle), "第{issue}期 lacks {needle:?}");
    }
    assert_eq!(pdf_text(&cli), text, "text of 第{issue}期");
    let fonts = pdf_fonts(&embedded);
    assert!(
        fonts.iter().any(|(name, _)| name.contains("Bulletin")),
        "{fonts:?}"
    );
    assert_eq!(pdf_fonts(&cli), fonts, "fonts of 第{issue}期");
    assert_eq!(
        pdf_creation_date(&cli),
        pdf_creation_date(&embedded),
        "creation date of 第{issue}期"
    );
}

#[test]
fn typst_cli_builds_the_reference_issue_like_the_embedded_compiler() {
    if !typst_cli_present("typst_cli_builds_the_reference_issue_like_the_embedded_compiler") {
        return;
    }
    assert_same_pdfs("034", 7, &["长艺党建", "艺术高中党支部汇报党建工作"]);
}

#[test]
fn typst_cli_builds_a_small_issue_with_a_photo_and_a_table_like_the_embedded_compiler() {
    if !typst_cli_present(
        "typst_cli_builds_a_small_issue_with_a_photo_and_a_table_like_the_embedded_compiler",
    ) {
        return;
    }
    assert_same_pdfs("098", 1, &["引擎一致性测试", "经管系支部", "任务清单详细"]);
}

#[test]
fn the_engine_setting_in_bulletin_yaml_selects_typst_cli_and_archival_mode_gives_pdf_a() {
    if !typst_cli_present(
        "the_engine_setting_in_bulletin_yaml_selects_typst_cli_and_archival_mode_gives_pdf_a",
    ) {
        return;
    }
    let project = TestProject::new();
    project.edit("content/bulletin.yaml", |text| {
        text.replace("engine: embedded", "engine: typst-cli")
    });
    project.build("034").assert_ok();
    let pdf = std::fs::read(project.path("output/034/第034期.pdf")).unwrap();
    assert_eq!(pdf_creator(&pdf), format!("Typst {TYPST_VERSION}"));
    project
        .run(&[
            "archive",
            "034",
            "--no-system-fonts",
            "--archived-at",
            "2022-05-02T08:00:00Z",
        ])
        .assert_ok();
    let archived =
        std::fs::read(project.path("output/archive/2022/第034期/data/第034期.pdf")).unwrap();
    assert_eq!(pdf_creator(&archived), format!("Typst {TYPST_VERSION}"));
    let xmp: String = pdf_xmp(&archived).split_whitespace().collect();
    assert!(
        xmp.contains("<pdfaid:part>2</pdfaid:part>") || xmp.contains("pdfaid:part=\"2\""),
        "XMP lacks pdfaid:part 2:\n{xmp}"
    );
}

#[test]
fn a_template_error_from_typst_cli_is_reported_like_the_embedded_compilers() {
    if !typst_cli_present("a_template_error_from_typst_cli_is_reported_like_the_embedded_compilers")
    {
        return;
    }
    let project = TestProject::new();
    // After two Han characters: columns count characters, from 1, in both engines.
    project.edit("templates/bulletin.typ", |text| {
        format!("文字#nosuchfunction()\n{text}")
    });
    let embedded = project.run(&["build", "034", "--no-system-fonts"]);
    let cli = project.run(&["build", "034", "--no-system-fonts", "--engine", "typst-cli"]);
    embedded.assert_failed_with(
        "output/034/第034期.failed.typ:1:4: 错误：（Typst）unknown variable: nosuchfunction",
    );
    // typst-cli compiles first, so this message is typst-cli's stderr, translated.
    assert_eq!(cli.code, Some(1));
    assert_eq!(cli.stderr, embedded.stderr);
}

#[test]
fn a_missing_typst_names_the_version_and_the_install_command() {
    let project = TestProject::new();
    let missing = project.path("no-such-typst");
    let run = project.run(&[
        "build",
        "034",
        "--no-system-fonts",
        "--engine",
        "typst-cli",
        "--typst",
        missing.to_str().unwrap(),
    ]);
    run.assert_failed_with("没有找到 --typst 指定的程序")
        .assert_failed_with(&format!("typst {TYPST_VERSION}"))
        .assert_failed_with(&format!(
            "cargo install typst-cli --locked --version {TYPST_VERSION}"
        ));
    assert!(!project.path("output/034/第034期.pdf").exists());
}

#[test]
fn a_typst_of_another_version_is_refused_with_the_version_wanted() {
    let project = TestProject::new();
    let fake = project.path("typst");
    std::fs::write(&fake, "#!/bin/sh\necho 'typst 0.13.1 (8ace67d9)'\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let run = project.run(&[
        "build",
        "034",
        "--no-system-fonts",
        "--typst",
        fake.to_str().unwrap(),
    ]);
    run.assert_failed_with("版本是 0.13.1")
        .assert_failed_with(&format!("需要 typst {TYPST_VERSION}"))
        .assert_failed_with(&format!(
            "cargo install typst-cli --locked --version {TYPST_VERSION}"
        ));
}

#[test]
fn an_unknown_engine_is_refused_naming_the_two_there_are() {
    let project = TestProject::new();
    let run = project.run(&["build", "034", "--engine", "pdflatex"]);
    assert!(!run.success);
    assert!(
        run.stderr.contains("排版引擎「pdflatex」不存在") && run.stderr.contains("typst-cli"),
        "{}",
        run.stderr
    );
    project.edit("content/bulletin.yaml", |text| {
        text.replace("engine: embedded", "engine: latex")
    });
    let run = project.build("034");
    run.assert_failed_with("bulletin.yaml");
    assert!(run.stderr.contains("engine"), "{}", run.stderr);
}
