//! Outside data for hand-written steps and conversions: a lookup table, a
//! clock, a tenant id, supplied by the caller of a read instead of kept in
//! a global.
//!
//! serde hands a `Deserialize` no context, and a step runs wherever the
//! document is read (the crate's functions, `serde_json::from_str`, deep
//! inside another value), so the caller's [`Context`] is put in scope for
//! the duration of a closure on the current thread ([`with_context`]), as
//! `with_report` collects a report. A step function states the type it
//! needs by taking `&C` as its last argument; a read that reaches it with
//! no `C` in scope fails with [`Error::MissingContext`](crate::Error::MissingContext)
//! (a conversion with [`ConvertError::MissingContext`](crate::ConvertError::MissingContext)),
//! naming the step and the type.

use std::any::{type_name, Any, TypeId};
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::error::BoxError;
use crate::object::Object;
use crate::ops::convert::{ConvertBody, ConvertError, ConvertFunction};
use crate::step::{OpError, StepBody, StepFunction, Typed};

type Entry = Arc<dyn Any + Send + Sync>;

/// Values a caller hands to the steps of a migration, one per type.
///
/// Cheap to clone (the values are shared), and `Send + Sync`, so one
/// context serves every thread of a bulk migration.
///
/// ```
/// use palimpsest::Context;
///
/// struct Tenant(&'static str);
///
/// let context = Context::new().with(Tenant("acme")).with(42_u32);
/// assert_eq!(context.get::<Tenant>().map(|t| t.0), Some("acme"));
/// assert_eq!(context.get::<u32>(), Some(&42));
/// assert!(context.get::<String>().is_none());
/// ```
#[derive(Clone, Default)]
pub struct Context {
    values: HashMap<TypeId, Entry>,
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("values", &self.values.len())
            .finish()
    }
}

impl Context {
    /// An empty context.
    #[must_use]
    pub fn new() -> Self {
        Context::default()
    }

    /// Adds `value`, replacing any earlier value of the same type.
    #[must_use]
    pub fn with<C: Any + Send + Sync>(mut self, value: C) -> Self {
        self.values.insert(TypeId::of::<C>(), Arc::new(value));
        self
    }

    /// The value of type `C`, if the context holds one.
    #[must_use]
    pub fn get<C: Any>(&self) -> Option<&C> {
        self.values.get(&TypeId::of::<C>())?.downcast_ref()
    }
}

thread_local! {
    /// The context of the read running on this thread, if its caller gave one.
    static CURRENT: RefCell<Option<Context>> = const { RefCell::new(None) };
}

/// Runs `run` with `context` in scope: every step and conversion that
/// runs inside it, on this thread, through any entry point (the crate's
/// functions, serde's, [`Schema::migrate`](crate::Schema::migrate)), can
/// take a value of the context by its type. Calls nest: the inner
/// context is in scope until its closure returns.
///
/// ```
/// use std::collections::HashMap;
/// use palimpsest::{versioned, Context};
/// use serde::{Deserialize, Serialize};
/// use serde_json::{Map, Value};
///
/// /// Country names by their old numeric code.
/// struct Countries(HashMap<u64, &'static str>);
///
/// fn name_country(doc: &mut Map<String, Value>, countries: &Countries) -> Result<(), String> {
///     let code = doc.remove("country_code").and_then(|v| v.as_u64()).ok_or("no country code")?;
///     let name = countries.0.get(&code).ok_or(format!("unknown country {code}"))?;
///     doc.insert("country".into(), Value::from(*name));
///     Ok(())
/// }
///
/// #[versioned(since = 1, version = 2, step(from = 1, to = 2, with = name_country))]
/// #[derive(Debug, Serialize, Deserialize)]
/// struct Address {
///     country: String,
/// }
///
/// let countries = Countries(HashMap::from([(33, "France")]));
/// let context = Context::new().with(countries);
/// let old = r#"{"schema_version": 1, "country_code": 33}"#;
/// let read = palimpsest::with_context(&context, || palimpsest::from_str::<Address>(old))?;
/// assert_eq!(read.value.country, "France");
///
/// // Without the table in scope the step cannot run, and says what it needs.
/// let err = palimpsest::from_str::<Address>(old).unwrap_err();
/// assert!(matches!(err, palimpsest::Error::MissingContext { .. }));
/// assert!(err.to_string().contains("step 1 -> 2 needs a context of type"), "{err}");
/// # Ok::<(), palimpsest::Error>(())
/// ```
pub fn with_context<R>(context: &Context, run: impl FnOnce() -> R) -> R {
    /// Puts the outer context back, even when `run` unwinds.
    struct Restore(Option<Context>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let outer = self.0.take();
            CURRENT.with(|current| *current.borrow_mut() = outer);
        }
    }
    let outer = CURRENT.with(|current| current.replace(Some(context.clone())));
    let _restore = Restore(outer);
    run()
}

