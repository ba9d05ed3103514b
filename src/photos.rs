//! Photos as editors have them, made ready for print: the EXIF orientation applied, scaled down to
//! 300 dpi at the printed width (never up), re-encoded as JPEG (PNG when the photo has transparency),
//! and cached by content under `output/.cache/photos/`, so an unchanged photo costs nothing on the
//! next build. A photo that needs none of this (upright, small enough, in a format Typst reads) is
//! used as it is.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use sha2::{Digest, Sha256};
use typst::foundations::Bytes;

use crate::diag::Problem;
use crate::output::write_atomic;

use crate::render::TEXT_WIDTH_MM;
/// Print resolution: more pixels than this per inch of paper are not seen, only carried.
pub const PRINT_DPI: f64 = 300.0;
/// The largest photo decoded, in pixels: 1 亿 (100 megapixels; phones take 12 to 50). The messages
/// say "1 亿像素".
pub const MAX_PIXELS: u64 = 100_000_000;
/// The most memory the decoder may allocate for one photo.
const MAX_ALLOC: u64 = 1 << 30;
const JPEG_QUALITY: u8 = 85;
/// Where prepared photos are kept, relative to the project root.
pub const CACHE_DIR: &str = "output/.cache/photos";

/// The largest photo file read (a phone photo is a few megabytes).
pub const MAX_PHOTO_BYTES: u64 = 200 * 1024 * 1024;

/// Why a photo cannot be prepared.
#[derive(Debug, Clone, PartialEq)]
pub enum PhotoError {
    /// No image format the decoder knows.
    NotAnImage,
    /// More pixels than [`MAX_PIXELS`], by its header.
    TooLarge { width: u32, height: u32 },
    /// The decoder failed: the file is damaged or uses a variant it does not support.
    Damaged,
    /// Decoding it would need more memory than allowed.
    TooMuchMemory,
    /// The photo or the cache could not be read or written (not the photo's fault).
    Io(Problem),
}

impl PhotoError {
    /// The problem for photo `file` (as written in issue.yaml), in Chinese with what to do.
    pub fn problem(&self, file: &str) -> Problem {
        let retake = "用看图软件打开它检查；能打开的话另存为 JPEG，再替换原文件。";
        match self {
            PhotoError::NotAnImage => {
                Problem::error(format!("图片「{file}」无法处理：不是可以读取的图片")).hint(retake)
            }
            PhotoError::TooLarge { width, height } => Problem::error(format!(
                "图片「{file}」有 {width} × {height} 像素，超过了可以安全处理的 1 亿像素"
            ))
            .hint("用看图软件把它缩小（例如长边 4000 像素）后另存为 JPEG，再替换原文件。"),
            PhotoError::Damaged => {
                Problem::error(format!("图片「{file}」已损坏，无法读取")).hint(retake)
            }
            PhotoError::TooMuchMemory => {
                Problem::error(format!("图片「{file}」解码需要的内存超出了限制"))
                    .hint("用看图软件把它缩小（例如长边 4000 像素）后另存为 JPEG，再替换原文件。")
            }
            PhotoError::Io(problem) => problem.clone(),
        }
    }
}

impl From<image::ImageError> for PhotoError {
    fn from(err: image::ImageError) -> Self {
        match err {
            image::ImageError::Unsupported(_) => PhotoError::NotAnImage,
            image::ImageError::Limits(_) => PhotoError::TooMuchMemory,
            _ => PhotoError::Damaged,
        }
    }
}

/// A failed write of the photo cache, in Chinese (a full disk is not the photo's fault).
fn cache_error(err: anyhow::Error, file: &Path) -> PhotoError {
    let action = format!("无法把处理好的照片存入 {}", file.display());
    PhotoError::Io(match err.downcast_ref::<std::io::Error>() {
        Some(io) => crate::files::io_problem(io, &action),
        None => Problem::error(action).cause(format!("{err:#}")),
    })
}

/// The decoder's limits: no photo may make it allocate more than 1 GiB.
fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_ALLOC);
    limits
}

/// What a photo's header says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Header {
    pub format: ImageFormat,
    /// Stored size in pixels (before the EXIF orientation).
    pub width: u32,
    pub height: u32,
    pub orientation: Orientation,
}

impl Header {
    /// The width as printed: the EXIF orientation may turn the photo by 90°.
    pub fn upright_width(&self) -> u32 {
        if turns(self.orientation) {
            self.height
        } else {
            self.width
        }
    }
}

