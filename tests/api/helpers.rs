//! `TestApp`: the real router on a random port over a freshly migrated database (an SQLite file
//! in a temporary directory, or a fresh schema in the PostgreSQL named by
//! `KOPIR_TEST_DATABASE_URL`), with typed helpers for GraphQL calls.

use std::sync::{Arc, Mutex};

use kopir::{
    app::{
        self, App, AppState,
        health::DbHealth,
        rate_limit::{RateLimitSettings, RateLimits},
    },
    auth::password::Hasher,
    config::{self, Layer},
    db,
    domain::{Services, accounts},
    graphql::Mode,
};
use reqwest::StatusCode;
use sea_orm::{DatabaseConnection, DatabaseTransaction};
use serde_json::{Value, json};

/// The signing secret every TestApp uses, so tests can forge tokens with it or with others.
pub const JWT_SECRET: &str = "test-secret-that-is-long-enough-0123456789";
/// A retired key (`kid` `k0`) every TestApp still accepts, as after a rotation.
pub const PREVIOUS_JWT_SECRET: &str = "retired-secret-that-is-long-enough-012345";

/// Which database a test runs on.
#[derive(Debug, Clone)]
pub enum Backend {
    /// A fresh SQLite file.
    Sqlite,
    /// A fresh schema in this PostgreSQL database.
    Postgres(String),
}

impl Backend {
    /// PostgreSQL from `KOPIR_TEST_DATABASE_URL`, or `None` (with a notice) when unset. CI sets
    /// `KOPIR_REQUIRE_POSTGRES=1`, which turns the skip into a failure.
    pub fn postgres(test: &str) -> Option<Backend> {
        match std::env::var("KOPIR_TEST_DATABASE_URL") {
            Ok(url) if !url.is_empty() => Some(Backend::Postgres(url)),
            _ => {
                assert!(
                    std::env::var("KOPIR_REQUIRE_POSTGRES").is_err(),
                    "KOPIR_REQUIRE_POSTGRES is set but KOPIR_TEST_DATABASE_URL is not"
                );
                eprintln!(
                    "SKIPPED postgres::{test}: KOPIR_TEST_DATABASE_URL is not set \
                     (e.g. postgres://postgres@127.0.0.1:5432/test)"
                );
                None
            }
        }
    }
}

/// How a TestApp differs from the shipped settings.
#[derive(Debug, Clone)]
pub struct Options {
    /// Schema mode.
    pub mode: Mode,
    /// Apply only this many migrations (`None`: all).
    pub migration_steps: Option<u32>,
    /// Rate limits; effectively unlimited unless a test sets them.
    pub rate_limits: RateLimitSettings,
    /// How long a GraphQL request may run.
    pub request_timeout: std::time::Duration,
    /// Password-hashing threads and queued hashes (`None`: as shipped for this machine).
    pub password_hashing: Option<(usize, usize)>,
    /// PostgreSQL only: a table a transaction of the test's own holds locked (`ACCESS
    /// EXCLUSIVE`) from before the service starts until [`TestApp::release_lock`], so the
    /// start-up build of the matching index waits. Without it, `spawn` returns once the index
    /// is built.
    pub locked_table: Option<&'static str>,
    /// Web origins allowed to call from a browser (`--cors-origins`).
    pub cors_origins: Vec<String>,
    /// Only these documents run (`--trusted-documents`).
    pub trusted_documents: Option<kopir::graphql::documents::TrustedDocuments>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            mode: Mode::Production,
            migration_steps: None,
            rate_limits: RateLimitSettings {
                per_subject_per_minute: u32::MAX,
                per_ip_per_minute: u32::MAX,
            },
            request_timeout: std::time::Duration::from_secs(30),
            password_hashing: None,
            locked_table: None,
            cors_origins: Vec::new(),
            trusted_documents: None,
        }
    }
}

/// A running Kopir.
pub struct TestApp {
    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub base: String,
    /// The database URL and PostgreSQL schema, for [`TestApp::replica`].
    url: String,
    schema: Option<String>,
    /// HTTP client.
    pub client: reqwest::Client,
    /// The service's own pool (for assertions made directly in SQL).
    pub db: DatabaseConnection,
    /// Every SQL statement the service ran since the last [`TestApp::take_statements`].
    statements: Arc<Mutex<Vec<String>>>,
    /// The transaction holding [`Options::locked_table`].
    lock: Option<DatabaseTransaction>,
    /// The service's shared services (to look at its matching index).
    pub services: Arc<Services>,
    _dir: tempfile::TempDir,
}

