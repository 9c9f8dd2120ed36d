//! Rejects `#[added_in]` on a field older documents cannot fill: no default.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
    #[added_in("0.2.0")]
    tags: Vec<String>,
}

fn main() {}
