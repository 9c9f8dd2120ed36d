//! Rejects an unknown option of `#[removed_in]` on a variant.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
enum Role {
    User,
    #[removed_in("0.2.0", fallback = "User", keep)]
    Function,
}

fn main() {}
