//! Fonts: the faces in `assets/fonts` (always: the shipped ones and any font file copied there)
//! plus, unless switched off, the machine's own fonts, so that official faces such as
//! FangSong_GB2312 win where they are installed.
//!
//! Loaded once per process: a `Fonts` is shared by every build through an `Arc`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use typst::foundations::Bytes;
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst_kit::fonts::{self, FontStore};

/// Every font a build may use. The project's fonts are read once, when loaded; the machine's are
/// read lazily, on first use, and then kept.
pub struct Fonts {
    store: FontStore,
    sources: FontSources,
    ignored: Vec<IgnoredFont>,
}

/// A file in the font folder that looks like a font but cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoredFont {
    pub path: PathBuf,
    /// Why, for the editor (in Chinese).
    pub reason: String,
}

/// One font role of the theme (仿宋, 小标宋, …) and the face it resolves to on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontRole {
    /// The key in templates/fonts.yaml, e.g. `fangsong`.
    pub key: String,
    /// The role's Chinese name, e.g. 仿宋.
    pub name: String,
    /// The families tried, in order.
    pub chain: Vec<String>,
    /// The families of the chain that are not shipped substitutes: the official faces.
    pub official: Vec<String>,
    /// The first family of the chain that is available, if any.
    pub resolved: Option<String>,
    /// Whether the resolved family is one of the shipped substitutes.
    pub substitute: bool,
}

impl FontRole {
    /// 仿宋 and 小标宋 are the faces GB/T 9704 prescribes; `--strict-fonts` insists on them.
    pub fn is_primary(&self) -> bool {
        matches!(self.key.as_str(), "fangsong" | "xiaobiaosong")
    }

    /// Whether an official face (not a shipped substitute) serves this role.
    pub fn is_official(&self) -> bool {
        self.resolved.is_some() && !self.substitute
    }
}

/// The shipped faces are renamed "Bulletin Song", "Bulletin Hei", "Bulletin Kai" so that they never
/// pass for an official face; an official font copied into assets/fonts counts as official.
pub fn is_substitute(family: &str) -> bool {
    family.to_lowercase().starts_with("bulletin ")
}

/// The Chinese name of a role key of fonts.yaml.
fn role_name(key: &str) -> &str {
    match key {
        "fangsong" => "仿宋",
        "xiaobiaosong" => "小标宋",
        "heiti" => "黑体",
        "kaiti" => "楷体",
        "songti" => "宋体",
        other => other,
    }
}

/// Every face of the font files in `dir` and its subfolders, in file-name order: TrueType and
/// OpenType fonts and collections, whatever their names and however their extensions are written
/// (an editor copies `SIMFANG.TTF` or `方正小标宋简体.ttf` there and it is used, with no script to
/// run). Files that look like fonts but cannot be used are returned as ignored.
fn read_folder(dir: &Path) -> (Vec<(Font, typst::text::FontInfo)>, Vec<IgnoredFont>) {
    let mut faces = Vec::new();
    let mut ignored = Vec::new();
    let files = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_type().is_file());
    for entry in files {
        let path = entry.path();
        let extension = (path.extension())
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        match extension.as_str() {
            "ttf" | "otf" | "ttc" | "otc" => {}
            "woff" | "woff2" | "eot" => {
                ignored.push(IgnoredFont {
                    path: path.to_path_buf(),
                    reason: "这是网页字体格式，排版用不了；请改用同一字体的 .ttf 或 .otf 文件"
                        .into(),
                });
                continue;
            }
            _ => continue,
        }
        let read = match std::fs::read(path) {
            Ok(data) => Font::iter(Bytes::new(data)).collect::<Vec<_>>(),
            Err(err) => {
                ignored.push(IgnoredFont {
                    path: path.to_path_buf(),
                    reason: crate::files::io_problem(&err, "无法读取").message,
                });
                continue;
            }
        };
        if read.is_empty() {
            ignored.push(IgnoredFont {
                path: path.to_path_buf(),
                reason: "不是可用的字体文件（文件可能不完整或已损坏），请重新复制一份".into(),
            });
        }
        faces.extend(read.into_iter().map(|font| {
            let info = font.info().clone();
            (font, info)
        }));
    }
    (faces, ignored)
}

/// Where fonts come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FontSources {
    /// Only the shipped fonts: the same PDF on every machine (tests use this).
    ShippedOnly,
    /// Shipped fonts and the system's, so installed official fonts are preferred.
    #[default]
    ShippedAndSystem,
}

impl Fonts {
    /// Reads every font file in `assets/fonts` of the project and its subfolders (and scans the
    /// system's fonts if asked).
    pub fn load(font_dir: &Path, sources: FontSources) -> Result<Arc<Fonts>> {
        let mut store = FontStore::new();
        let (faces, ignored) = read_folder(font_dir);
        store.extend(faces);
        if store.book().families().next().is_none() {
            return Err(crate::diag::Problem::error(format!(
                "在 {} 中没有找到任何字体",
                font_dir.display()
            ))
            .hint("这个文件夹应随项目一起提供，请检查项目是否完整（git status）。")
            .into_error());
        }
        if sources == FontSources::ShippedAndSystem {
            store.extend(fonts::system());
        }
        Ok(Arc::new(Fonts {
            store,
            sources,
            ignored,
        }))
    }

