//! The official layout, measured on the laid-out pages (bulletin-style.md §5): paper, grid, indent,
//! masthead, page numbers.

use bulletin::compile::FontSources;
use bulletin::compile::measure::{self, TextRun};
use bulletin::pipeline::{Built, Pipeline};
use bulletin::project::Project;

use crate::support::TestProject;

pub const MM: f64 = 72.0 / 25.4;
/// 版心: 156 × 225 mm at 37 mm from the top and 28 mm from the left (odd pages).
pub const TOP: f64 = 37.0 * MM;
pub const LEFT_ODD: f64 = 28.0 * MM;
pub const LEFT_EVEN: f64 = 26.0 * MM;
pub const WIDTH: f64 = 156.0 * MM;
pub const HEIGHT: f64 = 225.0 * MM;
/// Line pitch, character advance, first-line indent.
pub const P: f64 = 28.95;
pub const C: f64 = 15.79;
pub const INDENT: f64 = 2.0 * C;

pub fn build(project: &TestProject, issue: &str) -> Built {
    let mut pipeline = Pipeline::new(
        Project {
            root: project.root().to_path_buf(),
        },
        FontSources::ShippedOnly,
    )
    .unwrap();
    pipeline
        .build(&project.path(&format!("content/{issue}")))
        .unwrap()
}

/// Baseline of grid row `row` (1–22) of a 16 pt line (R7's cell model).
pub fn row_baseline(row: f64) -> f64 {
    TOP + (row - 1.0) * P + (P - 16.0) / 2.0 + 14.08
}

/// One printed line: the runs that share a baseline on a page, left to right.
#[derive(Debug)]
pub struct Line<'a> {
    pub page: usize,
    pub baseline: f64,
    pub runs: Vec<&'a TextRun>,
}

impl Line<'_> {
    pub fn text(&self) -> String {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }
    pub fn x(&self) -> f64 {
        self.runs.iter().map(|r| r.x).fold(f64::MAX, f64::min)
    }
    pub fn end(&self) -> f64 {
        self.runs.iter().map(|r| r.end()).fold(f64::MIN, f64::max)
    }
    pub fn size(&self) -> f64 {
        self.runs[0].size
    }
}

/// Every line of the document (text of any size), page by page, top to bottom.
pub fn lines(runs: &[TextRun]) -> Vec<Line<'_>> {
    let mut lines: Vec<Line> = Vec::new();
    for run in runs {
        match lines
            .iter_mut()
            .find(|l| l.page == run.page && (l.baseline - run.baseline).abs() < 0.5)
        {
            Some(line) => line.runs.push(run),
            None => lines.push(Line {
                page: run.page,
                baseline: run.baseline,
                runs: vec![run],
            }),
        }
    }
    for line in &mut lines {
        line.runs.sort_by(|a, b| a.x.total_cmp(&b.x));
    }
    lines.sort_by(|a, b| {
        (a.page, a.baseline)
            .partial_cmp(&(b.page, b.baseline))
            .unwrap()
    });
    lines
}

/// A solid paint as text, e.g. `Cmyk(0, 0.8, 0.8, 0)` or `Luma(0, 1)` for black.
pub fn colour(paint: &typst::visualize::Paint) -> String {
    match paint {
        typst::visualize::Paint::Solid(color) => format!("{color:?}"),
        other => format!("{other:?}"),
    }
}

pub fn left(page: usize) -> f64 {
    if page % 2 == 1 { LEFT_ODD } else { LEFT_EVEN }
}

/// A long issue of plain paragraphs: pages 2 on are pure body text.
fn body_only() -> (TestProject, Built) {
    let project = TestProject::new();
    let paragraph = "党建工作是学院发展的根本保证各支部要认真学习深入领会切实把思想和行动统一到党委的决策部署上来".repeat(4);
    let mut yaml = String::from(
        "number: 98\ndate: 2022-05-01\narticles:\n  - title: 正文版式测试\n    lead:\n",
    );
    for _ in 0..12 {
        yaml.push_str(&format!("      - {paragraph}。\n"));
    }
    project.write("content/098/issue.yaml", &yaml);
    let built = build(&project, "098");
    (project, built)
}

pub fn body_lines(runs: &[TextRun], page: usize) -> Vec<(f64, Vec<&TextRun>)> {
    let mut lines: Vec<(f64, Vec<&TextRun>)> = Vec::new();
    for run in runs
        .iter()
        .filter(|r| r.page == page && (r.size - 16.0).abs() < 0.01)
    {
        match lines
            .iter_mut()
            .find(|(y, _)| (y - run.baseline).abs() < 0.5)
        {
            Some((_, line)) => line.push(run),
            None => lines.push((run.baseline, vec![run])),
        }
    }
    lines.sort_by(|a, b| a.0.total_cmp(&b.0));
    lines
}

