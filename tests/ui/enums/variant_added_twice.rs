//! Rejects a variant added twice.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
enum Role {
    User,
    #[added_in("0.2.0")]
    #[added_in("0.3.0")]
    Function,
}

fn main() {}
