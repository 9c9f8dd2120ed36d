//! Files: finding the sources under the inputs, and replacing a file so
//! that a crash leaves either the old or the new content, never a mix.

use std::ffi::OsStr;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::paths::{file_id, follow_links, FileId};
use crate::temp::{self, Sweeper};

/// One source of documents.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Source {
    /// The file, or `None` for standard input.
    pub path: Option<PathBuf>,
    /// The path relative to the input it was found under (the file name
    /// for an input that is a file), for mirroring into an output folder.
    pub relative: PathBuf,
    /// Whether the file is one document (`.json`) rather than JSONL.
    pub whole: bool,
}

impl Source {
    /// The source as reports show it: its path, or `-` for standard input.
    #[must_use]
    pub fn shown(&self) -> String {
        match &self.path {
            Some(path) => path.display().to_string(),
            None => "-".to_owned(),
        }
    }
}

/// The sources under `inputs`, in a deterministic order: each input as
/// given, a folder walked recursively in sorted order for `.json` (one
/// document each), `.jsonl` and `.ndjson` files; hidden entries (such as
/// the temporary files of an in-place run) are skipped. `-` is standard
/// input (JSONL); any other file given by name is JSONL unless it ends in
/// `.json`.
///
/// An input that does not exist, a folder that cannot be listed, or a
/// link back to a folder that holds it (which would be walked forever) is
/// yielded as an error with its path. A file found in a folder is yielded
/// as it is, even when it cannot be read (a dangling link): reading it is
/// the run's job, which reports it with the documents.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// std::fs::create_dir(dir.path().join("b"))?;
/// for name in ["b/2.json", "a.jsonl", "notes.txt", ".hidden.json"] {
///     std::fs::write(dir.path().join(name), "")?;
/// }
/// let found: Vec<_> = palimpsest_bulk::sources(&[dir.path().to_path_buf()])
///     .map(|s| s.unwrap().relative.display().to_string())
///     .collect();
/// assert_eq!(found, ["a.jsonl", "b/2.json"]);
/// # Ok::<(), std::io::Error>(())
/// ```
#[must_use]
pub fn sources(inputs: &[PathBuf]) -> Sources {
    Sources {
        inputs: inputs.iter().rev().cloned().collect(),
        stack: Vec::new(),
    }
}

/// The iterator of [`sources`].
#[derive(Debug)]
pub struct Sources {
    inputs: Vec<PathBuf>,
    /// The folders being walked, from an input folder down.
    stack: Vec<Folder>,
}

/// A folder being walked.
#[derive(Debug)]
struct Folder {
    /// The input folder it was found under.
    root: PathBuf,
    /// What it is, to tell a link that loops back to it.
    id: Option<FileId>,
    /// The entries left, reversed.
    entries: Vec<PathBuf>,
}

impl Sources {
    /// Starts walking `path`, found under `root`; refused when it is one of
    /// the folders it lies in (a link back up would walk forever).
    fn enter(&mut self, root: PathBuf, path: &Path) -> io::Result<()> {
        let id = file_id(path);
        if id.is_some() && self.stack.iter().any(|folder| folder.id == id) {
            return Err(io::Error::other(
                "a symbolic link loops back to a folder that holds it",
            ));
        }
        let entries = sorted_entries(path)?;
        self.stack.push(Folder { root, id, entries });
        Ok(())
    }
}

impl Iterator for Sources {
    type Item = Result<Source, (PathBuf, io::Error)>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(folder) = self.stack.last_mut() {
                let Some(path) = folder.entries.pop() else {
                    self.stack.pop();
                    continue;
                };
                let root = folder.root.clone();
                if path.is_dir() {
                    if let Err(e) = self.enter(root, &path) {
                        return Some(Err((path, e)));
                    }
                    continue;
                }
                let Some(whole) = walked_kind(&path) else {
                    continue;
                };
                let relative = path.strip_prefix(&root).unwrap_or(&path).to_path_buf();
                return Some(Ok(Source {
                    path: Some(path),
                    relative,
                    whole,
                }));
            }
            let input = self.inputs.pop()?;
            if input.as_os_str() == "-" {
                return Some(Ok(Source {
                    path: None,
                    relative: PathBuf::from("-"),
                    whole: false,
                }));
            }
            match fs::metadata(&input) {
                Ok(meta) if meta.is_dir() => {
                    if let Err(e) = self.enter(input.clone(), &input) {
                        return Some(Err((input, e)));
                    }
                    continue;
                }
                Ok(_) => {}
                Err(e) => return Some(Err((input, e))),
            }
            let whole = input.extension() == Some(OsStr::new("json"));
            let relative = input
                .file_name()
                .map_or_else(|| input.clone(), PathBuf::from);
            return Some(Ok(Source {
                path: Some(input),
                relative,
                whole,
            }));
        }
    }
}

/// The entries of a folder, sorted, reversed for popping; hidden ones left out.
fn sorted_entries(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        if !entry.file_name().to_string_lossy().starts_with('.') {
            entries.push(entry.path());
        }
    }
    entries.sort_unstable_by(|a, b| b.cmp(a));
    Ok(entries)
}

/// Whether a file met in a folder is a source, and whether it is one document.
fn walked_kind(path: &Path) -> Option<bool> {
    match path.extension()?.to_str()? {
        "json" => Some(true),
        "jsonl" | "ndjson" => Some(false),
        _ => None,
    }
}

