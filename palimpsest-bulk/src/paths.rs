//! Outputs against inputs: which paths name the same file, and the
//! outputs a run refuses because writing them would destroy an input, be
//! read as one, or be shared by two sources.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

/// An output of a run that clashes with its inputs; see [`check_output`].
/// A run refuses it before it opens anything for writing.
///
/// Paths are shown as they were given (an output folder's file as the
/// folder joined with the source's relative path); the comparison itself
/// resolves symbolic links and `..`, and on Unix compares files by device
/// and inode, so a hard link is caught too.
///
/// ```
/// use palimpsest_bulk::{check_output, Clash};
///
/// let dir = tempfile::tempdir()?;
/// let input = dir.path().join("traces.jsonl");
/// std::fs::write(&input, "{}\n")?;
/// let twice = dir.path().join("sub/../traces.jsonl");
/// let clash = check_output(&twice, &[input.clone()]).unwrap_err();
/// assert!(matches!(&clash, Clash::IsInput { input: i, .. } if *i == input));
/// assert!(clash.to_string().starts_with("output "));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Clash {
    /// The output is one of the inputs: writing it would destroy the input,
    /// before or while it is read.
    #[error("output {} is the input {}", output.display(), input.display())]
    IsInput {
        /// The output, as given.
        output: PathBuf,
        /// The input it is, as given.
        input: PathBuf,
    },
    /// The output lies inside an input folder: the walk of that folder
    /// would read it as a source (or a later run would).
    #[error(
        "output {} lies inside the input folder {}, where it would be read",
        output.display(),
        input.display()
    )]
    InsideInput {
        /// The output, as given.
        output: PathBuf,
        /// The input folder, as given.
        input: PathBuf,
    },
    /// The output folder contains an input: its mirrored files could land
    /// on the inputs.
    #[error("output folder {} contains the input {}", output.display(), input.display())]
    ContainsInput {
        /// The output folder, as given.
        output: PathBuf,
        /// The input inside it, as given.
        input: PathBuf,
    },
    /// Two sources would be written to one file (two inputs with the same
    /// name, the same relative path under two folders, or one file given
    /// twice): the second would overwrite the first.
    #[error(
        "inputs {} and {} would both be written to {}",
        first.display(),
        second.display(),
        target.display()
    )]
    SharedTarget {
        /// The first source.
        first: PathBuf,
        /// The second source.
        second: PathBuf,
        /// The file both would be written to, as built for the second.
        target: PathBuf,
    },
    /// A file written beside the run (the `palimpsest` command's
    /// `--rejects`) is one the run writes a source to: one would overwrite
    /// the other.
    #[error("output {} is where the input {} is written", output.display(), input.display())]
    WrittenByRun {
        /// The file written beside the run, as given.
        output: PathBuf,
        /// The source the run writes to the same file.
        input: PathBuf,
    },
}

/// Checks that writing the file `output` can neither destroy one of
/// `inputs` nor be read by the walk of one: it must not be an input (the
/// same file through any link, `..` or hard link) nor lie inside an input
/// folder. `-` (standard input) and inputs that do not exist are passed
/// over.
///
/// [`Migrator::run`](crate::Migrator::run) checks its
/// [`Destination`](crate::Destination) this way; check any other file
/// you write beside a run (the `palimpsest` command's `--rejects`) before
/// you create it.
///
/// ```
/// use palimpsest_bulk::{check_output, Clash};
///
/// let dir = tempfile::tempdir()?;
/// let corpus = dir.path().join("corpus");
/// std::fs::create_dir(&corpus)?;
/// let inputs = [corpus.clone()];
/// assert!(check_output(&dir.path().join("rejects.jsonl"), &inputs).is_ok());
/// let inside = check_output(&corpus.join("rejects.jsonl"), &inputs);
/// assert!(matches!(inside, Err(Clash::InsideInput { .. })));
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// # Errors
///
/// [`Clash::IsInput`] or [`Clash::InsideInput`], with the output and the
/// input it clashes with.
pub fn check_output(output: &Path, inputs: &[PathBuf]) -> Result<(), Clash> {
    Inputs::new(inputs).check_file(output)
}

/// The identity of a file: what two paths naming the same file share.
#[cfg(unix)]
pub(crate) type FileId = (u64, u64);
#[cfg(not(unix))]
pub(crate) type FileId = PathBuf;

#[cfg(unix)]
pub(crate) fn file_id(path: &Path) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    let meta = fs::metadata(path).ok()?;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
pub(crate) fn file_id(path: &Path) -> Option<FileId> {
    fs::canonicalize(path).ok()
}

/// The inputs of a run, by identity, for checking outputs against them.
pub(crate) struct Inputs<'a> {
    by_id: HashMap<FileId, &'a Path>,
}

impl<'a> Inputs<'a> {
    pub(crate) fn new(inputs: &'a [PathBuf]) -> Self {
        let by_id = inputs
            .iter()
            .filter(|input| input.as_os_str() != "-")
            .filter_map(|input| Some((file_id(input)?, input.as_path())))
            .collect();
        Inputs { by_id }
    }

    /// See [`check_output`].
    pub(crate) fn check_file(&self, output: &Path) -> Result<(), Clash> {
        if self.by_id.is_empty() {
            return Ok(());
        }
        self.check_resolved(output, &resolve(output))
    }

