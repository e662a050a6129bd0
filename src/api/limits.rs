//! Rate limiting: GCRA (the governor crate) per caller, keyed by the token
//! presented (by client address without one), with a stricter quota on
//! creates. Past it: `429` with `Retry-After`.

use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use crate::config::RateLimitConfig;

pub struct Limits {
    general: DefaultKeyedRateLimiter<String>,
    create: DefaultKeyedRateLimiter<String>,
    clock: DefaultClock,
}

impl Limits {
    /// `None` when rate limiting is turned off.
    pub fn new(config: &RateLimitConfig) -> Option<Limits> {
        if !config.enabled {
            return None;
        }
        let nz = |n: u32| NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN);
        let general = Quota::per_second(nz(config.per_second)).allow_burst(nz(config.burst));
        let create =
            Quota::per_minute(nz(config.create_per_minute)).allow_burst(nz(config.create_burst));
        Some(Limits {
            general: DefaultKeyedRateLimiter::keyed(general),
            create: DefaultKeyedRateLimiter::keyed(create),
            clock: DefaultClock::default(),
        })
    }

    /// Counts one request of `key`; `Err(wait)` when it is over its quota.
    pub fn check(&self, key: &str, create: bool) -> Result<(), Duration> {
        let key = key.to_owned();
        self.general
            .check_key(&key)
            .map_err(|e| e.wait_time_from(self.clock.now()))?;
        if create {
            self.create
                .check_key(&key)
                .map_err(|e| e.wait_time_from(self.clock.now()))?;
        }
        Ok(())
    }
}
