//! The xtask's jobs, in-process, on scratch copies of the workspace: a module per job. The ones
//! that build copies of the workspace cold are ignored here, and `.ci/run` runs them with
//! `--ignored`.

mod any_spec;
mod evolution;
mod generate;
mod hostile_specs;
mod release;
mod upstream;
