//! The current shape of a type, read off its own serde derive.
//!
//! A tracing deserializer stands in for a document: it answers each
//! `deserialize_*` call the type's `Deserialize` makes with a sample value
//! and records what was asked for. The struct names, field names (serde's,
//! after `rename` and `rename_all`) and variant names come from serde
//! itself, so the shape is exactly what documents hold, with no second
//! reading of attributes that could drift from serde's. It is what
//! serde-reflection does (the format snapshots Sui and Aptos commit), with
//! two differences that a versioned type needs: `deserialize_any` (a
//! `serde_json::Value`, a metadata map) is recorded as `any` instead of
//! failing, and each field is tried once left out, to learn whether
//! documents may omit it.
//!
//! A struct with a `#[serde(flatten)]` field is read by serde as a map
//! and names its fields nowhere: a run that fails for a missing field
//! teaches that field to the next, so the shape holds its required
//! fields. Its fields with a default are found by asking: each name the
//! trace met in any struct, and each the history gives (added, renamed,
//! converted fields), is given once as a key; serde reads the value of a
//! field's key with the field's own reader, and buffers any other key for
//! the flattened field, in its `Content`. A field with a default whose
//! name is nowhere else stays unknown.
//!
//! An adjacently tagged enum is read by serde as a struct of its tag and
//! content keys; the tag's reader is given the enum's variants, and the
//! content is read from the tracer, so each payload's formats are known.
//! A struct variant's required fields are learned as a flattened
//! struct's are, and all its fields by index: serde's derive takes a
//! field's index as its key (as when it reads a struct from a sequence),
//! and names the field in its duplicate error when the index is given
//! twice; an index past the last field it ignores. Each field learned so
//! is then left out once, to learn whether documents may omit it.
//!
//! An untagged enum is `any`: serde buffers the value in its `Content`
//! and tries each variant on that buffer, so no variant's reads reach the
//! tracer, and its errors name no field. A change inside one is not seen,
//! unless the enum is `#[versioned(embedded)]`: its `Deserialize` names
//! its variants and their payload types to the tracer just before serde
//! reads it ([`reading_untagged`]), and each payload is traced as a value
//! of its own, so the enum is a [`Definition::Untagged`] of them.
//! The buffer is given one kind of value per run (unit, a boolean, an
//! integer, a number, a string, an empty sequence, an empty map) until a
//! variant takes one, so the trace, and the sample value, go on past it.
//!
//! An enum shows one variant per run; runs repeat until every variant of
//! every enum met was chosen once. A type that holds itself is cut short
//! at its second level: options are `None` there and sequences empty, and
//! an enum met inside itself takes its first variant that does not lead
//! back into it (the variants that do are learned as they recurse), so an
//! enum whose first variant holds it ends too. The shape refers to such a
//! type by its name, as to any other (`$ref` in its JSON Schema). A type
//! with no finite document (every variant holds it, or a struct holds
//! itself through a `Box` alone) is an error, not an endless trace.

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};

use super::format::{Definition, Field, Format};
use crate::__private::{UntaggedVariants, VariantVisitor};

/// An untagged enum's name and the function that traces its variants.
type Announced = (
    &'static str,
    fn(&mut Tracer) -> BTreeMap<String, Definition>,
);

thread_local! {
    /// Whether a trace runs on this thread: only then is an untagged enum
    /// announced.
    static TRACING: Cell<bool> = const { Cell::new(false) };
    /// The untagged `#[versioned(embedded)]` enum whose `Deserialize` is
    /// about to read its buffered value, for the tracer's `untagged`.
    static ANNOUNCED: Cell<Option<Announced>> = const { Cell::new(None) };
}

/// Whether a trace runs on this thread: it hands a struct every name the
/// struct reads, old ones among them, and learns from serde's refusals,
/// which readers then leave to the struct alone.
pub(crate) fn tracing() -> bool {
    TRACING.with(Cell::get)
}

/// Called by an untagged `#[versioned(embedded)]` enum's `Deserialize`
/// just before serde buffers its value: the buffered read that follows is
/// of `E`, whose variants the tracer then traces one by one.
pub(crate) fn reading_untagged<E: UntaggedVariants>() {
    if TRACING.with(Cell::get) {
        ANNOUNCED.with(|announced| announced.set(Some((E::NAME, untagged_variants::<E>))));
    }
}

/// Each variant of `E` with its payload traced.
fn untagged_variants<E: UntaggedVariants>(tracer: &mut Tracer) -> BTreeMap<String, Definition> {
    let mut variants = Variants {
        tracer,
        found: BTreeMap::new(),
    };
    E::variants(&mut variants);
    variants.found
}

/// What an untagged enum's variants are traced into.
struct Variants<'t> {
    tracer: &'t mut Tracer,
    found: BTreeMap<String, Definition>,
}

impl Variants<'_> {
    /// The format of a payload of type `T`; `None` when its `Deserialize`
    /// refused the sample (serde would try the next variant).
    fn payload<T: serde::de::DeserializeOwned>(&mut self) -> Option<Format> {
        // An untagged enum inside the payload (the enum itself, in a
        // tree) that refused its value is given the next kind of value.
        loop {
            let mut format = Format::Any;
            let depth = self.tracer.stack.len();
            self.tracer.last_content = None;
            let read = T::deserialize(Sample {
                tracer: self.tracer,
                out: &mut format,
            });
            // A read that failed midway left the types it was in.
            self.tracer.stack.truncate(depth);
            let error = match read {
                Ok(_) => return Some(format),
                Err(error) => error,
            };
            let known = self.tracer.learned();
            self.tracer.try_other_content(&error);
            if self.tracer.learned() == known {
                return None;
            }
        }
    }
}

impl VariantVisitor for Variants<'_> {
    fn unit(&mut self, name: &'static str) {
        self.found.insert(name.to_owned(), Definition::Unit);
    }

    fn newtype<T: serde::de::DeserializeOwned>(&mut self, name: &'static str) {
        let payload = self
            .payload::<T>()
            .map_or(Definition::Unknown, Definition::Newtype);
        self.found.insert(name.to_owned(), payload);
    }

    fn tuple<T: serde::de::DeserializeOwned>(&mut self, name: &'static str) {
        let payload = match self.payload::<T>() {
            Some(Format::Tuple(items)) => Definition::Tuple(items),
            _ => Definition::Unknown,
        };
        self.found.insert(name.to_owned(), payload);
    }

    fn fields(&mut self, name: &'static str) {
        self.found.insert(name.to_owned(), Definition::Unknown);
    }
}

/// Marks a trace under way on this thread while it lives.
struct Tracing;

impl Tracing {
    fn start() -> Tracing {
        TRACING.with(|tracing| tracing.set(true));
        Tracing
    }
}

