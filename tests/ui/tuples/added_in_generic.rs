//! Rejects an element added to a generic tuple struct: its default is made once for every instance.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
struct Pair<T>(T, T, #[added_in("0.2.0")] #[serde(default)] u32);

fn main() {}
