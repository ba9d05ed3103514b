//! The BagIt format (RFC 8493, version 1.0) with SHA-256: writing a bag, reading its metadata, and
//! checking it against its manifests.
//!
//! A bag is a folder holding `bagit.txt`, `bag-info.txt`, `manifest-sha256.txt` (one line per
//! payload file: hash, two spaces, path), `tagmanifest-sha256.txt` (the same for the tag files) and
//! the payload under `data/`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use walkdir::WalkDir;

use crate::files::kind_name;
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
        let bytes = read_regular(&path, MAX_TAG_FILE)?;
        tags.insert(name.to_string(), sha256_hex(&bytes));
    }
    write_atomic(&dir.join(TAG_MANIFEST), render_manifest(&tags).as_bytes())
}

/// Reads the bag's `bag-info.txt` (a regular file of at most [`MAX_TAG_FILE`] bytes, never through
/// a link).
pub fn read_bag_info(dir: &Path) -> Result<BagInfo> {
    let bytes = read_regular(&dir.join(BAG_INFO_TXT), MAX_TAG_FILE)?;
    Ok(BagInfo::parse(&String::from_utf8_lossy(&bytes)))
}

/// `path → hash` from a manifest file; the first malformed line is an error.
pub fn read_manifest(path: &Path) -> Result<BTreeMap<String, String>> {
    let bytes = read_regular(path, MAX_TAG_FILE)?;
    let manifest = parse_manifest(&String::from_utf8_lossy(&bytes));
    if let Some((line, what)) = manifest.problems.first() {
        bail!(
            "{}:{line}: {what}。\n  提示：清单文件由 bulletin archive 生成，不要手工修改；从备份恢复它。",
            path.display()
        );
    }
    Ok(manifest.entries)
}

/// A manifest as read: its entries, and what is wrong with which (1-based) line.
#[derive(Debug, Default)]
struct Manifest {
    entries: BTreeMap<String, String>,
    problems: Vec<(usize, String)>,
}

/// RFC 8493 §2.1.3: each line is a checksum, whitespace, and a path relative to the bag with `/`
/// between its parts. A path that leaves the bag, or is written two ways, is a problem, not an
/// entry: nothing outside the bag is ever read.
fn parse_manifest(text: &str) -> Manifest {
    let mut manifest = Manifest::default();
    for (n, line) in text.lines().enumerate() {
        let n = n + 1;
        if line.trim().is_empty() {
            continue;
        }
        let Some((hash, file)) = line.split_once([' ', '\t']) else {
            manifest
                .problems
                .push((n, "这一行不是「校验值 文件路径」的形式".into()));
            continue;
        };
        let file = decode_path(file.trim_start_matches([' ', '\t']));
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            manifest
                .problems
                .push((n, format!("{file} 的校验值不是 64 位十六进制数（SHA-256）")));
            continue;
        }
        let parts: Vec<&str> = file.split('/').collect();
        if file.starts_with('/') || file.contains('\\') || parts.contains(&"..") {
            manifest
                .problems
                .push((n, format!("路径 {file} 指向归档文件夹以外")));
            continue;
        }
        if parts.iter().any(|part| part.is_empty() || *part == ".") {
            manifest
                .problems
                .push((n, format!("路径 {file} 不规范（有空的部分或 .）")));
            continue;
        }
        if manifest.entries.contains_key(&file) {
            manifest.problems.push((n, format!("重复列出 {file}")));
            continue;
        }
        manifest.entries.insert(file, hash.to_ascii_lowercase());
    }
    manifest
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

/// The largest file a bag may hold: `archive` refuses larger ones, so `verify` never reads more.
pub const MAX_PAYLOAD_FILE: u64 = 512 * 1024 * 1024;
/// The largest tag file read (a manifest of thousands of photos is well below this).
pub const MAX_TAG_FILE: u64 = 16 * 1024 * 1024;

