//! Rejects an old variant name claimed by two variants: a document naming it
//! must read as one.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
enum Role {
    #[renamed_from("Bot", since = "0.2.0")]
    Assistant,
    #[renamed_from("Bot", since = "0.3.0")]
    Tool,
}

fn main() {}
