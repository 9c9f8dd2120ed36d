//! Rejects a struct with no serde derive for `#[versioned]` to take over.

use palimpsest::versioned;

#[versioned(since = "0.1.0")]
#[derive(Debug)]
struct Trace {
    problem: String,
}

fn main() {}
