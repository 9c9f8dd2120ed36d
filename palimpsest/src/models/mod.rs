//! Ready-made versioned models, built with palimpsest itself.
//!
//! [`trace`] holds the agent execution traces of the migration guide this
//! crate grew out of: [`ExecutionTrace`](trace::ExecutionTrace) and the
//! plain serde types it is made of.

pub mod trace;
