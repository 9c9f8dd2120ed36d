//! Rejects a hand-written step function of neither accepted signature.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

// Takes the document by shared reference and returns no `Result`.
fn upgrade(document: &serde_json::Value) -> bool {
    document.is_object()
}

#[versioned(since = "0.1.0", version = "0.2.0", step(from = "0.1.0", to = "0.2.0", with = upgrade))]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
}

fn main() {}
