//! Rejects an old name that is the current name of another variant.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
enum Role {
    User,
    #[renamed_from("User", since = "0.2.0")]
    Tool,
}

fn main() {}
