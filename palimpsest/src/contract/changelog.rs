//! The changes between two versions, read from the history the attributes
//! declare: for people (Markdown) and tools (JSON, through `Serialize`).

use std::fmt;

use serde::Serialize;

use crate::embedded::{histories_of, VariantOp};
use crate::step::Op;
use crate::version::Version;

use super::Contract;

/// The changes from one version of a type to another, step by step.
///
/// `Display` writes Markdown; `Serialize` gives tools the same as JSON.
///
/// ```
/// use palimpsest::contract::{Change, Contract};
/// use palimpsest::versioned;
/// use serde::{Deserialize, Serialize};
///
/// #[versioned(since = "0.1.0", version = "0.2.0", metadata = "meta")]
/// #[derive(Serialize, Deserialize)]
/// struct Note {
///     #[renamed_from("body", since = "0.2.0")]
///     text: String,
///     #[removed_in("0.2.0")]
///     color: String,
///     #[serde(default)]
///     meta: serde_json::Map<String, serde_json::Value>,
/// }
///
/// let changelog = Contract::of::<Note>()?.changelog("0.1.0", "0.2.0")?;
/// assert!(changelog.steps[0].changes.contains(&Change::FieldRenamed {
///     owner: "Note".into(),
///     old: "body".into(),
///     new: "text".into(),
/// }));
/// assert!(changelog.to_string().contains("`color` removed, its value kept at `meta.legacy_color`"));
/// # Ok::<(), palimpsest::contract::ContractError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Changelog {
    /// The versioned type.
    #[serde(rename = "type")]
    pub type_name: String,
    /// The older version.
    pub from: String,
    /// The newer version.
    pub to: String,
    /// Each step between them, oldest first.
    pub steps: Vec<ChangelogStep>,
}

/// The changes of one step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChangelogStep {
    /// The version the step starts from.
    pub from: String,
    /// The version it leads to, where its changes are dated.
    pub to: String,
    /// Its changes, in the order they run.
    pub changes: Vec<Change>,
}

/// One declared change. `owner` is the type holding the field or variant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Change {
    /// `#[added_in]`: older documents get the field's default.
    FieldAdded {
        /// The type holding the field.
        owner: String,
        /// The field.
        field: String,
    },
    /// `#[removed_in]`: the value goes to `kept_at`, or is dropped.
    FieldRemoved {
        /// The type that held the field.
        owner: String,
        /// The field.
        field: String,
        /// Where the value is kept, if it is.
        kept_at: Option<String>,
    },
    /// `#[renamed_from]`.
    FieldRenamed {
        /// The type holding the field.
        owner: String,
        /// The old name.
        old: String,
        /// The new name.
        new: String,
    },
    /// `#[converted]`, `#[wrapped]`, `#[unwrapped]`, `#[renamed_keys]`.
    FieldConverted {
        /// The type holding the field.
        owner: String,
        /// The field.
        field: String,
    },
    /// `#[moved_from]`, `moved(..)`, `#[set]`, `dropped(..)`: values
    /// moved between paths, set, or dropped.
    FieldsMoved {
        /// The type holding the fields.
        owner: String,
        /// The top-level keys involved.
        fields: Vec<String>,
    },
    /// A variant's `#[added_in]`.
    VariantAdded {
        /// The enum.
        owner: String,
        /// The variant.
        variant: String,
    },
    /// A variant's `#[removed_in(.., fallback = ..)]`.
    VariantRemoved {
        /// The enum.
        owner: String,
        /// The variant.
        variant: String,
        /// The variant its values become.
        fallback: String,
        /// Whether the old value is kept in the metadata object.
        kept: bool,
    },
    /// A variant's `#[renamed_from]`.
    VariantRenamed {
        /// The enum.
        owner: String,
        /// The old name.
        old: String,
        /// The new name.
        new: String,
    },
    /// A step written by hand: what it changes, only its code says.
    Custom,
}

