//! The guide: how to evolve a schema with palimpsest, chapter by chapter.
//!
//! The reference is [`versioned`](crate::versioned) (every attribute) and
//! the items of the crate; this guide is the path through them a new user
//! takes. Its chapters are the Markdown files of `docs/guide/` in the
//! repository, and every Rust example in them runs as a doc test.
//!
//! 1. [First steps](first_steps): annotate a struct, what is written, what
//!    is read, what is kept.
//! 2. [Which change needs which attribute](which_attribute): the decision
//!    matrix, hand-written steps for the rest, keyless documents from
//!    several builds, steps that need outside data.
//! 3. [Nested types and enums](nested_and_enums): the whole document
//!    evolves.
//! 4. [Old and new builds side by side](old_and_new_builds): writing older
//!    versions, reading what newer builds wrote, the envelope layout,
//!    round trips, rolling out a change.
//! 5. [What is guaranteed, and how it is tested](guarantees): the promises,
//!    the tests that hold them, and the one-line checks for your own
//!    fixtures.
//! 6. [Errors, and what to do about them](errors): every error, and the way
//!    out of it.
//! 7. [Whole corpora](bulk_and_command_line): the `palimpsest` command and
//!    the bulk engine.
//! 8. [Performance](performance): what it costs next to plain serde.
//! 9. [Schema contracts](schema_contracts): the lock that catches a change
//!    that forgot its version, changelogs, JSON Schemas, golden documents.

// Each chapter is a module with no items: its docs are the chapter.
#[doc = include_str!("../guide/01-first-steps.md")]
pub mod first_steps {}
#[doc = include_str!("../guide/02-which-attribute.md")]
pub mod which_attribute {}
#[doc = include_str!("../guide/03-nested-and-enums.md")]
pub mod nested_and_enums {}
#[doc = include_str!("../guide/04-old-and-new-builds.md")]
pub mod old_and_new_builds {}
#[doc = include_str!("../guide/05-guarantees.md")]
pub mod guarantees {}
#[doc = include_str!("../guide/06-errors.md")]
pub mod errors {}
#[doc = include_str!("../guide/07-bulk-and-command-line.md")]
pub mod bulk_and_command_line {}
#[doc = include_str!("../guide/08-performance.md")]
pub mod performance {}
#[doc = include_str!("../guide/09-schema-contracts.md")]
pub mod schema_contracts {}
