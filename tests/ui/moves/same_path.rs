//! Rejects a container move from a path to itself.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", moved(from = "client.user", to = "client.user", since = "0.2.0"))]
#[derive(Serialize, Deserialize)]
struct Run {
    client: std::collections::BTreeMap<String, String>,
}

fn main() {}
