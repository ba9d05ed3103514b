//! Archiving an issue as a PDF/A-2b BagIt bag, superseding it, verifying bags, and the catalog.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::support::{GOOD, Run, TestProject, pdf_fonts, pdf_pages, pdf_xmp, sha256_file};

const AT: &str = "2026-01-02T03:04:05Z";
const BAG: &str = "output/archive/2022/第034期";

fn archive(project: &TestProject, extra: &[&str]) -> Run {
    let mut args = vec!["archive", "034", "--no-system-fonts", "--archived-at", AT];
    args.extend_from_slice(extra);
    project.run(&args)
}

fn archived_034() -> TestProject {
    let project = TestProject::new();
    archive(&project, &[]).assert_ok();
    project
}

/// `bag-info.txt` as label → values.
fn bag_info(bag: &Path) -> BTreeMap<String, Vec<String>> {
    let text = std::fs::read_to_string(bag.join("bag-info.txt")).unwrap();
    let mut info: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in text.lines() {
        let (label, value) = line
            .split_once(": ")
            .unwrap_or_else(|| panic!("not `label: value`: {line}"));
        info.entry(label.into()).or_default().push(value.into());
    }
    info
}

fn one<'a>(info: &'a BTreeMap<String, Vec<String>>, label: &str) -> &'a str {
    match info.get(label).map(Vec::as_slice) {
        Some([value]) => value,
        other => panic!("{label}: {other:?}"),
    }
}

/// A manifest as path → hash.
fn manifest(path: &Path) -> BTreeMap<String, String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| {
            let (hash, file) = line.split_once("  ").expect("hash, two spaces, path");
            (file.to_string(), hash.to_string())
        })
        .collect()
}

/// Every file under `dir`, relative, with `/`.
fn files_under(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    files.sort();
    files
}

