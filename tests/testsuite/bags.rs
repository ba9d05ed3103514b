//! Archives that cannot be fooled: `verify` as a hostile or unlucky user attacks it (tag manifest
//! edited along with bag-info.txt, a PDF changed with both manifests made to agree, links, FIFOs and
//! devices inside a bag), and raw HTML that never reaches the Markdown outputs as HTML.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::support::{GOOD, Run, TestProject, run_with_timeout, sha256_file};

const AT: &str = "2026-01-02T03:04:05Z";
const BAG: &str = "output/archive/2022/第034期";

fn archived_034() -> TestProject {
    let project = TestProject::new();
    project
        .run(&["archive", "034", "--no-system-fonts", "--archived-at", AT])
        .assert_ok();
    project
}

/// Replaces the line of `file` in the manifest `manifest` of the bag with its current hash (or
/// drops it with `None`), as someone covering their tracks would.
fn rewrite_manifest_line(bag: &Path, manifest: &str, file: &str, hash: Option<&str>) {
    let path = bag.join(manifest);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut found = false;
    let lines: Vec<String> = text
        .lines()
        .filter_map(|line| {
            let (_, listed) = line.split_once("  ").unwrap();
            if listed != file {
                return Some(line.to_string());
            }
            found = true;
            hash.map(|hash| format!("{hash}  {file}"))
        })
        .collect();
    assert!(found, "{manifest} does not list {file}:\n{text}");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
}

#[track_caller]
fn assert_reports(run: &Run, expected: &[&str]) {
    for line in expected {
        assert!(
            run.stdout.contains(line),
            "stdout lacks {line:?}:\nstdout:\n{}\nstderr:\n{}",
            run.stdout,
            run.stderr
        );
    }
}

#[test]
fn an_edited_bag_info_whose_line_was_dropped_from_the_tag_manifest_is_caught() {
    let project = archived_034();
    let bag = project.path(BAG);
    project.edit(&format!("{BAG}/bag-info.txt"), |t| {
        t.replace("Pages: ", "Pages: 1")
    });
    rewrite_manifest_line(&bag, "tagmanifest-sha256.txt", "bag-info.txt", None);
    let run = project.run(&["verify"]);
    run.assert_failed_with("归档检查没有通过：第034期有问题");
    assert_reports(
        &run,
        &["清单不完整：tagmanifest-sha256.txt 没有列出 bag-info.txt"],
    );
    assert!(!run.stdout.contains("完好"), "{}", run.stdout);
}

#[test]
fn every_tag_file_must_be_in_the_tag_manifest_and_bagit_txt_must_declare_the_version() {
    let project = archived_034();
    let bag = project.path(BAG);
    rewrite_manifest_line(&bag, "tagmanifest-sha256.txt", "bagit.txt", None);
    rewrite_manifest_line(&bag, "tagmanifest-sha256.txt", "manifest-sha256.txt", None);
    project.write(
        &format!("{BAG}/bagit.txt"),
        "Tag-File-Character-Encoding: UTF-8\n",
    );
    let run = project.run(&["verify", "034"]);
    run.assert_failed_with("第034期有问题");
    assert_reports(
        &run,
        &[
            "清单不完整：tagmanifest-sha256.txt 没有列出 bagit.txt",
            "清单不完整：tagmanifest-sha256.txt 没有列出 manifest-sha256.txt",
            "格式有误：bagit.txt",
            "BagIt-Version",
        ],
    );

    // Without the tag manifest nothing vouches for the tag files.
    let project = archived_034();
    std::fs::remove_file(project.path(&format!("{BAG}/tagmanifest-sha256.txt"))).unwrap();
    let run = project.run(&["verify", "034"]);
    run.assert_failed_with("第034期有问题");
    assert_reports(&run, &["缺少：tagmanifest-sha256.txt"]);
}

