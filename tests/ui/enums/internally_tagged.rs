//! Rejects an internally tagged enum (`#[serde(tag = ...)]`): only externally
//! tagged enums are supported for now.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
#[serde(tag = "type")]
enum Part {
    #[renamed_from("Picture", since = "0.2.0")]
    Image { url: String },
}

fn main() {}
