//! Rejects a conversion of a flattened field, which has no value of its own.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Chat {
    #[renamed_keys(since = "0.2.0", "cpu_ms" = "cpu.ms")]
    #[serde(flatten)]
    usage: BTreeMap<String, u64>,
}

fn main() {}
