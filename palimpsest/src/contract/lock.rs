//! The lock: each version's shape committed as `<dir>/<Type>/<version>.json`,
//! checked against the shapes the struct and its history give today.
//!
//! `<Type>` is serde's name of the type ([`Contract::name`]), not the Rust
//! one: `#[serde(rename = "...")]` on the type keeps a lock across a
//! rename of the Rust type. A type whose folder is missing while another
//! folder locks its shapes under another name is told so, not blessed a
//! second history.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::schema::Versioned;

use super::diff::{differences, Compatibility, Difference};
use super::format::{Format, Shape};
use super::{Contract, ContractError};

/// The environment variable that lets a check write the versions not
/// locked yet: `PALIMPSEST_BLESS=1 cargo test`.
pub const BLESS_VARIABLE: &str = "PALIMPSEST_BLESS";

/// A check of a type's shapes against its lock files.
///
/// A locked version never changes: its file is compared, never rewritten.
/// A version not locked yet is an error, unless blessing (the
/// [`BLESS_VARIABLE`], or [`Lock::bless`]) writes its file.
///
/// ```
/// use palimpsest::contract::Lock;
/// use palimpsest::versioned;
/// use serde::{Deserialize, Serialize};
///
/// #[versioned(since = "0.1.0")]
/// #[derive(Serialize, Deserialize)]
/// struct Note {
///     text: String,
/// }
///
/// let dir = std::env::temp_dir().join(format!("palimpsest-doc-lock-{}", std::process::id()));
/// // The first run writes `<dir>/Note/0.1.0.json` (and `0.0.1.json`, the
/// // legacy version's), to commit...
/// let written = Lock::new(&dir).bless(true).check::<Note>()?;
/// assert_eq!(written.written.len(), 2);
/// // ...and every later run checks them.
/// let checked = Lock::new(&dir).bless(false).check::<Note>()?;
/// assert_eq!(checked.checked, ["0.0.1", "0.1.0"]);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), palimpsest::contract::LockError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Lock {
    dir: PathBuf,
    bless: bool,
    promise: Compatibility,
}

/// What a passing check did.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct LockReport {
    /// The versions compared with their lock files.
    pub checked: Vec<String>,
    /// The lock files written (blessing).
    pub written: Vec<PathBuf>,
    /// The versions whose shape the history does not declare (a
    /// hand-written step, a move between paths): their files, if any, are
    /// kept as they are, unchecked.
    pub unverified: Vec<String>,
}

/// Why a lock check failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LockError {
    /// The type's shape could not be read.
    #[error(transparent)]
    Contract(#[from] ContractError),
    /// A lock file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A lock file is no shape.
    #[error("{}: not a lock file: {source}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: serde_json::Error,
    },
    /// The shapes differ from the lock, or the history is not locked.
    #[error("{}", Problems { type_name, problems })]
    Changed {
        /// The versioned type.
        type_name: &'static str,
        /// One sentence per problem: what changed and what to write.
        problems: Vec<String>,
    },
}

struct Problems<'a> {
    type_name: &'a str,
    problems: &'a [String],
}

impl fmt::Display for Problems<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the schema lock of `{}` fails:", self.type_name)?;
        for problem in self.problems {
            write!(f, "\n  - {problem}")?;
        }
        Ok(())
    }
}

impl Lock {
    /// A check of the lock files under `dir` (`schema/`, say); blessing
    /// when the [`BLESS_VARIABLE`] is set to anything but `0` or empty.
    pub fn new(dir: impl Into<PathBuf>) -> Lock {
        let bless = std::env::var_os(BLESS_VARIABLE).is_some_and(|v| !v.is_empty() && v != "0");
        Lock {
            dir: dir.into(),
            bless,
            promise: Compatibility::Breaking,
        }
    }

    /// Whether versions not locked yet are written instead of reported.
    #[must_use]
    pub fn bless(mut self, bless: bool) -> Lock {
        self.bless = bless;
        self
    }