impl Drop for Tracing {
    fn drop(&mut self) {
        TRACING.with(|tracing| tracing.set(false));
        ANNOUNCED.with(|announced| announced.set(None));
    }
}

/// Why a type could not be traced: its `Deserialize` refused a sample
/// value (a validating `try_from`, a borrowed `&str`, ...).
#[derive(Debug)]
pub(crate) struct TraceError(pub(crate) String, Option<Clue>);

/// An enum's name and one of its variants' (serde's names).
type VariantSite = (String, String);

/// What a failed run taught about the type, for the next run.
#[derive(Debug, Clone, Copy)]
enum Clue {
    /// A key given twice: the field's own name, whose other names (its
    /// aliases) are then left out.
    Duplicate(&'static str),
    /// A field a struct read as a map (one with a flattened field), or an
    /// internally tagged enum's variant, needs; or the enum's tag: serde
    /// names them nowhere else.
    Missing(&'static str),
    /// The variants of an internally tagged enum, which serde lists when
    /// its tag holds none of them.
    Variants(&'static [&'static str]),
}

impl fmt::Display for TraceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TraceError {}

impl de::Error for TraceError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        TraceError(msg.to_string(), None)
    }

    // serde lists a field's aliases (old names) among its fields: a
    // second name of a field given a value is a duplicate, whose field
    // the next run knows to give first and the alias to leave out.
    fn duplicate_field(field: &'static str) -> Self {
        TraceError(
            format!("duplicate field `{field}`"),
            Some(Clue::Duplicate(field)),
        )
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        TraceError(
            format!("unknown variant `{variant}`"),
            Some(Clue::Variants(expected)),
        )
    }

    fn missing_field(field: &'static str) -> Self {
        TraceError(
            format!("missing field `{field}`"),
            Some(Clue::Missing(field)),
        )
    }
}

/// The strings a field is given after its own name, one run each, when
/// its type refuses the one before (a parsed string: a number, a date, an
/// identifier, an address, a URL).
const OTHER_STRINGS: &[&str] = &[
    "",
    "0",
    "1970-01-01T00:00:00Z",
    "00000000-0000-0000-0000-000000000000",
    "127.0.0.1",
    "https://example.com/",
];

/// The kinds of value an untagged enum is given, one run each until one
/// of its variants takes it: unit, `true`, an integer, a number, a
/// string, an empty sequence, an empty map.
const CONTENT_KINDS: usize = 7;

/// Runs beyond which exploring the variants stops: a bound for a type
/// whose enums keep finding new ones, which no finite type does.
const MAX_RUNS: usize = 4096;

/// Named types read one inside the other beyond which a trace stops: a
/// bound for a struct that holds itself with nothing to end it.
const MAX_DEPTH: usize = 256;

/// What the runs learned, and the variant choices of the run under way.
#[derive(Default)]
struct Tracer {
    types: BTreeMap<String, Definition>,
    /// For each enum met, its variants' count and the ones chosen so far.
    variants: HashMap<String, (usize, BTreeSet<usize>)>,
    /// The named types being read, outermost first, each enum with the
    /// variant chosen for it.
    stack: Vec<(String, Option<usize>)>,
    /// For each enum, the variants that lead back into the enum: one that
    /// holds itself is given another of its variants there, or its trace
    /// would not end.
    recursive: HashMap<String, BTreeSet<usize>>,
    /// The choices of every run, in the order the enums were met: a replay
    /// (to leave a field out) takes the same road to the struct.
    choices: Vec<Vec<usize>>,
    replay: Option<Vec<usize>>,
    /// The run in which each struct (or struct read as a map) was first
    /// met.
    first_run: BTreeMap<String, usize>,
    /// The field to leave out, as (struct, field), and whether the struct's
    /// visitor then failed.
    omit: Option<(String, &'static str)>,
    omission_failed: Option<bool>,
    /// serde's field names are `&'static str`; the definitions keep owned
    /// copies, and the replays need the static ones back.
    field_names: BTreeMap<String, &'static str>,
    /// Field names serde reported as a field's own (from a duplicate).
    canonical: BTreeSet<&'static str>,
    /// Keys of each struct that are other names of a field: left out.
    aliases: BTreeSet<(&'static str, &'static str)>,
    /// The struct and key a struct's reader was last given.
    last_key: Option<(&'static str, &'static str)>,
    /// The required fields of each struct read as a map (one with a
    /// flattened field), in the order its failed runs named them.
    flattened: BTreeMap<String, Vec<&'static str>>,
    /// The tag and the variants of each internally tagged enum.
    tags: BTreeMap<String, &'static str>,
    /// The tag and content keys of each adjacently tagged enum.
    adjacent: BTreeMap<String, (&'static str, &'static str)>,
    /// The payload of an adjacently tagged variant that serde reads as any
    /// value (a unit or a struct variant), for the enum's reader.
    variant_payload: Option<Definition>,
    /// The reader of that payload when it is a struct's (`Enum::Variant`,
    /// as serde's derive names it), for the enum's reader.
    variant_owner: Option<String>,
    /// Where each adjacently tagged struct variant's payload is defined,
    /// as (enum, variant), by its reader's name.
    payload_sites: BTreeMap<String, VariantSite>,
    /// For each struct variant whose fields serde names nowhere, the index
    /// of the next field to ask its name of; and those asked all of.
    probes: BTreeMap<String, usize>,
    probed: BTreeSet<String>,
    /// The depth of the key being probed, and whether serde read its value
    /// as ignored (a field index past the last field) or into its buffer
    /// for a flattened field (a name that is none of the struct's own).
    probe_depth: Option<usize>,
    ignored: bool,
    buffered: bool,
    /// For each place an untagged enum was read (serde buffers the value
    /// in its `Content`), the kind of value of [`CONTENT_KINDS`] given
    /// there, after the ones its variants all refused; and the place of
    /// the last such read, whose enum a run's error is about.
    content_kinds: BTreeMap<String, usize>,
    last_content: Option<String>,
    /// Names a struct read as a map may have a field of (every field name
    /// met, the ones the history names), each tried once as a key.
    candidates: Vec<&'static str>,
    tagged_variants: BTreeMap<String, &'static [&'static str]>,
    /// The field a value is read for, which a sample string holds.
    last_field: &'static str,
    /// The last sample number given.
    number: u8,
    /// For each field whose type refused its name, the string of
    /// [`OTHER_STRINGS`] it is given instead (1 for the first).
    strings: BTreeMap<&'static str, usize>,
    /// The field whose string the last run's value refused on the spot.
    refused: Option<&'static str>,
    /// The internally tagged variant (`Enum::Variant`) whose fields serde
    /// read last, after the enum's reader returned: a missing field that
    /// reaches the top of the run is that variant's.
    tagged_pending: Option<String>,
}

