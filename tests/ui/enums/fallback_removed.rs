//! Rejects a fallback that is itself removed.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
enum Role {
    User,
    #[removed_in("0.2.0", fallback = "Other")]
    Function,
    #[removed_in("0.3.0", fallback = "User")]
    Other,
}

fn main() {}
