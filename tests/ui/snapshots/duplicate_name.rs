//! Rejects two snapshots with one name.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", snapshot(version = "0.0.1", name = OldNote), snapshot(version = "0.1.0", name = OldNote))]
#[derive(Serialize, Deserialize)]
struct Note {
    #[renamed_from("body", since = "0.2.0")]
    text: String,
}

fn main() {}
