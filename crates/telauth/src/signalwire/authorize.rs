//! The project id and API token of a [`SignalWire`] client on a request another HTTP client
//! built: for the SignalWire calls this crate does not wrap (the Compatibility API's messages
//! and calls, the Relay REST API's phone numbers, and the rest of the space's API).

use telauth_runtime::{Credential, Location, Scheme};

use super::SignalWire;
use crate::Error;
use crate::authorize::{authorize, authorize_request};

/// The spec's `SignalWireBasicAuth` scheme: `Authorization: Basic base64(project_id:api_token)`.
static SIGNAL_WIRE_BASIC_AUTH: Scheme = Scheme {
    name: "SignalWireBasicAuth",
    location: Location::Basic,
};

impl SignalWire {
    fn credential(&self) -> Credential {
        Credential::Basic {
            username: self.project_id.to_string(),
            password: self.api_token.clone(),
        }
    }

    /// Puts this client's project id and API token on a request built by another HTTP client,
    /// for a SignalWire call this crate does not wrap: `Authorization: Basic
    /// base64(project_id:api_token)`, as every SignalWire REST API reads it; nothing else is
    /// added. Answers the builder, to send as usual. The token needs the permission the call
    /// asks for (`messaging` to list messages, `numbers` for phone numbers).
    ///
    /// Refused before anything is sent ([`crate::ErrorKind::InvalidInput`], operation
    /// `authorize`): a request for another origin (scheme, host and port) than this client's
    /// (by default `https://<space>.signalwire.com`), and plain `http` to a host that is not
    /// loopback unless the [`crate::Config`] allowed it. No error shows the token.
    ///
    /// The client that sends the request is yours: it must send no plain-`http` request
    /// through a proxy (reqwest's default reads `HTTP_PROXY`), and should follow no redirect.
    /// reqwest drops `Authorization` on a redirect to another origin, but carries it on one
    /// within it. [`crate::secure_client`] applies telauth's rules to a
    /// `reqwest::ClientBuilder`.
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::signalwire::{SignalWire, SignalWireAuth};
    /// use telauth::{Config, Secret};
    ///
    /// let project = "b3877c40-da60-4998-90ad-b792e98472af";
    /// let auth = SignalWireAuth {
    ///     space: "example".into(),
    ///     project_id: project.parse().expect("a uuid"),
    ///     api_token: Secret::from("PTs3cr3t"),
    /// };
    /// let signalwire = SignalWire::new(&Config::new(), &auth)?;
    /// let http = telauth::secure_client(reqwest::Client::builder()).build().expect("a client");
    /// // The Compatibility API's message list, from SignalWire's published OpenAPI.
    /// let url = format!(
    ///     "https://example.signalwire.com/api/laml/2010-04-01/Accounts/{project}/Messages"
    /// );
    /// let request = signalwire.authorize(http.get(url))?.build().expect("a request");
    /// let basic = request.headers()["authorization"].to_str().expect("ASCII");
    /// assert!(basic.starts_with("Basic ")); // base64 of `<project>:PTs3cr3t`
    ///
    /// // Another space is another origin: refused.
    /// let elsewhere = http.get("https://other.signalwire.com/api/relay/rest/phone_numbers");
    /// let error = signalwire.authorize(elsewhere).unwrap_err();
    /// assert!(error.is_local() && !format!("{error} {error:?}").contains("PTs3cr3t"));
    /// # Ok::<(), telauth::Error>(())
    /// ```
    pub fn authorize(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::RequestBuilder, Error> {
        authorize(
            &self.connection,
            &SIGNAL_WIRE_BASIC_AUTH,
            self.credential(),
            request,
        )
    }

    /// [`SignalWire::authorize`] for a request already built: for a client that hands out a
    /// `reqwest::Request`, such as the pre-request hook of a progenitor client. A refused
    /// request is left as it was.
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::signalwire::{SignalWire, SignalWireAuth};
    /// use telauth::{Config, Secret};
    ///
    /// let auth = SignalWireAuth {
    ///     space: "example".into(),
    ///     project_id: "b3877c40-da60-4998-90ad-b792e98472af".parse().expect("a uuid"),
    ///     api_token: Secret::from("PTs3cr3t"),
    /// };
    /// let signalwire = SignalWire::new(&Config::new(), &auth)?;
    /// // The Relay REST API's phone numbers.
    /// let url = "https://example.signalwire.com/api/relay/rest/phone_numbers";
    /// let mut request = reqwest::Request::new(reqwest::Method::GET, url.parse().expect("a URL"));
    /// signalwire.authorize_request(&mut request)?;
    /// assert!(request.headers()["authorization"].is_sensitive());
    /// # Ok::<(), telauth::Error>(())
    /// ```
    pub fn authorize_request(&self, request: &mut reqwest::Request) -> Result<(), Error> {
        authorize_request(
            &self.connection,
            &SIGNAL_WIRE_BASIC_AUTH,
            self.credential(),
            request,
        )
    }
}
