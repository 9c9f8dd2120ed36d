//! Rejects #[renamed_keys] that renames no key.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Chat {
    #[renamed_keys(since = "0.2.0")]
    usage: BTreeMap<String, u64>,
}

fn main() {}