/// A step function's value of type `C` from the context in scope, or the
/// name of the type it lacks.
pub(crate) fn lookup<C: Any + Send + Sync>() -> Result<Arc<C>, &'static str> {
    let entry = CURRENT.with(|current| {
        current
            .borrow()
            .as_ref()
            .and_then(|context| context.values.get(&TypeId::of::<C>()).cloned())
    });
    entry
        .and_then(|entry| entry.downcast::<C>().ok())
        .ok_or_else(type_name::<C>)
}

/// The kind of [`StepFunction`] and [`ConvertFunction`] that edits in
/// place and takes a context value: `fn(&mut Map<String, Value>, &C)`,
/// `fn(&mut Value, &C)`.
pub struct InPlaceWith<C>(PhantomData<fn(&C)>);

/// The kind of [`StepFunction`] and [`ConvertFunction`] that converts a
/// typed value and takes a context value: `fn(Old, &C) -> Result<New, E>`.
pub struct TypedWith<Old, New, C>(PhantomData<fn(Old, &C) -> New>);

impl<F, C, E> StepFunction<InPlaceWith<C>> for F
where
    F: Fn(&mut Object, &C) -> Result<(), E> + Send + Sync + 'static,
    C: Any + Send + Sync,
    E: Into<BoxError>,
{
    fn into_body(self) -> StepBody {
        StepBody(Box::new(move |doc| {
            let context = lookup::<C>().map_err(OpError::MissingContext)?;
            self(doc, &context).map_err(|e| OpError::Failed(e.into()))
        }))
    }
}

impl<F, Old, New, C, E> StepFunction<TypedWith<Old, New, C>> for F
where
    F: Fn(Old, &C) -> Result<New, E> + Send + Sync + 'static,
    Old: DeserializeOwned,
    New: Serialize,
    C: Any + Send + Sync,
    E: Into<BoxError>,
{
    fn into_body(self) -> StepBody {
        // The typed function is run as one of `Step::typed`'s kind, whose
        // snapshot handling it shares; the context is looked up first, so
        // that its absence is reported as such.
        let StepBody(body) = StepFunction::<Typed<Old, New>>::into_body(in_scope(self));
        StepBody(Box::new(move |doc| {
            lookup::<C>().map_err(OpError::MissingContext)?;
            body(doc)
        }))
    }
}

impl<F, C, E> ConvertFunction<InPlaceWith<C>> for F
where
    F: Fn(&mut Value, &C) -> Result<(), E> + Send + Sync + 'static,
    C: Any + Send + Sync,
    E: Into<BoxError>,
{
    fn into_body(self) -> ConvertBody {
        ConvertBody(Box::new(move |value| {
            let context = lookup::<C>().map_err(convert_missing)?;
            self(value, &context).map_err(|e| ConvertError::Failed(e.into()))
        }))
    }
}

impl<F, Old, New, C, E> ConvertFunction<TypedWith<Old, New, C>> for F
where
    F: Fn(Old, &C) -> Result<New, E> + Send + Sync + 'static,
    Old: DeserializeOwned,
    New: Serialize,
    C: Any + Send + Sync,
    E: Into<BoxError>,
{
    fn into_body(self) -> ConvertBody {
        let ConvertBody(body) = ConvertFunction::<Typed<Old, New>>::into_body(in_scope(self));
        ConvertBody(Box::new(move |value| {
            lookup::<C>().map_err(convert_missing)?;
            body(value)
        }))
    }
}

/// A typed function that takes a context, as one that does not: it takes
/// the value from the context in scope. Its callers look the value up
/// first and report its absence, so the error here is only reachable if
/// the two lookups disagree.
fn in_scope<F, Old, New, C, E>(
    function: F,
) -> impl Fn(Old) -> Result<New, BoxError> + Send + Sync + 'static
where
    F: Fn(Old, &C) -> Result<New, E> + Send + Sync + 'static,
    C: Any + Send + Sync,
    E: Into<BoxError>,
{
    move |old| {
        let context =
            lookup::<C>().map_err(|context| format!("no context of type `{context}` in scope"))?;
        function(old, &context).map_err(Into::into)
    }
}

fn convert_missing(context: &'static str) -> ConvertError {
    ConvertError::MissingContext { context }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inner_context_is_in_scope_until_its_closure_returns() {
        let outer = Context::new().with(1_u8);
        let inner = Context::new().with(2_u8);
        with_context(&outer, || {
            assert_eq!(*lookup::<u8>().unwrap(), 1);
            with_context(&inner, || assert_eq!(*lookup::<u8>().unwrap(), 2));
            assert_eq!(*lookup::<u8>().unwrap(), 1);
        });
        assert_eq!(lookup::<u8>().unwrap_err(), "u8");
    }

    #[test]
    fn a_panic_inside_restores_the_outer_context() {
        let context = Context::new().with(1_u8);
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            with_context(&context, || panic!("inside"))
        }));
        assert!(caught.is_err());
        assert!(lookup::<u8>().is_err());
    }
}
