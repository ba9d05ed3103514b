//! Checks of a photo file: it exists inside the issue folder, is a regular file, is an image the
//! print step can use, is not damaged, and has pixels enough for its printed width (R27).

use std::path::{Component, Path, PathBuf};

use typst::foundations::Bytes;
use typst::visualize::{ExchangeFormat, RasterImage};

use crate::diag::Problem;
use crate::files::FileError;
use crate::photos::{MAX_PHOTO_BYTES, PhotoError};

/// Why the photo at `file` (relative to the issue folder `issue_dir`, inside the project at
/// `root`) cannot be used, if it cannot; else the width in pixels of the photo as it stands upright
/// (`None` for a drawing), for its resolution. The problem is not located yet.
pub fn check_photo(root: &Path, issue_dir: &Path, file: &str) -> Result<Option<u32>, Problem> {
    let fail = |message: String, hint: &str| Err(Problem::error(message).hint(hint));
    if file.trim().is_empty() {
        return fail(
            "图片文件名（photo）是空的".into(),
            "写上图片的文件名，例如 photo: photos/01.jpg。",
        );
    }
    let relative = PathBuf::from(file);
    if relative.is_absolute()
        || relative
            .components()
            .any(|c| matches!(c, Component::ParentDir))
        || file.contains('\\')
    {
        return fail(
            format!("图片路径「{file}」不是这一期文件夹里的相对路径"),
            "把图片放进这一期的 photos 文件夹，写成 photos/01.jpg 这样的相对路径（用 / 分隔，不用 \\）。",
        );
    }
    let path = issue_dir.join(&relative);
    let bytes = match crate::files::read_limited(root, &path, MAX_PHOTO_BYTES) {
        Ok(bytes) => bytes,
        Err(FileError::NotFound) => {
            let hint = match similar_file(&path) {
                Some(near) => {
                    let near = relative.with_file_name(near);
                    format!(
                        "你是不是想写「{}」？文件名的大小写和扩展名都要和文件一致。",
                        near.display()
                    )
                }
                None => {
                    "检查文件名（包括大小写和扩展名）；图片放在这一期的 photos 文件夹里。".into()
                }
            };
            return fail(format!("找不到图片「{file}」"), &hint);
        }
        Err(FileError::NotAFile("一个文件夹")) => {
            return fail(
                format!("「{file}」是一个文件夹，不是图片"),
                "photo 要写图片文件本身的名字，例如 photos/01.jpg。",
            );
        }
        Err(FileError::Io(e)) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            return fail(
                format!("没有权限读取图片「{file}」"),
                "给这个文件加上读取权限：Windows 在文件上右键 → 属性 → 安全；Mac 在“显示简介”的“共享与权限”里设为“读与写”。或者把照片重新复制一份进来。",
            );
        }
        Err(other) => return Err(other.problem(&relative)),
    };
    if looks_like_heic(file, &bytes) {
        return fail(
            format!("「{file}」是 HEIC 格式的照片（苹果手机默认的格式），排版时无法使用"),
            "请转换成 JPEG：在 Mac 上用“预览”打开，选“文件 → 导出”，格式选 JPEG；在 Windows 上用“照片”或“画图”打开，“另存为” JPEG。以后拍照前在 iPhone 的“设置 → 相机 → 格式”中选“兼容性最佳”。再把 issue.yaml 里的文件名改成新的 .jpg。",
        );
    }
    let svg = file.to_lowercase().ends_with(".svg")
        && std::str::from_utf8(&bytes).is_ok_and(|t| t.contains("<svg"));
    if svg {
        return check_svg(file, &bytes).map(|()| None);
    }
    // The header alone tells a photo too large to decode safely, before anything is decoded.
    let header = crate::photos::header(&bytes);
    if let Err(PhotoError::TooLarge { width, height }) = header {
        return fail(
            format!(
                "图片「{file}」有 {width} × {height} 像素，太大了，无法安全处理（最多 1 亿像素）"
            ),
            "用看图软件把它缩小（例如长边 4000 像素）后另存为 JPEG，再替换原文件；印刷用不着这么多像素。",
        );
    }
    let damaged = || {
        fail(
            format!("图片「{file}」已损坏，无法读取"),
            "用看图软件打开它检查；能打开的话另存为 JPEG 或 PNG，再替换原文件。",
        )
    };
    let Some(format) = ExchangeFormat::detect(&bytes) else {
        if header.is_ok() {
            // A format Typst does not read (BMP, TIFF): it is converted to JPEG for print.
            return Ok(header.ok().map(|h| h.upright_width()));
        }
        return fail(
            format!("「{file}」不是可用的图片（支持 JPEG、PNG、GIF、WebP、BMP、TIFF、SVG）"),
            "用看图软件把它另存为 JPEG 或 PNG；手机的 HEIC 照片要先转换成 JPEG。",
        );
    };
    // Decoding here, with the compiler's own (memoised) decoder, names a damaged photo in the YAML
    // instead of failing later inside the template. A photo too wide to be printed as it is, once
    // prepared for print, was decoded whole then, and the compile uses the prepared copy: it is
    // not decoded again (a phone photo takes a tenth of a second). A decoder that fails names a damaged file; one that succeeds on
    // a JPEG cut short shows the missing part grey, so that is checked apart.
    let truncated = is_truncated_jpeg(&bytes);
    // Only a photo wider than any printed width is always prepared, never used as it is.
    let always_prepared =
        (header.as_ref()).is_ok_and(|h| h.upright_width() > crate::photos::target_width(100));
    let known_good = always_prepared
        && crate::photos::prepared_before(root, &crate::photos::content_key(&bytes));
    if !known_good && RasterImage::plain(Bytes::new(bytes), format).is_err() {
        return damaged();
    }
    if truncated {
        return fail(
            format!("图片「{file}」不完整：文件在结尾之前就断了，印出来下半部分会是一片灰色"),
            "重新从手机或原来的地方复制一份完整的照片进来（复制或下载可能中断了）。",
        );
    }
    // The original's upright width, from its header: what the camera gave is what matters for the
    // resolution, not the copy scaled down for print.
    Ok(header.ok().map(|h| h.upright_width()))
}

