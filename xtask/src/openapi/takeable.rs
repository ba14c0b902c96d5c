//! What a valid document holds that progenitor 0.15 (or openapiv3 under it) cannot take, made
//! takeable by stated rules, each change one note with its place:
//!
//! - `callbacks` are set aside: they describe requests the provider makes to the caller, which
//!   a client does not send (and openapiv3 cannot read one given by `$ref`);
//! - a `format` on a `type: object` or `type: array` schema is dropped (typify panics on it):
//!   an object's shape is its properties, an array's its items;
//! - a request body or an answer with several media types keeps one: JSON (`application/json`,
//!   then any `+json`), else a form (`application/x-www-form-urlencoded`), else the first; the
//!   others are named in the note;
//! - an optional query parameter in a style other than `form` (`deepObject`, `spaceDelimited`,
//!   `pipeDelimited`) is set aside where an operation or a path item lists it: progenitor
//!   sends only `form`, and an optional parameter left out sends nothing the API does not
//!   describe (a required one stays, and progenitor's refusal names its operation);
//! - an operation that documents a success answers errors with its `default`: that answer
//!   becomes `4XX` and `5XX` (those the operation does not document already), since progenitor
//!   panics on a success and a `default` of different bodies;
//! - a `format` beside `anyOf`/`oneOf` and no `type` moves into the members that are strings
//!   (the only ones it applies to), since typify would give it to an array member and panic;
//! - a security requirement that names a scheme the credential layer does not take (`oauth2`,
//!   `openIdConnect`, `mutualTLS`, an http scheme other than basic and bearer) is set aside where
//!   the same list offers another, and such a scheme no requirement names any more is set aside
//!   too (one that is the only way in is kept, and refused with its place);
//! - a lower bound of zero (`minLength`, `minItems`, `minProperties`) is dropped: it bounds
//!   nothing, and typify writes it as a comparison rustc calls useless;
//! - a secret (`type: string, format: password`) loses its length bounds and `pattern`: typify
//!   makes a `Secret` only of a string that says no more, and would otherwise hold the secret
//!   in a plain `String` newtype whose `Debug` prints it; the provider still checks it.

use std::collections::BTreeSet;

use serde_yaml_ng::{Mapping, Value};

use super::pointer::{self, key_text};
use super::schemes;
use super::shape::{self, Kind};

/// Makes the document `tree` takeable, in place; one note per change.
pub fn apply(tree: &mut Value) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(Value::Mapping(components)) = tree.get_mut("components")
        && let Some(Value::Mapping(callbacks)) = components.remove("callbacks")
        && !callbacks.is_empty()
    {
        notes.push(format!(
            "callbacks set aside: {} in #/components/callbacks (requests the provider sends, \
             not the client)",
            callbacks.len()
        ));
    }
    notes.extend(without_unsupported_alternatives(tree));
    let unsendable = unsendable_components(tree);
    let mut secret_bounds = Tally::default();
    let mut zero_bounds = Tally::default();
    shape::visit(tree, &mut |kind, map, place| match kind {
        Kind::Operation | Kind::PathItem => {
            if kind == Kind::Operation && map.remove("callbacks").is_some() {
                notes.push(format!(
                    "callbacks set aside at {} (requests the provider sends, not the client)",
                    pointer::render(place)
                ));
            }
            notes.extend(without_unsendable_parameters(map, place, &unsendable));
            if kind == Kind::Operation {
                notes.extend(default_as_errors(map, place));
            }
        }
        Kind::Schema => {
            notes.extend(format_into_string_members(map, place));
            notes.extend(without_container_format(map, place));
            secret_bounds.count(without_secret_bounds(map), place);
            zero_bounds.count(without_zero_bounds(map), place);
        }
        Kind::RequestBody | Kind::Response => {
            if let Some(Value::Mapping(content)) = map.get_mut("content") {
                notes.extend(one_media_type(content, place));
            }
        }
        _ => {}
    });
    notes.extend(
        secret_bounds
            .note("bound(s) or pattern(s) dropped from secrets, so that each is a `Secret`"),
    );
    notes.extend(zero_bounds.note("lower bound(s) of zero dropped (they bound nothing)"));
    notes
}

/// Whether the security scheme `scheme` is one the credential layer takes ([`schemes::place`]);
/// one that does not read as a scheme (a `$ref`, a type 3.0 does not know) is not.
fn supported_scheme(scheme: &Value) -> bool {
    serde_yaml_ng::from_value::<openapiv3::SecurityScheme>(scheme.clone())
        .is_ok_and(|scheme| schemes::place(&scheme).is_ok())
}

