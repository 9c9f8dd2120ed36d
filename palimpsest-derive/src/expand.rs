//! Code generation, nothing else.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::ast::{is_serde_derive, Container, Field};
use crate::attr::{is_field_attr, is_serde, DefaultKind, SnapshotArg};
use crate::check::{self, exists_at, name_at, EmbeddedPlan, History, PlannedOp};
use crate::ctxt::Ctxt;

/// The whole attribute on `proc_macro2` tokens: read, validate, expand, or
/// every error plus the fallback. `lib.rs` only converts to and from
/// `proc_macro`, so tests can run this (tests/expand.rs).
pub fn versioned(args: TokenStream, item: &syn::Item) -> TokenStream {
    let mut cx = Ctxt::default();
    let expanded = match item {
        syn::Item::Enum(item) => crate::enums::versioned(&mut cx, args, item),
        syn::Item::Struct(item) if matches!(item.fields, syn::Fields::Unnamed(_)) => {
            crate::tuples::versioned(&mut cx, args, item)
        }
        _ => Container::from_ast(&mut cx, args, item).and_then(|cont| {
            if cont.args.embedded.is_some() {
                check::validate_embedded(&mut cx, &cont).map(|plan| expand_embedded(&cont, &plan))
            } else {
                check::validate(&mut cx, &cont).map(|history| expand(&cont, &history))
            }
        }),
    };
    match (cx.check(), expanded) {
        (Ok(()), Some(tokens)) => tokens,
        (Err(errors), _) => {
            let mut tokens = fallback(item);
            tokens.extend(errors.to_compile_error());
            tokens
        }
        (Ok(()), None) => fallback(item),
    }
}

/// The struct as the user's crate sees it, plus everything that makes it
/// versioned, inside a `const _` so no name leaks.
fn expand(cont: &Container<'_>, history: &History<'_>) -> TokenStream {
    let item = user_struct(cont);
    let snapshots = cont.args.snapshots.iter().map(|s| snapshot_struct(cont, s));
    let remote = remote_struct(cont);
    let schema = schema_fn(cont, history);
    let metadata = assert_metadata_object(cont, history);
    let versioned = impl_versioned(&cont.head());
    let serde = impl_root_serde(&cont.head());
    quote! {
        #item

        #(#snapshots)*

        // No blanket `allow`: tests/lints.rs denies rustc's warnings and
        // clippy's groups on this output, so a lint here fails the build.
        #[doc(hidden)]
        const _: () = {
            #remote
            #schema
            #metadata
            #versioned
            #serde
        };
    }
}

