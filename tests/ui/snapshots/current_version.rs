//! Rejects a snapshot of the current version: that is the struct itself.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", snapshot(version = "0.2.0", name = NoteV020))]
#[derive(Serialize, Deserialize)]
struct Note {
    #[renamed_from("body", since = "0.2.0")]
    text: String,
}

fn main() {}
