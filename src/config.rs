//! Settings, loaded once at start-up: flags, then `KOPIR_*` environment variables, then an
//! optional TOML config file, then defaults. This module only assembles: each settings struct
//! belongs to the module it configures ([`JwtSettings`], [`RateLimitSettings`], [`Weights`],
//! and [`Settings`] for the service as a whole), and none of them imports this one.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use anyhow::{Context as _, bail};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

pub use crate::app::Settings;
use crate::{
    app::rate_limit::RateLimitSettings,
    auth::jwt::{JwtSettings, MIN_SECRET_BYTES},
    domain::{matching::Weights, outcomes::MeetingRules},
};

/// Default SQLite database, in the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://kopir.db";

/// One layer of settings: every field optional so layers can be stacked. The same struct is read
/// from the command line (with its environment fallbacks) and from the config file.
#[derive(Debug, Default, Clone, clap::Args, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Layer {
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, global = true, env = "KOPIR_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// `sqlite://path` or `postgres://…` [default: sqlite://kopir.db; `DATABASE_URL` is also read].
    #[arg(long, global = true, env = "KOPIR_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Development mode: GraphQL introspection and "did you mean" suggestions on. Off by
    /// default, as fits a service on the open internet.
    #[arg(long, global = true, env = "KOPIR_DEV", num_args = 0..=1, default_missing_value = "true")]
    pub dev: Option<bool>,
    /// Seconds to let in-flight requests finish after SIGTERM before exiting [default: 25,
    /// inside Kubernetes' default 30 s termination grace].
    #[arg(long, global = true, env = "KOPIR_SHUTDOWN_GRACE_SECS")]
    pub shutdown_grace_secs: Option<u64>,
    /// Seconds a GraphQL request may run before it is abandoned [default: 30].
    #[arg(long, global = true, env = "KOPIR_REQUEST_TIMEOUT_SECS")]
    pub request_timeout_secs: Option<u64>,
    /// GraphQL requests a minute allowed per signed-in user [default: 600].
    #[arg(long, global = true, env = "KOPIR_RATE_LIMIT_PER_USER")]
    pub rate_limit_per_user: Option<u32>,
    /// GraphQL requests a minute allowed per client IP address [default: 3000].
    #[arg(long, global = true, env = "KOPIR_RATE_LIMIT_PER_IP")]
    pub rate_limit_per_ip: Option<u32>,
    /// Largest number of pooled database connections [default: 8 on SQLite, 16 on PostgreSQL].
    #[arg(long, global = true, env = "KOPIR_DB_MAX_CONNECTIONS")]
    pub db_max_connections: Option<u32>,
    /// HMAC secret for access tokens, at least 32 bytes. Prefer the environment variable or the
    /// config file to the flag, which other users of the machine can see.
    #[arg(long, global = true, env = "KOPIR_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// Retired signing keys still accepted for verification during a rotation, as `kid:secret`
    /// (comma-separated; each secret at least 32 bytes). Drop one once tokens signed with it
    /// have expired.
    #[arg(
        long,
        global = true,
        env = "KOPIR_JWT_PREVIOUS_KEYS",
        value_delimiter = ',',
        hide_env_values = true
    )]
    pub jwt_previous_keys: Option<Vec<String>>,
    /// Key id (`kid`) put in tokens signed with the secret [default: k1].
    #[arg(long, global = true, env = "KOPIR_JWT_KEY_ID")]
    pub jwt_key_id: Option<String>,
    /// Token issuer (`iss`) [default: kopir].
    #[arg(long, global = true, env = "KOPIR_JWT_ISSUER")]
    pub jwt_issuer: Option<String>,
    /// Token audience (`aud`) [default: kopir-api].
    #[arg(long, global = true, env = "KOPIR_JWT_AUDIENCE")]
    pub jwt_audience: Option<String>,
    /// Matching factor weights as `name=weight,…` (normalised to sum to 100; unnamed factors
    /// weigh 0) [default: text=35,fields=20,trl=10,budget=8,geography=5,capacity=5,
    /// track_record=5,reciprocity=12].
    #[arg(long, global = true, env = "KOPIR_MATCHING_WEIGHTS")]
    pub matching_weights: Option<String>,
    /// Access-token lifetime in seconds [default: 900].
    #[arg(long, global = true, env = "KOPIR_ACCESS_TOKEN_TTL_SECS")]
    pub access_token_ttl_secs: Option<u64>,
    /// Refresh-token lifetime in seconds [default: 2592000, 30 days].
    #[arg(long, global = true, env = "KOPIR_REFRESH_TOKEN_TTL_SECS")]
    pub refresh_token_ttl_secs: Option<u64>,
    /// Hours after which an unanswered meeting request expires (it expires at its session's
    /// end in any case) [default: 168, 7 days].
    #[arg(long, global = true, env = "KOPIR_MEETING_REQUEST_TTL_HOURS")]
    pub meeting_request_ttl_hours: Option<u32>,
    /// Days after a meeting's slot during which the other party may still contradict one
    /// party's report that it was held; past them, silence confirms it [default: 14].
    #[arg(long, global = true, env = "KOPIR_MEETING_CONFIRMATION_DAYS")]
    pub meeting_confirmation_days: Option<u32>,
    /// Hours events are kept in the outbox; a subscriber resumes with `after:` within them
    /// [default: 168, 7 days].
    #[arg(long, global = true, env = "KOPIR_EVENT_RETENTION_HOURS")]
    pub event_retention_hours: Option<u32>,
    /// Web origins whose pages may call the API from a browser (CORS), as
    /// `https://host[:port]`, comma-separated [default: none; `--dev` also allows any
    /// `localhost` origin].
    #[arg(long, global = true, env = "KOPIR_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Option<Vec<String>>,
    /// A manifest of trusted documents (JSON: hash → document, as GraphQL Code Generator
    /// writes it, or Apollo's persisted query manifest): only those run [default: any].
    #[arg(long, global = true, env = "KOPIR_TRUSTED_DOCUMENTS")]
    pub trusted_documents: Option<PathBuf>,
}

