//! Measures the laid-out pages without going through the PDF: where each run of text sits, in which
//! face and size, and where the rules are. The layout tests check the GB/T 9704 grid with it.

use typst::layout::{Frame, FrameItem, Point, Transform};
use typst::visualize::{Geometry, Paint};
use typst_layout::PagedDocument;

/// One run of text (a line or part of one) in one font.
#[derive(Debug, Clone)]
pub struct TextRun {
    /// 1-based page number.
    pub page: usize,
    /// Origin of the first glyph, from the page's left edge, in pt.
    pub x: f64,
    /// Baseline, from the page's top edge, in pt.
    pub baseline: f64,
    /// Font size in pt.
    pub size: f64,
    /// The font's family name.
    pub family: String,
    pub text: String,
    /// Each glyph's advance on the page in pt (tracking, justification and scaling included).
    pub advances: Vec<f64>,
    /// The fill colour.
    pub fill: Paint,
    /// Thickness of the outline stroke in pt ("bold" made by stroking), if any.
    pub stroke: Option<f64>,
    /// The font's cap height at this size, in pt.
    pub cap_height: f64,
    /// The unit vector along the baseline on the page: (1, 0) upright, (0, -1) for text turned a
    /// quarter turn to read upwards (a landscape table on a portrait page).
    pub direction: (f64, f64),
}

impl TextRun {
    /// Where the last glyph's advance ends, in pt from the page's left edge.
    pub fn end(&self) -> f64 {
        self.x + self.advances.iter().sum::<f64>()
    }
}

/// A straight line drawn on a page (rules of the masthead and the 报尾).
#[derive(Debug, Clone)]
pub struct Rule {
    pub page: usize,
    pub start: (f64, f64),
    pub end: (f64, f64),
    /// Stroke thickness in pt.
    pub thickness: f64,
    pub paint: Paint,
}

/// A raster or vector image placed on a page.
#[derive(Debug, Clone)]
pub struct PlacedImage {
    pub page: usize,
    /// Top-left corner from the page's top-left, in pt.
    pub x: f64,
    pub y: f64,
    /// Printed size in pt.
    pub width: f64,
    pub height: f64,
    /// The image's own size in pixels.
    pub pixels: (f64, f64),
}

/// Every text run of the document, page by page, in frame order.
pub fn text_runs(document: &PagedDocument) -> Vec<TextRun> {
    let mut runs = Vec::new();
    walk_pages(document, &mut |page, ts, pos, item| {
        if let FrameItem::Text(text) = item {
            let origin = pos.transform(ts);
            let size = text.size.to_pt();
            // Horizontal scaling (a condensed masthead) scales the advances on the page too; a
            // rotation turns the baseline.
            let (dx, dy) = (ts.sx.get(), ts.ky.get());
            let scale = dx.hypot(dy);
            let advances = text
                .glyphs
                .iter()
                .map(|g| g.x_advance.at(text.size).to_pt() * scale)
                .collect();
            runs.push(TextRun {
                page,
                x: origin.x.to_pt(),
                baseline: origin.y.to_pt(),
                size,
                family: text.font.info().family.clone(),
                text: text.text.to_string(),
                advances,
                fill: text.fill.clone(),
                stroke: text.stroke.as_ref().map(|s| s.thickness.to_pt()),
                cap_height: text.font.metrics().cap_height.at(text.size).to_pt(),
                direction: (dx / scale, dy / scale),
            });
        }
    });
    runs
}

/// Every straight line of the document.
pub fn rules(document: &PagedDocument) -> Vec<Rule> {
    let mut rules = Vec::new();
    walk_pages(document, &mut |page, ts, pos, item| {
        if let FrameItem::Shape(shape, _) = item
            && let Geometry::Line(to) = shape.geometry
            && let Some(stroke) = &shape.stroke
        {
            let start = pos.transform(ts);
            let end = (pos + to).transform(ts);
            rules.push(Rule {
                page,
                start: (start.x.to_pt(), start.y.to_pt()),
                end: (end.x.to_pt(), end.y.to_pt()),
                thickness: stroke.thickness.to_pt(),
                paint: stroke.paint.clone(),
            });
        }
    });
    rules
}

/// Every image of the document.
pub fn images(document: &PagedDocument) -> Vec<PlacedImage> {
    let mut images = Vec::new();
    walk_pages(document, &mut |page, ts, pos, item| {
        if let FrameItem::Image(image, size, _) = item {
            let origin = pos.transform(ts);
            images.push(PlacedImage {
                page,
                x: origin.x.to_pt(),
                y: origin.y.to_pt(),
                width: size.x.to_pt(),
                height: size.y.to_pt(),
                pixels: (image.width(), image.height()),
            });
        }
    });
    images
}

fn walk_pages(document: &PagedDocument, f: &mut dyn FnMut(usize, Transform, Point, &FrameItem)) {
    fn walk(
        frame: &Frame,
        page: usize,
        ts: Transform,
        f: &mut dyn FnMut(usize, Transform, Point, &FrameItem),
    ) {
        for (pos, item) in frame.items() {
            if let FrameItem::Group(group) = item {
                let inner = ts
                    .pre_concat(Transform::translate(pos.x, pos.y))
                    .pre_concat(group.transform);
                walk(&group.frame, page, inner, f);
            } else {
                f(page, ts, *pos, item);
            }
        }
    }
    for (i, page) in document.pages().iter().enumerate() {
        walk(&page.frame, i + 1, Transform::identity(), f);
    }
}

/// Text that lies outside the 版心 (the type area, GB/T 9704: 156 × 225 mm at 37 mm from the top
/// and 26–28 mm from the side), page numbers aside: content that does not fit its place, which an
/// editor would otherwise only notice on paper. One run per page, with its page number.
pub fn outside_type_area(document: &PagedDocument) -> Vec<(usize, String)> {
    const MM: f64 = 72.0 / 25.4;
    let (left, right) = (26.0 * MM - 2.0, (28.0 + 156.0) * MM + 2.0);
    let (top, bottom) = (37.0 * MM - 2.0, (37.0 + 225.0) * MM + 2.0);
    let mut found: Vec<(usize, String)> = Vec::new();
    for run in text_runs(document) {
        let length: f64 = run.advances.iter().sum();
        let end = (
            run.x + run.direction.0 * length,
            run.baseline + run.direction.1 * length,
        );
        let inside =
            |(x, y): (f64, f64)| (left..=right).contains(&x) && (top..=bottom).contains(&y);
        let page_number = run.baseline > bottom && run.text.trim().starts_with('—');
        if page_number || (inside((run.x, run.baseline)) && inside(end)) {
            continue;
        }
        if !found.iter().any(|(page, _)| *page == run.page) {
            found.push((run.page, run.text.clone()));
        }
    }
    found
}
