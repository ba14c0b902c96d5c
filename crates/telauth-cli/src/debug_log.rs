//! `--debug`: one line per request on stderr, without a secret or a control character.

use std::io::Write;

use crate::control_chars;
use crate::secrets::Secrets;

/// Prints the facade's request lines on stderr, each scrubbed of `secrets` (also those added
/// later) and made visible.
pub fn init(secrets: &Secrets) {
    let secrets = secrets.clone();
    tracing_subscriber::fmt()
        .with_writer(move || Line {
            text: Vec::new(),
            secrets: secrets.clone(),
        })
        .with_ansi(false)
        .with_target(false)
        .without_time()
        .compact()
        .init();
}

/// One event's text, written to stderr once complete, when dropped.
struct Line {
    text: Vec<u8>,
    secrets: Secrets,
}

impl Write for Line {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.text.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for Line {
    fn drop(&mut self) {
        let text = String::from_utf8_lossy(&self.text);
        let text = text.strip_suffix('\n').unwrap_or(&text);
        if !text.is_empty() {
            let line = control_chars::visible(&self.secrets.scrub(text));
            // Nowhere to report a failure to write on stderr.
            let _ = writeln!(std::io::stderr(), "{line}");
        }
    }
}
