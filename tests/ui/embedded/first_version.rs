//! Rejects a change in the first version of its scheme, which no older version comes before.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
struct Step {
    #[renamed_from("thought", since = 0)]
    reasoning: String,
}

fn main() {}
