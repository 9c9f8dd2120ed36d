//! The traversal of a document's embedded objects at one version: the
//! tree engine's steps ([`Schema::apply_nested`]), their inverse
//! ([`Schema::undo_nested`]), and the objects an embedded reader captured
//! while streaming ([`Migration`]) all apply changes with this code.
//!
//! Values an embedded object loses in a migration (a removed field, a key
//! no field claims) are kept in the root's metadata, in `legacy_nested`,
//! each under its exact path in the document (`steps[3].notes`); the
//! report lists them, as everything else it lists, once by the path their
//! objects share (`meta.legacy_nested.steps[].notes`,
//! `steps[].thought -> steps[].reasoning`).

use std::cell::{Cell, RefCell};
use std::fmt::Write as _;
use std::rc::Rc;

use serde_json::{Map, Value};

use super::keys::{KeyTable, TakeOut};
use super::tuple::{Elements, UndoElements};
use super::variants::{Tagging, VariantOp, Variants};
use super::{EmbeddedHistory, Nested, Segment, Site};
use crate::downgrade::{from_default, let_go, let_go_defaults, Downward};
use crate::error::Error;
use crate::migrate::Report;
use crate::object::{free_key, object_at, rename_key, Object};
use crate::ops::convert::Undoing;
use crate::ops::moves::{is_listed, record_move, At, Keeper, MoveOp};
use crate::schema::Schema;
use crate::step::{undo_order, Applied, Op, OpError};
use crate::version::{kind_of, Version};
use crate::vocab::names::{LEGACY_NESTED, LEGACY_NESTED_UNCLAIMED};

/// The report path (`steps[]`) and the exact path (`steps[3]`) of the
/// embedded object a traversal is at.
///
/// A streamed read steps in and out of every field and element it reads,
/// and mostly never asks where it is: the steps are pushed as frames and
/// written into the two paths only when one is asked for (a value kept, a
/// report recorded, an error named). The walk, which asks all the time,
/// works on the written paths ([`Cursor::render`] first).
pub(crate) struct Cursor {
    pattern: String,
    exact: String,
    /// The steps entered, oldest first; the first `written` of them are in
    /// the paths.
    frames: Vec<Frame>,
    written: usize,
    /// The lengths of the paths before the first frame.
    base: (usize, usize),
}

/// A step into a field or an element, and, once written, the lengths of
/// the paths it ends at.
struct Frame {
    step: Entered,
    ends: (usize, usize),
}

#[derive(Clone, Copy)]
enum Entered {
    /// The value of `key`, a field of the object, that `site` holds.
    Field {
        site: &'static Site,
        key: &'static str,
    },
    Element(usize),
}

impl Cursor {
    /// At an object whose report path is `pattern` and exact path `exact`;
    /// both are empty at the root document.
    pub(crate) fn at(pattern: &str, exact: &str) -> Self {
        Cursor {
            pattern: pattern.to_owned(),
            exact: exact.to_owned(),
            frames: Vec::new(),
            written: 0,
            base: (pattern.len(), exact.len()),
        }
    }

    fn root() -> Self {
        Cursor::at("", "")
    }

    /// The exact path, `steps[3]`, as written: [`Cursor::render`] first
    /// when frames may be pending.
    pub(crate) fn exact(&self) -> &str {
        &self.exact
    }

    /// The report path, `steps[]`, as written.
    pub(crate) fn pattern(&self) -> &str {
        &self.pattern
    }

    /// The exact path, the frames pending written first.
    pub(crate) fn exact_now(&mut self) -> &str {
        self.render();
        &self.exact
    }

    /// The report path, the frames pending written first.
    pub(crate) fn pattern_now(&mut self) -> &str {
        self.render();
        &self.pattern
    }

    /// Writes the frames entered since the paths were last asked for.
    pub(crate) fn render(&mut self) {
        for frame in &mut self.frames[self.written..] {
            match frame.step {
                Entered::Field { site, key } => {
                    if !self.pattern.is_empty() {
                        self.pattern.push('.');
                    }
                    site.at.write(&mut self.pattern);
                    push_key(&mut self.exact, key);
                }
                Entered::Element(index) => {
                    self.exact.push('[');
                    push_index(&mut self.exact, index);
                    self.exact.push(']');
                }
            }
            frame.ends = (self.pattern.len(), self.exact.len());
        }
        self.written = self.frames.len();
    }

    /// Where the cursor stands, for [`Cursor::back_to`].
    #[inline]
    pub(crate) fn mark(&self) -> Mark {
        Mark {
            frames: self.frames.len(),
        }
    }

    /// Steps into the value of `key`, a field of the object at the cursor
    /// that `site` holds: to `steps[]` and `steps`, from the root.
    #[inline]
    pub(crate) fn enter(&mut self, site: &'static Site, key: &str) {
        // The key is one of the site's names, which live as long as the
        // program: the frame borrows it. (Any other is written at once.)
        let named = |name: &&&'static str| std::ptr::eq(**name, key) || **name == key;
        match site.at.names.iter().find(named) {
            Some(name) => self.push(Entered::Field { site, key: name }),
            None => self.enter_written(site, key),
        }
    }

    /// [`Cursor::enter`] under a key no frame can borrow: the paths are
    /// written at once. Kept out of line, where the registers it needs
    /// would be saved on every field entered.
    #[cold]
    #[inline(never)]
    fn enter_written(&mut self, site: &'static Site, key: &str) {
        self.render();
        if !self.pattern.is_empty() {
            self.pattern.push('.');
        }
        site.at.write(&mut self.pattern);
        push_key(&mut self.exact, key);
        // An empty step: it ends where the paths now do.
        self.frames.push(Frame {
            step: Entered::Field { site, key: "" },
            ends: (self.pattern.len(), self.exact.len()),
        });
        self.written = self.frames.len();
    }

    /// Steps into the element at `index` of the array at the cursor.
    #[inline]
    pub(crate) fn enter_element(&mut self, index: usize) {
        self.push(Entered::Element(index));
    }

    #[inline]
    fn push(&mut self, step: Entered) {
        self.frames.push(Frame { step, ends: (0, 0) });
    }

    /// Back to where [`Cursor::mark`] stood, what was entered since left.
    #[inline]
    pub(crate) fn back_to(&mut self, mark: Mark) {
        self.frames.truncate(mark.frames);
        if self.written > mark.frames {
            self.written = mark.frames;
            let (pattern, exact) = match mark.frames {
                0 => self.base,
                n => self.frames[n - 1].ends,
            };
            self.pattern.truncate(pattern);
            self.exact.truncate(exact);
        }
    }

    /// Swaps the exact path for `exact`, returning the one it held.
    pub(crate) fn swap_exact(&mut self, exact: String) -> String {
        self.render();
        std::mem::replace(&mut self.exact, exact)
    }
}

/// Where a [`Cursor`] stood at some point of a read: how many steps in.
#[derive(Clone, Copy)]
pub(crate) struct Mark {
    frames: usize,
}