impl Tracer {
    /// Whether a type holding itself is read a second time: the sample
    /// stops there.
    fn recursing(&self) -> bool {
        self.stack
            .iter()
            .enumerate()
            .any(|(i, (name, _))| self.stack[..i].iter().any(|(seen, _)| seen == name))
    }

    /// Enters a named type (an enum with the variant chosen for it).
    fn enter(&mut self, name: &str, variant: Option<usize>) -> Result<(), TraceError> {
        // A struct that holds itself with no option, sequence, map or
        // other variant between has no finite document.
        if self.stack.len() >= MAX_DEPTH {
            return Err(de::Error::custom(format_args!(
                "`{name}` holds itself with no way to end a document (no option, sequence, map or variant without it)"
            )));
        }
        self.stack.push((name.to_owned(), variant));
        Ok(())
    }

    fn leave(&mut self) {
        self.stack.pop();
    }

    /// The next sample number, from 1 to 100.
    fn next_number(&mut self) -> u8 {
        self.number = self.number % 100 + 1;
        self.number
    }

    /// How much the failed runs taught: a run that failed and taught
    /// something is made again.
    fn learned(&self) -> usize {
        self.canonical.len()
            + self.aliases.len()
            + self.flattened.values().map(Vec::len).sum::<usize>()
            + self.tags.len()
            + self.tagged_variants.len()
            + self.strings.values().sum::<usize>()
            + self.probes.values().sum::<usize>()
            + self.content_kinds.values().sum::<usize>()
            + self.probed.len()
    }

    /// The string a value of the field being read is given.
    fn sample_string(&self) -> &'static str {
        match self.strings.get(self.last_field) {
            Some(&other) => OTHER_STRINGS.get(other - 1).copied().unwrap_or_default(),
            None => self.last_field,
        }
    }

    /// The next string for the field whose type refused one, while there
    /// is one to try.
    fn try_other_string(&mut self) {
        if let Some(field) = self.refused.take() {
            let tried = self.strings.entry(field).or_default();
            if *tried < OTHER_STRINGS.len() {
                *tried += 1;
            }
        }
    }

    /// The next kind of value for the untagged enum whose variants all
    /// refused the last one.
    fn try_other_content(&mut self, error: &TraceError) {
        if self.replay.is_some() || !error.0.contains("did not match any variant") {
            return;
        }
        if let Some(place) = self.last_content.take() {
            let tried = self.content_kinds.entry(place).or_default();
            if *tried + 1 < CONTENT_KINDS {
                *tried += 1;
            }
        }
    }

    /// Where a value is read: the named types around it and its field.
    fn place(&self) -> String {
        let mut place: String = self
            .stack
            .iter()
            .map(|(name, _)| format!("{name}/"))
            .collect();
        place.push_str(self.last_field);
        place
    }

    /// A field an internally tagged variant lacked, learned at the top of
    /// the run its error ended.
    fn learn_variant_field(&mut self, error: &TraceError) {
        if let (Some(Clue::Missing(field)), Some(variant), None) =
            (error.1, self.tagged_pending.take(), &self.replay)
        {
            let fields = self.flattened.entry(variant).or_default();
            if !fields.contains(&field) {
                fields.push(field);
            }
        }
    }

    fn define(&mut self, name: &str, definition: Definition) {
        let joined = match self.types.remove(name) {
            Some(seen) => seen.merge(definition),
            None => definition,
        };
        self.types.insert(name.to_owned(), joined);
    }

    /// The variant of the enum `name` a run reads: in a replay the one
    /// the replayed run chose; inside the enum itself the first that does
    /// not lead back into it; else the first not chosen yet.
    fn choose(&mut self, name: &str, count: usize) -> Result<usize, TraceError> {
        let run = self.choices.len() - 1;
        if let Some(replay) = &mut self.replay {
            let index = if replay.is_empty() {
                0
            } else {
                replay.remove(0)
            };
            return Ok(index.min(count.saturating_sub(1)));
        }
        // Every variant chosen for the enum further out leads here.
        let open: Vec<usize> = self
            .stack
            .iter()
            .filter(|(seen, _)| seen == name)
            .filter_map(|(_, variant)| *variant)
            .collect();
        let recursing = !open.is_empty();
        let recursive = self.recursive.entry(name.to_owned()).or_default();
        recursive.extend(open);
        let (_, chosen) = self
            .variants
            .entry(name.to_owned())
            .or_insert_with(|| (count, BTreeSet::new()));
        let index = if recursing {
            (0..count).find(|i| !recursive.contains(i)).ok_or_else(|| {
                de::Error::custom(format_args!(
                    "every variant of `{name}` holds `{name}`: no document of it ends"
                ))
            })?
        } else {
            (0..count).find(|i| !chosen.contains(i)).unwrap_or(0)
        };
        chosen.insert(index);
        self.choices[run].push(index);
        Ok(index)
    }

    /// The indices of the keys `owner`'s reader is given: its fields' own
    /// names first, without its aliases nor the field left out.
    fn order(
        &self,
        owner: &'static str,
        fields: &'static [&'static str],
        omitted: Option<&'static str>,
    ) -> Vec<usize> {
        let mut order: Vec<usize> = (0..fields.len())
            .filter(|i| Some(fields[*i]) != omitted && !self.aliases.contains(&(owner, fields[*i])))
            .collect();
        order.sort_by_key(|i| !self.canonical.contains(fields[*i]));
        order
    }

    /// A map of fields serde names nowhere (a struct with a flattened
    /// field, an adjacently tagged struct variant), given the ones `owner`
    /// learned; a run that fails for a missing field teaches it.
    ///
    /// A struct variant's reader (`indexed`) also takes fields by index,
    /// as serde's derive reads a struct from a sequence: the next index
    /// not asked yet is given twice, and the second time serde names the
    /// field in its duplicate error, so fields with a default are learned
    /// too. (A struct with a flattened field sends an index to its
    /// flattened field instead: its fields with a default stay unknown.)
    fn learned_fields<'de, V: Visitor<'de>>(
        &mut self,
        owner: String,
        indexed: bool,
        visitor: V,
    ) -> (Result<V::Value, TraceError>, BTreeMap<String, Field>) {
        let recursing = self.recursing();
        let keys = if recursing {
            Vec::new()
        } else {
            self.flattened.get(&owner).cloned().unwrap_or_default()
        };
        for key in &keys {
            self.field_names.insert((*key).to_owned(), key);
        }
        let run = self.choices.len() - 1;
        self.first_run.entry(owner.clone()).or_insert(run);
        let omitted = match &self.omit {
            Some((struct_name, field)) if *struct_name == owner => Some(*field),
            _ => None,
        };
        let order: Vec<usize> = (0..keys.len())
            .filter(|i| Some(keys[*i]) != omitted)
            .collect();
        let mut formats = vec![Format::Any; keys.len()];
        let probing = !recursing && self.replay.is_none() && !self.probed.contains(&owner);
        let at = self.probes.get(&owner).copied().unwrap_or(0);
        let mut probe = match (probing, indexed) {
            (false, _) => None,
            (true, true) => Some(Probe {
                key: Key::Index(at),
                given: 0,
                ended: false,
            }),
            (true, false) => {
                // The next name that is none of the known fields.
                let mut names = self.candidates.clone();
                names.extend(self.field_names.values().copied());
                names.sort_unstable();
                names.dedup();
                let next = (at..names.len()).find(|i| !keys.contains(&names[*i]));
                match next {
                    Some(position) => Some(Probe {
                        key: Key::Name(names[position], position),
                        given: 0,
                        ended: false,
                    }),
                    None => {
                        self.probed.insert(owner.clone());
                        None
                    }
                }
            }
        };
        if let Err(error) = self.enter(&owner, None) {
            return (Err(error), BTreeMap::new());
        }
        self.tagged_pending = None;
        let mut value = visitor.visit_map(Fields {
            tracer: self,
            owner: None,
            fields: &keys,
            order: &order,
            formats: &mut formats,
            next: 0,
            probe: probe.as_mut(),
        });
        self.leave();
        if omitted.is_some() && self.omission_failed.is_none() {
            self.omission_failed = Some(value.is_err());
        }
        match &probe {
            Some(Probe {
                ended: true,
                key: Key::Index(_),
                ..
            }) => {
                self.probed.insert(owner.clone());
            }
            // A name is tried once: a field when its own reader read it,
            // else (or when the run failed on it) none.
            Some(Probe {
                key: Key::Name(name, position),
                given,
                ended,
            }) if *given > 0 => {
                if !ended && !keys.contains(name) {
                    self.flattened.entry(owner.clone()).or_default().push(name);
                }
                self.probes.insert(owner.clone(), position + 1);
            }
            _ => {}
        }
        if let Err(TraceError(_, clue)) = &mut value {
            match *clue {
                Some(Clue::Missing(field)) => {
                    // A field an internally tagged variant inside lacked is
                    // the variant's.
                    let ours = self.tagged_pending.is_none();
                    if ours && self.replay.is_none() && !keys.contains(&field) {
                        self.flattened.entry(owner.clone()).or_default().push(field);
                        // Learned here: a struct around this one must not
                        // take the field for its own.
                        *clue = None;
                    }
                }
                // The probed index named its field.
                Some(Clue::Duplicate(field)) if indexed && probe.is_some() => {
                    if !keys.contains(&field) {
                        self.flattened.entry(owner.clone()).or_default().push(field);
                    }
                    *self.probes.entry(owner.clone()).or_default() += 1;
                    *clue = None;
                }
                _ => {}
            }
        }
        let fields = order
            .iter()
            .map(|index| field(keys[*index], formats[*index].clone()))
            .collect();
        (value, fields)
    }

    fn unexplored(&self) -> bool {
        self.variants
            .values()
            .any(|(count, chosen)| chosen.len() < *count)
    }
}

