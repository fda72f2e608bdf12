//! Times as the group reads them: Danish time (Europe/Copenhagen), whatever the server's
//! own time zone. Denmark follows the EU rule: UTC+1, and UTC+2 from the last Sunday of
//! March to the last Sunday of October, switching at 01:00 UTC.

use erfa_index::Date;

/// Days from 1970-01-01 to `year-month-day` (proleptic Gregorian; the inverse of
/// [`Date::from_days`]).
pub(crate) fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The last Sunday of `month` in `year` (31-day months only), at 01:00 UTC, in seconds.
fn last_sunday_0100_utc(year: i64, month: i64) -> i64 {
    let last = days_from_civil(year, month, 31);
    // 1970-01-01 was a Thursday: (days + 4) mod 7 is 0 on Sundays.
    let sunday = last - (last + 4).rem_euclid(7);
    sunday * 86_400 + 3_600
}

/// The offset of Danish time from UTC at `seconds` since 1970, in seconds.
fn offset(seconds: i64) -> i64 {
    let year = i64::from(Date::from_days(seconds.div_euclid(86_400)).year);
    let summer =
        last_sunday_0100_utc(year, 3) <= seconds && seconds < last_sunday_0100_utc(year, 10);
    if summer { 7_200 } else { 3_600 }
}

/// `YYYY-MM-DD HH:MM` in Danish time of `seconds` since 1970.
pub(crate) fn danish_minute(seconds: i64) -> String {
    let local = seconds + offset(seconds);
    let rest = local.rem_euclid(86_400);
    format!(
        "{} {:02}:{:02}",
        Date::from_days(local.div_euclid(86_400)),
        rest / 3600,
        rest % 3600 / 60
    )
}

/// `YYYY-MM-DDTHH:MM:SSZ` (RFC 3339, UTC) of `seconds` since 1970, for Atom feeds.
pub(crate) fn utc_rfc3339(seconds: i64) -> String {
    let rest = seconds.rem_euclid(86_400);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        Date::from_days(seconds.div_euclid(86_400)),
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// Now, in Unix seconds.
pub(crate) fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Today's date in Denmark, `YYYY-MM-DD`.
pub(crate) fn danish_today() -> String {
    danish_minute(unix_now())[..10].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i64, mo: i64, d: i64, h: i64, mi: i64) -> i64 {
        days_from_civil(y, mo, d) * 86_400 + h * 3_600 + mi * 60
    }

    #[test]
    fn days_round_trip() {
        for days in [-700, -1, 0, 1, 19_000, 20_500, 2_000_000] {
            let d = Date::from_days(days);
            assert_eq!(
                days_from_civil(i64::from(d.year), i64::from(d.month), i64::from(d.day)),
                days
            );
        }
    }

    #[test]
    fn winter_and_summer_time_switch_at_the_eu_moments() {
        // Winter: UTC+1.
        assert_eq!(danish_minute(at(2026, 12, 4, 16, 30)), "2026-12-04 17:30");
        assert_eq!(danish_minute(at(2026, 12, 31, 23, 30)), "2027-01-01 00:30");
        // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
        assert_eq!(danish_minute(at(2026, 3, 29, 0, 59)), "2026-03-29 01:59");
        assert_eq!(danish_minute(at(2026, 3, 29, 1, 0)), "2026-03-29 03:00");
        assert_eq!(danish_minute(at(2026, 7, 1, 12, 0)), "2026-07-01 14:00");
        assert_eq!(danish_minute(at(2026, 10, 25, 0, 59)), "2026-10-25 02:59");
        assert_eq!(danish_minute(at(2026, 10, 25, 1, 0)), "2026-10-25 02:00");
        // 2024: 31 March and 27 October.
        assert_eq!(danish_minute(at(2024, 3, 31, 1, 0)), "2024-03-31 03:00");
        assert_eq!(danish_minute(at(2024, 10, 27, 1, 0)), "2024-10-27 02:00");
    }
}
