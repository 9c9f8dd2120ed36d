//! Schema contracts: the shape of every version of a versioned type, and
//! a lock that fails when the struct changed without the version and the
//! attribute that explain it.
//!
//! The current shape is read off the type's own serde derive (field and
//! variant names as documents hold them, each field's format, whether it
//! may be left out). Each older version's shape is the current one with
//! the history's changes undone: renames, added and removed fields and
//! variants, conversions (whose old format is unknown, so `any`).
//!
//! ```
//! use palimpsest::contract::{Contract, Format};
//! use palimpsest::versioned;
//! use serde::{Deserialize, Serialize};
//!
//! #[versioned(since = "0.1.0", version = "0.2.0")]
//! #[derive(Serialize, Deserialize)]
//! struct Note {
//!     #[renamed_from("body", since = "0.2.0")]
//!     text: String,
//!     #[added_in("0.2.0")]
//!     #[serde(default)]
//!     tags: Vec<String>,
//! }
//!
//! let contract = Contract::of::<Note>()?;
//! let old = contract.shape("0.1.0").expect("0.1.0 is declared");
//! let fields = match old.root_definition() {
//!     Some(palimpsest::contract::Definition::Struct(fields)) => fields,
//!     _ => unreachable!("Note is a struct"),
//! };
//! assert_eq!(fields["body"].format, Format::Str);
//! assert!(!fields.contains_key("tags"));
//! # Ok::<(), palimpsest::contract::ContractError>(())
//! ```

mod changelog;
mod diff;
mod format;
mod golden;
mod history;
mod json_schema;
mod lock;
mod trace;

use std::cell::RefCell;
use std::path::PathBuf;

use serde::de::DeserializeOwned;

use crate::schema::{Schema, Versioned};
use crate::version::Version;

pub use changelog::{Change, Changelog, ChangelogStep};
pub use diff::{Compatibility, Difference};
pub use format::{Definition, Field, Format, ParseFormatError, Shape};
pub use golden::{write_golden, GoldenReport};
pub use lock::{Lock, LockError, LockReport, BLESS_VARIABLE};
pub(crate) use trace::{reading_untagged, tracing};

/// Why a type's contract could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ContractError {
    /// The type's `Deserialize` refused the sample values its shape is
    /// read with (a validating `try_from`, a borrowed `&str` field, a
    /// string parsed into a type that none of the sample strings fit:
    /// each field's name, then `""`, `"0"`, a timestamp, a UUID, an IP
    /// address, a URL).
    #[error("the shape of `{type_name}` cannot be read off its serde derive: {message}")]
    Trace {
        /// The versioned type.
        type_name: &'static str,
        /// What its `Deserialize` said.
        message: String,
    },
    /// A file or folder could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A version this history does not name.
    #[error("`{type_name}` has no version {version}")]
    UnknownVersion {
        /// The versioned type.
        type_name: &'static str,
        /// The version asked for.
        version: String,
    },
}

/// A value of `T` with every field filled, read from the sample document
/// the shape is traced with: each string the name of its field, numbers
/// counting up from 1, booleans `true`, options `Some`, one item in each
/// sequence and map, the first variant of each enum. It is what
/// [`write_golden`] is made to write.
///
/// ```
/// use palimpsest::versioned;
/// use serde::{Deserialize, Serialize};
///
/// #[versioned(since = "0.1.0")]
/// #[derive(Debug, PartialEq, Serialize, Deserialize)]
/// struct Run {
///     model: String,
///     steps: Vec<u32>,
///     done: Option<bool>,
/// }
///
/// let run = palimpsest::contract::sample::<Run>()?;
/// assert_eq!(run, Run { model: "model".into(), steps: vec![1], done: Some(true) });
/// # Ok::<(), palimpsest::contract::ContractError>(())
/// ```
///
/// # Errors
///
/// [`ContractError::Trace`] when `T`'s `Deserialize` refuses the sample
/// values.
pub fn sample<T>() -> Result<T, ContractError>
where
    T: Versioned + DeserializeOwned,
{
    let type_name = T::schema().type_name();
    let first = RefCell::new(None);
    trace::trace(&history::field_names(T::schema()), |sample| {
        let value = T::deserialize_current(sample)?;
        // The first run that reads gives every field; the later ones
        // explore other variants, or leave fields out.
        first.borrow_mut().get_or_insert(value);
        Ok(())
    })
    .map_err(|error| ContractError::Trace {
        type_name,
        message: error.0,
    })?;
    first.into_inner().ok_or_else(|| ContractError::Trace {
        type_name,
        message: "no sample document read".to_owned(),
    })
}

