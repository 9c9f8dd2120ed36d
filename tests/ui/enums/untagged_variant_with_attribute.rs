//! Rejects `#[added_in]` on an untagged variant (`#[serde(untagged)]` on
//! a variant), whose documents carry no variant name.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
enum Part {
    Text(String),
    #[serde(untagged)]
    #[added_in("0.2.0")]
    Other(u32),
}

fn main() {}
