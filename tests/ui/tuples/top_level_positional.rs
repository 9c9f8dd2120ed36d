//! Rejects a top-level #[versioned] tuple struct: its array has no place for the version key.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Point(f64, f64);

fn main() {}
