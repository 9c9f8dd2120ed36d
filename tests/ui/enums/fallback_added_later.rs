//! Rejects a fallback added after the removal it serves.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
enum Role {
    User,
    #[removed_in("0.2.0", fallback = "Unknown")]
    Function,
    #[added_in("0.3.0")]
    Unknown,
}

fn main() {}