fn turns(orientation: Orientation) -> bool {
    matches!(
        orientation,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

/// A decoder for `bytes`, refusing photos of more than [`MAX_PIXELS`] before anything is decoded.
fn decoder(bytes: &[u8]) -> Result<(impl ImageDecoder + '_, Header), PhotoError> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| PhotoError::NotAnImage)?;
    let format = reader.format().ok_or(PhotoError::NotAnImage)?;
    reader.limits(limits());
    let mut decoder = reader.into_decoder()?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(PhotoError::TooLarge { width, height });
    }
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    Ok((
        decoder,
        Header {
            format,
            width,
            height,
            orientation,
        },
    ))
}

/// Reads the header of the photo in `bytes`: its format, size and orientation. Cheap: nothing is
/// decoded.
pub fn header(bytes: &[u8]) -> Result<Header, PhotoError> {
    decoder(bytes).map(|(_, header)| header)
}

/// The most pixels a photo printed at `width_percent` of the text width needs: 300 dpi.
pub fn target_width(width_percent: u32) -> u32 {
    let inches = TEXT_WIDTH_MM / 25.4 * f64::from(width_percent) / 100.0;
    (inches * PRINT_DPI).ceil() as u32
}

/// The photo upright, no wider than `target` pixels, encoded as JPEG (or PNG with transparency);
/// returns the bytes and the file extension.
pub fn process(bytes: &[u8], target: u32) -> Result<(Vec<u8>, &'static str), PhotoError> {
    let (decoder, header) = decoder(bytes)?;
    let alpha = decoder.color_type().has_alpha();
    let mut image = DynamicImage::from_decoder(decoder)?;
    image.apply_orientation(header.orientation);
    if image.width() > target {
        let height = (f64::from(image.height()) * f64::from(target) / f64::from(image.width()))
            .round()
            .max(1.0) as u32;
        image = image.resize_exact(target, height, FilterType::Lanczos3);
    }
    let mut out = Vec::new();
    if alpha {
        image
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .map_err(|_| PhotoError::Damaged)?;
        Ok((out, "png"))
    } else {
        let encoder = JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
        image
            .to_rgb8()
            .write_with_encoder(encoder)
            .map_err(|_| PhotoError::Damaged)?;
        Ok((out, "jpg"))
    }
}

/// A photo ready for the compiler.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Where the compiler finds it, from the project root (`/output/.cache/photos/….jpg`, or the
    /// original's path when it is used as it is).
    pub vpath: String,
    /// The prepared bytes; `None` when the original is used as it is.
    pub bytes: Option<Bytes>,
}

/// What identifies a photo file without reading it: changed contents change its size or time.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Stamp {
    path: PathBuf,
    len: u64,
    modified: Option<SystemTime>,
    target: u32,
}

/// The prepared photos of a project: on disk under [`CACHE_DIR`], keyed by the SHA-256 of the
/// original bytes and the target width, and in memory for the life of the process, keyed by the
/// file's path, size and modification time.
pub struct PhotoCache {
    root: PathBuf,
    memo: HashMap<Stamp, Prepared>,
}

impl PhotoCache {
    pub fn new(root: &Path) -> PhotoCache {
        PhotoCache {
            root: root.to_path_buf(),
            memo: HashMap::new(),
        }
    }

    /// Whether the photo at `original` for `width_percent` is prepared already in this process.
    pub fn is_known(&self, original: &Path, width_percent: u32) -> bool {
        stamp(original, target_width(width_percent)).is_some_and(|s| self.memo.contains_key(&s))
    }

    /// The photo at `original` (inside the project) made ready to print at `width_percent` of the
    /// text width. With `write`, a newly prepared photo is stored in the cache folder.
    pub fn prepare(
        &mut self,
        original: &Path,
        width_percent: u32,
        write: bool,
    ) -> Result<Prepared, PhotoError> {
        let target = target_width(width_percent);
        let stamp = stamp(original, target);
        if let Some(prepared) = stamp.as_ref().and_then(|s| self.memo.get(s)) {
            if write && let Some(bytes) = &prepared.bytes {
                let file = self.root.join(prepared.vpath.trim_start_matches('/'));
                if !file.exists() {
                    write_atomic(&file, bytes).map_err(|e| cache_error(e, &file))?;
                }
            }
            return Ok(prepared.clone());
        }
        let bytes =
            crate::files::read_limited(&self.root, original, MAX_PHOTO_BYTES).map_err(|e| {
                PhotoError::Io(e.problem(original.strip_prefix(&self.root).unwrap_or(original)))
            })?;
        let prepared = self.prepare_bytes(original, &bytes, target, write)?;
        if let Some(stamp) = stamp {
            self.memo.insert(stamp, prepared.clone());
        }
        Ok(prepared)
    }

