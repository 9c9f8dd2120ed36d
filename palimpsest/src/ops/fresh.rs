//! Values a migration made rather than read.
//!
//! A field added in a version gets its default when an older document
//! lacks it, and that default is the *current* type's value: it is already
//! in the shape the last version gives the field. The steps after the one
//! that inserted it (and, inside an embedded type, the changes of that
//! same step, which run after the root's) must leave it alone: a
//! conversion, wrap, unwrap or key rename would read the current shape as
//! the old one, and a `set` would keep it in the metadata as if the
//! document had held it. A value a rename or move brings into a default
//! (an old `user` moved into a defaulted `client`) is old data again, and
//! goes through every change as any read value does.

/// The exact paths (`client`, `messages[2].attachments`) of the defaults
/// one migration inserted, and of the values renames and moves carried
/// into or out of them, relative to the object the migration started at.
#[derive(Default)]
pub(crate) struct Fresh {
    /// Each path with whether what stands there is fresh; the latest mark
    /// on a path or its nearest parent decides.
    marks: Vec<(String, bool)>,
}

impl Fresh {
    /// Forgets every mark: a new document, or a new object read while
    /// streaming, starts with none.
    pub(crate) fn clear(&mut self) {
        self.marks.clear();
    }

    /// Marks the default inserted at `path`.
    pub(crate) fn defaulted(&mut self, path: String) {
        self.marks.push((path, true));
    }

    /// Records that a rename or move carried a value between the two
    /// paths `paths` makes, `(from, to)`: a fresh value stays fresh, and a
    /// read value brought into a fresh one is not. Most migrations insert
    /// no default: then no path is made.
    pub(crate) fn carried(&mut self, paths: impl FnOnce() -> (String, String)) {
        if self.marks.is_empty() {
            return;
        }
        let (from, to) = paths();
        match (self.is_fresh(&from), self.is_fresh(&to)) {
            (true, false) => self.marks.push((to, true)),
            (false, true) => self.marks.push((to, false)),
            _ => {}
        }
    }

    /// [`Fresh::is_fresh`] for the key `key` of the object at `at`, or
    /// for that object itself when `key` is empty.
    pub(crate) fn is_fresh_below(&self, at: &str, key: &str) -> bool {
        match (self.marks.is_empty(), at.is_empty(), key.is_empty()) {
            (true, _, _) => false,
            (false, true, _) => self.is_fresh(key),
            (false, false, true) => self.is_fresh(at),
            (false, false, false) => self.is_fresh(&format!("{at}.{key}")),
        }
    }

    /// Whether the value at `path` is a default this migration made, or
    /// inside one.
    pub(crate) fn is_fresh(&self, path: &str) -> bool {
        self.marks
            .iter()
            .rev()
            .find(|(mark, _)| within(path, mark))
            .is_some_and(|(_, fresh)| *fresh)
    }
}

/// Whether `path` is `parent` or lies below it (`parent.key`, `parent[3]`).
fn within(path: &str, parent: &str) -> bool {
    match path.strip_prefix(parent) {
        Some("") => true,
        Some(rest) => rest.starts_with('.') || rest.starts_with('['),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_default_and_what_is_below_it_are_fresh() {
        let mut fresh = Fresh::default();
        assert!(!fresh.is_fresh("client"));
        fresh.defaulted("client".into());
        assert!(fresh.is_fresh("client"));
        assert!(fresh.is_fresh("client.user"));
        assert!(!fresh.is_fresh("clients"));
        assert!(!fresh.is_fresh("user"));
        fresh.defaulted("messages[1].attachments".into());
        assert!(fresh.is_fresh("messages[1].attachments[0]"));
        assert!(!fresh.is_fresh("messages[10].attachments"));
        assert!(fresh.is_fresh_below("messages[1]", "attachments"));
    }

    #[test]
    fn renames_and_moves_carry_freshness_and_read_values_into_it() {
        let mut fresh = Fresh::default();
        fresh.defaulted("client".into());
        // A read value moved into the default goes through later changes.
        fresh.carried(|| ("user".into(), "client.user".into()));
        assert!(!fresh.is_fresh("client.user"));
        assert!(fresh.is_fresh("client.app"));
        // A default renamed stays one under its new name.
        fresh.carried(|| ("client".into(), "caller".into()));
        assert!(fresh.is_fresh("caller"));
        fresh.clear();
        assert!(!fresh.is_fresh("client"));
    }
}
