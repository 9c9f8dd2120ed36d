//! Rejects the keys of a root on an embedded type: it is dated in its root's versions and writes no version.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded, since = "0.1.0", key = "v", metadata = "meta")]
#[derive(Serialize, Deserialize)]
struct Step {
    reasoning: String,
}

fn main() {}
