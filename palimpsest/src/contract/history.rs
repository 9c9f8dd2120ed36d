//! Older versions' shapes: the current shape with the history's changes
//! undone, newest first, as a downgrade undoes them on a document.

use crate::embedded::{histories_of, root_sites, EmbeddedHistory, Site, VariantOp};
use crate::schema::Schema;
use crate::step::Op;
use crate::version::Version;

use super::format::{Definition, Field, Format, Shape};

/// The shape of every version of `schema`'s history, oldest first; `None`
/// where a change has no declared shape (a hand-written step, a move
/// between paths) or no path leads to the current version.
pub(crate) fn shapes(schema: &Schema, current: &Shape) -> Vec<(Version, Option<Shape>)> {
    let embedded = shape_names(schema, current);
    schema
        .versions()
        .iter()
        .map(|version| {
            let shape = if version == schema.current() {
                Some(current.clone())
            } else {
                older(schema, &embedded, current, version)
            };
            (version.clone(), shape)
        })
        .collect()
}

fn older(
    schema: &Schema,
    embedded: &[(&'static EmbeddedHistory, String)],
    current: &Shape,
    version: &Version,
) -> Option<Shape> {
    let Some(Ok(path)) = schema.path_to_current(version) else {
        return None;
    };
    let mut shape = current.clone();
    let root = match &shape.root {
        Format::Named(name) => Some(name.clone()),
        _ => None,
    };
    for &index in path.iter().rev() {
        let to = &schema.edges[index].1;
        if let Some(Definition::Struct(fields)) =
            root.as_ref().and_then(|root| shape.types.get_mut(root))
        {
            for op in schema.ops[index].iter().rev() {
                undo_field_op(fields, op)?;
            }
        } else if schema.ops[index]
            .iter()
            .any(|op| matches!(op, Op::Custom(_)))
        {
            return None;
        }
        for (history, name) in embedded {
            match shape.types.get_mut(name) {
                Some(Definition::Struct(fields)) => {
                    for op in history.field_ops_at(to).iter().rev() {
                        undo_field_op(fields, op)?;
                    }
                }
                Some(Definition::Tuple(items)) if history.positional() => {
                    for op in history.field_ops_at(to).iter().rev() {
                        undo_position_op(items, op)?;
                    }
                }
                Some(Definition::Enum(variants) | Definition::Untagged(variants)) => {
                    for op in history.variant_ops_at(to).iter().rev() {
                        undo_variant_op(variants, op);
                    }
                }
                _ => {}
            }
        }
    }
    shape.version = version.to_string();
    if version == schema.legacy() {
        shape.key = None;
    }
    shape.prune();
    Some(shape)
}

/// Each embedded type's history with the name its definitions have in
/// `current`: serde's, which `#[serde(rename)]` on the type sets and the
/// history does not know, so it is read off the shape where the parent's
/// field holds the type. A type no field of the shape leads to keeps its
/// Rust name.
fn shape_names(schema: &Schema, current: &Shape) -> Vec<(&'static EmbeddedHistory, String)> {
    let mut found: Vec<(&'static EmbeddedHistory, String)> = Vec::new();
    let root = match &current.root {
        Format::Named(name) => Some(name.clone()),
        _ => None,
    };
    let mut todo: Vec<(&[Site], Option<String>)> = vec![(root_sites(schema), root)];
    while let Some((sites, parent)) = todo.pop() {
        for site in sites {
            let history = site.history();
            if found.iter().any(|(seen, _)| std::ptr::eq(*seen, history)) {
                continue;
            }
            let name = if site.is_whole() {
                parent.clone()
            } else {
                parent
                    .as_ref()
                    .and_then(|parent| current.types.get(parent))
                    .and_then(|definition| held_at(definition, site))
            };
            let name = name.unwrap_or_else(|| history.type_name().to_owned());
            found.push((history, name.clone()));
            todo.push((history.sites(), Some(name)));
        }
    }
    for history in histories_of(schema) {
        if !found.iter().any(|(seen, _)| std::ptr::eq(*seen, history)) {
            found.push((history, history.type_name().to_owned()));
        }
    }
    found
}

/// The named type a field of `definition` that `site` reads holds, through
/// the containers an embedded field may have (options, sequences, map
/// values); for an enum, a variant's payload, which its sites name.
fn held_at(definition: &Definition, site: &Site) -> Option<String> {
    let mut format = match definition {
        Definition::Struct(fields) => fields
            .iter()
            .find(|(name, _)| site.reads(name))
            .map(|(_, field)| &field.format)?,
        Definition::Enum(variants) | Definition::Untagged(variants) => {
            variants.iter().find_map(|(name, payload)| match payload {
                Definition::Newtype(format) if site.reads(name) => Some(format),
                Definition::Struct(fields) => fields
                    .iter()
                    .find(|(name, _)| site.reads(name))
                    .map(|(_, field)| &field.format),
                _ => None,
            })?
        }
        _ => return None,
    };
    loop {
        match format {
            Format::Option(inner) | Format::Array(inner) | Format::Map(_, inner) => format = inner,
            Format::Named(name) => return Some(name.clone()),
            _ => return None,
        }
    }
}

/// The names of fields the history of `schema` gives (added, renamed,
/// converted), in the type and the types it embeds: the names a struct
/// read as a map is asked for, to find its fields with a default.
pub(crate) fn field_names(schema: &'static Schema) -> Vec<&'static str> {
    let mut ops: Vec<&'static Op> = schema.ops.iter().flatten().collect();
    for history in histories_of(schema) {
        for version in schema.versions() {
            ops.extend(history.field_ops_at(version));
        }
    }
    ops.into_iter()
        .filter_map(|op| match op {
            Op::Rename { new, .. } => Some(new.as_str()),
            Op::Default { field, .. } => Some(field.as_str()),
            Op::Convert(conversion) => Some(conversion.field()),
            _ => None,
        })
        .collect()
}

/// One field change undone; `None` for a change whose older shape the
/// history does not declare.
fn undo_field_op(fields: &mut std::collections::BTreeMap<String, Field>, op: &Op) -> Option<()> {
    match op {
        Op::Rename { old, new } => {
            if let Some(field) = fields.remove(new) {
                fields.insert(old.clone(), field);
            }
        }
        // The struct no longer has the field, nor its type.
        Op::Preserve { field, .. } | Op::Drop { field, .. } => {
            fields.insert(field.clone(), unknown());
        }
        Op::Default { field, .. } => {
            fields.remove(field);
        }
        Op::Convert(conversion) => {
            if let Some(field) = fields.get_mut(conversion.field()) {
                *field = unknown();
            }
        }
        Op::Moves(_) | Op::Custom(_) => return None,
    }
    Some(())
}

/// One change of a positional tuple struct undone: its ops name the
/// position each element has in the array the op changes, so undoing them
/// newest first finds each at its place.
fn undo_position_op(items: &mut Vec<Format>, op: &Op) -> Option<()> {
    let at = |field: &str| field.parse::<usize>().ok();
    match op {
        Op::Default { field, .. } => {
            let position = at(field)?;
            (position < items.len()).then(|| items.remove(position))?;
        }
        Op::Preserve { field, .. } | Op::Drop { field, .. } => {
            let position = at(field)?;
            (position <= items.len()).then(|| items.insert(position, Format::Any))?;
        }
        Op::Convert(conversion) => *items.get_mut(at(conversion.field())?)? = Format::Any,
        Op::Rename { .. } | Op::Moves(_) | Op::Custom(_) => return None,
    }
    Some(())
}

fn undo_variant_op(variants: &mut std::collections::BTreeMap<String, Definition>, op: &VariantOp) {
    match op {
        VariantOp::Rename { old, new } => {
            if let Some(payload) = variants.remove(*new) {
                variants.insert((*old).to_owned(), payload);
            }
        }
        VariantOp::Added { name } => {
            variants.remove(*name);
        }
        VariantOp::Removed { name, .. } => {
            variants.insert((*name).to_owned(), Definition::Unknown);
        }
    }
}

/// A field whose type the history no longer knows: it admits any.
fn unknown() -> Field {
    Field {
        format: Format::Any,
        optional: false,
    }
}
