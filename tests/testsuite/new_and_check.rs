//! `bulletin check` (every stage of a build, nothing written) and `bulletin new` (the next issue's
//! folder from a skeleton that builds as it is).

use std::path::PathBuf;

use bulletin::model::{Date, Issue};
use bulletin::new_issue::today;

use crate::support::{GOOD, TestProject};

/// Every file and folder in the project (the linked fonts as one entry), relative to its root.
fn tree(project: &TestProject) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = walkdir::WalkDir::new(project.root())
        .into_iter()
        .map(|entry| {
            let entry = entry.unwrap();
            entry
                .path()
                .strip_prefix(project.root())
                .unwrap()
                .to_path_buf()
        })
        .collect();
    paths.sort();
    paths
}

fn check(project: &TestProject, issue: Option<&str>) -> crate::support::Run {
    let mut args = vec!["check", "--no-system-fonts"];
    args.extend(issue);
    project.run(&args)
}

#[test]
fn check_passes_the_good_issue_and_writes_nothing() {
    let project = TestProject::new();
    let before = tree(&project);
    let run = check(&project, Some("034"));
    run.assert_ok();
    assert!(
        run.stdout.contains("第034期：没有发现问题（") && run.stdout.contains(" 页）"),
        "{}",
        run.stdout
    );
    assert!(!project.path("output").exists(), "check created output/");
    assert_eq!(tree(&project), before, "check changed the project");
}

#[test]
fn check_reports_a_bad_issue_located_and_fails() {
    let project = TestProject::new();
    project.write(
        "content/099/issue.yaml",
        &format!(
            "{}      - photo: photos/没有这张.jpg\n        caption: 说明\n",
            GOOD.replace("number: 99", "number: 98")
        ),
    );
    let run = check(&project, Some("99"));
    run.assert_failed_with("content/099/issue.yaml:1:1: 错误：文件夹名是 099，但 number 写的是 98")
        .assert_failed_with("content/099/issue.yaml:7:16: 错误：找不到图片「photos/没有这张.jpg」")
        .assert_failed_with("提示：")
        .assert_failed_with("检查没有通过：第099期有错误");
    assert!(run.stdout.contains("第099期：2 处错误"), "{}", run.stdout);
    assert!(!project.path("output").exists());
}

#[test]
fn check_reports_a_character_no_font_has_from_the_compile_stage() {
    let project = TestProject::new();
    project.write(
        "content/099/issue.yaml",
        &GOOD.replace("一段话。", "生僻字\u{2A6A5}。"),
    );
    check(&project, Some("content/099")).assert_failed_with(
        "content/099/issue.yaml:6:12: 错误：字符「\u{2A6A5}」（U+2A6A5）没有任何可用字体能显示",
    );
    assert!(!project.path("output").exists());
}

#[test]
fn check_does_not_save_the_source_a_broken_template_fails_on() {
    let project = TestProject::new();
    project.edit("templates/bulletin.typ", |t| t + "\n#nonexistent()\n");
    let before = tree(&project);
    check(&project, Some("034"))
        .assert_failed_with("unknown variable: nonexistent")
        .assert_failed_with("多半是模板的问题")
        .assert_failed_with("第034期.failed.typ");
    assert_eq!(tree(&project), before, "check wrote files");
    // build, by contrast, keeps the failing source for the maintainer.
    project.build("034").assert_failed_with("unknown variable");
    assert!(project.path("output/034/第034期.failed.typ").is_file());
}

#[test]
fn check_without_an_issue_checks_every_issue() {
    let project = TestProject::new();
    project.write("content/099/issue.yaml", GOOD);
    let run = check(&project, None);
    run.assert_ok();
    let first = run.stdout.find("第034期：没有发现问题");
    let second = run.stdout.find("第099期：没有发现问题（1 页）");
    assert!(
        first.is_some() && second.is_some() && first < second,
        "{}",
        run.stdout
    );

    project.write(
        "content/098/issue.yaml",
        &GOOD
            .replace("number: 99", "number: 98")
            .replace("title:", "titel:"),
    );
    let run = check(&project, None);
    run.assert_failed_with("content/098/issue.yaml:4:5: 错误：不认识的键「titel」")
        .assert_failed_with("检查没有通过：第098期有错误");
    // The font report first, then one line per issue and the verdict.
    assert!(run.stdout.starts_with("字体：仿宋 "), "{}", run.stdout);
    let lines: Vec<&str> = run.stdout.lines().skip(1).collect();
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    assert!(
        lines[0].starts_with("第034期：没有发现问题"),
        "{}",
        run.stdout
    );
    assert_eq!(lines[1], "第098期：1 处错误");
    assert!(
        lines[2].starts_with("第099期：没有发现问题"),
        "{}",
        run.stdout
    );
    assert!(!project.path("output").exists());
}

