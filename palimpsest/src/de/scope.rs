//! The version of the document being read, for the embedded types inside
//! it (structs, and enums, whose variants an old document may name
//! differently: an externally tagged value has its variant renamed as it
//! is read and its payload streamed, or, where every change is a rename,
//! reads itself, old names as aliases (`aliased.rs`); any other is
//! captured whole, small as it mostly is, and migrated as the tree engine
//! does).
//! serde hands a nested `Deserialize` no context, so the root's reader
//! says it through a thread-local: while it reads the value of a field
//! that holds embedded types, and only then, the site of that field is in
//! scope, with the document's version. An embedded type's `Deserialize`
//! takes it: none, or nothing to change, and it reads straight into the
//! struct; an older version, and it reads through [`EmbeddedMap`], which
//! streams the keys no change touches and migrates the few it captures at
//! the end of the object, as the root's reader does. It puts its own
//! embedded fields in scope in turn, and nothing else: a value at any other
//! position reads as current, as the tree engine, which only visits the
//! sites, leaves it.
//!
//! Values an object loses are kept under its exact path (`steps[3]`),
//! which a reader learns by counting: the objects of a field are its value
//! or the elements of its array, in order. Where counting cannot tell
//! (arrays of arrays, map values, optional elements), a root that keeps
//! values captures the field instead, and the tree engine, which knows
//! every path, migrates it. Reports need no exact path: they list what
//! ran by report paths (`steps[].thought -> steps[].reasoning`).

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;
use std::rc::Rc;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer, StrDeserializer};
use serde::de::{
    DeserializeSeed, Deserializer, EnumAccess, Error as _, IgnoredAny, MapAccess, SeqAccess,
    Unexpected, VariantAccess, Visitor,
};
use serde::{forward_to_deserialize_any, Deserialize};
use serde_json::{map, Map, Value};

use super::capture;
use super::seed::{hand_on_key, KeySeed, StreamedStamp};
use super::take::{TakeOutSeed, TakeOutSlot};
use super::watched::read_current;
use super::{Context, Mode};
use crate::embedded::{
    Counted, Embedded, EmbeddedHistory, Handling, KeyPlan, KeyTable, Mark, Migration, Site, TakeOut,
};
use crate::error::Error;
use crate::object::Object;
use crate::schema::Schema;
use crate::version::Version;

mod aliased;
mod keeping;

use keeping::{KeepingMap, PayloadSite, Place};

thread_local! {
    /// The embedded type expected in the value being read, if any.
    static SITE: Cell<Option<ScopeSite>> = const { Cell::new(None) };
    /// Whether `SITE` may hold one: what every embedded object of a
    /// current document asks, kept apart because a thread-local without a
    /// destructor is the cheaper to reach. Set by [`Scoped`] only, so an
    /// embedded object that takes the site out ([`Held`]) leaves it be.
    static IN_SCOPE: Cell<bool> = const { Cell::new(false) };
}

/// An embedded type expected in the value being read, and the migration
/// the document it is in goes through.
///
/// Its paths are the migration's cursor (`Migration::here`): stepped into
/// the field as the site is made, and back as it is dropped, the objects
/// read in between stepping further in and back in turn. Reads nest, so
/// nothing is copied per object.
struct ScopeSite {
    history: &'static EmbeddedHistory,
    /// What its objects' readers do with each key: found once per field.
    table: &'static KeyTable,
    /// How an object learns its exact path; `None` when it cannot.
    counted: Option<Counted>,
    /// The index of the next element, for `Counted::Element`.
    next: usize,
    migration: Rc<Migration>,
    /// Where the cursor stood before the field.
    back: Mark,
}

