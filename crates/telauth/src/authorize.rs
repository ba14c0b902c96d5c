//! A facade client's credential on a request built by another HTTP client: put where the
//! provider expects it by the credential layer of `telauth_runtime`, for the client's origin
//! only.
// Only VoIPBIN and SignalWire clients hold a credential to lend.
#![cfg_attr(
    not(any(feature = "voipbin", feature = "signalwire")),
    allow(dead_code)
)]

use telauth_runtime::{Credential, CredentialSet, Scheme};

use crate::Error;
use crate::connection::Connection;

/// The operation the errors of `authorize` and `authorize_request` name.
pub(crate) const OPERATION: &str = "authorize";

/// Puts `credential` on `request` as `scheme` says, for `connection`'s provider.
///
/// Refused, with `request` left as it was: a request for another origin (scheme, host and
/// port) than the connection's, where the credential does not belong; one over plain `http` to
/// a host that is not loopback, unless the connection's config allowed it; and a credential
/// its place cannot carry. No error holds the credential or the request's path and query.
pub(crate) fn authorize_request(
    connection: &Connection,
    scheme: &'static Scheme,
    credential: Credential,
    request: &mut reqwest::Request,
) -> Result<(), Error> {
    let provider = connection.provider();
    let origin = connection.base_url().map(|base_url| base_url.origin());
    if origin.as_ref() != Some(&request.url().origin()) {
        return Err(Error::invalid_input(
            provider,
            OPERATION,
            format!(
                "the request is for `{}`, not for the client's origin `{}`: a {provider} \
                 credential goes to {provider}'s origin only",
                request.url().origin().ascii_serialization(),
                origin
                    .map(|origin| origin.ascii_serialization())
                    .unwrap_or_default(),
            ),
        ));
    }
    // The credential layer's own rules: plain `http` only to loopback unless allowed, and the
    // credential where the scheme puts it (a sensitive header, a checked cookie value). It
    // refuses before it changes the request.
    CredentialSet::new()
        .with(scheme, credential)
        .allow_insecure_http(connection.allows_insecure_http())
        .authorize(request, OPERATION, &[&[scheme]])
        .map_err(|error| Error::invalid_input(provider, OPERATION, error.to_string()))?;
    Ok(())
}

/// [`authorize_request`] on the request `builder` makes; the builder again, to send with the
/// client it came from. A builder that cannot make its request is refused, with reqwest's
/// reason (its URL left out).
pub(crate) fn authorize(
    connection: &Connection,
    scheme: &'static Scheme,
    credential: Credential,
    builder: reqwest::RequestBuilder,
) -> Result<reqwest::RequestBuilder, Error> {
    let (client, request) = builder.build_split();
    let mut request = request.map_err(|error| {
        Error::invalid_input(
            connection.provider(),
            OPERATION,
            format!("the request cannot be built: {}", error.without_url()),
        )
    })?;
    authorize_request(connection, scheme, credential, &mut request)?;
    Ok(reqwest::RequestBuilder::from_parts(client, request))
}