#[test]
fn archive_stores_the_pdf_and_every_source_as_a_bagit_bag() {
    let project = TestProject::new();
    let run = archive(&project, &[]);
    run.assert_ok();
    assert!(run.stdout.contains(BAG), "{}", run.stdout);
    let bag = project.path(BAG);
    let mut payload: Vec<String> = [
        "data/content/034/issue.yaml",
        "data/content/034/photos/01.jpg",
        "data/content/034/photos/02.jpg",
        "data/content/034/photos/03.jpg",
        "data/content/034/photos/04.jpg",
        "data/content/bulletin.yaml",
        "data/output/034/第034期.md",
        "data/output/034/第034期.typ",
        "data/第034期.pdf",
    ]
    .map(String::from)
    .to_vec();
    // The whole templates folder: the theme, its font chains and the templates beside them.
    for entry in std::fs::read_dir(project.path("templates")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        payload.push(format!("data/templates/{name}"));
    }
    assert!(payload.iter().any(|p| p == "data/templates/theme.typ"));
    payload.sort();
    let tags = [
        "bag-info.txt",
        "bagit.txt",
        "manifest-sha256.txt",
        "tagmanifest-sha256.txt",
    ];
    // The four photos as prepared for print (scaled to 300 dpi), which the archived source uses.
    let prepared: Vec<String> = (files_under(&bag).into_iter())
        .filter(|f| f.starts_with("data/output/.cache/photos/") && f.ends_with(".jpg"))
        .collect();
    assert_eq!(prepared.len(), 4, "{prepared:?}");
    let mut payload: Vec<String> = (payload.iter().map(|s| s.to_string()))
        .chain(prepared)
        .collect();
    payload.sort();
    let mut expected: Vec<String> = (payload.iter().cloned())
        .chain(tags.iter().map(|s| s.to_string()))
        .collect();
    expected.sort();
    assert_eq!(files_under(&bag), expected);

    // The sources are the project's files, byte for byte.
    for (archived, original) in [
        ("data/content/034/issue.yaml", "content/034/issue.yaml"),
        (
            "data/content/034/photos/02.jpg",
            "content/034/photos/02.jpg",
        ),
        ("data/content/bulletin.yaml", "content/bulletin.yaml"),
        ("data/templates/theme.typ", "templates/theme.typ"),
    ] {
        assert!(
            std::fs::read(bag.join(archived)).unwrap()
                == std::fs::read(project.path(original)).unwrap(),
            "{archived} differs from {original}"
        );
    }

    assert_eq!(
        project.read(&format!("{BAG}/bagit.txt")),
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    );
    let listed = manifest(&bag.join("manifest-sha256.txt"));
    assert_eq!(
        listed.keys().collect::<Vec<_>>(),
        payload.iter().collect::<Vec<_>>()
    );
    for (file, hash) in &listed {
        assert_eq!(&sha256_file(&bag.join(file)), hash, "{file}");
    }
    let tag_listed = manifest(&bag.join("tagmanifest-sha256.txt"));
    assert_eq!(
        tag_listed.keys().collect::<Vec<_>>(),
        ["bag-info.txt", "bagit.txt", "manifest-sha256.txt"]
    );
    for (file, hash) in &tag_listed {
        assert_eq!(&sha256_file(&bag.join(file)), hash, "{file}");
    }

    let info = bag_info(&bag);
    let pdf = std::fs::read(bag.join("data/第034期.pdf")).unwrap();
    assert_eq!(one(&info, "Bulletin"), "长艺党建");
    assert_eq!(one(&info, "Issue"), "034");
    assert_eq!(one(&info, "Date"), "2022-04-04");
    assert_eq!(
        info["Title"],
        ["党群办关于2022年一季度党建工作检查情况的通报"]
    );
    assert_eq!(one(&info, "Pages"), pdf_pages(&pdf).to_string());
    assert_eq!(
        one(&info, "Tool-Version"),
        format!("bulletin {}", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(one(&info, "Archived-At"), AT);
    assert_eq!(one(&info, "Bagging-Date"), "2026-01-02");
    let octets: u64 = payload
        .iter()
        .map(|f| std::fs::metadata(bag.join(f)).unwrap().len())
        .sum();
    assert_eq!(
        one(&info, "Payload-Oxum"),
        format!("{octets}.{}", payload.len())
    );

    // Only the bag and the catalog: no temporary folder is left behind.
    assert_eq!(
        files_under(&project.path("output/archive"))
            .iter()
            .filter(|f| !f.starts_with("2022/第034期/"))
            .collect::<Vec<_>>(),
        ["index.html", "index.md", "pdf-sha256.tsv"]
    );
    let year: Vec<_> = std::fs::read_dir(project.path("output/archive/2022"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(year, ["第034期"]);
}

#[test]
fn the_archived_pdf_is_pdf_a_2b_by_its_xmp_with_every_font_embedded() {
    let project = archived_034();
    let pdf = std::fs::read(project.path(&format!("{BAG}/data/第034期.pdf"))).unwrap();
    let xmp = pdf_xmp(&pdf);
    let compact: String = xmp.split_whitespace().collect();
    assert!(
        compact.contains("<pdfaid:part>2</pdfaid:part>") || compact.contains("pdfaid:part=\"2\""),
        "XMP lacks pdfaid:part 2:\n{xmp}"
    );
    assert!(
        compact.contains("<pdfaid:conformance>B</pdfaid:conformance>")
            || compact.contains("pdfaid:conformance=\"B\""),
        "XMP lacks pdfaid:conformance B:\n{xmp}"
    );
    assert!(
        xmp.contains("党群办关于2022年一季度党建工作检查情况的通报") || xmp.contains("长艺党建")
    );
    let fonts = pdf_fonts(&pdf);
    assert!(fonts.len() >= 3, "{fonts:?}");
    assert!(fonts.iter().all(|(_, embedded)| *embedded), "{fonts:?}");
}

/// qpdf is a system tool: on a developer's machine without it the test is skipped with a note, in
/// CI (where `CI` is set) its absence fails the test.
#[test]
fn qpdf_finds_no_errors_in_the_archived_pdf() {
    let probe = std::process::Command::new("qpdf").arg("--version").output();
    if probe.is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "qpdf is not installed; CI must install it (Debian package qpdf)"
        );
        eprintln!("qpdf not installed: qpdf_finds_no_errors_in_the_archived_pdf skipped");
        return;
    }
    let project = archived_034();
    let pdf = project.path(&format!("{BAG}/data/第034期.pdf"));
    let output = std::process::Command::new("qpdf")
        .arg("--check")
        .arg(&pdf)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "qpdf --check failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("No syntax or stream encoding errors"),
        "{stdout}"
    );
}

#[test]
fn archiving_an_archived_issue_again_is_refused_and_changes_nothing() {
    let project = archived_034();
    let before = files_under(&project.path("output/archive"));
    let info_before = project.read(&format!("{BAG}/bag-info.txt"));
    archive(&project, &[]).assert_failed_with("第034期已经归档在 output/archive/2022/第034期");
    let run = archive(&project, &[]);
    assert!(run.stderr.contains("--supersede"), "{}", run.stderr);
    assert_eq!(files_under(&project.path("output/archive")), before);
    assert_eq!(project.read(&format!("{BAG}/bag-info.txt")), info_before);
}

#[test]
fn supersede_needs_an_archived_version_and_a_reason() {
    let project = TestProject::new();
    archive(&project, &["--supersede", "更正错字"]).assert_failed_with("第034期还没有归档");
    archive(&project, &[]).assert_ok();
    archive(&project, &["--supersede", "  "]).assert_failed_with("--supersede 后面的原因是空的");
}

#[test]
fn supersede_keeps_the_old_bag_as_v1_and_records_the_reason_in_both() {
    let project = archived_034();
    let old_pdf = sha256_file(&project.path(&format!("{BAG}/data/第034期.pdf")));
    project.edit("content/034/issue.yaml", |t| {
        t.replace("一季度", "第一季度")
    });
    let later = "2026-02-03T04:05:06Z";
    let run = project.run(&[
        "archive",
        "034",
        "--no-system-fonts",
        "--archived-at",
        later,
        "--supersede",
        "标题补全“第一季度”",
    ]);
    run.assert_ok();
    assert!(run.stdout.contains("第034期.v1"), "{}", run.stdout);

    let old = project.path("output/archive/2022/第034期.v1");
    let new = project.path(BAG);
    assert_eq!(sha256_file(&old.join("data/第034期.pdf")), old_pdf);
    assert_ne!(sha256_file(&new.join("data/第034期.pdf")), old_pdf);
    let old_info = bag_info(&old);
    assert_eq!(one(&old_info, "Archived-At"), AT);
    assert_eq!(one(&old_info, "Superseded-By"), "第034期");
    assert_eq!(one(&old_info, "Superseded-At"), later);
    assert_eq!(one(&old_info, "Supersede-Reason"), "标题补全“第一季度”");
    let new_info = bag_info(&new);
    assert_eq!(one(&new_info, "Archived-At"), later);
    assert_eq!(one(&new_info, "Supersedes"), "第034期.v1");
    assert_eq!(one(&new_info, "Supersede-Reason"), "标题补全“第一季度”");
    assert_eq!(
        new_info["Title"],
        ["党群办关于2022年第一季度党建工作检查情况的通报"]
    );

    // Both bags stay valid: the old one's tag manifest covers its amended bag-info.txt.
    let run = project.run(&["verify"]);
    run.assert_ok();
    assert!(run.stdout.contains("第034期（"), "{}", run.stdout);
    assert!(run.stdout.contains("第034期.v1（"), "{}", run.stdout);
    assert_eq!(run.stdout.matches("完好").count(), 2, "{}", run.stdout);

    // A second supersede makes the current bag v2.
    project
        .run(&[
            "archive",
            "034",
            "--no-system-fonts",
            "--archived-at",
            later,
            "--supersede",
            "再次更正",
        ])
        .assert_ok();
    assert_eq!(
        one(
            &bag_info(&project.path("output/archive/2022/第034期.v2")),
            "Supersedes"
        ),
        "第034期.v1"
    );
}

#[test]
fn verify_reports_a_changed_and_a_missing_file_and_exits_1() {
    let project = archived_034();
    let run = project.run(&["verify", "034"]);
    run.assert_ok();
    // Every file the manifests list: all but tagmanifest-sha256.txt itself.
    let payload = files_under(&project.path(BAG)).len() - 1;
    assert!(
        run.stdout.contains(&format!(
            "第034期（output/archive/2022/第034期）：完好，{payload} 个文件"
        )),
        "{}",
        run.stdout
    );

    let pdf = project.path(&format!("{BAG}/data/第034期.pdf"));
    let mut bytes = std::fs::read(&pdf).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&pdf, bytes).unwrap();
    std::fs::remove_file(project.path(&format!("{BAG}/data/content/034/photos/02.jpg"))).unwrap();
    project.write(&format!("{BAG}/data/notes.txt"), "not archived");

    let run = project.run(&["verify", "034"]);
    run.assert_failed_with("归档检查没有通过：第034期有问题");
    for expected in [
        "第034期（output/archive/2022/第034期）：发现 4 处问题",
        "已改动：data/第034期.pdf（SHA-256 与清单不符）",
        "缺少：data/content/034/photos/02.jpg（清单中有，文件不见了）",
        "多出：data/notes.txt（不在清单中）",
        // A photo fewer and a note more: the payload's size no longer matches bag-info.txt.
        "Payload-Oxum 不符：bag-info.txt 记录的是",
    ] {
        assert!(
            run.stdout.contains(expected),
            "stdout lacks {expected}:\n{}",
            run.stdout
        );
    }
    // The intact files are not reported.
    assert!(!run.stdout.contains("issue.yaml"), "{}", run.stdout);
    // Checking every bag finds the same.
    project.run(&["verify"]).assert_failed_with("第034期有问题");
}