/// Sets aside the security requirements that name an unsupported scheme where their list
/// offers another, then the unsupported schemes no requirement names; one note for each.
fn without_unsupported_alternatives(tree: &mut Value) -> Vec<String> {
    let unsupported: BTreeSet<String> = tree
        .get("components")
        .and_then(|components| components.get("securitySchemes"))
        .and_then(Value::as_mapping)
        .into_iter()
        .flatten()
        .filter(|(_, scheme)| !supported_scheme(scheme))
        .map(|(name, _)| key_text(name))
        .collect();
    if unsupported.is_empty() {
        return Vec::new();
    }
    let mut notes = Vec::new();
    let mut named = BTreeSet::new();
    if let Some(Value::Sequence(list)) = tree.get_mut("security") {
        notes.extend(alternatives_kept(list, &unsupported, &[]));
        named.extend(list.iter().flat_map(requirement_names));
    }
    shape::visit(tree, &mut |kind, map, place| {
        if kind == Kind::Operation
            && let Some(Value::Sequence(list)) = map.get("security")
        {
            let mut kept = list.clone();
            if let Some(note) = alternatives_kept(&mut kept, &unsupported, place) {
                notes.push(note);
                map.insert(Value::from("security"), Value::Sequence(kept.clone()));
            }
            named.extend(kept.iter().flat_map(requirement_names));
        }
    });
    if let Some(Value::Mapping(schemes)) = tree
        .get_mut("components")
        .and_then(|components| components.get_mut("securitySchemes"))
    {
        for name in unsupported.iter().filter(|name| !named.contains(*name)) {
            schemes.remove(name.as_str());
            notes.push(format!(
                "security scheme set aside: {} (no requirement names it any more)",
                pointer::render(&["components", "securitySchemes", name])
            ));
        }
    }
    notes
}

/// The scheme names of one security requirement.
fn requirement_names(requirement: &Value) -> Vec<String> {
    requirement
        .as_mapping()
        .into_iter()
        .flat_map(|names| names.keys().map(key_text))
        .collect()
}

/// Keeps the requirements of `list` (at `place`) that name no `unsupported` scheme, when one
/// is left; the note names the place.
fn alternatives_kept(
    list: &mut Vec<Value>,
    unsupported: &BTreeSet<String>,
    place: &[String],
) -> Option<String> {
    let takes = |requirement: &Value| {
        requirement_names(requirement)
            .iter()
            .all(|name| !unsupported.contains(name))
    };
    if list.iter().all(takes) || !list.iter().any(takes) {
        return None;
    }
    list.retain(takes);
    let mut at = place.to_vec();
    at.push("security".into());
    Some(format!(
        "security requirement(s) naming a scheme the credential layer does not take set aside \
         at {}: another is offered",
        pointer::render(&at)
    ))
}

/// Changes of one kind, many places: how many, and the first place.
#[derive(Default)]
struct Tally {
    count: usize,
    first: Option<String>,
}

impl Tally {
    /// Counts the keywords `removed` from the schema at `place`.
    fn count(&mut self, removed: Vec<&str>, place: &[String]) {
        if let Some(keyword) = removed.first() {
            self.first
                .get_or_insert_with(|| format!("{}/{keyword}", pointer::render(place)));
        }
        self.count += removed.len();
    }

    /// The one note of `what`, when anything was counted.
    fn note(&self, what: &str) -> Option<String> {
        let first = self.first.as_ref()?;
        Some(format!("{} {what} (first: {first})", self.count))
    }
}

/// Drops the `format` of an object or array schema (at `place`); the note says so.
fn without_container_format(schema: &mut Mapping, place: &[String]) -> Option<String> {
    let shape = match schema.get("type").and_then(Value::as_str)? {
        "object" => "object schema at {} (its shape is its properties)",
        "array" => "array schema at {} (its shape is its items)",
        _ => return None,
    };
    let format = schema.remove("format")?;
    Some(format!(
        "format `{}` dropped from the {}",
        pointer::escape_text(&key_text(&format)),
        shape.replace("{}", &pointer::render(place))
    ))
}