impl ScopeSite {
    /// The site of the payload the `index`th site of this enum's history
    /// holds, where it changes something or keeps what no field claims;
    /// `None` where it is current. Asked of the table before the cursor
    /// steps in.
    #[inline]
    fn payload_site(&self, index: usize) -> Option<PayloadSite<'_>> {
        let table = self.table.child(self.history, index, &self.migration);
        table.migrates.then(|| PayloadSite {
            child: &self.history.sites()[index],
            table,
            migration: &self.migration,
        })
    }

    /// The site of the value of `key`, a field of the object the cursor
    /// stands at.
    #[inline]
    fn new(
        site: &'static Site,
        key: &str,
        table: &'static KeyTable,
        migration: &Rc<Migration>,
    ) -> Self {
        let mut here = migration.here.borrow_mut();
        let back = here.mark();
        here.enter(site, key);
        let history = site.history();
        ScopeSite {
            history,
            table,
            counted: site.counted(),
            next: 0,
            migration: Rc::clone(migration),
            back,
        }
    }

    /// Steps the cursor to the next object read here: where it stood,
    /// and the exact path it held if it swapped it, for a [`Here`]; `None`
    /// when it stays (a field's one object stands where the field does,
    /// and what its reader steps into it steps back out of).
    #[inline]
    fn next_object(&mut self) -> Option<(Mark, Option<String>)> {
        if self.counted == Some(Counted::Field) {
            return None;
        }
        let mut here = self.migration.here.borrow_mut();
        let back = here.mark();
        let saved = match self.counted {
            Some(Counted::Element) => {
                here.enter_element(self.next);
                self.next += 1;
                None
            }
            // Its exact path is not known: errors name the report path.
            _ => {
                let pattern = here.pattern_now().to_owned();
                Some(here.swap_exact(pattern))
            }
        };
        Some((back, saved))
    }

    #[cold]
    fn exact(&self) -> String {
        self.migration.here.borrow_mut().exact_now().to_owned()
    }

    /// The error of a key repeated at `below` in the value read here, which
    /// a tree would keep the last value of.
    #[cold]
    fn repeated<E: serde::de::Error>(&self, below: &str) -> E {
        repeated_here(&self.migration, below)
    }

    /// The items of an array read here whole, for the migration: a key
    /// repeated in one of them is refused.
    fn distinct_items<'de, A: SeqAccess<'de>>(&self, seq: A) -> Result<Vec<Value>, A::Error> {
        match capture::distinct_items(seq)? {
            (items, None) => Ok(items),
            (_, Some(below)) => Err(self.repeated(&below)),
        }
    }
}

impl Drop for ScopeSite {
    #[inline]
    fn drop(&mut self) {
        if let Ok(mut here) = self.migration.here.try_borrow_mut() {
            here.back_to(self.back);
        }
    }
}

/// An object being read: the cursor stands at it until this is dropped.
struct Here<'m> {
    migration: &'m Migration,
    back: Mark,
    /// The exact path the cursor held, where the object's is not known.
    saved: Option<String>,
}

impl Drop for Here<'_> {
    #[inline]
    fn drop(&mut self) {
        if let Ok(mut here) = self.migration.here.try_borrow_mut() {
            if let Some(saved) = self.saved.take() {
                here.swap_exact(saved);
            }
            here.back_to(self.back);
        }
    }
}

/// Puts a site in scope until dropped; then what was in scope before is
/// again.
pub(super) struct Scoped {
    previous: Option<ScopeSite>,
    was_in_scope: bool,
}

impl Scoped {
    #[inline]
    fn enter(site: ScopeSite) -> Self {
        Scoped {
            was_in_scope: IN_SCOPE.with(|flag| flag.replace(true)),
            previous: SITE.with(|cell| cell.replace(Some(site))),
        }
    }
}

impl Drop for Scoped {
    #[inline]
    fn drop(&mut self) {
        SITE.with(|cell| cell.set(self.previous.take()));
        IN_SCOPE.with(|flag| flag.set(self.was_in_scope));
    }
}

/// The site in scope, taken out while an embedded object reads its own
/// fields (they are not where the site is), and put back when dropped.
/// `IN_SCOPE` stays set: an embedded value read meanwhile finds no site
/// and reads as current, one thread-local fewer to change per object.
struct Held(Option<ScopeSite>);

impl Held {
    #[inline]
    fn take() -> Self {
        Held(SITE.with(Cell::take))
    }
}

impl Drop for Held {
    #[inline]
    fn drop(&mut self) {
        SITE.with(|cell| cell.set(self.0.take()));
    }
}

/// The site of a root whose reader streams its fields: what it puts in
/// scope for the fields that hold embedded types.
pub(super) struct Probes {
    schema: &'static Schema,
    /// Known when the version came first and is older than the current
    /// one; while it is not known, those fields are captured instead and
    /// migrated with the rest by the tree engine.
    migration: Option<Rc<Migration>>,
}

impl Probes {
    /// The probes of a root whose reader has seen `captured` (the version
    /// entry when it came first); `None` when the root holds no embedded
    /// type. Embedded readers record what they do in the read's context.
    pub(super) fn new(
        schema: &'static Schema,
        stamp: Option<&StreamedStamp<'_>>,
        cx: &mut Context,
    ) -> Option<Self> {
        schema.nested.as_ref()?;
        // What embedded readers do is recorded only for a report someone reads.
        let wants_report = cx.wants_report;
        let sink = cx.nested.get_or_insert_with(|| {
            let sink = crate::embedded::Sink::default();
            if wants_report {
                *sink.applied.borrow_mut() = crate::step::Applied::recording();
            }
            Rc::new(sink)
        });
        let from = match stamp {
            Some(stamp) if cx.mode == Mode::Migrate => stamp
                .detect(schema)
                .ok()
                .filter(|from| from != schema.current()),
            _ => None,
        };
        Some(Probes {
            schema,
            migration: from.map(|from| Rc::new(Migration::new(from, schema, Rc::clone(sink)))),
        })
    }

