//! Accounts and sign-ins: registration, sign-in, refresh-token rotation, sign-out, and the
//! bootstrap of the first platform admin.
//!
//! A sign-in is a short-lived access token (JWT, stateless) plus a long-lived refresh token
//! (random, stored only as a SHA-256 hash). Each refresh uses the token up and issues a new one in
//! the same family; presenting a used token again means it was stolen or replayed, so the whole
//! family is revoked (OAuth 2.0 Security BCP, refresh-token rotation).

use chrono::{DateTime, Utc};
use entity::{refresh_token, user_account};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, ConnectionTrait, DatabaseConnection,
    EntityTrait as _, QueryFilter as _, sea_query::Expr,
};
use sha2::{Digest as _, Sha256};

use super::text::{self, Shape};
use crate::{
    auth::{
        jwt::JwtKeys,
        password::{self, Hasher},
        random_token,
    },
    db,
    error::{AppError, AppResult},
};

/// Shortest password accepted (NIST SP 800-63B).
pub const PASSWORD_MIN: usize = 8;
/// Longest password accepted; bounds the hashing work an attacker can ask for.
pub const PASSWORD_MAX: usize = 128;

/// A sign-in handed to the client.
#[derive(Debug, Clone)]
pub struct SignIn {
    /// The user.
    pub user: user_account::Model,
    /// Bearer token for API calls.
    pub access_token: String,
    /// When the access token expires.
    pub access_expires_at: DateTime<Utc>,
    /// Token to obtain the next sign-in with `refreshToken`.
    pub refresh_token: String,
    /// When the refresh token expires.
    pub refresh_expires_at: DateTime<Utc>,
}

/// Token settings the account functions need.
#[derive(Debug)]
pub struct TokenConfig {
    /// Access-token keys.
    pub jwt: std::sync::Arc<JwtKeys>,
    /// Refresh-token lifetime.
    pub refresh_ttl: chrono::Duration,
}

/// Normalises and checks an e-mail address (shape only; ownership is not verified here).
pub fn normalize_email(email: &str) -> AppResult<String> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= 254
        && !email.contains(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        });
    if valid {
        Ok(email)
    } else {
        Err(AppError::invalid("email", "not a valid e-mail address"))
    }
}

fn check_password(password: &str) -> AppResult<()> {
    let n = password.chars().count();
    if (PASSWORD_MIN..=PASSWORD_MAX).contains(&n) {
        Ok(())
    } else {
        Err(AppError::invalid(
            "password",
            format!("a password has {PASSWORD_MIN} to {PASSWORD_MAX} characters"),
        ))
    }
}

fn check_display_name(name: &str) -> AppResult<String> {
    text::clean("displayName", name, 100, Shape::Line)?
        .ok_or_else(|| AppError::invalid("displayName", "a display name has 1 to 100 characters"))
}

fn duplicate_email(err: sea_orm::DbErr) -> AppError {
    AppError::on_unique(
        err,
        "user_account_email_key",
        "user_account.email",
        AppError::invalid("email", "an account with this e-mail already exists"),
    )
}

/// Creates an account and signs it in.
pub async fn register(
    db: &DatabaseConnection,
    tokens: &TokenConfig,
    passwords: &Hasher,
    email: &str,
    password: String,
    display_name: &str,
) -> AppResult<SignIn> {
    let email = normalize_email(email)?;
    let user = create_user(db, passwords, email, password, display_name, false).await?;
    tracing::info!(user_id = user.id, "account registered");
    start_sign_in(db, tokens, user, random_token::<32>()?).await
}

/// Checks the password and display name and inserts the account; the unique index settles a
/// race between two registrations of one e-mail.
async fn create_user(
    db: &DatabaseConnection,
    passwords: &Hasher,
    email: String,
    password: String,
    display_name: &str,
    is_platform_admin: bool,
) -> AppResult<user_account::Model> {
    check_password(&password)?;
    let display_name = check_display_name(display_name)?;
    let hash = passwords.hash(password).await?;
    let now = Utc::now();
    user_account::ActiveModel {
        email: Set(email),
        password_hash: Set(hash),
        display_name: Set(display_name),
        is_platform_admin: Set(is_platform_admin),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(duplicate_email)
}

/// Signs in with e-mail and password.
pub async fn login(
    db: &DatabaseConnection,
    tokens: &TokenConfig,
    passwords: &Hasher,
    email: &str,
    password: String,
) -> AppResult<SignIn> {
    const REFUSED: AppError = AppError::Unauthenticated("wrong e-mail or password");
    let user = user_account::Entity::find()
        .filter(user_account::Column::Email.eq(email.trim().to_lowercase()))
        .one(db)
        .await?;
    // Verify against a dummy hash for unknown e-mails so both failures take equally long.
    let stored = user
        .as_ref()
        .map_or(password::DUMMY_HASH.to_owned(), |u| u.password_hash.clone());
    let matches = passwords.verify(password, stored).await?;
    match user {
        Some(user) if matches && user.deactivated_at.is_some() => {
            Err(AppError::Unauthenticated("the account is deactivated"))
        }
        Some(user) if matches => start_sign_in(db, tokens, user, random_token::<32>()?).await,
        _ => Err(REFUSED),
    }
}

/// Exchanges a refresh token for a new sign-in; the presented token stops working.
pub async fn refresh(
    db: &DatabaseConnection,
    tokens: &TokenConfig,
    presented: &str,
) -> AppResult<SignIn> {
    let now = Utc::now();
    let txn = db::begin_write(db).await?;
    let row = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(hash_token(presented)))
        .one(&txn)
        .await?
        .ok_or(AppError::Unauthenticated("unknown refresh token"))?;
    if row.revoked_at.is_some() || row.expires_at <= now {
        return Err(AppError::Unauthenticated(
            "the refresh token has expired or was revoked",
        ));
    }
    if row.used_at.is_some() {
        let revoked = revoke_family(&txn, &row.family_id, now).await?;
        txn.commit().await?;
        tracing::warn!(
            user_id = row.user_id,
            revoked,
            "refresh token reused; session family revoked"
        );
        return Err(AppError::Unauthenticated(
            "the refresh token was already used; sign in again",
        ));
    }
    // Conditional on still being unused, so of two concurrent refreshes exactly one wins.
    let claimed = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::UsedAt, Expr::value(now))
        .filter(refresh_token::Column::Id.eq(row.id))
        .filter(refresh_token::Column::UsedAt.is_null())
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(AppError::Unauthenticated(
            "the refresh token was already used; sign in again",
        ));
    }
    let user = user_account::Entity::find_by_id(row.user_id)
        .one(&txn)
        .await?
        .filter(|u| u.deactivated_at.is_none())
        .ok_or(AppError::Unauthenticated(
            "the account no longer exists or is deactivated",
        ))?;
    let sign_in = start_sign_in(&txn, tokens, user, row.family_id).await?;
    txn.commit().await?;
    Ok(sign_in)
}

