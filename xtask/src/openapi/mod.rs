//! The OpenAPI model every job shares: a spec loaded and checked ([`load`]), and the one walk
//! over its operations, parameters, answers and schemas (`walk`).

mod dialect;
mod inert;
mod load;
pub(crate) mod names;
pub mod pointer;
pub mod read;
mod secrets;
pub(crate) mod shape;
pub mod source;
mod takeable;
mod walk;

pub use load::{Spec, check_document, load, sha256};
pub use source::Source;
pub(crate) use walk::{
    Answer, AsSchema, Op, answers, component, item_operations_mut, operations, operations_mut,
    parameters, path_operations, reference_name, resolve_body, resolve_parameter, resolve_response,
    resolve_schema,
};
