//! Per-subject and per-IP rate limits (GCRA token buckets from `governor`), checked before a
//! GraphQL request runs. A refused request costs one hash-map lookup and does nothing else.

use std::{net::IpAddr, num::NonZeroU32, time::Duration};

use governor::{
    DefaultKeyedRateLimiter, Quota, RateLimiter,
    clock::{Clock as _, DefaultClock},
};

use crate::auth::Viewer;

/// Requests per minute allowed to one subject and to one IP address; bursts of up to a tenth of
/// a minute's allowance are let through at once.
#[derive(Debug, Clone, Copy)]
pub struct RateLimitSettings {
    /// Per signed-in user.
    pub per_subject_per_minute: u32,
    /// Per client IP address (all its users and anonymous callers together). Higher than the
    /// per-subject limit because a university or company network often shares one address.
    pub per_ip_per_minute: u32,
}

/// The limiters of one process. Replicas limit independently, so the effective limit behind a
/// load balancer is the configured one times the replica count.
pub struct RateLimits {
    per_subject: DefaultKeyedRateLimiter<i64>,
    per_ip: DefaultKeyedRateLimiter<IpAddr>,
    clock: DefaultClock,
}

impl std::fmt::Debug for RateLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimits").finish_non_exhaustive()
    }
}

fn quota(per_minute: u32) -> Quota {
    let per_minute = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(per_minute.get() / 10).unwrap_or(NonZeroU32::MIN);
    Quota::per_minute(per_minute).allow_burst(burst)
}

impl RateLimits {
    /// Limiters for `settings`.
    pub fn new(settings: RateLimitSettings) -> Self {
        Self {
            per_subject: RateLimiter::keyed(quota(settings.per_subject_per_minute)),
            per_ip: RateLimiter::keyed(quota(settings.per_ip_per_minute)),
            clock: DefaultClock::default(),
        }
    }

    /// Takes one request from the caller's buckets, or says how long to wait.
    pub fn check(&self, viewer: Viewer, ip: IpAddr) -> Result<(), Duration> {
        let now = self.clock.now();
        if let Viewer::User(id) = viewer {
            self.per_subject
                .check_key(&id)
                .map_err(|denied| denied.wait_time_from(now))?;
        }
        self.per_ip
            .check_key(&ip)
            .map_err(|denied| denied.wait_time_from(now))
    }

    /// Forgets buckets that have refilled, so memory follows recent callers only.
    pub fn forget_idle(&self) {
        self.per_subject.retain_recent();
        self.per_ip.retain_recent();
        self.per_subject.shrink_to_fit();
        self.per_ip.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_pass_then_callers_wait_independently() {
        let limits = RateLimits::new(RateLimitSettings {
            per_subject_per_minute: 60,
            per_ip_per_minute: 600,
        });
        let ip: IpAddr = [10, 0, 0, 1].into();
        for _ in 0..6 {
            assert!(
                limits.check(Viewer::User(1), ip).is_ok(),
                "a burst of 6 passes"
            );
        }
        let wait = limits
            .check(Viewer::User(1), ip)
            .expect_err("the 7th waits");
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(1),
            "{wait:?}"
        );
        assert!(
            limits.check(Viewer::User(2), ip).is_ok(),
            "another user is unaffected"
        );
        assert!(
            limits.check(Viewer::Anonymous, ip).is_ok(),
            "anonymous callers count per IP only"
        );
    }
}
