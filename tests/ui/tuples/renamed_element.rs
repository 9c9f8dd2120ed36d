//! Rejects #[renamed_from] on an element of a positional tuple struct: elements have positions, not names.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
struct Span(u64, #[renamed_from("stop", since = "0.2.0")] u64);

fn main() {}
