//! Rejects a field set in or after the version that removes it.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", metadata = "meta")]
#[derive(Serialize, Deserialize)]
struct Run {
    #[set(since = "0.3.0", value = 3)]
    #[removed_in("0.2.0")]
    retries: u32,
    meta: std::collections::BTreeMap<String, String>,
}

fn main() {}
