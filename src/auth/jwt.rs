//! Access tokens: short-lived HS256 JWTs carrying `iss`, `aud`, `exp`, `nbf`, `iat` and `sub`, with
//! a `kid` header naming the key. Exactly one algorithm is accepted, so `alg: none` and algorithm
//! confusion are refused by construction.

use std::{collections::HashMap, path::Path};

use anyhow::{Context as _, bail};
use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::{ExposeSecret as _, SecretString};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};

/// Secrets shorter than this are refused at start-up: HS256 needs at least 256 bits of key.
pub const MIN_SECRET_BYTES: usize = 32;
/// Clock skew tolerated on `exp` and `nbf`.
pub const LEEWAY_SECS: u64 = 30;
const ALGORITHM: Algorithm = Algorithm::HS256;

/// Token settings, assembled by `config`.
#[derive(Debug, Clone)]
pub struct JwtSettings {
    /// The signing secret, if configured; see [`signing_secret`] for the generated development
    /// key.
    pub secret: Option<SecretString>,
    /// `kid` header of tokens signed with `secret`.
    pub key_id: String,
    /// Retired keys, by `kid`, accepted for verification only.
    pub previous_keys: Vec<(String, SecretString)>,
    /// `iss` claim issued and required.
    pub issuer: String,
    /// `aud` claim issued and required.
    pub audience: String,
    /// Access-token lifetime.
    pub access_ttl: std::time::Duration,
    /// Refresh-token lifetime.
    pub refresh_ttl: std::time::Duration,
}

/// The claims of an access token.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    /// The user's id.
    pub sub: String,
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// Expiry, seconds since the epoch.
    pub exp: i64,
    /// Not valid before, seconds since the epoch.
    pub nbf: i64,
    /// Issued at, seconds since the epoch.
    pub iat: i64,
}

/// Signs and verifies access tokens.
pub struct JwtKeys {
    kid: String,
    encoding: EncodingKey,
    /// Verification keys by `kid`: the current key and any retired ones still accepted.
    decoding: HashMap<String, DecodingKey>,
    validation: Validation,
    issuer: String,
    audience: String,
    ttl: chrono::Duration,
}

impl std::fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtKeys")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl JwtKeys {
    /// Builds the keys from settings and the signing secret (already checked for length).
    pub fn new(settings: &JwtSettings, secret: &SecretString) -> anyhow::Result<Self> {
        let bytes = secret.expose_secret().as_bytes();
        if bytes.len() < MIN_SECRET_BYTES {
            bail!("the JWT secret must be at least {MIN_SECRET_BYTES} bytes long");
        }
        let mut validation = Validation::new(ALGORITHM);
        validation.leeway = LEEWAY_SECS;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.set_issuer(&[&settings.issuer]);
        validation.set_audience(&[&settings.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        let mut decoding =
            HashMap::from([(settings.key_id.clone(), DecodingKey::from_secret(bytes))]);
        for (kid, previous) in &settings.previous_keys {
            decoding.insert(
                kid.clone(),
                DecodingKey::from_secret(previous.expose_secret().as_bytes()),
            );
        }
        Ok(Self {
            kid: settings.key_id.clone(),
            encoding: EncodingKey::from_secret(bytes),
            decoding,
            validation,
            issuer: settings.issuer.clone(),
            audience: settings.audience.clone(),
            ttl: chrono::Duration::from_std(settings.access_ttl)
                .context("access-token lifetime out of range")?,
        })
    }

    /// Issues an access token for `user_id`; returns it with its expiry.
    pub fn issue(&self, user_id: i64) -> AppResult<(String, DateTime<Utc>)> {
        let now = Utc::now();
        let expires_at = now + self.ttl;
        let claims = Claims {
            sub: user_id.to_string(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            exp: expires_at.timestamp(),
            nbf: now.timestamp(),
            iat: now.timestamp(),
        };
        let mut header = Header::new(ALGORITHM);
        header.kid = Some(self.kid.clone());
        let token = jsonwebtoken::encode(&header, &claims, &self.encoding)
            .map_err(|e| AppError::Internal(e.into()))?;
        Ok((token, expires_at))
    }

    /// Verifies a token and returns the user id it was issued for.
    pub fn verify(&self, token: &str) -> AppResult<i64> {
        self.verify_until(token).map(|(user, _)| user)
    }

    /// Verifies a token and returns the user id it was issued for and when it expires (a
    /// subscription ends then).
    pub fn verify_until(&self, token: &str) -> AppResult<(i64, DateTime<Utc>)> {
        const INVALID: AppError = AppError::Unauthenticated("invalid or expired access token");
        let header = jsonwebtoken::decode_header(token).map_err(|_| INVALID)?;
        // Headers that point at other keys (jku, x5u, jwk, x5c) are an attack surface Kopir never
        // uses; `crit` names extensions a verifier must understand, and Kopir understands none.
        if header.jku.is_some()
            || header.x5u.is_some()
            || header.jwk.is_some()
            || header.x5c.is_some()
            || header.crit.is_some()
        {
            return Err(INVALID);
        }
        let key = header
            .kid
            .as_deref()
            .and_then(|kid| self.decoding.get(kid))
            .ok_or(INVALID)?;
        let data = jsonwebtoken::decode::<Claims>(token, key, &self.validation).map_err(|e| {
            tracing::debug!(error = %e, "access token refused");
            INVALID
        })?;
        let user = data.claims.sub.parse().map_err(|_| INVALID)?;
        let expires = DateTime::from_timestamp(data.claims.exp, 0).ok_or(INVALID)?;
        Ok((user, expires))
    }
}

/// The signing secret: the configured one, or, for an SQLite file with none configured, a key
/// generated on first start and kept beside the database file (so the first run needs no set-up
/// and tokens survive restarts). PostgreSQL deployments run several replicas that must share
/// one key, so there a key must be configured.
/// `sqlite` says whether the database is SQLite, and `sqlite_file` names its file (`None` for an
/// in-memory database).
pub fn signing_secret(
    settings: &JwtSettings,
    sqlite: bool,
    sqlite_file: Option<&Path>,
) -> anyhow::Result<SecretString> {
    if let Some(secret) = &settings.secret {
        return Ok(secret.clone());
    }
    if !sqlite {
        bail!("no JWT secret configured: set KOPIR_JWT_SECRET (at least {MIN_SECRET_BYTES} bytes)");
    }
    match sqlite_file {
        Some(db_path) => {
            let mut key_path = db_path.as_os_str().to_owned();
            key_path.push(".jwt-key");
            load_or_create_key(Path::new(&key_path))
        }
        None => {
            tracing::warn!(
                "no JWT secret configured; using a random one for this in-memory database"
            );
            Ok(random_secret())
        }
    }
}

fn random_secret() -> SecretString {
    #[expect(
        clippy::expect_used,
        reason = "start-up only; no randomness means no safe keys"
    )]
    let secret =
        crate::auth::random_token::<48>().expect("the operating system's random source failed");
    SecretString::from(secret)
}