/// A GraphQL response: HTTP status and JSON body.
#[derive(Debug)]
pub struct Reply {
    /// HTTP status.
    pub status: StatusCode,
    /// The body.
    pub body: Value,
}

impl Reply {
    /// `data` at a JSON pointer, failing the test on errors.
    pub fn data(&self, pointer: &str) -> &Value {
        assert!(
            self.body.get("errors").is_none(),
            "unexpected errors: {:#}",
            self.body
        );
        self.body
            .pointer(&format!("/data{pointer}"))
            .unwrap_or_else(|| panic!("no data at {pointer}: {:#}", self.body))
    }

    /// The `extensions.code` of the only error.
    pub fn error_code(&self) -> &str {
        let errors = self.body["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("expected an error: {:#}", self.body));
        assert_eq!(errors.len(), 1, "expected one error: {:#}", self.body);
        errors[0]["extensions"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("error without code: {:#}", self.body))
    }

    /// The `extensions.field` of the only error.
    pub fn error_field(&self) -> Option<&str> {
        self.body["errors"][0]["extensions"]["field"].as_str()
    }
}

impl TestApp {
    /// Starts a service on `backend` with the shipped settings.
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, Options::default()).await
    }

    /// Starts a service on `backend` with `options`.
    pub async fn spawn_with(backend: Backend, options: Options) -> TestApp {
        let dir = tempfile::tempdir().expect("temporary directory");
        let (url, schema) = match &backend {
            Backend::Sqlite => (
                format!("sqlite://{}", dir.path().join("kopir.db").display()),
                None,
            ),
            Backend::Postgres(url) => (url.clone(), Some(fresh_pg_schema(url).await)),
        };
        Self::start(url, schema, dir, options).await
    }

    /// A second replica on this one's database (PostgreSQL: the same schema), as two
    /// instances behind a load balancer share one database and nothing else.
    pub async fn replica(&self) -> TestApp {
        let dir = tempfile::tempdir().expect("temporary directory");
        Self::start(
            self.url.clone(),
            self.schema.clone(),
            dir,
            Options::default(),
        )
        .await
    }

    async fn start(
        url: String,
        schema: Option<String>,
        dir: tempfile::TempDir,
        options: Options,
    ) -> TestApp {
        let settings = config::from_layer(Layer {
            database_url: Some(url.clone()),
            jwt_secret: Some(JWT_SECRET.into()),
            jwt_previous_keys: Some(vec![format!("k0:{PREVIOUS_JWT_SECRET}")]),
            ..Layer::default()
        })
        .expect("settings");
        let mut db = db::connect_with(&url, settings.db_max_connections, |o| {
            if let Some(schema) = &schema {
                o.set_schema_search_path(schema.clone());
            }
        })
        .await
        .expect("database");
        let statements = Arc::new(Mutex::new(Vec::new()));
        let log = statements.clone();
        db.set_metric_callback(move |info| {
            if let Ok(mut log) = log.lock() {
                log.push(info.statement.sql.clone());
            }
        });
        match options.migration_steps {
            None => db::migrate(&db).await.expect("migrations"),
            Some(steps) => {
                use migration::MigratorTrait as _;
                migration::Migrator::up(&db, Some(steps))
                    .await
                    .expect("migrations");
            }
        }
        let lock = match (options.locked_table, &schema) {
            (Some(table), Some(schema)) => Some(lock_table(&url, schema, table).await),
            (Some(_), None) => panic!("locked_table needs PostgreSQL"),
            (None, _) => None,
        };
        let secret = secrecy::SecretString::from(JWT_SECRET);
        let app = App {
            services: Arc::new(Services {
                db: db.clone(),
                tokens: app::token_config(&settings.jwt, &secret).expect("tokens"),
                matcher: kopir::domain::matching::store::Matcher::new(
                    settings.matching_weights.clone(),
                ),
                passwords: match options.password_hashing {
                    Some((threads, queued)) => Hasher::new(threads, queued),
                    None => Hasher::for_this_machine(),
                },
                meetings: settings.meetings,
                events: kopir::domain::events::Hub::new(settings.event_retention),
            }),
            rate_limits: RateLimits::new(options.rate_limits),
            db_health: DbHealth::spawn(
                db::connect_with(&url, 1, |o| {
                    if let Some(schema) = &schema {
                        o.set_schema_search_path(schema.clone());
                    }
                })
                .await
                .expect("monitor connection"),
            ),
            request_timeout: options.request_timeout,
            cors_origins: options.cors_origins,
            documents: kopir::graphql::documents::Documents::new(options.trusted_documents),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let services = app.services.clone();
        let router = app::router(AppState::new(app, options.mode));
        tokio::spawn(async move {
            axum::serve(
                listener,
                router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .await
        });
        if lock.is_none() {
            // The matching index is built on a task of its own at start-up; tests begin once
            // it is, as a load balancer waits for `/readyz`.
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
            while services.matcher.is_building() {
                assert!(std::time::Instant::now() < deadline, "index build hangs");
                tokio::time::sleep(std::time::Duration::from_millis(2)).await;
            }
        }
        statements.lock().expect("lock").clear();
        TestApp {
            base,
            url,
            schema,
            client: reqwest::Client::new(),
            db,
            statements,
            lock,
            services,
            _dir: dir,
        }
    }

    /// Ends the transaction holding [`Options::locked_table`].
    pub async fn release_lock(&mut self) {
        if let Some(lock) = self.lock.take() {
            lock.commit().await.expect("release the lock");
        }
    }

    /// Posts a GraphQL request, optionally with a bearer token.
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Reply {
        post(&self.client, &self.base, token, query, variables).await
    }

    /// Posts `body` as a GraphQL request as it is (operation names, extensions, …), optionally
    /// with a bearer token.
    pub async fn post_json(&self, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.base))
            .json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("POST");
        (response.status(), response.json().await.expect("JSON body"))
    }

