//! Rejects an element changed in the first version of its scheme: no older array can have existed.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
struct Span(u64, u64, #[added_in(0)] #[serde(default)] u32);

fn main() {}
