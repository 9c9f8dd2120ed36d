//! Rejects an adjacently tagged enum (`#[serde(tag = ..., content = ...)]`):
//! only externally tagged enums are supported for now.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
#[serde(tag = "t", content = "c")]
enum Part {
    Text(String),
}

fn main() {}