/// Why a file of a bag was not read (or not read to the end).
#[derive(Debug)]
enum ReadFailure {
    /// A link, FIFO, device, socket or folder: what it is, in Chinese. Never opened.
    NotRegular(&'static str),
    TooLarge {
        size: u64,
        limit: u64,
    },
    /// Another file than the one found when the bag was listed (it was swapped meanwhile).
    Replaced,
    Io(std::io::Error),
}

impl From<std::io::Error> for ReadFailure {
    fn from(err: std::io::Error) -> Self {
        ReadFailure::Io(err)
    }
}

/// The identity of a file (device and inode) where the system has one.
fn identity(meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

/// Hashes the regular file at `path` (and returns its bytes if `keep`), reading at most `limit`
/// bytes. A link is never followed and a FIFO or device never opened: the file is looked at
/// without following links first, opened with `O_NOFOLLOW | O_NONBLOCK`, and must then still be
/// the same regular file (`seen`, as listed by the walk over the bag, if given).
fn read_file(
    path: &Path,
    limit: u64,
    keep: bool,
    seen: Option<(u64, u64)>,
) -> Result<(String, Vec<u8>), ReadFailure> {
    let meta = std::fs::symlink_metadata(path)?;
    if !meta.is_file() {
        return Err(ReadFailure::NotRegular(kind_name(meta.file_type())));
    }
    if meta.len() > limit {
        return Err(ReadFailure::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let opened = file.metadata()?;
    let expected = seen.or(identity(&meta));
    if !opened.is_file() || (expected.is_some() && identity(&opened) != expected) {
        return Err(ReadFailure::Replaced);
    }
    let mut hasher = Sha256::new();
    let mut bytes = Vec::new();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    // The file may have grown since it was measured: never read past the limit.
    let mut reader = file.take(limit + 1);
    loop {
        let n = match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err.into()),
        };
        total += n as u64;
        if total > limit {
            return Err(ReadFailure::TooLarge { size: total, limit });
        }
        hasher.update(&buffer[..n]);
        if keep {
            bytes.extend_from_slice(&buffer[..n]);
        }
    }
    Ok((format!("{:x}", hasher.finalize()), bytes))
}

/// Reads a regular file of at most `limit` bytes, never through a link and never a FIFO or a
/// device; every refusal in Chinese.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>> {
    match read_file(path, limit, true, None) {
        Ok((_, bytes)) => Ok(bytes),
        Err(failure) => bail!(
            "无法读取 {}：{}。\n  提示：运行 bulletin verify 检查归档；从备份恢复这个文件。",
            path.display(),
            failure_text(&failure)
        ),
    }
}

fn failure_text(failure: &ReadFailure) -> String {
    match failure {
        ReadFailure::NotRegular(kind) => format!("它是{kind}，不是普通文件，没有打开它"),
        ReadFailure::TooLarge { size, limit } => {
            format!("它有 {size} 字节，超过了上限 {limit} 字节")
        }
        ReadFailure::Replaced => "读取时它被换成了另一个文件".into(),
        ReadFailure::Io(err) if err.kind() == std::io::ErrorKind::NotFound => "找不到它".into(),
        ReadFailure::Io(err) => err.to_string(),
    }
}

/// One thing wrong with a bag. Paths are relative to the bag folder, with `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// Not there: listed in a manifest (`listed`), or a file every bag has.
    Missing {
        path: String,
        listed: bool,
    },
    /// There, but its SHA-256 differs from the manifest's.
    Changed(String),
    /// In the bag, but in no manifest (under `data/`), or no file a bag of ours has (elsewhere).
    Extra(String),
    /// A link, FIFO, device, socket, or a folder where a file is listed. Never opened or followed.
    NotRegular {
        path: String,
        kind: &'static str,
    },
    /// A tag file the tag manifest does not list: nothing vouches for it.
    NotInTagManifest(String),
    /// A tag file that is not as RFC 8493 and our bags have it; `line` is 1-based.
    Malformed {
        file: String,
        line: Option<usize>,
        what: String,
    },
    /// `Payload-Oxum` (octets.files) of bag-info.txt against the payload found.
    PayloadOxum {
        recorded: String,
        actual: String,
    },
    TooLarge {
        path: String,
        size: u64,
        limit: u64,
    },
    Unreadable {
        path: String,
        reason: String,
    },
    /// The PDF's SHA-256 differs from the one recorded when it was archived, though the manifests
    /// may agree with it.
    NotAsRecorded {
        path: String,
        recorded: String,
    },
    /// No SHA-256 was recorded for this bag's PDF when it was archived.
    NotRecorded(String),
}

