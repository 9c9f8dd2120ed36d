//! Rejects a key `snapshot(...)` does not know.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", snapshot(version = "0.1.0", name = NoteV010, derive = Debug))]
#[derive(Serialize, Deserialize)]
struct Note {
    #[renamed_from("body", since = "0.2.0")]
    text: String,
}

fn main() {}
