//! Code generation, nothing else.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::ast::{is_serde_derive, Container, Field};
use crate::attr::{is_field_attr, is_serde, DefaultKind};
use crate::check::{History, PlannedOp};
use crate::version::Scheme;

/// The struct as the user's crate sees it, plus everything that makes it
/// versioned, inside a `const _` so no name leaks.
pub fn expand(cont: &Container<'_>, history: &History<'_>) -> TokenStream {
    let item = user_struct(cont);
    let remote = remote_struct(cont);
    let versioned = impl_versioned(cont, history);
    let serialize = cont.derives.serialize.then(|| impl_serialize(cont));
    let deserialize = cont.derives.deserialize.then(|| impl_deserialize(cont));
    quote! {
        #item

        #[doc(hidden)]
        #[allow(
            non_upper_case_globals,
            non_camel_case_types,
            unused_qualifications,
            clippy::all,
            clippy::pedantic
        )]
        const _: () = {
            #remote
            #versioned
            #serialize
            #deserialize
        };
    }
}

/// What to emit beside the errors: the struct as plain serde would have it,
/// without the palimpsest attributes, so no error cascades from its uses.
pub fn fallback(item: &syn::Item) -> TokenStream {
    let mut item = item.clone();
    let syn::Item::Struct(s) = &mut item else {
        return quote!(#item);
    };
    for field in &mut s.fields {
        field.attrs.retain(|a| !is_field_attr(a));
    }
    let ident = s.ident.clone();
    let generics = s.generics.clone();
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    quote! {
        #item

        #[allow(clippy::all, clippy::pedantic)]
        impl #impl_generics ::palimpsest::__private::Versioned for #ident #ty_generics #where_clause {
            fn schema() -> &'static ::palimpsest::__private::Schema {
                ::core::unimplemented!("#[versioned] did not compile")
            }
        }
    }
}

