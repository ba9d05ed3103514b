//! What an editor types is what the page means: numbers, colons and caption marks typed by hand
//! print once (the bulletin adds its own), with a located warning; a pasted table is named.

use crate::support::{TestProject, pdf_text};

const TYPED: &str = "number: 99
date: 2022-05-01
articles:
  - title: 测试标题
    sections:
      - heading: 一、活动概况
        body:
          - 一段话。
          - photo: photos/01.jpg
            caption: △表彰大会现场
          - findings:
              strengths:
                - heading: （一） 表彰先进：
                  body:
                    - 两段话。
              problems:
                - {title: 1. 学习不够深入。, text: 说明。}
      - heading: 检查内容：
        body:
          - |
            序号\t问题
            1\t学习不够
";

#[test]
fn typed_numbers_colons_and_caption_marks_print_once_with_a_located_warning() {
    let project = TestProject::new();
    project.write("content/099/issue.yaml", TYPED);
    project.copy_file(
        "tests/fixtures/photos/500px.jpg",
        "content/099/photos/01.jpg",
    );
    let run = project.build("099");
    run.assert_ok();
    let text = pdf_text(&std::fs::read(project.path("output/099/第099期.pdf")).unwrap());
    for printed in [
        "一、活动概况",
        "（一）表彰先进",
        "1.学习不够深入。",
        "二、检查内容",
        "△表彰大会现场",
    ] {
        assert!(
            text.replace(' ', "").contains(printed),
            "{printed} not in:\n{text}"
        );
    }
    for doubled in [
        "一、一、",
        "（一）（一）",
        "1.1.",
        "△△",
        "表彰先进：",
        "检查内容：",
    ] {
        assert!(
            !text.replace(' ', "").contains(doubled),
            "{doubled} in:\n{text}"
        );
    }
    for warning in [
        "content/099/issue.yaml:6:18: 警告：小标题开头写了序号「一、」，印出时已去掉",
        "content/099/issue.yaml:10:22: 警告：图片说明开头写了「△」，印出时已去掉",
        "content/099/issue.yaml:13:28: 警告：小标题开头写了序号「（一）」",
        "content/099/issue.yaml:13:28: 警告：小标题末尾的「：」印出时已去掉",
        "content/099/issue.yaml:17:27: 警告：问题标题开头写了序号「1.」",
        "content/099/issue.yaml:18:18: 警告：小标题末尾的「：」印出时已去掉",
        "content/099/issue.yaml:21:13: 警告：这一段像是粘贴进来的表格",
    ] {
        assert!(
            run.stderr.contains(warning),
            "no {warning:?} in:\n{}",
            run.stderr
        );
    }
}
