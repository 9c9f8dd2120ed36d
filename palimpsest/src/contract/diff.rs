//! What differs between two shapes, how a reader of documents sees each
//! difference, and what to write when the history does not explain it.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use super::format::{Definition, Field, Format, Shape};

/// One difference between two shapes of a type, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Difference {
    /// A field of `owner` is found under a new name, with the same format.
    FieldRenamed {
        /// The struct (or `Enum::Variant`) holding the field.
        owner: String,
        /// The old name.
        old: String,
        /// The new name.
        new: String,
    },
    /// A field is gone.
    FieldRemoved {
        /// The struct (or `Enum::Variant`) that held the field.
        owner: String,
        /// The field.
        field: String,
        /// Whether documents could leave it out.
        optional: bool,
    },
    /// A new field.
    FieldAdded {
        /// The struct (or `Enum::Variant`) holding the field.
        owner: String,
        /// The field.
        field: String,
        /// Whether documents may leave it out (it has a default).
        optional: bool,
    },
    /// A field's format changed.
    FieldChanged {
        /// The struct (or `Enum::Variant`) holding the field.
        owner: String,
        /// The field.
        field: String,
        /// The old format.
        from: Format,
        /// The new format.
        to: Format,
    },
    /// A field may now (or may no longer) be left out.
    FieldOptionality {
        /// The struct (or `Enum::Variant`) holding the field.
        owner: String,
        /// The field.
        field: String,
        /// Whether it is optional now.
        optional: bool,
    },
    /// A variant of an enum is found under a new name, with the same payload.
    VariantRenamed {
        /// The enum.
        owner: String,
        /// The old name.
        old: String,
        /// The new name.
        new: String,
    },
    /// A variant is gone.
    VariantRemoved {
        /// The enum.
        owner: String,
        /// The variant.
        variant: String,
    },
    /// A new variant.
    VariantAdded {
        /// The enum.
        owner: String,
        /// The variant.
        variant: String,
    },
    /// A new variant of an untagged enum. Documents hold no variant name,
    /// so no attribute declares it: a new version does, and the documents
    /// of older ones still read.
    UntaggedVariantAdded {
        /// The enum.
        owner: String,
        /// The variant.
        variant: String,
    },
    /// A variant of an untagged enum is gone: documents that hold its
    /// payload no longer read.
    UntaggedVariantRemoved {
        /// The enum.
        owner: String,
        /// The variant.
        variant: String,
    },
    /// A named type, or a variant's payload, changed kind (a struct became
    /// an enum, a newtype's inner format changed, ...).
    TypeChanged {
        /// The type, or `Enum::Variant`.
        owner: String,
    },
    /// The key the version is written under changed, or appeared: a
    /// stamp palimpsest reads, no data.
    KeyChanged {
        /// The old key, `None` for the legacy version.
        from: Option<String>,
        /// The new key.
        to: Option<String>,
    },
    /// The format of a whole document changed.
    RootChanged {
        /// What it was.
        from: String,
        /// What it is.
        to: String,
    },
}

/// What readers that do not run the migration can still read across a
/// change, in a schema registry's terms (Confluent's BACKWARD, FORWARD,
/// FULL): the documents alone decide, not palimpsest's migration, which
/// reads every declared change. A type promises a level with
/// [`Lock::promise`](super::Lock::promise).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Compatibility {
    /// Neither: a reader of one version cannot read the other's documents.
    Breaking,
    /// A reader of the new version reads documents of the old one.
    Backward,
    /// A reader of the old version reads documents of the new one.
    Forward,
    /// Both.
    Full,
}

impl Compatibility {
    /// Whether this level includes `promised`.
    #[must_use]
    pub fn keeps(self, promised: Compatibility) -> bool {
        match promised {
            Compatibility::Breaking => true,
            Compatibility::Full => self == Compatibility::Full,
            level => self == level || self == Compatibility::Full,
        }
    }

    /// What both levels allow.
    #[must_use]
    pub fn and(self, other: Compatibility) -> Compatibility {
        if self.keeps(other) {
            other
        } else if other.keeps(self) {
            self
        } else {
            Compatibility::Breaking
        }
    }
}

impl fmt::Display for Compatibility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Compatibility::Breaking => "breaking",
            Compatibility::Backward => "backward compatible",
            Compatibility::Forward => "forward compatible",
            Compatibility::Full => "fully compatible",
        })
    }
}

