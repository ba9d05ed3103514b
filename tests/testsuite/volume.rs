//! `bulletin volume YEAR`: a cover, the contents with each issue's first page, and every issue of
//! the year in number order with continuous page numbers, as one PDF.

use crate::support::{TestProject, pdf_pages, pdf_text};

/// A project with 第034期 and a copy of it as 第035期 (2022-05-06) and 第036期 dated 2023.
fn three_issues() -> TestProject {
    let project = TestProject::new();
    let yaml = project.read("content/034/issue.yaml");
    for (folder, number, date) in [("035", 35, "2022-05-06"), ("036", 36, "2023-01-09")] {
        project.write(
            &format!("content/{folder}/issue.yaml"),
            &yaml
                .replace("number: 34", &format!("number: {number}"))
                .replace("date: 2022-04-04", &format!("date: {date}")),
        );
        std::fs::create_dir_all(project.path(&format!("content/{folder}/photos"))).unwrap();
        for photo in ["01.jpg", "02.jpg", "03.jpg", "04.jpg"] {
            std::fs::copy(
                project.path(&format!("content/034/photos/{photo}")),
                project.path(&format!("content/{folder}/photos/{photo}")),
            )
            .unwrap();
        }
    }
    project
}

#[test]
fn the_volume_binds_the_issues_of_one_year_with_contents_and_continuous_page_numbers() {
    let project = three_issues();
    let run = project.run(&["volume", "2022", "--no-system-fonts"]);
    run.assert_ok();
    assert!(run.stdout.contains("2 期：第034、035期"), "{}", run.stdout);
    let issue = pdf_pages(&std::fs::read(project.path("output/034/第034期.pdf")).unwrap());
    let pdf = std::fs::read(project.path("output/volume/2022年合订本.pdf")).unwrap();
    // Cover and contents (two front pages), then both issues.
    assert_eq!(pdf_pages(&pdf), 2 + 2 * issue);
    let squeezed = pdf_text(&pdf);
    let raw: String = pdf_extract::extract_text_from_mem(&pdf)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(squeezed.contains("长艺党建2022年合订本"), "cover");
    // The contents give each issue's first page, counted from the first masthead.
    let second = issue + 1;
    assert!(squeezed.contains("第【034】期2022年4月4日"), "{squeezed}");
    let contents =
        &squeezed[squeezed.find("目录").unwrap()..squeezed.find("长艺党建第【034】期").unwrap()];
    assert!(contents.contains("·1党群办关于"), "{contents}");
    assert!(
        contents.contains(&format!("·{second}党群办关于")),
        "{contents}"
    );
    assert!(
        !contents.contains("036"),
        "2023's issue is not in the 2022 volume"
    );
    // Page numbers run on: the second issue's masthead page is 「— 9 —」, its last page 「— 16 —」.
    assert!(raw.contains(&format!("—{second}—")));
    assert!(raw.contains(&format!("—{}—", 2 * issue)));
    assert!(!raw.contains(&format!("—{}—", 2 * issue + 1)));
    let first = squeezed.find("长艺党建第【035】期").unwrap();
    assert!(
        squeezed.find("长艺党建第【034】期").unwrap() < first,
        "number order"
    );
}

#[test]
fn a_year_without_issues_or_with_a_broken_issue_gives_no_volume() {
    let project = three_issues();
    project
        .run(&["volume", "2019", "--no-system-fonts"])
        .assert_failed_with("content 里没有 2019 年出刊的期");
    project.edit("content/035/issue.yaml", |t| t.replace("title:", "titel:"));
    project
        .run(&["volume", "2022", "--no-system-fonts"])
        .assert_failed_with("content/035 有错误，合订本没有生成")
        .assert_failed_with("不认识的键「titel」");
    assert!(!project.path("output/volume").exists());
}