/// Appends `index` in decimal: one per element read, where `write!` would
/// go through the formatting machinery.
pub(crate) fn push_index(out: &mut String, index: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = index;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.extend(digits[at..].iter().map(|&digit| char::from(digit)));
}

/// Values of embedded objects to keep in the root's metadata: each with its
/// exact path in the document.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Kept {
    /// What the steps took: removed fields, replaced variants, values a
    /// move or a set kept. Their undo brings each back.
    pub(crate) taken: Vec<(String, Value)>,
    /// Keys no field claims, at their paths in the current version's
    /// shape: a downgrade puts them back before it undoes anything.
    pub(crate) unclaimed: Vec<(String, Value)>,
}

impl Kept {
    /// Keeps what a step took from the object at `path`.
    pub(crate) fn push(&mut self, entry: (String, Value)) {
        self.taken.push(entry);
    }

    /// Whether nothing was kept.
    pub(crate) fn is_empty(&self) -> bool {
        self.taken.is_empty() && self.unclaimed.is_empty()
    }
}

/// A traversal of the embedded objects of a document: what it does to each
/// object, and which types it enters; the descent from site to site is
/// shared.
trait Visit {
    type Error;

    fn cursor(&mut self) -> &mut Cursor;

    /// The version whose changes the visit applies or undoes; `None` at
    /// the current version.
    fn version(&self) -> Option<&Version>;

    /// Whether objects of `history`, or of a type they hold, need a visit.
    fn enters(&self, history: &'static EmbeddedHistory) -> bool;

    /// Visits one embedded object, and the ones it holds through
    /// [`visit_sites`].
    fn object(
        &mut self,
        object: &mut Object,
        history: &'static EmbeddedHistory,
    ) -> Result<(), Self::Error>;

    /// Whether the changes of an enum's variants come before those of
    /// their payloads (a migration) or after (a downgrade).
    const UP: bool;

    /// Visits the variant an enum's value names: renames or replaces it.
    fn variant(&mut self, value: &mut Value, variants: &Variants) -> Result<(), Self::Error>;

    /// Visits the array of a positional tuple struct (`tuple.rs`).
    fn elements(
        &mut self,
        items: &mut Vec<Value>,
        history: &'static EmbeddedHistory,
    ) -> Result<(), Self::Error>;
}

/// Visits the embedded objects the sites find in `object`, wherever the
/// fields that hold them are read under any of their names.
fn visit_sites<V: Visit>(
    visit: &mut V,
    object: &mut Object,
    sites: &[Site],
) -> Result<(), V::Error> {
    for site in sites {
        let history = site.history();
        if !visit.enters(history) {
            continue;
        }
        for name in site.at.names {
            let Some(value) = object.get_mut(*name) else {
                continue;
            };
            visit_key(visit, (site.at.names[0], name), value, site)?;
        }
    }
    Ok(())
}

/// Visits the embedded objects the sites of a positional tuple struct find
/// in its elements, each at the position its element has in arrays of
/// `version` (`None`: the current one). An element added later is in no
/// array of `version`.
fn visit_elements<V: Visit>(
    visit: &mut V,
    items: &mut [Value],
    history: &'static EmbeddedHistory,
    version: Option<&Version>,
) -> Result<(), V::Error> {
    for site in history.sites() {
        let held = site.history();
        if !visit.enters(held) {
            continue;
        }
        let Some(item) = history
            .element_position(site, version)
            .and_then(|at| items.get_mut(at).map(|item| (at, item)))
        else {
            continue;
        };
        let (at, item) = item;
        let cursor = visit.cursor();
        let (pattern, exact) = (cursor.pattern.len(), cursor.exact.len());
        let _ = write!(cursor.pattern, "[{at}]");
        let _ = write!(cursor.exact, "[{at}]");
        let result = visit_value(visit, item, &site.at.below, held);
        let cursor = visit.cursor();
        cursor.pattern.truncate(pattern);
        cursor.exact.truncate(exact);
        result?;
    }
    Ok(())
}

/// Visits the embedded objects of a document: those of its fields, then,
/// for a top-level enum, the document itself as the enum's value.
fn visit_document<V: Visit>(
    visit: &mut V,
    document: &mut Object,
    sites: &[Site],
) -> Result<(), V::Error> {
    visit_sites(visit, document, sites)?;
    for site in sites.iter().filter(|site| site.is_whole()) {
        if !visit.enters(site.history()) {
            continue;
        }
        let mut value = Value::Object(std::mem::take(document));
        let result = visit_value(visit, &mut value, &[], site.history());
        // A tagged enum's value stays an object: a fallback is `{tag: name}`.
        if let Value::Object(object) = value {
            *document = object;
        }
        result?;
    }
    Ok(())
}

/// Visits the value of a key with `site`: `key` is its name in report
/// paths, then in the document.
fn visit_key<V: Visit>(
    visit: &mut V,
    key: (&str, &str),
    value: &mut Value,
    site: &Site,
) -> Result<(), V::Error> {
    let cursor = visit.cursor();
    let (pattern, exact) = (cursor.pattern.len(), cursor.exact.len());
    push_key(&mut cursor.pattern, key.0);
    push_key(&mut cursor.exact, key.1);
    let below = site.below_at(visit.version());
    let result = visit_value(visit, value, &below, site.history());
    let cursor = visit.cursor();
    cursor.pattern.truncate(pattern);
    cursor.exact.truncate(exact);
    result
}

fn visit_value<V: Visit>(
    visit: &mut V,
    value: &mut Value,
    below: &[Segment],
    history: &'static EmbeddedHistory,
) -> Result<(), V::Error> {
    let Some((segment, rest)) = below.split_first() else {
        // Anything else than an object is left to serde, which says what it
        // expected.
        return match (history.variants(), value) {
            (Some(variants), value) => visit_enum(visit, value, variants, history),
            (None, Value::Object(object)) => visit.object(object, history),
            (None, Value::Array(items)) if history.positional() => visit.elements(items, history),
            (None, _) => Ok(()),
        };
    };
    let pattern = visit.cursor().pattern.len();
    let mut result = Ok(());
    match (segment, value) {
        (Segment::Elements, Value::Array(items)) => {
            visit.cursor().pattern.push_str("[]");
            for (index, item) in items.iter_mut().enumerate() {
                let exact = visit.cursor().exact.len();
                let _ = write!(visit.cursor().exact, "[{index}]");
                result = visit_value(visit, item, rest, history);
                visit.cursor().exact.truncate(exact);
                if result.is_err() {
                    break;
                }
            }
        }
        (Segment::Values, Value::Object(map)) => {
            visit.cursor().pattern.push_str("{}");
            for (key, item) in map.iter_mut() {
                let exact = visit.cursor().exact.len();
                push_key(&mut visit.cursor().exact, key);
                result = visit_value(visit, item, rest, history);
                visit.cursor().exact.truncate(exact);
                if result.is_err() {
                    break;
                }
            }
        }
        (Segment::Optional, value) => result = visit_value(visit, value, rest, history),
        _ => {}
    }
    visit.cursor().pattern.truncate(pattern);
    result
}

/// Visits the value of an enum: the variant it names, and its payload.
fn visit_enum<V: Visit>(
    visit: &mut V,
    value: &mut Value,
    variants: &Variants,
    history: &'static EmbeddedHistory,
) -> Result<(), V::Error> {
    if V::UP {
        visit.variant(value, variants)?;
        visit_payload(visit, value, variants, history)
    } else {
        visit_payload(visit, value, variants, history)?;
        visit.variant(value, variants)
    }
}

/// Visits the payload of an enum's value with the site of the variant it
/// names: under the name's key (externally tagged), under the content key
/// (adjacently tagged), the object itself without its tag (internally
/// tagged), or, untagged, the object itself with the first struct variant
/// that claims every key it has, as serde tries them in order.
fn visit_payload<V: Visit>(
    visit: &mut V,
    value: &mut Value,
    variants: &Variants,
    history: &'static EmbeddedHistory,
) -> Result<(), V::Error> {
    let Value::Object(object) = value else {
        return Ok(());
    };
    let tagging = variants.tagging;
    if tagging == Tagging::External {
        return visit_sites(visit, object, &history.sites);
    }
    let site = match tagging {
        Tagging::Untagged => history.sites.iter().find(|site| {
            site.at.below.is_empty() && object.keys().all(|key| site.history().claims(key))
        }),
        Tagging::Internal { tag } | Tagging::Adjacent { tag, .. } => {
            let Some(Value::String(name)) = object.get(tag) else {
                return Ok(());
            };
            history.sites.iter().find(|site| site.reads(name))
        }
        Tagging::External => None,
    };
    let Some(site) = site.filter(|site| visit.enters(site.history())) else {
        return Ok(());
    };
    match tagging {
        Tagging::Adjacent { content, .. } => match object.get_mut(content) {
            Some(payload) => visit_key(visit, (content, content), payload, site),
            None => Ok(()),
        },
        // The tag is no field of the payload: out of the object while its
        // fields change, so no change sees it, nor keeps it as unclaimed.
        Tagging::Internal { tag } => {
            let name = object.remove(tag);
            let result = visit_value(visit, value, &site.at.below, site.history());
            if let (Some(name), Value::Object(object)) = (name, value) {
                object.insert(tag.to_owned(), name);
            }
            result
        }
        Tagging::Untagged | Tagging::External => {
            visit_value(visit, value, &site.at.below, site.history())
        }
    }
}

/// One pass over the embedded objects of a document, recording what it
/// does by the objects' report paths (`steps[].tokens`), keeping the values
/// they lose with their exact paths, and placing errors at their exact
/// paths (`steps[3].thought`).
pub(crate) struct Walk<'a> {
    pass: Pass<'a>,
    applied: &'a mut Applied,
    kept: &'a mut Kept,
    /// `<metadata>.legacy_nested`, for the report.
    kept_at: Option<&'a str>,
    cursor: &'a mut Cursor,
}