/// A file being written beside its final path, which replaces that path
/// only when complete and on disk: write, fsync, rename, fsync the folder.
/// Dropped without [`Replacement::commit`], it removes itself.
pub(crate) struct Replacement {
    temp: PathBuf,
    target: PathBuf,
    file: Option<BufWriter<File>>,
}

impl Replacement {
    /// Starts writing the content that will replace `target`, with the
    /// permissions of the file it replaces, if any. A `target` that is a
    /// symbolic link is followed: the file it points to is replaced, and
    /// the link stays a link. The folder written into is first swept of
    /// the temporary files of dead runs (see [`Sweeper`]).
    pub(crate) fn begin(target: &Path, sweeper: &mut Sweeper) -> io::Result<Self> {
        let target = follow_links(target)?;
        let dir = match target.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        sweeper.sweep(&dir);
        let name = target.file_name().unwrap_or_else(|| OsStr::new("output"));
        let (temp, file) = temp::create(&dir, name)?;
        let mut replacement = Replacement {
            temp,
            target,
            file: Some(BufWriter::with_capacity(1 << 20, file)),
        };
        if let Ok(meta) = fs::metadata(&replacement.target) {
            // On failure `replacement` is dropped, which removes the temporary file.
            let permissions = meta.permissions();
            replacement
                .writer()?
                .get_ref()
                .set_permissions(permissions)?;
        }
        Ok(replacement)
    }

    /// Puts the new content in place: after this returns, a crash leaves
    /// the new content; before it, the old.
    pub(crate) fn commit(mut self) -> io::Result<()> {
        let Some(writer) = self.file.take() else {
            return Ok(());
        };
        let done = writer
            .into_inner()
            .map_err(io::IntoInnerError::into_error)
            .and_then(|file| file.sync_all())
            .and_then(|()| fs::rename(&self.temp, &self.target));
        if done.is_err() {
            let _ = fs::remove_file(&self.temp);
        }
        temp::forget(&self.temp);
        done?;
        sync_folder(&self.target)
    }
}

impl Write for Replacement {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer()?.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.writer()?.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer()?.flush()
    }
}

impl Replacement {
    /// The file being written; after `commit` there is none, and writing
    /// is an error rather than a panic.
    fn writer(&mut self) -> io::Result<&mut BufWriter<File>> {
        self.file.as_mut().ok_or_else(|| {
            io::Error::other(format!(
                "{} was already committed; nothing more can be written to it",
                self.target.display()
            ))
        })
    }
}

impl Drop for Replacement {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = fs::remove_file(&self.temp);
            temp::forget(&self.temp);
        }
    }
}

/// Makes a rename durable: the folder entry itself is flushed.
fn sync_folder(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replacement_is_all_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("t.jsonl");
        fs::write(&target, "old").unwrap();
        let mut sweeper = Sweeper::default();
        let mut r = Replacement::begin(&target, &mut sweeper).unwrap();
        r.write_all(b"new").unwrap();
        drop(r);
        assert_eq!(fs::read_to_string(&target).unwrap(), "old");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "the temporary file is removed"
        );
        let mut r = Replacement::begin(&target, &mut sweeper).unwrap();
        r.write_all(b"new").unwrap();
        r.commit().unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_replacement_of_a_link_replaces_the_file_it_points_to() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("real")).unwrap();
        let real = dir.path().join("real/t.jsonl");
        fs::write(&real, "old").unwrap();
        let link = dir.path().join("link.jsonl");
        std::os::unix::fs::symlink("real/t.jsonl", &link).unwrap();
        let mut r = Replacement::begin(&link, &mut Sweeper::default()).unwrap();
        r.write_all(b"new").unwrap();
        r.commit().unwrap();
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
    }

    #[test]
    fn inputs_given_by_name_keep_their_order() {
        let dir = tempfile::tempdir().unwrap();
        let (b, a) = (dir.path().join("b.json"), dir.path().join("a.log"));
        fs::write(&b, "").unwrap();
        fs::write(&a, "").unwrap();
        let found: Vec<_> = sources(&[b.clone(), "-".into(), a.clone()])
            .map(|s| s.unwrap())
            .map(|s| (s.path, s.whole))
            .collect();
        assert_eq!(found, [(Some(b), true), (None, false), (Some(a), false)]);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_back_up_is_an_error_not_an_endless_walk() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        fs::write(dir.path().join("sub/a.jsonl"), "").unwrap();
        std::os::unix::fs::symlink("..", dir.path().join("sub/up")).unwrap();
        let found: Vec<_> = sources(&[dir.path().to_path_buf()]).take(10).collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0]
            .as_ref()
            .is_ok_and(|s| s.relative == Path::new("sub/a.jsonl")));
        assert!(matches!(&found[1], Err((path, _)) if path.ends_with("sub/up")));
    }

    #[test]
    fn an_input_that_does_not_exist_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.jsonl");
        let found: Vec<_> = sources(std::slice::from_ref(&missing)).collect();
        assert!(
            matches!(&found[..], [Err((path, e))] if *path == missing && e.kind() == io::ErrorKind::NotFound),
            "{found:?}"
        );
    }
}
