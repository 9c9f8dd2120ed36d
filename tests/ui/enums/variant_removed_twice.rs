//! Rejects a variant removed twice.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
enum Role {
    User,
    #[removed_in("0.2.0", fallback = "User")]
    #[removed_in("0.3.0", fallback = "User")]
    Function,
}

fn main() {}
