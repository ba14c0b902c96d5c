//! What every job leans on: running other programs, reading and editing manifests, and writing
//! files atomically.

pub(crate) mod fs;
pub(crate) mod manifest;
pub(crate) mod process;
