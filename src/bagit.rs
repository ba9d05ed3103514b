//! The BagIt format (RFC 8493, version 1.0) with SHA-256: writing a bag, reading its metadata, and
//! checking it against its manifests.
//!
//! A bag is a folder holding `bagit.txt`, `bag-info.txt`, `manifest-sha256.txt` (one line per
//! payload file: hash, two spaces, path), `tagmanifest-sha256.txt` (the same for the tag files) and
//! the payload under `data/`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use walkdir::WalkDir;

use crate::output::write_atomic;

pub const BAGIT_TXT: &str = "bagit.txt";
pub const BAG_INFO_TXT: &str = "bag-info.txt";
pub const MANIFEST: &str = "manifest-sha256.txt";
pub const TAG_MANIFEST: &str = "tagmanifest-sha256.txt";
/// The payload folder.
pub const DATA: &str = "data";

const BAGIT_DECLARATION: &str = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";

/// The SHA-256 of `bytes`, in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// One payload file: its path under `data/` (with `/`) and its contents.
pub struct PayloadFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// `bag-info.txt`: labels and values in order; a label may repeat (e.g. `Title`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BagInfo(pub Vec<(String, String)>);

impl BagInfo {
    pub fn push(&mut self, label: &str, value: impl Into<String>) {
        // A value is one line: bag-info.txt continues a value on lines starting with whitespace,
        // which readers handle unevenly, so line breaks become spaces.
        let value: String = value.into();
        let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
        self.0.push((label.to_string(), value));
    }

    /// The first value of `label`.
    pub fn get(&self, label: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(l, _)| l == label)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `label`, in order.
    pub fn all(&self, label: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(l, _)| l == label)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        for (label, value) in &self.0 {
            let _ = writeln!(out, "{label}: {value}");
        }
        out
    }

    /// Reads `label: value` lines; lines starting with whitespace continue the previous value.
    pub fn parse(text: &str) -> BagInfo {
        let mut info = BagInfo::default();
        for line in text.lines() {
            if line.starts_with([' ', '\t']) {
                if let Some((_, value)) = info.0.last_mut() {
                    value.push(' ');
                    value.push_str(line.trim());
                }
            } else if let Some((label, value)) = line.split_once(':') {
                info.0
                    .push((label.trim().to_string(), value.trim().to_string()));
            }
        }
        info
    }
}

/// Writes a complete bag into the empty folder `dir`: the payload under `data/`, `bagit.txt`,
/// `bag-info.txt` (with `Payload-Oxum` appended), both manifests.
pub fn write_bag(dir: &Path, payload: &[PayloadFile], mut info: BagInfo) -> Result<()> {
    let mut manifest = BTreeMap::new();
    let mut octets = 0u64;
    for file in payload {
        let relative = format!("{DATA}/{}", file.path);
        write_atomic(&dir.join(&relative), &file.bytes)?;
        octets += file.bytes.len() as u64;
        manifest.insert(relative, sha256_hex(&file.bytes));
    }
    info.push("Payload-Oxum", format!("{octets}.{}", payload.len()));
    write_atomic(&dir.join(BAGIT_TXT), BAGIT_DECLARATION.as_bytes())?;
    write_atomic(&dir.join(MANIFEST), render_manifest(&manifest).as_bytes())?;
    write_bag_info(dir, &info)
}

/// Replaces `bag-info.txt` and, since it lists that file's hash, `tagmanifest-sha256.txt`.
pub fn write_bag_info(dir: &Path, info: &BagInfo) -> Result<()> {
    write_atomic(&dir.join(BAG_INFO_TXT), info.render().as_bytes())?;
    let mut tags = BTreeMap::new();
    for name in [BAGIT_TXT, BAG_INFO_TXT, MANIFEST] {
        let path = dir.join(name);
        let bytes = std::fs::read(&path).with_context(|| format!("无法读取 {}", path.display()))?;
        tags.insert(name.to_string(), sha256_hex(&bytes));
    }
    write_atomic(&dir.join(TAG_MANIFEST), render_manifest(&tags).as_bytes())
}

