//! Rejects a snapshot of a version the history does not name.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", snapshot(version = "0.1.5", name = NoteV015))]
#[derive(Serialize, Deserialize)]
struct Note {
    #[renamed_from("body", since = "0.2.0")]
    text: String,
}

fn main() {}
