//! Account mutations.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};

use super::types::{AuthPayload, User};
use crate::{
    domain::accounts,
    graphql::{
        access,
        ids::{NodeType, decode_as},
        services,
    },
};

/// An account to deactivate or reactivate.
#[derive(Debug, InputObject)]
pub struct SetAccountActiveInput {
    /// The account.
    pub user_id: ID,
    /// `false` deactivates it (its sign-ins end at once), `true` reactivates it.
    pub active: bool,
}

/// The result of `setAccountActive`.
#[derive(SimpleObject)]
pub struct SetAccountActivePayload {
    /// The account as it is now.
    pub user: User,
}

/// A new account.
#[derive(Debug, InputObject)]
pub struct RegisterInput {
    /// E-mail to sign in with.
    pub email: String,
    /// 8 to 128 characters.
    #[graphql(secret)]
    pub password: String,
    /// Name shown to others (1 to 100 characters).
    pub display_name: String,
}

/// Credentials.
#[derive(Debug, InputObject)]
pub struct LoginInput {
    /// The account's e-mail.
    pub email: String,
    /// The account's password.
    #[graphql(secret)]
    pub password: String,
}

/// A refresh token to exchange.
#[derive(Debug, InputObject)]
pub struct RefreshTokenInput {
    /// The `refreshToken` of the current sign-in; it stops working once exchanged.
    #[graphql(secret)]
    pub refresh_token: String,
}

/// A sign-in to end.
#[derive(Debug, InputObject)]
pub struct LogoutInput {
    /// The `refreshToken` of the sign-in to end.
    #[graphql(secret)]
    pub refresh_token: String,
    /// End every sign-in of the account, on all devices.
    #[graphql(default)]
    pub all_sessions: bool,
}

/// The result of `logout`.
#[derive(SimpleObject)]
pub struct LogoutPayload {
    /// How many refresh tokens were revoked (0 when the sign-in had already ended). Access
    /// tokens already issued stay valid until they expire (at most 15 minutes by default).
    pub revoked_tokens: u64,
}

/// Account mutations.
#[derive(Default)]
pub struct AccountMutation;

#[Object]
impl AccountMutation {
    /// Creates an account and signs it in.
    async fn register(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new account: e-mail, password and display name.")]
        input: RegisterInput,
    ) -> Result<AuthPayload> {
        let services = services(ctx)?;
        let sign_in = accounts::register(
            &services.db,
            &services.tokens,
            &services.passwords,
            &input.email,
            input.password,
            &input.display_name,
        )
        .await?;
        Ok(sign_in.into())
    }

    /// Signs in with e-mail and password.
    async fn login(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The e-mail and password to sign in with.")] input: LoginInput,
    ) -> Result<AuthPayload> {
        let services = services(ctx)?;
        Ok(accounts::login(
            &services.db,
            &services.tokens,
            &services.passwords,
            &input.email,
            input.password,
        )
        .await?
        .into())
    }

    /// Exchanges a refresh token for a new sign-in. Each refresh token works once; presenting a
    /// used one again ends the whole sign-in (every token descended from the first).
    async fn refresh_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The refresh token to exchange.")] input: RefreshTokenInput,
    ) -> Result<AuthPayload> {
        let services = services(ctx)?;
        Ok(
            accounts::refresh(&services.db, &services.tokens, &input.refresh_token)
                .await?
                .into(),
        )
    }

    /// Ends a sign-in (or all of the account's sign-ins).
    async fn logout(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The refresh token of the sign-in to end, or of every sign-in of its account."
        )]
        input: LogoutInput,
    ) -> Result<LogoutPayload> {
        let revoked =
            accounts::logout(&services(ctx)?.db, &input.refresh_token, input.all_sessions).await?;
        Ok(LogoutPayload {
            revoked_tokens: revoked,
        })
    }

    /// Deactivates or reactivates an account. Platform admins only, and not their own. A
    /// deactivated account cannot sign in, its refresh tokens are revoked, and its access
    /// tokens are refused with 401 from its next request on.
    async fn set_account_active(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account and whether it may sign in.")] input: SetAccountActiveInput,
    ) -> Result<SetAccountActivePayload> {
        let user_id = decode_as(&input.user_id, NodeType::User, "userId")?;
        let user = accounts::set_active(
            &services(ctx)?.db,
            &*access(ctx).await?,
            user_id,
            input.active,
        )
        .await?;
        Ok(SetAccountActivePayload { user: User(user) })
    }
}