fn user_struct(cont: &Container<'_>) -> TokenStream {
    let mut item = cont.original.clone();
    item.attrs = item
        .attrs
        .into_iter()
        .filter(|a| !is_serde(a))
        .filter_map(strip_serde_derives)
        .collect();
    if let syn::Fields::Named(named) = &mut item.fields {
        named.named = std::mem::take(&mut named.named)
            .into_pairs()
            .filter(|pair| {
                !pair
                    .value()
                    .attrs
                    .iter()
                    .any(|a| a.path().is_ident("removed_in"))
            })
            .map(|pair| {
                let (mut field, comma) = pair.into_tuple();
                field.attrs.retain(|a| !is_serde(a) && !is_field_attr(a));
                syn::punctuated::Pair::new(field, comma)
            })
            .collect();
    }
    quote!(#item)
}

/// `#[derive(Debug, Serialize, Deserialize)]` loses the serde derives, which
/// the remote struct takes; a derive left empty disappears.
fn strip_serde_derives(attr: syn::Attribute) -> Option<syn::Attribute> {
    if !attr.path().is_ident("derive") {
        return Some(attr);
    }
    let Ok(paths) = attr.parse_args_with(
        syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
    ) else {
        return Some(attr);
    };
    let kept: Vec<&syn::Path> = paths.iter().filter(|p| !is_serde_derive(p)).collect();
    if kept.is_empty() {
        return None;
    }
    let span = attr.span();
    Some(syn::parse_quote_spanned!(span=> #[derive(#(#kept),*)]))
}

fn remote_name() -> syn::Ident {
    format_ident!("__PalimpsestRemote")
}

/// A copy of the struct with the user's serde attributes, derived with
/// `remote`: serde's own code reads and writes the real struct's fields,
/// while the impls of the real struct add the version.
fn remote_struct(cont: &Container<'_>) -> TokenStream {
    let ident = cont.ident();
    let remote = remote_name();
    let generics = &cont.original.generics;
    let (_, ty_generics, where_clause) = generics.split_for_impl();
    let remote_type = quote!(#ident #ty_generics).to_string();
    let container_attrs = cont.original.attrs.iter().filter(|a| is_serde(a));
    let mut derives = Vec::new();
    if cont.derives.serialize {
        derives.push(quote!(::palimpsest::__private::serde::Serialize));
    }
    if cont.derives.deserialize {
        derives.push(quote!(::palimpsest::__private::serde::Deserialize));
    }
    let fields = cont.current_fields().map(|field| {
        let name = field.ident;
        let ty = &field.original.ty;
        let serde_attrs = field.original.attrs.iter().filter(|a| is_serde(a));
        let aliases = old_names(cont, field).map(|old| quote!(#[serde(alias = #old)]));
        quote! {
            #(#serde_attrs)*
            #(#aliases)*
            #name: #ty
        }
    });
    quote! {
        #[derive(#(#derives),*)]
        #[serde(crate = "::palimpsest::__private::serde", remote = #remote_type)]
        #(#container_attrs)*
        #[allow(dead_code)]
        struct #remote #generics #where_clause {
            #(#fields,)*
        }
    }
}

/// The names a field had in older versions that no current field carries:
/// read as aliases, as the guide's `Field(alias=...)` did.
fn old_names<'a>(
    cont: &'a Container<'a>,
    field: &'a Field<'a>,
) -> impl Iterator<Item = String> + 'a {
    field
        .attrs
        .renamed
        .iter()
        .map(|r| r.old.value())
        .filter(move |old| !cont.current_fields().any(|f| f.serde_name == *old))
}

fn impl_versioned(cont: &Container<'_>, history: &History<'_>) -> TokenStream {
    let ident = cont.ident();
    let (impl_generics, ty_generics, where_clause) = cont.original.generics.split_for_impl();
    let schema = schema_expr(cont, history);
    let deserialize_current = cont.derives.deserialize.then(|| {
        let remote = remote_name();
        quote! {
            fn deserialize_current<'de, __D>(__deserializer: __D) -> ::core::result::Result<Self, __D::Error>
            where
                __D: ::palimpsest::__private::serde::Deserializer<'de>,
                Self: ::palimpsest::__private::serde::Deserialize<'de>,
            {
                <#remote #ty_generics>::deserialize(__deserializer)
            }
        }
    });
    quote! {
        #[automatically_derived]
        impl #impl_generics ::palimpsest::__private::Versioned for #ident #ty_generics #where_clause {
            fn schema() -> &'static ::palimpsest::__private::Schema {
                static __SCHEMA: ::std::sync::OnceLock<::palimpsest::__private::Schema> =
                    ::std::sync::OnceLock::new();
                fn __build() -> ::core::result::Result<
                    ::palimpsest::__private::Schema,
                    ::palimpsest::__private::SchemaError,
                > {
                    #schema
                }
                ::palimpsest::__private::schema_once(&__SCHEMA, __build)
            }

            #deserialize_current
        }
    }
}

fn schema_expr(cont: &Container<'_>, history: &History<'_>) -> TokenStream {
    let name = cont.ident().to_string();
    let current = &history.current;
    let legacy = &history.legacy;
    let key = &history.key;
    let start = match history.scheme {
        Scheme::Semver => quote!(::palimpsest::__private::Schema::semver(#name, #current)),
        Scheme::Integer => quote!(::palimpsest::__private::Schema::integer(#name, #current)),
    };
    let metadata = history.metadata.as_ref().map(|m| quote!(.metadata(#m)));
    let claims = claims(cont, history).map(|keys| quote!(.claims([#(#keys),*])));
    let steps = history.steps.iter().map(|step| {
        let from = &step.from;
        let to = &step.to;
        let ops = step.ops.iter().filter_map(|op| op_expr(cont, op));
        quote!(.step(::palimpsest::__private::Step::new(#from, #to) #(#ops)*))
    });
    quote! {
        #start
            .legacy(#legacy)
            .key(#key)
            #metadata
            #claims
            #(#steps)*
            .build()
    }
}

/// The keys current documents may carry; with a metadata path, others found
/// in a migrated document are preserved there. A flattened field reads
/// keys no one can list, so then nothing is claimed.
fn claims(cont: &Container<'_>, history: &History<'_>) -> Option<Vec<String>> {
    history.metadata.as_ref()?;
    if cont.fields.iter().any(|f| f.serde.flatten) {
        return None;
    }
    let mut keys = Vec::new();
    for field in cont.current_fields() {
        keys.push(field.serde_name.clone());
        keys.extend(field.serde.aliases.iter().cloned());
        keys.extend(old_names(cont, field));
    }
    keys.sort();
    keys.dedup();
    Some(keys)
}

fn op_expr(cont: &Container<'_>, op: &PlannedOp<'_>) -> Option<TokenStream> {
    Some(match op {
        PlannedOp::Preserve(name) => quote!(.preserve(#name)),
        PlannedOp::Drop(name) => quote!(.drop_field(#name)),
        PlannedOp::Rename { old, new } => quote!(.rename(#old, #new)),
        PlannedOp::Custom(path) => quote!(.with(#path)),
        PlannedOp::Add { field, name } => {
            let value = default_expr(cont, field)?;
            // A function pointer, not a closure type: one instantiation of
            // `try_add` for every struct of the crate.
            quote!(.try_add(#name, (|| ::palimpsest::__private::default_value(&#value))
                as ::palimpsest::__private::DefaultFn))
        }
    })
}

/// The Rust default of an added field, for the step to insert in JSON form.
/// `None` where the JSON form cannot be known statically (a custom format,
/// a generic type, a field removed again later): serde's default then fills
/// the field when the document is read.
fn default_expr(cont: &Container<'_>, field: &Field<'_>) -> Option<TokenStream> {
    let generics = &cont.original.generics;
    if field.serde.custom_format
        || field.attrs.removed.is_some()
        || generics.params.iter().next().is_some()
    {
        return None;
    }
    let ty = &field.original.ty;
    let ident = field.ident;
    let span = field.original.span();
    match (&field.serde.default, &cont.serde.default) {
        (Some(DefaultKind::Trait), _) => {
            Some(quote_spanned!(span=> <#ty as ::core::default::Default>::default()))
        }
        (Some(DefaultKind::Path(path)), _) => Some(quote_spanned!(span=> #path())),
        (None, Some(DefaultKind::Trait)) => {
            let container = cont.ident();
            Some(quote!(<#container as ::core::default::Default>::default().#ident))
        }
        (None, Some(DefaultKind::Path(path))) => Some(quote!(#path().#ident)),
        (None, None) => None,
    }
}

fn impl_serialize(cont: &Container<'_>) -> TokenStream {
    let ident = cont.ident();
    let remote = remote_name();
    let mut generics = cont.original.generics.clone();
    bound_type_params(
        &mut generics,
        &quote!(::palimpsest::__private::serde::Serialize),
    );
    let (impl_generics, _, where_clause) = generics.split_for_impl();
    let (_, ty_generics, _) = cont.original.generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics ::palimpsest::__private::serde::Serialize for #ident #ty_generics #where_clause {
            fn serialize<__S>(&self, __serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error>
            where
                __S: ::palimpsest::__private::serde::Serializer,
            {
                <#remote #ty_generics>::serialize(
                    self,
                    ::palimpsest::__private::Stamped::new(
                        __serializer,
                        <Self as ::palimpsest::__private::Versioned>::schema(),
                    ),
                )
            }
        }
    }
}

fn impl_deserialize(cont: &Container<'_>) -> TokenStream {
    let ident = cont.ident();
    let mut generics = cont.original.generics.clone();
    bound_type_params(
        &mut generics,
        &quote!(::palimpsest::__private::serde::Deserialize<'de>),
    );
    let de: syn::LifetimeParam = {
        let lifetimes = cont.original.generics.lifetimes().map(|l| &l.lifetime);
        syn::parse_quote!('de: #(#lifetimes)+*)
    };
    let de = if cont.original.generics.lifetimes().next().is_some() {
        de
    } else {
        syn::LifetimeParam::new(syn::Lifetime::new("'de", Span::call_site()))
    };
    generics.params.insert(0, syn::GenericParam::Lifetime(de));
    let (impl_generics, _, where_clause) = generics.split_for_impl();
    let (_, ty_generics, _) = cont.original.generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics ::palimpsest::__private::serde::Deserialize<'de> for #ident #ty_generics #where_clause {
            fn deserialize<__D>(__deserializer: __D) -> ::core::result::Result<Self, __D::Error>
            where
                __D: ::palimpsest::__private::serde::Deserializer<'de>,
            {
                ::palimpsest::__private::deserialize::<Self, __D>(__deserializer)
            }
        }
    }
}

fn bound_type_params(generics: &mut syn::Generics, bound: &TokenStream) {
    let params: Vec<syn::Ident> = generics.type_params().map(|t| t.ident.clone()).collect();
    if params.is_empty() {
        return;
    }
    let where_clause = generics.make_where_clause();
    for param in params {
        where_clause
            .predicates
            .push(syn::parse_quote!(#param: #bound));
    }
}