/// What the runs found: the format of a document, its named types, the
/// tag of each internally or adjacently tagged enum, and the content key
/// of each adjacently tagged one.
pub(crate) struct Traced {
    pub(crate) root: Format,
    pub(crate) types: BTreeMap<String, Definition>,
    pub(crate) tags: BTreeMap<String, String>,
    pub(crate) contents: BTreeMap<String, String>,
}

/// The named types of `T`'s current shape and the format of its documents.
pub(crate) fn trace<F>(candidates: &[&'static str], read: F) -> Result<Traced, TraceError>
where
    F: Fn(Sample<'_>) -> Result<(), TraceError>,
{
    let mut tracer = Tracer {
        candidates: candidates.to_vec(),
        ..Tracer::default()
    };
    let _tracing = Tracing::start();
    let mut root = Format::Any;
    loop {
        tracer.choices.push(Vec::new());
        tracer.last_content = None;
        let mut format = Format::Any;
        let known = tracer.learned();
        let outcome = read(Sample {
            tracer: &mut tracer,
            out: &mut format,
        });
        if let Err(error) = &outcome {
            tracer.learn_variant_field(error);
            tracer.try_other_string();
            tracer.try_other_content(error);
        }
        match outcome {
            Ok(()) if tracer.learned() == known => root = root.merge(format),
            // An alias, a required field, a refused string or a field
            // probed for found: the run is made again with what it taught.
            _ if tracer.learned() != known && tracer.choices.len() < MAX_RUNS => {
                tracer.choices.clear();
                tracer.variants.clear();
                tracer.types.clear();
                tracer.first_run.clear();
                tracer.stack.clear();
                root = Format::Any;
                continue;
            }
            Ok(()) => root = root.merge(format),
            Err(error) => return Err(error),
        }
        if !tracer.unexplored() || tracer.choices.len() >= MAX_RUNS {
            break;
        }
    }
    // Each field left out once, on the road of the run that first met its
    // struct (or its struct variant read as a map).
    let mut structs: Vec<(String, Option<VariantSite>, Vec<String>)> = tracer
        .types
        .iter()
        .filter_map(|(name, definition)| match definition {
            Definition::Struct(fields) => {
                Some((name.clone(), None, fields.keys().cloned().collect()))
            }
            _ => None,
        })
        .collect();
    for (owner, site) in &tracer.payload_sites {
        if let Some(fields) = payload_fields(&mut tracer.types, None, Some(site)) {
            let fields = fields.keys().cloned().collect();
            structs.push((owner.clone(), Some(site.clone()), fields));
        }
    }
    for (name, site, fields) in structs {
        let Some(&run) = tracer.first_run.get(&name) else {
            continue;
        };
        for field in fields {
            let Some(&field) = tracer.field_names.get(&field) else {
                continue;
            };
            tracer.replay = Some(tracer.choices[run].clone());
            tracer.omit = Some((name.clone(), field));
            tracer.omission_failed = None;
            let mut ignored = Format::Any;
            // The run fails when the field is required; that failure is
            // the answer, recorded by the struct's reader.
            let _ = read(Sample {
                tracer: &mut tracer,
                out: &mut ignored,
            });
            if tracer.omission_failed == Some(false) {
                let fields = payload_fields(&mut tracer.types, Some(&name), site.as_ref());
                if let Some(seen) = fields.and_then(|fields| fields.get_mut(field)) {
                    seen.optional = true;
                }
            }
        }
    }
    let mut tags: BTreeMap<String, String> = tracer
        .tags
        .into_iter()
        .map(|(name, tag)| (name, tag.to_owned()))
        .collect();
    let mut contents = BTreeMap::new();
    for (name, (tag, content)) in tracer.adjacent {
        tags.insert(name.clone(), tag.to_owned());
        contents.insert(name, content.to_owned());
    }
    Ok(Traced {
        root,
        types: tracer.types,
        tags,
        contents,
    })
}

/// The fields of the struct `name`, or of the struct variant at `site`
/// (enum, variant).
fn payload_fields<'a>(
    types: &'a mut BTreeMap<String, Definition>,
    name: Option<&str>,
    site: Option<&VariantSite>,
) -> Option<&'a mut BTreeMap<String, Field>> {
    let definition = match site {
        Some((name, variant)) => match types.get_mut(name)? {
            Definition::Enum(variants) => variants.get_mut(variant)?,
            _ => return None,
        },
        None => types.get_mut(name?)?,
    };
    match definition {
        Definition::Struct(fields) => Some(fields),
        _ => None,
    }
}

/// The tracing deserializer: one value's place in the sample document.
pub(crate) struct Sample<'t> {
    tracer: &'t mut Tracer,
    out: &'t mut Format,
}