    /// The version of the document, when known and older than the current.
    pub(super) fn from(&self) -> Option<&Version> {
        self.migration.as_ref().map(|migration| &migration.from)
    }

    /// Whether the value of `key` must be captured: it holds embedded
    /// types, and the version they would be read at is not known yet, or
    /// they need exact paths (for the values they lose) that a reader
    /// cannot count.
    pub(super) fn defers(&self, key: &str) -> bool {
        let Some(nested) = &self.schema.nested else {
            return false;
        };
        nested.site(key).is_some_and(|site| match &self.migration {
            None => true,
            Some(migration) => migration.keeps && site.counted().is_none(),
        })
    }

    /// Puts in scope, while the value of `key` is read, the embedded type
    /// it holds, if the document's version is known to be older.
    pub(super) fn enter(&self, key: &str) -> Option<Scoped> {
        let migration = self.migration.as_ref()?;
        let site = self.schema.nested.as_ref()?.site(key)?;
        let table = migration.table(site.history());
        Some(Scoped::enter(ScopeSite::new(site, key, table, migration)))
    }
}

/// The `Deserialize` of a `#[versioned(embedded)]` type: read as current,
/// unless a root in scope expects it at an older version.
///
/// # Errors
///
/// Whatever the format reports, and every migration error as a custom error
/// carrying its full message.
pub fn deserialize_embedded<'de, T, D>(deserializer: D) -> Result<T, D::Error>
where
    T: Embedded + Deserialize<'de>,
    D: Deserializer<'de>,
{
    if !IN_SCOPE.with(Cell::get) {
        return read_current(deserializer);
    }
    read_in_scope(deserializer)
}

/// The rest of [`deserialize_embedded`], out of line: a current document
/// runs none of it, and an old one runs one of its ways per object, each
/// in a function of its own, so the instruction cache holds only those
/// (per step of a trace: the step's reader and its action's).
#[inline(never)]
fn read_in_scope<'de, T, D>(deserializer: D) -> Result<T, D::Error>
where
    T: Embedded + Deserialize<'de>,
    D: Deserializer<'de>,
{
    // Taken out of scope: the type's own fields are not where the site is.
    let mut taken = Held::take();
    let step = taken
        .0
        .as_mut()
        .filter(|site| std::ptr::eq(site.history, T::history()))
        .map(ScopeSite::next_object);
    // With nothing to change here, nor any value to keep, it is current.
    let migrates = taken.0.as_ref().is_some_and(|site| site.table.migrates);
    let (Some(step), Some(site)) = (step, taken.0.as_ref()) else {
        drop(taken);
        return read_current_out_of_line(deserializer);
    };
    let _here = step.map(|(back, saved)| Here {
        migration: &site.migration,
        back,
        saved,
    });
    if !migrates {
        return read_current_out_of_line(deserializer);
    }
    if site.table.aliased {
        return aliased::read_aliased(deserializer, site);
    }
    if site.history.is_enum() {
        let visitor = EnumVisitor {
            site,
            _type: PhantomData,
        };
        read_older(deserializer, visitor)
    } else {
        let visitor = EmbeddedVisitor {
            site,
            _type: PhantomData,
        };
        read_older(deserializer, visitor)
    }
}

/// [`read_current`], for a value in scope that has nothing to change:
/// rare on the way through an old document, so kept apart from the ways
/// that migrate.
#[inline(never)]
fn read_current_out_of_line<'de, T, D>(deserializer: D) -> Result<T, D::Error>
where
    T: Embedded + Deserialize<'de>,
    D: Deserializer<'de>,
{
    read_current(deserializer)
}

/// An object at an older version, read by the visitor of its kind: a
/// function of its own per kind, so an enum's reading and a struct's do
/// not share (and crowd) one body.
#[inline(never)]
fn read_older<'de, D: Deserializer<'de>, V: Visitor<'de>>(
    deserializer: D,
    visitor: V,
) -> Result<V::Value, D::Error> {
    deserializer.deserialize_any(visitor)
}

/// An enum's value at an older version: a string no change acts on (most
/// unit variants) is read as it is; any other is captured, migrated with
/// the code of the tree engine, and read as current.
struct EnumVisitor<'s, T> {
    site: &'s ScopeSite,
    _type: PhantomData<T>,
}