/// What a walk does to each object.
#[derive(Clone, Copy)]
enum Pass<'a> {
    /// Applies the changes of one version.
    Changes(&'a Version),
    /// Keeps the keys no field claims: once a document reaches the
    /// current version.
    Unclaimed,
}

impl Visit for Walk<'_> {
    type Error = OpError;

    fn cursor(&mut self) -> &mut Cursor {
        self.cursor
    }

    fn version(&self) -> Option<&Version> {
        match self.pass {
            Pass::Changes(version) => Some(version),
            Pass::Unclaimed => None,
        }
    }

    fn enters(&self, history: &'static EmbeddedHistory) -> bool {
        match self.pass {
            Pass::Changes(version) => history.changes_at(version),
            Pass::Unclaimed => true,
        }
    }

    /// The object's own changes (or unclaimed keys), then the embedded
    /// objects it holds.
    fn object(
        &mut self,
        object: &mut Object,
        history: &'static EmbeddedHistory,
    ) -> Result<(), OpError> {
        match self.pass {
            Pass::Changes(version) => self.changes(object, history.ops_at(version))?,
            Pass::Unclaimed => {
                if let Some(kept_at) = self.kept_at {
                    keep_unclaimed(
                        object,
                        history,
                        self.cursor,
                        self.kept,
                        self.applied,
                        kept_at,
                    );
                }
            }
        }
        visit_sites(self, object, &history.sites)
    }

    const UP: bool = true;

    /// One change at most: the first of the version's to name the value's
    /// variant. Several old names may fold into one variant, and a swap
    /// of two names renames each value once.
    fn variant(&mut self, value: &mut Value, variants: &Variants) -> Result<(), OpError> {
        let Pass::Changes(version) = self.pass else {
            return Ok(());
        };
        // A default names a variant of the current type.
        if self.applied.fresh.is_fresh_below(&self.cursor.exact, "") {
            return Ok(());
        }
        let Some(name) = variants.name(value) else {
            return Ok(());
        };
        let op = variants.ops_at(version).iter().find(|op| match op {
            VariantOp::Rename { old, .. } => *old == name,
            VariantOp::Removed { name: removed, .. } => *removed == name,
            VariantOp::Added { .. } => false,
        });
        match op {
            Some(VariantOp::Rename { old, new }) => {
                variants.rename(value, new);
                record_renamed(&mut self.applied.renamed, &self.cursor.pattern, old, new);
            }
            Some(VariantOp::Removed { fallback, keep, .. }) => {
                let removed = std::mem::replace(value, variants.unit(fallback));
                let at = &self.cursor.pattern;
                if *keep {
                    self.kept.push((self.cursor.exact.clone(), removed));
                    match self.kept_at {
                        Some(kept_at) => record(&mut self.applied.preserved, kept_at, at),
                        None => record(&mut self.applied.preserved, "", at),
                    }
                } else {
                    record(&mut self.applied.dropped, "", at);
                }
            }
            Some(VariantOp::Added { .. }) | None => {}
        }
        Ok(())
    }

    /// The array's own changes, then the embedded objects its elements
    /// hold. An array has no keys for a field to leave unclaimed.
    fn elements(
        &mut self,
        items: &mut Vec<Value>,
        history: &'static EmbeddedHistory,
    ) -> Result<(), OpError> {
        let version = match self.pass {
            // A default has the current type's elements.
            Pass::Changes(version) if self.applied.fresh.is_fresh_below(&self.cursor.exact, "") => {
                Some(version)
            }
            Pass::Changes(version) => {
                Elements {
                    cursor: self.cursor,
                    applied: self.applied,
                    kept: self.kept,
                    kept_at: self.kept_at,
                }
                .apply(items, history.ops_at(version))?;
                Some(version)
            }
            Pass::Unclaimed => None,
        };
        visit_elements(self, items, history, version)
    }
}

