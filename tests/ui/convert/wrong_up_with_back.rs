//! Rejects a conversion function of the wrong signature when an inverse is given.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

// Takes its value by shared reference.
fn up(id: &String) -> Result<u64, String> {
    id.parse().map_err(|_| "not a number".to_owned())
}

fn down(id: u64) -> Result<String, String> {
    Ok(id.to_string())
}

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Chat {
    #[converted(since = "0.2.0", with = up, back = down)]
    user_id: u64,
}

fn main() {}
