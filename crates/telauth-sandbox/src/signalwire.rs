//! SignalWire: project API tokens under `/api/laml/2010-04-01/Accounts/{AccountSid}/tokens`,
//! with HTTP Basic auth by the project id and a token that has the `management` permission.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State as Shared};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{patch, post};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::limits::{MAX_FIELD_BYTES, MAX_ITEMS};
use crate::lock::lock;
use crate::reply::{empty, json, object};

/// SignalWire's space name.
pub const DEMO_SPACE: &str = "demo";
/// SignalWire's project id.
pub const DEMO_PROJECT_ID: &str = "9b2b0f0e-6a2c-4f57-9d1b-4c3e8a7f5d21";
/// SignalWire's API token, which has every permission.
pub const DEMO_API_TOKEN: &str = "PTsandbox0demo0management0token";
/// A subproject of the demo project.
pub const DEMO_SUBPROJECT_ID: &str = "1c7d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f";

/// SignalWire's base URL and demo project.
#[derive(Clone, Debug, Serialize)]
pub struct SignalWireInfo {
    /// The origin to give a client; `/api/laml/2010-04-01` follows it.
    pub origin: String,
    /// `ADDRESS:PORT` of SignalWire's own port, where `/api/laml/2010-04-01` starts at the root:
    /// give it where a SignalWire SDK takes a space's host (`SIGNALWIRE_SPACE`).
    pub host: String,
    /// The space name.
    pub space: String,
    /// The project id.
    pub project_id: String,
    /// An API token with every permission.
    pub api_token: String,
    /// A subproject of the project, for tokens created for it.
    pub subproject_id: String,
}

/// Where SignalWire is served under the shared port: its prefix.
pub const PREFIX: &str = "/signalwire";

/// The info for SignalWire under the shared port's `origin`, and on its own port's `host`.
pub fn info(origin: &str, host: String) -> SignalWireInfo {
    SignalWireInfo {
        origin: format!("{origin}{PREFIX}"),
        host,
        space: DEMO_SPACE.into(),
        project_id: DEMO_PROJECT_ID.into(),
        api_token: DEMO_API_TOKEN.into(),
        subproject_id: DEMO_SUBPROJECT_ID.into(),
    }
}

/// The variables the `telauth` SDK and command read for SignalWire: the space's name, which
/// the origin replaces as where the calls go.
pub fn env_vars(info: &SignalWireInfo) -> [(&'static str, String); 4] {
    [
        ("TELAUTH_SIGNALWIRE_ORIGIN", info.origin.clone()),
        ("SIGNALWIRE_SPACE", info.space.clone()),
        ("SIGNALWIRE_PROJECT_ID", info.project_id.clone()),
        ("SIGNALWIRE_API_TOKEN", info.api_token.clone()),
    ]
}

/// The tokens callers created for the demo project.
#[derive(Debug, Default)]
pub struct State {
    tokens: Mutex<BTreeMap<Uuid, ProjectToken>>,
}

/// A SignalWire project token as the sandbox keeps it.
#[derive(Clone, Debug)]
struct ProjectToken {
    name: String,
    permissions: Vec<String>,
    token: String,
}

/// SignalWire's routes, on `state`.
pub fn routes(state: &Arc<State>) -> Router {
    Router::new()
        .route("/api/laml/2010-04-01/Accounts/{sid}/tokens", post(create))
        .route(
            "/api/laml/2010-04-01/Accounts/{sid}/tokens/{token_id}",
            patch(update).delete(delete),
        )
        .with_state(Arc::clone(state))
}

/// The permissions a token can have.
const PERMISSIONS: [&str; 11] = [
    "calling",
    "chat",
    "datasphere",
    "fax",
    "management",
    "messaging",
    "numbers",
    "pubsub",
    "storage",
    "tasking",
    "video",
];

const ERROR_CODES: &str =
    "https://developer.signalwire.com/compatibility-api/reference/error-codes";

fn error(status: u16, code: u32, message: &str) -> Response {
    json(
        status,
        json!({ "code": code, "message": message, "more_info": ERROR_CODES, "status": status }),
    )
}

fn validation(code: &str, message: &str, attribute: &str) -> Response {
    json(
        422,
        json!({
            "type": "validation_error",
            "code": code,
            "message": message,
            "attribute": attribute,
            "url": format!("https://developer.signalwire.com/rest/overview/error-codes#{code}"),
        }),
    )
}

/// Checks Basic auth: the project id and a token of the project that has `management`.
fn authenticate(state: &State, headers: &HeaderMap, sid: &str) -> Result<(), Response> {
    let unauthorized = || {
        error(
            401,
            20003,
            "Authentication Error - invalid username or password",
        )
    };
    let pair = headers
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Basic "))
        .and_then(|encoded| STANDARD.decode(encoded).ok())
        .and_then(|decoded| String::from_utf8(decoded).ok())
        .ok_or_else(unauthorized)?;
    let (project, token) = pair.split_once(':').ok_or_else(unauthorized)?;
    if project != DEMO_PROJECT_ID || sid != DEMO_PROJECT_ID {
        return Err(unauthorized());
    }
    if token == DEMO_API_TOKEN {
        return Ok(());
    }
    match lock(&state.tokens).values().find(|t| t.token == token) {
        Some(known) if known.permissions.iter().any(|p| p == "management") => Ok(()),
        Some(_) => Err(error(
            401,
            20003,
            "The API token lacks the management permission",
        )),
        None => Err(unauthorized()),
    }
}

/// The `permissions` field as names, each once, or the 400/422 that refuses it.
fn permissions(value: Option<&Value>) -> Result<Option<Vec<String>>, Response> {
    let Some(value) = value else {
        return Ok(None);
    };
    let names = value
        .as_array()
        .and_then(|items| {
            items
                .iter()
                .map(|item| item.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
        })
        .ok_or_else(|| error(400, 21100, "permissions must be an array of strings"))?;
    if names
        .iter()
        .any(|name| !PERMISSIONS.contains(&name.as_str()))
    {
        return Err(validation(
            "10003",
            "Permissions are invalid",
            "permissions",
        ));
    }
    // Each name once, in the order first given, so that a token keeps at most the eleven: the
    // sandbox's choice, as no source says what the server does with a repeated name.
    let mut unique = Vec::with_capacity(PERMISSIONS.len());
    for name in names {
        if !unique.contains(&name) {
            unique.push(name);
        }
    }
    Ok(Some(unique))
}

/// The body of a create or update.
struct TokenRequest {
    body: Map<String, Value>,
    name: Option<String>,
    permissions: Option<Vec<String>>,
}

/// A form body as JSON fields: `permissions`, repeated or not, is an array; every other field
/// is the string it was given (the last one when repeated).
fn form(body: &[u8]) -> Option<Map<String, Value>> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).ok()?;
    let mut fields = Map::new();
    for (name, value) in pairs {
        if name == "permissions" {
            let list = fields
                .entry(name)
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(list) = list {
                list.push(Value::String(value));
            }
        } else {
            fields.insert(name, Value::String(value));
        }
    }
    Some(fields)
}