impl Difference {
    /// How readers that do not migrate see the change.
    #[must_use]
    pub fn compatibility(&self) -> Compatibility {
        match self {
            Difference::FieldAdded { optional: true, .. }
            | Difference::FieldRemoved { optional: true, .. }
            | Difference::KeyChanged { .. } => Compatibility::Full,
            // Old documents lack it: only old readers, which ignore it, read new ones.
            Difference::FieldAdded {
                optional: false, ..
            }
            | Difference::FieldOptionality {
                optional: false, ..
            } => Compatibility::Forward,
            Difference::FieldRemoved {
                optional: false, ..
            }
            | Difference::FieldOptionality { optional: true, .. }
            | Difference::VariantAdded { .. }
            | Difference::UntaggedVariantAdded { .. } => Compatibility::Backward,
            Difference::VariantRemoved { .. } | Difference::UntaggedVariantRemoved { .. } => {
                Compatibility::Forward
            }
            Difference::FieldRenamed { .. }
            | Difference::FieldChanged { .. }
            | Difference::VariantRenamed { .. }
            | Difference::TypeChanged { .. }
            | Difference::RootChanged { .. } => Compatibility::Breaking,
        }
    }

    /// What to write for a change no version and attribute explain: `next`
    /// is the version it appeared in, `None` when the current version
    /// itself changed.
    pub(crate) fn unexplained(&self, root: &str, next: Option<&str>) -> String {
        let since = next.map_or_else(|| "...".to_owned(), |v| format!("\"{v}\""));
        let when = next.map_or_else(
            || " without a new version and".to_owned(),
            |v| format!(" in {v} without"),
        );
        let at = |owner: &str, field: &str| {
            if owner == root {
                format!("`{field}`")
            } else {
                format!("`{owner}.{field}`")
            }
        };
        match self {
            Difference::FieldRenamed { owner, old, new } => format!(
                "{} was renamed to `{new}`{when} `#[renamed_from(\"{old}\", since = {since})]`",
                at(owner, old)
            ),
            Difference::FieldRemoved { owner, field, .. } => format!(
                "{} was removed{when} `#[removed_in({since})]`",
                at(owner, field)
            ),
            Difference::FieldAdded {
                owner,
                field,
                optional,
            } => {
                let default = if *optional {
                    ""
                } else {
                    " and `#[serde(default)]` (older documents lack it)"
                };
                format!(
                    "{} was added{when} `#[added_in({since})]`{default}",
                    at(owner, field)
                )
            }
            Difference::FieldChanged {
                owner,
                field,
                from,
                to,
            } => match next {
                Some(v) => format!(
                    "{} changed from {from} to {to} in {v} with no conversion (`#[converted(..., since = \"{v}\")]`)",
                    at(owner, field)
                ),
                None => format!(
                    "{} changed from {from} to {to} without a new version and a conversion (`#[converted(..., since = ...)]`)",
                    at(owner, field)
                ),
            },
            Difference::FieldOptionality {
                owner,
                field,
                optional,
            } => {
                let how = if *optional {
                    "may now be left out"
                } else {
                    "lost its default: documents without it no longer read"
                };
                match next {
                    Some(v) => format!("{} {how}, in {v}", at(owner, field)),
                    None => format!("{} {how}, without a new version", at(owner, field)),
                }
            }
            Difference::VariantRenamed { owner, old, new } => format!(
                "variant `{old}` of `{owner}` was renamed to `{new}`{when} `#[renamed_from(\"{old}\", since = {since})]`"
            ),
            Difference::VariantRemoved { owner, variant } => format!(
                "variant `{variant}` of `{owner}` was removed{when} `#[removed_in({since}, fallback = ...)]`"
            ),
            Difference::VariantAdded { owner, variant } => format!(
                "variant `{variant}` of `{owner}` was added{when} `#[added_in({since})]`"
            ),
            Difference::UntaggedVariantAdded { owner, variant } => match next {
                Some(v) => format!("variant `{variant}` of the untagged enum `{owner}` was added in {v}"),
                None => format!(
                    "variant `{variant}` of the untagged enum `{owner}` was added without a new version: add one (documents hold no variant name, so no attribute declares it; older documents still read)"
                ),
            },
            Difference::UntaggedVariantRemoved { owner, variant } => {
                let (when, since) = match next {
                    Some(v) => (format!(" in {v}"), format!("\"{v}\"")),
                    None => (" without a new version".to_owned(), "...".to_owned()),
                };
                format!(
                    "variant `{variant}` of the untagged enum `{owner}` was removed{when}: documents that hold its payload no longer read; keep the variant, or convert the field that holds the enum (`#[converted(..., since = {since})]`)"
                )
            }
            Difference::TypeChanged { owner } => match next {
                Some(v) => format!("`{owner}` changed its shape in {v} with no step that explains it"),
                None => format!("`{owner}` changed its shape without a new version"),
            },
            Difference::KeyChanged { .. } | Difference::RootChanged { .. } => self.to_string(),
        }
    }
}