/// Drops a secret's length bounds and pattern; answers the keywords dropped.
fn without_secret_bounds(schema: &mut Mapping) -> Vec<&'static str> {
    let secret = schema.get("type").and_then(Value::as_str) == Some("string")
        && schema.get("format").and_then(Value::as_str) == Some("password");
    if !secret {
        return Vec::new();
    }
    ["minLength", "maxLength", "pattern"]
        .into_iter()
        .filter(|bound| schema.remove(*bound).is_some())
        .collect()
}

/// Drops the lower bounds of zero; answers the keywords dropped.
fn without_zero_bounds(schema: &mut Mapping) -> Vec<&'static str> {
    ["minLength", "minItems", "minProperties"]
        .into_iter()
        .filter(|bound| {
            let zero = schema.get(*bound).and_then(Value::as_u64) == Some(0);
            zero && schema.remove(*bound).is_some()
        })
        .collect()
}

/// Turns the `default` answer of `operation` (at `place`) into `4XX` and `5XX` when the
/// operation documents a success; the note names the ranges added.
fn default_as_errors(operation: &mut Mapping, place: &[String]) -> Option<String> {
    let Some(Value::Mapping(responses)) = operation.get_mut("responses") else {
        return None;
    };
    let success = responses
        .keys()
        .map(key_text)
        .any(|status| status.starts_with('2'));
    if !success {
        return None;
    }
    let default = responses.remove("default")?;
    let added: Vec<&str> = ["4XX", "5XX"]
        .into_iter()
        .filter(|range| {
            let documented = responses
                .keys()
                .map(key_text)
                .any(|status| status.starts_with(&range[..1]));
            if !documented {
                responses.insert(Value::from(*range), default.clone());
            }
            !documented
        })
        .collect();
    Some(format!(
        "the `default` answer at {} answers errors: {} (beside a documented success)",
        pointer::render(place),
        if added.is_empty() {
            "set aside, every error range is documented".to_string()
        } else {
            format!("now {}", added.join(" and "))
        }
    ))
}

/// Moves the `format` of a schema with no `type` into the string members of its `anyOf` or
/// `oneOf`; the note names the place.
fn format_into_string_members(schema: &mut Mapping, place: &[String]) -> Option<String> {
    if schema.contains_key("type")
        || !(schema.contains_key("anyOf") || schema.contains_key("oneOf"))
    {
        return None;
    }
    let format = schema.remove("format")?;
    for members in ["anyOf", "oneOf"] {
        if let Some(Value::Sequence(members)) = schema.get_mut(members) {
            for member in members.iter_mut().filter_map(Value::as_mapping_mut) {
                if member.get("type").and_then(Value::as_str) == Some("string")
                    && !member.contains_key("format")
                {
                    member.insert(Value::from("format"), format.clone());
                }
            }
        }
    }
    Some(format!(
        "format `{}` at {} moved into its string members",
        pointer::escape_text(&key_text(&format)),
        pointer::render(place)
    ))
}

/// Whether `parameter` is an optional query parameter in a style progenitor cannot send.
fn unsendable(parameter: &Mapping) -> bool {
    let text = |key: &str| parameter.get(key).and_then(Value::as_str);
    text("in") == Some("query")
        && text("style").is_some_and(|style| style != "form")
        && parameter.get("required").and_then(Value::as_bool) != Some(true)
}

/// The `$ref`s to the document's own `#/components/parameters` that name an unsendable
/// parameter.
fn unsendable_components(tree: &Value) -> BTreeSet<String> {
    let Some(Value::Mapping(parameters)) = tree
        .get("components")
        .and_then(|components| components.get("parameters"))
    else {
        return BTreeSet::new();
    };
    parameters
        .iter()
        .filter(|(_, parameter)| parameter.as_mapping().is_some_and(unsendable))
        .map(|(name, _)| pointer::render(&["components", "parameters", key_text(name).as_str()]))
        .collect()
}

/// Removes the unsendable parameters `map` (an operation or a path item at `place`) lists,
/// given inline or by a `$ref` among `components`; the note names them.
fn without_unsendable_parameters(
    map: &mut Mapping,
    place: &[String],
    components: &BTreeSet<String>,
) -> Option<String> {
    let Some(Value::Sequence(parameters)) = map.get_mut("parameters") else {
        return None;
    };
    let mut names = Vec::new();
    parameters.retain(|parameter| {
        let Some(parameter) = parameter.as_mapping() else {
            return true;
        };
        let reference = parameter.get("$ref").and_then(Value::as_str);
        let set_aside = match reference {
            Some(reference) => components.contains(reference),
            None => unsendable(parameter),
        };
        if set_aside {
            let name = parameter.get("name").and_then(Value::as_str);
            names.push(format!("`{}`", name.or(reference).unwrap_or_default()));
        }
        !set_aside
    });
    (!names.is_empty()).then(|| {
        format!(
            "optional query parameter(s) set aside at {}: {} (a style progenitor cannot send)",
            pointer::render(place),
            pointer::escape_text(&names.join(", "))
        )
    })
}