/// Every version of a versioned type with its shape.
#[derive(Debug, Clone)]
pub struct Contract {
    type_name: &'static str,
    /// serde's name of the type, which keys its lock folder.
    name: String,
    schema: &'static Schema,
    current: Version,
    shapes: Vec<(Version, Option<Shape>)>,
}

impl Contract {
    /// The contract of `T`: its current shape read off its serde derive,
    /// and each older version's.
    ///
    /// # Errors
    ///
    /// [`ContractError::Trace`] when `T`'s `Deserialize` refuses sample
    /// values.
    pub fn of<T>() -> Result<Contract, ContractError>
    where
        T: Versioned + DeserializeOwned,
    {
        let schema = T::schema();
        let traced = trace::trace(&history::field_names(schema), |sample| {
            T::deserialize_current(sample).map(drop)
        })
        .map_err(|error| ContractError::Trace {
            type_name: schema.type_name(),
            message: error.0,
        })?;
        let current = Shape {
            type_name: schema.type_name().to_owned(),
            version: schema.current().to_string(),
            key: Some(schema.key().to_owned()),
            root: traced.root,
            types: traced.types,
            tags: traced.tags,
            contents: traced.contents,
        };
        let name = match &current.root {
            Format::Named(name) => name.clone(),
            _ => schema.type_name().to_owned(),
        };
        Ok(Contract {
            type_name: schema.type_name(),
            name,
            schema,
            current: schema.current().clone(),
            shapes: history::shapes(schema, &current),
        })
    }

    /// The type's name.
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// The type's name as serde writes it, which keys its lock folder
    /// (`schema/<name>/`): the Rust name, or the one `#[serde(rename =
    /// "...")]` on the type gives. Documents do not hold it, so renaming
    /// the Rust type while keeping the old name in `#[serde(rename)]`
    /// keeps its lock.
    ///
    /// ```
    /// use palimpsest::contract::Contract;
    /// use palimpsest::versioned;
    /// use serde::{Deserialize, Serialize};
    ///
    /// // Renamed from `Note`: the lock in `schema/Note/` still holds.
    /// #[versioned(since = "0.1.0")]
    /// #[derive(Serialize, Deserialize)]
    /// #[serde(rename = "Note")]
    /// struct Memo {
    ///     text: String,
    /// }
    ///
    /// let contract = Contract::of::<Memo>()?;
    /// assert_eq!(contract.type_name(), "Memo");
    /// assert_eq!(contract.name(), "Note");
    /// # Ok::<(), palimpsest::contract::ContractError>(())
    /// ```
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The type's history.
    #[must_use]
    pub fn schema(&self) -> &'static Schema {
        self.schema
    }

    /// The current version's shape.
    #[must_use]
    pub fn current(&self) -> &Shape {
        self.shapes
            .iter()
            .find(|(version, _)| *version == self.current)
            .and_then(|(_, shape)| shape.as_ref())
            .unwrap_or_else(|| unreachable!("the current version's shape is the traced one"))
    }

    /// The shape of `version`; `None` for a version the history does not
    /// name, or whose shape it does not declare (one a hand-written step
    /// or a move between paths leads out of).
    #[must_use]
    pub fn shape(&self, version: &str) -> Option<&Shape> {
        let version = self.schema.parse_version(version).ok()?;
        self.shapes
            .iter()
            .find(|(v, _)| *v == version)
            .and_then(|(_, shape)| shape.as_ref())
    }

    /// Every version, oldest first, with its shape where declared.
    pub fn versions(&self) -> impl Iterator<Item = (&Version, Option<&Shape>)> {
        self.shapes
            .iter()
            .map(|(version, shape)| (version, shape.as_ref()))
    }

    /// The changes from `from` to `to` (both named by the history), read
    /// from the attributes: see [`Changelog`].
    ///
    /// # Errors
    ///
    /// [`ContractError::UnknownVersion`] for a version the history does
    /// not name.
    pub fn changelog(&self, from: &str, to: &str) -> Result<Changelog, ContractError> {
        let version = |text: &str| {
            self.schema
                .parse_version(text)
                .ok()
                .filter(|v| self.schema.versions().contains(v))
                .ok_or_else(|| ContractError::UnknownVersion {
                    type_name: self.type_name,
                    version: text.to_owned(),
                })
        };
        Ok(changelog::between(self, &version(from)?, &version(to)?))
    }
}
