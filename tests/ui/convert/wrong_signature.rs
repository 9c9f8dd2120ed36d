//! Rejects a conversion function of neither accepted signature.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

// Returns the new value without a `Result`.
fn to_number(id: String) -> u64 {
    id.len() as u64
}

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Chat {
    #[converted(since = "0.2.0", with = to_number)]
    user_id: u64,
}

fn main() {}
