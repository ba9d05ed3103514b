//! Fonts: the faces shipped in `assets/fonts` (always) plus, unless switched off, the machine's own
//! fonts, so that official faces such as FangSong_GB2312 win where they are installed.
//!
//! Loaded once per process: a `Fonts` is shared by every build through an `Arc`.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Result, bail};
use typst::text::FontBook;
use typst::utils::LazyHash;
use typst_kit::fonts::{self, FontStore};

/// Every font a build may use; glyph data is read lazily, on first use, and then kept.
pub struct Fonts {
    store: FontStore,
}

/// Where fonts come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FontSources {
    /// Only the shipped fonts: the same PDF on every machine (tests use this).
    ShippedOnly,
    /// Shipped fonts and the system's, so installed official fonts are preferred.
    ShippedAndSystem,
}

impl Fonts {
    /// Scans `assets/fonts` of the project (and the system's fonts if asked).
    pub fn load(font_dir: &Path, sources: FontSources) -> Result<Arc<Fonts>> {
        let mut store = FontStore::new();
        store.extend(fonts::scan(font_dir));
        if store.book().families().next().is_none() {
            bail!(
                "在 {} 中没有找到任何字体。\n  提示：这个文件夹应随项目一起提供，请检查项目是否完整（git status）。",
                font_dir.display()
            );
        }
        if sources == FontSources::ShippedAndSystem {
            store.extend(fonts::system());
        }
        Ok(Arc::new(Fonts { store }))
    }

    pub(crate) fn book(&self) -> &LazyHash<FontBook> {
        self.store.book()
    }

    pub(crate) fn font(&self, index: usize) -> Option<typst::text::Font> {
        self.store.font(index)
    }
}
