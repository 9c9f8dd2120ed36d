//! The `#[versioned]` attribute of palimpsest. Use it through `palimpsest`,
//! which documents it.

mod ast;
mod attr;
mod case;
mod check;
mod convert;
mod ctxt;
mod enums;
mod expand;
mod moves;
mod root_enum;
mod shapes;
mod tuples;
mod variant_attrs;
mod version;
// Shared with palimpsest, which uses parts this crate does not (and the
// other way round), and whose items its docs link to: see src/vocab/mod.rs.
#[allow(dead_code, rustdoc::broken_intra_doc_links)]
mod vocab;

use proc_macro::TokenStream;

/// See `palimpsest::versioned`.
#[proc_macro_attribute]
pub fn versioned(args: TokenStream, input: TokenStream) -> TokenStream {
    let item = syn::parse_macro_input!(input as syn::Item);
    expand::versioned(args.into(), &item).into()
}
