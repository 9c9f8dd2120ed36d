//! Rejects a quoted integer version, hinting at the unquoted spelling.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "3")]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
}

fn main() {}
