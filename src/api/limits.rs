//! Rate limiting: GCRA (the governor crate) per caller, with a stricter
//! quota on creates and a strict one on sign-in attempts. Past it: `429`
//! with `Retry-After`, in the API's error shape.
//!
//! The caller is the authenticated token (its id, however the header was
//! written), else the client address: so requests with a wrong or no token
//! are limited too, and junk tokens cannot each get a fresh bucket. The
//! per-key state is pruned of idle buckets every few thousand checks, and
//! bounded: past [`MAX_KEYS`] callers, new ones share one overflow bucket.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use super::ApiError;
use crate::config::RateLimitConfig;

/// The most callers tracked at once per quota.
pub const MAX_KEYS: usize = 10_000;
/// Idle buckets are dropped every this many checks.
const PRUNE_EVERY: u64 = 4096;

/// Whose quota a request counts against.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    /// An authenticated token, by id.
    Token(String),
    /// A request without a valid token, by client address.
    Address(Option<IpAddr>),
    /// Everyone past [`MAX_KEYS`].
    Overflow,
}

pub struct Limits {
    general: DefaultKeyedRateLimiter<Key>,
    create: DefaultKeyedRateLimiter<Key>,
    sign_in: DefaultKeyedRateLimiter<Key>,
    clock: DefaultClock,
    checks: AtomicU64,
    pruned: std::sync::Mutex<Option<std::time::Instant>>,
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
        let sign_in =
            Quota::per_minute(nz(config.sign_in_per_minute)).allow_burst(nz(config.sign_in_burst));
        Some(Limits {
            general: DefaultKeyedRateLimiter::keyed(general),
            create: DefaultKeyedRateLimiter::keyed(create),
            sign_in: DefaultKeyedRateLimiter::keyed(sign_in),
            clock: DefaultClock::default(),
            checks: AtomicU64::new(0),
            pruned: std::sync::Mutex::new(None),
        })
    }

    /// Counts one request of `key`; `Err(wait)` when it is over its quota.
    pub fn check(&self, key: Key, create: bool) -> Result<(), Duration> {
        let key = self.bounded(key);
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

    /// Counts one sign-in attempt from `address` against its strict quota.
    pub fn check_sign_in(&self, address: Option<IpAddr>) -> Result<(), Duration> {
        let key = self.bounded(Key::Address(address));
        self.sign_in
            .check_key(&key)
            .map_err(|e| e.wait_time_from(self.clock.now()))
    }

    /// Prunes idle buckets now and then, and maps new callers past the
    /// bound to the overflow bucket.
    fn bounded(&self, key: Key) -> Key {
        let n = self.checks.fetch_add(1, Ordering::Relaxed);
        let full = self.general.len() >= MAX_KEYS;
        // When full, prune at most once a second: a prune walks every bucket.
        let now = std::time::Instant::now();
        let due = full && {
            let mut last = self.pruned.lock().unwrap_or_else(|e| e.into_inner());
            let due = last.is_none_or(|t| now.duration_since(t) >= Duration::from_secs(1));
            if due {
                *last = Some(now);
            }
            due
        };
        if n.is_multiple_of(PRUNE_EVERY) || due {
            for limiter in [&self.general, &self.create, &self.sign_in] {
                limiter.retain_recent();
                limiter.shrink_to_fit();
            }
        }
        if self.general.len() >= MAX_KEYS {
            Key::Overflow
        } else {
            key
        }
    }
}

/// The `429` answer: the API's error shape and `Retry-After` in seconds.
pub fn too_many(wait: Duration) -> Response {
    let secs = wait.as_secs_f64().ceil().max(1.0) as u64;
    let mut response = ApiError::new(
        crate::error::ErrorCode::RateLimited,
        format!("too many requests; retry in {secs} s"),
    )
    .into_response();
    if let Ok(v) = secs.to_string().parse() {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    response
}

/// Open long-lived streams (`logs?follow`, event streams) per token, capped
/// at `[api] max_streams` each so one client cannot hold every connection.
#[derive(Default)]
pub struct Streams {
    open: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, usize>>>,
}

/// One open stream; the slot is freed when it is dropped (the stream ended
/// or its client went away).
pub struct StreamSlot {
    open: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, usize>>>,
    key: String,
}

impl Streams {
    /// A slot for one more stream of `key`, or `429` past `max`.
    pub fn open(&self, key: &str, max: usize) -> Result<StreamSlot, ApiError> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let count = open.entry(key.to_owned()).or_default();
        if *count >= max {
            return Err(ApiError::new(
                crate::error::ErrorCode::RateLimited,
                format!(
                    "this token already has {max} open streams (logs --follow, events); close one first"
                ),
            ));
        }
        *count += 1;
        Ok(StreamSlot {
            open: self.open.clone(),
            key: key.to_owned(),
        })
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = open.get_mut(&self.key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits::new(&RateLimitConfig::default()).unwrap()
    }

    #[test]
    fn streams_are_capped_per_token_and_freed_when_dropped() {
        let streams = Streams::default();
        let held: Vec<_> = (0..3).map(|_| streams.open("t1", 3).unwrap()).collect();
        assert_eq!(
            streams.open("t1", 3).err().unwrap().status(),
            axum::http::StatusCode::TOO_MANY_REQUESTS
        );
        assert!(streams.open("t2", 3).is_ok(), "another token has its own");
        drop(held);
        assert!(streams.open("t1", 3).is_ok());
    }

    #[test]
    fn distinct_callers_are_bounded() {
        let l = limits();
        for i in 0..(MAX_KEYS as u32 + 5_000) {
            let _ = l.check(Key::Token(format!("junk-{i}")), false);
        }
        assert!(l.general.len() <= MAX_KEYS + 1, "{}", l.general.len());
    }

    #[test]
    fn sign_ins_have_their_own_strict_quota() {
        let l = limits();
        let addr = Some(IpAddr::from([127, 0, 0, 9]));
        let allowed = (0..50).filter(|_| l.check_sign_in(addr).is_ok()).count();
        assert_eq!(allowed, RateLimitConfig::default().sign_in_burst as usize);
        // Another address is not held back by the first.
        assert!(l.check_sign_in(Some(IpAddr::from([127, 0, 0, 10]))).is_ok());
    }
}
