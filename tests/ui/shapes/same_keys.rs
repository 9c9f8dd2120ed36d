//! Rejects two unversioned versions whose documents have the same keys: none could be told apart.
use palimpsest::versioned;
use serde::{Deserialize, Serialize};

fn double(n: u64) -> Result<u64, String> {
    Ok(n * 2)
}

#[versioned(since = 1, version = 3, unversioned = [1, 2])]
#[derive(Serialize, Deserialize)]
struct Note {
    #[converted(since = 2, with = double)]
    size: u64,
    #[added_in(3)]
    #[serde(default)]
    tags: Vec<String>,
}

fn main() {}
