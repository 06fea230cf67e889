//! Data for the load harness: migrates a database and fills it with `count`
//! organisations, each with an admin and a member account, enterprises with an open need,
//! the others with an active capability (text drawn from the evaluation set's words with a
//! realistic skew). Organisations go through the import path (`domain::import`, validated and
//! written in one transaction); accounts, memberships, needs and capabilities are inserted in
//! batches. Deterministic, and idempotent: a database that already holds the organisations is
//! left as it is.

use super::common;
use std::{sync::Arc, time::Instant};

use chrono::Utc;
use entity::{
    capability, membership, membership::MembershipRole, need, need::Strings, organization,
    user_account,
};
use kopir::{
    auth::password::Hasher,
    db,
    domain::{import, listings, text::Localized},
};
use rand::{SeedableRng as _, rngs::StdRng};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait as _, DatabaseConnection, EntityTrait as _,
    PaginatorTrait as _, QueryFilter as _, QuerySelect as _,
};
use serde_json::json;

/// The password of every generated account.
pub const PASSWORD: &str = "load-test password";
/// Rows per INSERT statement.
const CHUNK: usize = 500;
const KINDS: [&str; 6] = [
    "ENTERPRISE",
    "UNIVERSITY",
    "ENTERPRISE",
    "LABORATORY",
    "ENGINEERING_CENTER",
    "RESEARCH_INSTITUTE",
];

