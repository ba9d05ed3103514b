//! `bulletin import` end to end through the binary: a Word draft, the seed transcript as text, a
//! GBK file, the bulletin's own Markdown, and the drafts it must refuse without writing anything.

use std::io::Cursor;
use std::path::Path;

use crate::build::seed_units;
use crate::docx::{Docx, cell_para, level};
use crate::support::{TestProject, find_in_order, pdf_text};

/// A flat-colour picture `width` pixels wide, encoded as `format`.
fn picture(width: u32, format: image::ImageFormat) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(width, width * 2 / 3, image::Rgb([170, 60, 40]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut Cursor::new(&mut out), format)
        .unwrap();
    out
}

/// The draft of the tests: typed and automatic numbering on three levels, full-width indents, bold
/// runs ending in 「。」, two pictures with △ captions, a table whose cells hold numbered lines, 编者按,
/// 备注 and 稿件编辑. Returns the document and its text paragraph by paragraph, as the draft shows it
/// (automatic numbers included).
fn office_draft() -> (Docx, Vec<&'static str>) {
    let mut doc = Docx::new();
    doc.numbering(&format!(
        r#"<w:abstractNum w:abstractNumId="0">{}{}{}</w:abstractNum><w:abstractNum w:abstractNumId="1">{}</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num><w:num w:numId="3"><w:abstractNumId w:val="1"/></w:num>"#,
        level(0, 2, "chineseCounting", "%1、"),
        level(1, 1, "chineseCounting", "（%2）"),
        level(2, 1, "decimal", "%3."),
        level(0, 1, "decimal", "%1."),
    ));
    doc.title("学院党委关于上半年党建工作情况的通报")
        .para("编者按：为总结经验、查找不足，现将上半年党建工作情况通报如下。")
        .para("　　为庆祝中国共产党成立101周年，学院各党支部开展了形式多样的主题党日活动。")
        .para("一、总体情况：")
        .para("　　上半年，学院党委认真落实年初工作计划，\n各支部按要求召开支部委员会。")
        .para("（一）表彰先进")
        .para("1.支部层面")
        .runs(&[
            ("　　", false),
            ("艺高支部工作扎实。", true),
            ("该支部把“戴党徽 亮身份”作为硬性要求，效果明显。", false),
        ])
        .picture("image1.png", picture(900, image::ImageFormat::Png))
        .para("△ 表彰大会现场")
        .numbered(1, 0, "存在问题")
        .numbered(1, 1, "学习不够深入")
        .numbered(1, 2, "个别支部")
        .runs(&[
            ("　　", false),
            ("党务常规管理水平不高。", true),
            ("有的支部在党费收缴、主题党日等工作中随意性较大。", false),
        ])
        .picture("image2.jpeg", picture(1000, image::ImageFormat::Jpeg))
        .para("△支部书记汇报整改情况")
        .table(&[
            vec![
                vec![cell_para("序号", None)],
                vec![cell_para("存在问题", None)],
                vec![cell_para("整改措施", None)],
                vec![cell_para("整改时限", None)],
            ],
            vec![
                vec![cell_para("1", None)],
                vec![cell_para("理论学习不够深入", None)],
                vec![
                    cell_para("1. 加强理论学习", None),
                    cell_para("2. 开展交流研讨", None),
                ],
                vec![cell_para("2022年7月", None)],
            ],
            vec![
                vec![cell_para("2", None)],
                vec![cell_para("党务管理不够规范", None)],
                vec![
                    cell_para("规范党费收缴", Some((2, 0))),
                    cell_para("完善党员档案", Some((2, 0))),
                ],
                vec![cell_para("2022年9月", None)],
            ],
        ])
        .para("备注：对号入座，形成个人问题清单。")
        .numbered(1, 0, "下一步工作")
        .para("　　各支部要对照问题清单，逐项抓好整改落实。")
        .para("稿件编辑：宣传部");
    let text = vec![
        "学院党委关于上半年党建工作情况的通报",
        "编者按：为总结经验、查找不足，现将上半年党建工作情况通报如下。",
        "为庆祝中国共产党成立101周年，学院各党支部开展了形式多样的主题党日活动。",
        "一、总体情况：",
        "上半年，学院党委认真落实年初工作计划，各支部按要求召开支部委员会。",
        "（一）表彰先进",
        "1.支部层面",
        "艺高支部工作扎实。该支部把“戴党徽 亮身份”作为硬性要求，效果明显。",
        "△ 表彰大会现场",
        "二、存在问题",
        "（一）学习不够深入",
        "1.个别支部",
        "党务常规管理水平不高。有的支部在党费收缴、主题党日等工作中随意性较大。",
        "△支部书记汇报整改情况",
        "序号",
        "存在问题",
        "整改措施",
        "整改时限",
        "1",
        "理论学习不够深入",
        "1. 加强理论学习",
        "2. 开展交流研讨",
        "2022年7月",
        "2",
        "党务管理不够规范",
        "1.规范党费收缴",
        "2.完善党员档案",
        "2022年9月",
        "备注：对号入座，形成个人问题清单。",
        "三、下一步工作",
        "各支部要对照问题清单，逐项抓好整改落实。",
        "稿件编辑：宣传部",
    ];
    (doc, text)
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The draft's text without what the tool makes itself: the heading numbers it re-creates, the
/// caption mark, the colon after a heading, the labels of 编者按 and 稿件编辑 (it prints its own).
/// Returns the pieces and how many numbers and marks were taken off.
fn without_recreated(text: &[&str]) -> (Vec<String>, usize) {
    let mut removed = 0;
    let pieces = text
        .iter()
        .map(|line| {
            let mut line = squeeze(line);
            for prefix in [
                "一、",
                "二、",
                "三、",
                "（一）",
                "1.",
                "2.",
                "△",
                "编者按：",
                "稿件编辑：",
            ] {
                if let Some(rest) = line.strip_prefix(prefix)
                    && !rest.is_empty()
                    && !rest.starts_with(|c: char| c.is_ascii_digit())
                {
                    line = rest.to_string();
                    removed += 1;
                }
            }
            if let Some(rest) = line.strip_suffix('：') {
                line = rest.to_string();
                removed += 1;
            }
            line
        })
        .collect();
    (pieces, removed)
}

fn import_office_draft(project: &TestProject) -> crate::support::Run {
    let (doc, _) = office_draft();
    std::fs::write(project.path("草稿.docx"), doc.bytes()).unwrap();
    project.run(&[
        "import",
        "草稿.docx",
        "--number",
        "36",
        "--date",
        "2022-07-05",
    ])
}

#[test]
fn a_word_draft_is_imported_with_its_structure_pictures_table_and_credits() {
    let project = TestProject::new();
    let run = import_office_draft(&project);
    run.assert_ok();
    let yaml = project.read("content/036/issue.yaml");
    let value: serde_yaml::Value = serde_yaml::from_str(&yaml).unwrap();
    let article = &value["articles"][0];
    assert_eq!(article["title"], "学院党委关于上半年党建工作情况的通报");
    assert_eq!(
        article["note"],
        "为总结经验、查找不足，现将上半年党建工作情况通报如下。"
    );
    let sections = &article["sections"];
    assert_eq!(sections[0]["heading"], "总体情况", "colon dropped");
    assert_eq!(sections[0]["sections"][0]["heading"], "表彰先进");
    assert_eq!(
        sections[0]["sections"][0]["sections"][0]["heading"],
        "支部层面"
    );
    // Word's automatic numbering, three levels.
    assert_eq!(sections[1]["heading"], "存在问题");
    assert_eq!(sections[1]["sections"][0]["heading"], "学习不够深入");
    assert_eq!(
        sections[1]["sections"][0]["sections"][0]["heading"],
        "个别支部"
    );
    assert_eq!(sections[2]["heading"], "下一步工作");
    let deep = &sections[0]["sections"][0]["sections"][0]["body"];
    let text = |v: &serde_yaml::Value| v.as_str().unwrap().trim_end().replace('\n', "");
    assert_eq!(
        text(&deep[0]),
        "**艺高支部工作扎实**。该支部把“戴党徽 亮身份”作为硬性要求，效果明显。"
    );
    assert_eq!(deep[1]["photo"], "photos/01.png");
    assert_eq!(deep[1]["caption"], "表彰大会现场");
    let body = &sections[1]["sections"][0]["sections"][0]["body"];
    assert_eq!(body[1]["photo"], "photos/02.jpg");
    assert_eq!(body[1]["caption"], "支部书记汇报整改情况");
    let table = &body[2]["table"];
    assert_eq!(table["header"][0], "序号");
    assert_eq!(table["rows"][0][0], 1);
    assert_eq!(table["rows"][0][2][1], "开展交流研讨");
    assert_eq!(
        table["rows"][1][2][0], "规范党费收缴",
        "numbered cell lines"
    );
    assert_eq!(table["note"], "备注：对号入座，形成个人问题清单。");
    assert_eq!(value["editor"], "宣传部");
    assert_eq!(value["number"], 36);
    assert_eq!(value["date"], "2022-07-05");
    // The soft line break is gone, the full-width indent too.
    assert_eq!(
        text(&sections[0]["body"][0]),
        "上半年，学院党委认真落实年初工作计划，各支部按要求召开支部委员会。"
    );
    assert!(project.path("content/036/photos/01.png").is_file());
    assert!(project.path("content/036/photos/02.jpg").is_file());
    // It says what it did.
    for line in [
        "第 4 段「一、总体情况：」→ 一级小标题",
        "「二、存在问题」→ 一级小标题（Word 自动编号）",
        "「1.个别支部」→ 三级小标题（Word 自动编号）",
        "图片 1 → photos/01.png（取自草稿的 word/media/image1.png）",
        "→ 编者按",
        "→ 表格下方的备注",
        "「稿件编辑：宣传部」→ 稿件编辑",
        "已导入第036期",
    ] {
        assert!(run.stdout.contains(line), "no {line:?} in:\n{}", run.stdout);
    }
    assert!(
        run.stderr.is_empty(),
        "no guesses to warn about:\n{}",
        run.stderr
    );
    // And it passes check.
    let check = project.run(&["check", "036", "--no-system-fonts"]);
    check.assert_ok();
    assert!(
        check.stdout.contains("第036期：没有发现问题"),
        "{}\n{}",
        check.stdout,
        check.stderr
    );
}

#[test]
fn the_built_pdf_holds_every_character_of_the_word_draft_in_order() {
    let project = TestProject::new();
    import_office_draft(&project).assert_ok();
    project.build("036").assert_ok();
    let pdf = std::fs::read(project.path("output/036/第036期.pdf")).unwrap();
    let text = pdf_text(&pdf);
    let (_, draft) = office_draft();
    let (pieces, removed) = without_recreated(&draft);
    // Re-created by the tool: 3 typed and 4 automatic heading numbers, 4 numbers of cell items
    // (2 typed, 2 automatic), 2 caption marks, the labels 编者按 and 稿件编辑; dropped: 1 colon.
    assert_eq!(removed, 3 + 4 + 4 + 2 + 2 + 1, "{pieces:?}");
    if let Err((i, missing, context)) = find_in_order(&text, &pieces) {
        panic!("draft piece {i} not in the PDF in order: {missing}\nPDF from there: {context}");
    }
    // The tool's own numbers and marks, once each.
    for (mark, count) in [
        ("一、总体情况", 1),
        ("（一）表彰先进", 1),
        ("1.支部层面", 1),
    ] {
        assert_eq!(text.matches(mark).count(), count, "{mark} in {text}");
    }
    for (mark, count) in [
        ("二、存在问题", 1),
        ("（一）学习不够深入", 1),
        ("1.个别支部", 1),
    ] {
        assert_eq!(text.matches(mark).count(), count, "{mark} in {text}");
    }
    assert_eq!(text.matches('△').count(), 2, "{text}");
    for doubled in [
        "一、一、",
        "（一）（一）",
        "1.1.",
        "△△",
        "**",
        "：：",
        "编者按：编者按",
    ] {
        assert!(!text.contains(doubled), "{doubled} in {text}");
    }
}

#[test]
fn the_seed_transcript_imported_as_text_builds_with_every_sentence_cell_and_caption() {
    let project = TestProject::new();
    std::fs::copy(
        crate::support::repo().join("tests/fixtures/seed-034.txt"),
        project.path("seed.txt"),
    )
    .unwrap();
    // The seed is 第034期: import it as that issue, in place of the hand-written one.
    std::fs::remove_dir_all(project.path("content/034")).unwrap();
    let run = project.run(&["import", "seed.txt"]);
    run.assert_ok();
    assert!(run.stdout.contains("→ 版头的期号 34"), "{}", run.stdout);
    assert!(run.stdout.contains("已导入第034期"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("还缺 4 张照片：photos/01.jpg、photos/02.jpg、photos/03.jpg、photos/04.jpg"),
        "{}",
        run.stdout
    );
    let yaml = project.read("content/034/issue.yaml");
    assert!(yaml.contains("date: 2022-04-04"), "{yaml}");
    // Without the photos check names the missing files.
    let check = project.run(&["check", "034", "--no-system-fonts"]);
    assert!(!check.success);
    assert!(
        check.stderr.contains("找不到图片「photos/01.jpg」"),
        "{}",
        check.stderr
    );
    // The editor adds them, and it builds.
    for n in 1..=4 {
        std::fs::copy(
            crate::support::repo().join(format!("content/034/photos/{n:02}.jpg")),
            project.path(&format!("content/034/photos/{n:02}.jpg")),
        )
        .unwrap();
    }
    project.build("034").assert_ok();
    let pdf = std::fs::read(project.path("output/034/第034期.pdf")).unwrap();
    let header = "序号存在问题具体整改措施整改时限备注";
    let text = pdf_text(&pdf);
    let text = match text.find(header) {
        Some(first) => format!(
            "{}{}",
            &text[..first + header.len()],
            text[first + header.len()..].replace(header, "")
        ),
        None => text,
    };
    let (lines, cells) = seed_units();
    // A photo that does not fit floats to the next page (see build.rs): captions are checked on
    // their own, the other lines in order.
    let (captions, lines): (Vec<String>, Vec<String>) =
        lines.into_iter().partition(|line| line.starts_with('△'));
    let mut rest = text.clone();
    for caption in &captions {
        assert!(
            rest.contains(caption.as_str()),
            "caption missing: {caption}"
        );
        rest = rest.replacen(caption.as_str(), "", 1);
    }
    if let Err((i, missing, context)) = find_in_order(&rest, &lines) {
        panic!("seed line {i} not found in order: {missing}\nPDF text from there: {context}");
    }
    for cell in &cells {
        assert!(text.contains(cell.as_str()), "table item missing: {cell}");
    }
    assert!(!text.contains("**"), "{text}");
    assert_eq!(text.matches('△').count(), 4);
    // Its Markdown version imports back to the same YAML.
    project
        .run(&["import", "output/034/第034期.md", "--number", "35"])
        .assert_ok();
    let again = project.read("content/035/issue.yaml");
    assert_eq!(
        yaml.replace("034", "035")
            .replace("number: 34", "number: 35"),
        again
    );
}

#[test]
fn a_pasted_gbk_text_imports_the_same_as_its_utf8_twin() {
    let project = TestProject::new();
    let seed = std::fs::read_to_string(crate::support::repo().join("tests/fixtures/seed-034.txt"))
        .unwrap();
    // The text as Notepad saves it in 「ANSI」 on a Chinese Windows: GBK with CRLF line ends.
    let crlf = seed.replace('\n', "\r\n");
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&crlf);
    assert!(!unmappable);
    std::fs::write(project.path("utf8.txt"), seed.as_bytes()).unwrap();
    std::fs::write(project.path("gbk.txt"), &gbk).unwrap();
    let utf8 = project.run(&["import", "utf8.txt", "--number", "41"]);
    utf8.assert_ok();
    assert!(utf8.stdout.contains("文字编码 UTF-8"), "{}", utf8.stdout);
    assert!(
        utf8.stderr
            .contains("草稿版头写的是第【034】期，按 --number 导入为第041期"),
        "{}",
        utf8.stderr
    );
    let pasted = std::process::Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args(["import", "-", "--number", "42"])
        .current_dir(project.root())
        .stdin(std::fs::File::open(project.path("gbk.txt")).unwrap())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&pasted.stdout);
    assert!(
        pasted.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&pasted.stderr)
    );
    assert!(stdout.contains("文字编码 GBK/GB18030"), "{stdout}");
    let a = project.read("content/041/issue.yaml");
    let b = project.read("content/042/issue.yaml");
    assert_eq!(
        a.replace("041", "042").replace("number: 41", "number: 42"),
        b
    );
}

