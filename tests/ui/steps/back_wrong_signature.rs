//! Rejects a step inverse (`back`) of neither accepted signature.

use palimpsest::versioned;
use serde::{Deserialize, Serialize};

type Object = serde_json::Map<String, serde_json::Value>;

fn upgrade(_: &mut Object) -> Result<(), std::io::Error> {
    Ok(())
}

// Returns no `Result`: a failing inverse could not say why.
fn downgrade(document: &mut Object) {
    document.clear();
}

#[versioned(since = "0.1.0", version = "0.2.0", step(from = "0.1.0", to = "0.2.0", with = upgrade, back = downgrade))]
#[derive(Serialize, Deserialize)]
struct Trace {
    problem: String,
}

fn main() {}
