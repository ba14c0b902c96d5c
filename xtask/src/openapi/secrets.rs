//! Secrets by decision: every string field whose name looks like a credential (or that is
//! `writeOnly`) must be decided in the spec, either `format: password` (a `Secret`, which never
//! prints) or `x-telauth-secret: false` with an `x-telauth-secret-reason`.

use std::collections::BTreeSet;
use std::path::Path;

use openapiv3::{
    OpenAPI, ReferenceOr, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty,
};

use super::pointer;
use crate::Error;
use crate::openapi::{operations, resolve_body, resolve_response, resolve_schema};

/// What a field's name holds, lowercased without separators, when it looks like a credential.
const CREDENTIAL_WORDS: [&str; 8] = [
    "secret",
    "password",
    "passwd",
    "passphrase",
    "token",
    "apikey",
    "privatekey",
    "credential",
];

/// The extension that decides a field is not a secret, and the one that says why.
pub(crate) const SECRET: &str = "x-telauth-secret";
/// The reason a field decided not secret is not one; `specs/FIDELITY.md` shows it.
pub(crate) const SECRET_REASON: &str = "x-telauth-secret-reason";

/// Whether the field `name` looks like it holds a credential.
pub(crate) fn looks_like_credential(name: &str) -> bool {
    let plain: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    CREDENTIAL_WORDS.iter().any(|word| plain.contains(word))
}

/// The last words of a field's name that say it holds no credential, however credential-like
/// the rest: an identifier (`credential_list_sid`), a kind or method (`token_type`,
/// `token_endpoint_auth_method`), a duration or time (`refresh_token_lifespan`,
/// `secret_expires_at`), an address (`token_url`), a count or size, a name or label, a strategy,
/// an algorithm or an audience (`access_token_strategy`, `token_endpoint_auth_signing_alg`).
const PUBLIC_LAST_WORDS: [&str; 35] = [
    "id",
    "ids",
    "sid",
    "sids",
    "uuid",
    "type",
    "types",
    "method",
    "methods",
    "lifespan",
    "ttl",
    "duration",
    "expiry",
    "expires",
    "expiration",
    "at",
    "seconds",
    "minutes",
    "hours",
    "days",
    "url",
    "uri",
    "count",
    "length",
    "size",
    "name",
    "label",
    "status",
    "enabled",
    "hint",
    "location",
    "strategy",
    "alg",
    "algorithm",
    "audience",
];

/// Whether the field `name` holds no credential by its name's shape: its last word is one of
/// [`PUBLIC_LAST_WORDS`], or it is a paging cursor (`page_token`, `next_page_token`,
/// `pageToken`, `nextToken`, `previous_token`, `*_cursor`).
pub(crate) fn names_no_credential(name: &str) -> bool {
    use heck::ToSnakeCase;
    let snake = name.to_snake_case();
    let words: Vec<&str> = snake.split('_').filter(|w| !w.is_empty()).collect();
    let last = words.last().copied().unwrap_or_default();
    PUBLIC_LAST_WORDS.contains(&last)
        || last == "cursor"
        || words.windows(2).any(|pair| pair == ["page", "token"])
        || matches!(
            words.as_slice(),
            [.., "next" | "previous" | "prev" | "continuation", "token"]
        )
}

/// Whether a string's `format` says what it holds, and that is no credential (a date, a URI,
/// an email address, a UUID, ...).
fn has_public_format(format: &VariantOrUnknownOrEmpty<StringFormat>) -> bool {
    match format {
        VariantOrUnknownOrEmpty::Item(format) => {
            matches!(format, StringFormat::Date | StringFormat::DateTime)
        }
        VariantOrUnknownOrEmpty::Unknown(format) => matches!(
            format.as_str(),
            "uri"
                | "url"
                | "uri-reference"
                | "email"
                | "uuid"
                | "hostname"
                | "ipv4"
                | "ipv6"
                | "duration"
                | "time"
                | "phone-number"
                | "e164"
        ),
        VariantOrUnknownOrEmpty::Empty => false,
    }
}

/// A field that must be decided, or whose decision is malformed.
struct Finding {
    place: String,
    owner: String,
    field: String,
    problem: &'static str,
}

