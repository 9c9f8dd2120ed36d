//! Rejects an element added without a default for older, shorter arrays.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
struct Span(u64, u64, #[added_in("0.2.0")] u32);

fn main() {}
