//! Rejects an added element followed by an older one: added elements come last.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
struct Span(
    u64,
    #[added_in("0.2.0")]
    #[serde(default)]
    u32,
    #[serde(default)]
    u64,
);

fn main() {}