pub(super) fn between(contract: &Contract, a: &Version, b: &Version) -> Changelog {
    let (from, to) = if a <= b { (a, b) } else { (b, a) };
    let schema = contract.schema();
    let root = schema.type_name();
    let embedded = histories_of(schema);
    let metadata = schema.metadata().map(ToString::to_string);
    let mut steps = Vec::new();
    if let Some(Ok(path)) = schema.path_to_current(from) {
        for &index in path {
            let (step_from, step_to) = &schema.edges[index];
            if step_from >= to {
                break;
            }
            let mut changes: Vec<Change> = schema.ops[index]
                .iter()
                .map(|op| field_change(root, op, metadata.as_deref(), false))
                .collect();
            for history in &embedded {
                let owner = history.type_name();
                changes.extend(
                    history
                        .field_ops_at(step_to)
                        .iter()
                        .map(|op| field_change(owner, op, metadata.as_deref(), true)),
                );
                changes.extend(
                    history
                        .variant_ops_at(step_to)
                        .iter()
                        .map(|op| variant_change(owner, op)),
                );
            }
            steps.push(ChangelogStep {
                from: step_from.to_string(),
                to: step_to.to_string(),
                changes,
            });
        }
    }
    Changelog {
        type_name: root.to_owned(),
        from: from.to_string(),
        to: to.to_string(),
        steps,
    }
}

fn field_change(owner: &str, op: &Op, metadata: Option<&str>, nested: bool) -> Change {
    let owner = owner.to_owned();
    match op {
        Op::Rename { old, new } => Change::FieldRenamed {
            owner,
            old: old.clone(),
            new: new.clone(),
        },
        Op::Preserve { field, .. } => Change::FieldRemoved {
            owner,
            field: field.clone(),
            kept_at: metadata.map(|metadata| {
                if nested {
                    format!("{metadata}.legacy_nested")
                } else {
                    format!("{metadata}.legacy_{field}")
                }
            }),
        },
        Op::Drop { field, .. } => Change::FieldRemoved {
            owner,
            field: field.clone(),
            kept_at: None,
        },
        Op::Default { field, .. } => Change::FieldAdded {
            owner,
            field: field.clone(),
        },
        Op::Convert(conversion) => Change::FieldConverted {
            owner,
            field: conversion.field().to_owned(),
        },
        Op::Moves(moves) => Change::FieldsMoved {
            owner,
            fields: moves
                .captures()
                .chain(moves.asks())
                .map(str::to_owned)
                .collect(),
        },
        Op::Custom(_) => Change::Custom,
    }
}

fn variant_change(owner: &str, op: &VariantOp) -> Change {
    let owner = owner.to_owned();
    match op {
        VariantOp::Rename { old, new } => Change::VariantRenamed {
            owner,
            old: (*old).to_owned(),
            new: (*new).to_owned(),
        },
        VariantOp::Added { name } => Change::VariantAdded {
            owner,
            variant: (*name).to_owned(),
        },
        VariantOp::Removed {
            name,
            fallback,
            keep,
        } => Change::VariantRemoved {
            owner,
            variant: (*name).to_owned(),
            fallback: (*fallback).to_owned(),
            kept: *keep,
        },
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::FieldAdded { owner, field } => write!(f, "{owner}: `{field}` added"),
            Change::FieldRemoved {
                owner,
                field,
                kept_at: Some(at),
            } => write!(f, "{owner}: `{field}` removed, its value kept at `{at}`"),
            Change::FieldRemoved { owner, field, .. } => {
                write!(f, "{owner}: `{field}` removed, its value dropped")
            }
            Change::FieldRenamed { owner, old, new } => {
                write!(f, "{owner}: `{old}` renamed to `{new}`")
            }
            Change::FieldConverted { owner, field } => {
                write!(f, "{owner}: `{field}` converted")
            }
            Change::FieldsMoved { owner, fields } => {
                write!(f, "{owner}: values moved, set or dropped at ")?;
                for (i, field) in fields.iter().enumerate() {
                    let comma = if i > 0 { ", " } else { "" };
                    write!(f, "{comma}`{field}`")?;
                }
                Ok(())
            }
            Change::VariantAdded { owner, variant } => {
                write!(f, "{owner}: variant `{variant}` added")
            }
            Change::VariantRemoved {
                owner,
                variant,
                fallback,
                kept,
            } => {
                let kept = if *kept {
                    ", the old value kept in the metadata"
                } else {
                    ""
                };
                write!(
                    f,
                    "{owner}: variant `{variant}` removed, its values become `{fallback}`{kept}"
                )
            }
            Change::VariantRenamed { owner, old, new } => {
                write!(f, "{owner}: variant `{old}` renamed to `{new}`")
            }
            Change::Custom => f.write_str("a hand-written step"),
        }
    }
}

impl fmt::Display for Changelog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "# {}: {} to {}", self.type_name, self.from, self.to)?;
        for step in &self.steps {
            writeln!(f, "\n## {} to {}\n", step.from, step.to)?;
            if step.changes.is_empty() {
                writeln!(f, "- no change of shape")?;
            }
            for change in &step.changes {
                writeln!(f, "- {change}")?;
            }
        }
        Ok(())
    }
}