impl Finding {
    /// The line `verify` prints, in Chinese: what kind of problem, which file, and why.
    pub fn describe(&self) -> String {
        match self {
            Finding::Missing { path, listed: true } => {
                format!("缺少：{path}（清单中有，文件不见了）")
            }
            Finding::Missing {
                path,
                listed: false,
            } => {
                format!("缺少：{path}（每个归档都必须有这个文件）")
            }
            Finding::Changed(path) => format!("已改动：{path}（SHA-256 与清单不符）"),
            Finding::Extra(path) if path.starts_with("data/") => {
                format!("多出：{path}（不在清单中）")
            }
            Finding::Extra(path) => format!("多出：{path}（归档中不应有这个文件）"),
            Finding::NotRegular { path, kind } => {
                format!("不是普通文件：{path} 是{kind}（没有打开或跟随它；归档中只应有普通文件）")
            }
            Finding::NotInTagManifest(path) => {
                format!("清单不完整：{TAG_MANIFEST} 没有列出 {path}（无法确认 {path} 没有被改动）")
            }
            Finding::Malformed {
                file,
                line: Some(line),
                what,
            } => format!("格式有误：{file} 第 {line} 行：{what}"),
            Finding::Malformed {
                file,
                line: None,
                what,
            } => format!("格式有误：{file}：{what}"),
            Finding::PayloadOxum { recorded, actual } => format!(
                "Payload-Oxum 不符：{BAG_INFO_TXT} 记录的是 {recorded}（字节数.文件数），data/ 中实际是 {actual}"
            ),
            Finding::TooLarge { path, size, limit } => {
                format!("过大：{path} 有 {size} 字节，超过归档文件的上限（{limit} 字节），没有读完")
            }
            Finding::Unreadable { path, reason } => format!("无法读取：{path}（{reason}）"),
            Finding::NotAsRecorded { path, recorded } => format!(
                "已改动：{path}（SHA-256 与归档时记录的不符：归档时是 {recorded}；清单也被改过）"
            ),
            Finding::NotRecorded(path) => format!(
                "没有记录：归档记录和归档目录中都没有 {path} 归档时的 SHA-256，无法确认它是归档时的样子"
            ),
        }
    }

    /// Findings are listed by kind, then by path.
    fn order(&self) -> (u8, &str) {
        match self {
            Finding::Missing { path, .. } => (0, path),
            Finding::Changed(path) | Finding::NotAsRecorded { path, .. } => (1, path),
            Finding::Extra(path) => (2, path),
            Finding::NotRegular { path, .. } => (3, path),
            Finding::NotInTagManifest(path) => (4, path),
            Finding::Malformed { file, .. } => (5, file),
            Finding::PayloadOxum { .. } => (6, ""),
            Finding::TooLarge { path, .. } | Finding::Unreadable { path, .. } => (7, path),
            Finding::NotRecorded(path) => (8, path),
        }
    }
}

/// What checking a bag found.
#[derive(Debug, Default)]
pub struct Checked {
    pub findings: Vec<Finding>,
    /// How many listed files were read and found as listed.
    pub intact: usize,
    /// `bag-info.txt`, as far as it could be read.
    pub info: BagInfo,
    /// The SHA-256 of every listed file that was read, by path.
    pub sha256: BTreeMap<String, String>,
}

impl Checked {
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }

    /// Adds a finding, keeping the list in order.
    pub fn push(&mut self, finding: Finding) {
        self.findings.push(finding);
        self.findings.sort_by(|a, b| a.order().cmp(&b.order()));
    }
}

/// A regular file found in the bag: its size and identity.
struct Seen {
    len: u64,
    id: Option<(u64, u64)>,
}

/// The four files every bag of ours has beside `data/`.
const TAG_FILES: [&str; 4] = [BAGIT_TXT, BAG_INFO_TXT, MANIFEST, TAG_MANIFEST];

