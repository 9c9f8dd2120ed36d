//! Rejects a change of an element serde skips: no array holds it.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
struct Span(u64, u64, #[added_in("0.2.0")] #[serde(skip)] u32);

fn main() {}
