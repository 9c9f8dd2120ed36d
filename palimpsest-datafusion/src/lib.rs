//! Migrations of [palimpsest] documents as [Apache DataFusion] scalar
//! functions, so that a table of old documents (a JSON column of Parquet
//! files, a JSON-lines table) is migrated with SQL, on one machine or on a
//! Ballista cluster.
//!
//! Register the functions of each versioned type under a name; SQL then
//! calls `migrate_<name>(doc)`, `<name>_version(doc)` and
//! `<name>_error(doc)` (see [`Functions`]):
//!
//! ```
//! use datafusion::arrow::array::{Array, AsArray};
//! use datafusion::prelude::SessionContext;
//! use palimpsest::versioned;
//! use serde::{Deserialize, Serialize};
//!
//! #[versioned(since = "0.1.0", metadata = "meta")]
//! #[derive(Debug, Serialize, Deserialize)]
//! struct Note {
//!     #[renamed_from("body", since = "0.2.0")]
//!     text: String,
//!     #[serde(default)]
//!     meta: serde_json::Map<String, serde_json::Value>,
//! }
//!
//! # tokio::runtime::Runtime::new()?.block_on(async {
//! let ctx = SessionContext::new();
//! palimpsest_datafusion::register::<Note>(&ctx, "note")?;
//!
//! let sql = r#"SELECT migrate_note(doc) FROM (VALUES ('{"body": "hi"}'), (NULL)) AS notes(doc)"#;
//! let batches = ctx.sql(sql).await?.collect().await?;
//! let current = batches[0].column(0).as_string::<i32>();
//! assert_eq!(
//!     current.value(0),
//!     r#"{"schema_version":"0.2.0","text":"hi","meta":{"migrated_from":"0.0.1","migration_history":[{"from":"0.0.1","to":"0.1.0"},{"from":"0.1.0","to":"0.2.0"}]}}"#
//! );
//! assert!(current.is_null(1));
//! # Ok::<_, Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<_, Box<dyn std::error::Error>>(())
//! ```
//!
//! The functions are registered by name: wherever a plan is run, a session
//! must have them, as every Ballista executor's does when it is started
//! with [`Functions::udfs`] in its session state (the crate's README shows
//! how).
//!
//! This crate needs DataFusion's engine only; reading Parquet takes
//! DataFusion's `parquet` feature, SQL its `sql` feature, in the caller's
//! own dependency on DataFusion.
//!
//! [palimpsest]: https://docs.rs/palimpsest
//! [Apache DataFusion]: https://datafusion.apache.org

mod document;
mod error;
mod functions;
mod udf;

pub use error::{DocumentError, NameError};
pub use functions::{Functions, OnError, register};
