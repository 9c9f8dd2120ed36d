//! Rejects a field renamed twice in one version.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Trace {
    #[renamed_from("result", since = "0.2.0")]
    #[renamed_from("answer", since = "0.2.0")]
    outcome: String,
}

fn main() {}