/// Fails, listing every field that looks like a credential and is not decided.
pub(crate) fn check(path: &Path, api: &OpenAPI) -> Result<(), Error> {
    let mut walk = Walk {
        api,
        findings: Vec::new(),
        seen: BTreeSet::new(),
    };
    for (name, schema) in api
        .components
        .iter()
        .flat_map(|components| components.schemas.iter())
    {
        let owner = format!("schema `{name}`");
        let at = pointer::render(&["components", "schemas", name]);
        walk.schema(schema, &at, &owner, name);
    }
    for (id, op) in operations(api) {
        let place = pointer::render(&["paths", op.path, op.method]);
        if let Some(body) = op
            .operation
            .request_body
            .as_ref()
            .and_then(|body| resolve_body(api, body))
        {
            for (media, content) in &body.content {
                if let Some(schema) = &content.schema {
                    let owner = format!("the request body of `{id}`");
                    let at = format!(
                        "{place}/requestBody/content/{}/schema",
                        pointer::escape_token(media)
                    );
                    walk.schema(schema, &at, &owner, "body");
                }
            }
        }
        for (status, response) in &op.operation.responses.responses {
            let Some(response) = resolve_response(api, response) else {
                continue;
            };
            for (media, content) in &response.content {
                if let Some(schema) = &content.schema {
                    let owner = format!("the {status} answer of `{id}`");
                    let at = format!(
                        "{place}/responses/{status}/content/{}/schema",
                        pointer::escape_token(media)
                    );
                    walk.schema(schema, &at, &owner, "body");
                }
            }
        }
    }
    let Some(first) = walk.findings.first() else {
        return Ok(());
    };
    let mut message = format!(
        "{} field(s) look like credentials (by name, or `writeOnly`) and are not decided:\n",
        walk.findings.len()
    );
    for finding in &walk.findings {
        message.push_str(&format!(
            "  {}\t{}, field `{}`: {}\n",
            finding.place,
            finding.owner,
            pointer::escape_text(&finding.field),
            finding.problem
        ));
    }
    message.push_str(
        "Decide each on the field's schema in the spec: `format: password` makes it a `Secret` \
         (plain on the wire, never printed), or `x-telauth-secret: false` with \
         `x-telauth-secret-reason: \"...\"` keeps it plain text and says why (specs/FIDELITY.md \
         lists it).",
    );
    Err(Error::invalid(path, first.place.clone(), message))
}

struct Walk<'a> {
    api: &'a OpenAPI,
    findings: Vec<Finding>,
    seen: BTreeSet<String>,
}

