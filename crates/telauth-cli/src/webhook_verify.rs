//! `telauth signalwire webhook-verify` and `telauth voipbin webhook-verify`: a webhook's
//! signature checked against the raw body on standard input, with the key from the environment.
//! Exit status 0 valid, 1 not valid (the reason on stderr), 2 bad usage or no key; the key is
//! never printed.

use std::io::{IsTerminal, Read};
use std::process::ExitCode;

use http::{HeaderMap, HeaderName, HeaderValue};
use telauth::Vars;
use telauth::webhook::{SignalWireVerifier, VoipBinVerifier};

use crate::args::{ProviderCommand, SignalWireCommand, VoipBinCommand};
use crate::control_chars;

/// Runs `command` when it is a `webhook-verify`, answering its exit status; `None` for the
/// other commands.
pub fn run(command: &ProviderCommand) -> Option<ExitCode> {
    let (provider, outcome) = match command {
        ProviderCommand::Signalwire {
            command:
                SignalWireCommand::WebhookVerify {
                    url,
                    signature,
                    sha256_signature,
                },
        } => ("signalwire", signalwire(url, signature, sha256_signature)),
        ProviderCommand::Voipbin {
            command: VoipBinCommand::WebhookVerify { signature },
        } => ("voipbin", voipbin(signature)),
        _ => return None,
    };
    Some(match outcome {
        Outcome::Valid => {
            println!("{{\"valid\":true}}");
            ExitCode::SUCCESS
        }
        Outcome::Invalid(reason) => say(
            &format!("{provider} webhook-verify: not valid: {reason}"),
            1,
        ),
        Outcome::Usage(reason) => say(&reason, 2),
    })
}

/// What a check came to.
enum Outcome {
    /// The signature is the provider's.
    Valid,
    /// It is not, and why.
    Invalid(String),
    /// Nothing was checked: bad usage, or no key (the whole line to print).
    Usage(String),
}

fn signalwire(url: &str, signature: &Option<String>, sha256: &Option<String>) -> Outcome {
    checked(
        "signalwire",
        SignalWireVerifier::from_vars(&Vars::process()),
        &[
            ("x-signalwire-signature", signature.as_deref()),
            ("x-signalwire-sha256-signature", sha256.as_deref()),
        ],
        |verifier, headers, body| verifier.verify(url, headers, body),
    )
}

fn voipbin(signature: &str) -> Outcome {
    checked(
        "voipbin",
        VoipBinVerifier::from_vars(&Vars::process()),
        &[("x-voipbin-signature", Some(signature))],
        |verifier, headers, body| verifier.verify(headers, body),
    )
}

/// One check: the verifier `loaded` from the environment, the body from standard input, the
/// signatures `given` as the headers they arrive in, then `verify`.
fn checked<V, E: std::fmt::Display, R: std::fmt::Display>(
    provider: &str,
    loaded: Result<V, E>,
    given: &[(&'static str, Option<&str>)],
    verify: impl FnOnce(&V, &HeaderMap, &[u8]) -> Result<(), R>,
) -> Outcome {
    let verifier = match loaded {
        Ok(verifier) => verifier,
        Err(error) => return Outcome::Usage(error.to_string()),
    };
    let body = match body() {
        Ok(body) => body,
        Err(reason) => return Outcome::Usage(format!("{provider} webhook-verify: {reason}")),
    };
    let mut headers = HeaderMap::new();
    for (name, value) in given {
        if let Some(value) = value {
            match header(name, value) {
                Ok((name, value)) => headers.insert(name, value),
                Err(reason) => return Outcome::Invalid(reason),
            };
        }
    }
    match verify(&verifier, &headers, &body) {
        Ok(()) => Outcome::Valid,
        Err(rejection) => Outcome::Invalid(rejection.to_string()),
    }
}

/// The header `name: value`, or why `value` cannot be a header's value.
fn header(name: &'static str, value: &str) -> Result<(HeaderName, HeaderValue), String> {
    let value = HeaderValue::from_str(value)
        .map_err(|_| format!("the {name} value holds a control character: it is malformed"))?;
    Ok((HeaderName::from_static(name), value))
}

/// The raw body, all of standard input; refused from a terminal, where nobody pasted a body.
fn body() -> Result<Vec<u8>, String> {
    let mut stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Err("give the webhook's raw body on standard input (< body.json)".into());
    }
    let mut body = Vec::new();
    stdin
        .read_to_end(&mut body)
        .map_err(|error| format!("cannot read the body from standard input: {error}"))?;
    Ok(body)
}

/// Prints `text` on stderr as one `telauth: ` line and answers `status`.
fn say(text: &str, status: u8) -> ExitCode {
    eprintln!("telauth: {}", control_chars::visible(text));
    ExitCode::from(status)
}
