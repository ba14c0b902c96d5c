//! The emitted credential layer (`src/generated/auth.rs`), from what progenitor ignores: a
//! spec's `securitySchemes` and each operation's `security` become one constant per scheme, a
//! `Credentials` type with a constructor per scheme, the requirements of each operation, and the
//! `ClientHooks` implementation that applies them before each request.

use heck::{ToShoutySnakeCase, ToSnakeCase};
use openapiv3::{OpenAPI, ReferenceOr, SecurityScheme};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::Error;
use crate::openapi::schemes::{self, Place};
use crate::openapi::{Spec, operations, pointer};

/// The source of `src/generated/auth.rs` for `spec`, or the place and reason a scheme is unsupported.
pub(crate) fn credential_layer(provider: &str, spec: &Spec) -> Result<TokenStream, Error> {
    let schemes = schemes(spec)?;
    let scheme_consts = schemes.iter().map(scheme_const);
    let (arms, none_doc) = requirement_arms(&spec.api);
    let credentials = credentials_type(&schemes, &none_doc);
    let hooks = client_hooks(provider);
    Ok(quote! {
        //! The credential layer of this client, generated from the spec's `securitySchemes`
        //! and each operation's `security`: a call sends exactly the credential its operation
        //! asks for, and none when it asks for none.

        use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
        #[allow(unused_imports)]
        use telauth_runtime::{Credential, CredentialSet, Location, Scheme};

        #[allow(unused_imports)]
        use crate::{Client, Secret};

        #(#scheme_consts)*

        #credentials

        /// The security requirements of an operation, by its name (as in `operations`, and as
        /// progenitor gives it to the hooks): alternatives in the
        /// spec's order, each a list of schemes that must all be presented. `None` for an
        /// operation the spec does not have.
        pub fn requirements(operation_id: &str) -> Option<&'static [&'static [&'static Scheme]]> {
            Some(match operation_id {
                #(#arms)*
                _ => return None,
            })
        }

        #hooks
    })
}

/// The constant of one scheme: its name and where its credential goes.
fn scheme_const(scheme: &SchemeCode) -> TokenStream {
    let ident = &scheme.const_ident;
    let name = &scheme.name;
    let location = location(&scheme.place);
    let doc = format!(" The `{name}` scheme: {}", scheme.summary);
    quote! {
        #[doc = #doc]
        pub const #ident: Scheme = Scheme { name: #name, location: #location };
    }
}

/// The `Credentials` constructor of one scheme, named after it.
fn constructor(scheme: &SchemeCode) -> TokenStream {
    let ident = &scheme.const_ident;
    let function = format_ident!("{}", scheme.name.to_snake_case());
    let doc = format!(
        " Presents a credential with the `{}` scheme: {}",
        scheme.name, scheme.summary
    );
    if scheme.place == Place::Basic {
        quote! {
            #[doc = #doc]
            pub fn #function(username: impl Into<String>, password: impl Into<Secret>) -> Self {
                Self(CredentialSet::new().with(&#ident, Credential::Basic {
                    username: username.into(),
                    password: password.into(),
                }))
            }
        }
    } else {
        quote! {
            #[doc = #doc]
            pub fn #function(secret: impl Into<Secret>) -> Self {
                Self(CredentialSet::new().with(&#ident, Credential::Secret(secret.into())))
            }
        }
    }
}

