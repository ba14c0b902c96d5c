//! The sandbox from outside, a module for each concern: its binary, its bounds, slow clients,
//! a program configured by its variables alone, each provider on a port of its own, and the
//! providers' own Python clients (`sdks`, ignored: `.ci/run` installs them and runs it with
//! `--ignored`).

mod binary;
mod bounds;
mod connections;
mod env_vars;
mod hosts;
mod sdks;
