//! Rejects a conversion of an embedded type in the first version of its scheme.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
struct Message {
    #[unwrapped(since = 0)]
    author: String,
}

fn main() {}
