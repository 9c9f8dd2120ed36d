//! Golden documents: one sample document per version, written once and
//! kept, so that every later build is tested against what each version
//! wrote (as tfhe-rs keeps the data each of its releases serialized).

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::schema::Versioned;
use crate::version::Version;

use super::ContractError;

/// What [`write_golden`] did, version by version.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct GoldenReport {
    /// The documents written.
    pub written: Vec<PathBuf>,
    /// The documents that were there already: a golden document is never
    /// rewritten, it is what that version wrote.
    pub kept: Vec<PathBuf>,
    /// The versions the value cannot be written as (a step with no
    /// inverse), and why.
    pub unwritable: Vec<(Version, crate::Error)>,
}

/// Writes `value` as every version of its type's history, each into
/// `<dir>/<version>/<name>.json`: the fixtures layout `check_fixtures`
/// (feature `testing`) reads, so a test
/// that checks the folder then reads the documents of every version, the
/// current one included, as long as the repository keeps them. Older
/// versions are written by [`to_value_as_lossy`](crate::to_value_as_lossy):
/// what a writer of that version could hold, without the values of
/// fields added since (which that writer did not have). The legacy
/// version's document carries no version key, as documents written before
/// versioning did. A file that exists is never rewritten; a version the value cannot be written
/// as is listed in the report, not an error.
///
/// A value worth writing is one with every field filled:
/// [`sample`](super::sample) makes one.
///
/// ```
/// use palimpsest::contract::{sample, write_golden};
/// use palimpsest::versioned;
/// use serde::{Deserialize, Serialize};
///
/// #[versioned(since = "0.1.0", version = "0.2.0")]
/// #[derive(Serialize, Deserialize)]
/// struct Note {
///     #[renamed_from("body", since = "0.2.0")]
///     text: String,
/// }
///
/// let dir = std::env::temp_dir().join(format!("palimpsest-doc-golden-{}", std::process::id()));
/// let report = write_golden(&dir, "sample", &sample::<Note>()?)?;
/// assert_eq!(report.written.len(), 3); // 0.0.1, 0.1.0 and 0.2.0
/// let old: serde_json::Value =
///     serde_json::from_str(&std::fs::read_to_string(dir.join("0.1.0/sample.json"))?)?;
/// assert_eq!(old, serde_json::json!({"schema_version": "0.1.0", "body": "text"}));
///
/// // Written once: a second run keeps them.
/// let again = write_golden(&dir, "sample", &Note { text: "other".into() })?;
/// assert_eq!(again.kept.len(), 3);
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`ContractError::Io`] when a folder or a file cannot be made.
pub fn write_golden<T>(
    dir: impl AsRef<Path>,
    name: &str,
    value: &T,
) -> Result<GoldenReport, ContractError>
where
    T: Versioned + Serialize,
{
    let schema = T::schema();
    let mut report = GoldenReport::default();
    for version in schema.versions() {
        let path = dir
            .as_ref()
            .join(version.to_string())
            .join(format!("{name}.json"));
        if path.exists() {
            report.kept.push(path);
            continue;
        }
        let document = match crate::to_value_as_lossy(value, version) {
            // Legacy documents are the ones written before the version
            // key: the stamp the downgrade gives them is not theirs.
            Ok((mut document, _)) if version == schema.legacy() => {
                if let Some(object) = document.as_object_mut() {
                    object.remove(schema.key());
                }
                document
            }
            Ok((document, _)) => document,
            Err(error) => {
                report.unwritable.push((version.clone(), error));
                continue;
            }
        };
        let io = |source| ContractError::Io {
            path: path.clone(),
            source,
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        let mut text = serde_json::to_string_pretty(&document)
            .unwrap_or_else(|_| unreachable!("a JSON value always prints"));
        text.push('\n');
        // `create_new`: a file written meanwhile by another run is kept too.
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut file) => {
                std::io::Write::write_all(&mut file, text.as_bytes()).map_err(io)?;
                report.written.push(path);
            }
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                report.kept.push(path);
            }
            Err(source) => return Err(io(source)),
        }
    }
    Ok(report)
}