/// The arms of `requirements`, one per operation of `api`, and the doc of
/// `Credentials::none`, which names the operations that need no credential.
fn requirement_arms(api: &OpenAPI) -> (Vec<TokenStream>, String) {
    let mut public_operations = Vec::new();
    let arms = requirements(api)
        .map(|(operation_id, requirements)| {
            if requirements.is_empty() {
                public_operations.push(format!("`{operation_id}`"));
            }
            let alternatives = requirements.iter().map(|requirement| {
                let idents = requirement
                    .iter()
                    .map(|name| format_ident!("{}", name.to_shouty_snake_case()));
                quote! { &[#(&#idents),*] }
            });
            quote! { #operation_id => &[#(#alternatives),*], }
        })
        .collect();
    let none_doc = if public_operations.is_empty() {
        " No credential. Every operation of this API needs one, so calls fail locally until a \
         credential is given."
            .to_string()
    } else {
        format!(
            " No credential: enough for the operations that need none ({}).",
            public_operations.join(", ")
        )
    };
    (arms, none_doc)
}

/// The `Credentials` type, with `none`, a constructor per scheme and `allow_insecure_http`.
fn credentials_type(schemes: &[SchemeCode], none_doc: &str) -> TokenStream {
    let constructors = schemes.iter().map(constructor);
    quote! {
        /// The credentials a [`Client`] presents, and whether its requests may go over plain
        /// `http` to a host that is not loopback (by default they may not: every call of this
        /// API carries a credential or a password).
        ///
        /// `Debug` never shows a secret.
        #[derive(Clone, Debug, Default)]
        pub struct Credentials(CredentialSet);

        impl Credentials {
            #[doc = #none_doc]
            pub fn none() -> Self {
                Self::default()
            }

            #(#constructors)*

            /// Allows requests over plain `http` to any host, not only to loopback ones. Meant
            /// for tests on a trusted network; never needed for `https`.
            pub fn allow_insecure_http(self) -> Self {
                Self(self.0.allow_insecure_http(true))
            }
        }
    }
}

/// `Client::with_builder`, and the `ClientHooks` that apply each operation's requirements
/// before its request and send it through `telauth_runtime::execute` (as `provider`).
fn client_hooks(provider: &str) -> TokenStream {
    quote! {
        impl Client {
            /// A client at `baseurl` presenting `credentials`, over an HTTP client built from
            /// `builder` (timeouts, a custom CA, a resolver, a proxy) and finished with
            /// [`telauth_runtime::secure_client`]: no redirects, no `Referer`, no proxy from the
            /// environment for plain `http`, TLS 1.2 at least. A proxy set on `builder` is kept
            /// and used as given: set it for `https` only (`reqwest::Proxy::https`), or a
            /// plain-`http` request goes through it in clear.
            pub fn with_builder(
                baseurl: &str,
                builder: reqwest::ClientBuilder,
                credentials: Credentials,
            ) -> reqwest::Result<Self> {
                let client = telauth_runtime::secure_client(builder).build()?;
                Ok(Self::new_with_client(baseurl, client, credentials))
            }
        }

        impl ClientHooks<Credentials> for Client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                info: &OperationInfo,
            ) -> Result<(), Error<E>> {
                let requirements = requirements(info.operation_id).ok_or_else(|| {
                    Error::InvalidRequest(format!(
                        "operation `{}` has no security requirements in the spec",
                        info.operation_id
                    ))
                })?;
                self.inner()
                    .0
                    .authorize(request, info.operation_id, requirements)
                    .map_err(|error| Error::InvalidRequest(error.to_string()))
            }

            async fn exec(
                &self,
                request: reqwest::Request,
                info: &OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                telauth_runtime::execute(self.client(), request, #provider, info.operation_id).await
            }
        }
    }
}

/// One scheme as the generated code needs it.
struct SchemeCode {
    name: String,
    const_ident: proc_macro2::Ident,
    summary: String,
    place: Place,
}

/// A scheme an operation accepts, for its mock: the scheme's name (which its `Credentials`
/// constructor and its mock matcher are named after), where it goes, and its summary.
pub(crate) struct AcceptedScheme {
    /// The scheme's name in `securitySchemes`.
    pub(crate) name: String,
    /// Where its credential goes.
    pub(crate) place: Place,
    /// Its description, on one line.
    pub(crate) summary: String,
}

/// Each operation's method name (progenitor's, from its `operationId`) with the schemes any of
/// its security alternatives names, each once, in the order the spec declares the schemes.
pub(crate) fn accepted_schemes(spec: &Spec) -> Result<Vec<(String, Vec<AcceptedScheme>)>, Error> {
    let schemes = schemes(spec)?;
    Ok(requirements(&spec.api)
        .map(|(operation, requirements)| {
            let accepted = schemes
                .iter()
                .filter(|scheme| {
                    requirements
                        .iter()
                        .flatten()
                        .any(|name| *name == scheme.name)
                })
                .map(|scheme| AcceptedScheme {
                    name: scheme.name.clone(),
                    place: scheme.place.clone(),
                    summary: scheme.summary.clone(),
                })
                .collect();
            (operation, accepted)
        })
        .collect())
}

/// Each scheme of `spec`'s `securitySchemes`, in its order, or the first the layer cannot
/// apply, named by its JSON pointer.
fn schemes(spec: &Spec) -> Result<Vec<SchemeCode>, Error> {
    let declared = spec
        .api
        .components
        .iter()
        .flat_map(|components| components.security_schemes.iter());
    declared
        .map(|(name, scheme)| {
            let unsupported = |key: &str, what: &str| {
                Error::invalid(
                    &spec.path,
                    pointer::child(
                        &pointer::render(&["components", "securitySchemes", name]),
                        key,
                    ),
                    format!(
                        "{what} is not supported; use http basic, http bearer or apiKey in a \
                         header, the query or a cookie"
                    ),
                )
            };
            let ReferenceOr::Item(scheme) = scheme else {
                return Err(unsupported("$ref", "a scheme given by `$ref`"));
            };
            let place = schemes::place(scheme).map_err(|(key, what)| unsupported(key, &what))?;
            Ok(SchemeCode {
                name: name.clone(),
                const_ident: format_ident!("{}", name.to_shouty_snake_case()),
                place,
                summary: one_line(description(scheme)),
            })
        })
        .collect()
}

/// The `Location` the layer is given for a credential that goes to `place`.
fn location(place: &Place) -> TokenStream {
    match place {
        Place::Basic => quote! { Location::Basic },
        Place::Bearer => quote! { Location::Bearer },
        Place::Header(name) => quote! { Location::Header(#name) },
        Place::Query(name) => quote! { Location::Query(#name) },
        Place::Cookie(name) => quote! { Location::Cookie(#name) },
    }
}

/// The description of `scheme`, if any.
fn description(scheme: &SecurityScheme) -> Option<&str> {
    match scheme {
        SecurityScheme::HTTP { description, .. }
        | SecurityScheme::APIKey { description, .. }
        | SecurityScheme::OAuth2 { description, .. }
        | SecurityScheme::OpenIDConnect { description, .. } => description.as_deref(),
    }
}

/// `text` on one line, its runs of whitespace as single spaces.
fn one_line(text: Option<&str>) -> String {
    text.unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Each operation's name (what progenitor's hooks are given: the method name it derives from
/// the `operationId`) and its effective requirements (its own `security`, else the
/// document's), as lists of scheme names.
fn requirements(api: &OpenAPI) -> impl Iterator<Item = (String, Vec<Vec<String>>)> + '_ {
    operations(api).into_iter().map(move |(_, op)| {
        let requirements = op
            .security(api)
            .iter()
            .map(|requirement| requirement.keys().cloned().collect())
            .collect();
        (
            crate::openapi::names::method_name(op.operation.operation_id.as_deref().unwrap_or("")),
            requirements,
        )
    })
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use crate::openapi::Spec;

    /// A spec whose `securitySchemes` are `schemes` (YAML, indented for the map).
    fn spec(schemes: &str) -> Spec {
        let yaml = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  securitySchemes:\n{schemes}"
        );
        Spec {
            path: PathBuf::from("specs/t.yaml"),
            rel_path: "specs/t.yaml".into(),
            sha256: String::new(),
            api: serde_yaml_ng::from_str(&yaml).unwrap(),
            notes: Vec::new(),
        }
    }

    /// The place and message of the error `credential_layer` gives for `schemes`
    /// (`specs/t.yaml: at `PLACE`: MESSAGE`).
    fn refusal(schemes: &str) -> (String, String) {
        let error = match super::credential_layer("t", &spec(schemes)) {
            Err(error) => error.to_string(),
            Ok(_) => panic!("not refused"),
        };
        let rest = error
            .strip_prefix("specs/t.yaml: at `")
            .unwrap_or_else(|| panic!("not refused as invalid: {error}"));
        let (place, message) = rest.split_once("`: ").unwrap();
        (place.to_string(), message.to_string())
    }

    #[test]
    fn an_unsupported_scheme_is_named_by_the_json_pointer_of_what_is_unsupported() {
        let (place, message) = refusal("    api.v1/Key:\n      type: http\n      scheme: digest\n");
        assert_eq!(place, "#/components/securitySchemes/api.v1~1Key/scheme");
        assert!(
            message.contains("http scheme `digest` is not supported"),
            "{message}"
        );
        let (place, message) = refusal(
            "    ok: {type: http, scheme: basic}\n    login.oauth:\n      type: oauth2\n      flows: {}\n",
        );
        assert_eq!(place, "#/components/securitySchemes/login.oauth/type");
        assert!(message.contains("oauth2 is not supported"), "{message}");
        let (place, _) = refusal("    shared:\n      $ref: '#/components/securitySchemes/ok'\n");
        assert_eq!(place, "#/components/securitySchemes/shared/$ref");
    }

    #[test]
    fn every_supported_scheme_gets_a_constant_and_a_constructor() {
        let layer = super::credential_layer(
            "t",
            &spec(
                "    basic: {type: http, scheme: Basic}\n    bearer: {type: http, scheme: bearer}\n    \
                 header: {type: apiKey, in: header, name: X-Key}\n    query: {type: apiKey, in: query, name: key}\n    \
                 cookie: {type: apiKey, in: cookie, name: session, description: \"The\n  session\"}\n",
            ),
        )
        .unwrap()
        .to_string();
        for expected in [
            "pub const BASIC : Scheme = Scheme { name : \"basic\" , location : Location :: Basic }",
            "location : Location :: Bearer",
            "Location :: Header (\"X-Key\")",
            "Location :: Query (\"key\")",
            "Location :: Cookie (\"session\")",
            "pub fn basic (username : impl Into < String > , password : impl Into < Secret >)",
            "pub fn cookie (secret : impl Into < Secret >)",
            "The `cookie` scheme: The session",
        ] {
            assert!(layer.contains(expected), "{expected} not in {layer}");
        }
    }
}
