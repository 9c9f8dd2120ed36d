//! Reports every mistake of one struct in one compile: here an unknown key,
//! an added field without default and a removed field that would be lost.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", current = "0.3.0")]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
    #[added_in("0.2.0")]
    tags: Vec<String>,
    #[removed_in("0.3.0")]
    notes: String,
}

fn main() {}
