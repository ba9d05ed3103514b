//! `bulletin volume 2022`: the year's issues bound into one PDF.

use anyhow::Result;

use super::show;
use crate::config::Config;
use crate::pipeline::Pipeline;
use crate::project::Project;
use crate::say;

pub fn run(project: Project, year: i32, config: Config) -> Result<()> {
    super::tidy(&project);
    let started = std::time::Instant::now();
    let mut pipeline = Pipeline::new(project, config)?;
    let volume = crate::volume::build_volume(&mut pipeline, year)?;
    say!(
        "已生成{year}年合订本（{} 期：第{}期，共 {} 页，用时 {:.1} 秒）：",
        volume.issues.len(),
        volume.issues.join("、"),
        volume.pages,
        started.elapsed().as_secs_f64()
    );
    say!("  {}", show(&volume.pdf));
    say!("  {}", show(&volume.typst));
    Ok(())
}
