//! Rejects a variant renamed from the name it has now (after `rename_all`).

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Role {
    User,
    #[renamed_from("tool", since = "0.2.0")]
    Tool,
}

fn main() {}