/// A sentence for people: "`title` renamed to `name`".
impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Difference::FieldRenamed { owner, old, new } => {
                write!(f, "`{old}` of `{owner}` renamed to `{new}`")
            }
            Difference::FieldRemoved { owner, field, .. } => {
                write!(f, "`{field}` of `{owner}` removed")
            }
            Difference::FieldAdded {
                owner,
                field,
                optional,
            } => {
                let default = if *optional { "" } else { " without a default" };
                write!(f, "`{field}` of `{owner}` added{default}")
            }
            Difference::FieldChanged {
                owner,
                field,
                from,
                to,
            } => {
                write!(f, "`{field}` of `{owner}` changed from {from} to {to}")
            }
            Difference::FieldOptionality {
                owner,
                field,
                optional: true,
            } => {
                write!(f, "`{field}` of `{owner}` may be left out")
            }
            Difference::FieldOptionality { owner, field, .. } => {
                write!(f, "`{field}` of `{owner}` lost its default")
            }
            Difference::VariantRenamed { owner, old, new } => {
                write!(f, "variant `{old}` of `{owner}` renamed to `{new}`")
            }
            Difference::VariantRemoved { owner, variant } => {
                write!(f, "variant `{variant}` of `{owner}` removed")
            }
            Difference::VariantAdded { owner, variant } => {
                write!(f, "variant `{variant}` of `{owner}` added")
            }
            Difference::UntaggedVariantAdded { owner, variant } => {
                write!(
                    f,
                    "variant `{variant}` of the untagged enum `{owner}` added"
                )
            }
            Difference::UntaggedVariantRemoved { owner, variant } => {
                write!(
                    f,
                    "variant `{variant}` of the untagged enum `{owner}` removed"
                )
            }
            Difference::TypeChanged { owner } => write!(f, "`{owner}` changed its shape"),
            Difference::KeyChanged { from, to } => {
                let key = |key: &Option<String>| match key {
                    Some(key) => format!("`{key}`"),
                    None => "none".to_owned(),
                };
                write!(
                    f,
                    "the version key changed from {} to {}",
                    key(from),
                    key(to)
                )
            }
            Difference::RootChanged { from, to } => {
                write!(f, "the document changed from {from} to {to}")
            }
        }
    }
}

/// The differences from `old` to `new`. A format or payload the history no
/// longer knows (`any`) matches anything.
pub(crate) fn differences(old: &Shape, new: &Shape) -> Vec<Difference> {
    let mut out = Vec::new();
    if old.key != new.key {
        out.push(Difference::KeyChanged {
            from: old.key.clone(),
            to: new.key.clone(),
        });
    }
    if !old.root.admits(&new.root) {
        out.push(Difference::RootChanged {
            from: old.root.to_string(),
            to: new.root.to_string(),
        });
    }
    for (name, old_definition) in &old.types {
        if let Some(new_definition) = new.types.get(name) {
            // An enum's tag or content key moved (or it changed
            // representation): every document of it reads differently.
            if representation(old, name) != representation(new, name) {
                out.push(Difference::TypeChanged {
                    owner: name.clone(),
                });
                continue;
            }
            definition(name, old_definition, new_definition, &mut out);
        }
    }
    out
}

/// How an enum is written: its tag key and content key, if any.
fn representation<'s>(shape: &'s Shape, name: &str) -> (Option<&'s String>, Option<&'s String>) {
    (shape.tags.get(name), shape.contents.get(name))
}

