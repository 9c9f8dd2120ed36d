//! Both names of a renamed field in what a reader hands the struct.
//!
//! The struct reads a renamed field's old names as aliases of its current
//! one, so a document that holds both names reaches it as one field met
//! twice: serde's "duplicate field `new`", which names neither key it met,
//! and which would stop the read where the second name stands. A migration
//! refuses the same two names as [`Error::Conflict`], once the map ends.
//!
//! So the reader notes each name of a renamed field it hands the struct;
//! the second of two names is not handed on, and the document is refused
//! when the map ends, as the migration refuses it: a value that does not
//! fit the struct, met anywhere in the document, is reported first, in
//! whatever order the keys come (a tree's are sorted, a text's are not).

use std::cell::Cell;
use std::fmt;

use crate::error::Error;
use crate::schema::Schema;
use crate::step::Op;

/// The names of a schema's renamed fields, worked out once: the readers
/// compare every key they hand the struct with them.
#[derive(Debug, Default)]
pub(crate) struct RenamedFields {
    /// The current names, each a field's index.
    fields: Vec<String>,
    /// The old names the struct reads as aliases.
    old: Vec<OldName>,
    /// A bit of each of those names' length and first byte: most keys
    /// are told apart by them alone, without a comparison.
    bits: u64,
    /// For each field, the bits of its old names among [`Self::old`]: a
    /// current name met with none of them handed is passed at once.
    old_of: Vec<u64>,
}

#[derive(Debug)]
struct OldName {
    name: String,
    /// The index of the field among [`RenamedFields::fields`].
    field: usize,
    /// The step that renamed it.
    step: usize,
}

/// What a key is among the names of renamed fields.
#[derive(Clone, Copy)]
enum Name {
    Current(usize),
    /// The index among the old names.
    Old(usize),
}

impl RenamedFields {
    /// Each rename's old name, followed through later renames to the
    /// current one, unless a later step gives the name to a field again
    /// (then it is that field's, not an alias).
    pub(crate) fn new(ops: &[Vec<Op>]) -> Self {
        let mut renamed = RenamedFields::default();
        for (step, step_ops) in ops.iter().enumerate() {
            for op in step_ops {
                let Op::Rename { old, new } = op else {
                    continue;
                };
                let mut current = new.clone();
                let mut taken_again = false;
                for later in ops.iter().skip(step + 1).flatten() {
                    match later {
                        Op::Rename { old: from, new: to } if *from == current => {
                            current = to.clone();
                        }
                        Op::Rename { new: to, .. } if to == old => taken_again = true,
                        Op::Default { field, .. } if field == old => taken_again = true,
                        _ => {}
                    }
                }
                if taken_again {
                    continue;
                }
                let field = match renamed.fields.iter().position(|f| *f == current) {
                    Some(field) => field,
                    None => {
                        renamed.bits |= name_bit(&current);
                        renamed.fields.push(current);
                        renamed.fields.len() - 1
                    }
                };
                renamed.bits |= name_bit(old);
                renamed.old.push(OldName {
                    name: old.clone(),
                    field,
                    step,
                });
            }
        }
        // Past 64 the bits of `Handed` run out: those are not watched.
        renamed.fields.truncate(64);
        renamed.old.retain(|old| old.field < 64);
        renamed.old.truncate(64);
        renamed.old_of = vec![0; renamed.fields.len()];
        for (index, old) in renamed.old.iter().enumerate() {
            renamed.old_of[old.field] |= 1 << index;
        }
        renamed
    }

    /// Whether `key` may be a name of a renamed field: for a schema with
    /// none, a test of a constant.
    #[inline]
    fn may_be_named(&self, key: &str) -> bool {
        self.bits != 0 && self.bits & name_bit(key) != 0
    }

    /// The bits of [`name_bit`] of every name.
    pub(crate) fn bits(&self) -> u64 {
        self.bits
    }

    fn name_of(&self, key: &str) -> Option<Name> {
        if let Some(field) = self.fields.iter().position(|f| f == key) {
            return Some(Name::Current(field));
        }
        self.old.iter().position(|o| o.name == key).map(Name::Old)
    }
}

/// The bit of a name in [`RenamedFields::bits`], of its length and first
/// byte: keys of one length (`context`, `outcome`) mostly differ there.
#[inline]
pub(crate) fn name_bit(name: &str) -> u64 {
    let first = name.as_bytes().first().copied().unwrap_or(0);
    1 << ((name.len().wrapping_mul(7) ^ usize::from(first)) & 63)
}

/// The names of renamed fields one read handed the struct, and the error
/// of the first it held back.
#[derive(Default)]
pub(crate) struct Handed {
    fields: Cell<u64>,
    old: Cell<u64>,
    /// Boxed, as `refused`: a read that holds nothing back moves and drops
    /// only a pointer.
    held_back: Cell<Option<Box<Error>>>,
    /// The held-back error, once the map's end refused the document with it.
    refused: Cell<Option<Box<Error>>>,
}

impl fmt::Debug for Handed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handed")
            .field("fields", &self.fields)
            .field("old", &self.old)
            .finish_non_exhaustive()
    }
}

