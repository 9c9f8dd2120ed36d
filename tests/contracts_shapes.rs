//! What the shape reader sees of the types serde reads out of its reach:
//! types that hold themselves, untagged enums, fields with defaults in a
//! struct serde reads as a map; and where a type's lock folder is.

use std::path::PathBuf;

use palimpsest::contract::{Contract, Lock, LockError};
use palimpsest::versioned;
use serde::{Deserialize, Serialize};

/// A fresh lock folder for one test.
fn lock_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "palimpsest-contracts-shapes-{test}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// The problems the check of `After` reports against the lock `Before`
/// wrote.
fn problems<Before, After>(test: &str) -> Vec<String>
where
    Before: palimpsest::Versioned + serde::de::DeserializeOwned,
    After: palimpsest::Versioned + serde::de::DeserializeOwned,
{
    let dir = lock_dir(test);
    Lock::new(&dir).bless(true).check::<Before>().unwrap();
    let outcome = Lock::new(&dir).bless(false).check::<After>();
    std::fs::remove_dir_all(&dir).unwrap();
    match outcome {
        Err(LockError::Changed { problems, .. }) => problems,
        other => panic!("expected the lock to fail, got {other:?}"),
    }
}

/// The current shape's definition of `name`, as its lock file holds it.
fn definition(contract: &Contract, name: &str) -> serde_json::Value {
    serde_json::to_value(contract.current()).unwrap()["types"][name].clone()
}

mod expression {
    use super::*;

    // The first variant holds the enum itself: the sample takes it at the
    // first level and another variant inside, or it would never end.
    #[versioned(since = "0.1.0")]
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Formula {
        pub expr: Expr,
    }

    #[derive(Debug, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Expr {
        Neg(Box<Expr>),
        Add(Box<Expr>, Box<Expr>),
        Lit(i64),
    }
}

mod expression_changed {
    use super::*;

    #[versioned(since = "0.1.0")]
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Formula {
        pub expr: Expr,
    }

    #[derive(Debug, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Expr {
        Neg(Box<Expr>),
        Add(Box<Expr>, Box<Expr>),
        Lit(String),
    }
}

#[test]
fn an_enum_whose_first_variant_holds_itself_is_traced_to_its_end() {
    let contract = Contract::of::<expression::Formula>().unwrap();
    assert_eq!(
        definition(&contract, "Expr"),
        serde_json::json!({"enum": {
            "neg": {"newtype": "Expr"},
            "add": {"tuple": ["Expr", "Expr"]},
            "lit": {"newtype": "integer"},
        }})
    );
    let sample = palimpsest::contract::sample::<expression::Formula>().unwrap();
    assert!(matches!(sample.expr, expression::Expr::Neg(_)));
    assert_eq!(
        problems::<expression::Formula, expression_changed::Formula>("expression"),
        ["`Expr::lit` changed its shape without a new version"]
    );
}

mod tree {
    use super::*;

    #[versioned(since = "0.1.0")]
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Outline {
        pub root: Node,
    }

    // A struct holding itself through a sequence and an option, and an
    // enum holding the struct in its first variant.
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Node {
        pub label: String,
        pub children: Vec<Node>,
        pub link: Option<Box<Node>>,
        pub kind: Kind,
    }

    #[derive(Debug, Serialize, Deserialize)]
    pub enum Kind {
        Alias(Box<Node>),
        Leaf,
    }
}

mod tree_changed {
    use super::*;

    #[versioned(since = "0.1.0")]
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Outline {
        pub root: Node,
    }

    #[derive(Debug, Serialize, Deserialize)]
    pub struct Node {
        pub title: String,
        pub children: Vec<Node>,
        pub link: Option<Box<Node>>,
        pub kind: Kind,
    }

    #[derive(Debug, Serialize, Deserialize)]
    pub enum Kind {
        Alias(Box<Node>),
        Leaf,
    }
}

#[test]
fn a_struct_that_holds_itself_is_traced_and_locked() {
    let contract = Contract::of::<tree::Outline>().unwrap();
    assert_eq!(
        definition(&contract, "Node"),
        serde_json::json!({"struct": {
            "label": {"type": "string"},
            "children": {"type": "array<Node>"},
            "link": {"type": "option<Node>", "optional": true},
            "kind": {"type": "Kind"},
        }})
    );
    assert_eq!(
        problems::<tree::Outline, tree_changed::Outline>("tree"),
        ["`Node.label` was renamed to `title` without a new version and `#[renamed_from(\"label\", since = ...)]`"]
    );
}

mod endless {
    use super::*;

    // No document of it ends: each link needs another.
    #[versioned(since = "0.1.0")]
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Chain {
        pub first: Link,
    }

    #[derive(Debug, Serialize, Deserialize)]
    pub struct Link {
        pub next: Box<Link>,
    }

    #[versioned(since = "0.1.0")]
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Loop {
        pub step: Step,
    }

    #[derive(Debug, Serialize, Deserialize)]
    pub enum Step {
        Again(Box<Step>),
        Twice(Box<Step>, Box<Step>),
    }
}

#[test]
fn a_type_with_no_finite_document_is_an_error_not_a_hang() {
    assert_eq!(
        Contract::of::<endless::Chain>().unwrap_err().to_string(),
        "the shape of `Chain` cannot be read off its serde derive: `Link` holds itself with no way to end a document (no option, sequence, map or variant without it)"
    );
    assert_eq!(
        Contract::of::<endless::Loop>().unwrap_err().to_string(),
        "the shape of `Loop` cannot be read off its serde derive: every variant of `Step` holds `Step`: no document of it ends"
    );
}