#[test]
fn verify_notices_an_edited_bag_info() {
    let project = archived_034();
    project.edit(&format!("{BAG}/bag-info.txt"), |t| {
        t.replace("Pages: ", "Pages: 1")
    });
    let run = project.run(&["verify"]);
    run.assert_failed_with("第034期有问题");
    assert!(
        run.stdout.contains("已改动：bag-info.txt"),
        "{}",
        run.stdout
    );
}

#[test]
fn verify_without_archives_says_so_and_an_unarchived_number_is_an_error() {
    let project = TestProject::new();
    let run = project.run(&["verify"]);
    run.assert_ok();
    assert!(run.stdout.contains("还没有任何归档"), "{}", run.stdout);
    project
        .run(&["verify", "035"])
        .assert_failed_with("第035期还没有归档");
    project
        .run(&["verify", "abc"])
        .assert_failed_with("期号「abc」无效");
}

#[test]
fn an_issue_with_errors_is_not_archived() {
    let project = TestProject::new();
    project.write(
        "content/099/issue.yaml",
        &GOOD.replace(
            "      - 一段话。",
            "      - photo: photos/missing.jpg\n        caption: 说明",
        ),
    );
    project
        .run(&["archive", "099", "--no-system-fonts"])
        .assert_failed_with("missing.jpg");
    let archive = project.path("output/archive");
    assert!(
        !archive.exists() || files_under(&archive).is_empty(),
        "{:?}",
        files_under(&archive)
    );
}

