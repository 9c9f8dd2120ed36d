//! Rejects an untagged variant (`#[serde(untagged)]` on a variant): only
//! externally tagged enums are supported for now.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
enum Part {
    Text(String),
    #[serde(untagged)]
    Other(u32),
}

fn main() {}
