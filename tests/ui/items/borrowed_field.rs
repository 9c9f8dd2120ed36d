//! Rejects a field borrowing from the input: migrated documents are owned trees.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Trace<'a> {
    problem: &'a str,
}

fn main() {}