/// Records the rename of a key of the objects at the report path `at`,
/// `<at>.<old> -> <at>.<new>`, once.
fn record_key_renamed(applied: &mut Applied, at: &str, old: &str, new: &str) {
    if applied.records() && !is_listed(&applied.renamed, at, &[old], &[new]) {
        applied.record_renamed(|| format!("{} -> {}", joined(at, old), joined(at, new)));
    }
}

/// Adds `<at>: <old> -> <new>` to `list`, once; `<old> -> <new>` for the
/// document itself (a top-level enum).
fn record_renamed(list: &mut Vec<String>, at: &str, old: &str, new: &str) {
    let listed = list.iter().any(|entry| {
        let rest = if at.is_empty() {
            Some(entry.as_str())
        } else {
            entry
                .strip_prefix(at)
                .and_then(|rest| rest.strip_prefix(": "))
        };
        rest.and_then(|rest| rest.strip_prefix(old))
            .and_then(|rest| rest.strip_prefix(" -> "))
            == Some(new)
    });
    if listed {
        return;
    }
    list.push(if at.is_empty() {
        format!("{old} -> {new}")
    } else {
        format!("{at}: {old} -> {new}")
    });
}

impl Walk<'_> {
    /// The operations `Op::apply` runs on a root, but recording each by
    /// the path this object shares with others, once: a document holds many
    /// objects of a path, each would record the same.
    fn changes(&mut self, object: &mut Object, ops: &[Op]) -> Result<(), OpError> {
        for op in ops {
            let at = &self.cursor.pattern;
            match op {
                Op::Rename { old, new } => {
                    let exact = &self.cursor.exact;
                    let renamed = rename_key(object, old, new).map_err(|c| OpError::Conflict {
                        old: joined(exact, &c.old),
                        new: joined(exact, &c.new),
                    })?;
                    if renamed {
                        self.applied
                            .fresh
                            .carried(|| (joined(exact, old), joined(exact, new)));
                        record_key_renamed(self.applied, at, old, new);
                    }
                }
                Op::Default { field, value } => {
                    if !object.contains_key(field) {
                        object.insert(field.clone(), value().map_err(OpError::Failed)?);
                        self.applied
                            .fresh
                            .defaulted(joined(&self.cursor.exact, field));
                        record(&mut self.applied.defaulted, at, field);
                    }
                }
                Op::Drop { field, .. } => {
                    if object.remove(field).is_some() {
                        record(&mut self.applied.dropped, at, field);
                        record(&mut self.applied.declared, at, field);
                    }
                }
                // A removed value goes to the root's metadata, which this
                // object cannot reach: it leaves with its path.
                Op::Preserve { field, .. } => {
                    if let Some(value) = object.remove(field) {
                        self.kept.push((joined(&self.cursor.exact, field), value));
                        record_kept(self.applied, self.kept_at, at, field);
                    }
                }
                Op::Custom(function) => function(object)?,
                // A default is already in the shape the conversion makes.
                Op::Convert(conversion)
                    if self
                        .applied
                        .fresh
                        .is_fresh_below(&self.cursor.exact, conversion.field()) => {}
                Op::Convert(conversion) => {
                    if conversion.apply(object, &self.cursor.exact)? {
                        record(&mut self.applied.converted, at, conversion.field());
                    }
                }
                Op::Moves(op) => {
                    let cursor = &*self.cursor;
                    let at = At {
                        exact: &cursor.exact,
                        pattern: &cursor.pattern,
                    };
                    let mut keeper = InNested {
                        kept: &mut *self.kept,
                        kept_at: self.kept_at,
                        cursor,
                    };
                    op.apply(object, at, self.applied, &mut keeper)?;
                }
            }
        }
        Ok(())
    }
}

/// Where a move or a set in an embedded object keeps what it takes out:
/// beside removed values, under its exact path, for the root's metadata.
struct InNested<'a> {
    kept: &'a mut Kept,
    kept_at: Option<&'a str>,
    cursor: &'a Cursor,
}

impl Keeper for InNested<'_> {
    fn keep(
        &mut self,
        _: &mut Object,
        path: &str,
        value: Value,
        applied: &mut Applied,
    ) -> Result<bool, OpError> {
        if self.kept_at.is_none() {
            return Ok(false);
        }
        self.kept.push((joined(&self.cursor.exact, path), value));
        record_kept(applied, self.kept_at, &self.cursor.pattern, path);
        Ok(true)
    }
}

/// Moves the keys of `object` that no field of its type claims to `kept`.
fn keep_unclaimed(
    object: &mut Object,
    history: &EmbeddedHistory,
    cursor: &Cursor,
    kept: &mut Kept,
    applied: &mut Applied,
    kept_at: &str,
) {
    // Most objects have none: then nothing is allocated.
    if !object.keys().any(|key| history.unclaimed(key)) {
        return;
    }
    let keys: Vec<String> = object
        .keys()
        .filter(|key| history.unclaimed(key))
        .cloned()
        .collect();
    for key in keys {
        if let Some(value) = object.remove(&key) {
            record_kept(applied, Some(kept_at), &cursor.pattern, &key);
            kept.unclaimed.push((joined(&cursor.exact, &key), value));
        }
    }
}

fn push_key(path: &mut String, key: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(key);
}

fn joined(path: &str, key: &str) -> String {
    let mut joined = path.to_owned();
    push_key(&mut joined, key);
    joined
}

/// Adds `<at>.<field>` to `list`, once: every object of a path records the
/// same entry, so it is mostly listed already, and not built again then.
fn record(list: &mut Vec<String>, at: &str, field: &str) {
    if !list.iter().any(|path| is_joined(path, at, field)) {
        list.push(joined(at, field));
    }
}

/// Lists a kept value as preserved, under the metadata path it went to:
/// `meta.legacy_nested.steps[].notes`.
fn record_kept(applied: &mut Applied, kept_at: Option<&str>, pattern: &str, field: &str) {
    let at = match kept_at {
        Some(kept_at) => joined(kept_at, pattern),
        None => pattern.to_owned(),
    };
    record(&mut applied.preserved, &at, field);
}

/// Whether `path` is `joined(at, key)`.
fn is_joined(path: &str, at: &str, key: &str) -> bool {
    if at.is_empty() {
        return path == key;
    }
    path.len() == at.len() + 1 + key.len()
        && path.starts_with(at)
        && path.ends_with(key)
        && path.as_bytes()[at.len()] == b'.'
}

/// The object `name` of the metadata object `metadata` at `path`, made
/// if missing.
fn kept_object<'m>(
    metadata: &'m mut Object,
    path: &impl std::fmt::Display,
    name: &str,
) -> Result<&'m mut Object, OpError> {
    let slot = metadata
        .entry(name)
        .or_insert_with(|| Value::Object(Map::new()));
    match slot {
        Value::Object(object) => Ok(object),
        other => Err(OpError::NotAnObject {
            path: format!("{path}.{name}"),
            found: kind_of(other),
        }),
    }
}

/// One step undone on the embedded objects of a document.
struct Undo<'a> {
    schema: &'a Schema,
    older: &'a Version,
    newer: &'a Version,
    version: &'a Version,
    report: &'a mut Report,
    /// The values kept in `legacy_nested`, for removed fields to return.
    kept: &'a mut Object,
    cursor: Cursor,
    down: &'a Downward,
}