/// Revokes the sign-in the refresh token belongs to, or every sign-in of its user; returns how
/// many live refresh tokens were revoked (0 when already signed out). Used tokens are dead
/// already and are left as they are.
pub async fn logout(
    db: &DatabaseConnection,
    presented: &str,
    all_sessions: bool,
) -> AppResult<u64> {
    let now = Utc::now();
    let row = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(hash_token(presented)))
        .one(db)
        .await?
        .ok_or(AppError::Unauthenticated("unknown refresh token"))?;
    let mut update = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .filter(refresh_token::Column::UsedAt.is_null());
    update = if all_sessions {
        update.filter(refresh_token::Column::UserId.eq(row.user_id))
    } else {
        update.filter(refresh_token::Column::FamilyId.eq(row.family_id))
    };
    Ok(update.exec(db).await?.rows_affected)
}

/// Deactivates an account (platform admins; not their own) or reactivates it. A deactivated
/// account's access tokens are refused from its next request on (each signed-in request reads
/// the account) and every refresh token is revoked, so all its sign-ins end at once.
pub async fn set_active(
    db: &DatabaseConnection,
    access: &crate::domain::access::Access,
    user_id: i64,
    active: bool,
) -> AppResult<user_account::Model> {
    access.require_platform_admin()?;
    if access.user_id()? == user_id && !active {
        return Err(AppError::invalid(
            "userId",
            "an administrator cannot deactivate their own account",
        ));
    }
    let now = Utc::now();
    let txn = db::begin_write(db).await?;
    let user = user_account::Entity::find_by_id(user_id)
        .one(&txn)
        .await?
        .ok_or(AppError::not_found("userId", "user"))?;
    let mut row: user_account::ActiveModel = user.into();
    row.deactivated_at = Set((!active).then_some(now));
    row.updated_at = Set(now);
    let user = row.update(&txn).await?;
    if !active {
        refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
            .filter(refresh_token::Column::UserId.eq(user_id))
            .filter(refresh_token::Column::RevokedAt.is_null())
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    tracing::info!(user_id, active, "account activation changed");
    Ok(user)
}

/// Creates the first platform admin, or promotes an existing account; for the `create-admin`
/// command, which runs without a server. Returns the user and whether it was created.
pub async fn bootstrap_admin(
    db: &DatabaseConnection,
    email: &str,
    password: String,
    display_name: &str,
) -> AppResult<(user_account::Model, bool)> {
    let email = normalize_email(email)?;
    if let Some(existing) = user_account::Entity::find()
        .filter(user_account::Column::Email.eq(&email))
        .one(db)
        .await?
    {
        let mut row: user_account::ActiveModel = existing.into();
        row.is_platform_admin = Set(true);
        row.updated_at = Set(Utc::now());
        return Ok((row.update(db).await?, false));
    }
    Ok((
        create_user(db, &Hasher::new(1, 1), email, password, display_name, true).await?,
        true,
    ))
}

async fn start_sign_in(
    db: &impl ConnectionTrait,
    tokens: &TokenConfig,
    user: user_account::Model,
    family_id: String,
) -> AppResult<SignIn> {
    let (access_token, access_expires_at) = tokens.jwt.issue(user.id)?;
    let refresh_token = random_token::<32>()?;
    let now = Utc::now();
    let refresh_expires_at = now + tokens.refresh_ttl;
    refresh_token::ActiveModel {
        user_id: Set(user.id),
        token_hash: Set(hash_token(&refresh_token)),
        family_id: Set(family_id),
        expires_at: Set(refresh_expires_at),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(SignIn {
        user,
        access_token,
        access_expires_at,
        refresh_token,
        refresh_expires_at,
    })
}

async fn revoke_family(
    db: &impl ConnectionTrait,
    family_id: &str,
    now: DateTime<Utc>,
) -> AppResult<u64> {
    Ok(refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
        .filter(refresh_token::Column::FamilyId.eq(family_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}

fn hash_token(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            normalize_email("  Aigerim@Example.KZ ").expect("valid"),
            "aigerim@example.kz"
        );
        for bad in [
            "", "no-at.kz", "@x.kz", "a@b", "a b@c.kz", "a@.kz", "a@b@c.kz",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn token_hash_is_sha256_hex() {
        assert_eq!(
            hash_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
