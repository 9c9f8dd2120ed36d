//! Rejects `#[versioned]` on an item that is no type at all.

use palimpsest::versioned;

#[versioned(since = "0.1.0")]
fn trace() {}

fn main() {}
