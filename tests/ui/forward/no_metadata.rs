//! Rejects `newer = "read"` on a type with no metadata path, where the
//! version and the keys of a newer document would have nowhere to go.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", newer = "read")]
#[derive(Serialize, Deserialize)]
pub struct Trace {
    pub problem: String,
}

fn main() {}
