//! Source files as read, and spans into them: every value an editor wrote carries the span the YAML
//! parser gave it, so a problem about it can name its file, line and column without searching.

use std::path::{Path, PathBuf};

/// Which source file of a build a span points into (an index into [`Sources`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct FileId(pub u16);

impl FileId {
    /// bulletin.yaml, the first file of every build.
    pub const BULLETIN: FileId = FileId(0);
    /// The issue's issue.yaml, the second.
    pub const ISSUE: FileId = FileId(1);
}

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: start as u32,
            end: end.max(start) as u32,
        }
    }

    /// The empty span at the start of this one.
    pub fn start_only(self) -> Span {
        Span {
            end: self.start,
            ..self
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A text file as read: its path relative to the project root, its text, and where its lines start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub id: FileId,
    pub path: PathBuf,
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(id: FileId, path: impl AsRef<Path>, text: impl Into<String>) -> SourceFile {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            id,
            path: path.as_ref().to_path_buf(),
            text,
            line_starts,
        }
    }

    /// 1-based line and column (in characters) of byte `offset`.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let start = self.line_starts[line - 1];
        (line, self.text[start..offset].chars().count() + 1)
    }

    /// Byte offset of 1-based `line` and 0-based character `column` (clamped to the line).
    pub fn offset(&self, line: usize, column: usize) -> usize {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let text = self.line(line);
        start
            + text
                .char_indices()
                .nth(column)
                .map_or(text.len(), |(i, _)| i)
    }

    /// The text of 1-based `line`, without its line break.
    pub fn line(&self, line: usize) -> &str {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line)
            .map_or(self.text.len(), |&next| next - 1);
        let text = &self.text[start..end.max(start)];
        text.strip_suffix('\r').unwrap_or(text)
    }

    /// The span of the whole file's first character (for problems about the file as a whole).
    pub fn start(&self) -> Span {
        Span::new(self.id, 0, 0)
    }

    /// The span of bytes `range` of this file.
    pub fn span(&self, range: std::ops::Range<usize>) -> Span {
        Span::new(self.id, range.start, range.end)
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The source files of one build, indexed by [`FileId`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sources(Vec<SourceFile>);

impl Sources {
    /// Adds a file; its id is its position.
    pub fn add(&mut self, path: impl AsRef<Path>, text: impl Into<String>) -> FileId {
        let id = FileId(self.0.len() as u16);
        self.0.push(SourceFile::new(id, path, text));
        id
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.0[usize::from(id.0)]
    }

    pub fn iter(&self) -> impl Iterator<Item = &SourceFile> {
        self.0.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_count_characters_from_one() {
        let file = SourceFile::new(FileId(0), "f.yaml", "a: 1\n标题: 长艺\r\nlast");
        assert_eq!(file.line_column(0), (1, 1));
        assert_eq!(file.line_column(file.text.find('长').unwrap()), (2, 5));
        assert_eq!(file.line_column(file.text.len()), (3, 5));
        assert_eq!(file.line(2), "标题: 长艺");
        assert_eq!(file.line(3), "last");
        assert_eq!(file.offset(2, 4), file.text.find('长').unwrap());
        // Past the end of a line: the line's end.
        assert_eq!(file.offset(1, 99), 4);
    }
}
