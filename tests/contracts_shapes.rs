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

mod note {
    use super::*;

    #[versioned(since = "0.1.0", version = "0.2.0")]
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Note {
        #[renamed_from("body", since = "0.2.0")]
        pub text: String,
    }
}

mod memo {
    use super::*;

    // `Note` renamed in Rust only: its serde name, and so its lock
    // folder, changes with it.
    #[versioned(since = "0.1.0", version = "0.2.0")]
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Memo {
        #[renamed_from("body", since = "0.2.0")]
        pub text: String,
    }
}

mod memo_keeping_its_name {
    use super::*;

    #[versioned(since = "0.1.0", version = "0.2.0")]
    #[derive(Debug, Serialize, Deserialize)]
    #[serde(rename = "Note")]
    pub struct Memo {
        #[renamed_from("body", since = "0.2.0")]
        pub text: String,
    }
}

#[test]
fn a_lock_folder_is_keyed_by_the_serde_name_of_the_type() {
    let dir = lock_dir("renamed-type");
    let written = Lock::new(&dir).bless(true).check::<note::Note>().unwrap();
    assert_eq!(written.written.len(), 3);
    assert!(dir.join("Note").join("0.2.0.json").is_file());

    // Renamed in Rust, with serde's name kept: the same folder, and it holds.
    let kept = Lock::new(&dir)
        .bless(false)
        .check::<memo_keeping_its_name::Memo>()
        .unwrap();
    assert_eq!(kept.checked, ["0.0.1", "0.1.0", "0.2.0"]);

    // Renamed in Rust only: the check says where its history is, and
    // blessing does not start a second one.
    for bless in [false, true] {
        let error = Lock::new(&dir)
            .bless(bless)
            .check::<memo::Memo>()
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "the schema lock of `Memo` fails:\n  - {} is missing, and {} locks the same shapes under the name `Note`: the type's serde name changed from `Note` to `Memo` (renaming the Rust type renames it). Documents do not hold the name: keep the lock with `#[serde(rename = \"Note\")]` on the type, or move the folder to {}",
                dir.join("Memo").display(),
                dir.join("Note").display(),
                dir.join("Memo").display(),
            )
        );
    }
    assert!(!dir.join("Memo").exists());

    // Once the folder is moved, the history holds under the new name.
    std::fs::rename(dir.join("Note"), dir.join("Memo")).unwrap();
    let moved = Lock::new(&dir).bless(false).check::<memo::Memo>().unwrap();
    assert_eq!(moved.checked, ["0.0.1", "0.1.0", "0.2.0"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

mod adjacent {
    use super::*;

    #[versioned(since = "0.1.0")]
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Feed {
        pub events: Vec<Event>,
    }

    // serde reads a struct variant's content as a map and names none of
    // its fields: the ones with a default are asked for by index.
    #[derive(Debug, Serialize, Deserialize)]
    #[serde(tag = "t", content = "c", rename_all = "snake_case")]
    pub enum Event {
        Click {
            x: u32,
            #[serde(default)]
            button: String,
            #[serde(default, rename = "mods")]
            modifiers: Vec<String>,
        },
        Quit,
    }
}

mod adjacent_changed {
    use super::*;

    #[versioned(since = "0.1.0")]
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Feed {
        pub events: Vec<Event>,
    }

    #[derive(Debug, Serialize, Deserialize)]
    #[serde(tag = "t", content = "c", rename_all = "snake_case")]
    pub enum Event {
        Click {
            x: u32,
            #[serde(default)]
            button: u8,
            #[serde(default, rename = "mods")]
            modifiers: Vec<String>,
        },
        Quit,
    }
}

#[test]
fn an_adjacently_tagged_struct_variant_shows_its_fields_with_a_default() {
    let contract = Contract::of::<adjacent::Feed>().unwrap();
    assert_eq!(
        definition(&contract, "Event"),
        serde_json::json!({"enum": {
            "click": {"struct": {
                "x": {"type": "integer"},
                "button": {"type": "string", "optional": true},
                "mods": {"type": "array<string>", "optional": true},
            }},
            "quit": "unit",
        }})
    );
    assert_eq!(
        problems::<adjacent::Feed, adjacent_changed::Feed>("adjacent"),
        ["`Event::click.button` changed from string to integer without a new version and a conversion (`#[converted(..., since = ...)]`)"]
    );
}

mod flattened {
    use super::*;

    #[versioned(since = "0.1.0", version = "0.2.0")]
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Doc {
        pub title: String,
        pub parts: Vec<Part>,
    }

    // serde reads a struct with a flattened field as a map and names its
    // fields nowhere: the required ones are learned from its errors, the
    // ones with a default by trying the names the trace and the history
    // know: `weight` is added in `Part`'s history, `title` is a field of
    // `Doc`.
    #[versioned(embedded)]
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Part {
        pub text: String,
        #[added_in("0.2.0")]
        #[serde(default)]
        pub weight: u32,
        #[serde(default)]
        pub title: Option<String>,
        #[serde(flatten)]
        pub extra: serde_json::Map<String, serde_json::Value>,
    }
}

mod flattened_changed {
    use super::*;

    #[versioned(since = "0.1.0", version = "0.2.0")]
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Doc {
        pub title: String,
        pub parts: Vec<Part>,
    }

    #[versioned(embedded)]
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Part {
        pub text: String,
        #[added_in("0.2.0")]
        #[serde(default)]
        pub weight: f64,
        #[serde(default)]
        pub title: Option<String>,
        #[serde(flatten)]
        pub extra: serde_json::Map<String, serde_json::Value>,
    }
}

#[test]
fn a_flattened_struct_shows_the_fields_with_a_default_it_can_be_asked_for() {
    let contract = Contract::of::<flattened::Doc>().unwrap();
    assert_eq!(
        definition(&contract, "Part"),
        serde_json::json!({"struct": {
            "text": {"type": "string"},
            "weight": {"type": "integer", "optional": true},
            "title": {"type": "option<string>", "optional": true},
        }})
    );
    assert_eq!(
        problems::<flattened::Doc, flattened_changed::Doc>("flattened"),
        ["`Part.weight` changed from integer to number without a new version and a conversion (`#[converted(..., since = ...)]`)"]
    );
}

mod untagged {
    use super::*;

    #[versioned(since = "0.1.0")]
    #[derive(Debug, Serialize, Deserialize)]
    pub struct Doc {
        pub id: Id,
        pub ids: Vec<Id>,
    }

    // Neither variant takes the unit value a document's `any` is first
    // given: serde tries each on its own buffer of the value, so the
    // tracer gives it one kind of value after another until one does.
    #[derive(Debug, Serialize, Deserialize)]
    #[serde(untagged)]
    pub enum Id {
        Num(u64),
        Name(String),
    }
}

#[test]
fn an_untagged_enum_is_any_and_its_trace_ends() {
    let contract = Contract::of::<untagged::Doc>().unwrap();
    assert_eq!(
        definition(&contract, "Doc"),
        serde_json::json!({"struct": {
            "id": {"type": "any"},
            "ids": {"type": "array<any>"},
        }})
    );
    let sample = palimpsest::contract::sample::<untagged::Doc>().unwrap();
    assert!(matches!(sample.id, untagged::Id::Num(_)), "{sample:?}");
}
