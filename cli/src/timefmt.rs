//! Times for people: ISO 8601 dates, "expires in 4 min", and `--ttl 5m` parsing.
//!
//! Every input here can come from a token, so any `i64` is possible: differences saturate
//! and spans are computed on the unsigned magnitude, so that no time claim can overflow.

/// `secs` since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ` (UTC).
pub(crate) fn iso8601(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// The proleptic Gregorian date of a day number (days since 1970-01-01); Howard Hinnant's
/// `civil_from_days`, exact for every `i64` day a token can carry.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A span of `secs` seconds (a magnitude: any two `i64` times are at most 2^64 - 1 apart) in
/// the largest readable unit: `45 s`, `4 min`, `2 h`, `3 d`. The rounding saturates.
pub(crate) fn span(secs: u64) -> String {
    if secs < 90 {
        format!("{secs} s")
    } else if secs < 90 * 60 {
        format!("{} min", secs.saturating_add(30) / 60)
    } else if secs < 36 * 3600 {
        format!("{} h", secs.saturating_add(1800) / 3600)
    } else {
        format!("{} d", secs.saturating_add(43_200) / 86_400)
    }
}

/// `at` relative to `now`: "in 4 min" or "2 h ago"; `abs_diff` cannot overflow, whatever
/// two `i64`s a token and the clock give.
pub(crate) fn relative(at: i64, now: i64) -> String {
    let distance = span(at.abs_diff(now));
    if at >= now {
        format!("in {distance}")
    } else {
        format!("{distance} ago")
    }
}

/// What a time claim means, relative to `now`: "expires in 4 min", "expired 2 h ago",
/// "issued 3 min ago", "valid from 1 min ago".
pub(crate) fn describe_claim_time(claim: &str, at: i64, now: i64) -> String {
    let when = relative(at, now);
    match (claim, at > now) {
        ("exp", true) => format!("expires {when}"),
        ("exp", false) => format!("expired {when}"),
        ("iat", false) => format!("issued {when}"),
        ("iat", true) => format!("issued {when}, in the future: check the clocks"),
        ("nbf", true) => format!("not valid until {when}"),
        ("nbf", false) => format!("valid since {when}"),
        ("auth_time", _) => format!("authenticated {when}"),
        _ => when,
    }
}

/// Parses a lifetime: `300`, `300s`, `5m`, `1h`, `2d` (a leading `-` gives a negative
/// lifetime, for minting already-expired tokens). Returns seconds.
///
/// # Errors
/// A message naming the accepted forms.
pub(crate) fn parse_ttl(text: &str) -> Result<i64, String> {
    let bad =
        || format!("invalid lifetime {text:?}: use seconds or a unit, e.g. 300, 300s, 5m, 1h, 2d");
    let (negative, rest) = match text.trim().strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.trim()),
    };
    let split = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let (digits, unit) = rest.split_at(split);
    let amount: i64 = digits.parse().map_err(|_| bad())?;
    let factor = match unit {
        "" | "s" => 1,
        "m" | "min" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(bad()),
    };
    let secs = amount.checked_mul(factor).ok_or_else(bad)?;
    Ok(if negative { -secs } else { secs })
}

/// The current time in whole seconds since the Unix epoch, through the core's clock.
pub(crate) fn now_secs() -> i64 {
    use mcp_bearer::clock::Clock as _;
    i64::try_from(mcp_bearer::clock::SystemClock.now_secs()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_match_known_instants() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso8601(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(iso8601(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn relative_times_read_naturally() {
        assert_eq!(describe_claim_time("exp", 1240, 1000), "expires in 4 min");
        assert_eq!(describe_claim_time("exp", 1000, 8200), "expired 2 h ago");
        assert_eq!(relative(1000, 1000), "in 0 s");
        assert_eq!(span(3 * 86_400), "3 d");
    }

    #[test]
    fn time_claims_at_the_ends_of_i64_neither_panic_nor_wrap() {
        // 2^64 - 1 seconds, rounded to days without overflowing the rounding.
        let widest = "213503982334601 d";
        assert_eq!(relative(i64::MIN, i64::MAX), format!("{widest} ago"));
        assert_eq!(relative(i64::MAX, i64::MIN), format!("in {widest}"));
        assert_eq!(span(u64::MAX), widest);
        let now = 1_700_000_000;
        assert_eq!(
            describe_claim_time("exp", i64::MIN, now),
            "expired 106751991186977 d ago"
        );
        assert_eq!(
            describe_claim_time("nbf", i64::MAX, now),
            "not valid until in 106751991147625 d"
        );
        assert_eq!(
            describe_claim_time("iat", i64::MIN, i64::MIN),
            "issued in 0 s"
        );
        // The dates are exact at both ends (proleptic Gregorian, astronomical years).
        assert_eq!(iso8601(i64::MAX), "292277026596-12-04T15:30:07Z");
        assert_eq!(iso8601(i64::MIN), "-292277022657-01-27T08:29:52Z");
        for at in [i64::MIN, i64::MIN + 1, -1, 0, i64::MAX - 1, i64::MAX] {
            for now in [i64::MIN, 0, now, i64::MAX] {
                for claim in ["exp", "iat", "nbf", "auth_time", "other"] {
                    assert!(!describe_claim_time(claim, at, now).is_empty());
                }
            }
        }
    }

    #[test]
    fn lifetimes_parse_with_units() {
        assert_eq!(parse_ttl("300"), Ok(300));
        assert_eq!(parse_ttl("300s"), Ok(300));
        assert_eq!(parse_ttl("5m"), Ok(300));
        assert_eq!(parse_ttl("1h"), Ok(3600));
        assert_eq!(parse_ttl("-2m"), Ok(-120));
        assert!(parse_ttl("5 weeks").is_err());
        assert!(parse_ttl("").is_err());
    }
}
