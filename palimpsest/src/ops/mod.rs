//! Operations of a step that live apart from the core of `step.rs`.

pub(crate) mod moves;
