//! Range checks for options. Every numeric option is checked once, when the object that uses
//! it is built, so a value that would overflow a clock addition, a buffer size or a deadline
//! never reaches the code that uses it. Each option's range is a public constant next to its
//! default.

use std::fmt;
use std::ops::RangeInclusive;
use std::time::Duration;

use crate::error::{Error, ErrorKind, Result};

/// Checks `value` against `range`. `field` is `Type::field` (or `Type::method argument`),
/// as the message names it.
pub(crate) fn duration(
    field: &'static str,
    value: Duration,
    range: &RangeInclusive<Duration>,
) -> Result<()> {
    check(field, value, range, HumanDuration)
}

/// Checks a byte size against `range`.
pub(crate) fn bytes(
    field: &'static str,
    value: usize,
    range: &RangeInclusive<usize>,
) -> Result<()> {
    check(field, value, range, HumanBytes)
}

/// Checks a count (keys, entries, seconds) against `range`.
pub(crate) fn count<T>(field: &'static str, value: T, range: &RangeInclusive<T>) -> Result<()>
where
    T: PartialOrd + Copy + fmt::Display,
{
    check(field, value, range, Plain)
}

/// `value` moved into `range`: for options whose extremes have an obvious meaning ("no
/// limit", "at once") and that are not checked at construction.
pub(crate) fn clamp<T: Ord + Copy>(value: T, range: &RangeInclusive<T>) -> T {
    value.clamp(*range.start(), *range.end())
}

trait Show<T> {
    fn show(&self, value: T) -> String;
}

struct HumanDuration;
struct HumanBytes;
struct Plain;

impl Show<Duration> for HumanDuration {
    fn show(&self, d: Duration) -> String {
        const DAY: u64 = 86_400;
        let (secs, nanos) = (d.as_secs(), d.subsec_nanos());
        if nanos == 0 {
            return match secs {
                0 => "0 s".to_owned(),
                s if s % DAY == 0 => plural(s / DAY, "day"),
                s if s % 3600 == 0 => format!("{} h", s / 3600),
                s if s % 60 == 0 => format!("{} min", s / 60),
                s => format!("{s} s"),
            };
        }
        if nanos % 1_000_000 == 0 && secs < 1000 {
            return format!(
                "{} ms",
                u128::from(secs) * 1000 + u128::from(nanos / 1_000_000)
            );
        }
        format!("{d:?}")
    }
}

fn plural(n: u64, unit: &str) -> String {
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

impl Show<usize> for HumanBytes {
    fn show(&self, n: usize) -> String {
        const KIB: usize = 1024;
        const MIB: usize = 1024 * 1024;
        match n {
            0 => "0 bytes".to_owned(),
            1 => "1 byte".to_owned(),
            n if n % MIB == 0 => format!("{} MiB", n / MIB),
            n if n % KIB == 0 => format!("{} KiB", n / KIB),
            n => format!("{n} bytes"),
        }
    }
}

impl<T: fmt::Display> Show<T> for Plain {
    fn show(&self, value: T) -> String {
        value.to_string()
    }
}

fn check<T: PartialOrd + Copy>(
    field: &'static str,
    value: T,
    range: &RangeInclusive<T>,
    show: impl Show<T>,
) -> Result<()> {
    if range.contains(&value) {
        return Ok(());
    }
    // `Type::field`, or `Type::method argument` for a checked argument.
    let name = field.rsplit([':', ' ']).next().unwrap_or(field);
    let (min, max) = (show.show(*range.start()), show.show(*range.end()));
    let got = show.show(value);
    Err(Error::new(
        ErrorKind::InvalidConfig,
        format!("{name} must be between {min} and {max} ({field}); got {got}"),
    )
    .with_values(format!("{min} to {max}"), got))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_field_and_the_range() {
        let range = Duration::from_millis(1)..=Duration::from_secs(600);
        let err = duration("RemoteJwksOptions::timeout", Duration::MAX, &range).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidConfig);
        assert_eq!(
            err.message(),
            "timeout must be between 1 ms and 10 min (RemoteJwksOptions::timeout); got \
             18446744073709551615.999999999s"
        );
        assert_eq!(err.expected(), Some("1 ms to 10 min"));
        assert!(duration("X::timeout", Duration::from_secs(600), &range).is_ok());
        assert!(duration("X::timeout", Duration::from_millis(1), &range).is_ok());
        let err = duration("X::timeout", Duration::ZERO, &range).unwrap_err();
        assert!(err.message().ends_with("got 0 s"), "{}", err.message());

        let err = bytes("X::max_response_bytes", usize::MAX, &(1..=64 << 20)).unwrap_err();
        assert!(
            err.message().starts_with(
                "max_response_bytes must be between 1 byte and 64 MiB (X::max_response_bytes); \
                 got "
            ),
            "{}",
            err.message()
        );
        let err = count("X::max_keys", 0usize, &(1..=10_000)).unwrap_err();
        assert_eq!(
            err.message(),
            "max_keys must be between 1 and 10000 (X::max_keys); got 0"
        );
    }

    #[test]
    fn durations_read_as_people_write_them() {
        let cases = [
            (Duration::ZERO, "0 s"),
            (Duration::from_millis(1), "1 ms"),
            (Duration::from_millis(1500), "1500 ms"),
            (Duration::from_secs(30), "30 s"),
            (Duration::from_secs(300), "5 min"),
            (Duration::from_secs(7200), "2 h"),
            (Duration::from_secs(86_400), "1 day"),
            (Duration::from_secs(7 * 86_400), "7 days"),
            (Duration::from_nanos(1), "1ns"),
        ];
        for (d, shown) in cases {
            assert_eq!(HumanDuration.show(d), shown);
        }
        assert_eq!(HumanBytes.show(512 * 1024), "512 KiB");
        assert_eq!(HumanBytes.show(1000), "1000 bytes");
    }

    #[test]
    fn clamp_keeps_values_in_range() {
        let range = Duration::from_millis(1)..=Duration::from_secs(600);
        assert_eq!(clamp(Duration::MAX, &range), Duration::from_secs(600));
        assert_eq!(clamp(Duration::ZERO, &range), Duration::from_millis(1));
        assert_eq!(clamp(usize::MAX, &(1..=64)), 64);
    }
}
