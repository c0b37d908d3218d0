//! Time, behind a trait: nothing else in the crate reads the system clock.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A source of the current time, as a duration since the Unix epoch.
///
/// The default is [`SystemClock`]; tests and tools that need to move time use
/// [`ManualClock`].
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time since the Unix epoch.
    fn now(&self) -> Duration;

    /// The current time in whole seconds since the Unix epoch.
    fn now_secs(&self) -> u64 {
        self.now().as_secs()
    }
}

/// The operating system's wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        // A clock before 1970 is a broken host; treat it as the epoch rather than panic.
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
    }
}

/// A clock that only moves when told to, for tests and reproducible tools.
#[derive(Debug, Default)]
pub struct ManualClock {
    millis: AtomicU64,
}

impl ManualClock {
    /// A clock standing at `secs` seconds after the Unix epoch.
    pub fn at_secs(secs: u64) -> Self {
        ManualClock {
            millis: AtomicU64::new(secs.saturating_mul(1000)),
        }
    }

    /// Moves the clock to `secs` seconds after the Unix epoch.
    pub fn set_secs(&self, secs: u64) {
        self.millis
            .store(secs.saturating_mul(1000), Ordering::SeqCst);
    }

    /// Moves the clock forward by `by`; it stops at the largest time it can hold rather
    /// than wrap around to the epoch.
    pub fn advance(&self, by: Duration) {
        let ms = u64::try_from(by.as_millis()).unwrap_or(u64::MAX);
        // `fetch_add` would wrap; the closure never returns `None`, so neither arm is an error.
        let _ = self
            .millis
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |t| {
                Some(t.saturating_add(ms))
            });
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Duration {
        Duration::from_millis(self.millis.load(Ordering::SeqCst))
    }
}

impl<C: Clock + ?Sized> Clock for std::sync::Arc<C> {
    fn now(&self) -> Duration {
        (**self).now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_saturates_instead_of_wrapping() {
        let clock = ManualClock::at_secs(u64::MAX);
        assert_eq!(clock.now(), Duration::from_millis(u64::MAX));
        clock.advance(Duration::MAX);
        assert_eq!(clock.now(), Duration::from_millis(u64::MAX));
        let clock = ManualClock::at_secs(10);
        clock.advance(Duration::from_millis(u64::MAX - 5_000));
        clock.advance(Duration::from_secs(u64::MAX));
        assert_eq!(clock.now(), Duration::from_millis(u64::MAX));
        clock.set_secs(1);
        clock.advance(Duration::from_millis(1));
        assert_eq!(clock.now(), Duration::from_millis(1_001));
    }
}
