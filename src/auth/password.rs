//! Password hashing with Argon2id (the argon2 crate's defaults follow the OWASP recommendation:
//! 19 MiB, 2 passes).
//!
//! Hashing is deliberately slow and memory-hard, so it is bounded. It runs on a few threads of
//! its own (one per core), never on the async workers that answer everything else, so at most
//! one 19 MiB Argon2 block per core is live at once. The wait for a free thread is a bounded
//! queue: when it is full the request is refused at once with `RATE_LIMITED` and a
//! `Retry-After`, so a burst of logins costs neither memory nor threads. A queued hash whose
//! request has been abandoned is skipped. (That freed blocks go back to the system is the
//! allocator's part: see the binary's `#[global_allocator]`.)

use std::{
    num::NonZeroUsize,
    sync::{
        Arc, Mutex,
        mpsc::{self, SyncSender, TrySendError},
    },
};

use argon2::{
    Argon2, PasswordHash, PasswordHasher as _, PasswordVerifier as _, password_hash::SaltString,
};
use tokio::sync::oneshot;

use crate::error::{AppError, AppResult};

type Job = Box<dyn FnOnce() + Send>;

/// The hashing threads and their queue. Cloning shares them; they stop when the last clone is
/// dropped.
#[derive(Clone, Debug)]
pub struct Hasher {
    queue: SyncSender<Job>,
}

impl Hasher {
    /// `threads` hashing threads (at least one) and room for `queued` hashes waiting for one.
    pub fn new(threads: usize, queued: usize) -> Hasher {
        let (queue, jobs) = mpsc::sync_channel::<Job>(queued);
        let jobs = Arc::new(Mutex::new(jobs));
        for i in 0..threads.max(1) {
            let jobs = Arc::clone(&jobs);
            std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || {
                    loop {
                        // The lock is held only while taking a job, not while running it.
                        let job = jobs
                            .lock()
                            .map_err(drop)
                            .and_then(|q| q.recv().map_err(drop));
                        match job {
                            Ok(job) => job(),
                            Err(()) => break,
                        }
                    }
                })
                .expect("spawning a hashing thread");
        }
        Hasher { queue }
    }

    /// One thread per core and 16 waiting hashes per thread.
    pub fn for_this_machine() -> Hasher {
        let cores = std::thread::available_parallelism().map_or(2, NonZeroUsize::get);
        Hasher::new(cores, cores * 16)
    }

    /// Hashes a password into a PHC string.
    pub async fn hash(&self, password: String) -> AppResult<String> {
        self.run(move || {
            let mut salt = [0u8; 16];
            getrandom::fill(&mut salt).map_err(|e| anyhow::anyhow!("random source failed: {e}"))?;
            let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
            Argon2::default()
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| anyhow::anyhow!("argon2: {e}"))
        })
        .await
    }

    /// Checks a password against a PHC string.
    pub async fn verify(&self, password: String, phc: String) -> AppResult<bool> {
        self.run(move || {
            let parsed =
                PasswordHash::new(&phc).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
            Ok(Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok())
        })
        .await
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
    ) -> AppResult<T> {
        let (done, answer) = oneshot::channel();
        let job: Job = Box::new(move || {
            if !done.is_closed() {
                let _ = done.send(f());
            }
        });
        self.queue.try_send(job).map_err(|e| match e {
            TrySendError::Full(_) => AppError::Busy {
                what: "password checks",
                retry_after_secs: 1,
            },
            TrySendError::Disconnected(_) => {
                AppError::Internal(anyhow::anyhow!("the hashing threads have stopped"))
            }
        })?;
        answer
            .await
            .map_err(|_| AppError::Internal(anyhow::anyhow!("a hashing thread panicked")))?
            .map_err(AppError::Internal)
    }
}

/// A valid hash of a random password, verified against when the e-mail is unknown so that a
/// failed login takes as long whether or not the account exists.
pub const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2vR0Rfyd5zE3+KEVTeM4Z+Y9g8V2N9m3KRq+4M+X3Yk";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_verifies_only_the_same_password() {
        let hasher = Hasher::new(1, 1);
        let phc = hasher.hash("correct horse".into()).await.expect("hash");
        assert!(phc.starts_with("$argon2id$v=19$"), "{phc}");
        assert!(
            hasher
                .verify("correct horse".into(), phc.clone())
                .await
                .expect("verify")
        );
        assert!(
            !hasher
                .verify("wrong horse".into(), phc)
                .await
                .expect("verify")
        );
    }

    #[tokio::test]
    async fn dummy_hash_parses_and_matches_nothing_typed() {
        let hasher = Hasher::new(1, 1);
        assert!(
            !hasher
                .verify("".into(), DUMMY_HASH.into())
                .await
                .expect("parses")
        );
    }

    #[tokio::test]
    async fn a_full_queue_refuses_at_once() {
        // While the only thread is held busy, one hash waits in the queue's one place and a
        // third is refused without waiting.
        let hasher = Hasher::new(1, 1);
        let (started, release) = (
            Arc::new(std::sync::Barrier::new(2)),
            Arc::new(std::sync::Barrier::new(2)),
        );
        let (s, r) = (started.clone(), release.clone());
        let busy = tokio::spawn({
            let hasher = hasher.clone();
            async move {
                hasher
                    .run(move || {
                        s.wait();
                        r.wait();
                        Ok(())
                    })
                    .await
            }
        });
        tokio::task::spawn_blocking(move || started.wait())
            .await
            .expect("started");
        // Polled once, the second hash takes the one place in the queue.
        let waiting = hasher.hash("queued".into());
        tokio::pin!(waiting);
        assert!(
            tokio::time::timeout(std::time::Duration::ZERO, &mut waiting)
                .await
                .is_err()
        );
        let refused = hasher.hash("third".into()).await;
        assert!(matches!(refused, Err(AppError::Busy { .. })), "{refused:?}");
        tokio::task::spawn_blocking(move || release.wait())
            .await
            .expect("released");
        busy.await.expect("joined").expect("ran");
        assert!(waiting.await.is_ok());
    }
}
