//! Rejects `#[set]` without `since`.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", metadata = "meta")]
#[derive(Serialize, Deserialize)]
struct Run {
    #[set(value = 3)]
    retries: u32,
    meta: std::collections::BTreeMap<String, String>,
}

fn main() {}
