//! The rules every HTTP client that carries credentials follows.

/// Finishes `builder` with the rules telauth puts on every HTTP client it sends credentials
/// with, whatever else the caller set (timeouts, a custom CA, a resolver, a proxy):
/// - no redirect is followed: a redirect would carry the request, a login's password or a Basic
///   header, to another host, past the credential layer's checks (a 3xx reaches the caller);
/// - no `Referer` header, which would repeat a URL whose query may hold `?accesskey=`;
/// - no proxy from the environment for plain `http`: reqwest would otherwise send a loopback
///   request, credential included, in clear text to the proxy named by `HTTP_PROXY` or
///   `ALL_PROXY`, usually another machine. `https` goes through the proxy named by `HTTPS_PROXY`
///   (or `ALL_PROXY`), as a `CONNECT` tunnel that the proxy cannot read, honouring `NO_PROXY`;
///   an unparsable proxy variable is ignored, and so is the system's proxy configuration;
/// - TLS 1.2 at least.
///
/// A proxy set on `builder` itself (`ClientBuilder::proxy`) is the caller's and is kept, ahead
/// of the one from the environment: a company egress proxy set with `reqwest::Proxy::https`
/// carries every `https` request as a tunnel. Such a proxy is used as given: one set with
/// `reqwest::Proxy::http` or `reqwest::Proxy::all` also carries the plain-`http` requests — only
/// to a loopback host or with `allow_insecure_http`, the only ones the credential layer lets
/// through — in clear text, credential included. That is the caller's explicit choice; use
/// `Proxy::https` to keep credentials out of the proxy's sight. (The `telauth` facade goes
/// further: a client whose origin is plain `http` uses no proxy at all.)
///
/// The proxies for `https` and the TLS floor need one of this crate's TLS features, `rustls`,
/// `rustls-ring` or `native-tls` (the provider crates' features of the same names turn them on);
/// without TLS no proxy is used at all, the caller's included, since reqwest would hand an
/// `https` request to the proxy in clear text (such a request cannot be sent anyway). With
/// `rustls-ring`, the ring crypto provider is installed as the process's default unless the
/// application installed one first, which is then used.
pub fn secure_client(builder: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
    #[cfg(feature = "rustls-ring")]
    {
        // An error means a provider is installed already: it is used.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
    let builder = builder
        .redirect(reqwest::redirect::Policy::none())
        .referer(false);
    // Adding a proxy turns off reqwest's own detection (`HTTP_PROXY`, `ALL_PROXY`, the system's
    // settings) and keeps the caller's proxies, which match first: there is always one, the
    // environment's proxy for `https` or one that matches nothing.
    #[cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))]
    let builder = builder
        .proxy(https_proxy_from_env().unwrap_or_else(matches_nothing))
        .tls_version_min(reqwest::tls::Version::TLS_1_2);
    // Without TLS, reqwest would hand an `https` request to a proxy in clear text instead of
    // tunnelling it: no proxy at all then.
    #[cfg(not(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls")))]
    let builder = builder.no_proxy();
    builder
}

/// A proxy that no request goes through: every host, name or address, is in its own
/// `NO_PROXY`. Not a `Proxy::custom` that answers none: reqwest asks a custom proxy about every
/// plain-`http` request, twice, building a URL each time.
#[cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))]
fn matches_nothing() -> reqwest::Proxy {
    let every_host = reqwest::NoProxy::from_string("*, 0.0.0.0/0, ::/0");
    match reqwest::Proxy::https("http://127.0.0.1:9") {
        Ok(proxy) => proxy.no_proxy(every_host),
        Err(_) => reqwest::Proxy::custom(|_| None::<&str>),
    }
}

/// The proxy for `https` requests that the environment names, if any.
#[cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))]
fn https_proxy_from_env() -> Option<reqwest::Proxy> {
    let url = ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|value| !value.is_empty()))?;
    reqwest::Proxy::https(url.as_str())
        .ok()
        .map(|proxy| proxy.no_proxy(reqwest::NoProxy::from_env()))
}

/// A value given for a server variable of a spec's `servers` URL that would change more than
/// the part of the host it stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidServerVariable {
    /// The variable's name in the spec.
    pub name: &'static str,
    /// The value given (a host name part, not a secret).
    pub value: String,
}

impl std::fmt::Display for InvalidServerVariable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the server variable `{}` must be a DNS label (1 to 63 letters, digits and inner \
             hyphens), not `{}`",
            self.name, self.value
        )
    }
}

impl std::error::Error for InvalidServerVariable {}

/// Checks that `value`, given for the server variable `name`, is a DNS label, so that a
/// generated `base_url` cannot be pointed at another host (`evil.example/#`) where the
/// credentials would go.
pub fn dns_label(name: &'static str, value: &str) -> Result<(), InvalidServerVariable> {
    let bytes = value.as_bytes();
    let label = (1..=63).contains(&bytes.len())
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        && bytes.first() != Some(&b'-')
        && bytes.last() != Some(&b'-');
    if label {
        Ok(())
    } else {
        Err(InvalidServerVariable {
            name,
            value: value.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_dns_labels_pass() {
        for good in ["acme", "a", "my-space-1", &"x".repeat(63)] {
            assert!(super::dns_label("space", good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "evil.example/#",
            "a.b",
            "-a",
            "a-",
            "a b",
            "ä",
            &"x".repeat(64),
            "x@evil.example",
        ] {
            let error = super::dns_label("space", bad).unwrap_err();
            assert_eq!(error.name, "space");
        }
    }
}
