//! Building every issue at once: issues are built in parallel (rayon), one pipeline per worker
//! thread sharing one set of fonts; an issue that fails does not stop the others.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::compile::{Fonts, PdfSettings};
use crate::pipeline::{Built, EngineOptions, Pipeline};
use crate::project::Project;

/// How one issue of a batch went.
pub struct Outcome {
    /// The issue folder's name, e.g. `034`.
    pub folder: String,
    pub result: anyhow::Result<Built>,
    pub elapsed: Duration,
}

/// Builds every issue in `dirs`, calling `done` as each finishes (for a progress bar); the outcomes
/// come back in the order of `dirs`.
pub fn build_all(
    project: &Project,
    fonts: Arc<Fonts>,
    settings: PdfSettings,
    engine: &EngineOptions,
    dirs: &[PathBuf],
    done: &(dyn Fn(&Outcome) + Sync),
) -> Vec<Outcome> {
    dirs.par_iter()
        .map_init(
            || {
                Pipeline::with_fonts(project.clone(), fonts.clone())
                    .with_pdf_settings(settings)
                    .with_engine(engine.clone())
            },
            |pipeline, dir| {
                let started = Instant::now();
                let result = pipeline.build(dir);
                let outcome = Outcome {
                    folder: dir
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    result,
                    elapsed: started.elapsed(),
                };
                done(&outcome);
                outcome
            },
        )
        .collect()
}
