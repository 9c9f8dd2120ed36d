//! Rejects a field added to a struct variant without a default, as on an
//! embedded struct: the rules of fields hold inside variants.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
#[serde(tag = "type")]
enum Part {
    Image {
        url: String,
        #[added_in("0.2.0")]
        alt: String,
    },
}

fn main() {}
