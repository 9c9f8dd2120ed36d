//! Rejects `#[removed_in]` on a variant: removed variants are a later slice.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
enum Role {
    User,
    #[removed_in("0.2.0")]
    Function,
}

fn main() {}
