//! What a valid document holds that progenitor 0.15 (or openapiv3 under it) cannot take, made
//! takeable by stated rules, each change one note with its place:
//!
//! - `callbacks` are set aside: they describe requests the provider makes to the caller, which
//!   a client does not send (and openapiv3 cannot read one given by `$ref`);
//! - a `format` on a `type: object` schema is dropped (typify panics on it): an object's shape
//!   is its properties;
//! - a request body or an answer with several media types keeps one: JSON (`application/json`,
//!   then any `+json`), else a form (`application/x-www-form-urlencoded`), else the first; the
//!   others are named in the note.

use serde_yaml_ng::{Mapping, Value};

use super::pointer::{self, key_text};
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
    shape::visit(tree, &mut |kind, map, place| match kind {
        Kind::Operation if map.remove("callbacks").is_some() => {
            notes.push(format!(
                "callbacks set aside at {} (requests the provider sends, not the client)",
                pointer::render(place)
            ));
        }
        Kind::Schema if map.get("type").and_then(Value::as_str) == Some("object") => {
            if let Some(format) = map.remove("format") {
                notes.push(format!(
                    "format `{}` dropped from the object schema at {} (an object's shape is its \
                     properties)",
                    pointer::escape_text(&key_text(&format)),
                    pointer::render(place)
                ));
            }
        }
        Kind::RequestBody | Kind::Response => {
            if let Some(Value::Mapping(content)) = map.get_mut("content")
                && let Some(note) = one_media_type(content, place)
            {
                notes.push(note);
            }
        }
        _ => {}
    });
    notes
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
}