#[test]
fn the_paper_is_a4() {
    let (_project, built) = body_only();
    for page in built.document.pages() {
        let size = page.frame.size();
        assert!(
            (size.x.to_mm() - 210.0).abs() < 0.1 && (size.y.to_mm() - 297.0).abs() < 0.1,
            "{size:?}"
        );
    }
}

/// R4, R5, R7, R8, R9, R10, R11, R12 on a page of plain body text.
#[test]
fn a_body_page_holds_22_lines_of_28_characters_on_the_grid() {
    let (_project, built) = body_only();
    let runs = measure::text_runs(&built.document);
    for page in [2, 3] {
        let lines = body_lines(&runs, page);
        assert_eq!(lines.len(), 22, "page {page}: {} lines", lines.len());
        let left = left(page);
        for (row, (baseline, line)) in lines.iter().enumerate() {
            // R7: cell model, row r's baseline at the 版心 top + (r−1)·P + 20.56 pt.
            let expected = TOP + row as f64 * P + (P - 16.0) / 2.0 + 14.08;
            assert!(
                (baseline - expected).abs() < 0.5,
                "page {page} row {}: baseline {baseline:.2}, expected {expected:.2}",
                row + 1
            );
            let x = line.iter().map(|r| r.x).fold(f64::MAX, f64::min);
            let end = line.iter().map(|r| r.end()).fold(0.0, f64::max);
            let glyphs: usize = line.iter().map(|r| r.advances.len()).sum();
            // R10 on the Han characters of lines without punctuation (a mark sits in a cell of its
            // own, and the run before it ends without the tracking of its last glyph).
            let has_punctuation = line.iter().any(|r| {
                r.text
                    .chars()
                    .any(|c| !('\u{4e00}'..='\u{9fff}').contains(&c))
            });
            for run in line {
                assert!(run.family.contains("Song"), "R4 body face: {}", run.family);
                if has_punctuation {
                    continue;
                }
                for advance in &run.advances {
                    assert!((advance - C).abs() < 0.02, "R10 advance {advance}");
                }
            }
            let first_line = (x - left - INDENT).abs() < 0.1;
            let last_line = end < left + WIDTH - 0.3;
            match (first_line, last_line) {
                // R9, R11, R12: a paragraph's first line 26 characters after the indent, full lines 28,
                // both flush with the right edge.
                (true, false) => assert_eq!(glyphs, 26, "page {page} row {}", row + 1),
                (false, false) => {
                    assert!(
                        (x - left).abs() < 0.1,
                        "page {page} row {}: starts at {x:.2}",
                        row + 1
                    );
                    assert_eq!(glyphs, 28, "page {page} row {}", row + 1);
                }
                (_, true) => assert!((x - left).abs() < 0.1 || first_line, "last line flush left"),
            }
            if !last_line {
                assert!(
                    (end - left - WIDTH).abs() < 0.3,
                    "R11 page {page} row {}: ends at {end:.2}",
                    row + 1
                );
            }
        }
        for pair in lines.windows(2) {
            assert!(
                (pair[1].0 - pair[0].0 - P).abs() < 0.05,
                "R5 pitch on page {page}"
            );
        }
    }
}

/// R19 and R22: the red name centred, the red rule as wide as the 版心.
#[test]
fn the_masthead_name_is_centred_and_the_rule_spans_the_text_width() {
    let (_project, built) = body_only();
    let runs = measure::text_runs(&built.document);
    let name = runs
        .iter()
        .find(|r| r.page == 1 && r.text.contains("长艺党建"))
        .expect("masthead name");
    assert_eq!(name.size, 42.0);
    let centre = (name.x + name.end()) / 2.0;
    assert!(
        (centre - (LEFT_ODD + WIDTH / 2.0)).abs() < 0.5,
        "name centred at {centre:.2}"
    );
    let rule = measure::rules(&built.document)
        .into_iter()
        .find(|r| r.page == 1)
        .expect("red rule");
    assert!(
        (rule.start.0 - LEFT_ODD).abs() < 0.6 && (rule.end.0 - LEFT_ODD - WIDTH).abs() < 0.6,
        "{rule:?}"
    );
    assert!((rule.thickness - 1.5).abs() < 0.05, "{rule:?}");
}

