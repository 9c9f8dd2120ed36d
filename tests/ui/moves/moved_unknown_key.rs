//! Rejects a key of `moved(...)` other than `from`, `to`, `since` and `on_conflict`.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", moved(from = "user", to = "client.user", since = "0.2.0", via = "x"))]
#[derive(Serialize, Deserialize)]
struct Run {
    client: std::collections::BTreeMap<String, String>,
}

fn main() {}
