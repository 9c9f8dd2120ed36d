//! The palimpsest attributes of an enum variant: those of a field, with
//! `#[removed_in]` taking the fallback variant that values of a removed
//! variant become.

use syn::parse::{Parse, ParseStream};
use syn::{Attribute, LitStr, Token};

use crate::attr::{is_field_attr, Added, FieldAttrs, Renamed};
use crate::ctxt::Ctxt;
use crate::version::VersionLit;

const REMOVED_USAGE: &str = "expected #[removed_in(\"0.3.0\", fallback = \"Variant\")] or #[removed_in(\"0.3.0\", fallback = \"Variant\", drop)]";

/// The attributes of one variant.
#[derive(Default)]
pub struct VariantAttrs<'a> {
    pub renamed: Vec<Renamed>,
    pub added: Option<Added<'a>>,
    pub removed: Option<RemovedVariant<'a>>,
}

/// `#[removed_in("0.3.0", fallback = "Other")]`, optionally with `drop`.
pub struct RemovedVariant<'a> {
    pub attr: &'a Attribute,
    pub version: VersionLit,
    /// The Rust name of the variant values of the removed one become.
    pub fallback: Option<LitStr>,
    /// Not kept in the root's metadata.
    pub drop: bool,
}

impl<'a> VariantAttrs<'a> {
    pub fn parse(cx: &mut Ctxt, attrs: &'a [Attribute]) -> Self {
        let mut out = VariantAttrs::default();
        for attr in attrs.iter().filter(|a| is_field_attr(a)) {
            if !attr.path().is_ident("removed_in") {
                // #[renamed_from(..)] and #[added_in(..)] read as on a field.
                let field = FieldAttrs::parse(cx, std::slice::from_ref(attr));
                // A variant has no value of its own to convert, move or
                // set: those go on the fields of a struct variant, or on
                // the field holding the enum.
                if let Some(attr) = field.convert.first_attr() {
                    let name = field.convert.first_name();
                    cx.error_spanned_by(
                        attr,
                        format!("#[{name}] does not go on an enum variant; write it on the field that holds the enum, or on a field of a struct variant"),
                    );
                }
                crate::moves::reject_on_variant(cx, &field);
                out.renamed.extend(field.renamed);
                if let Some(added) = field.added {
                    if out.added.is_some() {
                        cx.error_spanned_by(attr, "duplicate #[added_in]: a variant is added once");
                    } else {
                        out.added = Some(added);
                    }
                }
                continue;
            }
            // #[removed_in("0.3.0", fallback = "Other")]
            let args = match attr.parse_args::<RemovedArgs>() {
                Ok(args) => args,
                Err(e) => {
                    cx.syn_error(e);
                    continue;
                }
            };
            if out.removed.is_some() {
                cx.error_spanned_by(attr, "duplicate #[removed_in]: a variant is removed once");
                continue;
            }
            match VersionLit::parse(&args.version) {
                Ok(version) => {
                    out.removed = Some(RemovedVariant {
                        attr,
                        version,
                        fallback: args.fallback,
                        drop: args.drop,
                    });
                }
                Err(e) => cx.syn_error(e),
            }
        }
        out
    }

    /// Every version literal the attributes name.
    pub fn versions(&self) -> impl Iterator<Item = &VersionLit> {
        let renamed = self.renamed.iter().map(|r| &r.since);
        let added = self.added.iter().map(|a| &a.version);
        let removed = self.removed.iter().map(|r| &r.version);
        renamed.chain(added).chain(removed)
    }
}

struct RemovedArgs {
    version: syn::Lit,
    fallback: Option<LitStr>,
    drop: bool,
}

impl Parse for RemovedArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        if input.is_empty() {
            return Err(syn::Error::new(
                input.span(),
                format!("missing version; {REMOVED_USAGE}"),
            ));
        }
        let version: syn::Lit = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                format!("a version is a literal such as \"0.2.0\" or 2; {REMOVED_USAGE}"),
            )
        })?;
        let mut args = RemovedArgs {
            version,
            fallback: None,
            drop: false,
        };
        while input.parse::<Option<Token![,]>>()?.is_some() && !input.is_empty() {
            let word: syn::Ident = input.parse().map_err(|e| {
                syn::Error::new(e.span(), format!("#[removed_in(...)]: {REMOVED_USAGE}"))
            })?;
            if word == "drop" {
                args.drop = true;
            } else if word == "fallback" {
                input.parse::<Token![=]>()?;
                args.fallback = Some(input.parse()?);
            } else {
                return Err(syn::Error::new(
                    word.span(),
                    format!("#[removed_in(...)]: unknown option `{word}`; {REMOVED_USAGE}"),
                ));
            }
        }
        if !input.is_empty() {
            return Err(input.error(format!(
                "#[removed_in(...)]: unexpected tokens; {REMOVED_USAGE}"
            )));
        }
        Ok(args)
    }
}
