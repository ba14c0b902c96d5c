//! The providers whose clients are generated, and where their spec and crate live.

/// One provider: a spec under `specs/` and the crate generated from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Provider {
    /// The short name, as given to `--provider`.
    pub name: &'static str,
    /// The spec, relative to the workspace root.
    pub spec: &'static str,
    /// The generated crate's folder, relative to the workspace root.
    pub crate_dir: &'static str,
}

/// Every provider, in the order they are generated.
pub const PROVIDERS: &[Provider] = &[
    Provider {
        name: "smsbeta",
        spec: "specs/smsbeta.yaml",
        crate_dir: "crates/telauth-smsbeta",
    },
    Provider {
        name: "voipbin",
        spec: "specs/voipbin.yaml",
        crate_dir: "crates/telauth-voipbin",
    },
    Provider {
        name: "mobivate",
        spec: "specs/mobivate.yaml",
        crate_dir: "crates/telauth-mobivate",
    },
    Provider {
        name: "signalwire",
        spec: "specs/signalwire.yaml",
        crate_dir: "crates/telauth-signalwire",
    },
];

/// The providers `--provider` selects: all of them, or the one named.
pub fn select(name: Option<&str>) -> Result<Vec<Provider>, crate::Error> {
    match name {
        None => Ok(PROVIDERS.to_vec()),
        Some(name) => PROVIDERS
            .iter()
            .find(|provider| provider.name == name)
            .map(|provider| vec![*provider])
            .ok_or_else(|| crate::Error::UnknownProvider {
                name: name.to_string(),
                known: PROVIDERS
                    .iter()
                    .map(|provider| provider.name)
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
    }
}