impl<'t> Sample<'t> {
    fn record(self, format: Format) -> &'t mut Tracer {
        let out = std::mem::replace(self.out, Format::Any);
        *self.out = out.merge(format);
        self.tracer
    }
}

// Each value the tracer gives is one a document could hold, and as
// telling as it can be: a string is the name of the field it is read for,
// numbers count up (1 to 100, which fits every integer type), booleans are
// `true`. The values do not change the shape; they make the sample value
// of [`sample`] worth writing down as a golden document, where a swapped
// rename or a lost value shows.
macro_rules! sample {
    ($($method:ident => $format:ident, $visit:ident($n:ident => $value:expr);)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
                let $n = self.record(Format::$format).next_number();
                visitor.$visit($value)
            }
        )*
    };
}

impl<'de> Deserializer<'de> for Sample<'_> {
    type Error = TraceError;

    sample! {
        deserialize_i8 => Integer, visit_i8(n => i8::try_from(n).unwrap_or(1));
        deserialize_i16 => Integer, visit_i16(n => i16::from(n));
        deserialize_i32 => Integer, visit_i32(n => i32::from(n));
        deserialize_i64 => Integer, visit_i64(n => i64::from(n));
        deserialize_i128 => Integer, visit_i128(n => i128::from(n));
        deserialize_u8 => Integer, visit_u8(n => n);
        deserialize_u16 => Integer, visit_u16(n => u16::from(n));
        deserialize_u32 => Integer, visit_u32(n => u32::from(n));
        deserialize_u64 => Integer, visit_u64(n => u64::from(n));
        deserialize_u128 => Integer, visit_u128(n => u128::from(n));
        deserialize_f32 => Number, visit_f32(n => f32::from(n) + 0.5);
        deserialize_f64 => Number, visit_f64(n => f64::from(n) + 0.5);
        deserialize_bytes => Bytes, visit_bytes(n => &[n]);
        deserialize_byte_buf => Bytes, visit_bytes(n => &[n]);
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        self.record(Format::Bool);
        visitor.visit_bool(true)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        self.record(Format::Str);
        visitor.visit_char('a')
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        let tracer = self.record(Format::Str);
        let value = visitor.visit_str(tracer.sample_string());
        if value.is_err() && tracer.replay.is_none() {
            tracer.refused = Some(tracer.last_field);
        }
        value
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        self.record(Format::Unit);
        visitor.visit_unit()
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        self.record(Format::Str);
        visitor.visit_str("")
    }

    // A `serde_json::Value`, an untagged enum: the format says nothing of
    // their shape, so nothing is recorded.
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        // serde buffers a key that is none of a struct's fields, for its
        // flattened field, in its private `Content`, which expects "any
        // value".
        // An untagged enum buffers its value the same way, then tries each
        // variant on the buffer: it is given a value of each kind in turn,
        // until one of its variants takes it. Its shape stays unknown.
        if format!("{}", &visitor as &dyn de::Expected) == "any value" {
            if self.tracer.probe_depth == Some(self.tracer.stack.len()) {
                self.tracer.buffered = true;
            } else {
                return self.untagged(visitor);
            }
        }
        if let Some(name) = expected_type(&visitor, "internally tagged enum ") {
            return self.tagged_enum(name, visitor);
        }
        // The content of an adjacently tagged enum's unit or struct
        // variant, which serde reads as any value.
        if expected_type(&visitor, "unit variant ").is_some() {
            self.tracer.variant_payload = Some(Definition::Unit);
            return visitor.visit_unit();
        }
        if let Some(variant) = expected_type(&visitor, "struct variant ") {
            let (value, fields) = self.tracer.learned_fields(variant.clone(), true, visitor);
            self.tracer.variant_payload = Some(Definition::Struct(fields));
            self.tracer.variant_owner = Some(variant);
            return value;
        }
        self.record(Format::Any);
        visitor.visit_unit()
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        // serde ignores the value of a field index past the last field.
        if self.tracer.probe_depth == Some(self.tracer.stack.len()) {
            self.tracer.ignored = true;
        }
        self.deserialize_any(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        if self.tracer.recursing() {
            self.record(Format::Option(Box::new(Format::Any)));
            return visitor.visit_none();
        }
        let mut inner = Format::Any;
        let value = visitor.visit_some(Sample {
            tracer: self.tracer,
            out: &mut inner,
        })?;
        self.record(Format::Option(Box::new(inner)));
        Ok(value)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, TraceError> {
        self.record(Format::Named(name.to_owned()))
            .define(name, Definition::Unit);
        visitor.visit_unit()
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, TraceError> {
        let mut inner = Format::Any;
        self.tracer.enter(name, None)?;
        let value = visitor.visit_newtype_struct(Sample {
            tracer: self.tracer,
            out: &mut inner,
        });
        self.tracer.leave();
        self.record(Format::Named(name.to_owned()))
            .define(name, Definition::Newtype(inner));
        value
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        let count = usize::from(!self.tracer.recursing());
        let mut items = vec![Format::Any; count];
        let value = visitor.visit_seq(Items {
            tracer: self.tracer,
            items: &mut items,
            next: 0,
        })?;
        self.record(Format::Array(Box::new(
            items.into_iter().next().unwrap_or(Format::Any),
        )));
        Ok(value)
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, TraceError> {
        let mut items = vec![Format::Any; len];
        let value = visitor.visit_seq(Items {
            tracer: self.tracer,
            items: &mut items,
            next: 0,
        })?;
        self.record(Format::Tuple(items));
        Ok(value)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, TraceError> {
        let mut items = vec![Format::Any; len];
        self.tracer.enter(name, None)?;
        let value = visitor.visit_seq(Items {
            tracer: self.tracer,
            items: &mut items,
            next: 0,
        });
        self.tracer.leave();
        self.record(Format::Named(name.to_owned()))
            .define(name, Definition::Tuple(items));
        value
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        if let Some(name) = expected_type(&visitor, "struct ") {
            return self.flattened_struct(name, visitor);
        }
        let mut key = Format::Any;
        let mut value_format = Format::Any;
        let entries = usize::from(!self.tracer.recursing());
        let value = visitor.visit_map(Entries {
            tracer: self.tracer,
            key: &mut key,
            value: &mut value_format,
            left: entries,
        })?;
        self.record(Format::Map(Box::new(key), Box::new(value_format)));
        Ok(value)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TraceError> {
        // serde reads an adjacently tagged enum as a struct of its two
        // keys, and names its variants to the tag's reader.
        if let ([tag, content], Some(_)) =
            (fields, expected_type(&visitor, "adjacently tagged enum "))
        {
            return self.adjacent_enum(name, tag, content, visitor);
        }
        let run = self.tracer.choices.len() - 1;
        self.tracer.first_run.entry(name.to_owned()).or_insert(run);
        for field in fields {
            self.tracer.field_names.insert((*field).to_owned(), field);
        }
        let omitted = match &self.tracer.omit {
            Some((struct_name, field)) if struct_name == name => Some(*field),
            _ => None,
        };
        let mut formats = vec![Format::Any; fields.len()];
        let order = self.tracer.order(name, fields, omitted);
        self.tracer.enter(name, None)?;
        let value = visitor.visit_map(Fields {
            tracer: self.tracer,
            owner: Some(name),
            fields,
            order: &order,
            formats: &mut formats,
            next: 0,
            probe: None,
        });
        self.tracer.leave();
        if let Err(TraceError(_, Some(Clue::Duplicate(field)))) = &value {
            if let Some((owner, key)) = self.tracer.last_key {
                self.tracer.canonical.insert(field);
                if owner == name && key != *field {
                    self.tracer.aliases.insert((name, key));
                }
            }
        }
        if omitted.is_some() && self.tracer.omission_failed.is_none() {
            self.tracer.omission_failed = Some(value.is_err());
        }
        if self.tracer.replay.is_none() {
            let fields = order
                .iter()
                .filter(|index| Some(fields[**index]) != omitted)
                .map(|index| (fields[*index], formats[*index].clone()))
                .map(|(name, format)| field(name, format))
                .collect();
            self.record(Format::Named(name.to_owned()))
                .define(name, Definition::Struct(fields));
        }
        value
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TraceError> {
        if variants.is_empty() {
            return Err(de::Error::custom(format_args!(
                "the enum `{name}` has no variant"
            )));
        }
        let index = self.tracer.choose(name, variants.len())?;
        let variant = variants[index];
        let mut payload = Definition::Unit;
        self.tracer.enter(name, Some(index))?;
        let value = visitor.visit_enum(Choice {
            tracer: self.tracer,
            name,
            variant,
            payload: &mut payload,
        });
        self.tracer.leave();
        let mut definition = BTreeMap::new();
        definition.insert(variant.to_owned(), payload);
        self.record(Format::Named(name.to_owned()))
            .define(name, Definition::Enum(definition));
        value
    }

    fn is_human_readable(&self) -> bool {
        // Documents are JSON: types that write differently for binary
        // formats (addresses, timestamps) are traced as JSON sees them.
        true
    }
}

impl Sample<'_> {
    /// The value serde buffers for an untagged enum: the kind of
    /// [`CONTENT_KINDS`] the failed runs reached at this place.
    fn untagged<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        let format = match ANNOUNCED.with(Cell::take) {
            Some((name, variants)) => {
                // Inside itself, its variants are those of the outer read.
                if !self.tracer.stack.iter().any(|(seen, _)| seen == name) {
                    self.tracer.enter(name, None)?;
                    let found = variants(self.tracer);
                    self.tracer.leave();
                    self.tracer.define(name, Definition::Untagged(found));
                }
                Format::Named(name.to_owned())
            }
            None => Format::Any,
        };
        let place = self.tracer.place();
        let kind = self.tracer.content_kinds.get(&place).copied().unwrap_or(0);
        if self.tracer.replay.is_none() {
            self.tracer.last_content = Some(place);
        }
        let tracer = self.record(format);
        match kind {
            0 => visitor.visit_unit(),
            1 => visitor.visit_bool(true),
            2 => visitor.visit_u64(u64::from(tracer.next_number())),
            3 => visitor.visit_f64(f64::from(tracer.next_number()) + 0.5),
            4 => visitor.visit_str(tracer.sample_string()),
            5 => visitor.visit_seq(Items {
                tracer,
                items: &mut [],
                next: 0,
            }),
            _ => {
                let (mut key, mut value) = (Format::Any, Format::Any);
                visitor.visit_map(Entries {
                    tracer,
                    key: &mut key,
                    value: &mut value,
                    left: 0,
                })
            }
        }
    }

    /// A struct with a flattened field, which serde reads as a map and
    /// whose field names it gives nowhere: each run that fails for a
    /// missing field teaches one, and the next run gives it; the fields a
    /// document may leave out are found among the names the trace and the
    /// history know (see [`Tracer::learned_fields`]).
    fn flattened_struct<'de, V: Visitor<'de>>(
        self,
        name: String,
        visitor: V,
    ) -> Result<V::Value, TraceError> {
        let (value, fields) = self.tracer.learned_fields(name.clone(), false, visitor);
        if self.tracer.replay.is_none() {
            self.record(Format::Named(name.clone()))
                .define(&name, Definition::Struct(fields));
        }
        value
    }

    /// An adjacently tagged enum (`#[serde(tag = "t", content = "c")]`),
    /// which serde reads as a struct of its tag and content keys: the tag
    /// is given the variant chosen for the run (serde names the variants
    /// to the tag's reader), the content that variant's payload, read
    /// from the tracer so its formats are known.
    fn adjacent_enum<'de, V: Visitor<'de>>(
        self,
        name: &'static str,
        tag: &'static str,
        content: &'static str,
        visitor: V,
    ) -> Result<V::Value, TraceError> {
        self.tracer.adjacent.insert(name.to_owned(), (tag, content));
        let mut variant = None;
        let mut payload = None;
        let value = visitor.visit_map(Adjacent {
            tracer: self.tracer,
            name,
            keys: [tag, content],
            variant: &mut variant,
            payload: &mut payload,
            next: 0,
        });
        if let (Some((variant, _)), Some(payload)) = (variant, payload) {
            let mut definition = BTreeMap::new();
            definition.insert(variant.to_owned(), payload);
            self.record(Format::Named(name.to_owned()))
                .define(name, Definition::Enum(definition));
        }
        value
    }

    /// An internally tagged enum, which serde reads as any document and
    /// whose tag, variants and fields it names only in its errors: the
    /// first runs learn the tag (from the error of a document without
    /// one), then the variants (from the error of a tag that names
    /// none), then each variant's required fields, given strings. The
    /// fields' formats stay unknown: serde reads them from its own buffer,
    /// not from the tracer.
    fn tagged_enum<'de, V: Visitor<'de>>(
        self,
        name: String,
        visitor: V,
    ) -> Result<V::Value, TraceError> {
        self.tracer.tagged_pending = None;
        let tag = self.tracer.tags.get(&name).copied();
        let variants = self.tracer.tagged_variants.get(&name).copied();
        let (Some(tag), Some(variants)) = (tag, variants) else {
            let mut value = visitor.visit_map(Tagged {
                tag,
                variant: "",
                fields: &[],
                next: 0,
            });
            if let (Err(TraceError(_, clue)), None) = (&mut value, &self.tracer.replay) {
                match (*clue, tag) {
                    (Some(Clue::Missing(field)), None) => {
                        self.tracer.tags.insert(name, field);
                        *clue = None;
                    }
                    (Some(Clue::Variants(all)), Some(_)) if !all.is_empty() => {
                        self.tracer.tagged_variants.insert(name, all);
                        *clue = None;
                    }
                    _ => {}
                }
            }
            return value;
        };
        let variant = variants[self.tracer.choose(&name, variants.len())?];
        let pending = format!("{name}::{variant}");
        let fields = self
            .tracer
            .flattened
            .get(&pending)
            .cloned()
            .unwrap_or_default();
        let value = visitor.visit_map(Tagged {
            tag: Some(tag),
            variant,
            fields: &fields,
            next: 0,
        })?;
        self.tracer.tagged_pending = Some(pending);
        if self.tracer.replay.is_none() {
            let payload = fields
                .iter()
                .map(|field| {
                    (
                        (*field).to_owned(),
                        Field {
                            format: Format::Any,
                            optional: false,
                        },
                    )
                })
                .collect();
            let mut definition = BTreeMap::new();
            definition.insert(variant.to_owned(), Definition::Struct(payload));
            self.record(Format::Named(name.clone()))
                .define(&name, Definition::Enum(definition));
        }
        Ok(value)
    }
}

/// A traced field: optional when its format is an `Option` (the other
/// fields a document may leave out are found by leaving each out).
fn field(name: &str, format: Format) -> (String, Field) {
    let optional = matches!(format, Format::Option(_));
    (name.to_owned(), Field { format, optional })
}

/// The document an internally tagged enum's reader is given: its tag
/// naming `variant`, and each field learned, holding a string.
struct Tagged<'f> {
    tag: Option<&'static str>,
    variant: &'static str,
    fields: &'f [&'static str],
    next: usize,
}

impl<'de> MapAccess<'de> for Tagged<'_> {
    type Error = TraceError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, TraceError> {
        let key = match (self.tag, self.next) {
            (None, _) => None,
            (Some(tag), 0) => Some(tag),
            (Some(_), next) => self.fields.get(next - 1).copied(),
        };
        key.map(|key| seed.deserialize(IntoDeserializer::<TraceError>::into_deserializer(key)))
            .transpose()
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, TraceError> {
        let value = match self.next.checked_sub(1) {
            None => self.variant,
            Some(field) => self.fields.get(field).copied().unwrap_or_default(),
        };
        self.next += 1;
        seed.deserialize(IntoDeserializer::<TraceError>::into_deserializer(value))
    }
}

/// The document an adjacently tagged enum's reader is given: its tag,
/// then its content.
struct Adjacent<'t, 'f> {
    tracer: &'t mut Tracer,
    name: &'static str,
    keys: [&'static str; 2],
    /// The variant the tag named (with its index), and its payload once
    /// read.
    variant: &'f mut Option<(&'static str, usize)>,
    payload: &'f mut Option<Definition>,
    next: usize,
}

impl<'de> MapAccess<'de> for Adjacent<'_, '_> {
    type Error = TraceError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, TraceError> {
        self.keys
            .get(self.next)
            .map(|key| seed.deserialize(IntoDeserializer::<TraceError>::into_deserializer(*key)))
            .transpose()
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, TraceError> {
        self.next += 1;
        if self.next == 1 {
            return seed.deserialize(TagValue {
                tracer: self.tracer,
                name: self.name,
                variant: self.variant,
            });
        }
        self.tracer.variant_payload = None;
        self.tracer.variant_owner = None;
        let mut format = Format::Any;
        // On the stack while its payload is read, not while its variant
        // is chosen: a choice inside the enum's own payload is a
        // recursion's.
        let index = self.variant.map(|(_, index)| index);
        self.tracer.enter(self.name, index)?;
        let value = seed.deserialize(Sample {
            tracer: self.tracer,
            out: &mut format,
        });
        self.tracer.leave();
        let value = value?;
        // A unit or struct variant's reader says which it is; any other
        // payload is one value, a tuple variant's a tuple.
        if let (Some(owner), Some((variant, _))) = (self.tracer.variant_owner.take(), *self.variant)
        {
            self.tracer
                .payload_sites
                .insert(owner, (self.name.to_owned(), variant.to_owned()));
        }
        *self.payload = Some(match self.tracer.variant_payload.take() {
            Some(payload) => payload,
            None => match format {
                Format::Tuple(items) => Definition::Tuple(items),
                format => Definition::Newtype(format),
            },
        });
        Ok(value)
    }
}

/// The tag of an adjacently tagged enum, which serde reads as a unit
/// variant of the enum: it names the variant the run chose.
struct TagValue<'t, 'f> {
    tracer: &'t mut Tracer,
    name: &'static str,
    variant: &'f mut Option<(&'static str, usize)>,
}

impl<'de> Deserializer<'de> for TagValue<'_, '_> {
    type Error = TraceError;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, TraceError> {
        Err(de::Error::custom(format_args!(
            "the tag of `{}` is read as no variant",
            self.name
        )))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TraceError> {
        if variants.is_empty() {
            return Err(de::Error::custom(format_args!(
                "the enum `{}` has no variant",
                self.name
            )));
        }
        let index = self.tracer.choose(self.name, variants.len())?;
        let variant = variants[index];
        *self.variant = Some((variant, index));
        visitor.visit_enum(IntoDeserializer::<TraceError>::into_deserializer(variant))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

/// The name of the type a visitor reads, from what serde's derive says it
/// expects: "struct Name" for a struct with a flattened field (read as a
/// map), "internally tagged enum Name" (read as any).
fn expected_type<'de, V: Visitor<'de>>(visitor: &V, kind: &str) -> Option<String> {
    let expecting = format!("{}", visitor as &dyn de::Expected);
    expecting
        .strip_prefix(kind)
        .filter(|name| !name.is_empty() && !name.contains(char::is_whitespace))
        .map(str::to_owned)
}

struct Items<'t, 'f> {
    tracer: &'t mut Tracer,
    items: &'f mut [Format],
    next: usize,
}

impl<'de> SeqAccess<'de> for Items<'_, '_> {
    type Error = TraceError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, TraceError> {
        let Some(out) = self.items.get_mut(self.next) else {
            return Ok(None);
        };
        self.next += 1;
        seed.deserialize(Sample {
            tracer: self.tracer,
            out,
        })
        .map(Some)
    }
}

struct Entries<'t, 'f> {
    tracer: &'t mut Tracer,
    key: &'f mut Format,
    value: &'f mut Format,
    left: usize,
}

impl<'de> MapAccess<'de> for Entries<'_, '_> {
    type Error = TraceError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, TraceError> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        seed.deserialize(Sample {
            tracer: self.tracer,
            out: self.key,
        })
        .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, TraceError> {
        seed.deserialize(Sample {
            tracer: self.tracer,
            out: self.value,
        })
    }
}

/// A struct's fields, each key given once with a sample value, in the
/// order `order` gives their indices.
struct Fields<'t, 'f> {
    tracer: &'t mut Tracer,
    /// The struct whose fields these are; `None` for a struct read as a
    /// map, which has no aliases to find.
    owner: Option<&'static str>,
    fields: &'f [&'static str],
    order: &'f [usize],
    formats: &'f mut [Format],
    next: usize,
    /// A field index to give twice after the named fields.
    probe: Option<&'f mut Probe>,
}

/// A key given after the known fields of a struct read as a map, to learn
/// a field serde names nowhere.
struct Probe {
    key: Key,
    /// How many times the key was given.
    given: u8,
    /// Whether serde took it for none of the struct's fields (ignored an
    /// index past the last, or buffered a name for a flattened field).
    ended: bool,
}

#[derive(Clone, Copy)]
enum Key {
    /// A field index, given twice: the second time serde names the field
    /// in its duplicate error.
    Index(usize),
    /// A name, given once: a field's if serde reads its value as one; with
    /// its place among the names tried.
    Name(&'static str, usize),
}

/// A key that is a field's index, as in a struct read from a sequence.
struct IndexKey(usize);

impl<'de> Deserializer<'de> for IndexKey {
    type Error = TraceError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TraceError> {
        visitor.visit_u64(self.0 as u64)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

impl<'de> MapAccess<'de> for Fields<'_, '_> {
    type Error = TraceError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, TraceError> {
        match self.order.get(self.next).map(|index| self.fields[*index]) {
            Some(field) => {
                self.tracer.last_field = field;
                if let Some(owner) = self.owner {
                    self.tracer.last_key = Some((owner, field));
                }
                seed.deserialize(IntoDeserializer::<TraceError>::into_deserializer(field))
                    .map(Some)
            }
            None => match &mut self.probe {
                Some(probe) if !probe.ended => match probe.key {
                    Key::Index(index) if probe.given < 2 => {
                        probe.given += 1;
                        seed.deserialize(IndexKey(index)).map(Some)
                    }
                    Key::Name(name, _) if probe.given < 1 => {
                        probe.given += 1;
                        self.tracer.last_field = name;
                        seed.deserialize(IntoDeserializer::<TraceError>::into_deserializer(name))
                            .map(Some)
                    }
                    _ => Ok(None),
                },
                _ => Ok(None),
            },
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, TraceError> {
        if self.next >= self.order.len() {
            if let Some(probe) = &mut self.probe {
                let mut format = Format::Any;
                let depth = self.tracer.probe_depth.replace(self.tracer.stack.len());
                self.tracer.ignored = false;
                self.tracer.buffered = false;
                let value = seed.deserialize(Sample {
                    tracer: self.tracer,
                    out: &mut format,
                });
                probe.ended = match probe.key {
                    Key::Index(_) => std::mem::take(&mut self.tracer.ignored),
                    Key::Name(..) => std::mem::take(&mut self.tracer.buffered),
                };
                self.tracer.probe_depth = depth;
                return value;
            }
        }
        let index = self.order.get(self.next).copied().unwrap_or(usize::MAX);
        self.next += 1;
        let out = self
            .formats
            .get_mut(index)
            .ok_or_else(|| de::Error::custom("a value asked for before its key"))?;
        seed.deserialize(Sample {
            tracer: self.tracer,
            out,
        })
    }
}

/// The variant a run chose, and its payload.
struct Choice<'t, 'f> {
    tracer: &'t mut Tracer,
    /// The enum.
    name: &'static str,
    variant: &'static str,
    payload: &'f mut Definition,
}

impl<'de, 't, 'f> EnumAccess<'de> for Choice<'t, 'f> {
    type Error = TraceError;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self), TraceError> {
        let value = seed.deserialize(IntoDeserializer::<TraceError>::into_deserializer(
            self.variant,
        ))?;
        Ok((value, self))
    }
}

impl<'de> VariantAccess<'de> for Choice<'_, '_> {
    type Error = TraceError;

    fn unit_variant(self) -> Result<(), TraceError> {
        *self.payload = Definition::Unit;
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<T::Value, TraceError> {
        let mut inner = Format::Any;
        let value = seed.deserialize(Sample {
            tracer: self.tracer,
            out: &mut inner,
        });
        *self.payload = Definition::Newtype(inner);
        value
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, TraceError> {
        let mut items = vec![Format::Any; len];
        let value = visitor.visit_seq(Items {
            tracer: self.tracer,
            items: &mut items,
            next: 0,
        });
        *self.payload = Definition::Tuple(items);
        value
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TraceError> {
        // Each field is left out once, on the road of the run that first
        // chose the variant, as a struct's (see `trace`).
        let owner = format!("{}::{}", self.name, self.variant);
        let run = self.tracer.choices.len() - 1;
        self.tracer.first_run.entry(owner.clone()).or_insert(run);
        for field in fields {
            self.tracer.field_names.insert((*field).to_owned(), field);
        }
        let omitted = match &self.tracer.omit {
            Some((omit_owner, field)) if *omit_owner == owner => Some(*field),
            _ => None,
        };
        let mut formats = vec![Format::Any; fields.len()];
        let order = self.tracer.order(self.variant, fields, omitted);
        let value = visitor.visit_map(Fields {
            tracer: self.tracer,
            owner: Some(self.variant),
            fields,
            order: &order,
            formats: &mut formats,
            next: 0,
            probe: None,
        });
        if omitted.is_some() && self.tracer.omission_failed.is_none() {
            self.tracer.omission_failed = Some(value.is_err());
        }
        self.tracer
            .payload_sites
            .insert(owner, (self.name.to_owned(), self.variant.to_owned()));
        *self.payload = Definition::Struct(
            order
                .iter()
                .filter(|index| Some(fields[**index]) != omitted)
                .map(|index| (fields[*index], formats[*index].clone()))
                .map(|(name, format)| field(name, format))
                .collect(),
        );
        value
    }
}