    fn prepare_bytes(
        &self,
        original: &Path,
        bytes: &[u8],
        target: u32,
        write: bool,
    ) -> Result<Prepared, PhotoError> {
        let relative = original.strip_prefix(&self.root).unwrap_or(original);
        let as_it_is = Prepared {
            vpath: format!("/{}", relative.to_string_lossy().replace('\\', "/")),
            bytes: None,
        };
        if is_svg(original, bytes) {
            // A drawing: it has no pixels to scale.
            return Ok(as_it_is);
        }
        let header = header(bytes)?;
        let readable = matches!(
            header.format,
            ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::Gif | ImageFormat::WebP
        );
        if readable
            && header.orientation == Orientation::NoTransforms
            && header.upright_width() <= target
        {
            return Ok(as_it_is);
        }
        let name = &format!("{}-{target}", content_key(bytes));
        for ext in ["jpg", "png"] {
            let file = self.root.join(CACHE_DIR).join(format!("{name}.{ext}"));
            if let Ok(cached) = std::fs::read(&file) {
                return Ok(Prepared {
                    vpath: format!("/{CACHE_DIR}/{name}.{ext}"),
                    bytes: Some(Bytes::new(cached)),
                });
            }
        }
        let (processed, ext) = process(bytes, target)?;
        let vpath = format!("/{CACHE_DIR}/{name}.{ext}");
        if write {
            let file = self.root.join(vpath.trim_start_matches('/'));
            write_atomic(&file, &processed).map_err(|e| cache_error(e, &file))?;
        }
        Ok(Prepared {
            vpath,
            bytes: Some(Bytes::new(processed)),
        })
    }
}

/// The name under which the photo cache keeps what was prepared from an original of these bytes
/// (followed by `-<target width>`): part of its SHA-256.
pub fn content_key(bytes: &[u8]) -> String {
    let hash = format!("{:x}", Sha256::digest(bytes));
    hash[..32].to_string()
}

/// Whether the cache under `root` holds a photo prepared from an original with this
/// [`content_key`]: it was decoded whole then, and the compile uses that copy, not the original,
/// so the original need not be decoded again to be known good.
pub fn prepared_before(root: &Path, key: &str) -> bool {
    let prefix = format!("{key}-");
    std::fs::read_dir(root.join(CACHE_DIR))
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .any(|entry| {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            name.starts_with(&prefix)
                && (name.ends_with(".jpg") || name.ends_with(".png"))
                && entry.file_type().is_ok_and(|t| t.is_file())
        })
}

/// An SVG drawing, by its name and its text (as the validation tells it).
fn is_svg(path: &Path, bytes: &[u8]) -> bool {
    path.extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("svg"))
        && std::str::from_utf8(bytes).is_ok_and(|text| text.contains("<svg"))
}

fn stamp(path: &Path, target: u32) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some(Stamp {
        path: path.to_path_buf(),
        len: meta.len(),
        modified: meta.modified().ok(),
        target,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let image = DynamicImage::new_rgb8(width, height);
        let mut out = Vec::new();
        image
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Jpeg)
            .unwrap();
        out
    }

    #[test]
    fn a_photo_prepared_once_is_known_good_by_its_content_not_its_name() {
        let root = tempfile::tempdir().unwrap();
        let original = root.path().join("content/034/photos/01.jpg");
        std::fs::create_dir_all(original.parent().unwrap()).unwrap();
        let bytes = jpeg(2000, 1000);
        std::fs::write(&original, &bytes).unwrap();
        let key = content_key(&bytes);
        assert!(!prepared_before(root.path(), &key));
        PhotoCache::new(root.path())
            .prepare(&original, 20, true)
            .unwrap();
        assert!(prepared_before(root.path(), &key));
        // Other bytes under the same name are not known.
        assert!(!prepared_before(
            root.path(),
            &content_key(&jpeg(2000, 1001))
        ));
    }

    #[test]
    fn the_target_is_300_dpi_at_the_printed_width() {
        // 60 % of 156 mm is 3.685 inches: 1106 pixels at 300 dpi.
        assert_eq!(target_width(60), 1106);
        assert_eq!(target_width(100), 1843);
    }

    #[test]
    fn a_large_photo_is_scaled_down_and_a_small_one_is_not_scaled_up() {
        let (big, ext) = process(&jpeg(2000, 1000), 500).unwrap();
        assert_eq!(ext, "jpg");
        let header = header(&big).unwrap();
        assert_eq!((header.width, header.height), (500, 250));
        let (small, _) = process(&jpeg(300, 200), 500).unwrap();
        let header = super::header(&small).unwrap();
        assert_eq!((header.width, header.height), (300, 200));
    }

    #[test]
    fn a_photo_with_transparency_stays_png() {
        let image = DynamicImage::new_rgba8(40, 20);
        let mut png = Vec::new();
        image
            .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
            .unwrap();
        let (out, ext) = process(&png, 10).unwrap();
        assert_eq!(ext, "png");
        assert_eq!(header(&out).unwrap().format, ImageFormat::Png);
    }

    #[test]
    fn an_svg_drawing_is_used_as_it_is() {
        let root = tempfile::tempdir().unwrap();
        let file = root.path().join("content/099/photos/logo.svg");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, r#"<svg xmlns="http://www.w3.org/2000/svg"/>"#).unwrap();
        let prepared = PhotoCache::new(root.path())
            .prepare(&file, 60, true)
            .unwrap();
        assert_eq!(prepared.vpath, "/content/099/photos/logo.svg");
        assert!(prepared.bytes.is_none());
    }

    #[test]
    fn what_is_not_an_image_is_refused() {
        assert_eq!(header(b"just some text"), Err(PhotoError::NotAnImage));
    }
}
