//! Temporary files: the one name pattern they follow, the registry of
//! this process's live ones (removed on an interrupt), and the sweep of
//! the ones a dead run left behind.
//!
//! A temporary file is named `.<target>.<pid>-<n>.palimpsest-tmp`: hidden
//! and not `.json`, so a folder walk never takes it for a source, and
//! carrying the PID of the process that writes it, so a later run can tell
//! a leftover of a dead run from the file of a run still going.

use std::collections::HashSet;
use std::ffi::{OsStr, OsString};
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

const SUFFIX: &str = ".palimpsest-tmp";

/// The temporary name for `target_name` written by process `pid`, the
/// `n`th of that process.
fn temporary_name(target_name: &OsStr, pid: u32, n: u64) -> OsString {
    let mut name = OsString::from(".");
    name.push(target_name);
    name.push(format!(".{pid}-{n}{SUFFIX}"));
    name
}

/// The PID in a name made by [`temporary_name`], or `None` for any other
/// name: only our own files are ever swept.
fn writer_pid(file_name: &OsStr) -> Option<u32> {
    let rest = file_name
        .to_str()?
        .strip_prefix('.')?
        .strip_suffix(SUFFIX)?;
    let (target, numbers) = rest.rsplit_once('.')?;
    let (pid, n) = numbers.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if target.is_empty() || !digits(pid) || !digits(n) {
        return None;
    }
    pid.parse().ok()
}

/// The live temporary files of this process.
struct Registry {
    /// A list: a run has a handful open at a time.
    live: Vec<PathBuf>,
    /// Set by [`remove_temporary_files`]: the process is ending, and no new
    /// temporary file may appear after the cleanup.
    closed: bool,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    live: Vec::new(),
    closed: false,
});

fn registry() -> MutexGuard<'static, Registry> {
    // A panic elsewhere while the lock was held leaves a set that is still
    // consistent: every operation on it is a single insert or remove.
    REGISTRY.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Creates a new temporary file in `dir` for `target_name`, registered as
/// live until [`forget`] is called.
pub(crate) fn create(dir: &Path, target_name: &OsStr) -> io::Result<(PathBuf, File)> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let path = dir.join(temporary_name(target_name, std::process::id(), n));
    // Created under the lock: a cleanup either sees the file registered or
    // runs before it exists and forbids it.
    let mut registry = registry();
    if registry.closed {
        return Err(io::Error::new(
            io::ErrorKind::Interrupted,
            "the process is ending: its temporary files were removed",
        ));
    }
    let file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)?;
    registry.live.push(path.clone());
    Ok((path, file))
}

/// Takes a temporary file off the registry once it is renamed or removed.
pub(crate) fn forget(path: &Path) {
    registry().live.retain(|live| live != path);
}

/// Removes the temporary files this process is writing, and forbids new
/// ones: for a signal handler, just before the process exits.
///
/// The `palimpsest` command calls it on SIGINT, SIGTERM and SIGHUP; a
/// program of your own that runs [`Migrator::run`](crate::bulk::Migrator::run)
/// and handles those signals itself calls it the same way. A file being
/// renamed into place at that moment ends up either old or new, never
/// lost: the rename and the removal cannot both take the temporary file.
/// After this call, starting a new replacement fails with
/// [`io::ErrorKind::Interrupted`], so nothing new appears before the exit.
///
/// Returns how many files were removed.
///
/// ```
/// // Nothing is being written here.
/// assert_eq!(palimpsest::bulk::remove_temporary_files(), 0);
/// ```
pub fn remove_temporary_files() -> usize {
    let mut registry = registry();
    registry.closed = true;
    let mut removed = 0;
    for path in registry.live.drain(..) {
        if fs::remove_file(&path).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Removes, once per folder, the temporary files that dead runs left in
/// the folders a run writes into.
#[derive(Default)]
pub(crate) struct Sweeper {
    swept: HashSet<PathBuf>,
}

impl Sweeper {
    /// Removes from `dir` every file named as our temporary files are
    /// whose writer is known to be dead; the first call per folder only.
    /// A file that cannot be removed is left: the run does not depend on it.
    pub(crate) fn sweep(&mut self, dir: &Path) {
        if !self.swept.insert(dir.to_path_buf()) {
            return;
        }
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        let own = std::process::id();
        for entry in entries.flatten() {
            let Some(pid) = writer_pid(&entry.file_name()) else {
                continue;
            };
            let is_file = entry.file_type().is_ok_and(|t| t.is_file());
            if is_file && pid != own && is_alive(pid) == Some(false) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

/// Whether process `pid` exists, where that can be told: on Linux, by its
/// `/proc` entry (and only when `/proc` is mounted); elsewhere, `None`, and
/// leftovers are kept.
fn is_alive(pid: u32) -> Option<bool> {
    if cfg!(target_os = "linux") && Path::new("/proc/self").exists() {
        return Some(Path::new("/proc").join(pid.to_string()).exists());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_own_names_are_recognized() {
        let name = temporary_name(OsStr::new("t.jsonl"), 42, 7);
        assert_eq!(name, ".t.jsonl.42-7.palimpsest-tmp");
        assert_eq!(writer_pid(&name), Some(42));
        for other in [
            "t.jsonl.42-7.palimpsest-tmp",
            "..42-7.palimpsest-tmp",
            ".t.jsonl.42-.palimpsest-tmp",
            ".t.jsonl.x42-7.palimpsest-tmp",
            ".t.jsonl.42-7.palimpsest-tmp.bak",
            ".t.jsonl.palimpsest-tmp",
            ".t.jsonl",
        ] {
            assert_eq!(writer_pid(OsStr::new(other)), None, "{other}");
        }
    }

    #[test]
    fn this_process_is_alive() {
        if cfg!(target_os = "linux") {
            assert_eq!(is_alive(std::process::id()), Some(true));
        }
    }
}
