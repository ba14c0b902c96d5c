//! The security schemes the credential layer takes, and where each puts its credential: one
//! rule, which the front end reads to set aside what it does not take (`takeable`) and the
//! generator to write the layer (`generate::credentials`).

use openapiv3::{APIKeyLocation, SecurityScheme};

/// Where a scheme's credential goes on the request, as a mock matches it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Place {
    /// `Authorization: Basic base64(username:password)`.
    Basic,
    /// `Authorization: Bearer <secret>`.
    Bearer,
    /// The named header.
    Header(String),
    /// The named query parameter.
    Query(String),
    /// The named cookie.
    Cookie(String),
}

/// Where the layer puts the credential of `scheme`, or the key of the scheme that says why it
/// cannot (`scheme`, `type`) and what is unsupported.
pub(crate) fn place(scheme: &SecurityScheme) -> Result<Place, (&'static str, String)> {
    Ok(match scheme {
        SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("basic") => Place::Basic,
        SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("bearer") => {
            Place::Bearer
        }
        SecurityScheme::HTTP { scheme, .. } => {
            return Err(("scheme", format!("http scheme `{scheme}`")));
        }
        SecurityScheme::APIKey { location, name, .. } => match location {
            APIKeyLocation::Header => Place::Header(name.clone()),
            APIKeyLocation::Query => Place::Query(name.clone()),
            APIKeyLocation::Cookie => Place::Cookie(name.clone()),
        },
        SecurityScheme::OAuth2 { .. } => return Err(("type", "oauth2".into())),
        SecurityScheme::OpenIDConnect { .. } => return Err(("type", "openIdConnect".into())),
    })
}