impl<'de, T> EnumVisitor<'_, T>
where
    T: Embedded + Deserialize<'de>,
{
    #[inline(never)]
    fn migrate<E: serde::de::Error>(self, mut value: Value) -> Result<T, E> {
        let site = self.site;
        let migrated = site.migration.migrate_value(
            &mut value,
            site.history,
            &mut site.migration.here.borrow_mut(),
        );
        if let Err(error) = migrated {
            let message = E::custom(&error);
            site.migration.sink.fail(error);
            return Err(message);
        }
        T::deserialize_current(value).map_err(E::custom)
    }

    /// A map captured whole, its first key read: a key met twice in it is
    /// refused, the tree keeping only the last value.
    #[inline(never)]
    fn migrate_whole<A: MapAccess<'de>>(
        self,
        name: Cow<'de, str>,
        mut map: A,
    ) -> Result<T, A::Error> {
        let site = self.site;
        let mut object = Map::new();
        let mut next = Some(name);
        while let Some(key) = next.take() {
            let (value, repeat) = capture::next_distinct(&mut map)?;
            if let Some(below) = repeat {
                return Err(site.repeated(&capture::joined_below(&key, &below)));
            }
            if object.contains_key(key.as_ref()) {
                return Err(site.repeated(&key));
            }
            object.insert(key.into_owned(), value);
            next = map.next_key_seed(KeySeed)?;
        }
        self.migrate(Value::Object(object))
    }
}

/// A value no change can act on, read as current.
macro_rules! as_current {
    ($($method:ident($ty:ty)),* $(,)?) => {
        $(
            #[inline(never)]
            fn $method<E: serde::de::Error>(self, v: $ty) -> Result<T, E> {
                T::deserialize_current(Value::from(v)).map_err(E::custom)
            }
        )*
    };
}

impl<'de, T> Visitor<'de> for EnumVisitor<'_, T>
where
    T: Embedded + Deserialize<'de>,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a `{}` value", self.site.history.type_name())
    }

    #[inline(never)]
    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<T, E> {
        if self.site.history.changes_string(text) {
            self.migrate(Value::String(text.to_owned()))
        } else {
            T::deserialize_current(StrDeserializer::new(text))
        }
    }

    /// Externally tagged, `{"<name>": payload}`, the variant renamed as its
    /// name is read and the payload streamed with its own changes in scope,
    /// as a field's value is; any other map, or a variant a version
    /// removes, captured whole.
    #[inline]
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let site = self.site;
        let Some(name) = map.next_key_seed(KeySeed)? else {
            return self.migrate(Value::Object(Map::new()));
        };
        let streamed = site
            .migration
            .variant_name(site.table, site.history, &name)
            .map(|now| {
                // The table plans every name a site reads, with its site:
                // one hashed lookup, not every site's names compared.
                let payload = site.table.plan(now).site;
                (
                    now,
                    payload.map(|index| (index, &site.history.sites()[index])),
                )
            })
            // A payload whose objects need exact paths no reader counts is
            // left to the tree engine, which knows them.
            .filter(|(_, payload)| {
                !payload.is_some_and(|(_, child)| site.migration.keeps && child.counted().is_none())
            });
        let Some((now, payload)) = streamed else {
            return self.migrate_whole(name, map);
        };
        let payload = payload.and_then(|(index, _)| site.payload_site(index));
        let value = T::deserialize_current(Variant {
            name: now,
            map: &mut map,
            payload,
        })?;
        match map.next_key::<IgnoredAny>()? {
            None => Ok(value),
            Some(_) => Err(A::Error::invalid_value(
                Unexpected::Map,
                &"map with a single key",
            )),
        }
    }

    #[inline(never)]
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
        let items = self.site.distinct_items(seq)?;
        self.migrate(Value::Array(items))
    }

    #[inline(never)]
    fn visit_unit<E: serde::de::Error>(self) -> Result<T, E> {
        T::deserialize_current(Value::Null).map_err(E::custom)
    }

    as_current!(
        visit_bool(bool),
        visit_i64(i64),
        visit_u64(u64),
        visit_f64(f64)
    );
}

/// `<path>.<key>`.
fn joined(path: &str, key: &str) -> String {
    let mut joined = String::with_capacity(path.len() + 1 + key.len());
    joined.push_str(path);
    joined.push('.');
    joined.push_str(key);
    joined
}

/// An externally tagged enum's value whose variant is already renamed:
/// its payload is read from the rest of the map, with the site of the
/// variant (a struct variant's fields, or the embedded type of a newtype
/// variant) in scope.
struct Variant<'n, 'm, A> {
    name: &'n str,
    map: &'m mut A,
    payload: Option<PayloadSite<'n>>,
}

