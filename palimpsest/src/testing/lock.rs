//! The schema lock in a test: see [`crate::contract::Lock`].

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::contract::{Lock, LockError, LockReport};
use crate::schema::Versioned;

/// Checks `T`'s shapes against the lock files under `dir`
/// (`<dir>/<Type>/<version>.json`), writing the versions not locked yet
/// when `PALIMPSEST_BLESS=1`.
///
/// ```
/// use palimpsest::versioned;
/// use serde::{Deserialize, Serialize};
///
/// #[versioned(since = "0.1.0")]
/// #[derive(Serialize, Deserialize)]
/// struct Note {
///     text: String,
/// }
///
/// let dir = std::env::temp_dir().join(format!("palimpsest-doc-check-lock-{}", std::process::id()));
/// // Not locked yet, and not blessing: the error says what to run.
/// let error = palimpsest::testing::check_lock::<Note>(&dir).unwrap_err();
/// assert!(error.to_string().contains("version 0.1.0 is not locked"));
/// # std::env::set_var("PALIMPSEST_BLESS", "1");
/// # palimpsest::testing::assert_lock::<Note>(&dir);
/// # std::env::remove_var("PALIMPSEST_BLESS");
/// # palimpsest::testing::assert_lock::<Note>(&dir);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
///
/// # Errors
///
/// See [`Lock::check`].
pub fn check_lock<T>(dir: impl AsRef<Path>) -> Result<LockReport, LockError>
where
    T: Versioned + DeserializeOwned,
{
    Lock::new(dir.as_ref()).check::<T>()
}

/// [`check_lock`], panicking with every problem found: what changed and
/// what to write.
///
/// # Panics
///
/// When the check fails.
#[track_caller]
pub fn assert_lock<T>(dir: impl AsRef<Path>) -> LockReport
where
    T: Versioned + DeserializeOwned,
{
    match check_lock::<T>(dir) {
        Ok(report) => report,
        Err(error) => panic!("{error}"),
    }
}
