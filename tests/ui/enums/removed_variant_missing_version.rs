//! Rejects `#[removed_in()]` on a variant without its version.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
enum Role {
    User,
    #[removed_in()]
    Function,
}

fn main() {}
