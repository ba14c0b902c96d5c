//! Where the `from_vars` loaders read variables: [`Vars`], and a reader that names every
//! variable missing.
// With no provider feature on, the reader is not used.
#![cfg_attr(
    not(any(
        feature = "smsbeta",
        feature = "voipbin",
        feature = "mobivate",
        feature = "signalwire"
    )),
    allow(dead_code)
)]

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use telauth_runtime::Secret;

use crate::{Error, Provider};

/// A lookup of variables by name.
type Lookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Where the `from_vars` functions read variables: the process environment, a map, or a
/// lookup of your own. An empty value counts as unset.
///
/// A program gives `from_vars` [`Vars::process`]; a test the variables it means instead,
/// without touching the process environment — the sandbox's, say:
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use telauth::Vars;
///
/// let sandbox = telauth_sandbox::Sandbox::start("127.0.0.1:0".parse()?).await?;
/// let vars = Vars::from_iter(sandbox.info().env_vars());
/// assert_eq!(vars.get("VOIPBIN_USERNAME").as_deref(), Some("demo"));
/// // Or any lookup: a secret store, a config file.
/// let vars = Vars::from_lookup(|name| (name == "VOIPBIN_TOKEN").then(|| "eyJ…".to_string()));
/// assert!(vars.get("VOIPBIN_ACCESSKEY").is_none());
/// # sandbox.stop().await;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Vars {
    source: Source,
}

#[derive(Clone)]
enum Source {
    Process,
    Map(BTreeMap<String, String>),
    Lookup(Lookup),
}

impl fmt::Debug for Vars {
    /// Names where the variables come from and, for a map, which are set; never a value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Source::Process => f.write_str("Vars::process()"),
            Source::Map(map) => f.debug_set().entries(map.keys()).finish(),
            Source::Lookup(_) => f.write_str("Vars::from_lookup(..)"),
        }
    }
}

impl Vars {
    /// The process environment, read when a variable is asked for.
    pub fn process() -> Self {
        Self {
            source: Source::Process,
        }
    }

    /// The variables `lookup` answers (`None` for unset).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        Self {
            source: Source::Lookup(Arc::new(lookup)),
        }
    }

    /// The value of `name`; `None` when it is unset or empty (or not valid UTF-8, in the
    /// process environment).
    pub fn get(&self, name: &str) -> Option<String> {
        let value = match &self.source {
            Source::Process => std::env::var(name).ok(),
            Source::Map(map) => map.get(name).cloned(),
            Source::Lookup(lookup) => lookup(name),
        };
        value.filter(|value| !value.is_empty())
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Vars {
    /// Exactly these variables, as `(name, value)` pairs (a later pair replaces an earlier
    /// one of the same name).
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> Self {
        Self {
            source: Source::Map(
                pairs
                    .into_iter()
                    .map(|(name, value)| (name.into(), value.into()))
                    .collect(),
            ),
        }
    }
}

/// Reads one provider's variables, noting every required one that is missing.
pub(crate) struct Reader<'a> {
    vars: &'a Vars,
    provider: Provider,
    missing: Vec<&'static str>,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(vars: &'a Vars, provider: Provider) -> Self {
        Self {
            vars,
            provider,
            missing: Vec::new(),
        }
    }

    /// `variable`, noted as missing (and answered empty) when unset.
    pub(crate) fn required(&mut self, variable: &'static str) -> String {
        self.vars.get(variable).unwrap_or_else(|| {
            self.missing.push(variable);
            String::new()
        })
    }

    /// `variable` as a [`Secret`], noted as missing when unset.
    pub(crate) fn secret(&mut self, variable: &'static str) -> Secret {
        Secret::from(self.required(variable))
    }

    /// An [`crate::ErrorKind::MissingEnv`] naming every missing variable, when one is.
    pub(crate) fn finish(self) -> Result<(), Error> {
        if self.missing.is_empty() {
            Ok(())
        } else {
            Err(Error::missing_env(self.provider, self.missing))
        }
    }
}
