//! What drawing leftovers needs: the day they are dated from, ages in days, names.

use std::ops::Range;

use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::Rng;

use crate::fleet::{pick, ADJECTIVES, SCIENTISTS};

const DAY_MICROS: i64 = 86_400 * 1_000_000;

/// The start (00:00 UTC) of the day the simulator was built on: leftovers are dated back
/// from it, so two simulators of one seed built the same day list the same bytes, and a
/// volume "detached three days ago" is three days old whatever the date.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Today(DateTime<Utc>);

impl Today {
    /// The day that holds `now`.
    pub(crate) fn of(now: DateTime<Utc>) -> Today {
        let micros = now.timestamp_micros();
        Today(crate::json::from_micros(
            micros - micros.rem_euclid(DAY_MICROS),
        ))
    }

    /// Midnight of that day.
    #[cfg(test)]
    pub(crate) fn start(self) -> DateTime<Utc> {
        self.0
    }

    /// A moment `days` days before today (at least one, so always in the past), at a
    /// drawn time of day.
    pub(crate) fn days_ago(self, rng: &mut StdRng, days: Range<i64>) -> DateTime<Utc> {
        let day = rng.random_range(days.start.max(1)..days.end.max(days.start.max(1) + 1));
        let micros = self.0.timestamp_micros() - day * DAY_MICROS + rng.random_range(0..DAY_MICROS);
        crate::json::from_micros(micros)
    }
}

/// A moment some seconds (up to `max_secs`) after `t`.
pub(crate) fn later(t: DateTime<Utc>, rng: &mut StdRng, max_secs: i64) -> DateTime<Utc> {
    t + chrono::Duration::microseconds(rng.random_range(1_000_000..max_secs.max(2) * 1_000_000))
}

/// Ages that spread evenly over their ranges: item `n` of a list is young (`young`) when `n`
/// is even and old (`old`) when odd, so even a list of two shows both (a volume detached
/// days ago and one detached months ago; a snapshot of last week and one older than 90 days).
pub(crate) fn age(n: usize, young: Range<i64>, old: Range<i64>) -> Range<i64> {
    if n % 2 == 0 {
        young
    } else {
        old
    }
}

/// `vol-<adjective>-<scientist>`-style names, with the given prefix.
pub(crate) fn named(prefix: &str, rng: &mut StdRng) -> String {
    format!(
        "{prefix}-{}-{}",
        pick(rng, ADJECTIVES),
        pick(rng, SCIENTISTS)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn today_is_midnight_and_days_ago_are_in_the_past() {
        let now = crate::json::from_micros(1_786_439_821_059_214);
        let today = Today::of(now);
        assert_eq!(
            crate::json::block_date(today.start()),
            "2026-08-11T00:00:00.000000Z"
        );
        let mut rng = StdRng::seed_from_u64(1);
        for _ in 0..100 {
            let t = today.days_ago(&mut rng, 0..3);
            assert!(t < today.start());
            assert!(today.start() - t <= chrono::Duration::days(3));
        }
    }
}