    /// Posts a GraphQL request asking for answers in `lang` (`Accept-Language`).
    pub async fn gql_in(
        &self,
        lang: &str,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> Reply {
        post_in(
            &self.client,
            &self.base,
            Some(lang),
            token,
            query,
            variables,
        )
        .await
    }

    /// Like [`TestApp::gql`], on its own task, for concurrent requests.
    pub fn spawn_gql(
        &self,
        token: Option<String>,
        query: &'static str,
        variables: Value,
    ) -> tokio::task::JoinHandle<Reply> {
        let (client, base) = (self.client.clone(), self.base.clone());
        tokio::spawn(async move { post(&client, &base, token.as_deref(), query, variables).await })
    }

    /// `GET path` (e.g. `/readyz`) on the service.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("GET")
    }

    /// Registers a user and returns their access token.
    pub async fn register(&self, email: &str) -> String {
        let reply = self
            .gql(
                None,
                "mutation($email: String!) { register(input: { email: $email, password: \"correct horse battery\", displayName: \"Test User\" }) { accessToken } }",
                json!({ "email": email }),
            )
            .await;
        reply
            .data("/register/accessToken")
            .as_str()
            .expect("token")
            .to_owned()
    }

    /// Signs in and returns the whole `login` payload.
    pub async fn login(&self, email: &str, password: &str) -> Reply {
        self.gql(
            None,
            "mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { accessToken refreshToken user { id email } } }",
            json!({ "e": email, "p": password }),
        )
        .await
    }

    /// Signs in and returns the access token, failing the test if sign-in fails.
    pub async fn token(&self, email: &str, password: &str) -> String {
        let reply = self.login(email, password).await;
        reply
            .data("/login/accessToken")
            .as_str()
            .unwrap_or_else(|| panic!("no token for {email}: {:#}", reply.body))
            .to_owned()
    }

    /// Creates a platform admin through the bootstrap path and returns their access token.
    pub async fn admin(&self) -> String {
        accounts::bootstrap_admin(
            &self.db,
            "admin@kopir.kz",
            "admin password 1".into(),
            "Admin",
        )
        .await
        .expect("bootstrap admin");
        let reply = self.login("admin@kopir.kz", "admin password 1").await;
        reply
            .data("/login/accessToken")
            .as_str()
            .expect("token")
            .to_owned()
    }

    /// Creates an organisation as `token`'s user and returns its global ID.
    pub async fn create_org(&self, token: &str, name: &str, bin: &str) -> String {
        let reply = self
            .gql(
                Some(token),
                "mutation($name: String!, $bin: String!) { createOrganization(input: { kind: ENTERPRISE, name: { en: $name }, bin: $bin, regionCode: \"KZ-75\" }) { organization { id } } }",
                json!({ "name": name, "bin": bin }),
            )
            .await;
        reply
            .data("/createOrganization/organization/id")
            .as_str()
            .expect("id")
            .to_owned()
    }

