//! Rejects `#[renamed_from]` naming the field's own serde name after `rename_all`.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Trace {
    #[renamed_from("runOutcome", since = "0.2.0")]
    run_outcome: String,
}

fn main() {}