impl Undo<'_> {
    fn op(&mut self, op: &Op, object: &mut Object) -> Result<(), Error> {
        let exact = &self.cursor.exact;
        let irreversible = |reason: String| Error::Irreversible {
            type_name: self.schema.type_name,
            from: self.newer.clone(),
            to: self.older.clone(),
            reason,
        };
        match op {
            Op::Rename { old, new } => {
                let renamed = rename_key(object, new, old).map_err(|_| Error::Conflict {
                    type_name: self.schema.type_name,
                    from: self.newer.clone(),
                    to: self.older.clone(),
                    old: joined(exact, new),
                    new: joined(exact, old),
                })?;
                let at = &self.cursor.pattern;
                if renamed && !is_listed(&self.report.renamed, at, &[new], &[old]) {
                    let entry = format!("{} -> {}", joined(at, new), joined(at, old));
                    self.report.renamed.push(entry);
                }
            }
            Op::Default { field, value } => {
                if let Some(held) = object.remove(field) {
                    let undoing = Undoing {
                        type_name: self.schema.type_name,
                        newer: self.newer,
                        older: self.older,
                    };
                    let path = || joined(exact, field);
                    let (loss, report) = (self.down.loss, &mut *self.report);
                    if let_go(&undoing, self.version, loss, path, &held, value, report)? {
                        record(&mut self.report.dropped, &self.cursor.pattern, field);
                    }
                }
            }
            Op::Drop { field, default } => {
                let path = joined(exact, field);
                let value = from_default(default.as_deref(), &path, self.version, || {
                    format!(
                        "`{path}` was dropped in {}; its value is gone",
                        self.version
                    )
                })
                .map_err(irreversible)?;
                record(&mut self.report.defaulted, &self.cursor.pattern, field);
                object.insert(field.clone(), value);
            }
            Op::Preserve { field, default } => {
                let path = joined(exact, field);
                let value = match self.kept.remove(&path) {
                    Some(kept) => kept,
                    None => {
                        let value = from_default(default.as_deref(), &path, self.version, || {
                            format!(
                                "`{path}` was removed in {} with no default, and the document keeps no value for it in `{LEGACY_NESTED}`",
                                self.version
                            )
                        })
                        .map_err(irreversible)?;
                        record(&mut self.report.defaulted, &self.cursor.pattern, field);
                        value
                    }
                };
                object.insert(field.clone(), value);
            }
            Op::Custom(_) => {}
            Op::Convert(conversion) => {
                let undoing = Undoing {
                    type_name: self.schema.type_name,
                    newer: self.newer,
                    older: self.older,
                };
                if conversion.undo(object, exact, &undoing)? {
                    record(
                        &mut self.report.converted,
                        &self.cursor.pattern,
                        conversion.field(),
                    );
                }
            }
            // A declared drop took nothing from a document written since.
            Op::Moves(MoveOp::DropPath { .. }) if !self.down.held_before(self.newer) => {}
            Op::Moves(op) => {
                let kept = &mut *self.kept;
                let at = At {
                    exact,
                    pattern: &self.cursor.pattern,
                };
                op.undo(object, at, self.version, self.report, &mut |_, path| {
                    Ok(kept.remove(&joined(exact, path)))
                })
                .map_err(|e| e.into_error(self.schema.type_name, self.newer, self.older))?;
            }
        }
        Ok(())
    }
}

impl Visit for Undo<'_> {
    type Error = Error;

    fn cursor(&mut self) -> &mut Cursor {
        &mut self.cursor
    }

    fn version(&self) -> Option<&Version> {
        Some(self.version)
    }

    fn enters(&self, history: &'static EmbeddedHistory) -> bool {
        history.changes_at(self.version)
    }

    /// The embedded objects held first, then the object's own changes in
    /// reverse: the exact inverse of `Walk::object`.
    fn object(
        &mut self,
        object: &mut Object,
        history: &'static EmbeddedHistory,
    ) -> Result<(), Error> {
        visit_sites(self, object, &history.sites)?;
        let newest_first = history
            .changes
            .iter()
            .rev()
            .filter(|(version, _)| version <= self.version && *version > self.down.target)
            .map(|(_, ops)| ops.as_slice());
        let (pattern, dropped) = (&self.cursor.pattern, &mut self.report.dropped);
        let_go_defaults(object, newest_first, |field| {
            record(dropped, pattern, field)
        });
        for op in undo_order(history.ops_at(self.version)) {
            self.op(op, object)?;
        }
        Ok(())
    }

    const UP: bool = false;

    /// The inverse of `Walk::variant`: a fallback whose removed variant
    /// the document keeps at its path becomes it again, a renamed variant
    /// takes its old name (of several in one version, the one the macro
    /// lists last: the first the user wrote), and a variant added in the
    /// version cannot be written before it.
    fn variant(&mut self, value: &mut Value, variants: &Variants) -> Result<(), Error> {
        let ops = variants.ops_at(self.version);
        let Some(name) = variants.name(value) else {
            return Ok(());
        };
        for op in ops {
            match op {
                VariantOp::Removed { fallback, .. } if *fallback == name => {
                    if let Some(removed) = self.kept.remove(&self.cursor.exact) {
                        *value = removed;
                        return Ok(());
                    }
                }
                VariantOp::Added { name: added } if *added == name => {
                    return Err(Error::Irreversible {
                        type_name: self.schema.type_name,
                        from: self.newer.clone(),
                        to: self.older.clone(),
                        reason: format!(
                            "{} the variant `{added}`, added in {}; documents before it cannot carry it",
                            match self.cursor.exact.as_str() {
                                "" => "the document is".to_owned(),
                                exact => format!("`{exact}` holds"),
                            },
                            self.version
                        ),
                    });
                }
                _ => {}
            }
        }
        let renamed = ops.iter().rev().find_map(|op| match op {
            VariantOp::Rename { old, new } if *new == name => Some((*old, *new)),
            _ => None,
        });
        if let Some((old, new)) = renamed {
            variants.rename(value, old);
            record_renamed(&mut self.report.renamed, &self.cursor.pattern, new, old);
        }
        Ok(())
    }

    /// The embedded objects the elements hold first, then the array's own
    /// changes in reverse, as for an object.
    fn elements(
        &mut self,
        items: &mut Vec<Value>,
        history: &'static EmbeddedHistory,
    ) -> Result<(), Error> {
        visit_elements(self, items, history, Some(self.version))?;
        let mut undo = UndoElements {
            cursor: &self.cursor,
            undoing: Undoing {
                type_name: self.schema.type_name,
                newer: self.newer,
                older: self.older,
            },
            version: self.version,
            loss: self.down.loss,
            report: self.report,
            kept: self.kept,
        };
        for op in history.ops_at(self.version).iter().rev() {
            undo.op(op, items)?;
        }
        Ok(())
    }
}

