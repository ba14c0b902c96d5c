//! The credential of a [`VoipBin`] client or a [`TokenSource`] on a request another HTTP client
//! built: for the VoIPBIN calls this crate does not wrap (`GET /v1.0/calls`, `GET /v1.0/customer`
//! and the rest of VoIPBIN's API).

use telauth_runtime::{Credential, Location, Scheme};

use super::{PROVIDER, TokenSource, VoipBin, VoipBinAuth};
use crate::Error;
use crate::authorize::{OPERATION, authorize, authorize_request};

/// The spec's `BearerAuth` scheme: a JWT as `Authorization: Bearer <jwt>`.
static BEARER_AUTH: Scheme = Scheme {
    name: "BearerAuth",
    location: Location::Bearer,
};

/// The spec's `AccesskeyCookie` scheme: an access key as the cookie `accesskey` (never a
/// header: VoIPBIN parses every Bearer value as a JWT).
static ACCESSKEY_COOKIE: Scheme = Scheme {
    name: "AccesskeyCookie",
    location: Location::Cookie("accesskey"),
};

impl VoipBin {
    /// The scheme and credential this client presents, or an error when it holds none.
    fn credential(&self) -> Result<(&'static Scheme, Credential), Error> {
        match &self.auth {
            Some(VoipBinAuth::Jwt(jwt)) => Ok((&BEARER_AUTH, Credential::Secret(jwt.clone()))),
            Some(VoipBinAuth::AccessKey(key)) => {
                Ok((&ACCESSKEY_COOKIE, Credential::Secret(key.clone())))
            }
            None => Err(Error::invalid_input(
                PROVIDER,
                OPERATION,
                "this client holds no JWT or access key; build it with VoipBin::new (or \
                 TokenSource::client), not VoipBin::login_only",
            )),
        }
    }

    /// Puts this client's credential on a request built by another HTTP client, for a VoIPBIN
    /// call this crate does not wrap: a JWT as `Authorization: Bearer <jwt>`, an access key as
    /// the cookie `accesskey=<key>` (added to the request's other cookies), as VoIPBIN reads
    /// them; nothing else is added. Answers the builder, to send as usual.
    ///
    /// Refused before anything is sent ([`crate::ErrorKind::InvalidInput`], operation
    /// `authorize`): a request for another origin (scheme, host and port) than this client's
    /// [`crate::Config`] gives (by default `https://api.voipbin.net`), plain `http` to a host
    /// that is not loopback unless the config allowed it, a client that holds no credential
    /// ([`VoipBin::login_only`]), and a key a cookie cannot carry. No error shows the
    /// credential.
    ///
    /// The client that sends the request is yours: it must send no plain-`http` request
    /// through a proxy (reqwest's default reads `HTTP_PROXY`), and should follow no redirect.
    /// reqwest drops `Authorization` and `Cookie` on a redirect to another origin, but carries
    /// them on one within it. [`crate::secure_client`] applies telauth's rules to a
    /// `reqwest::ClientBuilder`.
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::voipbin::{VoipBin, VoipBinAuth};
    /// use telauth::{Config, Secret};
    ///
    /// let voipbin = VoipBin::new(&Config::new(), &VoipBinAuth::AccessKey(Secret::from("vb_s3cr3t")))?;
    /// let http = telauth::secure_client(reqwest::Client::builder()).build().expect("a client");
    /// // `GET /v1.0/calls`, from VoIPBIN's published OpenAPI.
    /// let calls = voipbin.authorize(http.get("https://api.voipbin.net/v1.0/calls?page_size=10"))?;
    /// let request = calls.build().expect("a request");
    /// assert_eq!(request.headers()["cookie"], "accesskey=vb_s3cr3t");
    /// assert_eq!(request.url().query(), Some("page_size=10"));
    ///
    /// // Another host never gets the key.
    /// let error = voipbin.authorize(http.get("https://api.example.com/v1.0/calls")).unwrap_err();
    /// assert!(error.is_local() && !error.to_string().contains("s3cr3t"));
    /// # Ok::<(), telauth::Error>(())
    /// ```
    pub fn authorize(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::RequestBuilder, Error> {
        let (scheme, credential) = self.credential()?;
        authorize(&self.connection, scheme, credential, request)
    }

    /// [`VoipBin::authorize`] for a request already built: for a client that hands out a
    /// `reqwest::Request`, such as the pre-request hook of a progenitor client. A refused
    /// request is left as it was.
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::voipbin::{VoipBin, VoipBinAuth};
    /// use telauth::{Config, Secret};
    ///
    /// let voipbin = VoipBin::new(&Config::new(), &VoipBinAuth::Jwt(Secret::from("eyJ.s3cr3t")))?;
    /// let url = "https://api.voipbin.net/v1.0/customer".parse().expect("a URL");
    /// let mut request = reqwest::Request::new(reqwest::Method::GET, url);
    /// voipbin.authorize_request(&mut request)?;
    /// assert_eq!(request.headers()["authorization"], "Bearer eyJ.s3cr3t");
    /// assert!(request.headers()["authorization"].is_sensitive());
    /// # Ok::<(), telauth::Error>(())
    /// ```
    pub fn authorize_request(&self, request: &mut reqwest::Request) -> Result<(), Error> {
        let (scheme, credential) = self.credential()?;
        authorize_request(&self.connection, scheme, credential, request)
    }
}

impl TokenSource {
    /// Puts a valid JWT on a request built by another HTTP client, as `Authorization: Bearer
    /// <jwt>`: the cached token, or a new one when it is missing or about to expire (as
    /// [`TokenSource::token`] gives it). The rules and refusals of [`VoipBin::authorize`] hold,
    /// and a failed login is its error. Call it for each request: a builder keeps the JWT it
    /// was given.
    ///
    /// # Examples
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use telauth::voipbin::TokenSource;
    /// use telauth::{Config, Vars};
    ///
    /// let sandbox = telauth_sandbox::Sandbox::start("127.0.0.1:0".parse()?).await?;
    /// let vars = Vars::from_iter(sandbox.info().env_vars());
    /// let tokens = TokenSource::from_vars(&vars, &Config::new())?;
    /// let http = telauth::secure_client(reqwest::Client::builder()).build()?;
    /// let url = format!("{}/v1.0/accesskeys", sandbox.info().voipbin.origin);
    /// // Logs in on first use; later requests share the JWT until shortly before its `exp`.
    /// let answer = tokens.authorize(http.get(&url)).await?.send().await?;
    /// assert_eq!(answer.status(), 200);
    /// # sandbox.stop().await;
    /// # Ok(()) }
    /// ```
    pub async fn authorize(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::RequestBuilder, Error> {
        self.client().await?.authorize(request)
    }

    /// [`TokenSource::authorize`] for a request already built. A refused request is left as
    /// it was.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use telauth::voipbin::TokenSource;
    /// use telauth::{Config, Vars};
    ///
    /// let tokens = TokenSource::from_vars(&Vars::process(), &Config::new())?;
    /// let url = "https://api.voipbin.net/v1.0/customer".parse()?;
    /// let mut request = reqwest::Request::new(reqwest::Method::GET, url);
    /// tokens.authorize_request(&mut request).await?;
    /// let http = telauth::secure_client(reqwest::Client::builder()).build()?;
    /// println!("{}", http.execute(request).await?.status());
    /// # Ok(()) }
    /// ```
    pub async fn authorize_request(&self, request: &mut reqwest::Request) -> Result<(), Error> {
        self.client().await?.authorize_request(request)
    }
}