/// An SVG drawing must be whole (it parses) and self-contained: a link to another file (an image
/// beside it) would be read from wherever it points when the PDF is made, so it is refused.
fn check_svg(file: &str, bytes: &[u8]) -> Result<(), Problem> {
    let text = String::from_utf8_lossy(bytes);
    let linked = ["href=\"", "href='"].iter().find_map(|attribute| {
        text.match_indices(attribute).find_map(|(at, quote)| {
            let value = &text[at + quote.len()..];
            let end = value.find(['"', '\''])?;
            let target = &value[..end];
            (!target.starts_with('#') && !target.starts_with("data:")).then(|| target.to_string())
        })
    });
    if let Some(target) = linked {
        return Err(Problem::error(format!(
            "SVG 图片「{file}」引用了另一个文件「{target}」，排版时不能使用"
        ))
        .hint("在绘图软件里把图片嵌入 SVG（不要链接外部文件），或把它另存为 PNG 或 JPEG。"));
    }
    if typst::visualize::SvgImage::new(Bytes::new(bytes.to_vec())).is_err() {
        return Err(
            Problem::error(format!("SVG 图片「{file}」无法读取：文件不完整或格式有误"))
                .hint("用浏览器或绘图软件打开它检查；能打开的话另存为 PNG 或 JPEG，再替换原文件。"),
        );
    }
    Ok(())
}

/// Whether JPEG `bytes` end before their end-of-image marker (a copy or download that stopped
/// early): decoders show the missing part grey without complaint.
pub fn is_truncated_jpeg(bytes: &[u8]) -> bool {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return false;
    }
    // Cameras may add padding or data after the marker: look for it near the end.
    let tail = &bytes[bytes.len().saturating_sub(64 * 1024)..];
    !tail.windows(2).any(|w| w == [0xFF, 0xD9])
}