impl<'de, A: MapAccess<'de>> Deserializer<'de> for Variant<'_, '_, A> {
    type Error = A::Error;

    #[inline]
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, A::Error> {
        visitor.visit_enum(self)
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

impl<'de, A: MapAccess<'de>> EnumAccess<'de> for Variant<'_, '_, A> {
    type Error = A::Error;
    type Variant = Self;

    #[inline]
    fn variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<(S::Value, Self), A::Error> {
        let name = seed.deserialize(StrDeserializer::<A::Error>::new(self.name))?;
        Ok((name, self))
    }
}

impl<'de, A: MapAccess<'de>> VariantAccess<'de> for Variant<'_, '_, A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.map.next_value()
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, A::Error> {
        let _scoped = PayloadSite::enter(self.payload, self.name);
        self.map.next_value_seed(seed)
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(Payload {
            visitor,
            shape: PayloadShape::Tuple(len),
        })
    }

    #[inline]
    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        let shape = PayloadShape::Struct(StructShape::of(self.payload, self.name), fields);
        self.map.next_value_seed(Payload { visitor, shape })
    }
}

/// How a variant's payload is read.
enum PayloadShape<'n> {
    Tuple(usize),
    Struct(StructShape<'n>, &'static [&'static str]),
}

/// How a struct variant's payload is read.
enum StructShape<'n> {
    /// As it is: nothing in it changes.
    Current,
    /// With nothing to change but what no field claims: its struct reads
    /// its keys, the ones it ignores kept.
    Keeping(Place<'n>),
    /// Its fields change: its keys go through an [`EmbeddedMap`], as an
    /// embedded struct's do.
    Changing(ScopeSite),
}

impl<'n> StructShape<'n> {
    /// The shape of the payload of the variant `name`, whose site is
    /// `payload` where it changes or keeps what no field claims.
    #[inline]
    fn of(payload: Option<PayloadSite<'n>>, name: &'n str) -> Self {
        match payload {
            Some(payload) if payload.table.keeps_only => {
                StructShape::Keeping(Place::Payload(payload, name, None))
            }
            Some(payload) => StructShape::Changing(payload.scope(name)),
            None => StructShape::Current,
        }
    }

    /// Reads the payload with `reader`, its struct's visitor wrapped as
    /// the shape has it.
    #[inline]
    fn read<'de, R, V>(
        self,
        reader: R,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, R::Error>
    where
        R: ReadsStruct<'de>,
        V: Visitor<'de>,
    {
        match self {
            StructShape::Current => reader.read_struct(fields, visitor),
            StructShape::Keeping(place) => {
                reader.read_struct(fields, KeepingPayload { visitor, place })
            }
            StructShape::Changing(site) => read_changing_payload(reader, site, fields, visitor),
        }
    }
}

/// What reads a struct variant's payload: a deserializer of the payload,
/// or the format's access to the variant.
trait ReadsStruct<'de> {
    type Error: serde::de::Error;

    fn read_struct<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error>;
}

/// A deserializer of a struct variant's payload.
struct PayloadOf<D>(D);

impl<'de, D: Deserializer<'de>> ReadsStruct<'de> for PayloadOf<D> {
    type Error = D::Error;

    #[inline]
    fn read_struct<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_struct("", fields, visitor)
    }
}

/// The format's access to a struct variant.
struct VariantOf<A>(A);

impl<'de, A: VariantAccess<'de>> ReadsStruct<'de> for VariantOf<A> {
    type Error = A::Error;

    #[inline]
    fn read_struct<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.0.struct_variant(fields, visitor)
    }
}

/// The payload of a variant, read by the enum's own visitor.
struct Payload<'n, V> {
    visitor: V,
    shape: PayloadShape<'n>,
}

impl<'de, V: Visitor<'de>> DeserializeSeed<'de> for Payload<'_, V> {
    type Value = V::Value;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        match self.shape {
            PayloadShape::Struct(shape, fields) => {
                shape.read(PayloadOf(deserializer), fields, self.visitor)
            }
            PayloadShape::Tuple(len) => read_tuple_payload(deserializer, len, self.visitor),
        }
    }
}

// The payload's rarer shapes each in a function of its own: the struct
// variant read as it is stays the whole of `Payload::deserialize`.
#[inline(never)]
fn read_tuple_payload<'de, D, V>(
    deserializer: D,
    len: usize,
    visitor: V,
) -> Result<V::Value, D::Error>
where
    D: Deserializer<'de>,
    V: Visitor<'de>,
{
    deserializer.deserialize_tuple(len, visitor)
}

/// A struct variant's payload whose fields change, read as serde reads a
/// struct: through its map, or its sequence where the format writes one.
#[inline(never)]
fn read_changing_payload<'de, R, V>(
    reader: R,
    site: ScopeSite,
    fields: &'static [&'static str],
    visitor: V,
) -> Result<V::Value, R::Error>
where
    R: ReadsStruct<'de>,
    V: Visitor<'de>,
{
    reader.read_struct(fields, ChangingPayload { visitor, site })
}

