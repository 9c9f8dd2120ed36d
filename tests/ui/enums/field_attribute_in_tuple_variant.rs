//! Rejects a field attribute on a field of a tuple variant, which has no
//! name to change.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
enum Part {
    Pair(
        #[renamed_from("a", since = "0.2.0")]
        String,
        u32,
    ),
}

fn main() {}
