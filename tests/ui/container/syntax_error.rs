//! Rejects arguments of `#[versioned]` that do not parse, without a
//! second error claiming the unread `since` is missing.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(metadata "context", since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
}

fn main() {}
