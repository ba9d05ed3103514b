//! Building (or checking) every issue at once: issues are built in parallel by worker threads of our own, one
//! pipeline per worker sharing one set of fonts and one index of issue numbers; an issue that fails
//! does not stop the others.
//!
//! The workers are plain threads, not rayon tasks: Typst uses rayon inside each build, and a rayon
//! worker that waits inside the PDF writer may steal another task — were issue builds rayon tasks,
//! it would start a whole other issue on the same stack, and a few hundred issues nest until the
//! stack overflows. Memory is bounded by the number of workers, not of issues: each issue's
//! result is reduced to its outcome, and the compiler's memoised work is evicted as it ages.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::compile::Fonts;
use crate::config::Config;
use crate::diag::{Problem, Problems};
use crate::load::Loaded;
use crate::pipeline::Pipeline;
use crate::project::{IssueId, Project};

/// How one issue of a batch went.
pub struct Outcome {
    pub id: IssueId,
    /// Pages and warnings of a successful build, or the error.
    pub result: anyhow::Result<Summary>,
    pub elapsed: Duration,
}

/// What is kept of a successful build.
pub struct Summary {
    pub pages: usize,
    pub warnings: Vec<Problem>,
}

/// How many compilations Typst's memoised results are kept unused.
const CACHE_GENERATIONS: usize = 4;

/// Builds every issue in `dirs` with `workers` threads (at least one), calling `done` as each
/// finishes (for a progress bar); the outcomes come back in the order of `dirs`.
pub fn build_all(
    project: &Project,
    fonts: Arc<Fonts>,
    config: &Config,
    dirs: &[PathBuf],
    workers: usize,
    done: &(dyn Fn(&Outcome) + Sync),
) -> Vec<Outcome> {
    let build = |pipeline: &mut Pipeline, issue, id: IssueId| {
        let started = Instant::now();
        let result = (pipeline.build_loaded(issue, id.clone())).map(|built| Summary {
            pages: built.pages,
            warnings: built.warnings,
        });
        Outcome {
            id,
            result,
            elapsed: started.elapsed(),
        }
    };
    for_each_issue(project, fonts, config, dirs, workers, &build, done)
}

/// Runs `work` on every issue in `dirs` with `workers` threads (at least one), each with its own
/// pipeline, calling `done` as each finishes; what `work` returns comes back in the order of `dirs`.
/// Keep it small: results are held until all are done.
pub fn for_each_issue<T, W>(
    project: &Project,
    fonts: Arc<Fonts>,
    config: &Config,
    dirs: &[PathBuf],
    workers: usize,
    work: &W,
    done: &(dyn Fn(&T) + Sync),
) -> Vec<T>
where
    T: Send,
    W: Fn(&mut Pipeline, Result<Loaded, Problems>, IssueId) -> T + Sync,
{
    // Every issue is read once: its number for the others' check, its content for its own.
    let (loaded, numbers) = crate::load::load_all(project, dirs);
    let numbers = Arc::new(numbers);
    let loaded: Vec<Mutex<Option<_>>> = loaded.into_iter().map(|l| Mutex::new(Some(l))).collect();
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<T>>> = Mutex::new((0..dirs.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..workers.clamp(1, dirs.len().max(1)) {
            scope.spawn(|| {
                let mut pipeline =
                    Pipeline::with_fonts(project.clone(), fonts.clone(), config.clone());
                pipeline.set_numbers(numbers.clone());
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(dir) = dirs.get(i) else { break };
                    let Some(issue) = loaded[i].lock().ok().and_then(|mut l| l.take()) else {
                        break;
                    };
                    let result = work(&mut pipeline, issue, IssueId::of_dir(dir));
                    comemo::evict(CACHE_GENERATIONS);
                    done(&result);
                    if let Ok(mut results) = results.lock() {
                        results[i] = Some(result);
                    }
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .collect()
}

/// The number of workers to use: one per core.
pub fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}
