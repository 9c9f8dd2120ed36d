//! Rejects `#[versioned]` on a unit struct: it has no keys to version.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Trace;

fn main() {}