/// The serde impls of a root: `Serialize` through the remote copy, the
/// version written first, and a `Deserialize` that migrates.
pub fn impl_root_serde(head: &Head<'_>) -> TokenStream {
    let serialize = head.serialize.then(|| {
        let remote = remote_name();
        let schema_fn = schema_fn_name();
        // The remote copy writes the fields; `serialize_root` decides what
        // goes around them (the stamp, or a newer document's version and
        // unknown keys).
        let plain = impl_serialize_as(
            head,
            (
                quote!(::palimpsest::__private::SerializePlain),
                quote!(serialize_plain),
            ),
            |ty_generics| quote!(<#remote #ty_generics>::serialize(self, __serializer)),
        );
        let serialize = impl_serialize(
            head,
            |_| quote!(::palimpsest::__private::serialize_root(self, #schema_fn(), __serializer)),
        );
        quote!(#plain #serialize)
    });
    let deserialize = head
        .deserialize
        .then(|| impl_deserialize(head, &quote!(deserialize), None));
    quote!(#serialize #deserialize)
}

/// An embedded struct: the struct, and its history and probes.
fn expand_embedded(cont: &Container<'_>, plan: &EmbeddedPlan<'_>) -> TokenStream {
    embedded_type(
        &cont.head(),
        user_struct(cont),
        remote_struct(cont),
        history_fn(
            cont,
            plan,
            &history_fn_name(),
            &cont.ident().to_string(),
            cont.serde.deny_unknown_fields,
        ),
        None,
    )
}

/// An embedded type, struct or enum: `item` as the user's crate sees it,
/// then inside a `const _` its `remote` copy, its `history`, `Embedded`,
/// a plain `Serialize` and a `Deserialize` that reads the root's version
/// in scope, after the statements `before_read`.
pub fn embedded_type(
    head: &Head<'_>,
    item: TokenStream,
    remote: TokenStream,
    history: TokenStream,
    before_read: Option<TokenStream>,
) -> TokenStream {
    let embedded = impl_embedded(head);
    let serialize = head.serialize.then(|| {
        let remote = remote_name();
        impl_serialize(
            head,
            |ty_generics| quote!(<#remote #ty_generics>::serialize(self, __serializer)),
        )
    });
    let deserialize = head
        .deserialize
        .then(|| impl_deserialize(head, &quote!(deserialize_embedded), before_read.as_ref()));
    quote! {
        #item

        #[doc(hidden)]
        const _: () = {
            #remote
            #history
            #embedded
            #serialize
            #deserialize
        };
    }
}

/// What the impls of a generated type need of it: a struct's or an enum's.
pub struct Head<'a> {
    pub ident: &'a syn::Ident,
    pub generics: &'a syn::Generics,
    /// Whether it derives `Serialize`, which a remote copy then writes.
    pub serialize: bool,
    /// Whether it derives `Deserialize`, which a remote copy then reads.
    pub deserialize: bool,
}

impl Container<'_> {
    fn head(&self) -> Head<'_> {
        Head {
            ident: self.ident(),
            generics: &self.original.generics,
            serialize: self.derives.serialize,
            deserialize: self.derives.deserialize,
        }
    }
}

pub fn history_fn_name() -> syn::Ident {
    format_ident!("__palimpsest_history")
}

/// The history of an embedded struct (or of the fields of a struct
/// variant), as `fn #name()`; `denies` when the struct (or the enum)
/// refuses unknown fields.
pub fn history_fn(
    cont: &Container<'_>,
    plan: &EmbeddedPlan<'_>,
    name: &syn::Ident,
    type_name: &str,
    denies: bool,
) -> TokenStream {
    let changes = plan.changes.iter().map(|(version, ops)| {
        let ops = ops.iter().filter_map(|op| op_expr(cont, op));
        quote!(.change(#version, ::palimpsest::__private::ops() #(#ops)*))
    });
    // Whether others are kept depends on the root: it needs a metadata path.
    let claims = claimed_keys(cont).map(|keys| quote!(.claims(&[#(#keys),*])));
    let denies = denies.then(|| quote!(.denies_unknown_fields()));
    history_fn_of(
        name,
        type_name,
        fields_fn(cont),
        quote!(#(#changes)* #claims #denies),
    )
}

/// The history of an embedded type, built once, as a root's schema is:
/// `build` calls the builder's methods; `fields` is `fn __fields`, if any.
pub fn history_fn_of(
    name: &syn::Ident,
    type_name: &str,
    fields: Option<TokenStream>,
    build: TokenStream,
) -> TokenStream {
    let probed = fields.as_ref().map(|_| quote!(.fields(__fields)));
    quote! {
        fn #name() -> &'static ::palimpsest::__private::EmbeddedHistory {
            static __HISTORY: ::std::sync::OnceLock<::palimpsest::__private::EmbeddedHistory> =
                ::std::sync::OnceLock::new();
            #fields
            fn __build() -> ::palimpsest::__private::EmbeddedHistory {
                ::palimpsest::__private::EmbeddedChecked::new(#type_name)
                    #build
                    #probed
                    .build()
            }
            ::palimpsest::__private::history_once(&__HISTORY, __build)
        }
    }
}

/// One probe per field whose type the macro can name outside the struct:
/// `fn __fields`, where the root (or an embedded type) finds the embedded
/// types its fields hold, at any depth of containers. `None` when no field
/// can hold one.
fn fields_fn(cont: &Container<'_>) -> Option<TokenStream> {
    let probes: Vec<(TokenStream, Vec<String>)> = cont
        .current_fields()
        .filter_map(|field| {
            let ty = probed_type(cont, field)?;
            let mut names = vec![field.serde_name.clone()];
            names.extend(field.serde.aliases.iter().cloned());
            names.extend(old_names(cont, field));
            names.dedup();
            Some((ty, names))
        })
        .collect();
    probes_fn(&probes)
}

/// `fn __fields`, probing each type for the embedded types it holds,
/// under the names its value is read under; `None` for no probe.
pub fn probes_fn(probes: &[(TokenStream, Vec<String>)]) -> Option<TokenStream> {
    if probes.is_empty() {
        return None;
    }
    let probes = probes.iter().map(|(ty, names)| {
        quote! {
            (&&::palimpsest::__private::Probe::<#ty>::new()).probe(__shape, &[#(#names),*]);
        }
    });
    Some(quote! {
        fn __fields(__shape: &mut ::palimpsest::__private::Shape) {
            // Autoref specialization: the first for a type that holds
            // embedded types, the second, a no-op, for any other.
            #[allow(unused_imports)]
            use ::palimpsest::__private::{ProbeEmbedded as _, ProbePlain as _};
            #(#probes)*
        }
    })
}

/// The type of a field to probe, with `Self` spelled out: `None` for a
/// field whose value is not read by the type's own serde form (flattened,
/// skipped, or in a custom format), or whose type names the struct's
/// parameters, which a probe outside the struct cannot name (it probes as
/// holding no embedded type: a documented limit).
fn probed_type(cont: &Container<'_>, field: &Field<'_>) -> Option<TokenStream> {
    if field.serde.flatten || field.serde.skip_de || field.serde.custom_format {
        return None;
    }
    let ty = field_type(cont, field);
    (!mentions_generics(&ty, &cont.original.generics)).then_some(ty)
}

/// A field's type as code outside the struct names it: `Self` spelled out.
pub fn field_type(cont: &Container<'_>, field: &Field<'_>) -> TokenStream {
    let ty = &field.original.ty;
    let ident = cont.ident();
    let (_, ty_generics, _) = cont.original.generics.split_for_impl();
    replace_self(quote!(#ty), &quote!(#ident #ty_generics))
}

/// `tokens` with `Self` replaced by `with`.
pub fn replace_self(tokens: TokenStream, with: &TokenStream) -> TokenStream {
    tokens
        .into_iter()
        .flat_map(|tree| match tree {
            proc_macro2::TokenTree::Ident(found) if found == "Self" => {
                let span = found.span();
                with.clone()
                    .into_iter()
                    .map(|mut tree| {
                        tree.set_span(span);
                        tree
                    })
                    .collect()
            }
            proc_macro2::TokenTree::Group(group) => {
                let mut replaced =
                    proc_macro2::Group::new(group.delimiter(), replace_self(group.stream(), with));
                replaced.set_span(group.span());
                TokenStream::from(proc_macro2::TokenTree::Group(replaced))
            }
            other => TokenStream::from(other),
        })
        .collect()
}

/// `Embedded`, for its `Deserialize` to find its history, and `Embeds`,
/// for the probes of the types holding it to find it.
pub fn impl_embedded(head: &Head<'_>) -> TokenStream {
    let ident = head.ident;
    let history_fn = history_fn_name();
    let mut generics = head.generics.clone();
    let (_, ty_generics, _) = head.generics.split_for_impl();
    let deserialize_current = deserialize_current_fn(head, &mut generics);
    let (impl_generics, _, where_clause) = generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics ::palimpsest::__private::Embedded for #ident #ty_generics #where_clause {
            fn history() -> &'static ::palimpsest::__private::EmbeddedHistory {
                #history_fn()
            }

            #deserialize_current
        }

        #[automatically_derived]
        impl #impl_generics ::palimpsest::__private::Embeds for #ident #ty_generics #where_clause {
            fn probe(__shape: &mut ::palimpsest::__private::Shape, __at: ::palimpsest::__private::Pattern) {
                __shape.site::<Self>(__at);
            }
        }
    }
}

/// What to emit beside the errors: the item as plain serde would have it,
/// without the palimpsest attributes, so no error cascades from its uses
/// (nor "cannot find attribute `renamed_from`" from the attributes left).
fn fallback(item: &syn::Item) -> TokenStream {
    let mut item = item.clone();
    let (ident, generics) = match &mut item {
        syn::Item::Struct(s) => {
            strip_field_attrs(&mut s.fields);
            (s.ident.clone(), s.generics.clone())
        }
        syn::Item::Enum(e) => {
            for variant in &mut e.variants {
                variant.attrs.retain(|a| !is_field_attr(a));
                strip_field_attrs(&mut variant.fields);
            }
            (e.ident.clone(), e.generics.clone())
        }
        syn::Item::Union(u) => {
            u.fields
                .named
                .iter_mut()
                .for_each(|f| f.attrs.retain(|a| !is_field_attr(a)));
            (u.ident.clone(), u.generics.clone())
        }
        _ => return quote!(#item),
    };
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

fn strip_field_attrs(fields: &mut syn::Fields) {
    for field in fields {
        field.attrs.retain(|a| !is_field_attr(a));
    }
}

fn user_struct(cont: &Container<'_>) -> TokenStream {
    user_struct_of(cont.original)
}

/// A struct as the user's crate sees it, named fields or a tuple: without
/// removed fields, serde's attributes and derives (the remote copy takes
/// them) and palimpsest's attributes.
pub fn user_struct_of(original: &syn::ItemStruct) -> TokenStream {
    let mut item = original.clone();
    item.attrs = user_attrs(item.attrs);
    keep_current_fields(&mut item.fields, |field| {
        field.attrs.retain(|a| !is_serde(a) && !is_field_attr(a));
    });
    quote!(#item)
}

/// Drops the removed fields of a struct (or struct variant), and edits the
/// others.
pub fn keep_current_fields(fields: &mut syn::Fields, mut edit: impl FnMut(&mut syn::Field)) {
    let fields = match fields {
        syn::Fields::Named(named) => &mut named.named,
        // A positional tuple struct's removed elements go too.
        syn::Fields::Unnamed(unnamed) => &mut unnamed.unnamed,
        syn::Fields::Unit => return,
    };
    *fields = std::mem::take(fields)
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
            edit(&mut field);
            syn::punctuated::Pair::new(field, comma)
        })
        .collect();
}

/// The attributes of the item as the user's crate sees it: without
/// `#[serde]` and serde's derives, which the remote copy takes.
pub fn user_attrs(attrs: Vec<syn::Attribute>) -> Vec<syn::Attribute> {
    attrs
        .into_iter()
        .filter(|a| !is_serde(a))
        .filter_map(strip_serde_derives)
        .collect()
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

/// A plain serde struct with the fields documents of an old version carry,
/// under the names they had then: the typed snapshot a schema-aware step
/// reads. Field types are today's; a type that changed needs a snapshot
/// written by hand.
fn snapshot_struct(cont: &Container<'_>, snapshot: &SnapshotArg) -> TokenStream {
    let ident = cont.ident();
    let name = &snapshot.name;
    let version = &snapshot.version.version;
    let vis = &cont.original.vis;
    let generics = &cont.original.generics;
    let (_, _, where_clause) = generics.split_for_impl();
    let doc = format!(
        "`{ident}` as documents of version {version} carry it (generated by `#[versioned]`)."
    );
    let deny = cont
        .serde
        .deny_unknown_fields
        .then(|| quote!(#[serde(deny_unknown_fields)]));
    let fields = cont
        .fields
        .iter()
        .filter(|f| exists_at(f, version))
        .map(|field| {
            let field_vis = &field.original.vis;
            let field_ident = field.ident;
            let ty = &field.original.ty;
            let old_name = name_at(field, version);
            let kept = field
                .original
                .attrs
                .iter()
                .filter(|a| is_serde(a))
                .filter_map(without_names);
            let docs = field
                .original
                .attrs
                .iter()
                .filter(|a| a.path().is_ident("doc"));
            quote! {
                #(#docs)*
                #(#kept)*
                #[serde(rename = #old_name)]
                #field_vis #field_ident: #ty
            }
        });
    let mut derives = vec![
        quote!(::palimpsest::__private::serde::Serialize),
        quote!(::palimpsest::__private::serde::Deserialize),
    ];
    // The snapshot compares and prints like the struct it comes from.
    let std_derives = [
        ("Debug", quote!(::core::fmt::Debug)),
        ("Clone", quote!(::core::clone::Clone)),
        ("PartialEq", quote!(::core::cmp::PartialEq)),
    ];
    derives.extend(
        std_derives
            .into_iter()
            .filter(|(name, _)| cont.derives.others.iter().any(|d| d == name))
            .map(|(_, path)| path),
    );
    quote! {
        #[doc = #doc]
        #[derive(#(#derives),*)]
        #[serde(crate = "::palimpsest::__private::serde")]
        #deny
        #vis struct #name #generics #where_clause {
            #(#fields,)*
        }
    }
}

/// A field's `#[serde(...)]` without `rename` and `alias`, which the
/// snapshot sets to the old name; `None` when nothing else is left.
fn without_names(attr: &syn::Attribute) -> Option<TokenStream> {
    let items = attr
        .parse_args_with(syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
        .ok()?;
    let kept: Vec<&syn::Meta> = items
        .iter()
        .filter(|m| !m.path().is_ident("rename") && !m.path().is_ident("alias"))
        .collect();
    (!kept.is_empty()).then(|| quote!(#[serde(#(#kept),*)]))
}

pub fn remote_name() -> syn::Ident {
    format_ident!("__PalimpsestRemote")
}

/// The copy's serde name is the real type's (or the user's `rename`):
/// serde names a container after the item it derives, and formats write
/// and check that name (RON's `Trace(...)`, the element of an XML
/// document) and serde's messages quote it.
pub fn remote_serde_name(ident: &syn::Ident, attrs: &[syn::Attribute]) -> TokenStream {
    let name = ident.to_string();
    match crate::attr::container_renamed(attrs) {
        (true, true) => quote!(),
        (true, false) => quote!(#[serde(rename(deserialize = #name))]),
        (false, true) => quote!(#[serde(rename(serialize = #name))]),
        (false, false) => quote!(#[serde(rename = #name)]),
    }
}

/// A copy of the struct with the user's serde attributes, derived with
/// `remote`: serde's own code reads and writes the real struct's fields,
/// while the impls of the real struct add the version.
fn remote_struct(cont: &Container<'_>) -> TokenStream {
    let ident = cont.ident();
    let remote = remote_name();
    let generics = &cont.original.generics;
    let (_, _, where_clause) = generics.split_for_impl();
    // serde rejects generic arguments in `remote` and supplies the copy's
    // own, which are the struct's.
    let remote_type = ident.to_string();
    let RemoteParts {
        derives,
        container_attrs,
        default_fn,
        serde_name,
    } = RemoteParts::new(
        &cont.head(),
        &cont.original.attrs,
        cont.serde.default.as_ref(),
    );
    let fields = cont.current_fields().map(|field| {
        let name = field.ident;
        // In the copy, `Self` would be the copy.
        let ty = field_type(cont, field);
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
        #serde_name
        #(#container_attrs)*
        #[allow(dead_code)]
        struct #remote #generics #where_clause {
            #(#fields,)*
        }

        #default_fn
    }
}

/// What the remote copy of a struct takes besides its fields: serde's
/// derives, the user's container attributes, and the function a
/// `#[serde(default)]` on the container is redirected to.
pub struct RemoteParts {
    pub derives: Vec<TokenStream>,
    pub container_attrs: Vec<TokenStream>,
    pub default_fn: Option<TokenStream>,
    /// See [`remote_serde_name`].
    pub serde_name: TokenStream,
}

impl RemoteParts {
    pub fn new(head: &Head<'_>, attrs: &[syn::Attribute], default: Option<&DefaultKind>) -> Self {
        let ident = head.ident;
        let (impl_generics, ty_generics, where_clause) = head.generics.split_for_impl();
        let container_attrs = attrs
            .iter()
            .filter(|a| is_serde(a))
            .map(redirect_container_default)
            .collect();
        // serde bounds `#[serde(default)]` on the copy being `Default`; a
        // path to a function building the real struct's default needs no
        // such bound.
        let default_fn = matches!(default, Some(DefaultKind::Trait)).then(|| {
            quote! {
                fn __palimpsest_default #impl_generics () -> #ident #ty_generics #where_clause {
                    ::core::default::Default::default()
                }
            }
        });
        let mut derives = Vec::new();
        if head.serialize {
            derives.push(quote!(::palimpsest::__private::serde::Serialize));
        }
        if head.deserialize {
            derives.push(quote!(::palimpsest::__private::serde::Deserialize));
        }
        RemoteParts {
            derives,
            container_attrs,
            default_fn,
            serde_name: remote_serde_name(ident, attrs),
        }
    }
}
/// `#[serde(default)]` on the container becomes
/// `#[serde(default = "__palimpsest_default")]`; other items stay as written.
fn redirect_container_default(attr: &syn::Attribute) -> TokenStream {
    let Ok(items) = attr.parse_args_with(
        syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
    ) else {
        return quote!(#attr);
    };
    let items = items.into_iter().map(|item| match &item {
        syn::Meta::Path(path) if path.is_ident("default") => {
            quote_spanned!(path.span()=> default = "__palimpsest_default")
        }
        _ => quote!(#item),
    });
    quote!(#[serde(#(#items),*)])
}

/// The names a field had in older versions that no current field carries:
/// read as aliases, as the guide's `Field(alias=...)` did.
pub fn old_names<'a>(
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

pub fn schema_fn_name() -> syn::Ident {
    format_ident!("__palimpsest_schema")
}

/// The schema, built once. A free function, not generic even when the
/// struct is: the history does not depend on type parameters, and
/// `Serialize` reaches it without the bounds `Versioned` needs.
fn schema_fn(cont: &Container<'_>, history: &History<'_>) -> TokenStream {
    schema_fn_of(fields_fn(cont), &schema_expr(cont, history))
}

/// `fn __palimpsest_schema`, building `schema` once; `fields` is `fn
/// __fields`, if any.
pub fn schema_fn_of(fields: Option<TokenStream>, schema: &TokenStream) -> TokenStream {
    let name = schema_fn_name();
    quote! {
        fn #name() -> &'static ::palimpsest::__private::Schema {
            static __SCHEMA: ::std::sync::OnceLock<::palimpsest::__private::Schema> =
                ::std::sync::OnceLock::new();
            #fields
            // A plain function, so the shared `schema_once` is compiled once
            // for the crate rather than once per struct.
            fn __build() -> ::palimpsest::__private::Schema {
                #schema
            }
            ::palimpsest::__private::schema_once(&__SCHEMA, __build)
        }
    }
}

/// `metadata = "meta"` names a field that must hold a JSON object: an
/// assertion that fails to compile, naming the field, if its type cannot
/// (rather than every old document failing at run time). A longer path
/// goes through types the macro cannot see; a type that mentions the
/// struct's parameters is only known per instance.
fn assert_metadata_object(cont: &Container<'_>, history: &History<'_>) -> Option<TokenStream> {
    let path = history.metadata.as_ref()?;
    let [root] = path.segments() else {
        return None;
    };
    let field = cont.current_fields().find(|f| f.serde_name == *root)?;
    let ty = &field.original.ty;
    if mentions_generics(&quote!(#ty), &cont.original.generics) {
        return None;
    }
    // The field's type is named outside the block that declares a type
    // after the field (the name the error shows), which could shadow a
    // module the type's path goes through.
    let marker = field.ident;
    Some(quote_spanned! {ty.span()=>
        type __PalimpsestMetadata = #ty;
        const _: () = {
            #[allow(non_camel_case_types)]
            enum #marker {}
            ::palimpsest::__private::assert_metadata_object::<#marker, __PalimpsestMetadata>();
        };
    })
}

/// Whether `tokens` name a type, lifetime or const parameter of `generics`.
pub fn mentions_generics(tokens: &TokenStream, generics: &syn::Generics) -> bool {
    let names: Vec<String> = generics
        .params
        .iter()
        .map(|param| match param {
            syn::GenericParam::Type(t) => t.ident.to_string(),
            syn::GenericParam::Lifetime(l) => l.lifetime.ident.to_string(),
            syn::GenericParam::Const(c) => c.ident.to_string(),
        })
        .collect();
    if names.is_empty() {
        return false;
    }
    tokens.clone().into_iter().any(|tree| match tree {
        proc_macro2::TokenTree::Ident(ident) => names.contains(&ident.to_string()),
        proc_macro2::TokenTree::Group(group) => mentions_generics(&group.stream(), generics),
        _ => false,
    })
}

/// `Versioned` of a root type, struct or enum, whose schema is `fn
/// __palimpsest_schema`.
pub fn impl_versioned(head: &Head<'_>) -> TokenStream {
    let ident = head.ident;
    let schema_fn = schema_fn_name();
    let mut generics = head.generics.clone();
    let deserialize_current = deserialize_current_fn(head, &mut generics);
    let (impl_generics, _, where_clause) = generics.split_for_impl();
    let (_, ty_generics, _) = head.generics.split_for_impl();
    let (own_impl_generics, _, own_where_clause) = head.generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics ::palimpsest::__private::Versioned for #ident #ty_generics #where_clause {
            fn schema() -> &'static ::palimpsest::__private::Schema {
                #schema_fn()
            }

            #deserialize_current
        }

        // Inherent too, so a caller asks the type without importing the trait.
        #[automatically_derived]
        impl #own_impl_generics #ident #ty_generics #own_where_clause {
            /// The current schema version: the one every document of this
            /// type is written with.
            #[must_use]
            pub fn current_version() -> &'static ::palimpsest::Version {
                #schema_fn().current()
            }
        }
    }
}

/// `deserialize_current` of `Versioned` and `Embedded`, through the remote
/// copy, when the struct derives `Deserialize`; `generics` get the bounds
/// it needs.
fn deserialize_current_fn(head: &Head<'_>, generics: &mut syn::Generics) -> Option<TokenStream> {
    if !head.deserialize {
        return None;
    }
    // `deserialize_current` must read the struct for any `'de` the trait
    // names, so type parameters must deserialize for all of them.
    bound_type_params(
        generics,
        &quote!(::palimpsest::__private::serde::de::DeserializeOwned),
    );
    let remote = remote_name();
    let (_, ty_generics, _) = head.generics.split_for_impl();
    Some(quote! {
        fn deserialize_current<'de, __D>(__deserializer: __D) -> ::core::result::Result<Self, __D::Error>
        where
            __D: ::palimpsest::__private::serde::Deserializer<'de>,
            Self: ::palimpsest::__private::serde::Deserialize<'de>,
        {
            <#remote #ty_generics>::deserialize(__deserializer)
        }
    })
}

/// The schema from the history `check` validated, with the rules
/// `SchemaBuilder::build` checks: built from typed versions, with nothing
/// left to parse or check at run time.
fn schema_expr(cont: &Container<'_>, history: &History<'_>) -> TokenStream {
    let name = cont.ident().to_string();
    let current = &history.current;
    let legacy = &history.legacy;
    let key = &history.key;
    let metadata = history.metadata.as_ref().map(|path| {
        let segments = path.segments();
        quote!(.metadata(&[#(#segments),*]))
    });
    let check = cont.args.check.as_ref().map(|path| quote!(.check(#path)));
    let chose = |lit: &Option<syn::LitStr>, choice: &str| {
        lit.as_ref().is_some_and(|lit| lit.value() == choice)
    };
    let newer = chose(&cont.args.newer, "read").then(|| quote!(.read_newer()));
    let layout = chose(&cont.args.layout, "envelope").then(|| quote!(.envelope()));
    let claims = claims(cont, history).map(|keys| quote!(.claims(&[#(#keys),*])));
    let unversioned = crate::shapes::expand(cont);
    let embeds = fields_fn(cont).and_then(|_| {
        let since = &cont.args.since.as_ref()?.version;
        let explicit = cont.args.version.is_some();
        Some(quote!(.embeds(#since, #explicit, __fields)))
    });
    let steps = history.steps.iter().map(|step| {
        let from = &step.from;
        let to = &step.to;
        let ops = step.ops.iter().filter_map(|op| op_expr(cont, op));
        quote!(.step(#from, #to, ::palimpsest::__private::ops() #(#ops)*))
    });
    quote! {
        ::palimpsest::__private::Checked::new(#name, #current, #legacy, #key)
            #metadata
            #newer
            #layout
            #check
            #claims
            #unversioned
            #(#steps)*
            #embeds
            .build()
    }
}

/// The keys current documents may carry; with a metadata path, others found
/// in a migrated document are preserved there.
fn claims(cont: &Container<'_>, history: &History<'_>) -> Option<Vec<String>> {
    history.metadata.as_ref()?;
    claimed_keys(cont)
}

/// The keys the struct's fields read: names, aliases and old names. A
/// flattened field reads keys no one can list, so then nothing is claimed.
fn claimed_keys(cont: &Container<'_>) -> Option<Vec<String>> {
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
        PlannedOp::Preserve { name, field } => removed_expr(cont, field, name, "preserve"),
        PlannedOp::Drop { name, field } => removed_expr(cont, field, name, "drop_field"),
        PlannedOp::Rename { old, new } => quote!(.rename(#old, #new)),
        PlannedOp::Custom { with, back: None } => quote!(.function(#with)),
        PlannedOp::Custom {
            with,
            back: Some(back),
        } => quote!(.function_with_inverse(#with, #back)),
        PlannedOp::Convert { name, conversion } => crate::convert::op_expr(name, conversion),
        PlannedOp::Moves(op) => crate::moves::op_expr(cont, op),
        PlannedOp::Add { field, name } => {
            let value = default_expr(cont, field)?;
            // A function pointer, not a closure type: one instantiation of
            // `try_add` for every struct of the crate.
            quote!(.try_add(#name, (|| ::palimpsest::__private::default_value(&#value))
                as ::palimpsest::__private::DefaultFn))
        }
    })
}

/// A removed field's op: `method`, or with its default, for a downgrade to
/// write when the document does not hold the value, `try_<method>_or`.
fn removed_expr(cont: &Container<'_>, field: &Field<'_>, name: &str, method: &str) -> TokenStream {
    let Some(value) = field_default_expr(cont, field) else {
        let method = format_ident!("{method}");
        return quote!(.#method(#name));
    };
    let method = format_ident!("try_{method}_or");
    quote!(.#method(#name, (|| ::palimpsest::__private::default_value(&#value))
        as ::palimpsest::__private::DefaultFn))
}

/// The Rust default of an added field, for the step to insert in JSON form.
/// `None` where the JSON form cannot be known statically (a custom format,
/// a generic type, a field removed again later): serde's default then fills
/// the field when the document is read.
fn default_expr(cont: &Container<'_>, field: &Field<'_>) -> Option<TokenStream> {
    if field.attrs.removed.is_some() || default_unknowable(cont, field) {
        return None;
    }
    field_default_expr(cont, field).or_else(|| {
        let ident = field.ident;
        match &cont.serde.default {
            Some(DefaultKind::Trait) => {
                let container = cont.ident();
                Some(quote!(<#container as ::core::default::Default>::default().#ident))
            }
            Some(DefaultKind::Path(path)) => Some(quote!(#path().#ident)),
            None => None,
        }
    })
}

/// The default a field's own `#[serde(default)]` or
/// `#[serde(default = "path")]` gives, in JSON form; for a removed field,
/// what a downgrade writes when the document kept no value for it (the
/// field's type is still in scope, only no longer in the struct, so the
/// container's default cannot give it).
fn field_default_expr(cont: &Container<'_>, field: &Field<'_>) -> Option<TokenStream> {
    if default_unknowable(cont, field) {
        return None;
    }
    let span = field.original.span();
    match &field.serde.default {
        Some(DefaultKind::Trait) => {
            let ty = field_type(cont, field);
            Some(quote_spanned!(span=> <#ty as ::core::default::Default>::default()))
        }
        Some(DefaultKind::Path(path)) => Some(quote_spanned!(span=> #path())),
        None => None,
    }
}

/// A custom format or a generic type: the JSON form of a default is not
/// known statically.
fn default_unknowable(cont: &Container<'_>, field: &Field<'_>) -> bool {
    field.serde.custom_format || cont.original.generics.params.iter().next().is_some()
}

/// `Serialize`, whose body `body` writes given the struct's type generics.
pub fn impl_serialize(
    head: &Head<'_>,
    body: impl FnOnce(&syn::TypeGenerics<'_>) -> TokenStream,
) -> TokenStream {
    let serialize = quote!(::palimpsest::__private::serde::Serialize);
    impl_serialize_as(head, (serialize, quote!(serialize)), body)
}

/// An impl of `serialize`'s shape for a trait of that shape: `Serialize`,
/// or the stampless `SerializePlain` of a root.
fn impl_serialize_as(
    head: &Head<'_>,
    (trait_path, method): (TokenStream, TokenStream),
    body: impl FnOnce(&syn::TypeGenerics<'_>) -> TokenStream,
) -> TokenStream {
    let ident = head.ident;
    let mut generics = head.generics.clone();
    bound_type_params(
        &mut generics,
        &quote!(::palimpsest::__private::serde::Serialize),
    );
    let (impl_generics, _, where_clause) = generics.split_for_impl();
    let (_, ty_generics, _) = head.generics.split_for_impl();
    let body = body(&ty_generics);
    quote! {
        #[automatically_derived]
        impl #impl_generics #trait_path for #ident #ty_generics #where_clause {
            fn #method<__S>(&self, __serializer: __S) -> ::core::result::Result<__S::Ok, __S::Error>
            where
                __S: ::palimpsest::__private::serde::Serializer,
            {
                #body
            }
        }
    }
}

/// `Deserialize`, through `function` of `__private`, after the statements
/// `before`.
pub fn impl_deserialize(
    head: &Head<'_>,
    function: &TokenStream,
    before: Option<&TokenStream>,
) -> TokenStream {
    let ident = head.ident;
    let mut generics = head.generics.clone();
    // As `Versioned` requires: an old document is rebuilt from an owned
    // tree, so nothing borrows from the input and `'de` outlives nothing.
    bound_type_params(
        &mut generics,
        &quote!(::palimpsest::__private::serde::de::DeserializeOwned),
    );
    generics.params.insert(
        0,
        syn::GenericParam::Lifetime(syn::LifetimeParam::new(syn::Lifetime::new(
            "'de",
            Span::call_site(),
        ))),
    );
    let (impl_generics, _, where_clause) = generics.split_for_impl();
    let (_, ty_generics, _) = head.generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics ::palimpsest::__private::serde::Deserialize<'de> for #ident #ty_generics #where_clause {
            fn deserialize<__D>(__deserializer: __D) -> ::core::result::Result<Self, __D::Error>
            where
                __D: ::palimpsest::__private::serde::Deserializer<'de>,
            {
                #before
                ::palimpsest::__private::#function::<Self, __D>(__deserializer)
            }
        }
    }
}

pub fn bound_type_params(generics: &mut syn::Generics, bound: &TokenStream) {
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
