//! Rejects `#[moved_from]` and `on_conflict` on an enum variant.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
enum Role {
    #[moved_from("context.role", since = "0.2.0")]
    User,
    #[renamed_from("function", since = "0.2.0", on_conflict = "old_wins")]
    Tool,
}

fn main() {}
