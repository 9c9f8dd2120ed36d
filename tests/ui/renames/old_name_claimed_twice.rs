//! Rejects two fields claiming one old name in one version.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Trace {
    #[renamed_from("result", since = "0.2.0")]
    outcome: String,
    #[renamed_from("result", since = "0.2.0")]
    answer: String,
}

fn main() {}