/// Checks a bag as RFC 8493 asks, and as strictly as our bags are made: `bagit.txt` declares
/// BagIt 1.0 in UTF-8; the tag manifest lists `bagit.txt`, `bag-info.txt` and the manifest; the
/// manifest lists every file under `data/` and only those; every listed file is there with its
/// SHA-256; `Payload-Oxum` matches; nothing but these files is in the bag. The bag is listed once
/// without following links; links, FIFOs, devices and sockets are findings and are never opened,
/// and no file is read past [`MAX_PAYLOAD_FILE`] bytes.
pub fn verify(dir: &Path) -> Result<Checked> {
    let root = std::fs::symlink_metadata(dir)
        .with_context(|| format!("无法读取归档文件夹 {}", dir.display()))?;
    if !root.is_dir() {
        bail!(
            "{} 是{}，不是归档文件夹，没有检查它。\n  提示：从备份恢复这个归档文件夹。",
            dir.display(),
            kind_name(root.file_type())
        );
    }
    let mut checked = Checked::default();
    let mut findings = Vec::new();
    let mut files: BTreeMap<String, Seen> = BTreeMap::new();
    let mut folders: Vec<String> = Vec::new();
    let mut odd: Vec<String> = Vec::new();
    let walk = WalkDir::new(dir)
        .follow_links(false)
        .follow_root_links(false)
        .min_depth(1)
        .sort_by_file_name();
    for entry in walk {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err
                    .path()
                    .map_or_else(String::new, |p| relative_slash(dir, p));
                let reason = err
                    .io_error()
                    .map_or_else(|| err.to_string(), |e| e.to_string());
                findings.push(Finding::Unreadable { path, reason });
                continue;
            }
        };
        let path = relative_slash(dir, entry.path());
        let kind = entry.file_type();
        if kind.is_dir() {
            folders.push(path);
        } else if kind.is_file() {
            let meta = entry.metadata().ok();
            let len = meta.as_ref().map_or(0, |m| m.len());
            let id = meta.as_ref().and_then(identity);
            files.insert(path, Seen { len, id });
        } else {
            findings.push(Finding::NotRegular {
                path: path.clone(),
                kind: kind_name(kind),
            });
            odd.push(path);
        }
    }
    // Whether `path` is, or lies under, something already reported as not regular.
    let hidden = |path: &str| {
        odd.iter()
            .any(|o| path == o || path.starts_with(&format!("{o}/")))
    };

    // The tag files: present, regular, small, read once (hashed and parsed from the same bytes).
    let mut tags: BTreeMap<&str, (String, Vec<u8>)> = BTreeMap::new();
    for name in TAG_FILES {
        let Some(seen) = files.get(name) else {
            if folders.iter().any(|f| f == name) {
                findings.push(Finding::NotRegular {
                    path: name.into(),
                    kind: "一个文件夹",
                });
            } else if !hidden(name) {
                findings.push(Finding::Missing {
                    path: name.into(),
                    listed: false,
                });
            }
            continue;
        };
        match read_file(&dir.join(name), MAX_TAG_FILE, true, seen.id) {
            Ok(read) => {
                tags.insert(name, read);
            }
            Err(failure) => findings.push(failure_finding(name, failure)),
        }
    }
    for path in files.keys() {
        if !path.starts_with("data/") && !TAG_FILES.contains(&path.as_str()) {
            findings.push(Finding::Extra(path.clone()));
        }
    }
    for folder in &folders {
        if folder != DATA
            && !folder.starts_with("data/")
            && !files.keys().any(|f| f.starts_with(&format!("{folder}/")))
        {
            findings.push(Finding::Extra(format!("{folder}/")));
        }
    }

    if let Some((_, bytes)) = tags.get(BAGIT_TXT) {
        for (line, what) in bagit_txt_problems(bytes) {
            findings.push(Finding::Malformed {
                file: BAGIT_TXT.into(),
                line,
                what,
            });
        }
    }
    let mut manifest = None;
    if let Some((_, bytes)) = tags.get(MANIFEST) {
        let parsed = parse_manifest(&utf8(MANIFEST, bytes, &mut findings));
        for (line, what) in parsed.problems {
            findings.push(malformed_line(MANIFEST, line, what));
        }
        let (payload, other): (BTreeMap<_, _>, BTreeMap<_, _>) =
            (parsed.entries.into_iter()).partition(|(path, _)| path.starts_with("data/"));
        for path in other.keys() {
            findings.push(Finding::Malformed {
                file: MANIFEST.into(),
                line: None,
                what: format!("列出了 {path}，但这个清单只应列出 data/ 中的文件"),
            });
        }
        manifest = Some(payload);
    }
    let mut tag_manifest = None;
    if let Some((_, bytes)) = tags.get(TAG_MANIFEST) {
        let parsed = parse_manifest(&utf8(TAG_MANIFEST, bytes, &mut findings));
        for (line, what) in parsed.problems {
            findings.push(malformed_line(TAG_MANIFEST, line, what));
        }
        let (known, other): (BTreeMap<_, _>, BTreeMap<_, _>) = (parsed.entries.into_iter())
            .partition(|(path, _)| [BAGIT_TXT, BAG_INFO_TXT, MANIFEST].contains(&path.as_str()));
        for path in other.keys() {
            findings.push(Finding::Malformed {
                file: TAG_MANIFEST.into(),
                line: None,
                what: format!(
                    "列出了 {path}，但这个清单只应列出 {BAGIT_TXT}、{BAG_INFO_TXT} 和 {MANIFEST}"
                ),
            });
        }
        for name in [BAGIT_TXT, BAG_INFO_TXT, MANIFEST] {
            if !known.contains_key(name) {
                findings.push(Finding::NotInTagManifest(name.into()));
            }
        }
        tag_manifest = Some(known);
    }

    // Tag files against the tag manifest, from the bytes already read.
    for (name, hash) in tag_manifest.iter().flatten() {
        match tags.get(name.as_str()) {
            Some((actual, _)) if actual == hash => checked.intact += 1,
            Some(_) => findings.push(Finding::Changed(name.clone())),
            // Missing or unreadable: reported above.
            None => {}
        }
    }

    // Payload files against the manifest, read in parallel, each at most once.
    if let Some(listed) = &manifest {
        let results: Vec<(String, Option<String>, Option<Finding>)> = listed
            .par_iter()
            .filter_map(|(path, hash)| {
                let Some(seen) = files.get(path) else {
                    // Already reported as what it is.
                    if hidden(path) {
                        return None;
                    }
                    let finding = if folders.contains(path) {
                        Finding::NotRegular {
                            path: path.clone(),
                            kind: "一个文件夹",
                        }
                    } else {
                        Finding::Missing {
                            path: path.clone(),
                            listed: true,
                        }
                    };
                    return Some((path.clone(), None, Some(finding)));
                };
                Some(
                    match read_file(&dir.join(path), MAX_PAYLOAD_FILE, false, seen.id) {
                        Ok((actual, _)) => {
                            let changed = actual != *hash;
                            (
                                path.clone(),
                                Some(actual),
                                changed.then(|| Finding::Changed(path.clone())),
                            )
                        }
                        Err(failure) => (path.clone(), None, Some(failure_finding(path, failure))),
                    },
                )
            })
            .collect();
        for (path, actual, finding) in results {
            if let Some(actual) = actual {
                checked.sha256.insert(path, actual);
            }
            match finding {
                Some(finding) => findings.push(finding),
                None => checked.intact += 1,
            }
        }
        for path in files.keys() {
            if path.starts_with("data/") && !listed.contains_key(path) {
                findings.push(Finding::Extra(path.clone()));
            }
        }
    }

    // Payload-Oxum: the octets and the number of the regular files under data/.
    let (octets, count) = (files.iter())
        .filter(|(path, _)| path.starts_with("data/"))
        .fold((0u64, 0u64), |(octets, count), (_, seen)| {
            (octets + seen.len, count + 1)
        });
    if let Some((_, bytes)) = tags.get(BAG_INFO_TXT) {
        let info = BagInfo::parse(&utf8(BAG_INFO_TXT, bytes, &mut findings));
        let actual = format!("{octets}.{count}");
        match info.get("Payload-Oxum") {
            None => findings.push(Finding::Malformed {
                file: BAG_INFO_TXT.into(),
                line: None,
                what: "缺少 Payload-Oxum（data/ 中文件的总字节数和个数）".into(),
            }),
            Some(recorded) if parse_oxum(recorded) != Some((octets, count)) => {
                findings.push(Finding::PayloadOxum {
                    recorded: recorded.to_string(),
                    actual,
                });
            }
            Some(_) => {}
        }
        checked.info = info;
    }
    findings.sort_by(|a, b| a.order().cmp(&b.order()));
    findings.dedup();
    checked.findings = findings;
    Ok(checked)
}