fn parse(project: &TestProject, relative: &str) -> Issue {
    let text = project.read(relative);
    Issue::parse(&text).unwrap_or_else(|e| panic!("{relative}: {e}\n{text}"))
}

#[test]
fn new_creates_the_next_issue_dated_today_and_it_builds_at_once() {
    let project = TestProject::new();
    let before = today();
    let run = project.run(&["new"]);
    let after = today();
    run.assert_ok();
    for expected in [
        "已新建第035期",
        "content/035/issue.yaml",
        "content/035/photos/",
        "cargo run --release -- build 035",
    ] {
        assert!(run.stdout.contains(expected), "{expected}:\n{}", run.stdout);
    }
    let issue = parse(&project, "content/035/issue.yaml");
    assert_eq!(issue.number.value, 35);
    assert!(
        issue.date.value == before || issue.date.value == after,
        "{} is not today ({before})",
        issue.date.value
    );
    let photos = project.path("content/035/photos");
    assert!(photos.is_dir());
    assert_eq!(std::fs::read_dir(&photos).unwrap().count(), 0);

    let run = project.build("035");
    run.assert_ok();
    assert!(project.path("output/035/第035期.pdf").is_file());
    // The placeholders are pointed out until they are replaced.
    assert!(
        run.stderr.contains(
            "content/035/issue.yaml:12:12: 警告：「（在这里写文章标题）」是新建时留下的占位文字"
        ),
        "{}",
        run.stderr
    );
    let run = check(&project, Some("035"));
    run.assert_ok();
    assert!(
        run.stdout.contains("第035期：没有错误，4 条警告（1 页）"),
        "{}",
        run.stdout
    );
}

#[test]
fn new_takes_the_date_from_the_command_line() {
    let project = TestProject::new();
    project.run(&["new", "--date", "2022-05-06"]).assert_ok();
    let issue = parse(&project, "content/035/issue.yaml");
    assert_eq!(issue.date.value, Date::parse("2022-05-06").unwrap());
    let run = project.run(&["new", "--date", "2022-02-30"]);
    assert!(!run.success);
    assert!(
        run.stderr.contains("日期「2022-02-30」无效"),
        "{}",
        run.stderr
    );
    assert!(!project.path("content/036").exists());
}

#[test]
fn new_twice_creates_035_then_036() {
    let project = TestProject::new();
    project.run(&["new"]).assert_ok();
    let run = project.run(&["new"]);
    run.assert_ok();
    assert!(run.stdout.contains("已新建第036期"), "{}", run.stdout);
    assert_eq!(parse(&project, "content/035/issue.yaml").number.value, 35);
    assert_eq!(parse(&project, "content/036/issue.yaml").number.value, 36);
}

#[test]
fn new_in_a_project_without_issues_creates_001() {
    let project = TestProject::new();
    std::fs::remove_dir_all(project.path("content/034")).unwrap();
    project.run(&["new"]).assert_ok();
    assert_eq!(parse(&project, "content/001/issue.yaml").number.value, 1);
    project.build("001").assert_ok();
}

#[test]
fn new_never_overwrites_a_folder_that_is_already_there() {
    let project = TestProject::new();
    // A folder without issue.yaml does not count as an issue, so 035 is next, and it is taken.
    project.write("content/035/photos/01.jpg", "编辑先放进来的照片");
    let before = tree(&project);
    project
        .run(&["new"])
        .assert_failed_with("文件夹 content/035 已经存在")
        .assert_failed_with("提示：");
    assert_eq!(tree(&project), before, "new changed the project");
    assert_eq!(
        project.read("content/035/photos/01.jpg"),
        "编辑先放进来的照片"
    );
}

/// `bulletin check | head -1`: when the reader closes the pipe, the tool stops quietly instead of
/// panicking on the broken pipe.
#[test]
fn a_closed_stdout_ends_the_program_quietly() {
    use std::process::{Command, Stdio};
    let project = TestProject::new();
    let mut child = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args(["check", "--no-system-fonts"])
        .current_dir(project.root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(output.status.success(), "{:?}: {stderr}", output.status);
}
