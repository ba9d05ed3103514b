//! Test driver: copies the project into a temporary folder, runs the real binary there, and reads the
//! resulting PDF back (text, pages, fonts).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs `watch` on issue `issue` of the project at `root` in a thread of its own (shipped fonts
/// only), calling `report` after each build, until `stop` is set.
pub fn spawn_watch(
    root: &Path,
    issue: &str,
    stop: &bulletin::watch::Stop,
    mut report: impl FnMut(&bulletin::watch::Rebuild) + Send + 'static,
) -> std::thread::JoinHandle<anyhow::Result<()>> {
    let dir = root.join("content").join(issue);
    let (root, stop) = (root.to_path_buf(), stop.clone());
    std::thread::spawn(move || {
        let project = bulletin::project::Project { root };
        let fonts = bulletin::compile::FontSources::ShippedOnly;
        let mut pipeline = bulletin::pipeline::Pipeline::new(project, fonts).unwrap();
        let until = bulletin::watch::Until {
            stop: &stop,
            rebuilds: None,
        };
        bulletin::watch::watch(&mut pipeline, &dir, until, &mut report)
    })
}

/// The repository root (where Cargo.toml is).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A small valid issue 099 (one article, one paragraph), the base the error tests vary.
pub const GOOD: &str = "number: 99
date: 2022-05-01
articles:
  - title: 测试标题
    lead:
      - 一段话。
";

/// A throwaway copy of the project: content and templates copied, fonts linked.
pub struct TestProject {
    pub dir: tempfile::TempDir,
}

impl TestProject {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        copy_dir(&repo().join("content"), &dir.path().join("content"));
        copy_dir(&repo().join("templates"), &dir.path().join("templates"));
        std::fs::create_dir_all(dir.path().join("assets")).unwrap();
        link_or_copy(
            &repo().join("assets/fonts"),
            &dir.path().join("assets/fonts"),
        );
        TestProject { dir }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.root().join(relative)
    }

    pub fn write(&self, relative: &str, text: &str) {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
    }

    /// Copies the repository's file `from` (e.g. a fixture photo) to `relative` in the project.
    pub fn copy_file(&self, from: &str, relative: &str) {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::copy(repo().join(from), path).unwrap_or_else(|e| panic!("{from}: {e}"));
    }

    /// Copies the folder `from` (from outside the project) over the folder `relative` in it.
    pub fn copy_in(&self, from: &Path, relative: &str) {
        copy_dir(from, &self.path(relative));
    }

    /// Edits a file with a closure over its text.
    pub fn edit(&self, relative: &str, f: impl FnOnce(String) -> String) {
        let text = self.read(relative);
        self.write(relative, &f(text));
    }

    /// Runs `bulletin ARGS` in the project folder (without `SOURCE_DATE_EPOCH`, whatever the
    /// caller's environment says).
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_env(args, &[])
    }

    /// Runs `bulletin ARGS` in the project folder with these environment variables set.
    pub fn run_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_bulletin"))
            .args(args)
            .current_dir(self.root())
            .env_remove("SOURCE_DATE_EPOCH")
            .envs(env.iter().copied())
            .output()
            .expect("run bulletin");
        Run {
            success: output.status.success(),
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    pub fn build(&self, issue: &str) -> Run {
        self.run(&["build", issue, "--no-system-fonts"])
    }
}