#[test]
fn the_catalog_lists_every_archived_issue_with_the_sha256_of_its_pdf() {
    let project = archived_034();
    project.write(
        "content/099/issue.yaml",
        &GOOD.replace("date: 2022-05-01", "date: 2023-05-01"),
    );
    project
        .run(&["archive", "99", "--no-system-fonts", "--archived-at", AT])
        .assert_ok();
    let md = project.read("output/archive/index.md");
    let html = project.read("output/archive/index.html");
    for (bag, date, title) in [
        (
            BAG,
            "2022-04-04",
            "党群办关于2022年一季度党建工作检查情况的通报",
        ),
        ("output/archive/2023/第099期", "2023-05-01", "测试标题"),
    ] {
        let bag = project.path(bag);
        let name = bag.file_name().unwrap().to_string_lossy().into_owned();
        let pdf: PathBuf = bag.join(format!("data/{name}.pdf"));
        let hash = sha256_file(&pdf);
        let pages = bag_info(&bag)["Pages"][0].clone();
        let row = md
            .lines()
            .find(|l| l.contains(&format!("[{name}]")))
            .unwrap_or_else(|| panic!("index.md has no row for {name}:\n{md}"));
        for cell in [date, title, &hash, &format!("| {pages} |")] {
            assert!(row.contains(cell), "{name}'s row lacks {cell}: {row}");
        }
        assert!(row.contains(" KB |") || row.contains(" MB |"), "{row}");
        for text in [name.as_str(), date, title, hash.as_str()] {
            assert!(html.contains(text), "index.html lacks {text}");
        }
    }
    // Self-contained: nothing loaded from elsewhere; the links point at the PDFs on disk.
    for external in ["http:", "https:", "src=", "<link", "@import"] {
        assert!(
            !html.contains(external),
            "index.html refers outside: {external}"
        );
    }
    assert!(
        html.contains("href=\"2022/%E7%AC%AC034%E6%9C%9F/data/%E7%AC%AC034%E6%9C%9F.pdf\""),
        "{html}"
    );
    assert!(md.find("[第034期]").unwrap() < md.find("[第099期]").unwrap());
}

