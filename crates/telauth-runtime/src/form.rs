//! Request bodies, serialized with their secrets exposed: JSON, and form bodies with arrays as repeated keys.

use reqwest::header::HeaderValue;
use serde::Serialize;
use serde_json::Value;

/// Puts `body` on `request` as an `application/x-www-form-urlencoded` body: each field a
/// `name=value` pair in name order, an array as the same name repeated once per item
/// (`permissions=calling&permissions=fax`, as the Compatibility APIs of Twilio and SignalWire
/// read it), a `null` left out. progenitor's own encoder cannot encode arrays; the generated
/// clients call this one instead, on the request they built.
///
/// A body that is not an object, or a field holding an object or nested arrays, is refused with
/// a message that names the field and never its value.
pub fn form_urlencoded<T: Serialize + ?Sized>(
    request: &mut reqwest::Request,
    body: &T,
) -> Result<(), String> {
    let encoded = encode(body)?;
    put(request, "application/x-www-form-urlencoded", encoded.into());
    Ok(())
}

/// Puts `body` on `request` as JSON, serialized inside [`crate::expose_secrets`] (a request
/// must carry its secrets). The generated clients call this instead of reqwest's `json`, on the
/// request they built.
pub fn json_body<T: Serialize + ?Sized>(
    request: &mut reqwest::Request,
    body: &T,
) -> Result<(), String> {
    let bytes = crate::unknown::sending(|| crate::expose_secrets(|| serde_json::to_vec(body)))
        .map_err(|error| refusal(&error, "the request body cannot be serialized as JSON"))?;
    put(request, "application/json", bytes.into());
    Ok(())
}

/// Sets `request`'s body and its `Content-Type`, which replaces any other: OpenAPI ignores a
/// header parameter of that name.
fn put(request: &mut reqwest::Request, content_type: &'static str, body: reqwest::Body) {
    request.headers_mut().insert(
        reqwest::header::CONTENT_TYPE,
        HeaderValue::from_static(content_type),
    );
    *request.body_mut() = Some(body);
}

/// Why a body did not serialize: an unlisted enum value says so; anything else gets `generic`,
/// since serde's own words could quote a value.
fn refusal(error: &serde_json::Error, generic: &str) -> String {
    if error.to_string().contains(crate::unknown::UNSENDABLE) {
        crate::unknown::UNSENDABLE.to_string()
    } else {
        generic.to_string()
    }
}

/// `body` as form-encoded text.
fn encode<T: Serialize + ?Sized>(body: &T) -> Result<String, String> {
    let fields =
        match crate::unknown::sending(|| crate::expose_secrets(|| serde_json::to_value(body))) {
            Ok(Value::Object(fields)) => fields,
            Ok(_) => return Err("a form body must be an object of fields".into()),
            Err(error) => return Err(refusal(&error, "a form body must be an object of fields")),
        };
    let mut pairs = Vec::new();
    for (name, value) in fields {
        let items = match value {
            Value::Array(items) => items,
            value => vec![value],
        };
        for item in items {
            let text = match item {
                Value::Null => continue,
                Value::String(text) => text,
                Value::Bool(_) | Value::Number(_) => item.to_string(),
                Value::Array(_) | Value::Object(_) => {
                    return Err(format!(
                        "the field `{name}` holds an object or nested arrays, which a form body \
                         cannot carry"
                    ));
                }
            };
            pairs.push((name.clone(), text));
        }
    }
    // Field order must not depend on whether serde_json keeps insertion order (a feature another
    // crate may turn on): fields go in name order, repeated keys in their array's order.
    pairs.sort_by(|(a, _), (b, _)| a.cmp(b));
    serde_urlencoded::to_string(&pairs).map_err(|_| "the form body cannot be encoded".into())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    fn request() -> reqwest::Request {
        reqwest::Request::new(reqwest::Method::POST, "http://127.0.0.1/".parse().unwrap())
    }

    #[test]
    fn a_body_comes_with_its_content_type_and_no_other() {
        let mut json = request();
        super::json_body(&mut json, &json!({ "a": 1 })).unwrap();
        assert_eq!(json.headers()["content-type"], "application/json");
        assert_eq!(
            json.body().and_then(|body| body.as_bytes()),
            Some(&b"{\"a\":1}"[..])
        );

        let mut form = request();
        form.headers_mut()
            .insert("content-type", "text/plain".parse().unwrap());
        super::form_urlencoded(&mut form, &json!({ "b": "c d" })).unwrap();
        assert_eq!(
            form.headers()
                .get_all("content-type")
                .iter()
                .collect::<Vec<_>>(),
            ["application/x-www-form-urlencoded"]
        );
        assert_eq!(
            form.body().and_then(|body| body.as_bytes()),
            Some(&b"b=c+d"[..])
        );
    }

    #[test]
    fn arrays_become_repeated_keys_and_nulls_are_left_out() {
        let body = json!({
            "name": "John Doe's Token",
            "permissions": ["calling", "fax"],
            "subproject_id": null,
            "n": 3,
        });
        assert_eq!(
            super::encode(&body).unwrap(),
            "n=3&name=John+Doe%27s+Token&permissions=calling&permissions=fax"
        );
    }

    #[test]
    fn objects_and_non_objects_are_refused_without_their_values() {
        let error = super::encode(&json!({ "a": { "sentinel": 1 } })).unwrap_err();
        assert!(
            error.contains("`a`") && !error.contains("sentinel"),
            "{error}"
        );
        assert!(super::encode(&json!(["sentinel"])).is_err());
    }
}
