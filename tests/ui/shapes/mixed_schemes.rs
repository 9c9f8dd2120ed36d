//! Rejects an unversioned version of the other scheme than the type's.
use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = 1, version = 3, unversioned = [1, "0.2.0"])]
#[derive(Serialize, Deserialize)]
struct Note {
    title: String,
}

fn main() {}