/// Authenticates a create or update and reads its body — form-encoded as SignalWire's spec
/// declares for create, or JSON as it declares for update and as its SDKs sent — for its `name`
/// (not empty) and its `permissions` (checked), each when present.
fn token_request(
    state: &State,
    headers: &HeaderMap,
    sid: &str,
    body: &[u8],
) -> Result<TokenRequest, Response> {
    authenticate(state, headers, sid)?;
    let is_form = headers
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"));
    let body = if is_form { form(body) } else { object(body) }
        .ok_or_else(|| error(400, 21100, "The request body cannot be read"))?;
    let name = match body.get("name") {
        None => None,
        Some(Value::String(name)) if !name.is_empty() && name.len() <= MAX_FIELD_BYTES => {
            Some(name.clone())
        }
        Some(_) => {
            return Err(error(
                400,
                21100,
                "name must be a non-empty string of at most 1024 bytes",
            ));
        }
    };
    let permissions = permissions(body.get("permissions"))?;
    Ok(TokenRequest {
        body,
        name,
        permissions,
    })
}

fn token_json(id: Uuid, token: &ProjectToken) -> Value {
    json!({ "id": id, "name": token.name, "permissions": token.permissions, "token": token.token })
}

async fn create(
    Shared(state): Shared<Arc<State>>,
    headers: HeaderMap,
    Path(sid): Path<String>,
    body: Bytes,
) -> Response {
    let (request, name, permissions) = match token_request(&state, &headers, &sid, &body) {
        Ok(TokenRequest {
            body,
            name: Some(name),
            permissions: Some(permissions),
        }) if !permissions.is_empty() => (body, name, permissions),
        Ok(TokenRequest { name: None, .. }) => return error(400, 21100, "name is required"),
        Ok(_) => return error(400, 21100, "permissions needs at least one permission"),
        Err(refusal) => return refusal,
    };
    match request.get("subproject_id") {
        None | Some(Value::Null) => {}
        Some(Value::String(id)) if id == DEMO_SUBPROJECT_ID => {}
        Some(_) => {
            return validation(
                "10004",
                "The subproject does not belong to the project",
                "subproject_id",
            );
        }
    }
    if lock(&state.tokens).len() >= MAX_ITEMS {
        return error(400, 21100, "The sandbox keeps at most 1000 tokens");
    }
    let id = Uuid::new_v4();
    let token = ProjectToken {
        name,
        permissions,
        token: format!("PT{}", Uuid::new_v4().simple()),
    };
    let answer = token_json(id, &token);
    lock(&state.tokens).insert(id, token);
    json(200, answer)
}

async fn update(
    Shared(state): Shared<Arc<State>>,
    headers: HeaderMap,
    Path((sid, token_id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let TokenRequest {
        name, permissions, ..
    } = match token_request(&state, &headers, &sid, &body) {
        Ok(request) => request,
        Err(refusal) => return refusal,
    };
    let mut tokens = lock(&state.tokens);
    let known = token_id
        .parse::<Uuid>()
        .ok()
        .and_then(|id| tokens.get_mut(&id).map(|token| (id, token)));
    let Some((id, token)) = known else {
        return error(404, 20404, "The requested resource was not found");
    };
    // A PATCH changes what it gives and keeps the rest.
    if let Some(name) = name {
        token.name = name;
    }
    if let Some(permissions) = permissions.filter(|p| !p.is_empty()) {
        token.permissions = permissions;
    }
    json(200, token_json(id, token))
}

async fn delete(
    Shared(state): Shared<Arc<State>>,
    headers: HeaderMap,
    Path((sid, token_id)): Path<(String, String)>,
) -> Response {
    if let Err(refusal) = authenticate(&state, &headers, &sid) {
        return refusal;
    }
    let removed = token_id
        .parse::<Uuid>()
        .ok()
        .and_then(|id| lock(&state.tokens).remove(&id));
    match removed {
        Some(_) => empty(204),
        None => error(404, 20404, "The requested resource was not found"),
    }
}
