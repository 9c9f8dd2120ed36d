//! Version literals of the attributes: `"0.1.0"` (semver) or `3` (integer).
//! The versions themselves are the shared vocabulary's.

use proc_macro2::{Literal, Span, TokenStream};
use quote::{quote, ToTokens};

pub use crate::vocab::version::{Scheme, Version};

/// Generated code builds a version from its parts, so nothing is parsed,
/// and nothing can fail, at run time.
impl ToTokens for Version {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        let number = Literal::u64_unsuffixed;
        if let Some(n) = self.as_integer().map(number) {
            tokens.extend(quote!(::palimpsest::__private::Version::integer(#n)));
        } else if let Some(v) = self.as_semver() {
            let (major, minor, patch) = (number(v.major), number(v.minor), number(v.patch));
            if v.pre.is_empty() && v.build.is_empty() {
                tokens.extend(quote!(::palimpsest::__private::semver(#major, #minor, #patch)));
            } else {
                let (pre, build) = (v.pre.as_str(), v.build.as_str());
                tokens.extend(quote!(
                    ::palimpsest::__private::semver_tagged(#major, #minor, #patch, #pre, #build)
                ));
            }
        }
    }
}

/// A version as written in an attribute, with the span of its literal.
#[derive(Clone, Debug)]
pub struct VersionLit {
    pub version: Version,
    pub span: Span,
}

impl VersionLit {
    /// Parses a version literal.
    pub fn parse(lit: &syn::Lit) -> syn::Result<Self> {
        let version =
            match lit {
                // #[added_in("0.2.0")]
                syn::Lit::Str(s) => {
                    let text = s.value();
                    match Scheme::Semver.parse(&text) {
                        Ok(version) => version,
                        Err(e) => {
                            let hint = if Scheme::Integer.parse(&text).is_ok() {
                                format!("; for integer versions write {text} without quotes")
                            } else {
                                "; expected major.minor.patch such as \"0.1.0\"".to_owned()
                            };
                            return Err(syn::Error::new(s.span(), format!("{e}{hint}")));
                        }
                    }
                }
                // #[added_in(2)]
                syn::Lit::Int(i) => match i.base10_parse::<u64>() {
                    Ok(n) if i.suffix().is_empty() => Version::integer(n),
                    _ => {
                        return Err(syn::Error::new(
                            i.span(),
                            format!(
                            "malformed version {i}: expected a non-negative integer without suffix"
                        ),
                        ))
                    }
                },
                other => return Err(syn::Error::new(
                    other.span(),
                    "expected a version: a semver string such as \"0.1.0\" or an integer such as 1",
                )),
            };
        Ok(VersionLit {
            version,
            span: lit.span(),
        })
    }

    /// The literal as the user wrote it: `"0.2.0"` or `2`.
    pub fn text(&self) -> String {
        match self.version.scheme() {
            Scheme::Semver => format!("\"{}\"", self.version),
            Scheme::Integer => self.version.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(tokens: &str) -> syn::Result<Version> {
        let lit: syn::Lit = syn::parse_str(tokens).unwrap();
        VersionLit::parse(&lit).map(|v| v.version)
    }

    #[test]
    fn semver_and_integer_literals() {
        assert_eq!(parse("\"0.1.0\"").unwrap().to_string(), "0.1.0");
        assert_eq!(parse("3").unwrap(), Version::integer(3));
    }

    #[test]
    fn malformed_literals() {
        assert!(parse("\"0.1\"")
            .unwrap_err()
            .to_string()
            .contains("malformed version \"0.1\""));
        assert!(parse("\"3\"")
            .unwrap_err()
            .to_string()
            .contains("write 3 without quotes"));
        assert!(parse("3u8").is_err());
        assert!(parse("1.5").is_err());
    }

    #[test]
    fn literals_print_as_written() {
        let lit = |tokens: &str| VersionLit::parse(&syn::parse_str(tokens).unwrap()).unwrap();
        assert_eq!(lit("\"0.2.0\"").text(), "\"0.2.0\"");
        assert_eq!(lit("2").text(), "2");
    }

    #[test]
    fn versions_expand_to_their_parts() {
        let expand = |tokens: &str| parse(tokens).unwrap().to_token_stream().to_string();
        assert_eq!(
            expand("\"0.3.0\""),
            quote!(::palimpsest::__private::semver(0, 3, 0)).to_string()
        );
        assert_eq!(
            expand("\"1.0.0-rc.1+b7\""),
            quote!(::palimpsest::__private::semver_tagged(
                1, 0, 0, "rc.1", "b7"
            ))
            .to_string()
        );
        assert_eq!(
            expand("4"),
            quote!(::palimpsest::__private::Version::integer(4)).to_string()
        );
    }
}
