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
    let mut cx = ctxt::Ctxt::default();
    let expanded = ast::Container::from_ast(&mut cx, args.into(), &item).and_then(|cont| {
        check::validate(&mut cx, &cont).map(|history| expand::expand(&cont, &history))
    });
    match (cx.check(), expanded) {
        (Ok(()), Some(tokens)) => tokens.into(),
        (Err(errors), _) => {
            let mut tokens = expand::fallback(&item);
            tokens.extend(errors.to_compile_error());
            tokens.into()
        }
        (Ok(()), None) => expand::fallback(&item).into(),
    }
}
