//! Password hashing with Argon2id (the argon2 crate's defaults follow the OWASP recommendation:
//! 19 MiB, 2 passes). Hashing is deliberately slow, so it runs on the blocking thread pool to keep
//! the async workers free, and at most one hash per core runs at once: the rest wait as cheap
//! futures, so a burst of logins cannot pin 19 MiB and a thread each, nor starve the workers
//! that answer everything else (a waiting hash whose request is abandoned never runs).

use std::{num::NonZeroUsize, sync::LazyLock};

use argon2::{
    Argon2, PasswordHash, PasswordHasher as _, PasswordVerifier as _, password_hash::SaltString,
};

use tokio::sync::Semaphore;

use crate::error::{AppError, AppResult};

/// One permit per core.
static HASHING: LazyLock<Semaphore> = LazyLock::new(|| {
    Semaphore::new(std::thread::available_parallelism().map_or(2, NonZeroUsize::get))
});

/// Hashes a password into a PHC string.
pub async fn hash(password: String) -> AppResult<String> {
    blocking(move || {
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
pub async fn verify(password: String, phc: String) -> AppResult<bool> {
    blocking(move || {
        let parsed = PasswordHash::new(&phc).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
}

/// A valid hash of a random password, verified against when the e-mail is unknown so that a
/// failed login takes as long whether or not the account exists.
pub const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2vR0Rfyd5zE3+KEVTeM4Z+Y9g8V2N9m3KRq+4M+X3Yk";

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> AppResult<T> {
    let _permit = HASHING
        .acquire()
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(AppError::Internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_verifies_only_the_same_password() {
        let phc = hash("correct horse".into()).await.expect("hash");
        assert!(phc.starts_with("$argon2id$v=19$"), "{phc}");
        assert!(
            verify("correct horse".into(), phc.clone())
                .await
                .expect("verify")
        );
        assert!(!verify("wrong horse".into(), phc).await.expect("verify"));
    }

    #[tokio::test]
    async fn dummy_hash_parses_and_matches_nothing_typed() {
        assert!(!verify("".into(), DUMMY_HASH.into()).await.expect("parses"));
    }
}