fn definition(owner: &str, old: &Definition, new: &Definition, out: &mut Vec<Difference>) {
    match (old, new) {
        (Definition::Unknown, _) | (_, Definition::Unknown) => {}
        (Definition::Struct(old), Definition::Struct(new)) => fields(owner, old, new, out),
        (Definition::Enum(old), Definition::Enum(new)) => variants(owner, old, new, out),
        // Documents do not hold an untagged variant's name: a variant
        // renamed with its payload kept changes none.
        (Definition::Untagged(old), Definition::Untagged(new)) => {
            let mut found = Vec::new();
            variants(owner, old, new, &mut found);
            out.extend(found.into_iter().filter_map(|difference| match difference {
                Difference::VariantRenamed { .. } => None,
                Difference::VariantAdded { owner, variant } => {
                    Some(Difference::UntaggedVariantAdded { owner, variant })
                }
                Difference::VariantRemoved { owner, variant } => {
                    Some(Difference::UntaggedVariantRemoved { owner, variant })
                }
                other => Some(other),
            }));
        }
        (Definition::Newtype(a), Definition::Newtype(b)) if a.admits(b) => {}
        (Definition::Tuple(a), Definition::Tuple(b))
            if a.len() == b.len() && a.iter().zip(b).all(|(a, b)| a.admits(b)) => {}
        (Definition::Unit, Definition::Unit) => {}
        _ => out.push(Difference::TypeChanged {
            owner: owner.to_owned(),
        }),
    }
}

fn fields(
    owner: &str,
    old: &BTreeMap<String, Field>,
    new: &BTreeMap<String, Field>,
    out: &mut Vec<Difference>,
) {
    let mut gone: Vec<(&String, &Field)> = old
        .iter()
        .filter(|(name, _)| !new.contains_key(*name))
        .collect();
    let mut came: Vec<(&String, &Field)> = new
        .iter()
        .filter(|(name, _)| !old.contains_key(*name))
        .collect();
    // A field gone and one come with the same format: a rename.
    gone.retain(|(old_name, old_field)| {
        let twin = came.iter().position(|(_, new_field)| {
            old_field.format != Format::Any && old_field.format == new_field.format
        });
        match twin {
            Some(index) => {
                let (new_name, _) = came.remove(index);
                out.push(Difference::FieldRenamed {
                    owner: owner.to_owned(),
                    old: (*old_name).clone(),
                    new: new_name.clone(),
                });
                false
            }
            None => true,
        }
    });
    for (field, was) in gone {
        out.push(Difference::FieldRemoved {
            owner: owner.to_owned(),
            field: field.clone(),
            optional: was.optional,
        });
    }
    for (field, is) in came {
        out.push(Difference::FieldAdded {
            owner: owner.to_owned(),
            field: field.clone(),
            optional: is.optional,
        });
    }
    for (name, was) in old {
        let Some(is) = new.get(name) else { continue };
        if !was.format.admits(&is.format) {
            out.push(Difference::FieldChanged {
                owner: owner.to_owned(),
                field: name.clone(),
                from: was.format.clone(),
                to: is.format.clone(),
            });
        } else if was.format != Format::Any
            && is.format != Format::Any
            && was.optional != is.optional
        {
            out.push(Difference::FieldOptionality {
                owner: owner.to_owned(),
                field: name.clone(),
                optional: is.optional,
            });
        }
    }
}

fn variants(
    owner: &str,
    old: &BTreeMap<String, Definition>,
    new: &BTreeMap<String, Definition>,
    out: &mut Vec<Difference>,
) {
    let mut gone: Vec<(&String, &Definition)> = old
        .iter()
        .filter(|(name, _)| !new.contains_key(*name))
        .collect();
    let mut came: Vec<(&String, &Definition)> = new
        .iter()
        .filter(|(name, _)| !old.contains_key(*name))
        .collect();
    gone.retain(|(old_name, old_payload)| {
        let twin = came.iter().position(|(_, payload)| {
            **old_payload != Definition::Unknown && old_payload == payload
        });
        match twin {
            Some(index) => {
                let (new_name, _) = came.remove(index);
                out.push(Difference::VariantRenamed {
                    owner: owner.to_owned(),
                    old: (*old_name).clone(),
                    new: new_name.clone(),
                });
                false
            }
            None => true,
        }
    });
    for (variant, _) in gone {
        out.push(Difference::VariantRemoved {
            owner: owner.to_owned(),
            variant: variant.clone(),
        });
    }
    for (variant, _) in came {
        out.push(Difference::VariantAdded {
            owner: owner.to_owned(),
            variant: variant.clone(),
        });
    }
    for (name, was) in old {
        if let Some(is) = new.get(name) {
            definition(&format!("{owner}::{name}"), was, is, out);
        }
    }
}