impl Schema {
    /// Applies the changes of embedded types that a step from `from` to
    /// `to` goes through, after the root's own operations of the step; in
    /// the step to the current version, keeps the keys of embedded objects
    /// that no field claims.
    pub(crate) fn apply_nested(
        &self,
        document: &mut Object,
        from: &Version,
        to: &Version,
        applied: &mut Applied,
    ) -> Result<(), OpError> {
        let Some(nested) = &self.nested else {
            return Ok(());
        };
        let kept_at = nested.kept_at.as_deref();
        let mut kept = Kept::default();
        let mut cursor = Cursor::root();
        let unclaimed = (kept_at.is_some() && to == self.current()).then_some(Pass::Unclaimed);
        let passes = nested.versions_between(from, to).iter().map(Pass::Changes);
        for pass in passes.chain(unclaimed) {
            let mut walk = Walk {
                pass,
                applied: &mut *applied,
                kept: &mut kept,
                kept_at,
                cursor: &mut cursor,
            };
            visit_document(&mut walk, document, &nested.sites)?;
        }
        self.keep_nested(document, kept)
    }

    /// Takes the keys of embedded objects that no field claims out of a
    /// document, each with its exact path (`steps[2].extra`): what a read
    /// of a document newer than this build keeps for writing back
    /// (`crate::newer`), where a migration would keep them in
    /// `legacy_nested`.
    pub(crate) fn take_unclaimed_nested(
        &self,
        document: &mut Object,
    ) -> Result<Vec<(String, Value)>, OpError> {
        let mut kept = Kept::default();
        let Some(nested) = &self.nested else {
            return Ok(kept.unclaimed);
        };
        let mut applied = Applied::default();
        let mut walk = Walk {
            pass: Pass::Unclaimed,
            applied: &mut applied,
            kept: &mut kept,
            kept_at: Some(""),
            cursor: &mut Cursor::root(),
        };
        visit_document(&mut walk, document, &nested.sites)?;
        Ok(kept.unclaimed)
    }

    /// Puts values kept from embedded objects into the root's metadata, in
    /// `legacy_nested`, each under its path. A path an earlier migration
    /// kept a value under keeps it; the new one goes beside, suffixed.
    pub(crate) fn keep_nested(&self, document: &mut Object, kept: Kept) -> Result<(), OpError> {
        let Some(metadata) = self.metadata.as_ref().filter(|_| !kept.is_empty()) else {
            return Ok(());
        };
        let target = object_at(document, metadata)?;
        let legacy = kept_object(target, metadata, LEGACY_NESTED)?;
        for (path, value) in kept.taken {
            let name = free_key(legacy, path);
            legacy.insert(name, value);
        }
        let mut placed = Vec::new();
        for (path, value) in kept.unclaimed {
            let name = free_key(legacy, path.clone());
            // A key kept under a suffixed name, beside an earlier value
            // of its path, stays kept, as a top-level key kept twice does.
            if name == path {
                placed.push(path);
            }
            legacy.insert(name, value);
        }
        if placed.is_empty() {
            return Ok(());
        }
        let stood = self.version_value(self.current());
        let marks = kept_object(target, metadata, LEGACY_NESTED_UNCLAIMED)?;
        for name in placed {
            marks.insert(name, stood.clone());
        }
        Ok(())
    }

    /// Undoes what [`Schema::apply_nested`] did for a step from `older` to
    /// `newer`, before the root's own operations of the step are undone.
    /// Removed values return from `legacy_nested`; unclaimed keys are
    /// not this undo's: `restore_nested_unclaimed` puts them back.
    pub(crate) fn undo_nested(
        &self,
        document: &mut Object,
        older: &Version,
        newer: &Version,
        down: &Downward,
        report: &mut Report,
    ) -> Result<(), Error> {
        let Some(nested) = &self.nested else {
            return Ok(());
        };
        let mut kept = self.take_kept(document)?;
        for version in nested.versions_between(older, newer).iter().rev() {
            let mut undo = Undo {
                schema: self,
                older,
                newer,
                version,
                report: &mut *report,
                kept: &mut kept,
                cursor: Cursor::root(),
                down,
            };
            visit_document(&mut undo, document, &nested.sites)?;
        }
        if let (Some(metadata), false) = (&self.metadata, kept.is_empty()) {
            if let Ok(metadata) = object_at(document, metadata) {
                metadata.insert(LEGACY_NESTED.to_owned(), Value::Object(kept));
            }
        }
        Ok(())
    }

    /// `legacy_nested` taken out of the metadata object, if the document
    /// has one; a document without is left as it is.
    fn take_kept(&self, document: &mut Object) -> Result<Object, Error> {
        let Some(path) = &self.metadata else {
            return Ok(Object::new());
        };
        let mut metadata = Some(document);
        for segment in path.segments() {
            metadata = match metadata.and_then(|object| object.get_mut(segment)) {
                Some(Value::Object(object)) => Some(object),
                _ => None,
            };
        }
        match metadata.and_then(|metadata| metadata.remove(LEGACY_NESTED)) {
            None => Ok(Object::new()),
            Some(Value::Object(kept)) => Ok(kept),
            Some(other) => Err(Error::NotAnObject {
                type_name: self.type_name,
                version: None,
                path: format!("{path}.{LEGACY_NESTED}"),
                found: kind_of(&other),
            }),
        }
    }
}

/// What an embedded object read while streaming must go through: the
/// version of the document it is in, the root's schema, and where what
/// its reader does is recorded.
pub(crate) struct Migration {
    pub(crate) from: Version,
    pub(crate) root: &'static Schema,
    /// Whether values the objects lose are kept in the root's metadata,
    /// under their exact paths: then every object needs its own.
    pub(crate) keeps: bool,
    /// The report paths of what the embedded readers did, the values they
    /// keep, and the typed error of the first that failed.
    pub(crate) sink: Rc<Sink>,
    /// Whether the sink records what the readers do, for a report: asked
    /// for every key a reader renames, so kept here rather than borrowed.
    records: bool,
    /// The versions with embedded changes after `from`, oldest first:
    /// found once for the document, not once per object.
    versions: Vec<&'static Version>,
    /// The key table of each embedded type met, found on its first object.
    tables: RefCell<Vec<(&'static EmbeddedHistory, &'static KeyTable)>>,
    /// Where the readers of the document stand: each steps in as it starts
    /// a value and back as it ends, so an object's paths are two buffers'
    /// lengths, written once per read, and a path is copied only when a
    /// value is kept or an error names it.
    pub(crate) here: RefCell<Cursor>,
}

/// A rename of an embedded object's key that its reader makes as it
/// reads the key ([`Migration::plain_rename`]).
#[derive(Clone, Copy)]
pub(crate) struct PlainRename {
    pub(crate) old: &'static str,
    pub(crate) new: &'static str,
    version: &'static Version,
}