    /// The compatibility every step promises readers that do not migrate
    /// (see [`Compatibility`]); a step that breaks it fails the check. By
    /// default none is promised: every declared change passes.
    #[must_use]
    pub fn promise(mut self, promise: Compatibility) -> Lock {
        self.promise = promise;
        self
    }

    /// The folder of the lock files of the type serde names `name` (see
    /// [`Contract::name`]).
    #[must_use]
    pub fn type_dir(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Checks `T`'s shapes against its lock files.
    ///
    /// # Errors
    ///
    /// [`LockError::Changed`] with every problem found, or the error that
    /// kept the check from running.
    pub fn check<T>(&self) -> Result<LockReport, LockError>
    where
        T: Versioned + DeserializeOwned,
    {
        self.check_contract(&Contract::of::<T>()?)
    }

    /// Checks a contract's shapes against its lock files.
    ///
    /// # Errors
    ///
    /// As [`Lock::check`].
    pub fn check_contract(&self, contract: &Contract) -> Result<LockReport, LockError> {
        let dir = self.type_dir(contract.name());
        let root = match &contract.current().root {
            Format::Named(name) => name.clone(),
            _ => String::new(),
        };
        let mut report = LockReport::default();
        let mut problems = Vec::new();
        let versions: Vec<_> = contract.versions().collect();
        let mut named = BTreeSet::new();
        // Newest first: a change shows in every locked version before it,
        // and is reported once, at the newest.
        let mut reported: Vec<Difference> = Vec::new();
        let renamed = if stray_files(&dir)?.is_empty() {
            self.renamed_from(contract)?
        } else {
            None
        };
        if let Some(old) = renamed {
            return Err(LockError::Changed {
                type_name: contract.type_name(),
                problems: vec![format!(
                    "{} is missing, and {} locks the same shapes under the name `{old}`: the type's serde name changed from `{old}` to `{new}` (renaming the Rust type renames it). Documents do not hold the name: keep the lock with `#[serde(rename = \"{old}\")]` on the type, or move the folder to {}",
                    dir.display(),
                    self.type_dir(&old).display(),
                    dir.display(),
                    new = contract.name(),
                )],
            });
        }
        for (index, (version, shape)) in versions.iter().enumerate().rev() {
            let text = version.to_string();
            let path = dir.join(format!("{text}.json"));
            named.insert(path.clone());
            let locked = read(&path)?;
            let Some(shape) = shape else {
                report.unverified.push(text);
                continue;
            };
            match locked {
                Some(locked) => {
                    let locked = root_named_as(locked, shape);
                    // The change lies between this version and the next.
                    let next = versions.get(index + 1).map(|(v, _)| v.to_string());
                    for difference in differences(&locked, shape) {
                        if gained_default(&difference)
                            || widened_in(&difference, next.as_deref())
                            || reported.contains(&difference)
                        {
                            continue;
                        }
                        problems.push(difference.unexplained(&root, next.as_deref()));
                        reported.push(difference);
                    }
                    report.checked.insert(0, text);
                }
                None if self.bless => {
                    write(&path, shape)?;
                    report.written.insert(0, path);
                }
                None => problems.push(format!(
                    "version {text} is not locked: run the check with {BLESS_VARIABLE}=1 and commit {}",
                    path.display()
                )),
            }
        }
        for path in stray_files(&dir)? {
            if !named.contains(&path) {
                problems.push(format!(
                    "{} locks a version the history no longer names",
                    path.display()
                ));
            }
        }
        problems.extend(self.broken_promises(contract));
        let mut seen = BTreeSet::new();
        problems.retain(|problem| seen.insert(problem.clone()));
        if problems.is_empty() {
            Ok(report)
        } else {
            Err(LockError::Changed {
                type_name: contract.type_name(),
                problems,
            })
        }
    }

    /// The name of another folder under the lock's that locks the shapes
    /// of `contract` under another name: each of its files is of a
    /// version `contract` has, and equal to that version's shape once its
    /// root type is given `contract`'s name.
    fn renamed_from(&self, contract: &Contract) -> Result<Option<String>, LockError> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(LockError::Io {
                    path: self.dir.clone(),
                    source,
                })
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Some(old) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if old == contract.name() || !path.is_dir() {
                continue;
            }
            let files = stray_files(&path)?;
            let mut same = !files.is_empty();
            for file in &files {
                let version = file
                    .file_stem()
                    .and_then(|v| v.to_str())
                    .unwrap_or_default();
                let ours = contract.shape(version);
                // A folder that is not a lock, or another type's: not this one.
                let Ok(Some(locked)) = read(file) else {
                    same = false;
                    break;
                };
                // The Rust name the file records is no part of the shape.
                let renamed = |ours: &Shape| {
                    let mut renamed = root_named_as(locked.clone(), ours);
                    renamed.type_name.clone_from(&ours.type_name);
                    locked.root == Format::Named(old.to_owned()) && renamed == *ours
                };
                if !ours.is_some_and(renamed) {
                    same = false;
                    break;
                }
            }
            if same {
                return Ok(Some(old.to_owned()));
            }
        }
        Ok(None)
    }

    fn broken_promises(&self, contract: &Contract) -> Vec<String> {
        let shapes: Vec<_> = contract.versions().collect();
        let mut out = Vec::new();
        for pair in shapes.windows(2) {
            let [(from, Some(old)), (to, Some(new))] = pair else {
                continue;
            };
            for difference in differences(old, new) {
                let level = difference.compatibility();
                if !level.keeps(self.promise) {
                    out.push(format!(
                        "{from} to {to} is {level}, `{}` promises {}: {}",
                        contract.type_name(),
                        self.promise,
                        difference
                    ));
                }
            }
        }
        out
    }
}