#[test]
fn re_importing_the_built_markdown_gives_the_same_yaml() {
    let project = TestProject::new();
    import_office_draft(&project).assert_ok();
    project.build("036").assert_ok();
    let run = project.run(&["import", "output/036/第036期.md", "--number", "37"]);
    run.assert_ok();
    let first = project.read("content/036/issue.yaml");
    let again = project.read("content/037/issue.yaml");
    assert_eq!(
        first
            .replace("第036期", "第037期")
            .replace("build 036", "build 037")
            .replace("number: 36 ", "number: 37 ")
            .replace("文件夹名 036", "文件夹名 037"),
        again,
        "{}",
        run.stdout
    );
    // The pictures came along from the Markdown's image links.
    for photo in ["photos/01.png", "photos/02.jpg"] {
        assert_eq!(
            std::fs::read(project.path(&format!("content/036/{photo}"))).unwrap(),
            std::fs::read(project.path(&format!("content/037/{photo}"))).unwrap()
        );
    }
}

/// Checks that the import failed with `message` and left content/ as it was.
fn assert_refused(project: &TestProject, args: &[&str], message: &str) {
    let before = listing(&project.path("content"));
    let run = project.run(args);
    run.assert_failed_with(message);
    assert!(
        run.stderr.contains("提示："),
        "a hint says what to do:\n{}",
        run.stderr
    );
    assert_eq!(listing(&project.path("content")), before, "nothing written");
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    names.sort();
    names
}