#[test]
fn archiving_is_reproducible_given_the_same_clock() {
    let first = archived_034();
    let second = archived_034();
    for file in [
        "bag-info.txt",
        "manifest-sha256.txt",
        "tagmanifest-sha256.txt",
    ] {
        assert_eq!(
            first.read(&format!("{BAG}/{file}")),
            second.read(&format!("{BAG}/{file}")),
            "{file} differs between two archives of the same content"
        );
    }
}

#[test]
fn the_archived_sources_rebuild_the_archived_pdf_byte_for_byte() {
    use bulletin::compile::{self, FontSources, Fonts, PdfSettings, ProjectWorld};
    let project = archived_034();
    let data = project.path(&format!("{BAG}/data"));
    // Nothing from the project itself: only the bag's data/ and the shipped fonts.
    let fonts = Fonts::load(
        &crate::support::repo().join("assets/fonts"),
        FontSources::ShippedOnly,
    )
    .unwrap();
    let mut world = ProjectWorld::new(&data, fonts);
    world.set_inputs(&compile::ARCHIVAL_INPUTS);
    let source = std::fs::read_to_string(data.join("output/034/第034期.typ")).unwrap();
    let settings = PdfSettings {
        archival: true,
        ..PdfSettings::default()
    };
    let date = bulletin::model::Date::parse("2022-04-04").unwrap();
    let main = compile::MainSource {
        vpath: "/output/034/第034期.typ",
        shown: std::path::Path::new("output/034/第034期.typ"),
        text: source,
    };
    let rebuilt = compile::compile(&mut world, main, date, &settings)
        .unwrap_or_else(|e| panic!("the archived source does not compile: {e:?}"));
    let archived = std::fs::read(data.join("第034期.pdf")).unwrap();
    assert!(
        rebuilt.pdf == archived,
        "the rebuilt PDF differs from the archived one"
    );
}