/// `locked` with its root type given the name `ours` gives it: documents
/// do not hold the root's name, so a lock moved to a renamed type's folder
/// still holds.
fn root_named_as(mut locked: Shape, ours: &Shape) -> Shape {
    if let (Format::Named(old), Format::Named(new)) = (&locked.root, &ours.root) {
        if old != new && !locked.types.contains_key(new) {
            let (old, new) = (old.clone(), new.clone());
            if let Some(root) = locked.types.remove(&old) {
                locked.types.insert(new.clone(), root);
            }
            for keys in [&mut locked.tags, &mut locked.contents] {
                if let Some(key) = keys.remove(&old) {
                    keys.insert(new.clone(), key);
                }
            }
            locked.root = Format::Named(new);
        }
    }
    locked
}

/// A field that may now be left out reads every document it read before:
/// the lock accepts it without a new version.
fn gained_default(difference: &Difference) -> bool {
    matches!(
        difference,
        Difference::FieldOptionality { optional: true, .. }
    )
}

/// Whether the change is a variant added to an untagged enum in a later
/// version: no attribute can declare it (documents hold no variant name),
/// the new version does, and this version's documents still read.
fn widened_in(difference: &Difference, next: Option<&str>) -> bool {
    next.is_some() && matches!(difference, Difference::UntaggedVariantAdded { .. })
}

fn read(path: &Path) -> Result<Option<Shape>, LockError> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|source| LockError::File {
                path: path.to_owned(),
                source,
            }),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(LockError::Io {
            path: path.to_owned(),
            source,
        }),
    }
}

fn write(path: &Path, shape: &Shape) -> Result<(), LockError> {
    let io = |source| LockError::Io {
        path: path.to_owned(),
        source,
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let mut text = serde_json::to_string_pretty(shape).map_err(|source| LockError::File {
        path: path.to_owned(),
        source,
    })?;
    text.push('\n');
    std::fs::write(path, text).map_err(io)
}

/// The `.json` files of a type's lock folder.
fn stray_files(dir: &Path) -> Result<Vec<PathBuf>, LockError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(LockError::Io {
                path: dir.to_owned(),
                source,
            })
        }
    };
    let mut files = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|source| LockError::Io {
                path: dir.to_owned(),
                source,
            })?
            .path();
        if path.extension().is_some_and(|e| e == "json") {
            files.push(path);
        }
    }
    Ok(files)
}
