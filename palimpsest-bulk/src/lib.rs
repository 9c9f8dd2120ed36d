//! Bulk migration for [palimpsest]: whole corpora of documents of one
//! versioned type, in constant memory, on all cores, with a report.
//!
//! A [`Migrator`] reads JSONL streams (one document a line), `.json` files
//! (one document each) and folders of both, walked recursively in sorted
//! order. Documents go through in bounded batches: a batch is read, its
//! documents are processed in parallel (rayon), and the results are
//! written in input order, so memory depends on the batch size, never on
//! the corpus.
//!
//! Per document: it is read into `T` with [`palimpsest::from_str`], which
//! says which version it had, migrates it if it was old and validates it.
//! A document that was already at the target version is copied through
//! byte for byte; an older one is written with [`palimpsest::to_writer`],
//! its version first. (With an older target, see [`Migrator::to`],
//! documents go through trees instead: `T` describes only the current
//! version.) A document that fails (invalid JSON or UTF-8, a failing step,
//! a result that does not fit `T`, over the size limit) goes to the output
//! unchanged and is reported with its source and line: nothing is ever
//! lost. A UTF-8 byte-order mark at the start of a file or stream is not
//! part of its first document; it is kept in the file's output (not
//! between the documents of a stream that joins many).
//!
//! # What a run refuses, before it writes anything
//!
//! [`Migrator::run`] first walks the inputs (paths only, so memory grows
//! with the number of files, not their size) and checks its
//! [`Destination`] against them; see [`Migrator::plan`]. It refuses:
//!
//! - an input that does not exist, or a folder it cannot list
//!   ([`RunError::Unreadable`]): the run would otherwise be partial, and a
//!   typo would pass for an empty corpus;
//! - an output file that is an input, or lies inside an input folder
//!   ([`Clash::IsInput`], [`Clash::InsideInput`]): opening it for writing
//!   would destroy the input before it is read, or the walk would read
//!   the output as a source. Links, `..` and hard links are seen through;
//! - an output folder that is, contains or lies inside an input
//!   ([`Clash::ContainsInput`]): its mirrored files could land on inputs;
//! - two sources written to one file ([`Clash::SharedTarget`]): the second
//!   would overwrite the first.
//!
//! Files a caller writes beside a run (a file of rejects) are checked with
//! [`check_output`].
//!
//! # Temporary files
//!
//! Files are replaced crash-safely: written beside the target (a link is
//! followed to the file it points to) as `.<name>.<pid>-<n>.palimpsest-tmp`,
//! fsynced, renamed over it. The ones this process is writing are
//! registered, and [`remove_temporary_files`] removes them from a signal
//! handler. Leftovers of a killed run are removed by the next run that
//! writes into their folder, once per folder, when the process that wrote
//! them no longer exists (told by `/proc` on Linux). Elsewhere they are
//! kept: they are hidden, and no walk reads them. On Linux, a run in
//! another PID namespace (a container) writing into the same folder at the
//! same time is not seen; its temporary file may be removed, which fails
//! its rename and leaves that target old, never lost.
//!
//! ```
//! use std::sync::OnceLock;
//! use palimpsest_bulk::{Migrator, Summary};
//! use palimpsest::{Schema, Step, Versioned};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize)]
//! struct Config {
//!     capacity: u32,
//! }
//!
//! impl Versioned for Config {
//!     fn schema() -> &'static Schema {
//!         static SCHEMA: OnceLock<Schema> = OnceLock::new();
//!         SCHEMA.get_or_init(|| {
//!             Schema::integer("Config", 2)
//!                 .step(Step::new(0, 1))
//!                 .step(Step::new(1, 2).rename("size", "capacity"))
//!                 .build()
//!                 .expect("the Config schema is valid")
//!         })
//!     }
//! }
//!
//! let old = "{\"size\":1}\n\n{\"schema_version\": 1, \"size\": 2}\n{oops\n";
//! let mut new = Vec::new();
//! let mut summary = Summary::default();
//! Migrator::<Config>::new().jsonl("old.jsonl", old.as_bytes(), &mut new, &mut summary)?;
//! assert_eq!(
//!     String::from_utf8(new).unwrap(),
//!     "{\"schema_version\":2,\"capacity\":1}\n\n{\"schema_version\":2,\"capacity\":2}\n{oops\n"
//! );
//! assert_eq!(summary.failures[0].line, Some(4));
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! The crate reaches palimpsest through its public API alone, as any
//! program of yours could: the `palimpsest` command (palimpsest-cli) is
//! built on it.

#![deny(missing_docs)]

mod diff;
mod document;
mod fs;
mod migrator;
mod paths;
mod report;
mod run;
mod stream;
mod temp;

pub use diff::{diff, Change};
pub use fs::{sources, Source, Sources};
pub use migrator::{Migrator, Mode, Observer};
pub use paths::{check_output, Clash};
pub use report::{BulkError, Document, Failure, Located, Outcome, Shown, Summary};
pub use run::{Destination, Plan, RunError};
pub use temp::remove_temporary_files;
