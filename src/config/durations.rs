//! Durations a user writes ("30s", "10m", "8h", "7d"): one parser for every
//! door (flags, request bodies, web forms, the config), with one documented
//! maximum, and time arithmetic that cannot panic.
//!
//! Every duration envctl accepts is at most [`MAX`] (10 years): far beyond
//! any TTL or timeout anyone means, and small enough that adding it to now,
//! to a `tokio` instant or to a `chrono` time never overflows.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::error::{Error, Result};

/// The longest duration envctl accepts anywhere: 3650 days.
pub const MAX: Duration = Duration::from_secs(3650 * 24 * 3600);

/// How [`MAX`] is written in messages.
pub const MAX_TEXT: &str = "3650d";

/// Parses `text` ("90s", "8h", "7d", "1h 30m"), refusing more than [`MAX`].
/// The message names what is wrong and what is allowed.
pub fn parse(text: &str) -> Result<Duration, String> {
    let d = humantime::parse_duration(text.trim())
        .map_err(|e| format!("'{text}' is not a duration like 30s, 10m, 8h or 7d ({e})"))?;
    if d > MAX {
        return Err(format!(
            "'{text}' is too long: at most {MAX_TEXT} (10 years)"
        ));
    }
    Ok(d)
}

/// [`parse`] for a named field of a request, as the library's error.
pub fn parse_field(field: &str, text: &str) -> Result<Duration> {
    parse(text).map_err(|e| Error::InvalidInput(format!("{field}: {e}")))
}

/// Checks a duration given as a value (a library caller, a config field).
pub fn check(field: &str, d: Duration) -> Result<()> {
    if d > MAX {
        return Err(Error::InvalidInput(format!(
            "{field}: at most {MAX_TEXT} (10 years)"
        )));
    }
    Ok(())
}

/// A point in time on the command line: RFC 3339 (`2026-12-01T18:00:00Z`,
/// with any offset), or `YYYY-MM-DD HH:MM` / `YYYY-MM-DD` in local time
/// (a date alone is its end: 23:59:59).
pub fn parse_time(text: &str) -> std::result::Result<DateTime<Utc>, String> {
    use chrono::{Local, NaiveDate, NaiveDateTime, TimeZone};
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    let local = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M"))
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(23, 59, 59))
        })
        .ok_or_else(|| {
            format!(
                "expected a time like \"2026-12-01T18:00:00Z\", \"2026-12-01 18:00\" or \"2026-12-01\", got \"{text}\""
            )
        })?;
    Local
        .from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| format!("{text} does not exist in the local time zone"))
}

/// `time + d`, saturating at the largest time chrono can hold.
pub fn add(time: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    chrono::Duration::from_std(d)
        .ok()
        .and_then(|d| time.checked_add_signed(d))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// `now + d` on the monotonic clock, saturating far in the future.
pub fn instant_after(d: Duration) -> tokio::time::Instant {
    let now = tokio::time::Instant::now();
    now.checked_add(d)
        .unwrap_or_else(|| now + MAX.min(Duration::from_secs(u32::MAX as u64)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_up_to_the_maximum_and_no_further() {
        assert_eq!(parse("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse(" 7d "), Ok(Duration::from_secs(7 * 86400)));
        assert_eq!(parse("3650d"), Ok(MAX));
        let long = parse("3651d").unwrap_err();
        assert!(long.contains("at most 3650d"), "{long}");
        for huge in ["100000000y", "300000000000y", "18446744073709551615s"] {
            let e = parse(huge).unwrap_err();
            assert!(e.contains(huge), "{e}");
        }
        assert!(parse("soon").unwrap_err().contains("like 30s"));
        assert!(
            parse_field("ttl", "9999999d")
                .unwrap_err()
                .to_string()
                .starts_with("ttl: ")
        );
    }

    #[test]
    fn time_arithmetic_saturates_instead_of_panicking() {
        let now = Utc::now();
        assert_eq!(add(now, Duration::MAX), DateTime::<Utc>::MAX_UTC);
        assert!(add(now, MAX) > now);
        assert!(instant_after(Duration::MAX) > tokio::time::Instant::now());
        assert!(check("timeout", MAX).is_ok());
        assert!(check("timeout", MAX + Duration::from_secs(1)).is_err());
    }
}
