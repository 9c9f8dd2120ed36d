//! Rejects an untagged enum (`#[serde(untagged)]`): only externally tagged
//! enums are supported for now.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Part {
    Text(String),
    Count(u32),
}

fn main() {}