#[test]
fn a_pdf_changed_with_both_manifests_made_to_agree_is_caught_by_the_sha256_recorded_at_archiving() {
    let project = archived_034();
    let bag = project.path(BAG);
    let pdf = bag.join("data/第034期.pdf");
    let recorded = sha256_file(&pdf);
    let mut bytes = std::fs::read(&pdf).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&pdf, &bytes).unwrap();
    let forged = sha256_file(&pdf);
    rewrite_manifest_line(
        &bag,
        "manifest-sha256.txt",
        "data/第034期.pdf",
        Some(&forged),
    );
    let manifest = sha256_file(&bag.join("manifest-sha256.txt"));
    rewrite_manifest_line(
        &bag,
        "tagmanifest-sha256.txt",
        "manifest-sha256.txt",
        Some(&manifest),
    );
    let run = project.run(&["verify"]);
    run.assert_failed_with("第034期有问题");
    assert_reports(
        &run,
        &[
            "已改动：data/第034期.pdf（SHA-256 与归档时记录的不符",
            &recorded[..16],
        ],
    );

    // Regenerating the catalog (as archiving another issue does) does not launder the change.
    project.write(
        "content/099/issue.yaml",
        &GOOD.replace("date: 2022-05-01", "date: 2023-05-01"),
    );
    project
        .run(&["archive", "099", "--no-system-fonts", "--archived-at", AT])
        .assert_ok();
    let index = project.read("output/archive/index.md");
    assert!(index.contains(&recorded), "{index}");
    assert!(!index.contains(&forged), "{index}");
    let run = project.run(&["verify"]);
    run.assert_failed_with("第034期有问题");
    assert_reports(
        &run,
        &["已改动：data/第034期.pdf（SHA-256 与归档时记录的不符"],
    );
    assert!(
        run.stdout
            .contains("第099期（output/archive/2023/第099期）：完好"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_deleted_bag_is_missed_by_the_record_of_what_was_archived() {
    let project = archived_034();
    std::fs::remove_dir_all(project.path(BAG)).unwrap();
    let run = project.run(&["verify"]);
    run.assert_failed_with("第034期有问题");
    assert_reports(&run, &["缺少：第034期"]);
}

#[test]
fn payload_oxum_must_agree_with_the_payload() {
    let project = archived_034();
    let bag = project.path(BAG);
    project.edit(&format!("{BAG}/bag-info.txt"), |t| {
        let start = t.find("Payload-Oxum: ").unwrap();
        let end = start + t[start..].find('\n').unwrap();
        format!("{}Payload-Oxum: 1.1{}", &t[..start], &t[end..])
    });
    let hash = sha256_file(&bag.join("bag-info.txt"));
    rewrite_manifest_line(&bag, "tagmanifest-sha256.txt", "bag-info.txt", Some(&hash));
    let run = project.run(&["verify", "034"]);
    run.assert_failed_with("第034期有问题");
    assert_reports(&run, &["Payload-Oxum 不符"]);
}

#[cfg(unix)]
#[test]
fn a_link_to_an_identical_file_outside_the_bag_is_reported_not_followed() {
    let project = archived_034();
    let bag = project.path(BAG);
    let outside = project.path("outside");
    std::fs::create_dir_all(&outside).unwrap();
    // Same bytes outside: following the link would find the right SHA-256 and call it intact.
    let yaml = bag.join("data/content/bulletin.yaml");
    std::fs::copy(&yaml, outside.join("bulletin.yaml")).unwrap();
    std::fs::remove_file(&yaml).unwrap();
    std::os::unix::fs::symlink(outside.join("bulletin.yaml"), &yaml).unwrap();
    // A linked folder, too.
    let templates = bag.join("data/templates");
    std::fs::rename(&templates, outside.join("templates")).unwrap();
    std::os::unix::fs::symlink(outside.join("templates"), &templates).unwrap();

    let run = project.run(&["verify", "034"]);
    run.assert_failed_with("第034期有问题");
    assert_reports(
        &run,
        &[
            "不是普通文件：data/content/bulletin.yaml 是一个链接",
            "不是普通文件：data/templates 是一个链接",
        ],
    );
    // The files the links hide are not reported one by one as missing.
    assert!(
        !run.stdout.contains("缺少：data/templates/theme.typ"),
        "{}",
        run.stdout
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_and_links_to_dev_zero_and_dev_urandom_are_reported_without_hanging() {
    let project = archived_034();
    let bag = project.path(BAG);
    // A FIFO where a listed photo was: opening it for reading would wait for a writer forever.
    let photo = bag.join("data/content/034/photos/01.jpg");
    std::fs::remove_file(&photo).unwrap();
    let made = Command::new("mkfifo").arg(&photo).status().unwrap();
    assert!(made.success());
    // A listed file turned into an endless device, and an unlisted one.
    let typ = bag.join("data/output/034/第034期.typ");
    std::fs::remove_file(&typ).unwrap();
    std::os::unix::fs::symlink("/dev/urandom", &typ).unwrap();
    std::os::unix::fs::symlink("/dev/zero", bag.join("data/zero.pdf")).unwrap();
    // A tag file too.
    let info = bag.join("bag-info.txt");
    std::fs::remove_file(&info).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &info).unwrap();

    let run = run_with_timeout(&project, &["verify"], Duration::from_secs(20));
    run.assert_failed_with("第034期有问题");
    assert_reports(
        &run,
        &[
            "不是普通文件：data/content/034/photos/01.jpg 是一个管道（FIFO）",
            "不是普通文件：data/output/034/第034期.typ 是一个链接",
            "不是普通文件：data/zero.pdf 是一个链接",
            "不是普通文件：bag-info.txt 是一个链接",
        ],
    );

    // Archiving another issue reads every bag for the catalog: it must not hang either.
    project.write(
        "content/099/issue.yaml",
        &GOOD.replace("date: 2022-05-01", "date: 2023-05-01"),
    );
    let run = run_with_timeout(
        &project,
        &["archive", "099", "--no-system-fonts", "--archived-at", AT],
        Duration::from_secs(120),
    );
    run.assert_ok();
}

/// The events a plain CommonMark reader (pulldown-cmark, with tables) finds in `md`.
fn html_and_text(md: &str) -> (Vec<String>, String) {
    let mut html = Vec::new();
    let mut text = String::new();
    let options =
        pulldown_cmark::Options::ENABLE_TABLES | pulldown_cmark::Options::ENABLE_STRIKETHROUGH;
    for event in pulldown_cmark::Parser::new_ext(md, options) {
        match event {
            pulldown_cmark::Event::Html(h) | pulldown_cmark::Event::InlineHtml(h) => {
                html.push(h.into_string())
            }
            pulldown_cmark::Event::Text(t) | pulldown_cmark::Event::Code(t) => text.push_str(&t),
            _ => {}
        }
    }
    (html, text)
}

#[test]
fn raw_html_in_a_paragraph_and_a_title_is_text_in_the_markdown_version_and_the_catalog() {
    let project = TestProject::new();
    let title = "<script>alert(1)</script>标题<img src=x onerror=alert(2)>";
    let paragraph = "段落<img src=x onerror=alert(3)>文字<script>alert(4)</script>。";
    let block = "<div onclick=\"alert(5)\">\n*块*\n</div>";
    let yaml = GOOD
        .replace("测试标题", &serde_json::to_string(title).unwrap())
        .replace(
            "      - 一段话。",
            &format!(
                "      - {}\n      - {}",
                serde_json::to_string(paragraph).unwrap(),
                serde_json::to_string(block).unwrap()
            ),
        );
    project.write("content/099/issue.yaml", &yaml);
    project
        .run(&["archive", "099", "--no-system-fonts", "--archived-at", AT])
        .assert_ok();

    for file in [
        "output/archive/2022/第099期/data/output/099/第099期.md",
        "output/archive/index.md",
    ] {
        let md = project.read(file);
        for raw in ["<script", "<img", "<div", "onerror=alert", "</script"] {
            assert!(!md.contains(raw), "{file} holds {raw} raw:\n{md}");
        }
        let (html, text) = html_and_text(&md);
        assert_eq!(html, Vec::<String>::new(), "{file} holds HTML:\n{md}");
        // What the editor typed shows as text.
        assert!(
            text.contains(title),
            "{file} does not show {title:?}:\n{text}"
        );
        if file.ends_with("第099期.md") {
            assert!(text.contains(paragraph), "{file}:\n{text}");
            assert!(
                text.contains("<div onclick=\"alert(5)\">"),
                "{file}:\n{text}"
            );
        }
    }
    // index.html escapes every value as well.
    let html = project.read("output/archive/index.html");
    assert!(!html.contains("<script"), "{html}");
    assert!(html.contains("&lt;script&gt;"), "{html}");
    // The PDF shows what a browser shows: the text between the tags, no tags.
    let pdf = std::fs::read(project.path("output/archive/2022/第099期/data/第099期.pdf")).unwrap();
    let text = crate::support::pdf_text(&pdf);
    assert!(text.contains("段落文字"), "{text}");
    assert!(!text.contains("alert(3)"), "{text}");
}
