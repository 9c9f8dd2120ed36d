//! Rejects a key given twice to `#[versioned]`.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", since = "0.2.0")]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
}

fn main() {}
