//! Rejects `unversioned` given twice.
use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", version = "0.2.0", unversioned = ["0.1.0"], unversioned = ["0.0.1"])]
#[derive(Serialize, Deserialize)]
struct Note {
    title: String,
}

fn main() {}
