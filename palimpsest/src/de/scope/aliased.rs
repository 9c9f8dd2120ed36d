//! An externally tagged enum at an older version whose variants changed
//! only by renames the enum reads as aliases ([`KeyTable::aliased`]): the
//! enum reads itself from the input with serde's own code, as from a
//! current document, an old variant name matched as the alias the derive
//! gave it. Only the variant's name is looked up, as it goes by: for the
//! report, and for its payload's site, read as [`Variant`](super::Variant)
//! reads it where the payload changes or keeps what no field claims.
//!
//! What it spares is [`EnumVisitor`](super::EnumVisitor)'s reading of the
//! name, the lookup of its new one, and the enum handed the new name
//! afterwards: one pass over the name instead of two, and no code of its
//! own between the format and the enum, per value of a trace's steps.
//!
//! [`KeyTable::aliased`]: crate::embedded::KeyTable

use std::cell::Cell;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, EnumAccess, VariantAccess, Visitor};
use serde::Deserialize;

use super::keeping::PayloadSite;
use super::{ScopeSite, StructShape, VariantOf};
use crate::de::current::{KeyHook, Watched};
use crate::embedded::Embedded;
use crate::forward::forward_deserialize_methods;

/// Reads the enum at `site`, an older version's, as [`KeyTable::aliased`]
/// allows.
///
/// [`KeyTable::aliased`]: crate::embedded::KeyTable
#[inline(never)]
pub(super) fn read_aliased<'de, T, D>(deserializer: D, site: &ScopeSite) -> Result<T, D::Error>
where
    T: Embedded + Deserialize<'de>,
    D: Deserializer<'de>,
{
    T::deserialize_current(AliasedEnum {
        inner: deserializer,
        site,
    })
}

/// The seed of a field whose value is such an enum itself: the field's
/// reader is handed the enum's deserializer, with no scope to put in place
/// and take out again.
pub(super) struct AliasedSeed<'s, S> {
    pub(super) seed: S,
    pub(super) site: &'s ScopeSite,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for AliasedSeed<'_, S> {
    type Value = S::Value;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.seed.deserialize(AliasedEnum {
            inner: deserializer,
            site: self.site,
        })
    }
}

/// The enum's deserializer: the enum asks for an enum, whose variant is
/// looked up; whatever else it asks for, its visitor is handed no enum.
struct AliasedEnum<'s, D> {
    inner: D,
    site: &'s ScopeSite,
}

impl<'s, D> AliasedEnum<'s, D> {
    #[inline]
    fn forward<'de, V, R>(
        self,
        visitor: V,
        call: impl FnOnce(D, AliasedVisitor<'s, V>) -> Result<R, D::Error>,
    ) -> Result<R, D::Error>
    where
        D: Deserializer<'de>,
    {
        let site = self.site;
        call(
            self.inner,
            AliasedVisitor {
                inner: visitor,
                site,
            },
        )
    }
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for AliasedEnum<'_, D> {
    type Error = D::Error;

    forward_deserialize_methods!();

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// The enum's visitor, handed its variant looked up.
struct AliasedVisitor<'s, V> {
    inner: V,
    site: &'s ScopeSite,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for AliasedVisitor<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    #[inline]
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.inner.visit_enum(AliasedVariant {
            inner: data,
            site: self.site,
            payload: None,
            name: "",
        })
    }

    crate::forward::with_leaf_visits!(forward_visit);
    crate::forward::with_text_visits!(forward_visit);
    crate::forward::forward_nested_visits!(visit_some, visit_newtype_struct, visit_seq, visit_map);
}

use crate::forward::forward_visit;

/// The enum's access, then its variant's: the variant's name is looked up
/// as it is read, its payload read with the site its current name has.
struct AliasedVariant<'s, A> {
    inner: A,
    site: &'s ScopeSite,
    /// The payload's site, where it changes or keeps what no field claims.
    payload: Option<PayloadSite<'s>>,
    /// The variant's current name, which the cursor's frame borrows.
    name: &'static str,
}

/// Looks the variant up as its name goes by, handing the name on as it
/// is: the enum reads an old name as its alias.
#[derive(Clone, Copy)]
struct VariantLooked<'s, 'c> {
    site: &'s ScopeSite,
    found: &'c Cell<Option<(&'static str, Option<PayloadSite<'s>>)>>,
}

impl KeyHook for VariantLooked<'_, '_> {
    // A variant named by its index (a format that writes no names) is
    // refused, as the reader of names refuses it: no lookup finds its
    // payload's site, which would be read as current, unmigrated.
    const REFUSES_OTHER_KEYS: bool = true;

    #[inline]
    fn check<E: serde::de::Error>(self, name: &str) -> Result<bool, E> {
        let site = self.site;
        // Every name a change acts on has a new one ([`KeyTable::aliased`]);
        // a name none acts on is current, and not looked for.
        let Some(now) = site.migration.variant_name(site.table, site.history, name) else {
            return Ok(true);
        };
        // The table plans every name a site reads, with its site, under the
        // name the type gives it, which the cursor's frame borrows.
        let plan = site.table.plan(now);
        if let Some(index) = plan.site {
            self.found.set(Some((plan.name, site.payload_site(index))));
        }
        Ok(true)
    }

    fn substitute(self) -> &'static str {
        ""
    }
}

impl<'de, 's, A: EnumAccess<'de>> EnumAccess<'de> for AliasedVariant<'s, A> {
    type Error = A::Error;
    type Variant = AliasedVariant<'s, A::Variant>;

    #[inline]
    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> Result<(S::Value, Self::Variant), A::Error> {
        let found = Cell::new(None);
        let hook = VariantLooked {
            site: self.site,
            found: &found,
        };
        let (value, variant) = self.inner.variant_seed(Watched { inner: seed, hook })?;
        let (name, payload) = found.get().unwrap_or(("", None));
        Ok((
            value,
            AliasedVariant {
                inner: variant,
                site: self.site,
                payload,
                name,
            },
        ))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for AliasedVariant<'_, A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.inner.unit_variant()
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, A::Error> {
        let _scoped = PayloadSite::enter(self.payload, self.name);
        self.inner.newtype_variant_seed(seed)
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.inner.tuple_variant(len, visitor)
    }

    #[inline]
    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        StructShape::of(self.payload, self.name).read(VariantOf(self.inner), fields, visitor)
    }
}