impl<'a> Walk<'a> {
    /// Walks `schema` at `place`; `owner` names what holds it, `field` its field name.
    fn schema<S: crate::openapi::AsSchema>(
        &mut self,
        schema: &'a ReferenceOr<S>,
        place: &str,
        owner: &str,
        field: &str,
    ) {
        let Some(resolved) = resolve_schema(self.api, schema) else {
            return;
        };
        let place = match schema {
            // A referenced schema is decided where it is declared, and walked there.
            ReferenceOr::Reference { reference } => {
                let at = pointer::render(&pointer::parse(reference));
                self.decide(resolved, &at, owner, field);
                return;
            }
            ReferenceOr::Item(_) => place.to_string(),
        };
        self.decide(resolved, &place, owner, field);
        match &resolved.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                for (name, property) in &object.properties {
                    let at = pointer::child(&pointer::child(&place, "properties"), name);
                    self.schema(property, &at, owner, name);
                }
                if let Some(openapiv3::AdditionalProperties::Schema(extra)) =
                    &object.additional_properties
                {
                    self.schema(
                        extra,
                        &pointer::child(&place, "additionalProperties"),
                        owner,
                        field,
                    );
                }
            }
            // `type: object` with a `format`, or no type: openapiv3 reads it as `Any`; its
            // fields are looked at all the same.
            SchemaKind::Any(any) => {
                for (name, property) in &any.properties {
                    let at = pointer::child(&pointer::child(&place, "properties"), name);
                    self.schema(property, &at, owner, name);
                }
                if let Some(items) = &any.items {
                    self.schema(items, &pointer::child(&place, "items"), owner, field);
                }
                for (key, parts) in [
                    ("allOf", &any.all_of),
                    ("oneOf", &any.one_of),
                    ("anyOf", &any.any_of),
                ] {
                    for (index, part) in parts.iter().enumerate() {
                        let at = pointer::child(&pointer::child(&place, key), &index.to_string());
                        self.schema(part, &at, owner, field);
                    }
                }
            }
            SchemaKind::Type(Type::Array(array)) => {
                if let Some(items) = &array.items {
                    self.schema(items, &pointer::child(&place, "items"), owner, field);
                }
            }
            SchemaKind::AllOf { all_of: parts }
            | SchemaKind::OneOf { one_of: parts }
            | SchemaKind::AnyOf { any_of: parts } => {
                let key = match &resolved.schema_kind {
                    SchemaKind::AllOf { .. } => "allOf",
                    SchemaKind::OneOf { .. } => "oneOf",
                    _ => "anyOf",
                };
                for (index, part) in parts.iter().enumerate() {
                    let at = pointer::child(&pointer::child(&place, key), &index.to_string());
                    self.schema(part, &at, owner, field);
                }
            }
            _ => {}
        }
    }

    /// Records `schema` at `place` when it is a credential-looking string left undecided.
    fn decide(&mut self, schema: &Schema, place: &str, owner: &str, field: &str) {
        let SchemaKind::Type(Type::String(string)) = &schema.schema_kind else {
            return;
        };
        let password = matches!(
            string.format,
            VariantOrUnknownOrEmpty::Item(StringFormat::Password)
        );
        let flag = schema.schema_data.extensions.get(SECRET);
        let reason = schema
            .schema_data
            .extensions
            .get(SECRET_REASON)
            .and_then(serde_json::Value::as_str)
            .is_some_and(|reason| !reason.trim().is_empty());
        // `writeOnly` is the API's own word that the value is only ever sent: whatever its name.
        let suspect = (schema.schema_data.write_only
            || (looks_like_credential(field) && !names_no_credential(field)))
            && string.enumeration.is_empty()
            && !has_public_format(&string.format);
        let problem = match (password, flag) {
            (true, None) => return,
            (true, Some(_)) => {
                "has both `format: password` and `x-telauth-secret`; keep the one you mean"
            }
            (false, Some(serde_json::Value::Bool(false))) if reason => return,
            (false, Some(serde_json::Value::Bool(false))) => {
                "`x-telauth-secret: false` needs an `x-telauth-secret-reason`"
            }
            (false, Some(_)) => {
                "`x-telauth-secret` takes only `false`; a secret is written `format: password`"
            }
            (false, None) if suspect => "looks like a credential",
            (false, None) => return,
        };
        if self.seen.insert(place.to_string()) {
            self.findings.push(Finding {
                place: place.to_string(),
                owner: owner.to_string(),
                field: field.to_string(),
                problem,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::looks_like_credential;

    #[test]
    fn credential_names_are_recognised() {
        for name in [
            "secret",
            "api_key",
            "apiKey",
            "X-Auth-Token",
            "private_key",
            "Password",
            "credentials",
            "token_prefix",
        ] {
            assert!(looks_like_credential(name), "{name}");
        }
        for name in ["id", "name", "expires_at", "username", "scopes"] {
            assert!(!looks_like_credential(name), "{name}");
        }
        for name in [
            "credential_list_sid",
            "payments_enum_token_type",
            "token_type",
            "token_endpoint_auth_method",
            "refresh_token_lifespan",
            "secret_expires_at",
            "page_token",
            "nextPageToken",
            "nextToken",
            "access_token_strategy",
            "token_endpoint_auth_signing_alg",
            "requested_access_token_audience",
            "previousToken",
            "continuation_token",
            "token_url",
            "AuthTokenSid",
            "api_key_name",
        ] {
            assert!(super::names_no_credential(name), "{name}");
        }
        for name in [
            "secret",
            "access_token",
            "next_access_token",
            "client_secret",
            "private_key",
            "apiKey",
        ] {
            assert!(!super::names_no_credential(name), "{name}");
        }
    }
}
