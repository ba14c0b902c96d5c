//! The credential layer: a spec's security schemes, the credentials a client holds, and how they
//! are put on a request.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use reqwest::header::{AUTHORIZATION, COOKIE, HeaderName, HeaderValue};
use secrecy::zeroize::Zeroizing;

use crate::Secret;

/// Where a security scheme puts its credential on a request. New places may be added in a
/// compatible release.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Location {
    /// `Authorization: Basic base64(username:password)` (OpenAPI `type: http, scheme: basic`).
    Basic,
    /// `Authorization: Bearer <secret>` (OpenAPI `type: http, scheme: bearer`).
    Bearer,
    /// The secret as the value of the named header (OpenAPI `type: apiKey, in: header`).
    Header(&'static str),
    /// The secret as the named query parameter (OpenAPI `type: apiKey, in: query`).
    Query(&'static str),
    /// The secret as the named cookie, `Cookie: <name>=<secret>` (OpenAPI `type: apiKey,
    /// in: cookie`). Unlike a query parameter, a cookie does not end up in proxy and server
    /// access logs.
    Cookie(&'static str),
}

/// A security scheme: its name under `components.securitySchemes` and where it goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scheme {
    /// The scheme's name in the spec.
    pub name: &'static str,
    /// Where its credential goes.
    pub location: Location,
}

/// One credential: a token or key, or a username and password for HTTP Basic.
#[derive(Clone, Debug)]
pub enum Credential {
    /// A token or key, for [`Location::Bearer`], [`Location::Header`], [`Location::Query`] and
    /// [`Location::Cookie`].
    Secret(Secret),
    /// A username and password, for [`Location::Basic`].
    Basic {
        /// The username (for SignalWire, the project id); not secret.
        username: String,
        /// The password (for SignalWire, the API token).
        password: Secret,
    },
}

/// The credentials a client holds, one per scheme, and whether its requests (which all carry a
/// credential or a password) may go over plain `http` to a host that is not loopback (by default
/// they may not).
#[derive(Clone, Debug, Default)]
pub struct CredentialSet {
    held: Vec<(&'static Scheme, Credential)>,
    allow_insecure_http: bool,
}

/// Why a credential was not put on a request. Never holds the credential itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthError {
    /// The operation needs a credential of one of these schemes and the client holds none.
    Missing {
        /// The operation's `operationId`.
        operation: &'static str,
        /// The schemes that would do, in the spec's order.
        schemes: Vec<&'static str>,
    },
    /// The request would go over plain `http` to a host that is not loopback.
    InsecureTransport {
        /// The operation's `operationId`.
        operation: &'static str,
        /// The host the request was for.
        host: String,
    },
    /// The credential cannot go where its scheme puts it: the wrong kind of credential, or
    /// characters a header cannot carry.
    Unusable {
        /// The scheme's name.
        scheme: &'static str,
        /// What is wrong, without the value.
        reason: &'static str,
    },
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing { operation, schemes } => write!(
                f,
                "operation `{operation}` needs a credential for one of the schemes {}, and the \
                 client holds none",
                schemes.join(", ")
            ),
            Self::InsecureTransport { operation, host } => write!(
                f,
                "operation `{operation}` would send credentials over plain http to `{host}`, \
                 which is not a loopback address; use https, or allow insecure http explicitly"
            ),
            Self::Unusable { scheme, reason } => {
                write!(
                    f,
                    "the credential for scheme `{scheme}` is unusable: {reason}"
                )
            }
        }
    }
}

impl std::error::Error for AuthError {}

impl CredentialSet {
    /// An empty set: enough for the operations whose `security` is empty (the login calls).
    pub fn new() -> Self {
        Self::default()
    }

    /// Holds `credential` for `scheme`, replacing any credential held for it before.
    pub fn with(mut self, scheme: &'static Scheme, credential: Credential) -> Self {
        self.held.retain(|(held, _)| held.name != scheme.name);
        self.held.push((scheme, credential));
        self
    }

    /// Allows (or forbids again) sending credentials over plain `http` to any host. Loopback
    /// hosts (`localhost`, `127.0.0.0/8`, `::1`) are always allowed.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Whether a credential is held for `scheme`.
    pub fn holds(&self, scheme: &Scheme) -> bool {
        self.get(scheme).is_some()
    }

    fn get(&self, scheme: &Scheme) -> Option<&Credential> {
        self.held
            .iter()
            .find(|(held, _)| held.name == scheme.name)
            .map(|(_, credential)| credential)
    }

