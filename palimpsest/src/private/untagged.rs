//! The variants of an untagged `#[versioned(embedded)]` enum, told to the
//! contract's tracer. serde reads such an enum into its own buffer and
//! tries each variant on a copy of it, out of the tracer's reach, so the
//! shape would know nothing of them; the macro knows each variant and its
//! payload type, and its `Deserialize` names them here just before serde
//! reads the value.

use serde::de::DeserializeOwned;

/// What `#[versioned(embedded)]` implements for an untagged enum.
pub trait UntaggedVariants {
    /// serde's name of the enum (after `#[serde(rename)]`).
    const NAME: &'static str;

    /// Tells `visitor` each variant, in the order serde tries them.
    fn variants<V: VariantVisitor>(visitor: &mut V);
}

/// What learns an untagged enum's variants.
pub trait VariantVisitor {
    /// A unit variant: `null`.
    fn unit(&mut self, name: &'static str);
    /// A newtype variant: its payload's value alone.
    fn newtype<T: DeserializeOwned>(&mut self, name: &'static str);
    /// A tuple variant, `T` the tuple of its fields: an array.
    fn tuple<T: DeserializeOwned>(&mut self, name: &'static str);
    /// A struct variant, whose fields no type of their own reads: its
    /// payload stays unknown.
    fn fields(&mut self, name: &'static str);
}

/// Called by the `Deserialize` of an untagged `#[versioned(embedded)]`
/// enum just before serde reads the value: a no-op unless a contract is
/// being traced on this thread.
#[inline]
pub fn reading_untagged<E: UntaggedVariants>() {
    #[cfg(feature = "contracts")]
    crate::contract::reading_untagged::<E>();
}