fn load_or_create_key(path: &Path) -> anyhow::Result<SecretString> {
    if path.exists() {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the JWT key file {}", path.display()))?;
        let secret = text.trim().to_owned();
        if secret.len() < MIN_SECRET_BYTES {
            bail!(
                "the JWT key file {} holds fewer than {MIN_SECRET_BYTES} bytes",
                path.display()
            );
        }
        return Ok(SecretString::from(secret));
    }
    let secret = random_secret();
    write_private(path, secret.expose_secret())
        .with_context(|| format!("cannot write the JWT key file {}", path.display()))?;
    tracing::warn!(
        path = %path.display(),
        "no JWT secret configured: generated a signing key and saved it beside the database; \
         set KOPIR_JWT_SECRET in production"
    );
    Ok(secret)
}

fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    options.open(path)?.write_all(contents.as_bytes())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn settings() -> JwtSettings {
        JwtSettings {
            secret: None,
            key_id: "k1".into(),
            previous_keys: Vec::new(),
            issuer: "kopir".into(),
            audience: "kopir-api".into(),
            access_ttl: Duration::from_secs(900),
            refresh_ttl: Duration::from_secs(3600),
        }
    }

    #[test]
    fn issued_tokens_verify_and_carry_kid() {
        let keys = JwtKeys::new(&settings(), &SecretString::from("a".repeat(32))).expect("keys");
        let (token, exp) = keys.issue(42).expect("token");
        assert_eq!(keys.verify(&token).expect("valid"), 42);
        assert_eq!(
            jsonwebtoken::decode_header(&token)
                .expect("header")
                .kid
                .as_deref(),
            Some("k1")
        );
        let ttl = exp - Utc::now();
        assert!(ttl <= chrono::Duration::seconds(900) && ttl > chrono::Duration::seconds(890));
    }

    #[test]
    fn other_keys_and_short_secrets_are_refused() {
        let keys = JwtKeys::new(&settings(), &SecretString::from("a".repeat(32))).expect("keys");
        let other = JwtKeys::new(&settings(), &SecretString::from("b".repeat(32))).expect("keys");
        let (token, _) = other.issue(1).expect("token");
        assert!(matches!(
            keys.verify(&token),
            Err(AppError::Unauthenticated(_))
        ));
        assert!(JwtKeys::new(&settings(), &SecretString::from("a".repeat(31))).is_err());
    }

    #[test]
    fn generated_key_is_kept_and_reused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("kopir.db.jwt-key");
        let first = load_or_create_key(&path).expect("created");
        let second = load_or_create_key(&path).expect("loaded");
        assert_eq!(first.expose_secret(), second.expose_secret());
        assert!(first.expose_secret().len() >= MIN_SECRET_BYTES);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path)
                .expect("metadata")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