/// Fills the database at `url` with `count` load organisations (see the module's comment).
pub async fn fill(url: &str, count: usize) -> anyhow::Result<()> {
    let db = db::connect(url, 4).await?;
    db::migrate(&db).await?;
    let present = organization::Entity::find()
        .filter(organization::Column::Source.eq("load"))
        .count(&db)
        .await? as usize;
    if present >= count {
        println!("{present} load organisations present; nothing to do");
        return Ok(());
    }
    anyhow::ensure!(
        present == 0,
        "a partial load set ({present}); start from an empty database"
    );
    let started = Instant::now();
    let set = common::eval_set();
    let vocabulary = common::vocabulary(&set);
    let mut rng = StdRng::seed_from_u64(7);
    let regions: Vec<String> = entity::region::Entity::find()
        .all(&db)
        .await?
        .into_iter()
        .map(|r| r.code)
        .collect();

    let bins = bins(count);
    let file: Arc<str> = Arc::from("load");
    let organizations = (0..count)
        .map(|i| {
            let record = json!({
                "source": "load", "externalId": i.to_string(), "kind": KINDS[i % KINDS.len()],
                "name": { "en": format!("{} {i}", common::phrase(&mut rng, &vocabulary, 2)) },
                "description": { "en": common::phrase(&mut rng, &vocabulary, 30) },
                "regionCode": regions[i % regions.len()], "bin": bins[i],
            });
            Ok(import::Line {
                file: file.clone(),
                line: i + 1,
                record: serde_json::from_value(record)?,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    import::run(&db, organizations, Vec::new(), &|_, _, _| {})
        .await
        .map_err(|e| {
            let text = format!("{e:?}");
            anyhow::anyhow!("import refused: {}", &text[..text.len().min(600)])
        })?;
    let orgs: Vec<(i64, organization::OrganizationKind)> = organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .column(organization::Column::Kind)
        .filter(organization::Column::Source.eq("load"))
        .into_tuple()
        .all(&db)
        .await?;
    println!("{} organisations in {:.1?}", orgs.len(), started.elapsed());

    let hash = Hasher::new(1, 1).hash(PASSWORD.into()).await?;
    let now = Utc::now();
    let accounts: Vec<user_account::ActiveModel> = (0..orgs.len())
        .flat_map(|i| {
            ["admin", "member"].map(|role| user_account::ActiveModel {
                email: Set(format!("{role}{i}@load.kz")),
                password_hash: Set(hash.clone()),
                display_name: Set(format!("Load {role} {i}")),
                is_platform_admin: Set(false),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            })
        })
        .collect();
    insert_in_chunks(&db, accounts).await?;
    let users: Vec<(i64, String)> = user_account::Entity::find()
        .select_only()
        .column(user_account::Column::Id)
        .column(user_account::Column::Email)
        .filter(user_account::Column::Email.like("%@load.kz"))
        .into_tuple()
        .all(&db)
        .await?;
    let mut users = users;
    users.sort_by(|a, b| a.1.cmp(&b.1));
    let user_of = |email: String| -> anyhow::Result<i64> {
        users
            .binary_search_by(|(_, e)| e.cmp(&email))
            .map(|at| users[at].0)
            .map_err(|_| anyhow::anyhow!("no account {email}"))
    };
    let mut memberships = Vec::with_capacity(orgs.len() * 2);
    for (i, (org, _)) in orgs.iter().enumerate() {
        for (role, kind) in [
            ("admin", MembershipRole::Admin),
            ("member", MembershipRole::Member),
        ] {
            memberships.push(membership::ActiveModel {
                user_id: Set(user_of(format!("{role}{i}@load.kz"))?),
                organization_id: Set(*org),
                role: Set(kind),
                created_at: Set(now),
                ..Default::default()
            });
        }
    }
    let memberships = insert_in_chunks(&db, memberships).await?;
    println!(
        "{} accounts and memberships in {:.1?}",
        memberships,
        started.elapsed()
    );

    let (mut needs, mut capabilities) = (Vec::new(), Vec::new());
    for (org, kind) in &orgs {
        let title = Localized {
            en: Some(common::phrase(&mut rng, &vocabulary, 5)),
            ..Localized::default()
        };
        let description = Some(common::phrase(&mut rng, &vocabulary, 60));
        let keywords = Strings(vec![common::phrase(&mut rng, &vocabulary, 1)]);
        if *kind == organization::OrganizationKind::Enterprise {
            needs.push(need::ActiveModel {
                organization_id: Set(*org),
                title_search: Set(listings::title_search(&title)),
                title_en: Set(title.en),
                description_en: Set(description),
                keywords: Set(keywords),
                fields: Set(Strings(Vec::new())),
                irsti_codes: Set(Strings(Vec::new())),
                requirements: Set(Strings(Vec::new())),
                confidentiality: Set(need::Confidentiality::Public),
                status: Set(need::NeedStatus::Open),
                revision: Set(0),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            });
        } else {
            capabilities.push(capability::ActiveModel {
                organization_id: Set(*org),
                title_search: Set(listings::title_search(&title)),
                title_en: Set(title.en),
                description_en: Set(description),
                keywords: Set(keywords),
                fields: Set(Strings(Vec::new())),
                equipment: Set(Strings(Vec::new())),
                capacity: Set(1),
                sectors: Set(Default::default()),
                active: Set(true),
                revision: Set(0),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            });
        }
    }
    let needs = insert_in_chunks(&db, needs).await?;
    let capabilities = insert_in_chunks(&db, capabilities).await?;
    println!(
        "{} needs and {} capabilities; done in {:.1?}",
        needs,
        capabilities,
        started.elapsed()
    );
    Ok(())
}

/// Inserts `rows` [`CHUNK`] to a statement; returns how many.
async fn insert_in_chunks<A>(db: &DatabaseConnection, rows: Vec<A>) -> anyhow::Result<usize>
where
    A: ActiveModelTrait + Clone + Send,
{
    for chunk in rows.chunks(CHUNK) {
        A::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(rows.len())
}

/// `count` distinct valid BINs of resident legal entities, registered month by month from
/// January 2000 with serials counting up (serials without a check digit are passed over).
fn bins(count: usize) -> Vec<String> {
    (0u32..)
        .flat_map(|month| {
            let prefix = format!("{:02}{:02}40", month / 12, month % 12 + 1);
            (1u32..100_000).filter_map(move |serial| {
                let body = format!("{prefix}{serial:05}");
                let digits: Vec<u32> = body.chars().filter_map(|c| c.to_digit(10)).collect();
                kopir::domain::bin::check_digit(&digits).map(|d| format!("{body}{d}"))
            })
        })
        .take(count)
        .collect()
}