/// The file beside the missing `path` that it most likely means: the same name in other case, or
/// the same name with another extension (01.JPG, 01.jpeg or 01.heic for 01.jpg). Names that differ
/// otherwise are not guessed at: 05.jpg is one letter from 04.jpg, and quite another photo.
fn similar_file(path: &Path) -> Option<String> {
    let stem = |name: &str| {
        let name = name.to_lowercase();
        match name.rsplit_once('.') {
            Some((stem, _)) if !stem.is_empty() => stem.to_string(),
            _ => name,
        }
    };
    let wanted = path.file_name()?.to_string_lossy().into_owned();
    std::fs::read_dir(path.parent()?)
        .ok()?
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_ok_and(|t| t.is_file()))
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| stem(name) == stem(&wanted))
        .min_by_key(|name| {
            (
                name.to_lowercase() != wanted.to_lowercase(),
                strsim::levenshtein(name, &wanted),
                name.clone(),
            )
        })
}

/// HEIC/HEIF (the iPhone's photo format), by its name or by its bytes: an ISO media file whose
/// `ftyp` box names a HEIF brand. Phones sometimes give such photos a .jpg name.
fn looks_like_heic(file: &str, bytes: &[u8]) -> bool {
    let name = file.to_lowercase();
    let brand = bytes.get(4..12).and_then(|b| b.strip_prefix(b"ftyp"));
    name.ends_with(".heic")
        || name.ends_with(".heif")
        || brand.is_some_and(|brand| {
            [
                b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1",
            ]
            .iter()
            .any(|heif| brand == *heif)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_jpeg_cut_short_is_told_from_a_whole_one() {
        let whole = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/photos/500px.jpg"),
        )
        .unwrap();
        assert!(!is_truncated_jpeg(&whole));
        assert!(is_truncated_jpeg(&whole[..whole.len() * 2 / 3]));
        assert!(!is_truncated_jpeg(b"\x89PNG"));
    }

    #[test]
    fn an_svg_that_links_another_file_is_refused_and_a_self_contained_one_taken() {
        let linked = br#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="secret.png" width="10" height="10"/></svg>"#;
        let problem = check_svg("photos/a.svg", linked).unwrap_err();
        assert!(problem.message.contains("secret.png"), "{problem}");
        let whole = br##"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="red"/><use href="#r"/></svg>"##;
        assert!(check_svg("photos/b.svg", whole).is_ok());
        assert!(check_svg("photos/c.svg", b"<svg xmlns=").is_err());
    }

    #[test]
    fn heic_photos_are_recognised_by_name_or_by_bytes() {
        let mut heic = vec![0, 0, 0, 0x18];
        heic.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
        assert!(looks_like_heic("photos/01.jpg", &heic));
        assert!(looks_like_heic("photos/IMG_0001.HEIC", b""));
        let mut mp4 = vec![0, 0, 0, 0x18];
        mp4.extend_from_slice(b"ftypisom");
        assert!(!looks_like_heic("photos/01.jpg", &mp4));
        assert!(!looks_like_heic("photos/01.jpg", &[0xFF, 0xD8, 0xFF]));
    }

    #[test]
    fn a_missing_photo_is_matched_to_the_file_it_most_likely_means() {
        let dir = tempfile::tempdir().unwrap();
        let photos = dir.path().join("photos");
        std::fs::create_dir(&photos).unwrap();
        for name in ["01.JPG", "02.jpeg", "封面.png"] {
            std::fs::write(photos.join(name), b"").unwrap();
        }
        let near = |name: &str| similar_file(&photos.join(name));
        assert_eq!(near("01.jpg").as_deref(), Some("01.JPG"));
        assert_eq!(near("02.jpg").as_deref(), Some("02.jpeg"));
        assert_eq!(near("封面.jpg").as_deref(), Some("封面.png"));
        assert_eq!(near("合影.jpg"), None);
        assert_eq!(near("03.jpg"), None, "another number is another photo");
        let problem = check_photo(dir.path(), dir.path(), "photos/01.jpg").unwrap_err();
        let hint = &problem.hints[0];
        assert!(
            hint.starts_with("你是不是想写「photos/01.JPG」？"),
            "{hint}"
        );
    }
}
