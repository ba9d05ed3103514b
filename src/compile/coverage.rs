//! Characters printed by a fallback face. Typst picks the face per character: a character the
//! role's face lacks comes from the next family of the role's chain (templates/fonts.yaml) that
//! has it, or from any other loaded font. The page still prints, but in a face the editor did not
//! choose, so each such character is reported (a warning, not an error).
//!
//! The laid-out frames do not say which role a run of text belongs to, only its face. A run is a
//! fallback when its face is the resolved face of no role, or when it sits on a line between runs
//! of a role's face that lacks every character of it: Typst breaks a run exactly where the face
//! changes, so the characters a face lacks form runs of their own beside it.

use std::collections::{BTreeMap, BTreeSet};

use typst::layout::{Frame, FrameItem, Point};
use typst::text::{Font, TextItem};
use typst_layout::PagedDocument;

use super::fonts::FontRole;

/// One character printed by a face that is not its role's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fallback {
    pub ch: char,
    /// The face that printed it: its family, and its weight unless regular ("Bulletin Hei",
    /// "Bulletin Song Black").
    pub face: String,
    /// The faces it stood among that lack it (e.g. "Bulletin Kai"); if it stood alone, the
    /// resolved faces printed elsewhere in the document that lack it. May be empty.
    pub lacking: Vec<String>,
    /// The first page (1-based) it is printed on.
    pub page: usize,
}

/// Every character printed by a fallback face, one entry per character and face, sorted by
/// character and face. Characters printed as glyph 0 (no face has them) are not included: see
/// [`super::missing_glyphs`].
pub fn fallbacks(document: &PagedDocument, roles: &[FontRole]) -> Vec<Fallback> {
    let resolved: BTreeSet<String> = roles
        .iter()
        .filter_map(|r| r.resolved.as_deref())
        .map(str::to_lowercase)
        .collect();
    let is_resolved = |font: &Font| resolved.contains(&font.info().family.to_lowercase());

    // The faces of the resolved families as printed (both weights of Bulletin Song, say).
    let mut role_faces: Vec<Font> = Vec::new();
    for_each_frame(document, &mut |_, frame| {
        for run in runs(frame) {
            let font = run.item.font.font();
            if is_resolved(font) && !role_faces.contains(font) {
                role_faces.push(font.clone());
            }
        }
    });

    let mut found: BTreeMap<(char, String), (BTreeSet<String>, usize)> = BTreeMap::new();
    for_each_frame(document, &mut |page, frame| {
        let runs = runs(frame);
        for (i, run) in runs.iter().enumerate() {
            let font = run.item.font.font();
            let chars = printed_chars(run.item);
            if chars.is_empty() {
                continue;
            }
            // The runs right before and after it on the same line in another role's face (a face
            // no role chose is a fallback itself and says nothing about the role).
            let neighbours = [i.checked_sub(1), Some(i + 1)]
                .into_iter()
                .flatten()
                .filter_map(|j| runs.get(j))
                .filter(|other| other.touches(run) || run.touches(other))
                .map(|other| other.item.font.font())
                .filter(|other| *other != font && is_resolved(other));
            let stood_among: Vec<&Font> = neighbours
                .filter(|other| chars.iter().all(|c| !covers(other, *c)))
                .collect();
            if is_resolved(font) && stood_among.is_empty() {
                continue;
            }
            for &c in &chars {
                let lacking: Vec<String> = if stood_among.is_empty() {
                    (role_faces.iter())
                        .filter(|f| !covers(f, c))
                        .map(face_name)
                        .collect()
                } else {
                    stood_among.iter().map(|f| face_name(f)).collect()
                };
                let entry = found
                    .entry((c, face_name(font)))
                    .or_insert_with(|| (BTreeSet::new(), page));
                entry.0.extend(lacking);
            }
        }
    });
    found
        .into_iter()
        .map(|((ch, face), (lacking, page))| Fallback {
            ch,
            face,
            lacking: lacking.into_iter().collect(),
            page,
        })
        .collect()
}

