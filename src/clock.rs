//! Time sources: `SOURCE_DATE_EPOCH` for reproducible PDF creation dates, the wall clock for the
//! moment an issue is archived, and the RFC 3339 form both are written in.

use anyhow::{Context, Result, bail};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The environment variable of the Reproducible Builds convention: seconds since 1970-01-01 UTC.
pub const SOURCE_DATE_EPOCH: &str = "SOURCE_DATE_EPOCH";

/// The creation date `SOURCE_DATE_EPOCH` asks for, if it is set (and not empty).
pub fn source_date_epoch() -> Result<Option<OffsetDateTime>> {
    match std::env::var(SOURCE_DATE_EPOCH) {
        Ok(value) if !value.trim().is_empty() => parse_epoch(&value).map(Some),
        Ok(_) | Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => {
            bail!(
                "环境变量 {SOURCE_DATE_EPOCH} 不是有效的文字。\n  提示：写成自 1970-01-01 起的秒数，例如 1651363200；不需要时删除这个环境变量。"
            )
        }
    }
}

fn parse_epoch(value: &str) -> Result<OffsetDateTime> {
    let hint = "提示：写成自 1970-01-01（UTC）起的整秒数，例如 1651363200（即 2022-05-01）；不需要时删除这个环境变量。";
    let seconds: i64 = value.trim().parse().ok().with_context(|| {
        format!("环境变量 {SOURCE_DATE_EPOCH} 的值「{value}」不是整数秒数。\n  {hint}")
    })?;
    OffsetDateTime::from_unix_timestamp(seconds)
        .ok()
        .filter(|t| (1..=9999).contains(&t.year()))
        .with_context(|| {
            format!("环境变量 {SOURCE_DATE_EPOCH} 的值「{value}」超出了可用的日期范围。\n  {hint}")
        })
}

/// Now, in UTC, to the second.
pub fn now_utc() -> OffsetDateTime {
    OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .expect("0 is a valid nanosecond")
}

/// `18:42:03`: the time of day of `at` in Beijing time (UTC+8), the editors' clock, for status
/// lines. (The machine's own offset cannot be read safely in a program with threads.)
pub fn beijing_time_of_day(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::macros::offset!(+8));
    format!("{:02}:{:02}:{:02}", at.hour(), at.minute(), at.second())
}

/// `2026-11-28T09:50:35Z`.
pub fn rfc3339(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(&Rfc3339)
        .expect("a UTC time in years 1..=9999 formats")
}

/// `2026-11-28`, the UTC date of `at`.
pub fn utc_date(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}",
        at.year(),
        u8::from(at.month()),
        at.day()
    )
}

/// Parses `2026-11-28T09:50:35Z` (any RFC 3339 offset), for the command line.
pub fn parse_rfc3339(s: &str) -> Result<OffsetDateTime, String> {
    OffsetDateTime::parse(s, &Rfc3339)
        .map(|t| t.replace_nanosecond(0).expect("0 is a valid nanosecond"))
        .map_err(|_| format!("时间「{s}」无效：写成 2026-11-28T09:50:35Z 这样的形式（RFC 3339）"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_epoch_is_read_as_utc_seconds() {
        let t = parse_epoch("1651363200").unwrap();
        assert_eq!(rfc3339(t), "2022-05-01T00:00:00Z");
        assert_eq!(utc_date(t), "2022-05-01");
    }

    #[test]
    fn a_malformed_epoch_is_refused_in_chinese() {
        let err = parse_epoch("yesterday").unwrap_err().to_string();
        assert!(
            err.contains("SOURCE_DATE_EPOCH") && err.contains("不是整数秒数"),
            "{err}"
        );
        let err = parse_epoch("999999999999999").unwrap_err().to_string();
        assert!(err.contains("超出了可用的日期范围"), "{err}");
    }

    #[test]
    fn rfc3339_round_trips_and_normalises_to_utc() {
        let t = parse_rfc3339("2026-11-28T17:50:35+08:00").unwrap();
        assert_eq!(rfc3339(t), "2026-11-28T09:50:35Z");
        assert!(parse_rfc3339("2026-11-28").is_err());
    }
}
