//! The one comparison of two OpenAPI documents, as the front end reads them ([`Doc`]): their
//! operations matched by a key, each operation's parameters (one key:
//! [`operations::parameter_key`]), request body, answers and schemas (one [`shape::Shape`]
//! each), as a list of [`Change`]s, each with
//! its place in both documents (a JSON pointer) and what changed.
//!
//! The comparison has two views of a document ([`View`]): on the wire, as a provider publishes
//! it (`cargo xtask upstream` prints what it finds), and as the types of the crate generated
//! from it (the audit's [`crate::release::compat`] classes each change as breaking or not).
//! The views differ only where the wire and the generated types do: how operations are
//! matched, whether a schema's name and its `allOf` make a type, and what a crate has besides
//! its operations (servers, credentials, component types).

mod doc;
mod document;
mod operation;
mod operations;
mod schema;
mod shape;

use std::collections::BTreeSet;
use std::path::PathBuf;

pub use doc::{DIFFERS, Doc, Node, text};
pub use schema::set_text;
pub use shape::CONSTRAINTS;

/// How a document is read for the comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// As on the wire: operations matched by method and full path (the server URL's path
    /// joined with the operation's), `$ref`s followed without a trace, `allOf` merged.
    Wire,
    /// As the generated crate's types: operations matched by `operationId` (a method), a
    /// named schema its own type, an `allOf` a type of its members; servers, credential
    /// schemes and component types compared too.
    Types,
}

/// Which way a schema travels, which decides what a change to it breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Direction {
    /// Built by callers and sent.
    Request,
    /// Decoded from answers.
    Response,
}

/// A place in one of the two documents: its file (`None` for the main one) and the keys to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    /// The file, relative to the main file's folder, when it is not the main file.
    pub file: Option<PathBuf>,
    /// The keys from the file's top to the node.
    pub keys: Vec<String>,
}

impl Place {
    /// The place as a JSON pointer, after its file when it is not the main one:
    /// `#/components/schemas/Accesskey`, `paths/accesskeys/main.yaml#/get`.
    pub fn pointer(&self) -> String {
        let pointer = super::pointer::render(&self.keys);
        match &self.file {
            Some(file) => format!("{}{pointer}", file.display()),
            None => pointer,
        }
    }

    /// The place as keys joined by dots (`components.schemas.Accesskey`), after its file and a
    /// `#` when it is not the main one; `(top level)` for the top.
    pub fn dotted(&self) -> String {
        let keys = if self.keys.is_empty() {
            "(top level)".to_string()
        } else {
            self.keys.join(".")
        };
        match &self.file {
            Some(file) => format!("{}#{keys}", file.display()),
            None => keys,
        }
    }
}

