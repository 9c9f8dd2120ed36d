//! Shared helpers of the integration tests and examples.

pub mod corpus;
