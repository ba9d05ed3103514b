//! Benchmark (`cargo bench --bench rebuild`): 第034期 with five full-size phone photos (4000 × 3000
//! JPEGs, made here) in a temporary copy of the project. Reports the first build (photos decoded,
//! scaled and cached), the rebuild after a one-word change of issue.yaml as `bulletin watch` does it
//! (the same `Pipeline`, Typst's caches evicted like the watch loop), and the size of the PDF.
//! Targets: rebuild ≤ 150 ms, PDF ≤ 3 MB. A plain program (`harness = false`): the numbers are
//! printed, not asserted.

use std::io::Cursor;
use std::path::Path;
use std::time::{Duration, Instant};

use bulletin::compile::FontSources;
use bulletin::pipeline::Pipeline;
use bulletin::project::Project;
use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};

const REBUILDS: usize = 10;

/// A 4000 × 3000 JPEG with detail everywhere (a gradient and noise): about 13 MB, more than the
/// 3–6 MB a phone writes, so the photo steps are measured at their hardest.
fn phone_photo(seed: u32) -> Vec<u8> {
    let mut state = seed.wrapping_mul(2_654_435_761).max(1);
    let image = RgbImage::from_fn(4000, 3000, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let noise = (state & 0x3f) as u8;
        Rgb([
            ((x / 16) as u8).wrapping_add(noise),
            ((y / 12) as u8).wrapping_add(noise / 2),
            (((x + y) / 28) as u8).wrapping_add(seed as u8 * 40),
        ])
    });
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(Cursor::new(&mut out), 92)
        .encode_image(&image)
        .expect("encode JPEG");
    out
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let target = to.join(entry.path().strip_prefix(from).expect("inside"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let temp = tempfile::tempdir().expect("temp dir");
    let root = temp.path();
    for folder in ["content", "templates", "assets"] {
        copy_dir(&repo.join(folder), &root.join(folder));
    }
    let photos = root.join("content/034/photos");
    let mut total = 0;
    for n in 1..=5 {
        let bytes = phone_photo(n);
        total += bytes.len();
        std::fs::write(photos.join(format!("0{n}.jpg")), bytes).expect("write photo");
    }
    let issue = root.join("content/034/issue.yaml");
    let text = std::fs::read_to_string(&issue).expect("issue.yaml");
    let anchor = "caption: 部分教师的政治学习笔记和心得体会\n";
    let fifth =
        "                    - photo: photos/05.jpg\n                      caption: 第五张照片\n";
    let text = text.replacen(anchor, &format!("{anchor}{fifth}"), 1);
    std::fs::write(&issue, &text).expect("issue.yaml");
    println!(
        "第034期，5 张 4000 × 3000 的照片（共 {:.1} MB）",
        total as f64 / 1e6
    );

    let started = Instant::now();
    let project = Project {
        root: root.to_path_buf(),
    };
    let mut pipeline = Pipeline::new(project, FontSources::ShippedOnly).expect("fonts");
    let fonts = started.elapsed();
    let dir = root.join("content/034");
    let started = Instant::now();
    let built = pipeline.build(&dir).expect("first build");
    let first = started.elapsed();
    println!("fonts loaded:                   {}", ms(fonts));
    println!(
        "first build:                    {} ({} pages, photos decoded, scaled and cached)",
        ms(first),
        built.pages
    );

    let mut times = Vec::new();
    for i in 0..REBUILDS {
        // One word changed, as an editor would.
        let word = if i % 2 == 0 {
            "认真开展"
        } else {
            "积极开展"
        };
        let edited = text.replacen("认真开展学习动员", &format!("{word}学习动员"), 1);
        std::fs::write(&issue, edited).expect("edit");
        let started = Instant::now();
        pipeline.build(&dir).expect("rebuild");
        comemo::evict(10);
        times.push(started.elapsed());
    }
    times.sort();
    println!(
        "rebuild after a one-word edit:  median {}, min {}, max {} ({REBUILDS} rebuilds, target ≤ 150 ms)",
        ms(times[REBUILDS / 2]),
        ms(times[0]),
        ms(times[REBUILDS - 1])
    );

    let mut fresh = Pipeline::new(
        Project {
            root: root.to_path_buf(),
        },
        FontSources::ShippedOnly,
    )
    .expect("fonts");
    let started = Instant::now();
    fresh
        .build(&dir)
        .expect("build with the photo cache on disk");
    println!(
        "build in a new process, photos cached on disk: {}",
        ms(started.elapsed())
    );

    let size = std::fs::metadata(&built.paths.pdf).expect("PDF").len();
    println!(
        "PDF size:                       {:.2} MB (target ≤ 3 MB)",
        size as f64 / 1e6
    );
}
