//! Photos as editors have them: EXIF orientation applied, scaled down to 300 dpi at the printed
//! width, cached by content under output/.cache/photos/, and what cannot be decoded safely refused.

use std::io::Cursor;
use std::path::PathBuf;

use bulletin::compile::measure;
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageEncoder, Rgb, RgbImage};

use crate::layout::build;
use crate::support::TestProject;

/// An EXIF block (little-endian TIFF) holding only the Orientation tag (0x0112) with `value`.
fn exif_orientation(value: u16) -> Vec<u8> {
    let mut exif = b"II*\0".to_vec();
    exif.extend_from_slice(&8u32.to_le_bytes()); // offset of IFD0
    exif.extend_from_slice(&1u16.to_le_bytes()); // one entry
    exif.extend_from_slice(&0x0112u16.to_le_bytes()); // Orientation
    exif.extend_from_slice(&3u16.to_le_bytes()); // SHORT
    exif.extend_from_slice(&1u32.to_le_bytes()); // count
    exif.extend_from_slice(&value.to_le_bytes());
    exif.extend_from_slice(&[0, 0]); // padding of the value field
    exif.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
    exif
}

/// A JPEG of `width` × `height` stored pixels with a gradient (so it does not compress to nothing),
/// with an EXIF orientation if given.
fn jpeg(width: u32, height: u32, orientation: Option<u16>) -> Vec<u8> {
    let image = RgbImage::from_fn(width, height, |x, y| {
        Rgb([(x * 255 / width) as u8, (y * 255 / height) as u8, 128])
    });
    let mut out = Vec::new();
    let mut encoder = JpegEncoder::new_with_quality(&mut out, 90);
    if let Some(value) = orientation {
        encoder.set_exif_metadata(exif_orientation(value)).unwrap();
    }
    encoder
        .write_image(
            image.as_raw(),
            width,
            height,
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

/// Issue 097 with one photo `photos/<name>` at `width` percent (default when `None`).
fn issue_with_photo(name: &str, bytes: &[u8], width: Option<u32>) -> TestProject {
    let project = TestProject::new();
    let photo = project.path(&format!("content/097/photos/{name}"));
    std::fs::create_dir_all(photo.parent().unwrap()).unwrap();
    std::fs::write(&photo, bytes).unwrap();
    let width = width
        .map(|w| format!("        width: {w}\n"))
        .unwrap_or_default();
    project.write(
        "content/097/issue.yaml",
        &format!(
            "number: 97\ndate: 2022-05-01\narticles:\n  - title: 照片测试\n    lead:\n      - 一段话。\n      - photo: photos/{name}\n        caption: 照片说明\n{width}"
        ),
    );
    project
}

fn cached_photos(project: &TestProject) -> Vec<PathBuf> {
    let dir = project.path("output/.cache/photos");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| entries.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

#[test]
fn a_photo_turned_by_its_exif_orientation_comes_out_upright() {
    // Stored landscape 1200 × 800, EXIF 6 ("turn 90° clockwise"): the photo is portrait.
    let project = issue_with_photo("01.jpg", &jpeg(1200, 800, Some(6)), None);
    let built = build(&project, "097");
    let images = measure::images(&built.document);
    assert_eq!(images.len(), 1);
    let placed = &images[0];
    assert!(
        placed.height > placed.width * 1.4,
        "printed {:.1} × {:.1} pt: not upright",
        placed.width,
        placed.height
    );
    // The PDF uses the prepared copy, which carries the turn in its pixels.
    let typst = project.read("output/097/第097期.typ");
    assert!(typst.contains("/output/.cache/photos/"), "{typst}");
    let cached = cached_photos(&project);
    assert_eq!(cached.len(), 1, "{cached:?}");
    let copy = image::open(&cached[0]).unwrap();
    assert!(
        copy.height() > copy.width(),
        "{}×{}",
        copy.width(),
        copy.height()
    );
}

#[test]
fn a_phone_photo_is_scaled_to_300_dpi_at_its_printed_width_and_cached() {
    let project = issue_with_photo("01.jpg", &jpeg(4000, 3000, None), Some(50));
    let built = build(&project, "097");
    let images = measure::images(&built.document);
    let placed = &images[0];
    let inches = placed.width / 72.0;
    let dpi = placed.pixels.0 / inches;
    assert!(dpi <= 300.5, "{dpi:.1} dpi");
    assert!(dpi >= 290.0, "scaled too far: {dpi:.1} dpi");
    let ratio = (placed.width / placed.height) / (4000.0 / 3000.0);
    assert!((ratio - 1.0).abs() < 0.005, "aspect ratio off by {ratio}");

    // A second build, in a new pipeline (a new process), decodes nothing: the cached copy is
    // neither rewritten nor joined by another.
    let cached = cached_photos(&project);
    assert_eq!(cached.len(), 1, "{cached:?}");
    let modified = std::fs::metadata(&cached[0]).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let again = build(&project, "097");
    assert_eq!(cached_photos(&project), cached);
    assert_eq!(
        std::fs::metadata(&cached[0]).unwrap().modified().unwrap(),
        modified,
        "the cached photo was written again"
    );
    assert_eq!(measure::images(&again.document)[0].pixels, placed.pixels);
}

#[test]
fn a_small_upright_jpeg_is_used_as_it_is() {
    let project = issue_with_photo("01.jpg", &jpeg(1000, 750, None), None);
    build(&project, "097");
    let typst = project.read("output/097/第097期.typ");
    assert!(typst.contains("/content/097/photos/01.jpg"), "{typst}");
    assert!(cached_photos(&project).is_empty());
}

#[test]
fn a_bmp_photo_is_converted_for_print() {
    let image = DynamicImage::ImageRgb8(RgbImage::from_pixel(1000, 500, Rgb([90, 90, 90])));
    let mut bmp = Vec::new();
    image
        .write_to(&mut Cursor::new(&mut bmp), image::ImageFormat::Bmp)
        .unwrap();
    let project = issue_with_photo("01.bmp", &bmp, None);
    let built = build(&project, "097");
    assert_eq!(measure::images(&built.document).len(), 1);
    let cached = cached_photos(&project);
    assert_eq!(cached.len(), 1);
    assert_eq!(cached[0].extension().unwrap(), "jpg");
}

#[test]
fn a_photo_too_large_to_decode_safely_is_refused_by_its_header() {
    // A GIF header claiming 65535 × 65535 pixels (4.3 gigapixels) and nothing after it.
    let mut gif = b"GIF89a".to_vec();
    gif.extend_from_slice(&65535u16.to_le_bytes());
    gif.extend_from_slice(&65535u16.to_le_bytes());
    gif.extend_from_slice(&[0, 0, 0]);
    gif.extend_from_slice(&[0x2C, 0, 0, 0, 0]);
    gif.extend_from_slice(&65535u16.to_le_bytes());
    gif.extend_from_slice(&65535u16.to_le_bytes());
    gif.extend_from_slice(&[0, 2, 2, 0x4C, 0x01, 0, 0x3B]);
    let project = issue_with_photo("01.gif", &gif, None);
    project.build("097").assert_failed_with(
        "图片「photos/01.gif」有 65535 × 65535 像素，太大了，无法安全处理（最多 1 亿像素）",
    );
    assert!(!project.path("output/097/第097期.pdf").exists());
}
