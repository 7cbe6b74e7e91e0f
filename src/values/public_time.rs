//! Times a stranger can read (the public JSON API, feeds) are given to the minute. Seconds
//! and microseconds say nothing a reader needs, and they are a fingerprint: matched against
//! a mail server's or a proxy's log, or against the moment someone was seen at a keyboard,
//! a signature's exact time tells who made it.

use chrono::{NaiveDateTime, NaiveTime, Timelike};
use serde::Serializer;

/// How a public time is written: ISO 8601 in UTC without seconds, as the pages' `<time
/// datetime>` attributes are.
pub const FORMAT: &str = "%Y-%m-%dT%H:%MZ";

/// The time with its seconds and their fractions dropped.
pub fn to_the_minute(time: NaiveDateTime) -> NaiveDateTime {
    // An hour and a minute read from a valid time always make one; midnight is never used.
    let minute = NaiveTime::from_hms_opt(time.hour(), time.minute(), 0).unwrap_or_default();
    time.date().and_time(minute)
}

/// For `#[serde(serialize_with = ...)]` on a public time.
pub fn serialize<S: Serializer>(time: &NaiveDateTime, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(&time.format(FORMAT))
}

/// For `#[serde(serialize_with = ...)]` on a public time that may be missing (`null`).
pub fn serialize_option<S: Serializer>(
    time: &Option<NaiveDateTime>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match time {
        Some(time) => serialize(time, serializer),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f").expect("a time")
    }

    #[test]
    fn seconds_and_their_fractions_are_dropped() {
        assert_eq!(
            to_the_minute(at("2026-12-07 21:18:59.999999")),
            at("2026-12-07 21:18:00")
        );
        assert_eq!(
            to_the_minute(at("2026-12-31 23:59:59.5")),
            at("2026-12-31 23:59:00")
        );
    }

    #[test]
    fn serialized_to_the_minute_in_utc() {
        #[derive(serde::Serialize)]
        struct Shown {
            #[serde(serialize_with = "serialize_option")]
            at: Option<NaiveDateTime>,
            #[serde(serialize_with = "serialize_option")]
            never: Option<NaiveDateTime>,
        }
        let shown = Shown {
            at: Some(at("2026-12-07 21:18:15.123456")),
            never: None,
        };
        assert_eq!(
            serde_json::to_string(&shown).expect("JSON"),
            r#"{"at":"2026-12-07T21:18Z","never":null}"#
        );
    }
}
