//! How a command builds, resolved once before the pipeline runs: the command line's choices (fonts,
//! engine, the PDF's kind and date, progress display) in one value, so no stage takes loose flags.
//! What bulletin.yaml and the issue decide is resolved against it per issue ([`Config::engine_for`]
//! here; the 报尾's editor, reviewer and print run in the view).

use std::path::PathBuf;

use crate::compile::{FontSources, PdfSettings};
use crate::model::{Bulletin, Engine};

/// Everything a build needs besides the content.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Shipped fonts only, or the machine's as well.
    pub fonts: FontSources,
    /// Refuse to build when 仿宋 or 小标宋 is only a shipped substitute (R40).
    pub strict_fonts: bool,
    /// `--engine`: overrides bulletin.yaml's `engine`.
    pub engine: Option<Engine>,
    /// `--typst PATH`: the typst program of the `typst-cli` engine (default: `typst` on PATH).
    pub typst: Option<PathBuf>,
    /// PDF/A or print, the recorded creation date, layout only (`check`).
    pub pdf: PdfSettings,
    /// Show a progress bar on a terminal while photos are prepared.
    pub progress: bool,
}

impl Config {
    /// The engine that exports the PDF of an issue with these settings: the command line's, else
    /// bulletin.yaml's; checking lays out with the embedded compiler and needs no external program.
    pub fn engine_for(&self, bulletin: &Bulletin) -> Engine {
        if self.pdf.layout_only {
            Engine::Embedded
        } else {
            self.engine.unwrap_or(bulletin.engine)
        }
    }
}

impl From<FontSources> for Config {
    fn from(fonts: FontSources) -> Config {
        Config {
            fonts,
            ..Config::default()
        }
    }
}