impl Handed {
    /// Whether the struct may be handed `key`: `false` for a second name
    /// of a field (or an old name again), whose error waits for the end.
    /// The current name met twice is the struct's to refuse.
    #[inline]
    pub(crate) fn hand(&self, schema: &Schema, key: &str) -> bool {
        if !schema.renamed.may_be_named(key) {
            return true;
        }
        self.hand_named(schema, key)
    }

    /// A key whose length and first byte are those of a renamed field's
    /// name: most often its current name, met once, which is handed on.
    #[inline(never)]
    fn hand_named(&self, schema: &Schema, key: &str) -> bool {
        let renamed = &schema.renamed;
        match renamed.name_of(key) {
            None => true,
            Some(Name::Current(field)) if self.old.get() & renamed.old_of[field] == 0 => {
                self.fields.set(self.fields.get() | 1 << field);
                true
            }
            Some(name) => self.hand_name(schema, name),
        }
    }

    #[cold]
    fn hand_name(&self, schema: &Schema, name: Name) -> bool {
        let renamed = &schema.renamed;
        let (fields, old) = (self.fields.get(), self.old.get());
        let error = match name {
            Name::Current(field) => {
                self.fields.set(fields | 1 << field);
                let handed = renamed
                    .old
                    .iter()
                    .enumerate()
                    .find(|(i, o)| o.field == field && old & 1 << i != 0);
                match handed {
                    Some((_, o)) => schema.both_names(o, &renamed.fields[field]),
                    None => return true,
                }
            }
            Name::Old(index) => {
                let o = &renamed.old[index];
                self.old.set(old | 1 << index);
                if old & 1 << index != 0 {
                    Error::RepeatedKey {
                        type_name: schema.type_name(),
                        key: o.name.clone(),
                    }
                } else if fields & 1 << o.field != 0 {
                    schema.both_names(o, &renamed.fields[o.field])
                } else {
                    // Another old name of the same field.
                    match renamed
                        .old
                        .iter()
                        .enumerate()
                        .find(|(i, other)| other.field == o.field && old & 1 << i != 0)
                    {
                        Some((_, first)) => schema.both_names(first, &o.name),
                        None => return true,
                    }
                }
            }
        };
        let first = self.held_back.take().unwrap_or_else(|| Box::new(error));
        self.held_back.set(Some(first));
        false
    }

    /// At the end of the map: the error of a name held back, which the
    /// read fails with; kept for the reader to type its error.
    #[inline]
    pub(crate) fn refuse<E: serde::de::Error>(&self) -> Result<(), E> {
        match self.held_back.take() {
            None => Ok(()),
            Some(error) => Err(self.refuse_with(error)),
        }
    }

    #[cold]
    fn refuse_with<E: serde::de::Error>(&self, error: Box<Error>) -> E {
        let message = E::custom(&error);
        self.refused.set(Some(error));
        message
    }

    /// The error the map's end refused the document with, if it did.
    pub(crate) fn take_refused(&self) -> Option<Error> {
        self.refused.take().map(|error| *error)
    }

    /// The error of a name held back, when the struct refused the version
    /// key handed in its place as an unknown field (`deny_unknown_fields`)
    /// before the map's end could: serde's `error` names the version key
    /// the reader handed on, not the document's. Called on the error path.
    #[cold]
    pub(crate) fn take_held_back_for(&self, error: &impl fmt::Display, key: &str) -> Option<Error> {
        let message = error.to_string();
        let unknown = message.strip_prefix("unknown field `")?.split('`').next()?;
        if unknown == key {
            self.take_held_back()
        } else {
            None
        }
    }

    /// The error of a name held back, for a reader that reads no map.
    pub(crate) fn take_held_back(&self) -> Option<Error> {
        self.held_back.take().map(|error| *error)
    }
}

impl Schema {
    /// The error of a document holding an old name of a field and `new`,
    /// another of its names, with the versions of the step that renamed it.
    fn both_names(&self, old: &OldName, new: &str) -> Error {
        let (from, to) = &self.edges[old.step];
        Error::Conflict {
            type_name: self.type_name(),
            from: from.clone(),
            to: to.clone(),
            old: old.name.clone(),
            new: new.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Handed;
    use crate::{Error, Schema, Step};

    fn schema() -> Schema {
        Schema::semver("Note", "0.3.0")
            .step(Step::new("0.1.0", "0.2.0").rename("body", "text"))
            .step(Step::new("0.2.0", "0.3.0").rename("text", "content"))
            .build()
            .unwrap()
    }

    #[test]
    fn an_old_name_beside_the_current_one_is_held_back() {
        let schema = schema();
        let handed = Handed::default();
        for key in ["other", "content", "content"] {
            assert!(handed.hand(&schema, key), "{key}");
        }
        assert!(!handed.hand(&schema, "body"));
        let error = handed.take_held_back().unwrap();
        assert!(
            matches!(&error, Error::Conflict { old, new, from, .. }
                if old == "body" && new == "content" && from.to_string() == "0.1.0"),
            "{error:?}"
        );
    }

    #[test]
    fn an_old_name_twice_is_a_repeated_key() {
        let schema = schema();
        let handed = Handed::default();
        assert!(handed.hand(&schema, "text"));
        assert!(!handed.hand(&schema, "text"));
        let error = handed.take_held_back().unwrap();
        assert!(
            matches!(&error, Error::RepeatedKey { key, .. } if key == "text"),
            "{error:?}"
        );
        assert!(handed.refuse::<serde_json::Error>().is_ok());
    }
}