/// Whether `op` reads, moves, creates or changes `key`.
pub(super) fn names(op: &Op, key: &str) -> bool {
    match op {
        Op::Rename { old, new } => old == key || new == key,
        Op::Default { field, .. } | Op::Drop { field, .. } | Op::Preserve { field, .. } => {
            field == key
        }
        Op::Convert(conversion) => conversion.field() == key,
        Op::Moves(op) => op.captures().chain(op.asks()).any(|k| k == key),
        Op::Custom(_) => true,
    }
}

/// Where the embedded readers of one root read record what they did.
#[derive(Default)]
pub(crate) struct Sink {
    pub(crate) applied: RefCell<Applied>,
    pub(crate) kept: RefCell<Kept>,
    error: Cell<Option<Error>>,
}

impl Sink {
    /// Keeps the typed error of a failed embedded reader: the first one,
    /// which stopped the read.
    pub(crate) fn fail(&self, error: Error) {
        let first = self.error.take().unwrap_or(error);
        self.error.set(Some(first));
    }

    pub(crate) fn take_error(&self) -> Option<Error> {
        self.error.take()
    }
}

impl std::fmt::Debug for Sink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sink").finish_non_exhaustive()
    }
}

impl Migration {
    /// Where the step of the root's history into `version` starts, as the
    /// tree engine names it in an error.
    pub(super) fn step_from(&self, version: &Version) -> &Version {
        self.root
            .versions()
            .iter()
            .take_while(|v| *v < version)
            .last()
            .unwrap_or(&self.from)
    }

    /// The migration of the embedded objects of a document of `root` at
    /// `from`, recording into `sink`.
    pub(crate) fn new(from: Version, root: &'static Schema, sink: Rc<Sink>) -> Self {
        let nested = root.nested.as_deref();
        let versions = nested
            .map(|nested| {
                nested
                    .versions_between(&from, root.current())
                    .iter()
                    .collect()
            })
            .unwrap_or_default();
        let records = sink.applied.borrow().records();
        Migration {
            keeps: nested.is_some_and(Nested::keeps),
            records,
            from,
            root,
            sink,
            versions,
            tables: RefCell::new(Vec::new()),
            here: RefCell::new(Cursor::root()),
        }
    }

