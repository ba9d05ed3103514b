//! Attacked as a hostile or unlucky user would: nothing is read from outside the project, nothing
//! hangs, inputs are bounded, and every failure is explained in Chinese (tracker issue 14; the
//! archive findings are in bags.rs, the watch loop's in watch.rs, the kill leftovers in errors.rs).

use std::time::Duration;

use crate::support::{GOOD, TestProject, pdf_text, run_with_timeout};

/// GOOD with a photo `photos/01.jpg` after its paragraph.
fn with_photo() -> String {
    format!("{GOOD}      - photo: photos/01.jpg\n        caption: 说明\n")
}

#[cfg(unix)]
#[test]
fn a_photo_linked_to_a_file_outside_the_project_is_refused_and_never_archived() {
    let project = TestProject::new();
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("secret.jpg");
    std::fs::copy(
        crate::support::repo().join("tests/fixtures/photos/500px.jpg"),
        &secret,
    )
    .unwrap();
    project.write("content/099/issue.yaml", &with_photo());
    std::fs::create_dir_all(project.path("content/099/photos")).unwrap();
    std::os::unix::fs::symlink(&secret, project.path("content/099/photos/01.jpg")).unwrap();
    project
        .build("099")
        .assert_failed_with(
            "content/099/issue.yaml:7:16: 错误：photos/01.jpg 是一个链接，指向项目之外的",
        )
        .assert_failed_with("不要用链接");
    let run = project.run(&["archive", "099", "--no-system-fonts"]);
    assert!(!run.success);
    assert!(!project.path("output/archive").join("2022").exists());
}