/// What changed, with the names a phrase needs. `operation` is the operation's name in the
/// view (`accesskeys_get GET /v1.0/accesskeys/{id}` on the wire, `accesskeys_get` as types);
/// `parameter` a parameter's (its [`operations::parameter_key`] on the wire, `parameter name (in)` as
/// types); `schema` is a schema's place in words (`the 200 answer of accesskeys_get.scopes`,
/// or as types from a named schema on, its name).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An operation of the old document the new one lacks.
    OperationRemoved { operation: String },
    /// An operation of the new document the old one lacks, with its matching key.
    OperationAdded { operation: String, key: String },
    /// An operation matched by `operationId` whose method or path changed.
    OperationMoved { operation: String, route: String },
    /// A parameter the new document lacks.
    ParameterRemoved {
        operation: String,
        parameter: String,
    },
    /// A parameter the old document lacks.
    ParameterAdded {
        operation: String,
        parameter: String,
        required: bool,
    },
    /// A path parameter at the same position under another name.
    ParameterRenamed {
        operation: String,
        was: String,
        is: String,
    },
    /// A parameter that became required or optional.
    ParameterRequired {
        operation: String,
        parameter: String,
        was: bool,
        is: bool,
    },
    /// A request body the new document lacks.
    BodyRemoved { operation: String },
    /// A request body the old document lacks.
    BodyAdded { operation: String },
    /// A request body that became required or optional.
    BodyRequired {
        operation: String,
        was: bool,
        is: bool,
    },
    /// The media types of the request body (`status` is `None`) or of an answer, in the
    /// documents' order.
    MediaTypes {
        operation: String,
        status: Option<String>,
        was: Vec<String>,
        is: Vec<String>,
    },
    /// A status the new document lacks.
    StatusRemoved { operation: String, status: String },
    /// A status the old document lacks.
    StatusAdded { operation: String, status: String },
    /// An answer that gained or lost its body.
    AnswerBody {
        operation: String,
        status: String,
        was: bool,
        is: bool,
    },
    /// The body types of an operation's success or error answers (types view).
    BodyTypes {
        operation: String,
        success: bool,
        was: Vec<String>,
        is: Vec<String>,
    },
    /// A credential scheme an operation no longer takes (types view).
    CredentialRemoved { operation: String, scheme: String },
    /// A credential scheme an operation takes now (types view).
    CredentialAdded { operation: String, scheme: String },
    /// A schema's type: its `type`s on the wire; as types, its kind or its name.
    TypeChanged {
        schema: String,
        was: String,
        is: String,
    },
    /// A schema that became nullable or not.
    NullableChanged { schema: String, was: bool, is: bool },
    /// A schema's [`CONSTRAINTS`], each with its value as JSON, in that list's order.
    Constraints {
        schema: String,
        was: Vec<(&'static str, serde_json::Value)>,
        is: Vec<(&'static str, serde_json::Value)>,
    },
    /// A schema's enum values (`None` without `enum`), in the documents' order.
    Enum {
        schema: String,
        was: Option<Vec<String>>,
        is: Option<Vec<String>>,
        direction: Direction,
    },
    /// A field the old schema lacks.
    FieldAdded {
        schema: String,
        field: String,
        required: bool,
        direction: Direction,
    },
    /// A field the new schema lacks; `listed` tells whether the new schema lists fields at all.
    FieldRemoved {
        schema: String,
        field: String,
        listed: bool,
    },
    /// A field that became required or optional.
    FieldRequired {
        schema: String,
        field: String,
        was: bool,
        is: bool,
    },
    /// The number of `oneOf`/`anyOf` (as types, also `allOf`) members.
    MembersChanged {
        schema: String,
        was: usize,
        is: usize,
    },
    /// The first server's variables (types view).
    ServerVariables { was: Vec<String>, is: Vec<String> },
    /// The first server's URL, its variables unchanged (types view).
    ServerUrl { is: String },
    /// A credential scheme the new document lacks (types view).
    SchemeRemoved { scheme: String },
    /// A credential scheme the old document lacks (types view).
    SchemeAdded { scheme: String },
    /// A component schema the new document lacks (types view).
    TypeRemoved { name: String },
    /// A component schema the old document lacks (types view).
    TypeAdded { name: String },
}

/// One change: what, and where in each document (`None` where a document has nothing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// What changed.
    pub kind: Kind,
    /// Its place in the old document.
    pub old: Option<Place>,
    /// Its place in the new document.
    pub new: Option<Place>,
    /// The reason the old document records for it at its place (an `x-telauth-differs`), if
    /// it does.
    pub recorded: Option<String>,
}

/// The changes from `old` to `new` read in `view`, each once, in the order found.
pub fn compare(old: &Doc, new: &Doc, view: View) -> Vec<Change> {
    let mut differ = Differ {
        old,
        new,
        view,
        changes: Vec::new(),
        seen: BTreeSet::new(),
    };
    if view == View::Types {
        differ.servers();
        differ.security_schemes();
    }
    differ.operations();
    if view == View::Types {
        differ.components();
    }
    differ.changes
}

/// The state of one comparison.
struct Differ<'a> {
    old: &'a Doc,
    new: &'a Doc,
    view: View,
    changes: Vec<Change>,
    /// The schema pairs already compared, by their places and direction.
    seen: BTreeSet<(String, String, Direction)>,
}

impl<'a> Differ<'a> {
    /// Adds a change between the nodes `old` and `new`, once.
    fn push(
        &mut self,
        kind: Kind,
        old: Option<&Node<'a>>,
        new: Option<&Node<'a>>,
        recorded: Option<String>,
    ) {
        let change = Change {
            kind,
            old: old.map(|node| self.old.place(node)),
            new: new.map(|node| self.new.place(node)),
            recorded,
        };
        let duplicate = self.changes.iter().any(|known| {
            known.kind == change.kind && known.old == change.old && known.new == change.new
        });
        if !duplicate {
            self.changes.push(change);
        }
    }
}