    /// What the reader of an object of `history` does with each key.
    pub(crate) fn table(&self, history: &'static EmbeddedHistory) -> &'static KeyTable {
        let known = self
            .tables
            .borrow()
            .iter()
            .find_map(|(h, table)| std::ptr::eq(*h, history).then_some(*table));
        known.unwrap_or_else(|| {
            let table = super::keys::table(history, self);
            self.tables.borrow_mut().push((history, table));
            table
        })
    }

    /// The error of an object at `exact` whose move `take` found a value
    /// at both ends, or a source that is not an object, as the walk
    /// reports them.
    #[cold]
    pub(crate) fn take_out_error(
        &self,
        take: &TakeOut,
        exact: &str,
        found: Option<&'static str>,
    ) -> Error {
        let error = match found {
            None => OpError::Conflict {
                old: joined(exact, &take.from_path.to_string()),
                new: joined(exact, take.to),
            },
            Some(found) => OpError::NotAnObject {
                path: joined(exact, take.from_path.root()),
                found,
            },
        };
        self.root
            .op_error(error, self.step_from(take.version), take.version)
    }

    /// Records a move the reader of the object the cursor stands at made
    /// as the source object streamed by, as the walk records one.
    #[inline]
    pub(crate) fn record_take_out(&self, take: &TakeOut) {
        if !self.records {
            return;
        }
        let mut applied = self.sink.applied.borrow_mut();
        let at = &mut self.here.borrow_mut();
        record_move(&mut applied, take.from_path, take.to_path, at.pattern_now());
    }

    /// Applies to an object captured by an embedded reader the changes of
    /// every version after the document's, up to the root's current one,
    /// then keeps the keys no field claims. `at` is where the object stands.
    pub(crate) fn migrate(
        &self,
        object: &mut Object,
        history: &'static EmbeddedHistory,
        at: &mut Cursor,
    ) -> Result<(), Error> {
        self.run(at, |walk| walk.object(object, history))
    }

    /// [`Migration::migrate`] for the array of a positional tuple struct.
    pub(crate) fn migrate_elements(
        &self,
        items: &mut Vec<Value>,
        history: &'static EmbeddedHistory,
        at: &mut Cursor,
    ) -> Result<(), Error> {
        self.run(at, |walk| walk.elements(items, history))
    }

    /// As [`Migration::migrate`], for the whole value of an enum, which its
    /// reader captures: the variant it names changes with its payload.
    pub(crate) fn migrate_value(
        &self,
        value: &mut Value,
        history: &'static EmbeddedHistory,
        at: &mut Cursor,
    ) -> Result<(), Error> {
        self.run(at, |walk| visit_value(walk, value, &[], history))
    }

    /// The rename of `key` in an object of `history`, when the changes
    /// after the document's version do nothing else with it, nor with its
    /// new name: its reader then hands the key on under the new name as
    /// it reads it, instead of capturing it for the walk. Both names are
    /// still watched for a repeat and a conflict (`EmbeddedMap`).
    pub(crate) fn plain_rename(
        &self,
        history: &'static EmbeddedHistory,
        key: &str,
    ) -> Option<PlainRename> {
        let ops = || self.own_ops(history);
        let mut found = None;
        for (version, op) in ops() {
            match op {
                Op::Rename { old, new } if old == key && found.is_none() => {
                    found = Some(PlainRename {
                        old: old.as_str(),
                        new: new.as_str(),
                        version,
                    });
                }
                op if names(op, key) => return None,
                _ => {}
            }
        }
        let found = found?;
        let others = ops().filter(|(_, op)| !matches!(op, Op::Rename { old, .. } if old == key));
        for (_, op) in others {
            if names(op, found.new) {
                return None;
            }
        }
        Some(found)
    }

    /// Records a rename the reader of the object the cursor stands at made
    /// as it read the key, as [`Walk::changes`] records one.
    #[inline]
    pub(crate) fn record_plain_rename(&self, rename: &PlainRename) {
        if !self.records {
            return;
        }
        let mut applied = self.sink.applied.borrow_mut();
        let at = &mut self.here.borrow_mut();
        record_key_renamed(&mut applied, at.pattern_now(), rename.old, rename.new);
    }

    /// The error of an object at `exact` that holds both names of a
    /// rename, as the walk reports it.
    #[cold]
    pub(crate) fn rename_conflict(&self, rename: &PlainRename, exact: &str) -> Error {
        let error = OpError::Conflict {
            old: joined(exact, rename.old),
            new: joined(exact, rename.new),
        };
        self.root
            .op_error(error, self.step_from(rename.version), rename.version)
    }

    /// Whether an object of `history` has changes of its own to go
    /// through: if not, and its reader captured none of its keys, it is
    /// current as read.
    pub(crate) fn changes_object(&self, history: &'static EmbeddedHistory) -> bool {
        self.own_ops(history).next().is_some()
    }

    /// The changes of `history` itself after the document's version, with
    /// their versions, oldest first: found with one search, where a
    /// lookup per version compares versions again for each.
    pub(super) fn own_ops(
        &self,
        history: &'static EmbeddedHistory,
    ) -> impl Iterator<Item = (&'static Version, &'static Op)> {
        let changes = &history.changes;
        let start = changes.partition_point(|(version, _)| *version <= self.from);
        changes[start..]
            .iter()
            .flat_map(|(version, ops)| ops.iter().map(move |op| (version, op)))
    }

    /// The variant an externally tagged enum's value `{"<name>": ..}`
    /// names at the current version, its renames recorded as
    /// [`Walk::variant`] records them; `None` for another representation,
    /// or a variant removed on the way, whose value is migrated whole.
    /// Its reader streams the payload under the name returned; `table`
    /// is the enum's, which holds the fate of each name a change acts on.
    #[inline]
    pub(crate) fn variant_name<'n>(
        &self,
        table: &KeyTable,
        history: &'static EmbeddedHistory,
        name: &'n str,
    ) -> Option<&'n str> {
        let variants = history.variants()?;
        if variants.tagging != Tagging::External {
            return None;
        }
        // Most names no change acts on; the others' fates are in the
        // type's table, found once, where following each version's ops
        // compares versions again for every value.
        let Some(now) = table.variant(name) else {
            return Some(name);
        };
        let now = now?;
        if self.records {
            self.record_variant_fate(variants, name);
        }
        Some(now)
    }

    /// Records, for a report, what the changes did to the variant `name`.
    #[cold]
    fn record_variant_fate(&self, variants: &'static Variants, name: &str) {
        let mut applied = self.sink.applied.borrow_mut();
        let pattern = &mut self.here.borrow_mut();
        let pattern = pattern.pattern_now();
        self.variant_fate(variants, name, &mut |old, new| {
            record_renamed(&mut applied.renamed, pattern, old, new);
        });
    }

    /// The fate of each variant of `history` a change after this version
    /// names: its name at the current version, or `None` when removed.
    /// Names not listed are read as they are.
    pub(super) fn variant_fates(
        &self,
        history: &'static EmbeddedHistory,
    ) -> Vec<(&'static str, Option<&'static str>)> {
        let Some(variants) = history.variants() else {
            return Vec::new();
        };
        let mut fates: Vec<(&'static str, Option<&'static str>)> = Vec::new();
        for &version in &self.versions {
            for op in variants.ops_at(version) {
                let name = match op {
                    VariantOp::Rename { old, .. } => *old,
                    VariantOp::Removed { name, .. } => *name,
                    VariantOp::Added { .. } => continue,
                };
                if fates.iter().any(|(known, _)| *known == name) {
                    continue;
                }
                let mut renamed = false;
                let fate = self.variant_fate(variants, name, &mut |_, _| renamed = true);
                if renamed || fate.is_none() {
                    fates.push((name, fate));
                }
            }
        }
        fates
    }

    /// The name the variant `name` of a document at this version has at
    /// the current one, following the op of each version that names it
    /// as [`Walk::variant`] finds it, each rename passed to `record`;
    /// `None` when a version removes it.
    pub(super) fn variant_fate<'n>(
        &self,
        variants: &Variants,
        name: &'n str,
        record: &mut dyn FnMut(&'static str, &'static str),
    ) -> Option<&'n str> {
        let mut now = name;
        for &version in &self.versions {
            let op = variants.ops_at(version).iter().find(|op| match op {
                VariantOp::Rename { old, .. } => *old == now,
                VariantOp::Removed { name, .. } => *name == now,
                VariantOp::Added { .. } => false,
            });
            match op {
                Some(VariantOp::Rename { old, new }) => {
                    record(old, new);
                    now = new;
                }
                Some(VariantOp::Removed { .. }) => return None,
                Some(VariantOp::Added { .. }) | None => {}
            }
        }
        Some(now)
    }

    /// Runs `visit` with a walk of each version after the document's, then
    /// with one that keeps unclaimed keys.
    fn run(
        &self,
        at: &mut Cursor,
        mut visit: impl FnMut(&mut Walk<'_>) -> Result<(), OpError>,
    ) -> Result<(), Error> {
        let Some(nested) = &self.root.nested else {
            return Ok(());
        };
        // The walk writes on the paths as they stand.
        at.render();
        let kept_at = nested.kept_at.as_deref();
        let mut applied = self.sink.applied.borrow_mut();
        let mut kept = self.sink.kept.borrow_mut();
        // What one object's migration defaulted says nothing of the next.
        applied.fresh.clear();
        for &version in &self.versions {
            let previous = self.step_from(version);
            let mut walk = Walk {
                pass: Pass::Changes(version),
                applied: &mut applied,
                kept: &mut kept,
                kept_at,
                cursor: &mut *at,
            };
            visit(&mut walk).map_err(|error| self.root.op_error(error, previous, version))?;
        }
        if kept_at.is_none() {
            return Ok(());
        }
        let mut walk = Walk {
            pass: Pass::Unclaimed,
            applied: &mut applied,
            kept: &mut kept,
            kept_at,
            cursor: at,
        };
        visit(&mut walk).map_err(|error| self.root.op_error(error, &self.from, self.root.current()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_are_written_in_decimal() {
        for index in [0, 7, 10, 99, 1234, usize::MAX] {
            let mut out = "steps[".to_owned();
            push_index(&mut out, index);
            assert_eq!(out, format!("steps[{index}"));
        }
    }

    #[test]
    fn report_paths_are_listed_once() {
        let mut list = vec!["steps[].tokens".to_owned()];
        for (at, field) in [
            ("steps[]", "tokens"),
            ("steps[]", "ok"),
            ("", "top"),
            ("", "top"),
        ] {
            record(&mut list, at, field);
        }
        assert_eq!(list, ["steps[].tokens", "steps[].ok", "top"]);
        assert!(is_joined("a.b", "a", "b"));
        assert!(!is_joined("ab.", "a", "b"));
        assert!(!is_joined("a.bc", "a", "b"));
    }

    #[test]
    fn a_rename_is_listed_once_per_path() {
        let mut list = Vec::new();
        for (at, old, new) in [
            ("messages[].role", "function", "tool"),
            ("messages[].role", "function", "tool"),
            ("messages[].role", "func", "tool"),
            ("last_role", "function", "tool"),
            ("", "start", "begin"),
            ("", "start", "begin"),
        ] {
            record_renamed(&mut list, at, old, new);
        }
        assert_eq!(
            list,
            [
                "messages[].role: function -> tool",
                "messages[].role: func -> tool",
                "last_role: function -> tool",
                "start -> begin"
            ]
        );
    }

    #[test]
    fn kept_values_are_listed_where_they_went() {
        let mut applied = Applied::default();
        record_kept(&mut applied, Some("meta.legacy_nested"), "steps[]", "notes");
        record_kept(&mut applied, Some("meta.legacy_nested"), "steps[]", "notes");
        assert_eq!(applied.preserved, ["meta.legacy_nested.steps[].notes"]);
    }
}
