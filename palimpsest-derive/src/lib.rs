//! The `#[versioned]` attribute of palimpsest. Use it through `palimpsest`,
//! which documents it.

mod ast;
mod attr;
mod case;
mod check;
mod ctxt;
mod expand;
mod version;

use proc_macro::TokenStream;

/// See `palimpsest::versioned`.
#[proc_macro_attribute]
pub fn versioned(args: TokenStream, input: TokenStream) -> TokenStream {
    let item = syn::parse_macro_input!(input as syn::Item);
    expand::versioned(args.into(), &item).into()
}
