//! Rejects `#[renamed_from]` whose old name is not a string literal.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Trace {
    #[renamed_from(result, since = "0.2.0")]
    outcome: String,
}

fn main() {}