/// `octets.count` of a `Payload-Oxum` value.
fn parse_oxum(value: &str) -> Option<(u64, u64)> {
    let (octets, count) = value.split_once('.')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(octets) || !digits(count) {
        return None;
    }
    Some((octets.parse().ok()?, count.parse().ok()?))
}

/// RFC 8493 §2.1.1: `bagit.txt` is exactly `BagIt-Version: 1.0` and
/// `Tag-File-Character-Encoding: UTF-8`, in this order, without a byte order mark.
fn bagit_txt_problems(bytes: &[u8]) -> Vec<(Option<usize>, String)> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return vec![(None, "不是 UTF-8 编码".into())];
    };
    let mut problems = Vec::new();
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => {
            problems.push((Some(1), "开头有字节顺序标记（BOM），RFC 8493 不允许".into()));
            rest
        }
        None => text,
    };
    let lines: Vec<&str> = text.lines().collect();
    let expected = [
        ("BagIt-Version", "1.0"),
        ("Tag-File-Character-Encoding", "UTF-8"),
    ];
    for (i, (label, value)) in expected.into_iter().enumerate() {
        let found = (lines.iter().enumerate())
            .find_map(|(n, line)| Some((n, line.strip_prefix(label)?.strip_prefix(": ")?)));
        match found {
            None => problems.push((None, format!("缺少「{label}: {value}」"))),
            Some((n, _)) if n != i => {
                problems.push((Some(n + 1), format!("「{label}」应在第 {} 行", i + 1)))
            }
            Some((n, actual)) if !actual.eq_ignore_ascii_case(value) => problems.push((
                Some(n + 1),
                format!("{label} 是「{actual}」，应为「{value}」"),
            )),
            Some(_) => {}
        }
    }
    for (n, line) in lines.iter().enumerate() {
        let known = expected.iter().any(|(label, _)| {
            line.strip_prefix(label)
                .is_some_and(|r| r.starts_with(": "))
        });
        if !known {
            problems.push((Some(n + 1), format!("多出的一行「{line}」")));
        }
    }
    problems
}

