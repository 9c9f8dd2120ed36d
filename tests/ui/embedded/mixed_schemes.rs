//! Rejects an embedded type mixing semver and integer versions.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
struct Step {
    #[renamed_from("thought", since = "0.2.0")]
    reasoning: String,
    #[added_in(3)]
    #[serde(default)]
    tokens: u32,
}

fn main() {}
