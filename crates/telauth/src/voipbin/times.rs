//! [`AccessKeyTimes`]: an access key's times, which VoIPBIN sends as text, read as
//! [`SystemTime`]s.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Datelike, NaiveDateTime, Utc};

use super::AccessKey;

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::AccessKey {}
}

/// An access key's times (`tm_create`, `tm_update`, `tm_expire`, `tm_delete`), read when asked
/// for, as [`SystemTime`]s to compare with `SystemTime::now()` or a [`crate::voipbin::Jwt`]'s
/// `expires_at`.
///
/// VoIPBIN's servers and documents write the times in more than one way (`specs/FIDELITY.md`):
/// RFC 3339 (`2026-01-01T00:00:00.000000Z`, what current servers and the sandbox send, any
/// offset), and the same without a zone, with a `T` or a space (`2026-01-01 00:00:00.000000`,
/// taken as UTC). Each reads as `None` when it is unset (`null`), when it does not read in one
/// of those ways, or when it is in the year 9999 or later: VoIPBIN's "never"
/// (`9999-01-01T00:00:00.000000Z`, the default of a key not deleted).
///
/// # Examples
///
/// ```
/// use std::time::{Duration, SystemTime, UNIX_EPOCH};
/// use telauth::voipbin::{AccessKey, AccessKeyTimes};
///
/// let key: AccessKey = serde_json::from_value(serde_json::json!({
///     "id": "5e0ed5b0-8d2c-4b8f-a5d3-1c6f0e9a7b21",
///     "tm_create": "2023-11-14T22:13:20.000000Z",
///     "tm_expire": "2023-12-14 22:13:20.000000",
///     "tm_delete": "9999-01-01T00:00:00.000000Z",
/// }))?;
/// assert_eq!(key.created_at(), Some(UNIX_EPOCH + Duration::from_secs(1_700_000_000)));
/// assert_eq!(key.expires_at(), Some(UNIX_EPOCH + Duration::from_secs(1_702_592_000)));
/// assert_eq!(key.deleted_at(), None); // "never": not deleted
/// assert!(key.is_expired_at(SystemTime::now()));
/// # Ok::<(), serde_json::Error>(())
/// ```
pub trait AccessKeyTimes: sealed::Sealed {
    /// When the key was created (`tm_create`).
    fn created_at(&self) -> Option<SystemTime>;
    /// When the key was last changed (`tm_update`).
    fn updated_at(&self) -> Option<SystemTime>;
    /// When the key expires (`tm_expire`); `None` when it never does, or says no time.
    fn expires_at(&self) -> Option<SystemTime>;
    /// When the key was deleted (`tm_delete`); `None` while it is not.
    fn deleted_at(&self) -> Option<SystemTime>;
    /// Whether the key has expired at `now`: it has an expiry, and `now` is not before it.
    fn is_expired_at(&self, now: SystemTime) -> bool {
        self.expires_at().is_some_and(|expiry| expiry <= now)
    }
}

impl AccessKeyTimes for AccessKey {
    fn created_at(&self) -> Option<SystemTime> {
        self.tm_create.as_deref().and_then(parse)
    }
    fn updated_at(&self) -> Option<SystemTime> {
        self.tm_update.as_deref().and_then(parse)
    }
    fn expires_at(&self) -> Option<SystemTime> {
        self.tm_expire.as_deref().and_then(parse)
    }
    fn deleted_at(&self) -> Option<SystemTime> {
        self.tm_delete.as_deref().and_then(parse)
    }
}

/// The first year VoIPBIN means as "never".
const NEVER_YEAR: i32 = 9999;

/// `text` as a time, in one of the ways VoIPBIN writes them; `None` for "never" or unreadable.
pub(crate) fn parse(text: &str) -> Option<SystemTime> {
    let text = text.trim();
    let time: DateTime<Utc> = match DateTime::parse_from_rfc3339(text) {
        Ok(time) => time.to_utc(),
        Err(_) => ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
            .iter()
            .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())?
            .and_utc(),
    };
    if time.year() >= NEVER_YEAR {
        return None;
    }
    let seconds = Duration::from_secs(time.timestamp().unsigned_abs());
    let whole = if time.timestamp() >= 0 {
        UNIX_EPOCH.checked_add(seconds)
    } else {
        UNIX_EPOCH.checked_sub(seconds)
    };
    whole?.checked_add(Duration::from_nanos(u64::from(
        time.timestamp_subsec_nanos(),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_fidelity_lists_reads_and_never_is_none() {
        let expected = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        for text in [
            "2023-11-14T22:13:20.000000Z",
            "2023-11-14T22:13:20Z",
            "2023-11-15T00:13:20+02:00",
            "2023-11-14 22:13:20.000000",
            "2023-11-14T22:13:20",
            " 2023-11-14 22:13:20 ",
        ] {
            assert_eq!(parse(text), Some(expected), "{text}");
        }
        assert_eq!(
            parse("2023-11-14T22:13:20.5Z"),
            Some(expected + Duration::from_millis(500))
        );
        for text in [
            "9999-01-01T00:00:00.000000Z",
            "9999-01-01 00:00:00.000000",
            "",
            "yesterday",
            "2023-13-01T00:00:00Z",
        ] {
            assert_eq!(parse(text), None, "{text}");
        }
        assert_eq!(
            parse("1969-12-31T23:59:59.5Z"),
            Some(UNIX_EPOCH - Duration::from_millis(500))
        );
    }
}
