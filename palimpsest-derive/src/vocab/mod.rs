//! The vocabulary the macro and the runtime share: versions and their
//! schemes, object paths, the names palimpsest writes into documents, and
//! the rules a version history keeps.
//!
//! One definition, compiled twice: `palimpsest-derive` declares this folder
//! as a module, and `palimpsest/src/vocab` is a relative symlink to it, as
//! serde_derive_internals shares serde_derive's internals. So the history
//! the macro checks at compile time is checked by the very code
//! `SchemaBuilder::build` runs, and a generated schema needs no second
//! check. Nothing here may use more than `std` and `semver`, the two
//! dependencies both crates have; each crate adds its own impls beside
//! (tokens in the macro, serde in the runtime).

pub mod history;
pub mod names;
pub mod path;
pub mod version;
