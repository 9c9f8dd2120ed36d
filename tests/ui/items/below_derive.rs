//! Rejects `#[versioned]` written below `#[derive(Serialize, Deserialize)]`:
//! rustc has already run the derive, so the macro sees no serde derive.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
#[versioned(since = "0.1.0")]
struct Trace {
    problem: String,
    #[added_in("0.2.0")]
    #[serde(default)]
    tags: Vec<String>,
}

fn main() {}
