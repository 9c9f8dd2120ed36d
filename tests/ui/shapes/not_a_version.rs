//! Rejects an `unversioned` entry that is not a version literal.
use palimpsest::versioned;
use serde::{Deserialize, Serialize};

const OLD: &str = "0.1.0";

#[versioned(since = "0.1.0", version = "0.2.0", unversioned = [OLD])]
#[derive(Serialize, Deserialize)]
struct Note {
    title: String,
}

fn main() {}