    /// Waits for the background work that follows writes to end: on PostgreSQL the service
    /// brings its matching index up to date when notified of them, and its event hub reads the
    /// outbox once its listener connects. Then statements counted are the next request's alone.
    pub async fn settle(&self) {
        if self.schema.is_none() {
            return;
        }
        let committed = self
            .count("SELECT value FROM matching_revision WHERE id = 1")
            .await;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while self.services.matcher.revision().await < committed {
            assert!(
                std::time::Instant::now() < deadline,
                "the index never caught up"
            );
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        // Notifications still on their way find the index current and cost no statement.
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    /// The SQL statements run since the last call, and resets the log.
    pub fn take_statements(&self) -> Vec<String> {
        std::mem::take(&mut *self.statements.lock().expect("lock"))
    }

    /// [`TestApp::take_statements`] without what the service's background readers ran meanwhile:
    /// the matching index's follower reading the counter (on PostgreSQL, notified also by tests
    /// in other schemas of the same database) and the event pump reading the outbox after a
    /// write.
    pub fn take_request_statements(&self) -> Vec<String> {
        self.take_statements()
            .into_iter()
            .filter(|s| {
                s != "SELECT value FROM matching_revision WHERE id = 1"
                    && !s.contains(" FROM \"event\" WHERE \"event\".\"id\" > ")
            })
            .collect()
    }

    /// Counts rows with a plain SQL statement (same text on both databases).
    pub async fn count(&self, sql: &str) -> i64 {
        use sea_orm::{ConnectionTrait as _, Statement};
        let row = self
            .db
            .query_one_raw(Statement::from_string(
                self.db.get_database_backend(),
                sql.to_owned(),
            ))
            .await
            .expect("query")
            .expect("one row");
        row.try_get_by_index::<i64>(0).expect("count")
    }
}

async fn post(
    client: &reqwest::Client,
    base: &str,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> Reply {
    post_in(client, base, None, token, query, variables).await
}

async fn post_in(
    client: &reqwest::Client,
    base: &str,
    lang: Option<&str>,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> Reply {
    let mut request = client
        .post(format!("{base}/graphql"))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(lang) = lang {
        request = request.header("accept-language", lang);
    }
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    let body = response.json().await.expect("JSON body");
    Reply { status, body }
}

/// Asserts that every acknowledged BIN is stored as an organisation (writes acknowledged
/// before a fault must survive it; unacknowledged ones may or may not).
pub async fn assert_all_stored(db: &DatabaseConnection, acknowledged: &[String]) {
    use sea_orm::{EntityTrait as _, QuerySelect as _};
    let stored: std::collections::HashSet<String> = entity::organization::Entity::find()
        .select_only()
        .column(entity::organization::Column::Bin)
        .into_tuple::<Option<String>>()
        .all(db)
        .await
        .expect("read back")
        .into_iter()
        .flatten()
        .collect();
    let missing: Vec<_> = acknowledged
        .iter()
        .filter(|b| !stored.contains(*b))
        .collect();
    assert!(
        missing.is_empty(),
        "{} acknowledged writes missing: {missing:?}",
        missing.len()
    );
}

/// A PostgreSQL database of one test's own, for tests that close, crash or point a second
/// process at it; dropped by [`PgDatabase::drop_now`].
pub struct PgDatabase {
    admin: DatabaseConnection,
    /// The database's name.
    pub name: String,
    /// Its URL.
    pub url: String,
}

impl PgDatabase {
    /// Creates (afresh) `{prefix}_{process id}` on the server of `base_url`.
    pub async fn create(base_url: &str, prefix: &str) -> PgDatabase {
        use sea_orm::ConnectionTrait as _;
        let admin = db::connect(base_url, 1).await.expect("admin connection");
        let name = format!("{prefix}_{}", std::process::id());
        for sql in [
            format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            format!("CREATE DATABASE {name}"),
        ] {
            admin.execute_unprepared(&sql).await.expect(&sql);
        }
        let (server, _) = base_url.rsplit_once('/').expect("URL with a database");
        let url = format!("{server}/{name}");
        PgDatabase { admin, name, url }
    }

    /// Runs `sql` as the administrator (e.g. `ALTER DATABASE`).
    pub async fn admin(&self, sql: &str) {
        use sea_orm::ConnectionTrait as _;
        self.admin.execute_unprepared(sql).await.expect(sql);
    }

    /// Drops the database, disconnecting whoever is still on it.
    pub async fn drop_now(self) {
        self.admin(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))
        .await;
    }
}

/// Creates an empty schema for one test, so tests run in parallel without seeing each other.
/// A transaction in `schema` holding `table` locked against every other access.
async fn lock_table(url: &str, schema: &str, table: &str) -> DatabaseTransaction {
    use sea_orm::{ConnectionTrait as _, TransactionTrait as _};
    let holder = db::connect_with(url, 1, |o| {
        o.set_schema_search_path(schema.to_owned());
    })
    .await
    .expect("lock connection");
    let txn = holder.begin().await.expect("begin");
    txn.execute_unprepared(&format!("LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))
        .await
        .expect("lock table");
    txn
}

/// Age after which a test schema is taken to be left over from an earlier run: no test runs
/// this long.
const STALE_SCHEMA_SECS: u64 = 6 * 3600;

/// A new, empty schema for one test, named `kopir_test_<creation time>_<random>`. The first
/// test of a run first drops the schemas earlier runs left behind.
async fn fresh_pg_schema(url: &str) -> String {
    use sea_orm::ConnectionTrait as _;
    static CLEANED: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    let admin = db::connect(url, 1)
        .await
        .expect("PostgreSQL reachable at KOPIR_TEST_DATABASE_URL");
    CLEANED.get_or_init(|| drop_stale_schemas(&admin)).await;
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).expect("random");
    let schema = format!(
        "kopir_test_{}_{}",
        unix_seconds(),
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    );
    admin
        .execute_unprepared(&format!("CREATE SCHEMA {schema}"))
        .await
        .expect("create schema");
    schema
}

/// Drops test schemas older than [`STALE_SCHEMA_SECS`], and those named without a creation
/// time (from before it was in the name). Nothing drops a test's schema when the test ends, so
/// each run of the suite leaves about a hundred behind.
async fn drop_stale_schemas(admin: &DatabaseConnection) {
    use sea_orm::{ConnectionTrait as _, Statement};
    let rows = admin
        .query_all_raw(Statement::from_string(
            sea_orm::DbBackend::Postgres,
            r"SELECT nspname FROM pg_namespace WHERE nspname LIKE 'kopir\_test\_%'",
        ))
        .await
        .expect("list test schemas");
    let now = unix_seconds();
    for row in rows {
        let name: String = row.try_get_by_index(0).expect("schema name");
        let created = name
            .strip_prefix("kopir_test_")
            .and_then(|rest| rest.split_once('_'))
            .and_then(|(seconds, _)| seconds.parse::<u64>().ok());
        if created.is_none_or(|c| now.saturating_sub(c) > STALE_SCHEMA_SECS) {
            admin
                .execute_unprepared(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"))
                .await
                .expect("drop a stale test schema");
        }
    }
}

fn unix_seconds() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
}

/// `count` distinct valid BINs: registered January 2024, resident legal entity, head office,
/// serials counting up from 1 (serials for which no check digit exists are passed over).
pub fn bins(count: usize) -> Vec<String> {
    (1u32..)
        .filter_map(|serial| {
            let body = format!("240140{serial:05}");
            let digits: Vec<u32> = body.chars().filter_map(|c| c.to_digit(10)).collect();
            kopir::domain::bin::check_digit(&digits).map(|d| format!("{body}{d}"))
        })
        .take(count)
        .collect()
}

/// Generates `mod sqlite` and `mod postgres` with one `#[tokio::test]` per listed test
/// function, each taking a fresh `TestApp` on that backend.
#[macro_export]
macro_rules! db_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let app = $crate::helpers::TestApp::spawn($crate::helpers::Backend::Sqlite).await;
                    super::$name(app).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(backend) = $crate::helpers::Backend::postgres(stringify!($name)) else {
                        return;
                    };
                    let app = $crate::helpers::TestApp::spawn(backend).await;
                    super::$name(app).await;
                }
            )*
        }
    };
}

/// The fields of a root type (`Query`, `Mutation`) of Kopir's schema, parsed from its SDL.
pub fn root_fields(root: &str) -> Vec<async_graphql::parser::types::FieldDefinition> {
    schema_types()
        .into_iter()
        .find(|t| t.name.node == root)
        .and_then(|t| match t.kind {
            async_graphql::parser::types::TypeKind::Object(object) => {
                Some(object.fields.into_iter().map(|f| f.node).collect())
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("no object type {root} in the schema"))
}

/// Every type definition of Kopir's schema.
pub fn schema_types() -> Vec<async_graphql::parser::types::TypeDefinition> {
    use async_graphql::parser::types::TypeSystemDefinition;
    async_graphql::parser::parse_schema(kopir::graphql::sdl())
        .expect("the schema parses")
        .definitions
        .into_iter()
        .filter_map(|d| match d {
            TypeSystemDefinition::Type(t) => Some(t.node),
            _ => None,
        })
        .collect()
}
