//! One rule for reading the editor's files: only a regular file whose real path (every symlink
//! resolved) lies inside the folder it belongs to (the project, or an archive bag), and only up to
//! a size read from its metadata before anything is read. A FIFO, a device, a folder or a link to
//! something outside is refused by type with a Chinese message, so a stray link can neither hang
//! a build (a FIFO, /dev/zero) nor put a file from elsewhere into a PDF or an archive.
//! Operating-system errors become Chinese messages with a hint here too.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::diag::Problem;

/// Why a file could not be read.
#[derive(Debug)]
pub enum FileError {
    NotFound,
    /// A folder, FIFO, device or socket: what it is, in Chinese.
    NotAFile(&'static str),
    /// A link whose target lies outside the allowed folder.
    Outside(PathBuf),
    TooLarge {
        size: u64,
        limit: u64,
    },
    Io(std::io::Error),
}

impl FileError {
    /// The problem for the file shown as `shown`, in Chinese, with a hint.
    pub fn problem(&self, shown: &Path) -> Problem {
        let name = shown.display();
        match self {
            FileError::NotFound => Problem::error(format!("找不到文件 {name}"))
                .hint("检查文件名和它所在的文件夹。"),
            FileError::NotAFile(kind) => {
                Problem::error(format!("{name} 是{kind}，不是普通文件，不能读取"))
                    .hint("换成普通文件（例如把图片重新复制一份进来，而不是用快捷方式或链接）。")
            }
            FileError::Outside(target) => Problem::error(format!(
                "{name} 是一个链接，指向项目之外的 {}，不能使用",
                target.display()
            ))
            .hint("把文件本身复制到项目里，不要用链接（快捷方式）：项目之外的文件不会放进 PDF 和归档。"),
            FileError::TooLarge { size, limit } => Problem::error(format!(
                "{name} 有 {}，太大了（最多 {}）",
                human_size(*size),
                human_size(*limit)
            ))
            .hint("检查是不是放错了文件；内容文件通常只有几十 KB，照片先缩小到几 MB。"),
            FileError::Io(err) => io_problem(err, &format!("无法读取 {name}")),
        }
    }
}

impl From<std::io::Error> for FileError {
    fn from(err: std::io::Error) -> Self {
        match err.kind() {
            std::io::ErrorKind::NotFound => FileError::NotFound,
            _ => FileError::Io(err),
        }
    }
}

/// Reads `path`, which must be a regular file inside `root` (after resolving links) of at most
/// `limit` bytes.
pub fn read_limited(root: &Path, path: &Path, limit: u64) -> Result<Vec<u8>, FileError> {
    let real = checked(root, path)?;
    let size = std::fs::metadata(&real)?.len();
    if size > limit {
        return Err(FileError::TooLarge { size, limit });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // The size may have grown since: never read more than the limit.
    std::fs::File::open(&real)?
        .take(limit + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(FileError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// The real path of `path` if it is a regular file inside `root`.
pub fn checked(root: &Path, path: &Path) -> Result<PathBuf, FileError> {
    let real = path.canonicalize()?;
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    if !real.starts_with(&root) {
        return Err(FileError::Outside(real));
    }
    let kind = std::fs::metadata(&real)?.file_type();
    if kind.is_file() {
        return Ok(real);
    }
    Err(FileError::NotAFile(kind_name(kind)))
}

/// What a file that is not a regular file is, in Chinese (for a type from `symlink_metadata`, a
/// link is named as such).
pub fn kind_name(kind: std::fs::FileType) -> &'static str {
    if kind.is_symlink() {
        return "一个链接";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "一个管道（FIFO）";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "一个设备";
        }
        if kind.is_socket() {
            return "一个套接字";
        }
    }
    if kind.is_dir() {
        "一个文件夹"
    } else {
        "一个特殊文件"
    }
}

/// An operating-system error while doing `action` (e.g. 「无法保存 output/034/第034期.pdf」), in
/// Chinese with what to do; the system's own words follow as the cause.
pub fn io_problem(err: &std::io::Error, action: &str) -> Problem {
    use std::io::ErrorKind as K;
    let (reason, hint) = match err.kind() {
        K::StorageFull | K::QuotaExceeded => (
            "磁盘已满",
            "清理磁盘空间（例如删除 output/.cache 文件夹和不用的文件）后再试；已有的 PDF 没有被改动。",
        ),
        K::PermissionDenied => (
            "没有权限",
            "检查这个文件或文件夹的权限（Windows：右键 → 属性 → 安全；Mac：显示简介 → 共享与权限），或换一个有写入权限的文件夹。",
        ),
        K::ReadOnlyFilesystem => (
            "磁盘是只读的",
            "把项目复制到可以写入的磁盘（例如不要在光盘或写保护的 U 盘上运行）。",
        ),
        K::ResourceBusy | K::ExecutableFileBusy => (
            "文件正被其他程序占用",
            "关闭正在打开这个文件的程序（例如 PDF 阅读器），再试一次。",
        ),
        K::NotFound => ("找不到文件或文件夹", "检查路径是否正确、文件是否被移走。"),
        K::IsADirectory => ("这是一个文件夹", "需要的是文件，检查名字是否写对。"),
        K::FileTooLarge => ("文件太大", "检查是不是放错了文件。"),
        K::InvalidFilename => (
            "文件名不合法",
            "文件名不要含 \\ / : * ? \" < > | 等符号，也不要太长。",
        ),
        _ => (
            "操作系统报告了错误",
            "再试一次；一直出现时，把下面的原因告诉维护者。",
        ),
    };
    Problem::error(format!("{action}：{reason}"))
        .hint(hint)
        .cause(err)
}

/// 1.5 MB, 300 KB, 12 字节.
pub fn human_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1024 * 1024 => format!("{:.2} MB", b as f64 / (1024.0 * 1024.0)),
        b if b >= 1024 => format!("{} KB", b / 1024),
        b => format!("{b} 字节"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_inside_the_root_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("project");
        std::fs::create_dir(&root).unwrap();
        std::fs::write(root.join("a.yaml"), "abc").unwrap();
        std::fs::write(dir.path().join("outside.jpg"), "x").unwrap();
        assert_eq!(
            read_limited(&root, &root.join("a.yaml"), 10).unwrap(),
            b"abc"
        );
        assert!(matches!(
            read_limited(&root, &root.join("a.yaml"), 2),
            Err(FileError::TooLarge { size: 3, limit: 2 })
        ));
        assert!(matches!(
            read_limited(&root, &root.join("none"), 10),
            Err(FileError::NotFound)
        ));
        assert!(matches!(
            read_limited(&root, &root, 10),
            Err(FileError::NotAFile("一个文件夹"))
        ));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("outside.jpg"), root.join("link.jpg"))
                .unwrap();
            assert!(matches!(
                read_limited(&root, &root.join("link.jpg"), 10),
                Err(FileError::Outside(_))
            ));
            std::os::unix::fs::symlink("/dev/zero", root.join("zero.jpg")).unwrap();
            assert!(read_limited(&root, &root.join("zero.jpg"), 10).is_err());
        }
    }

    #[test]
    fn a_full_disk_is_explained_in_chinese_with_the_systems_words_as_cause() {
        let err = std::io::Error::from(std::io::ErrorKind::StorageFull);
        let problem = io_problem(&err, "无法保存 output/034/第034期.pdf");
        assert_eq!(problem.message, "无法保存 output/034/第034期.pdf：磁盘已满");
        assert!(problem.hints[0].contains("清理磁盘空间"));
        assert_eq!(problem.causes.len(), 1);
    }
}