#[test]
fn a_damaged_docx_is_refused_and_nothing_is_written() {
    let project = TestProject::new();
    let (doc, _) = office_draft();
    let mut bytes = doc.bytes();
    bytes.truncate(bytes.len() / 2);
    std::fs::write(project.path("坏.docx"), &bytes).unwrap();
    assert_refused(&project, &["import", "坏.docx"], "坏.docx 无法打开");
}

#[test]
fn a_docx_without_text_is_refused_and_nothing_is_written() {
    let project = TestProject::new();
    let mut doc = Docx::new();
    doc.para("　　").para("");
    std::fs::write(project.path("空.docx"), doc.bytes()).unwrap();
    assert_refused(&project, &["import", "空.docx"], "空.docx 里没有文字");
}

#[test]
fn a_picture_the_photo_step_refuses_fails_the_import_and_nothing_is_written() {
    let project = TestProject::new();
    let mut emf = vec![1, 0, 0, 0, 108, 0, 0, 0];
    emf.resize(40, 0);
    emf.extend_from_slice(b" EMF");
    emf.resize(200, 0);
    let mut doc = Docx::new();
    doc.title("标题")
        .para("正文。")
        .picture("image1.emf", emf)
        .para("△ 图表");
    std::fs::write(project.path("图.docx"), doc.bytes()).unwrap();
    assert_refused(
        &project,
        &["import", "图.docx"],
        "草稿里的图片 1（word/media/image1.emf，第 3 段）是EMF 矢量图",
    );
    // A PNG whose header is fine but whose pixels are damaged: refused by the photo check that
    // build makes.
    let mut broken = picture(600, image::ImageFormat::Png);
    let idat = broken.windows(4).position(|w| w == b"IDAT").unwrap();
    for byte in &mut broken[idat + 8..idat + 40] {
        *byte ^= 0x5A;
    }
    let mut doc = Docx::new();
    doc.title("标题")
        .para("正文。")
        .picture("image1.png", broken)
        .para("△ 照片");
    std::fs::write(project.path("坏图.docx"), doc.bytes()).unwrap();
    assert_refused(
        &project,
        &["import", "坏图.docx"],
        "草稿里的图片 1（photos/01.png）排版时无法使用",
    );
}

#[test]
fn an_unknown_file_type_is_refused_and_nothing_is_written() {
    let project = TestProject::new();
    std::fs::write(project.path("草稿.xlsx"), b"PK\x03\x04").unwrap();
    assert_refused(
        &project,
        &["import", "草稿.xlsx"],
        "不认识 草稿.xlsx 的文件类型（.xlsx）",
    );
    std::fs::write(project.path("草稿.wps"), b"x").unwrap();
    assert_refused(&project, &["import", "草稿.wps"], "WPS 文字自己的格式");
    assert_refused(
        &project,
        &["import", "没有这个文件.docx"],
        "找不到要导入的文件",
    );
}

#[test]
fn an_existing_issue_folder_is_never_overwritten() {
    let project = TestProject::new();
    let before = project.read("content/034/issue.yaml");
    let (doc, _) = office_draft();
    std::fs::write(project.path("草稿.docx"), doc.bytes()).unwrap();
    assert_refused(
        &project,
        &["import", "草稿.docx", "--number", "34"],
        "没有导入：文件夹 content/034 已经存在",
    );
    assert_eq!(project.read("content/034/issue.yaml"), before);
}