impl Layer {
    /// Fills every unset field of `self` from `lower`. Done generically (a field missing from
    /// TOML is an unset `Option`), so a new setting is a new field and nothing more here.
    fn or(self, lower: Layer) -> anyhow::Result<Layer> {
        let mut merged = toml::Table::try_from(lower).context("settings layer")?;
        merged.extend(toml::Table::try_from(self).context("settings layer")?);
        Ok(merged.try_into()?)
    }
}

/// Stacks the command-line layer over the config file (if any) and the defaults.
pub fn load(cli: Layer, config_file: Option<&PathBuf>) -> anyhow::Result<Settings> {
    let file = match config_file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read config file {}", path.display()))?;
            toml::from_str::<Layer>(&text)
                .with_context(|| format!("invalid config file {}", path.display()))?
        }
        None => Layer::default(),
    };
    // `DATABASE_URL` is the conventional name; it ranks just below `KOPIR_DATABASE_URL`.
    let conventional = Layer {
        database_url: std::env::var("DATABASE_URL").ok().filter(|s| !s.is_empty()),
        ..Layer::default()
    };
    from_layer(cli.or(conventional)?.or(file)?)
}

/// Applies defaults and checks the result.
pub fn from_layer(layer: Layer) -> anyhow::Result<Settings> {
    let database_url = layer
        .database_url
        .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
    let sqlite = database_url.starts_with("sqlite:");
    if !sqlite
        && !database_url.starts_with("postgres://")
        && !database_url.starts_with("postgresql://")
    {
        bail!("unsupported database URL scheme: expected sqlite:// or postgres://");
    }
    let secret = layer.jwt_secret.map(SecretString::from);
    if let Some(secret) = &secret {
        use secrecy::ExposeSecret as _;
        if secret.expose_secret().len() < MIN_SECRET_BYTES {
            bail!(
                "the JWT secret must be at least {} bytes long",
                MIN_SECRET_BYTES
            );
        }
    }
    let key_id = layer.jwt_key_id.unwrap_or_else(|| "k1".to_owned());
    let mut previous_keys = Vec::new();
    for entry in layer.jwt_previous_keys.unwrap_or_default() {
        let Some((kid, secret)) = entry.split_once(':').filter(|(k, _)| !k.is_empty()) else {
            bail!("each previous JWT key is `kid:secret`");
        };
        if secret.len() < MIN_SECRET_BYTES {
            bail!(
                "the previous JWT key {kid:?} must be at least {} bytes long",
                MIN_SECRET_BYTES
            );
        }
        if kid == key_id {
            bail!("the previous JWT key {kid:?} has the current key's id");
        }
        previous_keys.push((kid.to_owned(), SecretString::from(secret.to_owned())));
    }
    let matching_weights = match &layer.matching_weights {
        Some(spec) => Weights::parse(spec).map_err(|e| anyhow::anyhow!("matching weights: {e}"))?,
        None => Weights::default(),
    };
    let defaults = MeetingRules::default();
    let meetings = MeetingRules {
        request_ttl: layer
            .meeting_request_ttl_hours
            .map_or(defaults.request_ttl, |h| {
                chrono::Duration::hours(i64::from(h.max(1)))
            }),
        confirmation: layer
            .meeting_confirmation_days
            .map_or(defaults.confirmation, |d| {
                chrono::Duration::days(i64::from(d))
            }),
    };
    let cors_origins = layer.cors_origins.unwrap_or_default();
    for origin in &cors_origins {
        crate::app::cors::check_origin(origin).map_err(anyhow::Error::msg)?;
    }
    Ok(Settings {
        cors_origins,
        trusted_documents: layer.trusted_documents,
        matching_weights,
        meetings,
        event_retention: layer
            .event_retention_hours
            .map_or(crate::domain::events::DEFAULT_RETENTION, |h| {
                Duration::from_secs(u64::from(h.max(1)) * 3600)
            }),
        listen: layer
            .listen
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080))),
        db_max_connections: layer
            .db_max_connections
            .unwrap_or(if sqlite { 8 } else { 16 }),
        database_url,
        dev: layer.dev.unwrap_or(false),
        shutdown_grace: Duration::from_secs(layer.shutdown_grace_secs.unwrap_or(25)),
        request_timeout: Duration::from_secs(layer.request_timeout_secs.unwrap_or(30).max(1)),
        rate_limits: RateLimitSettings {
            per_subject_per_minute: layer.rate_limit_per_user.unwrap_or(600).max(1),
            per_ip_per_minute: layer.rate_limit_per_ip.unwrap_or(3000).max(1),
        },
        jwt: JwtSettings {
            secret,
            key_id,
            previous_keys,
            issuer: layer.jwt_issuer.unwrap_or_else(|| "kopir".to_owned()),
            audience: layer.jwt_audience.unwrap_or_else(|| "kopir-api".to_owned()),
            access_ttl: Duration::from_secs(layer.access_token_ttl_secs.unwrap_or(15 * 60)),
            refresh_ttl: Duration::from_secs(
                layer.refresh_token_ttl_secs.unwrap_or(30 * 24 * 3600),
            ),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn higher_layers_win_and_defaults_fill_the_rest() {
        let cli = Layer {
            listen: Some("0.0.0.0:9000".parse().expect("address")),
            ..Layer::default()
        };
        let file = Layer {
            listen: Some("127.0.0.1:1".parse().expect("address")),
            jwt_issuer: Some("from-file".into()),
            ..Layer::default()
        };
        let s = from_layer(cli.or(file).expect("layers merge")).expect("valid settings");
        assert_eq!(s.listen.to_string(), "0.0.0.0:9000");
        assert_eq!(s.jwt.issuer, "from-file");
        assert_eq!(s.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(s.db_max_connections, 8);
        assert_eq!(s.sqlite_path(), Some(PathBuf::from("kopir.db")));
        // A value set to "off" or empty in a higher layer still wins.
        let cli = Layer {
            dev: Some(false),
            jwt_previous_keys: Some(Vec::new()),
            ..Layer::default()
        };
        let file = Layer {
            dev: Some(true),
            jwt_previous_keys: Some(vec![format!("k0:{}", "s".repeat(32))]),
            ..Layer::default()
        };
        let merged = cli.or(file).expect("layers merge");
        assert_eq!(merged.dev, Some(false));
        assert_eq!(merged.jwt_previous_keys, Some(Vec::new()));
    }

    #[test]
    fn short_secrets_and_unknown_databases_are_refused() {
        let short = Layer {
            jwt_secret: Some("x".repeat(31)),
            ..Layer::default()
        };
        let err = from_layer(short).expect_err("31-byte secret");
        assert!(err.to_string().contains("at least 32 bytes"), "{err}");
        let ok = Layer {
            jwt_secret: Some("x".repeat(32)),
            ..Layer::default()
        };
        assert!(from_layer(ok).is_ok());
        let mysql = Layer {
            database_url: Some("mysql://localhost/kopir".into()),
            ..Layer::default()
        };
        assert!(from_layer(mysql).is_err());
    }

    #[test]
    fn previous_keys_are_parsed_and_checked() {
        let layer = |keys: &[&str]| Layer {
            jwt_previous_keys: Some(keys.iter().map(|k| (*k).to_owned()).collect()),
            ..Layer::default()
        };
        let s = from_layer(layer(&[&format!("k0:{}", "s".repeat(32))])).expect("valid");
        assert_eq!(s.jwt.previous_keys.len(), 1);
        assert_eq!(s.jwt.previous_keys[0].0, "k0");
        for bad in [
            format!("k0:{}", "s".repeat(31)),
            "no-colon".into(),
            format!(":{}", "s".repeat(32)),
            format!("k1:{}", "s".repeat(32)),
        ] {
            assert!(from_layer(layer(&[&bad])).is_err(), "{bad}");
        }
    }

    #[test]
    fn config_file_keys_match_the_flags() {
        let layer: Layer = toml::from_str(
            "listen = \"127.0.0.1:8081\"\njwt_key_id = \"2026-11\"\naccess_token_ttl_secs = 60\n",
        )
        .expect("valid toml");
        assert_eq!(layer.jwt_key_id.as_deref(), Some("2026-11"));
        assert_eq!(layer.access_token_ttl_secs, Some(60));
        assert!(
            toml::from_str::<Layer>("listn = \"x\"").is_err(),
            "typos are refused"
        );
    }
}
