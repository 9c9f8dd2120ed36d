//! Rejects `unversioned` on an embedded type, which writes no version of its own.
use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded, unversioned = ["0.1.0"])]
#[derive(Serialize, Deserialize)]
struct Step {
    name: String,
}

fn main() {}
