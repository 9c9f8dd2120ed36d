//! Rejects `#[removed_in]` on a variant without `fallback`: a document
//! holding the variant still needs a value in its place.

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