pub fn read_bag_info(dir: &Path) -> Result<BagInfo> {
    let path = dir.join(BAG_INFO_TXT);
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "无法读取 {}。\n  提示：归档文件夹不完整，运行 bulletin verify 检查。",
            path.display()
        )
    })?;
    Ok(BagInfo::parse(&text))
}

/// `path → hash` from a manifest file.
pub fn read_manifest(path: &Path) -> Result<BTreeMap<String, String>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("无法读取 {}", path.display()))?;
    let mut entries = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let Some((hash, file)) = line.split_once([' ', '\t']) else {
            bail!(
                "{}:{}: 这一行不是「校验值 文件路径」的形式。\n  提示：清单文件由 bulletin archive 生成，不要手工修改。",
                path.display(),
                n + 1
            );
        };
        let file = decode_path(file.trim_start());
        // A manifest names files inside the bag only; anything else is not read.
        if file.starts_with('/') || file.split(['/', '\\']).any(|part| part == "..") {
            bail!(
                "{}:{}: 路径 {file} 指向归档文件夹以外。\n  提示：清单文件由 bulletin archive 生成，不要手工修改；从备份恢复它。",
                path.display(),
                n + 1
            );
        }
        entries.insert(file, hash.to_ascii_lowercase());
    }
    Ok(entries)
}

fn render_manifest(entries: &BTreeMap<String, String>) -> String {
    entries
        .iter()
        .map(|(path, hash)| format!("{hash}  {}\n", encode_path(path)))
        .collect()
}

/// RFC 8493 §2.1.3: `%`, CR and LF in a manifest path are percent-encoded.
fn encode_path(path: &str) -> String {
    path.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn decode_path(path: &str) -> String {
    path.replace("%0D", "\r")
        .replace("%0d", "\r")
        .replace("%0A", "\n")
        .replace("%0a", "\n")
        .replace("%25", "%")
}

/// What checking a bag found. Paths are relative to the bag folder.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Findings {
    /// Listed in a manifest, but not there.
    pub missing: Vec<String>,
    /// There, but its SHA-256 differs from the manifest's.
    pub changed: Vec<String>,
    /// Under `data/`, but in no manifest.
    pub extra: Vec<String>,
    /// How many files were checked and found intact.
    pub intact: usize,
}

impl Findings {
    pub fn is_clean(&self) -> bool {
        self.missing.is_empty() && self.changed.is_empty() && self.extra.is_empty()
    }
}

/// Re-hashes every file the bag's manifests list and looks for payload files they do not list.
pub fn verify(dir: &Path) -> Result<Findings> {
    if !dir.join(BAGIT_TXT).is_file() {
        bail!(
            "{} 不是完整的归档：缺少 {BAGIT_TXT}。\n  提示：从备份恢复这个文件夹，或重新归档这一期。",
            dir.display()
        );
    }
    let mut listed = read_manifest(&dir.join(MANIFEST))?;
    let mut findings = Findings::default();
    match read_manifest(&dir.join(TAG_MANIFEST)) {
        Ok(tags) => listed.extend(tags),
        // Without the tag manifest the payload can still be checked; its absence is a finding.
        Err(_) => findings.missing.push(TAG_MANIFEST.to_string()),
    }
    let results: Vec<(String, Option<bool>)> = listed
        .par_iter()
        .map(|(file, hash)| {
            let outcome = std::fs::read(dir.join(file))
                .ok()
                .map(|bytes| sha256_hex(&bytes) == *hash);
            (file.clone(), outcome)
        })
        .collect();
    for (file, outcome) in results {
        match outcome {
            None => findings.missing.push(file),
            Some(false) => findings.changed.push(file),
            Some(true) => findings.intact += 1,
        }
    }
    for entry in WalkDir::new(dir.join(DATA)).sort_by_file_name() {
        let entry = entry.with_context(|| format!("无法读取 {}", dir.join(DATA).display()))?;
        if entry.file_type().is_dir() {
            continue;
        }
        let relative = relative_slash(dir, entry.path());
        if !listed.contains_key(&relative) {
            findings.extra.push(relative);
        }
    }
    findings.missing.sort();
    findings.changed.sort();
    Ok(findings)
}

