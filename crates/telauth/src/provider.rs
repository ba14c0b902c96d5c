//! The four providers.

use std::fmt;

/// The providers telauth has a client for. `#[non_exhaustive]`: a provider may be added in a
/// minor release, so a `match` needs a `_` arm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Provider {
    /// SMSBeta.
    SmsBeta,
    /// VoIPBIN.
    VoipBin,
    /// Mobivate.
    Mobivate,
    /// SignalWire.
    SignalWire,
}

impl Provider {
    /// The provider's name in lowercase, as the `telauth` command and the variables
    /// `TELAUTH_<PROVIDER>_ORIGIN` spell it (`Display` writes it too).
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::Provider;
    ///
    /// assert_eq!(Provider::SignalWire.name(), "signalwire");
    /// assert_eq!(Provider::VoipBin.to_string(), "voipbin");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Self::SmsBeta => "smsbeta",
            Self::VoipBin => "voipbin",
            Self::Mobivate => "mobivate",
            Self::SignalWire => "signalwire",
        }
    }

    /// The variable that replaces the provider's origin, which each client's `from_vars` reads:
    /// `TELAUTH_<PROVIDER>_ORIGIN`.
    ///
    /// # Examples
    ///
    /// ```
    /// use telauth::Provider;
    ///
    /// assert_eq!(Provider::VoipBin.origin_variable(), "TELAUTH_VOIPBIN_ORIGIN");
    /// ```
    pub fn origin_variable(self) -> &'static str {
        match self {
            Self::SmsBeta => "TELAUTH_SMSBETA_ORIGIN",
            Self::VoipBin => "TELAUTH_VOIPBIN_ORIGIN",
            Self::Mobivate => "TELAUTH_MOBIVATE_ORIGIN",
            Self::SignalWire => "TELAUTH_SIGNALWIRE_ORIGIN",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
