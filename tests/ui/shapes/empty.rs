//! Rejects an empty `unversioned` list.
use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", version = "0.2.0", unversioned = [])]
#[derive(Serialize, Deserialize)]
struct Note {
    title: String,
}

fn main() {}
