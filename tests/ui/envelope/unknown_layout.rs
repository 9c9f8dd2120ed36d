//! Rejects a `layout` other than "envelope" and "inline".

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", layout = "wrapped")]
#[derive(Serialize, Deserialize)]
pub struct Trace {
    pub problem: String,
}

fn main() {}