/// A struct variant's payload whose fields change: a map goes through an
/// [`EmbeddedMap`] to the enum's visitor, anything else to it as it is.
struct ChangingPayload<V> {
    visitor: V,
    site: ScopeSite,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for ChangingPayload<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }

    // The payload's one object: the cursor stands at the site's field.
    #[inline]
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.visitor
            .visit_map(&mut EmbeddedMap::new(map, &self.site))
    }

    #[inline(never)]
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_seq(seq)
    }
}

/// A struct variant's payload with nothing to change but what no field
/// claims: a map goes through a [`KeepingMap`] to the enum's visitor,
/// anything else to it as it is.
struct KeepingPayload<'n, V> {
    visitor: V,
    place: Place<'n>,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for KeepingPayload<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }

    #[inline]
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_map(KeepingMap::new(map, self.place))
    }

    #[inline(never)]
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_seq(seq)
    }
}

struct EmbeddedVisitor<'s, T> {
    site: &'s ScopeSite,
    _type: PhantomData<T>,
}

impl<'de, T> Visitor<'de> for EmbeddedVisitor<'_, T>
where
    T: Embedded + Deserialize<'de>,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a `{}` object", self.site.history.type_name())
    }

    #[inline]
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        if self.site.table.keeps_only {
            let reader = KeepingMap::new(map, Place::Here(self.site));
            return T::deserialize_current(MapAccessDeserializer::new(reader));
        }
        let mut reader = EmbeddedMap::new(map, self.site);
        T::deserialize_current(MapAccessDeserializer::new(&mut reader))
    }

    // serde reads a struct from a sequence too: there are no keys to
    // change. A positional tuple struct's changes are of its elements.
    #[inline(never)]
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
        if self.site.history.positional() {
            return read_elements(self.site, seq);
        }
        T::deserialize_current(SeqAccessDeserializer::new(seq))
    }

    // To a struct, serde's own error, as reading it as current gives.
    #[inline(never)]
    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<T, E> {
        T::deserialize_current(StrDeserializer::new(text))
    }
}

/// The array of a positional tuple struct at an older version: captured
/// (a tuple holds a few values), migrated as the tree engine migrates it,
/// then read as current.
fn read_elements<'de, T, A>(site: &ScopeSite, seq: A) -> Result<T, A::Error>
where
    T: Embedded + Deserialize<'de>,
    A: SeqAccess<'de>,
{
    let mut items = site.distinct_items(seq)?;
    let migrated = site.migration.migrate_elements(
        &mut items,
        site.history,
        &mut site.migration.here.borrow_mut(),
    );
    if let Err(error) = migrated {
        let message = A::Error::custom(&error);
        site.migration.sink.fail(error);
        return Err(message);
    }
    T::deserialize_current(Value::Array(items))
        .map_err(|e| A::Error::custom(format_args!("at `{}`: {e}", site.exact())))
}

/// The keys of an embedded object at an older version, as its struct reads
/// them: the keys no change touches straight from the input, with the
/// embedded fields in scope, renamed ones under their new names, the
/// source of a move with the moved value taken out, then the touched ones,
/// captured and migrated once the object ends, with the moved values.
struct EmbeddedMap<'de, 's, A> {
    inner: A,
    site: &'s ScopeSite,
    table: &'static KeyTable,
    /// Made on the first key captured: most objects capture none, and an
    /// empty map still costs its drop.
    captured: Option<Object>,
    /// After the input ends: the entries still to hand on.
    tail: Option<Tail>,
    tail_value: Option<Value>,
    /// The key just handed on, and its plan.
    key: Cow<'de, str>,
    plan: Option<&'static KeyPlan>,
    /// The renames and moves of the table met so far, a bit each.
    seen: u64,
    /// The values taken out of their objects, each with its move.
    taken: Taken,
}

/// The values an object's reader took out of its objects, each with its
/// move: mostly one, held without an allocation.
#[derive(Default)]
struct Taken {
    first: Option<(TakeOut, Value)>,
    more: Vec<(TakeOut, Value)>,
}

impl Taken {
    #[inline]
    fn push(&mut self, taken: (TakeOut, Value)) {
        if self.first.is_none() {
            self.first = Some(taken);
        } else {
            self.more.push(taken);
        }
    }

    #[inline]
    fn iter(&self) -> impl Iterator<Item = &(TakeOut, Value)> {
        self.first.iter().chain(&self.more)
    }