#[cfg(unix)]
#[test]
fn an_svg_photo_linking_a_file_outside_is_refused() {
    let project = TestProject::new();
    project.write(
        "content/099/issue.yaml",
        &format!("{GOOD}      - photo: photos/01.svg\n        caption: 说明\n"),
    );
    project.write(
        "content/099/photos/01.svg",
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100" height="100"><image xlink:href="sibling.png" width="100" height="100"/></svg>"#,
    );
    std::os::unix::fs::symlink(
        "/etc/hostname",
        project.path("content/099/photos/sibling.png"),
    )
    .unwrap();
    project
        .build("099")
        .assert_failed_with("SVG 图片「photos/01.svg」引用了另一个文件「sibling.png」");
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_link_to_dev_zero_named_like_a_photo_fails_at_once_instead_of_hanging() {
    for (name, make) in [("fifo", 0), ("zero", 1), ("urandom", 2)] {
        let project = TestProject::new();
        project.write("content/099/issue.yaml", &with_photo());
        let photo = project.path("content/099/photos/01.jpg");
        std::fs::create_dir_all(photo.parent().unwrap()).unwrap();
        match make {
            0 => {
                let status = std::process::Command::new("mkfifo")
                    .arg(&photo)
                    .status()
                    .unwrap();
                assert!(status.success());
            }
            1 => std::os::unix::fs::symlink("/dev/zero", &photo).unwrap(),
            _ => std::os::unix::fs::symlink("/dev/urandom", &photo).unwrap(),
        }
        for command in ["build", "check"] {
            let run = run_with_timeout(
                &project,
                &[command, "099", "--no-system-fonts"],
                Duration::from_secs(30),
            );
            assert!(!run.success, "{name} {command}: {}", run.stdout);
            assert!(
                run.stderr.contains("content/099/issue.yaml:7:16: 错误："),
                "{name} {command}: {}",
                run.stderr
            );
        }
    }
}

#[test]
fn an_issue_file_larger_than_two_megabytes_is_refused_before_it_is_parsed() {
    let project = TestProject::new();
    let paragraph = "很长的一段话。".repeat(50_000);
    project.write(
        "content/099/issue.yaml",
        &format!("{GOOD}      - {paragraph}\n      - {paragraph}\n"),
    );
    project
        .build("099")
        .assert_failed_with("content/099/issue.yaml: 错误：content/099/issue.yaml 有 ")
        .assert_failed_with("太大了（最多 2.00 MB）");
}

#[test]
fn an_issue_longer_than_the_page_limit_is_refused() {
    let project = TestProject::new();
    project.edit("content/bulletin.yaml", |t| {
        t.replace(
            "  latin_spacing: false",
            "  latin_spacing: false\n  max_pages: 2",
        )
    });
    let paragraph = "为深入推进学院基层党建工作，进一步夯实党建工作基础。".repeat(40);
    let yaml = format!("{GOOD}{}", format!("      - {paragraph}\n").repeat(6));
    project.write("content/099/issue.yaml", &yaml);
    project
        .build("099")
        .assert_failed_with("超过了上限 2 页，没有生成")
        .assert_failed_with("max_pages");
    assert!(!project.path("output/099/第099期.pdf").exists());
}

#[test]
fn a_nul_byte_and_a_backslash_in_a_file_name_are_explained_in_chinese() {
    let project = TestProject::new();
    project.write(
        "content/099/issue.yaml",
        &GOOD.replace("一段话。", "一段\0话。"),
    );
    project
        .build("099")
        .assert_failed_with("content/099/issue.yaml:6:11: 错误：文件里有一个空字符（NUL）");
    let project = TestProject::new();
    project.write(
        "content/099/issue.yaml",
        &format!("{GOOD}      - photo: photos\\01.jpg\n        caption: 说明\n"),
    );
    let run = project.build("099");
    run.assert_failed_with(
        "content/099/issue.yaml:7:16: 错误：图片路径「photos\\01.jpg」不是这一期文件夹里的相对路径",
    );
    assert!(!run.stderr.contains("维护者"), "{}", run.stderr);
}

#[test]
fn a_truncated_jpeg_is_an_error_not_half_a_grey_photo() {
    let project = TestProject::new();
    project.write("content/099/issue.yaml", &with_photo());
    let whole =
        std::fs::read(crate::support::repo().join("tests/fixtures/photos/500px.jpg")).unwrap();
    project.write("content/099/photos/.keep", "");
    std::fs::write(
        project.path("content/099/photos/01.jpg"),
        &whole[..whole.len() / 2],
    )
    .unwrap();
    project
        .build("099")
        .assert_failed_with("content/099/issue.yaml:7:16: 错误：图片「photos/01.jpg」不完整");
}

#[test]
fn a_closing_too_long_for_its_line_is_warned_about() {
    let project = TestProject::new();
    let editor = "党委办公室宣传部组织部统战部纪检监察室工会团委学生工作处教务处科研处后勤处保卫处"
        .repeat(3);
    project.write(
        "content/099/issue.yaml",
        &GOOD.replace(
            "date: 2022-05-01\n",
            &format!("date: 2022-05-01\neditor: {editor}\n"),
        ),
    );
    let run = project.build("099");
    run.assert_ok();
    assert!(
        run.stderr.contains("警告：第 1 页有文字超出了版心") || {
            let text = pdf_text(&std::fs::read(project.path("output/099/第099期.pdf")).unwrap());
            text.contains(&editor)
        },
        "a long 稿件编辑 either prints whole inside the page or is warned about:\n{}",
        run.stderr
    );
}

#[test]
fn two_new_commands_at_once_create_one_issue_and_the_other_says_so() {
    let project = TestProject::new();
    let spawn = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_bulletin"))
            .args(["new", "035", "--date", "2022-05-06"])
            .current_dir(project.root())
            .output()
            .unwrap()
    };
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(spawn);
        let b = s.spawn(spawn);
        (a.join().unwrap(), b.join().unwrap())
    });
    let outcomes = [a, b];
    assert_eq!(outcomes.iter().filter(|o| o.status.success()).count(), 1);
    let loser = outcomes.iter().find(|o| !o.status.success()).unwrap();
    let stderr = String::from_utf8_lossy(&loser.stderr);
    assert!(stderr.contains("没有新建第035期：它已经存在"), "{stderr}");
    assert!(!stderr.contains("里面没有 issue.yaml"), "{stderr}");
}

/// 200 issues built at once: with issue builds as rayon tasks, a worker waiting inside the PDF
/// writer stole whole other builds onto its stack until it overflowed (exit 134). Ignored in the
/// normal run for its time; `.ci/run` runs it.
#[test]
#[ignore = "builds 200 issues; run with --ignored"]
fn build_all_builds_two_hundred_issues_without_overflowing_a_stack() {
    let project = TestProject::new();
    for n in 100..300 {
        project.write(
            &format!("content/{n:03}/issue.yaml"),
            &GOOD.replace("number: 99", &format!("number: {n}")),
        );
    }
    let run = project.run(&["build", "--all", "--no-system-fonts"]);
    run.assert_ok();
    assert!(
        run.stdout.contains("共 201 期：201 期已生成，0 期失败"),
        "{}",
        run.stdout
    );
}