/// R34–R36: 「— N —」 in 14 pt, the dash's ink centre 7 mm below the 版心; odd pages right, even left.
#[test]
fn page_numbers_sit_7mm_below_the_text_area_odd_right_even_left() {
    let (_project, built) = body_only();
    let runs = measure::text_runs(&built.document);
    // The em dash's ink centre is 0.2675 em above the baseline in the shipped Song face.
    for page in 1..=built.pages {
        let number = runs
            .iter()
            .find(|r| r.page == page && r.text == format!("— {page} —"))
            .unwrap_or_else(|| panic!("no page number on page {page}"));
        assert_eq!(number.size, 14.0);
        let ink_centre = number.baseline - 0.2675 * 14.0;
        let below = (ink_centre - (TOP + HEIGHT)) / MM;
        assert!(
            (below - 7.0).abs() < 1.0,
            "page {page}: {below:.2} mm below the 版心"
        );
        let left = left(page);
        if page % 2 == 1 {
            // R36: the right ink edge (advance end less the dash's 0.62 pt side bearing) 14 pt in.
            let ink_right = number.end() - 0.62;
            assert!(
                (ink_right - (left + WIDTH - 14.0)).abs() < 2.0,
                "odd page {page} number ends at {ink_right:.2}"
            );
        } else {
            assert!(
                (number.x - left - 14.0).abs() < 2.0,
                "even page {page} number 14 pt in: {:.2}",
                number.x
            );
        }
    }
}

/// R6, R7, R16, R28: in the whole of 第034期 — after headings, photos, the table, the masthead and the
/// title — every 16 pt line sits on one of the 22 grid rows, and headings use body size.
#[test]
fn every_body_line_of_issue_034_sits_on_the_grid() {
    let project = TestProject::new();
    let built = build(&project, "034");
    let runs = measure::text_runs(&built.document);
    let body: Vec<&TextRun> = runs
        .iter()
        .filter(|r| (r.size - 16.0).abs() < 0.01)
        .collect();
    assert!(body.len() > 60, "{} body lines", body.len());
    for run in body {
        let row = (run.baseline - TOP - (P - 16.0) / 2.0 - 14.08) / P;
        assert!(
            (row - row.round()).abs() * P < 0.5 && (0.0..22.0).contains(&row.round()),
            "page {} {:?}: baseline off the grid (row {:.2})",
            run.page,
            run.text,
            row + 1.0
        );
    }
    let all = lines(&runs);
    let headings: Vec<&Line> = all
        .iter()
        .filter(|l| {
            ["一、", "二、", "三、"]
                .iter()
                .any(|o| l.text().starts_with(o))
        })
        .collect();
    assert_eq!(headings.len(), 3);
    assert!(
        headings.iter().all(|h| h
            .runs
            .iter()
            .all(|r| r.size == 16.0 && r.family.contains("Hei"))),
        "R16: {headings:?}"
    );
}

/// R20, R21, R22, R24: number on row 3, publisher and date on row 4 one character in, the rule's
/// centre 4 mm below row 4's em box, the title in 22 pt, centred, lines 35 pt apart.
#[test]
fn the_masthead_rows_the_rule_and_the_title_of_issue_034() {
    let project = TestProject::new();
    let built = build(&project, "034");
    let runs = measure::text_runs(&built.document);
    let row_baseline = |row: f64| TOP + (row - 1.0) * P + (P - 16.0) / 2.0 + 14.08;
    let find = |text: &str| {
        runs.iter()
            .find(|r| r.page == 1 && r.text.contains(text))
            .expect(text)
    };
    // The brackets stand in cells of their own: the number is a line of several runs.
    let all = lines(&runs);
    let number = all
        .iter()
        .find(|l| l.page == 1 && l.text() == "第【034】期")
        .expect("第【034】期");
    assert!((number.baseline - row_baseline(3.0)).abs() < 0.5);
    assert!(((number.x() + number.end()) / 2.0 - (LEFT_ODD + WIDTH / 2.0)).abs() < 0.5);
    let publisher = find("长江艺术工程职业学院党委办公室");
    let date = find("2022年4月4日");
    assert!(
        (publisher.baseline - row_baseline(4.0)).abs() < 0.5
            && (date.baseline - row_baseline(4.0)).abs() < 0.5
    );
    assert!(
        (publisher.x - LEFT_ODD - 16.0).abs() < 0.2,
        "R21 publisher at {:.2}",
        publisher.x - LEFT_ODD
    );
    assert!(
        (date.end() - (LEFT_ODD + WIDTH - 16.0)).abs() < 0.2,
        "R21 date ends at {:.2}",
        date.end()
    );
    let rule = measure::rules(&built.document)
        .into_iter()
        .find(|r| r.page == 1)
        .unwrap();
    let below_em_box = (rule.start.1 - (row_baseline(4.0) + 0.12 * 16.0)) / MM;
    assert!(
        (below_em_box - 4.0).abs() < 0.3,
        "R22 rule {below_em_box:.2} mm below row 4"
    );
    let title: Vec<&TextRun> = runs
        .iter()
        .filter(|r| r.page == 1 && (r.size - 22.0).abs() < 0.01)
        .collect();
    assert_eq!(title.len(), 2, "the title takes two lines");
    for line in &title {
        assert!(
            ((line.x + line.end()) / 2.0 - (LEFT_ODD + WIDTH / 2.0)).abs() < 0.5,
            "R24 centred"
        );
    }
    assert!(
        (title[1].baseline - title[0].baseline - 35.0).abs() < 1.0,
        "R24 title pitch"
    );
}
