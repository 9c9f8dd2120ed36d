//! Version literals of the attributes: `"0.1.0"` (semver) or `3` (integer).

use std::cmp::Ordering;
use std::fmt;

use proc_macro2::{Span, TokenStream};
use quote::{quote, ToTokens};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Version {
    Semver(semver::Version),
    Integer(u64),
}

impl Version {
    pub fn scheme(&self) -> Scheme {
        match self {
            Version::Semver(_) => Scheme::Semver,
            Version::Integer(_) => Scheme::Integer,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    Semver,
    Integer,
}

impl Scheme {
    pub fn default_legacy(self) -> Version {
        match self {
            Scheme::Semver => Version::Semver(semver::Version::new(0, 0, 1)),
            Scheme::Integer => Version::Integer(0),
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Scheme::Semver => "a semver string",
            Scheme::Integer => "an integer",
        }
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Version::Semver(a), Version::Semver(b)) => a.cmp(b),
            (Version::Integer(a), Version::Integer(b)) => a.cmp(b),
            (Version::Semver(_), Version::Integer(_)) => Ordering::Less,
            (Version::Integer(_), Version::Semver(_)) => Ordering::Greater,
        }
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Version::Semver(v) => v.fmt(f),
            Version::Integer(n) => n.fmt(f),
        }
    }
}

/// Generated code passes versions as text or integers to the runtime builder.
impl ToTokens for Version {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        match self {
            Version::Semver(v) => v.to_string().to_tokens(tokens),
            Version::Integer(n) => tokens.extend(quote!(#n)),
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
                    match semver::Version::parse(&text) {
                        Ok(v) => Version::Semver(v),
                        Err(e) => {
                            let hint = if text.parse::<u64>().is_ok() {
                                format!("; for integer versions write {text} without quotes")
                            } else {
                                String::new()
                            };
                            return Err(syn::Error::new(
                                s.span(),
                                format!("malformed version {text:?}: {e}{hint}"),
                            ));
                        }
                    }
                }
                // #[added_in(2)]
                syn::Lit::Int(i) => match i.base10_parse::<u64>() {
                    Ok(n) if i.suffix().is_empty() => Version::Integer(n),
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
        assert_eq!(parse("3").unwrap(), Version::Integer(3));
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
    fn ordering_is_by_precedence() {
        assert!(parse("\"0.9.0\"").unwrap() < parse("\"0.10.0\"").unwrap());
        assert!(parse("9").unwrap() < parse("10").unwrap());
    }
}
