//! A client-side limit on requests per second, shared by every zone's poll.
//!
//! A token bucket that hands out reservations: a request that finds the bucket empty takes
//! a token from the future and waits for it, so waiting requests go out in the order they
//! asked, at the configured rate. A reservation that would only come after the poll's
//! deadline is refused at once rather than slept on. It runs on tokio's clock, so tests can
//! pause time; a crate such as `governor` keeps its own clock and would not.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// The default `--scaleway.rate-limit`: requests per second, all zones together. The API's
/// limit is not published; support spoke of 100/s per account in 2017
/// (docs/api-notes.md#rate-limits), and an exporter should leave most of it to Terraform,
/// the CLI and the console. 20/s still reads 2,000 servers a second: 50,000 within the
/// default `--poll.timeout`.
pub const DEFAULT_REQUESTS_PER_SECOND: f64 = 20.0;

#[derive(Debug)]
pub struct RateLimiter {
    per_second: f64,
    /// Tokens a quiet bucket holds: one second's worth, so the first request of every zone
    /// goes out at once.
    burst: f64,
    bucket: Mutex<Bucket>,
}

#[derive(Debug)]
struct Bucket {
    /// Below zero: reservations already promised to waiting requests.
    tokens: f64,
    updated: Instant,
}

/// The next token would come after the deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoSlotBeforeDeadline;

impl RateLimiter {
    /// `per_second` must be positive and finite (the flag's parser sees to it).
    pub fn new(per_second: f64) -> Self {
        let burst = per_second.max(1.0);
        RateLimiter {
            per_second,
            burst,
            bucket: Mutex::new(Bucket {
                tokens: burst,
                updated: Instant::now(),
            }),
        }
    }

    /// Waits for a token; refuses at once when it would only come after `deadline`.
    pub async fn acquire(&self, deadline: Instant) -> Result<(), NoSlotBeforeDeadline> {
        let wait = self.reserve(Instant::now(), deadline)?;
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        Ok(())
    }

    fn reserve(&self, now: Instant, deadline: Instant) -> Result<Duration, NoSlotBeforeDeadline> {
        let mut bucket = self
            .bucket
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.per_second).min(self.burst);
        bucket.updated = now;
        let after = bucket.tokens - 1.0;
        let wait = if after >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-after / self.per_second)
        };
        if now + wait > deadline {
            return Err(NoSlotBeforeDeadline);
        }
        bucket.tokens = after;
        Ok(wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_quiet_bucket_lets_one_seconds_worth_through_then_paces_the_rest() {
        let limiter = RateLimiter::new(10.0);
        let start = Instant::now();
        let far = start + Duration::from_secs(60);
        for _ in 0..10 {
            limiter.acquire(far).await.unwrap();
        }
        assert_eq!(
            start.elapsed(),
            Duration::ZERO,
            "the burst waits for nothing"
        );
        for _ in 0..20 {
            limiter.acquire(far).await.unwrap();
        }
        let paced = start.elapsed().as_secs_f64();
        assert!(
            (paced - 2.0).abs() < 0.01,
            "20 more at 10/s take 2s: {paced}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_token_that_would_come_after_the_deadline_is_refused_at_once_and_not_taken() {
        let limiter = RateLimiter::new(1.0);
        let start = Instant::now();
        limiter.acquire(start).await.unwrap();
        let soon = start + Duration::from_millis(500);
        assert_eq!(limiter.acquire(soon).await, Err(NoSlotBeforeDeadline));
        assert_eq!(start.elapsed(), Duration::ZERO, "refused without waiting");
        // The refused request took nothing: the next one waits one interval, not two.
        limiter
            .acquire(start + Duration::from_secs(5))
            .await
            .unwrap();
        assert_eq!(start.elapsed(), Duration::from_secs(1));
    }

    #[tokio::test(start_paused = true)]
    async fn a_rate_below_one_per_second_still_lets_one_request_through_at_once() {
        let limiter = RateLimiter::new(0.5);
        let start = Instant::now();
        limiter.acquire(start).await.unwrap();
        limiter
            .acquire(start + Duration::from_secs(10))
            .await
            .unwrap();
        assert_eq!(start.elapsed(), Duration::from_secs(2));
    }
}