    /// [`Inputs::check_file`] for an output already resolved (see [`resolve`]).
    pub(crate) fn check_resolved(&self, output: &Path, resolved: &Path) -> Result<(), Clash> {
        let enclosing = resolved
            .ancestors()
            .enumerate()
            .find_map(|(depth, ancestor)| {
                let input = self.by_id.get(&file_id(ancestor)?)?;
                Some((*input, depth == 0))
            });
        match enclosing {
            None => Ok(()),
            Some((input, true)) => Err(Clash::IsInput {
                output: output.to_path_buf(),
                input: input.to_path_buf(),
            }),
            Some((input, false)) => Err(Clash::InsideInput {
                output: output.to_path_buf(),
                input: input.to_path_buf(),
            }),
        }
    }

    /// An output folder must not be an input, lie inside one, or contain one.
    pub(crate) fn check_folder(&self, output: &Path) -> Result<(), Clash> {
        self.check_file(output)?;
        let Some(folder) = file_id(output) else {
            // Not there yet: it contains nothing.
            return Ok(());
        };
        for input in self.by_id.values() {
            let resolved = resolve(input);
            if resolved
                .ancestors()
                .any(|a| file_id(a).as_ref() == Some(&folder))
            {
                return Err(Clash::ContainsInput {
                    output: output.to_path_buf(),
                    input: input.to_path_buf(),
                });
            }
        }
        Ok(())
    }
}

/// The sources of a run that writes file by file, by the file each is
/// written to (`K` tells files apart): two on one file are refused.
pub(crate) struct Targets<K> {
    seen: HashMap<K, PathBuf>,
}

impl<K> Default for Targets<K> {
    fn default() -> Self {
        Targets {
            seen: HashMap::new(),
        }
    }
}

impl<K: std::hash::Hash + Eq> Targets<K> {
    /// Records that `source` is written to `target`, known as `key`.
    pub(crate) fn claim(&mut self, key: K, source: &Path, target: &Path) -> Result<(), Clash> {
        match self.seen.insert(key, source.to_path_buf()) {
            None => Ok(()),
            Some(first) => Err(Clash::SharedTarget {
                first,
                second: source.to_path_buf(),
                target: target.to_path_buf(),
            }),
        }
    }
}

/// How many links are followed before giving up, as Linux's `ELOOP` does.
const MAX_LINKS: usize = 40;

/// The path a write to `path` lands on: while `path` is a symbolic link,
/// its target (relative targets taken from the link's folder). A dangling
/// link gives where it points, which a write creates.
pub(crate) fn follow_links(path: &Path) -> io::Result<PathBuf> {
    let mut path = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let to = fs::read_link(&path)?;
                path = match path.parent() {
                    Some(dir) => dir.join(to),
                    None => to,
                };
            }
            _ => return Ok(path),
        }
    }
    Err(io::Error::other(format!(
        "{}: more than {MAX_LINKS} levels of symbolic links",
        path.display()
    )))
}

/// The absolute path of the file a write to `path` lands on, with every
/// link and `..` resolved as far as the path exists; the part that does
/// not exist yet is appended with its `..` taken lexically (which is what
/// creating it does).
pub(crate) fn resolve(path: &Path) -> PathBuf {
    let path = follow_links(path).unwrap_or_else(|_| path.to_path_buf());
    let path = match std::env::current_dir() {
        Ok(dir) if path.is_relative() => dir.join(path),
        _ => path,
    };
    for ancestor in path.ancestors() {
        if let Ok(mut real) = fs::canonicalize(ancestor) {
            let rest = path.strip_prefix(ancestor).unwrap_or(Path::new(""));
            for component in rest.components() {
                match component {
                    Component::ParentDir => {
                        real.pop();
                    }
                    Component::Normal(name) => real.push(name),
                    _ => {}
                }
            }
            return real;
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_do_not_exist_resolve_lexically_below_the_part_that_does() {
        let dir = tempfile::tempdir().unwrap();
        let real = fs::canonicalize(dir.path()).unwrap();
        fs::create_dir(dir.path().join("a")).unwrap();
        assert_eq!(resolve(&dir.path().join("a/../b")), real.join("b"));
        assert_eq!(resolve(&dir.path().join("x/y/../z")), real.join("x/z"));
        assert_eq!(resolve(&dir.path().join("a/./c")), real.join("a/c"));
    }

    #[cfg(unix)]
    #[test]
    fn links_are_followed_even_when_dangling() {
        let dir = tempfile::tempdir().unwrap();
        let real = fs::canonicalize(dir.path()).unwrap();
        std::os::unix::fs::symlink("elsewhere/t.jsonl", dir.path().join("link")).unwrap();
        std::os::unix::fs::symlink("link", dir.path().join("link2")).unwrap();
        assert_eq!(
            follow_links(&dir.path().join("link2")).unwrap(),
            dir.path().join("elsewhere/t.jsonl")
        );
        assert_eq!(
            resolve(&dir.path().join("link2")),
            real.join("elsewhere/t.jsonl")
        );
        std::os::unix::fs::symlink("loop", dir.path().join("loop")).unwrap();
        assert!(follow_links(&dir.path().join("loop")).is_err());
    }

    #[test]
    fn an_output_folder_around_an_input_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in/t.jsonl");
        fs::create_dir(dir.path().join("in")).unwrap();
        fs::write(&input, "").unwrap();
        let inputs = [input.clone()];
        let checked = Inputs::new(&inputs);
        assert!(matches!(
            checked.check_folder(dir.path()),
            Err(Clash::ContainsInput { .. })
        ));
        assert!(checked.check_folder(&dir.path().join("out")).is_ok());
        assert!(matches!(
            checked.check_folder(&input),
            Err(Clash::IsInput { .. })
        ));
    }
}