    /// Puts credentials on `request` as `operation`'s security `requirements` say: nothing when
    /// there are none; otherwise the first requirement (alternatives, in the spec's order) whose
    /// schemes all have a credential held.
    ///
    /// Every request is refused over plain `http` to a host that is not loopback unless that was
    /// allowed: the calls that need no scheme are the logins, whose bodies carry passwords.
    pub fn authorize(
        &self,
        request: &mut reqwest::Request,
        operation: &'static str,
        requirements: &[&[&'static Scheme]],
    ) -> Result<(), AuthError> {
        self.check_transport(request.url(), operation)?;
        if requirements.is_empty() {
            return Ok(());
        }
        let chosen = requirements
            .iter()
            .find_map(|schemes| {
                schemes
                    .iter()
                    .map(|scheme| self.get(scheme).map(|credential| (*scheme, credential)))
                    .collect::<Option<Vec<_>>>()
            })
            .ok_or_else(|| AuthError::Missing {
                operation,
                schemes: requirements
                    .iter()
                    .flat_map(|schemes| schemes.iter().map(|scheme| scheme.name))
                    .collect(),
            })?;
        for (scheme, credential) in chosen {
            apply(request, scheme, credential)?;
        }
        Ok(())
    }

    fn check_transport(
        &self,
        url: &reqwest::Url,
        operation: &'static str,
    ) -> Result<(), AuthError> {
        if url.scheme() != "http" || self.allow_insecure_http || is_loopback(url) {
            return Ok(());
        }
        Err(AuthError::InsecureTransport {
            operation,
            host: url.host_str().unwrap_or_default().to_string(),
        })
    }
}

/// Whether `url`'s host is the loopback interface: `localhost` (the URL holds a domain in lower
/// case), or a loopback address (which the URL holds already parsed).
fn is_loopback(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Whether `value` is a non-empty run of RFC 6265 `cookie-octet`s: printable ASCII without
/// space, `"`, `,`, `;` and a backslash.
fn is_cookie_value(value: &str) -> bool {
    !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b',' | b';' | b'\\'))
}

fn apply(
    request: &mut reqwest::Request,
    scheme: &Scheme,
    credential: &Credential,
) -> Result<(), AuthError> {
    let unusable = |reason| AuthError::Unusable {
        scheme: scheme.name,
        reason,
    };
    let header = |value: &str| {
        let mut value = HeaderValue::from_str(value)
            .map_err(|_| unusable("it has characters an HTTP header cannot carry"))?;
        value.set_sensitive(true);
        Ok::<_, AuthError>(value)
    };
    match (scheme.location, credential) {
        (Location::Basic, Credential::Basic { username, password }) => {
            let pair = Zeroizing::new(format!("{username}:{}", password.expose()));
            let value = Zeroizing::new(format!("Basic {}", STANDARD.encode(pair.as_bytes())));
            request.headers_mut().insert(AUTHORIZATION, header(&value)?);
        }
        (Location::Bearer, Credential::Secret(secret)) => {
            let value = Zeroizing::new(format!("Bearer {}", secret.expose()));
            request.headers_mut().insert(AUTHORIZATION, header(&value)?);
        }
        (Location::Header(name), Credential::Secret(secret)) => {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| unusable("its header name is not a valid HTTP header name"))?;
            request.headers_mut().insert(name, header(secret.expose())?);
        }
        (Location::Query(name), Credential::Secret(secret)) => {
            request
                .url_mut()
                .query_pairs_mut()
                .append_pair(name, secret.expose());
        }
        (Location::Cookie(name), Credential::Secret(secret)) => {
            if !is_cookie_value(secret.expose()) {
                return Err(unusable(
                    "it has characters a cookie value cannot carry (RFC 6265 cookie-octets)",
                ));
            }
            let pair = Zeroizing::new(format!("{name}={}", secret.expose()));
            let value = match request.headers().get(COOKIE) {
                Some(earlier) => {
                    let mut joined = Zeroizing::new(earlier.as_bytes().to_vec());
                    joined.extend_from_slice(b"; ");
                    joined.extend_from_slice(pair.as_bytes());
                    HeaderValue::from_bytes(&joined)
                        .map_err(|_| unusable("the request's cookies cannot take it"))?
                }
                None => header(&pair)?,
            };
            let mut value = value;
            value.set_sensitive(true);
            request.headers_mut().insert(COOKIE, value);
        }
        (Location::Basic, Credential::Secret(_)) => {
            return Err(unusable("HTTP Basic needs a username and a password"));
        }
        (_, Credential::Basic { .. }) => {
            return Err(unusable("a username and password only fit HTTP Basic"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    static BEARER: Scheme = Scheme {
        name: "BearerAuth",
        location: Location::Bearer,
    };
    static KEY: Scheme = Scheme {
        name: "KeyQuery",
        location: Location::Query("key"),
    };
    static BASIC: Scheme = Scheme {
        name: "Basic",
        location: Location::Basic,
    };

    fn request(url: &str) -> reqwest::Request {
        reqwest::Request::new(reqwest::Method::GET, url.parse().unwrap())
    }

    #[test]
    fn picks_the_first_requirement_held() {
        let set = CredentialSet::new().with(&KEY, Credential::Secret("k 1".into()));
        let mut req = request("https://api.example.com/x?a=1");
        set.authorize(&mut req, "op", &[&[&BEARER], &[&KEY]])
            .unwrap();
        assert_eq!(req.url().as_str(), "https://api.example.com/x?a=1&key=k+1");
        assert!(req.headers().get(AUTHORIZATION).is_none());
    }

    static COOKIE_KEY: Scheme = Scheme {
        name: "KeyCookie",
        location: Location::Cookie("accesskey"),
    };

    #[test]
    fn cookie_goes_in_the_cookie_header_and_never_the_query() {
        let set = CredentialSet::new().with(&COOKIE_KEY, Credential::Secret("vb_sentinel".into()));
        let mut req = request("https://api.example.com/x?a=1");
        set.authorize(&mut req, "op", &[&[&BEARER], &[&COOKIE_KEY]])
            .unwrap();
        assert_eq!(req.url().as_str(), "https://api.example.com/x?a=1");
        assert!(req.headers().get(AUTHORIZATION).is_none());
        let cookie = req.headers().get(COOKIE).unwrap();
        assert_eq!(cookie, "accesskey=vb_sentinel");
        assert!(cookie.is_sensitive());
        assert!(!format!("{:?}", req.headers()).contains("sentinel"));

        let mut req = request("https://api.example.com/");
        req.headers_mut()
            .insert(COOKIE, HeaderValue::from_static("lang=en"));
        set.authorize(&mut req, "op", &[&[&COOKIE_KEY]]).unwrap();
        assert_eq!(req.headers()[COOKIE], "lang=en; accesskey=vb_sentinel");
    }

    #[test]
    fn cookie_breaking_secret_is_refused_without_echo() {
        for bad in [
            "a;sentinel=1",
            "sentinel key",
            "",
            "sentinel,x",
            "sentinel\"x",
        ] {
            let set = CredentialSet::new().with(&COOKIE_KEY, Credential::Secret(bad.into()));
            let err = set
                .authorize(&mut request("https://a.example/"), "op", &[&[&COOKIE_KEY]])
                .unwrap_err();
            assert!(
                matches!(
                    err,
                    AuthError::Unusable {
                        scheme: "KeyCookie",
                        ..
                    }
                ),
                "{bad}"
            );
            assert!(!err.to_string().contains("sentinel"));
        }
    }

    #[test]
    fn basic_header_is_base64_of_user_colon_password() {
        let set = CredentialSet::new().with(
            &BASIC,
            Credential::Basic {
                username: "Aladdin".into(),
                password: "open sesame".into(),
            },
        );
        let mut req = request("https://api.example.com/");
        set.authorize(&mut req, "op", &[&[&BASIC]]).unwrap();
        let value = req.headers().get(AUTHORIZATION).unwrap();
        assert_eq!(value, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        assert!(value.is_sensitive());
    }

    #[test]
    fn no_requirement_sends_nothing_and_missing_names_schemes() {
        let set = CredentialSet::new().with(&BEARER, Credential::Secret("t".into()));
        let mut req = request("https://api.example.com/");
        set.authorize(&mut req, "login", &[]).unwrap();
        assert!(req.headers().is_empty());
        let err = CredentialSet::new()
            .authorize(&mut req, "list", &[&[&BEARER], &[&KEY]])
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "operation `list` needs a credential for one of the schemes BearerAuth, KeyQuery, \
             and the client holds none"
        );
    }

    #[test]
    fn plain_http_only_to_loopback_unless_allowed() {
        let set = CredentialSet::new().with(&BEARER, Credential::Secret("sentinel".into()));
        for url in [
            "http://127.0.0.1:1/",
            "http://127.8.0.1/",
            "http://localhost/",
            "http://LocalHost:3/",
            "http://[::1]:8/",
        ] {
            set.authorize(&mut request(url), "op", &[&[&BEARER]])
                .unwrap();
        }
        for url in [
            "http://10.0.0.1/",
            "http://[::2]/",
            "http://localhost.example.com/",
        ] {
            let refused = set.authorize(&mut request(url), "op", &[&[&BEARER]]);
            assert!(
                matches!(refused, Err(AuthError::InsecureTransport { .. })),
                "{url}"
            );
        }
        let err = set
            .authorize(&mut request("http://api.example.com/"), "op", &[&[&BEARER]])
            .unwrap_err();
        assert!(
            matches!(err, AuthError::InsecureTransport { ref host, .. } if host == "api.example.com")
        );
        let allowed = set.allow_insecure_http(true);
        allowed
            .authorize(&mut request("http://api.example.com/"), "op", &[&[&BEARER]])
            .unwrap();
        assert!(!format!("{allowed:?} {err:?} {err}").contains("sentinel"));
    }

    #[test]
    fn header_breaking_secret_is_refused_without_echo() {
        let set = CredentialSet::new().with(&BEARER, Credential::Secret("bad\nsentinel".into()));
        let err = set
            .authorize(&mut request("https://a.example/"), "op", &[&[&BEARER]])
            .unwrap_err();
        assert!(!err.to_string().contains("sentinel"));
        assert!(matches!(
            err,
            AuthError::Unusable {
                scheme: "BearerAuth",
                ..
            }
        ));
    }
}
