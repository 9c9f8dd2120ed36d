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
#[derive(Clone, Copy, Debug)]
pub(crate) enum Name {
    Current(usize),
    /// The index among the old names.
    Old(usize),
}

impl RenamedFields {
    /// Each rename's old name, followed through later renames to the
    /// current one, unless a later step gives the name to a field again
    /// (then it is that field's, not an alias). `ops` are the changes of
    /// each step, oldest first: a root's edges, an embedded type's
    /// versions.
    pub(crate) fn new(ops: &[impl AsRef<[Op]>]) -> Self {
        let mut renamed = RenamedFields::default();
        for (step, step_ops) in ops.iter().enumerate() {
            for op in step_ops.as_ref() {
                let Op::Rename { old, new } = op else {
                    continue;
                };
                let mut current = new.clone();
                let mut taken_again = false;
                for later in ops.iter().skip(step + 1).flat_map(AsRef::as_ref) {
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

    fn name(&self, name: Name) -> &str {
        match name {
            Name::Current(field) => &self.fields[field],
            Name::Old(index) => &self.old[index].name,
        }
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

/// The names of renamed fields one read handed the struct, and the first
/// it held back.
#[derive(Default)]
pub(crate) struct Handed {
    fields: Cell<u64>,
    old: Cell<u64>,
    held_back: Cell<Option<HeldBack>>,
    /// The root's error for the held-back name, once the map's end refused
    /// the document with it. Boxed: a read that holds nothing back moves
    /// and drops only a pointer.
    refused: Cell<Option<Box<Error>>>,
}

impl fmt::Debug for Handed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handed")
            .field("fields", &self.fields)
            .field("old", &self.old)
            .field("held_back", &self.held_back)
            .finish_non_exhaustive()
    }
}

/// A name a reader did not hand the struct.
#[derive(Clone, Copy, Debug)]
pub(crate) enum HeldBack {
    /// An old name (its index among [`RenamedFields::old`]) beside `new`,
    /// another name of its field: the current one, or another old one;
    /// `second` is the one met second, not handed on.
    Both { old: usize, new: Name, second: Name },
    /// An old name met again.
    Repeated { old: usize },
}

impl Handed {
    /// Whether the struct may be handed `key`: `false` for a second name
    /// of a field (or an old name again), whose error waits for the end.
    /// The current name met twice is the struct's to refuse.
    #[inline]
    pub(crate) fn hand(&self, renamed: &RenamedFields, key: &str) -> bool {
        if !renamed.may_be_named(key) {
            return true;
        }
        self.hand_named(renamed, key)
    }

    /// A key whose length and first byte are those of a renamed field's
    /// name: most often its current name, met once, which is handed on.
    #[inline(never)]
    fn hand_named(&self, renamed: &RenamedFields, key: &str) -> bool {
        match renamed.name_of(key) {
            None => true,
            Some(Name::Current(field)) if self.old.get() & renamed.old_of[field] == 0 => {
                self.fields.set(self.fields.get() | 1 << field);
                true
            }
            Some(name) => self.hand_name(renamed, name),
        }
    }

    #[cold]
    fn hand_name(&self, renamed: &RenamedFields, name: Name) -> bool {
        let (fields, old) = (self.fields.get(), self.old.get());
        // The first old name of `field` already handed on.
        let handed_old = |field: usize| {
            (0..renamed.old.len()).find(|&i| renamed.old[i].field == field && old & 1 << i != 0)
        };
        let field = match name {
            Name::Current(field) => {
                self.fields.set(fields | 1 << field);
                field
            }
            Name::Old(index) => {
                self.old.set(old | 1 << index);
                renamed.old[index].field
            }
        };
        let held = match name {
            Name::Old(index) if old & 1 << index != 0 => HeldBack::Repeated { old: index },
            Name::Old(index) if fields & 1 << field != 0 => HeldBack::Both {
                old: index,
                new: Name::Current(field),
                second: name,
            },
            // The current name, or another old name of the field, after an
            // old name of it.
            _ => match handed_old(field) {
                Some(first) => HeldBack::Both {
                    old: first,
                    new: name,
                    second: name,
                },
                None => return true,
            },
        };
        if self.held_back.get().is_none() {
            self.held_back.set(Some(held));
        }
        false
    }

    /// The first name held back, if any, taken: a reader refuses the
    /// document for it once.
    #[inline]
    pub(crate) fn take(&self) -> Option<HeldBack> {
        self.held_back.take()
    }

    /// At the end of a root's map: the error of a name held back, which
    /// the read fails with; kept for the reader to type its error.
    #[inline]
    pub(crate) fn refuse<E: serde::de::Error>(&self, schema: &Schema) -> Result<(), E> {
        match self.take() {
            None => Ok(()),
            Some(held) => Err(self.refuse_with(schema.held_back_error(held))),
        }
    }

    #[cold]
    fn refuse_with<E: serde::de::Error>(&self, error: Error) -> E {
        let message = E::custom(&error);
        self.refused.set(Some(Box::new(error)));
        message
    }

    /// The error the map's end refused the document with, if it did.
    pub(crate) fn take_refused(&self) -> Option<Error> {
        self.refused.take().map(|error| *error)
    }

    /// The error of a name held back, when the struct refused the key
    /// handed in its place (`substitute`) as an unknown field
    /// (`deny_unknown_fields`) before the map's end could: serde's `error`
    /// names the key the reader handed on, not the document's. Called on
    /// the error path.
    #[cold]
    pub(crate) fn take_held_back_for(
        &self,
        error: &impl fmt::Display,
        substitute: &str,
    ) -> Option<HeldBack> {
        let message = error.to_string();
        let unknown = message.strip_prefix("unknown field `")?.split('`').next()?;
        if unknown == substitute {
            self.take()
        } else {
            None
        }
    }
}

impl Schema {
    /// The error of a name a reader of the root held back.
    pub(crate) fn held_back_error(&self, held: HeldBack) -> Error {
        let renamed = &self.renamed;
        match held {
            HeldBack::Repeated { old } => Error::RepeatedKey {
                type_name: self.type_name(),
                key: renamed.old[old].name.clone(),
            },
            HeldBack::Both { old, new, .. } => {
                let old = &renamed.old[old];
                let (from, to) = &self.edges[old.step];
                Error::Conflict {
                    type_name: self.type_name(),
                    from: from.clone(),
                    to: to.clone(),
                    old: old.name.clone(),
                    new: renamed.name(new).to_owned(),
                }
            }
        }
    }

    /// The typed error of an embedded type's refusal of a held-back name
    /// ([`embedded_refusal`]), met in the object at `path` (or at its key,
    /// as the message says): a conflict named with the root's versions, as
    /// a migration names it.
    pub(crate) fn embedded_conflict(&self, path: &str, message: &str) -> Option<Error> {
        let rest = message.strip_prefix("both the old name `")?;
        let (old, rest) = rest.split_once("` and the new name `")?;
        let (new, rest) = rest.split_once("` of a field of `")?;
        let (_, rest) = rest.split_once("` are present, renamed in ")?;
        let (version, path) = match rest.split_once(AT_ITS_KEY) {
            None => (rest, path),
            Some((version, key)) => {
                let key = key.strip_suffix('`')?;
                let object = path
                    .strip_suffix(key)
                    .map(|p| p.strip_suffix('.').unwrap_or(p));
                (version, object.unwrap_or(path))
            }
        };
        let (from, to) = self
            .edges
            .iter()
            .find(|(_, to)| to.to_string() == version)?;
        Some(Error::Conflict {
            type_name: self.type_name(),
            from: from.clone(),
            to: to.clone(),
            old: super::key_at(path, old),
            new: super::key_at(path, new),
        })
    }
}

/// What a refusal met at a key rather than at its object's end says, with
/// the key: a format's error there is placed at the key, which is not
/// part of the object's path.
const AT_ITS_KEY: &str = ", refused at its key `";

/// The message an embedded type's reader refuses a held-back name with:
/// it knows neither the root nor the path, which the root's reader adds
/// as it types the error ([`Schema::embedded_conflict`]). `at_key` when
/// the struct refused the key handed in its place, before the end; the
/// names are written after `prefix`, the path from the value the error is
/// placed at to the object holding them (`data.`, or nothing). An old name
/// met again is refused in serde's own words, as a field met twice is.
pub(crate) fn embedded_refusal(
    renamed: &RenamedFields,
    type_name: &str,
    version_of_step: impl FnOnce(usize) -> String,
    held: HeldBack,
    (prefix, at_key): (&str, bool),
) -> String {
    match held {
        HeldBack::Repeated { old } => {
            format!("duplicate field `{prefix}{}`", renamed.old[old].name)
        }
        HeldBack::Both { old, new, second } => {
            let old = &renamed.old[old];
            let mut message = format!(
                "both the old name `{prefix}{}` and the new name `{prefix}{}` of a field of `{type_name}` are present, renamed in {}",
                old.name,
                renamed.name(new),
                version_of_step(old.step),
            );
            if at_key {
                message.push_str(AT_ITS_KEY);
                message.push_str(renamed.name(second));
                message.push('`');
            }
            message
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
            assert!(handed.hand(&schema.renamed, key), "{key}");
        }
        assert!(!handed.hand(&schema.renamed, "body"));
        let error = schema.held_back_error(handed.take().unwrap());
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
        assert!(handed.hand(&schema.renamed, "text"));
        assert!(!handed.hand(&schema.renamed, "text"));
        let error = schema.held_back_error(handed.take().unwrap());
        assert!(
            matches!(&error, Error::RepeatedKey { key, .. } if key == "text"),
            "{error:?}"
        );
        assert!(handed.refuse::<serde_json::Error>(&schema).is_ok());
    }

    /// An embedded type's reader says the conflict in words the root's
    /// reader types, with the path it finds and the root's versions.
    #[test]
    fn an_embedded_refusal_is_typed_by_the_root() {
        let schema = schema();
        let handed = Handed::default();
        assert!(handed.hand(&schema.renamed, "body"));
        assert!(!handed.hand(&schema.renamed, "content"));
        let held = handed.take().unwrap();
        let version = |_| "0.2.0".to_owned();
        for (at_key, path) in [(false, "steps[2]"), (true, "steps[2].content")] {
            let message =
                super::embedded_refusal(&schema.renamed, "Note", version, held, ("", at_key));
            let error = schema.embedded_conflict(path, &message).unwrap();
            assert!(
                matches!(&error, Error::Conflict { old, new, from, to, .. }
                    if old == "steps[2].body" && new == "steps[2].content"
                        && from.to_string() == "0.1.0" && to.to_string() == "0.2.0"),
                "{error:?}"
            );
        }
        assert!(schema
            .embedded_conflict("", "duplicate field `body`")
            .is_none());
    }
}