/// A face's name as an editor would look for it: the family, and the weight unless regular.
pub fn face_name(font: &Font) -> String {
    let info = font.info();
    let weight = match info.variant.weight.to_number() {
        100 => "Thin",
        200 => "ExtraLight",
        300 => "Light",
        500 => "Medium",
        600 => "SemiBold",
        700 => "Bold",
        800 => "ExtraBold",
        900 => "Black",
        _ => return info.family.clone(),
    };
    format!("{} {weight}", info.family)
}

fn covers(font: &Font, c: char) -> bool {
    font.info().coverage.contains(c as u32)
}

/// A text item of a frame, where it starts and ends on its baseline.
struct Run<'a> {
    item: &'a TextItem,
    start: Point,
    end: f64,
}

impl Run<'_> {
    /// Whether `next` continues this run on the same line, with no gap between them.
    fn touches(&self, next: &Run) -> bool {
        (self.start.y - next.start.y).to_pt().abs() < 0.01
            && (self.end - next.start.x.to_pt()).abs() < 0.5
    }
}

/// The text items of one frame (not of the frames inside it), line by line, left to right.
fn runs(frame: &Frame) -> Vec<Run<'_>> {
    let mut runs: Vec<Run> = frame
        .items()
        .filter_map(|(pos, item)| match item {
            FrameItem::Text(text) => Some(Run {
                item: text,
                start: *pos,
                end: (pos.x + text.width()).to_pt(),
            }),
            _ => None,
        })
        .collect();
    runs.sort_by(|a, b| {
        (a.start.y.to_pt(), a.start.x.to_pt())
            .partial_cmp(&(b.start.y.to_pt(), b.start.x.to_pt()))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    runs
}

/// The characters of a run that were printed with a real glyph (not blank, not glyph 0).
fn printed_chars(item: &TextItem) -> Vec<char> {
    let mut chars = Vec::new();
    for glyph in item.glyphs.iter().filter(|g| g.id != 0) {
        for c in item.text[glyph.range()].chars() {
            if !c.is_whitespace() && !chars.contains(&c) {
                chars.push(c);
            }
        }
    }
    chars
}

/// Calls `f` with every frame of the document (pages and the groups inside them) and its page.
fn for_each_frame(document: &PagedDocument, f: &mut dyn FnMut(usize, &Frame)) {
    fn walk(frame: &Frame, page: usize, f: &mut dyn FnMut(usize, &Frame)) {
        f(page, frame);
        for (_, item) in frame.items() {
            if let FrameItem::Group(group) = item {
                walk(&group.frame, page, f);
            }
        }
    }
    for (i, page) in document.pages().iter().enumerate() {
        walk(&page.frame, i + 1, f);
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};
    use std::sync::{Arc, OnceLock};

    use super::*;
    use crate::compile::{FontSources, Fonts, ProjectWorld, layout};
    use crate::model::Date;

    fn repo() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    fn shipped() -> Arc<Fonts> {
        static FONTS: OnceLock<Arc<Fonts>> = OnceLock::new();
        let fonts = FONTS.get_or_init(|| {
            Fonts::load(&repo().join("assets/fonts"), FontSources::ShippedOnly).unwrap()
        });
        fonts.clone()
    }

    /// Lays out `body` with only the shipped fonts.
    fn lay_out(body: &str) -> PagedDocument {
        let dir = tempfile::tempdir().unwrap();
        let mut world = ProjectWorld::new(dir.path(), shipped());
        let source = format!("#set page(width: 300pt, height: auto)\n{body}");
        let date = Date {
            year: 2022,
            month: 5,
            day: 1,
        };
        let main = crate::compile::MainSource {
            vpath: "/main.typ",
            shown: std::path::Path::new("main.typ"),
            text: source,
        };
        let (document, _) = layout(&mut world, main, date).unwrap_or_else(|e| panic!("{e:?}"));
        document
    }

    /// The roles of `chains` (YAML as in templates/fonts.yaml) as the shipped fonts resolve them.
    fn roles(chains: &str) -> Vec<FontRole> {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("fonts.yaml");
        std::fs::write(&file, chains).unwrap();
        shipped().roles(Path::new(&file)).unwrap()
    }

    fn has(family: &str, weight: u16, c: char) -> bool {
        let fonts = shipped();
        let book = fonts.book();
        (0..)
            .map_while(|i| book.info(i).map(|info| (i, info)))
            .any(|(_, info)| {
                info.family == family
                    && info.variant.weight.to_number() == weight
                    && info.coverage.contains(c as u32)
            })
    }

    const CHAINS: &str = "fangsong: [FangSong_GB2312, Bulletin Song, Bulletin Kai, Bulletin Hei]\n\
                          heiti: [SimHei, Bulletin Hei, Bulletin Song, Bulletin Kai]\n\
                          kaiti: [KaiTi_GB2312, Bulletin Kai, Bulletin Song, Bulletin Hei]\n";

    #[test]
    fn a_character_the_kai_face_lacks_is_reported_as_printed_by_the_song_face() {
        // 龍 is in GBK but not in 《通用规范汉字表》: Bulletin Song has it, Bulletin Kai does not.
        assert!(has("Bulletin Song", 400, '龍') && !has("Bulletin Kai", 400, '龍'));
        let document = lay_out(
            "#set text(font: (\"Bulletin Kai\", \"Bulletin Song\", \"Bulletin Hei\"), fallback: false, lang: \"zh\", region: \"cn\")\n\
             杨龍在讲课\n\n#text(font: \"Bulletin Song\")[宋体正文里的龍是它自己的字。]\n",
        );
        let found = fallbacks(&document, &roles(CHAINS));
        assert_eq!(
            found,
            vec![Fallback {
                ch: '龍',
                face: "Bulletin Song".into(),
                lacking: vec!["Bulletin Kai".into()],
                page: 1,
            }],
        );
    }

    #[test]
    fn text_in_each_roles_own_face_has_no_fallbacks_even_where_the_faces_change_in_a_line() {
        // 编者按 style: a 黑体 label, then 楷体; body text in 宋体 with a 楷体 word and Latin.
        let document = lay_out(
            "#set text(font: (\"Bulletin Song\", \"Bulletin Kai\", \"Bulletin Hei\"), fallback: false, lang: \"zh\", region: \"cn\")\n\
             #text(font: \"Bulletin Hei\")[编者按：]#text(font: \"Bulletin Kai\")[现将检查情况通报如下。]\n\n\
             正文中有#text(font: \"Bulletin Kai\")[强调]的字，也有 GB/T 9704—2012 和“引号”。\n",
        );
        assert_eq!(fallbacks(&document, &roles(CHAINS)), vec![]);
    }

    #[test]
    fn a_face_that_serves_no_role_is_always_a_fallback() {
        // Only 仿宋 is a role here, so the 黑体 run is printed by a face no role chose.
        let document = lay_out(
            "#set text(font: \"Bulletin Song\", fallback: false, lang: \"zh\", region: \"cn\")\n\
             甲#text(font: \"Bulletin Hei\")[乙]丙\n",
        );
        let found = fallbacks(&document, &roles("fangsong: [Bulletin Song]\n"));
        assert_eq!(
            found,
            vec![Fallback {
                ch: '乙',
                face: "Bulletin Hei".into(),
                lacking: vec![],
                page: 1,
            }],
        );
    }

    #[test]
    fn a_title_character_the_black_weight_lacks_comes_from_hei_and_names_the_black_weight() {
        assert!(has("Bulletin Song", 400, '龍') && !has("Bulletin Song", 900, '龍'));
        let document = lay_out(
            "#set text(font: (\"Bulletin Song\", \"Bulletin Hei\", \"Bulletin Kai\"), weight: 900, fallback: false, lang: \"zh\", region: \"cn\")\n\
             龍舟队夺冠\n",
        );
        let found = fallbacks(&document, &roles(CHAINS));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].ch, found[0].face.as_str()),
            ('龍', "Bulletin Hei")
        );
        assert_eq!(found[0].lacking, vec!["Bulletin Song Black".to_string()]);
    }
}
