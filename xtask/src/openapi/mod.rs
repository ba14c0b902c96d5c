//! The OpenAPI model every job shares: a document read within bounds ([`source`], [`read`]),
//! a spec loaded and checked ([`load`]), the one walk over a loaded spec's operations,
//! parameters and schemas (`walk`), and the one comparison of two documents (`diff`).

mod dialect;
pub(crate) mod diff;
mod inert;
mod load;
pub(crate) mod names;
pub mod pointer;
pub mod read;
pub(crate) mod schemes;
mod secrets;
pub(crate) mod shape;
pub mod source;
mod takeable;
mod walk;

pub use load::{Spec, check_document, load, sha256};
pub use source::Source;
pub(crate) use walk::{
    AsSchema, Op, component, item_operations_mut, operations, operations_mut, parameters,
    path_operations, resolve_body, resolve_parameter, resolve_response, resolve_schema,
};
