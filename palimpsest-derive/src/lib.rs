//! The `#[versioned]` attribute of palimpsest. Use it through `palimpsest`,
//! which documents it.

use proc_macro::TokenStream;

/// See `palimpsest::versioned`.
#[proc_macro_attribute]
pub fn versioned(_args: TokenStream, input: TokenStream) -> TokenStream {
    input
}
