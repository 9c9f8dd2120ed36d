//! Rejects two keys renamed to one, which would lose a value.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Chat {
    #[renamed_keys(since = "0.2.0", "cpu_ms" = "cpu", "cpu_us" = "cpu")]
    usage: BTreeMap<String, u64>,
}

fn main() {}
