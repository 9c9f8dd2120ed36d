//! Operations of a step that live apart from the core of `step.rs`, each
//! in its own file.

pub(crate) mod convert;
pub(crate) mod fresh;
pub(crate) mod moves;
