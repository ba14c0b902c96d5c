//! Reading credentials from environment variables, with an error that names what is missing.

use telauth_runtime::Secret;

use crate::{Error, ErrorKind, Provider};

/// The value of `variable`; unset or empty is a [`ErrorKind::MissingEnv`] error.
pub(crate) fn var(provider: Provider, variable: &'static str) -> Result<String, Error> {
    match std::env::var(variable) {
        Ok(value) if !value.is_empty() => Ok(value),
        _ => Err(Error::new(
            provider,
            "env",
            ErrorKind::MissingEnv { variable },
        )),
    }
}

/// The value of `variable`, as a [`Secret`].
pub(crate) fn secret(provider: Provider, variable: &'static str) -> Result<Secret, Error> {
    var(provider, variable).map(Secret::from)
}