    /// The first value left, in the order they were taken.
    #[inline]
    fn next(&mut self) -> Option<(TakeOut, Value)> {
        match self.first.take() {
            Some(first) => Some(first),
            None if self.more.is_empty() => None,
            None => Some(self.more.remove(0)),
        }
    }
}

/// The entries an embedded object's reader hands on once its input ends.
enum Tail {
    /// The captured ones, migrated, moved values among them.
    Migrated(map::IntoIter),
    /// Only moved values, with nothing left to change: under their keys.
    /// They stay in the reader's [`Taken`]: moved into the tail, they cost
    /// a copy and a second drop per object.
    Moved,
}

impl<'de, 's, A: MapAccess<'de>> EmbeddedMap<'de, 's, A> {
    #[inline]
    fn new(inner: A, site: &'s ScopeSite) -> Self {
        EmbeddedMap {
            inner,
            site,
            table: site.table,
            captured: None,
            tail: None,
            tail_value: None,
            key: Cow::Borrowed(""),
            plan: None,
            seen: 0,
            taken: Taken::default(),
        }
    }

    /// Keeps the typed error for the root's reader and hands the format
    /// one with its message.
    #[cold]
    fn fail(&self, error: Error) -> A::Error {
        fail(&self.site.migration, error)
    }

    #[cold]
    fn repeated(&self, key: &str) -> A::Error {
        self.fail(Error::RepeatedKey {
            type_name: self.site.migration.root.type_name(),
            key: joined(&self.site.exact(), key),
        })
    }

    #[inline(never)]
    fn capture(&mut self, key: Cow<'de, str>) -> Result<(), A::Error> {
        let (value, repeat) = capture::next_distinct(&mut self.inner)?;
        if let Some(below) = repeat {
            return Err(self.repeated(&capture::joined_below(&key, &below)));
        }
        match self
            .captured
            .get_or_insert_with(Object::new)
            .entry(key.into_owned())
        {
            map::Entry::Vacant(entry) => {
                entry.insert(value);
                Ok(())
            }
            map::Entry::Occupied(entry) => {
                let key = entry.key().clone();
                Err(self.repeated(&key))
            }
        }
    }

    /// Marks a rename or move of the table met; a second key of its name
    /// is refused, as a repeated captured key is.
    fn see(&mut self, slot: u32, key: &str) -> Result<(), A::Error> {
        let bit = 1 << slot;
        if self.seen & bit != 0 {
            return Err(self.repeated(key));
        }
        self.seen |= bit;
        Ok(())
    }

    #[inline]
    fn finish(&mut self) -> Result<Tail, A::Error> {
        let site = self.site;
        // Nothing captured, and no change left to make: the object was
        // migrated as it was read. (Nothing at all to hand on goes this
        // way too.)
        if self.captured.is_none()
            && (self.table.streamed || (self.taken.first.is_none() && !self.table.changes))
        {
            for (take, _) in self.taken.iter() {
                site.migration.record_take_out(take);
            }
            return Ok(Tail::Moved);
        }
        self.finish_migrating()
    }

    /// The end of an object whose captured keys, or moved values, the
    /// migration's walk goes through: out of line, most objects of a
    /// document stream through.
    #[inline(never)]
    fn finish_migrating(&mut self) -> Result<Tail, A::Error> {
        let site = self.site;
        let mut captured = self.captured.take().unwrap_or_default();
        for plan in self.seen_plans() {
            if let Handling::Rename { rename, .. } = plan.handling {
                if captured.contains_key(rename.new) {
                    let error = site.migration.rename_conflict(&rename, &site.exact());
                    return Err(self.fail(error));
                }
            }
        }
        for (take, _) in self.taken.iter() {
            if captured.contains_key(take.to) {
                let error = site.migration.take_out_error(take, &site.exact(), None);
                return Err(self.fail(error));
            }
            site.migration.record_take_out(take);
        }
        while let Some((take, value)) = self.taken.next() {
            captured.insert(take.to.to_owned(), value);
        }
        if captured.is_empty() && !self.table.changes {
            return Ok(Tail::Migrated(captured.into_iter()));
        }
        let migrated = site.migration.migrate(
            &mut captured,
            site.history,
            &mut site.migration.here.borrow_mut(),
        );
        migrated.map_err(|error| self.fail(error))?;
        Ok(Tail::Migrated(captured.into_iter()))
    }

    /// The plans of the renames and moves met.
    fn seen_plans(&self) -> impl Iterator<Item = KeyPlan> + '_ {
        let seen = self.seen;
        self.table
            .slotted()
            .filter(move |(_, slot)| seen & (1 << slot) != 0)
            .map(|(plan, _)| plan)
    }

    #[inline]
    fn next_tail<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let next = match &mut self.tail {
            Some(Tail::Migrated(entries)) => {
                entries.next().map(|(key, value)| (Cow::Owned(key), value))
            }
            Some(Tail::Moved) => self
                .taken
                .next()
                .map(|(take, value)| (Cow::Borrowed(take.to), value)),
            None => None,
        };
        let Some((key, value)) = next else {
            return Ok(None);
        };
        self.tail_value = Some(value);
        self.key = key;
        seed.deserialize(StrDeserializer::<A::Error>::new(&self.key))
            .map(Some)
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for EmbeddedMap<'de, '_, A> {
    type Error = A::Error;

    #[inline]
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        if self.tail.is_some() {
            return self.next_tail(seed);
        }
        loop {
            let Some(key) = self.inner.next_key_seed(KeySeed)? else {
                self.tail = Some(self.finish()?);
                return self.next_tail(seed);
            };
            let plan = self.table.plan(&key);
            match plan.handling {
                Handling::Capture => {
                    self.capture(key)?;
                    continue;
                }
                Handling::Rename { ref rename, slot } => {
                    self.see(slot, rename.old)?;
                    self.site.migration.record_plain_rename(rename);
                    self.key = Cow::Borrowed(rename.new);
                }
                Handling::TakeOut { slot, .. } => {
                    self.see(slot, &key)?;
                    self.key = key;
                }
                Handling::Stream => self.key = key,
            }
            self.plan = Some(plan);
            return hand_on_key(seed, &self.key).map(Some);
        }
    }

    // Each value's seed gets its own copy of this: the rare ways stay out
    // of line, so the common one (a value read as it is) is all a read of
    // the field runs through, and what the instruction cache holds.
    #[inline]
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        if let Some(value) = self.tail_value.take() {
            return self.next_tail_value(value, seed);
        }
        match self.plan.take() {
            Some(plan)
                if plan.site.is_some() || matches!(plan.handling, Handling::TakeOut { .. }) =>
            {
                self.next_value_changing(plan, seed)
            }
            // Most values hold no embedded type: nothing in scope to drop.
            _ => self.inner.next_value_seed(seed),
        }
    }
}