pub struct Run {
    pub success: bool,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    #[track_caller]
    pub fn assert_ok(&self) -> &Self {
        assert!(
            self.success,
            "bulletin failed:\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn assert_failed_with(&self, expected: &str) -> &Self {
        assert!(
            !self.success,
            "bulletin should have failed:\nstdout:\n{}",
            self.stdout
        );
        assert_eq!(self.code, Some(1));
        assert!(
            self.stderr.contains(expected),
            "stderr lacks {expected:?}:\n{}",
            self.stderr
        );
        self
    }
}

/// Runs `bulletin ARGS` in the project and kills it after `limit`: a hanging `verify` fails the
/// test instead of hanging it.
pub fn run_with_timeout(project: &TestProject, args: &[&str], limit: Duration) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args(args)
        .current_dir(project.root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run bulletin");
    let started = Instant::now();
    // The outputs are read on threads so that a flood of output cannot block the child.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).ok();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut s).ok();
        s
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("bulletin {args:?} still ran after {limit:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Run {
        success: status.success(),
        code: status.code(),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn link_or_copy(from: &Path, to: &Path) {
    #[cfg(unix)]
    if std::os::unix::fs::symlink(from, to).is_ok() {
        return;
    }
    copy_dir(from, to);
}

/// The PDF's text with every whitespace character and the page numbers 「— N —」 removed, so that text
/// broken across lines and pages compares equal to the source.
pub fn pdf_text(pdf: &[u8]) -> String {
    let text = pdf_extract::extract_text_from_mem(pdf).expect("extract PDF text");
    let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    strip_page_numbers(&squeezed)
}

fn strip_page_numbers(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '—' {
            let digits = chars[i + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            if digits > 0 && chars.get(i + 1 + digits) == Some(&'—') {
                i += digits + 2;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// The address of every link in the PDF (`/URI` of its link actions), by lopdf.
pub fn pdf_link_uris(pdf: &[u8]) -> Vec<String> {
    fn collect(object: &lopdf::Object, uris: &mut Vec<String>) {
        match object {
            lopdf::Object::Dictionary(dict) => {
                for (key, value) in dict.iter() {
                    match value.as_str() {
                        Ok(uri) if key == b"URI" => {
                            uris.push(String::from_utf8_lossy(uri).into_owned())
                        }
                        _ => collect(value, uris),
                    }
                }
            }
            lopdf::Object::Array(items) => items.iter().for_each(|item| collect(item, uris)),
            _ => {}
        }
    }
    let doc = lopdf::Document::load_mem(pdf).expect("parse PDF");
    let mut uris = Vec::new();
    doc.objects
        .values()
        .for_each(|object| collect(object, &mut uris));
    uris
}

/// Number of pages, by lopdf.
pub fn pdf_pages(pdf: &[u8]) -> usize {
    lopdf::Document::load_mem(pdf)
        .expect("parse PDF")
        .get_pages()
        .len()
}

/// (BaseFont name, embedded?) of every font the PDF uses, by lopdf.
pub fn pdf_fonts(pdf: &[u8]) -> Vec<(String, bool)> {
    let doc = lopdf::Document::load_mem(pdf).expect("parse PDF");
    let mut fonts = Vec::new();
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        if dict.get(b"Type").and_then(|t| t.as_name()).ok() != Some(b"FontDescriptor") {
            continue;
        }
        let name = dict
            .get(b"FontName")
            .and_then(|n| n.as_name())
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_default();
        let embedded = [&b"FontFile"[..], b"FontFile2", b"FontFile3"]
            .iter()
            .any(|k| dict.has(k));
        fonts.push((name, embedded));
    }
    fonts.sort();
    fonts
}

/// A text entry of the PDF's document information dictionary, by lopdf.
fn pdf_info(pdf: &[u8], key: &str) -> String {
    let doc = lopdf::Document::load_mem(pdf).expect("parse PDF");
    let info = doc
        .trailer
        .get(b"Info")
        .and_then(|i| i.as_reference())
        .and_then(|id| doc.get_dictionary(id))
        .expect("document information dictionary");
    let value = info
        .get(key.as_bytes())
        .and_then(|d| d.as_str())
        .unwrap_or_else(|_| panic!("no /{key}"));
    String::from_utf8_lossy(value).into_owned()
}

/// The `/CreationDate` of the PDF's document information, e.g. `D:20220404000000Z`.
pub fn pdf_creation_date(pdf: &[u8]) -> String {
    pdf_info(pdf, "CreationDate")
}

/// The `/Creator` of the PDF's document information (`bulletin 0.1.0`, `Typst 0.15.1`).
pub fn pdf_creator(pdf: &[u8]) -> String {
    pdf_info(pdf, "Creator")
}

/// The XMP metadata stream the catalog points to, as text, by lopdf.
pub fn pdf_xmp(pdf: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(pdf).expect("parse PDF");
    let id = doc
        .catalog()
        .and_then(|c| c.get(b"Metadata"))
        .and_then(|m| m.as_reference())
        .expect("the catalog has /Metadata");
    let stream = doc
        .get_object(id)
        .and_then(|o| o.as_stream())
        .expect("/Metadata is a stream");
    let bytes = stream
        .decompressed_content()
        .unwrap_or_else(|_| stream.content.clone());
    String::from_utf8(bytes).expect("XMP is UTF-8")
}

/// The lower-case hex SHA-256 of a file.
pub fn sha256_file(path: &Path) -> String {
    use sha2::Digest;
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    format!("{:x}", sha2::Sha256::digest(bytes))
}

/// Checks that `needles` occur in `haystack` in this order; returns the first one missing.
pub fn find_in_order<'a>(
    haystack: &str,
    needles: &'a [String],
) -> Result<(), (usize, &'a str, String)> {
    let mut at = 0;
    for (i, needle) in needles.iter().enumerate() {
        match haystack[at..].find(needle.as_str()) {
            Some(found) => at += found + needle.len(),
            None => {
                let context: String = haystack[at..].chars().take(80).collect();
                return Err((i, needle.as_str(), context));
            }
        }
    }
    Ok(())
}