    /// Files of the font folder that were not loaded (a web font, a damaged file), to be reported.
    pub fn ignored(&self) -> &[IgnoredFont] {
        &self.ignored
    }

    /// Where these fonts came from (the `typst-cli` engine is given the same).
    pub fn sources(&self) -> FontSources {
        self.sources
    }

    /// Resolves the roles of `chains_file` (templates/fonts.yaml) the way Typst does: the first
    /// family of each chain that is available wins.
    pub fn roles(&self, chains_file: &Path) -> Result<Vec<FontRole>> {
        let text = std::fs::read_to_string(chains_file)
            .with_context(|| format!("无法读取 {}", chains_file.display()))?;
        let chains =
            chains(&text).with_context(|| format!("{} 的格式不对", chains_file.display()))?;
        let book = self.store.book();
        let mut roles: Vec<FontRole> = chains
            .into_iter()
            .map(|(key, chain)| {
                let resolved = (chain.iter())
                    .find(|f| book.contains_family(&f.to_lowercase()))
                    .cloned();
                let substitute = resolved.as_deref().is_some_and(is_substitute);
                let official = (chain.iter())
                    .filter(|f| !is_substitute(f))
                    .cloned()
                    .collect();
                FontRole {
                    name: role_name(&key).to_string(),
                    key,
                    chain,
                    official,
                    resolved,
                    substitute,
                }
            })
            .collect();
        // The body face first, then the others as the theme uses them.
        let order = ["fangsong", "xiaobiaosong", "heiti", "kaiti", "songti"];
        roles.sort_by_key(|r| {
            order
                .iter()
                .position(|k| *k == r.key)
                .unwrap_or(order.len())
        });
        Ok(roles)
    }

    pub(crate) fn book(&self) -> &LazyHash<FontBook> {
        self.store.book()
    }

    pub(crate) fn font(&self, index: usize) -> Option<typst::text::Font> {
        self.store.font(index)
    }
}

/// The chains of fonts.yaml: each role's key and its families, in order.
fn chains(text: &str) -> Result<BTreeMap<String, Vec<String>>> {
    use crate::yaml::NodeKind;
    let file = crate::source::SourceFile::new(crate::source::FileId(0), "fonts.yaml", text);
    let root = crate::yaml::parse(&file, &[])
        .map_err(|problems| anyhow::anyhow!("{}", crate::diag::Problems(problems)))?;
    let NodeKind::Map(entries) = &root.kind else {
        bail!("应是“角色: [字体, …]”的形式");
    };
    let mut chains = BTreeMap::new();
    for entry in entries {
        let NodeKind::Seq(items) = &entry.value.kind else {
            bail!("「{}」应是一组字体名", entry.key);
        };
        let families = (items.iter())
            .filter_map(|item| item.scalar().map(|s| s.text.trim().to_string()))
            .collect();
        chains.insert(entry.key.clone(), families);
    }
    Ok(chains)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_font_file_in_the_folder_or_a_subfolder_is_loaded_whatever_its_name_and_case() {
        let dir = tempfile::tempdir().unwrap();
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fonts");
        std::fs::create_dir(dir.path().join("名字用字")).unwrap();
        std::fs::copy(
            shipped.join("BulletinKai-Regular.ttf"),
            dir.path().join("名字用字/我的楷体.TTF"),
        )
        .unwrap();
        std::fs::write(dir.path().join("说明.txt"), "not a font").unwrap();
        let fonts = Fonts::load(dir.path(), FontSources::ShippedOnly).unwrap();
        let families: Vec<&str> = fonts.book().families().map(|(name, _)| name).collect();
        assert_eq!(families, ["Bulletin Kai"]);
        assert_eq!(fonts.ignored(), []);
    }

    #[test]
    fn web_fonts_and_damaged_font_files_are_reported_not_loaded() {
        let dir = tempfile::tempdir().unwrap();
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fonts");
        std::fs::copy(
            shipped.join("BulletinKai-Regular.ttf"),
            dir.path().join("kai.ttf"),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("坏了.otf"),
            "version https://git-lfs.github.com/spec/v1",
        )
        .unwrap();
        std::fs::write(dir.path().join("web.woff2"), "wOF2").unwrap();
        let fonts = Fonts::load(dir.path(), FontSources::ShippedOnly).unwrap();
        let ignored: Vec<(String, &str)> = (fonts.ignored().iter())
            .map(|i| {
                (
                    i.path.file_name().unwrap().to_string_lossy().into_owned(),
                    i.reason.as_str(),
                )
            })
            .collect();
        assert_eq!(ignored.len(), 2, "{ignored:?}");
        assert_eq!(ignored[0].0, "web.woff2");
        assert!(ignored[0].1.contains(".ttf 或 .otf"), "{}", ignored[0].1);
        assert_eq!(ignored[1].0, "坏了.otf");
        assert!(
            ignored[1].1.contains("不是可用的字体文件"),
            "{}",
            ignored[1].1
        );
    }

    #[test]
    fn only_the_renamed_shipped_faces_are_substitutes() {
        assert!(is_substitute("Bulletin Song"));
        assert!(is_substitute("bulletin kai"));
        assert!(!is_substitute("FangSong_GB2312"));
        assert!(!is_substitute("Noto Serif CJK SC"));
    }
}