/// `bytes` as text; not being UTF-8 (RFC 8493 tag files here are) is a finding.
fn utf8(name: &str, bytes: &[u8], findings: &mut Vec<Finding>) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => {
            findings.push(Finding::Malformed {
                file: name.into(),
                line: None,
                what: "不是 UTF-8 编码".into(),
            });
            String::from_utf8_lossy(bytes).into_owned()
        }
    }
}

fn malformed_line(file: &str, line: usize, what: String) -> Finding {
    Finding::Malformed {
        file: file.into(),
        line: Some(line),
        what,
    }
}

fn failure_finding(path: &str, failure: ReadFailure) -> Finding {
    let path = path.to_string();
    match failure {
        ReadFailure::NotRegular(kind) => Finding::NotRegular { path, kind },
        ReadFailure::TooLarge { size, limit } => Finding::TooLarge { path, size, limit },
        other => Finding::Unreadable {
            path,
            reason: failure_text(&other),
        },
    }
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

    /// The findings of a bag, as printed.
    fn described(dir: &Path) -> Vec<String> {
        let checked = verify(dir).unwrap();
        checked.findings.iter().map(Finding::describe).collect()
    }

    /// Rewrites a tag file and makes the tag manifest agree, as a careful forger would.
    fn forge(dir: &Path, name: &str, text: &str) {
        std::fs::write(dir.join(name), text).unwrap();
        let tags = std::fs::read_to_string(dir.join(TAG_MANIFEST)).unwrap();
        let old = tags
            .lines()
            .find(|l| l.ends_with(&format!("  {name}")))
            .unwrap();
        let new = format!("{}  {name}", sha256_hex(text.as_bytes()));
        std::fs::write(dir.join(TAG_MANIFEST), tags.replace(old, &new)).unwrap();
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
        let checked = verify(dir.path()).unwrap();
        assert!(checked.is_clean(), "{:?}", checked.findings);
        assert_eq!(checked.intact, 5);
        assert_eq!(checked.sha256["data/a.txt"], sha256_hex(b"alpha"));
        assert_eq!(checked.info.all("Title"), ["甲", "乙 丙"]);
    }

    #[test]
    fn verify_reports_missing_changed_and_extra_files() {
        let dir = tempfile::tempdir().unwrap();
        sample(dir.path());
        std::fs::write(dir.path().join("data/a.txt"), b"alphA").unwrap();
        std::fs::remove_file(dir.path().join("data/sub/100%.txt")).unwrap();
        std::fs::write(dir.path().join("data/new.txt"), b"x").unwrap();
        std::fs::write(dir.path().join(BAG_INFO_TXT), b"Payload-Oxum: 6.2\n").unwrap();
        std::fs::write(dir.path().join("notes.txt"), b"x").unwrap();
        assert_eq!(
            verify(dir.path()).unwrap().findings,
            [
                Finding::Missing {
                    path: "data/sub/100%.txt".into(),
                    listed: true
                },
                Finding::Changed("bag-info.txt".into()),
                Finding::Changed("data/a.txt".into()),
                Finding::Extra("data/new.txt".into()),
                Finding::Extra("notes.txt".into()),
            ]
        );
    }

    #[test]
    fn the_tag_manifest_must_list_bagit_txt_bag_info_txt_and_the_manifest() {
        let dir = tempfile::tempdir().unwrap();
        sample(dir.path());
        let tags = std::fs::read_to_string(dir.path().join(TAG_MANIFEST)).unwrap();
        let kept: String = tags
            .lines()
            .filter(|l| l.ends_with("  manifest-sha256.txt"))
            .map(|l| format!("{l}\n"))
            .collect();
        std::fs::write(dir.path().join(TAG_MANIFEST), kept).unwrap();
        std::fs::write(
            dir.path().join(BAG_INFO_TXT),
            b"Payload-Oxum: 10.2\nPages: 99\n",
        )
        .unwrap();
        assert_eq!(
            described(dir.path()),
            [
                "清单不完整：tagmanifest-sha256.txt 没有列出 bag-info.txt（无法确认 bag-info.txt 没有被改动）",
                "清单不完整：tagmanifest-sha256.txt 没有列出 bagit.txt（无法确认 bagit.txt 没有被改动）",
            ]
        );
        // Every file a bag has is required: without the tag manifest nothing vouches for the others.
        std::fs::remove_file(dir.path().join(TAG_MANIFEST)).unwrap();
        assert_eq!(
            described(dir.path()),
            ["缺少：tagmanifest-sha256.txt（每个归档都必须有这个文件）"]
        );
    }

    #[test]
    fn manifests_list_only_their_own_kind_of_file_once_with_a_sha256() {
        let dir = tempfile::tempdir().unwrap();
        sample(dir.path());
        let hash = sha256_hex(b"alpha");
        forge(
            dir.path(),
            MANIFEST,
            &format!(
                "{hash}  data/a.txt\n{hash}  data/a.txt\nabc  data/sub/100%25.txt\n{hash}  bagit.txt\n{hash}  data/../a.txt\n{hash}  data//a.txt\nnothing\n"
            ),
        );
        let tags = std::fs::read_to_string(dir.path().join(TAG_MANIFEST)).unwrap();
        std::fs::write(
            dir.path().join(TAG_MANIFEST),
            format!("{tags}{hash}  data/a.txt\n{hash}  tagmanifest-sha256.txt\n"),
        )
        .unwrap();
        let found = described(dir.path());
        for expected in [
            "格式有误：manifest-sha256.txt 第 2 行：重复列出 data/a.txt",
            "格式有误：manifest-sha256.txt 第 3 行：data/sub/100%.txt 的校验值不是 64 位十六进制数（SHA-256）",
            "格式有误：manifest-sha256.txt 第 5 行：路径 data/../a.txt 指向归档文件夹以外",
            "格式有误：manifest-sha256.txt 第 6 行：路径 data//a.txt 不规范（有空的部分或 .）",
            "格式有误：manifest-sha256.txt 第 7 行：这一行不是「校验值 文件路径」的形式",
            "格式有误：manifest-sha256.txt：列出了 bagit.txt，但这个清单只应列出 data/ 中的文件",
            "格式有误：tagmanifest-sha256.txt：列出了 data/a.txt，但这个清单只应列出 bagit.txt、bag-info.txt 和 manifest-sha256.txt",
            "格式有误：tagmanifest-sha256.txt：列出了 tagmanifest-sha256.txt，但这个清单只应列出 bagit.txt、bag-info.txt 和 manifest-sha256.txt",
            // The file whose line is malformed is therefore unlisted.
            "多出：data/sub/100%.txt（不在清单中）",
        ] {
            assert!(
                found.iter().any(|f| f == expected),
                "{expected}\n{found:#?}"
            );
        }
    }

    #[test]
    fn bagit_txt_must_declare_bagit_1_0_in_utf_8_in_two_lines() {
        let dir = tempfile::tempdir().unwrap();
        sample(dir.path());
        forge(
            dir.path(),
            BAGIT_TXT,
            "Tag-File-Character-Encoding: Latin-1\nBagIt-Version: 0.97\nExtra: 1\n",
        );
        assert_eq!(
            described(dir.path()),
            [
                "格式有误：bagit.txt 第 2 行：「BagIt-Version」应在第 1 行",
                "格式有误：bagit.txt 第 1 行：「Tag-File-Character-Encoding」应在第 2 行",
                "格式有误：bagit.txt 第 3 行：多出的一行「Extra: 1」",
            ]
        );
        forge(
            dir.path(),
            BAGIT_TXT,
            "BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n",
        );
        assert_eq!(
            described(dir.path()),
            ["格式有误：bagit.txt 第 1 行：BagIt-Version 是「0.97」，应为「1.0」"]
        );
        forge(
            dir.path(),
            BAGIT_TXT,
            "\u{feff}BagIt-Version: 1.0\nTag-File-Character-Encoding: utf-8\n",
        );
        assert_eq!(
            described(dir.path()),
            ["格式有误：bagit.txt 第 1 行：开头有字节顺序标记（BOM），RFC 8493 不允许"]
        );
        std::fs::remove_file(dir.path().join(BAGIT_TXT)).unwrap();
        assert_eq!(
            described(dir.path()),
            ["缺少：bagit.txt（每个归档都必须有这个文件）"]
        );
    }

    #[test]
    fn payload_oxum_counts_the_octets_and_files_under_data() {
        let dir = tempfile::tempdir().unwrap();
        sample(dir.path());
        forge(dir.path(), BAG_INFO_TXT, "Payload-Oxum: 10.3\n");
        assert_eq!(
            verify(dir.path()).unwrap().findings,
            [Finding::PayloadOxum {
                recorded: "10.3".into(),
                actual: "10.2".into()
            }]
        );
        forge(dir.path(), BAG_INFO_TXT, "Title: x\n");
        assert_eq!(
            described(dir.path()),
            ["格式有误：bag-info.txt：缺少 Payload-Oxum（data/ 中文件的总字节数和个数）"]
        );
        assert_eq!(parse_oxum("10.2"), Some((10, 2)));
        for bad in ["10", "10.", ".2", "1 0.2", "-1.2"] {
            assert_eq!(parse_oxum(bad), None, "{bad}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn links_fifos_and_devices_are_findings_and_never_opened() {
        use std::os::unix::fs::symlink;
        let outside = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        sample(dir.path());
        // The same bytes behind a link: following it would call the file intact.
        std::fs::write(outside.path().join("a.txt"), b"alpha").unwrap();
        std::fs::remove_file(dir.path().join("data/a.txt")).unwrap();
        symlink(outside.path().join("a.txt"), dir.path().join("data/a.txt")).unwrap();
        symlink("/dev/zero", dir.path().join("data/zero")).unwrap();
        let sub = dir.path().join("data/sub");
        std::fs::rename(&sub, outside.path().join("sub")).unwrap();
        symlink(outside.path().join("sub"), &sub).unwrap();
        let fifo = dir.path().join(MANIFEST);
        std::fs::remove_file(&fifo).unwrap();
        let path = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o644) }, 0);
        let checked = verify(dir.path()).unwrap();
        let not_regular: Vec<(&str, &str)> = (checked.findings.iter())
            .filter_map(|f| match f {
                Finding::NotRegular { path, kind } => Some((path.as_str(), *kind)),
                _ => None,
            })
            .collect();
        assert_eq!(
            not_regular,
            [
                ("data/a.txt", "一个链接"),
                ("data/sub", "一个链接"),
                ("data/zero", "一个链接"),
                ("manifest-sha256.txt", "一个管道（FIFO）"),
            ]
        );
        assert_eq!(checked.intact, 2, "{:?}", checked.findings);
        // The public readers refuse them the same way.
        let err = read_regular(&fifo, 10).unwrap_err().to_string();
        assert!(err.contains("一个管道（FIFO），不是普通文件"), "{err}");
        let err = read_regular(&dir.path().join("data/zero"), 10)
            .unwrap_err()
            .to_string();
        assert!(err.contains("一个链接"), "{err}");
    }

    #[test]
    fn a_file_larger_than_the_limit_is_not_read_past_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("big"), vec![b'x'; 100]).unwrap();
        let err = read_regular(&dir.path().join("big"), 99)
            .unwrap_err()
            .to_string();
        assert!(err.contains("超过了上限 99 字节"), "{err}");
        assert_eq!(
            read_regular(&dir.path().join("big"), 100).unwrap().len(),
            100
        );
    }

    #[test]
    fn a_folder_without_bag_files_reports_each_one_missing() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            described(dir.path()),
            [
                "缺少：bag-info.txt（每个归档都必须有这个文件）",
                "缺少：bagit.txt（每个归档都必须有这个文件）",
                "缺少：manifest-sha256.txt（每个归档都必须有这个文件）",
                "缺少：tagmanifest-sha256.txt（每个归档都必须有这个文件）",
            ]
        );
        let err = verify(&dir.path().join("none")).unwrap_err().to_string();
        assert!(err.contains("无法读取归档文件夹"), "{err}");
    }
}
