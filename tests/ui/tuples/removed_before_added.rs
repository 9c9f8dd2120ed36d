//! Rejects an element removed before, or in the version, it was added.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
struct Span(
    u64,
    u64,
    #[added_in("0.3.0")]
    #[removed_in("0.2.0")]
    #[serde(default)]
    u32,
);

fn main() {}
