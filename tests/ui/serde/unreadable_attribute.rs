//! Leaves a malformed `#[serde]` attribute to serde's own error, with no
//! error of `#[versioned]` guessed from it (here: a default it cannot read).

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
    #[added_in("0.2.0")]
    #[serde(default = 5)]
    tags: Vec<String>,
}

fn main() {}
