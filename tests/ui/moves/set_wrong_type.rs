//! Rejects a `#[set]` value of another type than the field's.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", metadata = "meta")]
#[derive(Serialize, Deserialize)]
struct Run {
    #[set(since = "0.2.0", value = "three")]
    retries: u32,
    meta: std::collections::BTreeMap<String, String>,
}

fn main() {}