/// Keeps one media type of `content`, by the rule above; the note names the others.
fn one_media_type(content: &mut Mapping, place: &[String]) -> Option<String> {
    if content.len() < 2 {
        return None;
    }
    let types: Vec<String> = content.keys().map(key_text).collect();
    let is_json = |t: &str| {
        let t = t.split(';').next().unwrap_or_default().trim();
        t == "application/json"
    };
    let is_plus_json = |t: &str| {
        let t = t.split(';').next().unwrap_or_default().trim();
        t.ends_with("+json") || t.ends_with("/json")
    };
    let kept = types
        .iter()
        .find(|t| is_json(t))
        .or_else(|| types.iter().find(|t| is_plus_json(t)))
        .or_else(|| {
            types
                .iter()
                .find(|t| t.starts_with("application/x-www-form-urlencoded"))
        })
        .unwrap_or(&types[0])
        .clone();
    content.retain(|key, _| key_text(key) == kept);
    let dropped: Vec<String> = types.into_iter().filter(|t| *t != kept).collect();
    Some(format!(
        "one media type at {}: `{}` kept, {} set aside",
        pointer::render(place),
        pointer::escape_text(&kept),
        pointer::escape_text(
            &dropped
                .iter()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    ))
}

#[cfg(test)]
mod tests {
    use super::apply;

    #[test]
    fn callbacks_object_formats_and_extra_media_types_are_made_takeable() {
        let mut tree: serde_yaml_ng::Value = serde_yaml_ng::from_str(
            r##"
openapi: 3.0.3
paths:
  /x:
    post:
      operationId: x
      callbacks:
        done: {$ref: '#/components/callbacks/Done'}
      requestBody:
        content:
          application/x-www-form-urlencoded: {schema: {type: object}}
          application/json: {schema: {$ref: '#/components/schemas/Map'}}
      responses:
        '200':
          description: ok
          content:
            text/csv: {schema: {type: string}}
            application/vnd.api+json: {schema: {type: object}}
components:
  callbacks:
    Done: {}
  schemas:
    Map: {type: object, format: uri-map, properties: {format: {type: string, format: uri}}}
"##,
        )
        .unwrap();
        let notes = apply(&mut tree);
        let text = serde_yaml_ng::to_string(&tree).unwrap();
        assert!(!text.contains("callbacks"), "{text}");
        assert!(!text.contains("uri-map"), "{text}");
        // A property named `format` is a name, and its own format is kept.
        assert!(text.contains("format: uri"), "{text}");
        assert!(!text.contains("x-www-form-urlencoded"), "{text}");
        assert!(!text.contains("text/csv"), "{text}");
        assert!(text.contains("application/vnd.api+json"), "{text}");
        assert_eq!(notes.len(), 5, "{notes:#?}");
        assert!(
            notes
                .iter()
                .any(|n| n.contains("#/paths/~1x/post/requestBody")
                    && n.contains("`application/json` kept")),
            "{notes:#?}"
        );
    }

    #[test]
    fn unsendable_optional_query_parameters_and_zero_bounds_are_set_aside() {
        let mut tree: serde_yaml_ng::Value = serde_yaml_ng::from_str(
            r##"
openapi: 3.0.3
paths:
  /x:
    parameters:
      - {name: tags, in: query, style: pipeDelimited, schema: {type: array, items: {type: string}}}
    get:
      operationId: x
      parameters:
        - {$ref: '#/components/parameters/Filter'}
        - {$ref: '#/components/parameters/Page'}
        - {name: sort, in: query, style: deepObject, required: true, schema: {type: object}}
        - {name: q, in: query, schema: {type: string, minLength: 0}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: integer}}}}
        '400': {description: bad, content: {application/json: {schema: {type: object}}}}
        default: {description: error, content: {application/json: {schema: {type: object}}}}
    post:
      operationId: y
      responses:
        default: {description: the answer, content: {application/json: {schema: {type: object}}}}
components:
  parameters:
    Filter: {name: filter, in: query, style: deepObject, schema: {type: object}}
    Page: {name: page, in: query, style: form, schema: {type: integer}}
  schemas:
    Names: {type: array, format: uri, minItems: 0, items: {type: string, minLength: 1}}
    Media: {format: uri, anyOf: [{type: string}, {type: array, items: {type: string}}]}
    ApiSecret: {type: string, format: password, minLength: 16, maxLength: 64, pattern: '^[a-z]+$'}
"##,
        )
        .unwrap();
        let notes = apply(&mut tree);
        let text = serde_yaml_ng::to_string(&tree).unwrap();
        let get = &tree["paths"]["/x"]["get"]["parameters"];
        assert_eq!(get.as_sequence().unwrap().len(), 3, "{text}");
        assert!(!text.contains("'#/components/parameters/Filter'"), "{text}");
        // A required one stays: progenitor's refusal names its operation.
        assert!(text.contains("name: sort"), "{text}");
        assert!(!text.contains("pipeDelimited"), "{text}");
        assert!(
            tree["components"]["schemas"]["Names"]
                .get("format")
                .is_none()
        );
        assert!(
            !text.contains("minLength: 0") && !text.contains("minItems"),
            "{text}"
        );
        assert!(text.contains("minLength: 1"), "{text}");
        let get = &tree["paths"]["/x"]["get"]["responses"];
        assert!(
            get.get("default").is_none() && get.get("4XX").is_none(),
            "{text}"
        );
        assert!(
            get.get("5XX").is_some() && get.get("400").is_some(),
            "{text}"
        );
        // Without a documented success, `default` is the answer.
        assert!(
            tree["paths"]["/x"]["post"]["responses"]
                .get("default")
                .is_some()
        );
        let media = &tree["components"]["schemas"]["Media"];
        assert!(media.get("format").is_none(), "{text}");
        assert_eq!(media["anyOf"][0]["format"].as_str(), Some("uri"));
        assert!(media["anyOf"][1].get("format").is_none(), "{text}");
        assert_eq!(
            serde_yaml_ng::to_string(&tree["components"]["schemas"]["ApiSecret"]).unwrap(),
            "type: string\nformat: password\n"
        );
        assert!(
            notes
                .iter()
                .any(|n| n.starts_with("3 bound(s) or pattern(s) dropped from secrets")),
            "{notes:#?}"
        );
        assert!(
            notes
                .iter()
                .any(|n| n.contains("#/paths/~1x/get")
                    && n.contains("#/components/parameters/Filter")),
            "{notes:#?}"
        );
        assert!(
            notes
                .iter()
                .any(|n| n.contains("#/paths/~1x:") && n.contains("`tags`")),
            "{notes:#?}"
        );
        assert!(
            notes
                .iter()
                .any(|n| n.starts_with("2 lower bound(s) of zero dropped")),
            "{notes:#?}"
        );
    }

    #[test]
    fn a_scheme_the_credential_layer_does_not_take_is_set_aside_where_another_is_offered() {
        let mut tree: serde_yaml_ng::Value = serde_yaml_ng::from_str(
            r##"
openapi: 3.0.3
security: [{Basic: []}, {OAuth2: []}]
paths:
  /a:
    get:
      operationId: a
      responses: {'200': {description: ok}}
  /b:
    get:
      operationId: b
      security: [{Oidc: []}]
      responses: {'200': {description: ok}}
components:
  securitySchemes:
    Basic: {type: http, scheme: basic}
    OAuth2: {type: oauth2, flows: {}}
    Oidc: {type: openIdConnect, openIdConnectUrl: 'https://example.com'}
"##,
        )
        .unwrap();
        let notes = apply(&mut tree);
        assert_eq!(
            serde_yaml_ng::to_string(&tree["security"]).unwrap(),
            "- Basic: []\n"
        );
        let schemes = &tree["components"]["securitySchemes"];
        assert!(schemes.get("OAuth2").is_none(), "{notes:#?}");
        // The only way into `b` stays, to be refused with its place.
        assert!(schemes.get("Oidc").is_some(), "{notes:#?}");
        assert_eq!(tree["paths"]["/a"]["get"].get("security"), None);
        assert!(
            notes
                .iter()
                .any(|n| n.contains("set aside at #/security") && n.contains("another is offered")),
            "{notes:#?}"
        );
        assert!(
            notes
                .iter()
                .any(|n| n.contains("#/components/securitySchemes/OAuth2")),
            "{notes:#?}"
        );
    }
}
