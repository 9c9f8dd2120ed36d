//! Rejects a new key that is not a string.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Chat {
    #[renamed_keys(since = "0.2.0", "cpu_ms" = cpu)]
    usage: BTreeMap<String, u64>,
}

fn main() {}
