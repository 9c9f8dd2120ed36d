//! Rejects a `layout` that is not a string literal.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", layout = envelope)]
#[derive(Serialize, Deserialize)]
pub struct Trace {
    pub problem: String,
}

fn main() {}
