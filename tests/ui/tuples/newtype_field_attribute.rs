//! Rejects a field attribute on a newtype: it is written as its inner value, with no key to change.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(embedded)]
#[derive(Serialize, Deserialize)]
struct UserId(#[renamed_from("user", since = "0.2.0")] u64);

fn main() {}
