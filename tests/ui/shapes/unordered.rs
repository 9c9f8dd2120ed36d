//! Rejects unversioned versions not listed oldest first.
use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0", unversioned = ["0.2.0", "0.1.0"])]
#[derive(Serialize, Deserialize)]
struct Note {
    #[renamed_from("body", since = "0.2.0")]
    text: String,
    #[added_in("0.3.0")]
    #[serde(default)]
    tags: Vec<String>,
}

fn main() {}
