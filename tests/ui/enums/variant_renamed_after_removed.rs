//! Rejects a variant renamed in or after the version it is removed in.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
enum Role {
    User,
    #[renamed_from("function", since = "0.3.0")]
    #[removed_in("0.2.0", fallback = "User")]
    Tool,
}

fn main() {}