impl<'de, A: MapAccess<'de>> EmbeddedMap<'de, '_, A> {
    /// A value of the tail, migrated already, embedded objects included:
    /// nothing in scope.
    #[inline(never)]
    fn next_tail_value<V: DeserializeSeed<'de>>(
        &self,
        value: Value,
        seed: V,
    ) -> Result<V::Value, A::Error> {
        seed.deserialize(value)
            .map_err(|e| A::Error::custom(format_args!("at `{}`: {e}", self.key)))
    }

    /// A value holding embedded types, or one a move takes a value out of.
    #[inline(never)]
    fn next_value_changing<V: DeserializeSeed<'de>>(
        &mut self,
        plan: &'static KeyPlan,
        seed: V,
    ) -> Result<V::Value, A::Error> {
        let site = self.site;
        if let Handling::TakeOut { take, .. } = &plan.handling {
            let take = *take;
            let mut taken = None;
            let value = self.inner.next_value_seed(TakeOutSeed {
                seed,
                out: TakeOutSlot {
                    take: &take,
                    migration: &site.migration,
                    value: &mut taken,
                },
            })?;
            if let Some(taken) = taken {
                self.taken.push((take, taken));
            }
            return Ok(value);
        }
        let Some(index) = plan.site else {
            return self.inner.next_value_seed(seed);
        };
        // The key as handed on, as the type names it: the cursor's frame
        // borrows that name.
        let name = match plan.handling {
            Handling::Rename { rename, .. } => rename.new,
            _ => plan.name,
        };
        let table = self.table.child(site.history, index, &site.migration);
        let held = &site.history.sites()[index];
        let child = ScopeSite::new(held, name, table, &site.migration);
        if table.aliased && table.migrates && held.holds_directly() {
            return self
                .inner
                .next_value_seed(aliased::AliasedSeed { seed, site: &child });
        }
        let _scoped = Scoped::enter(child);
        self.inner.next_value_seed(seed)
    }
}

/// The error of a key repeated at `below` in the value the cursor stands
/// at, which a tree would keep the last value of.
#[cold]
fn repeated_here<E: serde::de::Error>(migration: &Migration, below: &str) -> E {
    let exact = migration.here.borrow_mut().exact_now().to_owned();
    let error = Error::RepeatedKey {
        type_name: migration.root.type_name(),
        key: capture::joined_below(&exact, below),
    };
    fail(migration, error)
}

/// Keeps the typed error for the root's reader and hands the format one
/// with its message.
#[cold]
fn fail<E: serde::de::Error>(migration: &Migration, error: Error) -> E {
    let message = E::custom(&error);
    migration.sink.fail(error);
    message
}
