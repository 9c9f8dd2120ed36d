//! Rejects reading a generic versioned struct whose parameter is borrowed:
//! type parameters must be `DeserializeOwned`.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

#[versioned(since = "0.1.0")]
#[derive(Serialize, Deserialize)]
struct Envelope<T> {
    payload: T,
}

fn main() {
    let _: Envelope<&str> = serde_json::from_str(r#"{"payload":"x"}"#).unwrap();
}
