//! Schema evolution for serde documents, without losing a byte of old data.
//!
//! Annotate a struct once with `#[versioned]`, and every document it writes
//! carries its schema version, while every old document (even one written
//! before versioning existed) is detected and migrated step by step to the
//! current struct, wherever serde reads it.
//!
//! ```
//! use palimpsest::versioned;
//! use serde::{Deserialize, Serialize};
//!
//! #[versioned(since = "0.1.0", metadata = "context.metadata")]
//! #[derive(Debug, Serialize, Deserialize)]
//! pub struct Trace {
//!     pub problem_statement: String,
//!     #[renamed_from("result", since = "0.2.0")]
//!     pub outcome: String,
//!     #[removed_in("0.3.0")]
//!     pub notes: String,
//!     #[serde(default)]
//!     pub context: Context,
//! }
//!
//! #[derive(Debug, Default, Serialize, Deserialize)]
//! pub struct Context {
//!     #[serde(default)]
//!     pub metadata: serde_json::Map<String, serde_json::Value>,
//! }
//!
//! // A document written before versioning existed...
//! let old = r#"{"problem_statement": "p", "result": "done", "notes": "n"}"#;
//! // ...reads through plain serde into the current struct,
//! let trace: Trace = serde_json::from_str(old)?;
//! assert_eq!(trace.outcome, "done");
//! // with nothing lost and the history recorded.
//! assert_eq!(trace.context.metadata["legacy_notes"], "n");
//! assert_eq!(trace.context.metadata["migrated_from"], "0.0.1");
//!
//! // Every document written carries its version, first.
//! let written = serde_json::to_string(&trace)?;
//! assert!(written.starts_with(r#"{"schema_version":"0.3.0","#));
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! The engine underneath works without the macro too: implement
//! [`Versioned`] with a [`Schema`] built by hand, and use [`from_str`],
//! [`migrate()`], [`detect`] and the rest for typed errors and a [`Report`]
//! of what ran.

#![deny(missing_docs)]
// `Error` carries the versions and names it reports by value so callers can
// match on them; it only travels on the failure path, where its size costs
// nothing measurable, while boxing it would cost an allocation per error.
#![allow(clippy::result_large_err)]

// The models module uses `#[versioned]`, whose output names `::palimpsest`.
extern crate self as palimpsest;

mod chain;
pub mod error;
pub mod migrate;
mod read;
pub mod schema;
pub mod step;
pub mod version;

#[doc(hidden)]
#[path = "private/mod.rs"]
pub mod __private;

pub use error::Error;
pub use migrate::{Report, StepRecord};
pub use read::{
    detect, from_reader, from_slice, from_str, from_str_strict, from_value, from_value_strict,
    migrate, migrate_to, needs_migration, Migrated,
};
pub use schema::{Schema, SchemaBuilder, Versioned};
pub use step::Step;
pub use version::{Scheme, Version};

/// Makes a struct versioned; see the crate documentation.
pub use palimpsest_derive::versioned;
