//! Rejects `with` given as a string instead of a path.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Chat {
    #[converted(since = "0.2.0", with = "to_number")]
    user_id: u64,
}

fn main() {}
