//! Rejects a variant renamed in or before the version it is added in.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
enum Role {
    User,
    #[added_in("0.3.0")]
    #[renamed_from("function", since = "0.2.0")]
    Tool,
}

fn main() {}