/// `path` relative to `base`, with `/` between the parts.
fn relative_slash(base: &Path, path: &Path) -> String {
    let relative: PathBuf = path.strip_prefix(base).unwrap_or(path).to_path_buf();
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(dir: &Path) {
        let payload = vec![
            PayloadFile {
                path: "a.txt".into(),
                bytes: b"alpha".to_vec(),
            },
            PayloadFile {
                path: "sub/100%.txt".into(),
                bytes: b"beta!".to_vec(),
            },
        ];
        let mut info = BagInfo::default();
        info.push("Title", "甲");
        info.push("Title", "乙\n丙");
        write_bag(dir, &payload, info).unwrap();
    }

    #[test]
    fn a_written_bag_lists_every_payload_file_with_its_sha256_and_checks_clean() {
        let dir = tempfile::tempdir().unwrap();
        sample(dir.path());
        let manifest = std::fs::read_to_string(dir.path().join(MANIFEST)).unwrap();
        assert_eq!(
            manifest,
            format!(
                "{}  data/a.txt\n{}  data/sub/100%25.txt\n",
                sha256_hex(b"alpha"),
                sha256_hex(b"beta!")
            )
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join(BAGIT_TXT)).unwrap(),
            "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
        );
        let info = read_bag_info(dir.path()).unwrap();
        assert_eq!(info.all("Title"), ["甲", "乙 丙"]);
        assert_eq!(info.get("Payload-Oxum"), Some("10.2"));
        let tags = read_manifest(&dir.path().join(TAG_MANIFEST)).unwrap();
        assert_eq!(tags.len(), 3);
        let findings = verify(dir.path()).unwrap();
        assert!(findings.is_clean(), "{findings:?}");
        assert_eq!(findings.intact, 5);
    }

    #[test]
    fn verify_reports_missing_changed_and_extra_files() {
        let dir = tempfile::tempdir().unwrap();
        sample(dir.path());
        std::fs::write(dir.path().join("data/a.txt"), b"alphA").unwrap();
        std::fs::remove_file(dir.path().join("data/sub/100%.txt")).unwrap();
        std::fs::write(dir.path().join("data/new.txt"), b"x").unwrap();
        std::fs::write(dir.path().join(BAG_INFO_TXT), b"edited").unwrap();
        let findings = verify(dir.path()).unwrap();
        assert_eq!(findings.changed, ["bag-info.txt", "data/a.txt"]);
        assert_eq!(findings.missing, ["data/sub/100%.txt"]);
        assert_eq!(findings.extra, ["data/new.txt"]);
        assert!(!findings.is_clean());
    }

    #[test]
    fn a_manifest_may_not_point_outside_the_bag() {
        let dir = tempfile::tempdir().unwrap();
        sample(dir.path());
        let manifest = dir.path().join(MANIFEST);
        std::fs::write(
            &manifest,
            format!("{}  data/../../secret\n", sha256_hex(b"")),
        )
        .unwrap();
        let err = verify(dir.path()).unwrap_err().to_string();
        assert!(err.contains("指向归档文件夹以外"), "{err}");
    }

    #[test]
    fn a_folder_without_bagit_txt_is_not_a_bag() {
        let dir = tempfile::tempdir().unwrap();
        let err = verify(dir.path()).unwrap_err().to_string();
        assert!(err.contains("缺少 bagit.txt"), "{err}");
    }
}
