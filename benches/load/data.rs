//! Data for the load harness: migrates a database and fills it with `count`
//! organisations, each with an admin and a member account, enterprises with an open need,
//! the others with an active capability (text drawn from the evaluation set's words with a
//! realistic skew); one brokerage session per 1,000 organisations with 200 of them registered
//! and booked into a meeting in every slot; and two technology-transfer deals per organisation
//! with their history. Organisations go through the import path (`domain::import`, validated
//! and written in one transaction); the other rows are inserted in batches. Deterministic, and
//! idempotent: a database that already holds the organisations is left as it is.

use super::common;
use std::{sync::Arc, time::Instant};

use chrono::{DateTime, Duration, Utc};
use entity::{
    capability, deal, deal::DealStage, deal_history, deal_party, meeting, meeting_seat, membership,
    membership::MembershipRole, need, need::Strings, organization, session, session_registration,
    user_account,
};
use kopir::{
    auth::password::Hasher,
    db,
    domain::{import, listings, text::Localized},
};
use rand::{SeedableRng as _, rngs::StdRng};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait as _, ConnectionTrait as _, DatabaseConnection,
    DbBackend, EntityTrait, PaginatorTrait as _, QueryFilter as _, QueryOrder as _,
    QuerySelect as _,
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
        "{} needs and {} capabilities in {:.1?}",
        needs,
        capabilities,
        started.elapsed()
    );

    let admin_of = |i: usize| user_of(format!("admin{i}@load.kz"));
    let meetings = sessions(&db, &orgs, &admin_of, now).await?;
    let deals = deals(&db, &orgs, &admin_of, now).await?;
    println!(
        "{meetings} booked meetings and {deals} deals; done in {:.1?}",
        started.elapsed()
    );
    // PostgreSQL plans from table statistics, which its autovacuum gathers within a minute of a
    // bulk load. Where autovacuum is off (as on the machines this harness runs on) or has not
    // come round yet, the planner guesses: it scanned all 20,000 deals for one organisation's
    // (8.1 ms instead of 0.13 ms), which measured a freshly loaded database, not a running one.
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_unprepared("ANALYZE").await?;
    }
    Ok(())
}

/// Organisations per brokerage session: one session for every [`BLOCK`] organisations.
const BLOCK: usize = 1_000;
/// Organisations registered for each session (even, for the round-robin draw).
const REGISTRANTS: usize = 200;
/// Slots of each session: every registered organisation meets someone in each of them.
const SLOTS: usize = 16;
const SLOT_MINUTES: i32 = 20;

/// One session per [`BLOCK`] organisations, held at the block's first organisation (its admin
/// organises it), with the block's first [`REGISTRANTS`] registered and booked by a round-robin
/// draw: in every slot each of them meets another at one of `REGISTRANTS / 2` tables, as the
/// agenda of a full brokerage day looks. Answers how many meetings were booked.
async fn sessions(
    db: &DatabaseConnection,
    orgs: &[(i64, organization::OrganizationKind)],
    admin_of: &dyn Fn(usize) -> anyhow::Result<i64>,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let blocks: Vec<usize> = (0..orgs.len())
        .step_by(BLOCK)
        .filter(|first| orgs.len() - first >= REGISTRANTS)
        .collect();
    let mut rows = Vec::with_capacity(blocks.len());
    for (k, &first) in blocks.iter().enumerate() {
        // Session 0 is the first in every order (start, id), the one the harness reads.
        let starts_at = now + Duration::days(30 + k as i64);
        rows.push(session::ActiveModel {
            title_en: Set(Some(format!("Load brokerage session {k}"))),
            themes: Set(Strings(Vec::new())),
            venue_organization_id: Set(orgs[first].0),
            starts_at: Set(starts_at),
            ends_at: Set(starts_at + Duration::minutes(i64::from(SLOT_MINUTES) * SLOTS as i64)),
            time_zone: Set("Asia/Almaty".into()),
            slot_minutes: Set(SLOT_MINUTES),
            slot_count: Set(SLOTS as i32),
            tables: Set((REGISTRANTS / 2) as i32),
            capacity: Set(REGISTRANTS as i32),
            registration_deadline: Set(starts_at - Duration::days(1)),
            created_by: Set(admin_of(first)?),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
    }
    let ids = insert_all_of(db, rows, session::Column::Id).await?;

    let (mut registrations, mut meetings) = (Vec::new(), Vec::new());
    for (&session_id, &first) in ids.iter().zip(&blocks) {
        let org = |j: usize| orgs[first + j].0;
        for j in 0..REGISTRANTS {
            registrations.push(session_registration::ActiveModel {
                session_id: Set(session_id),
                organization_id: Set(org(j)),
                availability: Set(session_registration::Slots((0..SLOTS as i32).collect())),
                calendar_token: Set(format!("load-{session_id}-{j}")),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            });
        }
        // The circle method: the last registrant stays put, the others rotate one place per
        // slot, so nobody meets twice and everybody sits at a table in every slot.
        let rotating = REGISTRANTS - 1;
        for slot in 0..SLOTS {
            let pairs = std::iter::once((slot, rotating)).chain(
                (1..REGISTRANTS / 2)
                    .map(|k| ((slot + k) % rotating, (slot + rotating - k) % rotating)),
            );
            for (table, (a, b)) in pairs.enumerate() {
                meetings.push(meeting::ActiveModel {
                    session_id: Set(session_id),
                    requester_id: Set(org(a)),
                    invitee_id: Set(org(b)),
                    status: Set(meeting::MeetingStatus::Booked),
                    slot: Set(Some(slot as i32)),
                    table_no: Set(Some(table as i32 + 1)),
                    score: Set(Some(0.5)),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                });
            }
        }
    }
    insert_in_chunks(db, registrations).await?;
    let booked = insert_in_chunks(db, meetings).await?;
    // Every booked meeting holds a seat per party (the no-double-booking key).
    let placed: Vec<(i64, i64, i64, i64, Option<i32>)> = meeting::Entity::find()
        .select_only()
        .columns([
            meeting::Column::Id,
            meeting::Column::SessionId,
            meeting::Column::RequesterId,
            meeting::Column::InviteeId,
            meeting::Column::Slot,
        ])
        .into_tuple()
        .all(db)
        .await?;
    let seats = placed
        .into_iter()
        .flat_map(|(id, session_id, requester, invitee, slot)| {
            [requester, invitee].map(|org| meeting_seat::ActiveModel {
                meeting_id: Set(id),
                session_id: Set(session_id),
                slot: Set(slot.unwrap_or_default()),
                organization_id: Set(org),
            })
        })
        .collect();
    insert_in_chunks(db, seats).await?;
    Ok(booked)
}

/// Where the generated deals stand, in pipeline order: a deal at stage `i` has the history of
/// every stage up to it.
const PIPELINE: [DealStage; 5] = [
    DealStage::Proposed,
    DealStage::Negotiating,
    DealStage::Signed,
    DealStage::InExecution,
    DealStage::Completed,
];

/// Two deals per organisation, with its next and its seventh neighbour (so each organisation
/// is party to four), at stages spread over the pipeline, each with its parties and its
/// history from recording to its stage. Answers how many deals.
async fn deals(
    db: &DatabaseConnection,
    orgs: &[(i64, organization::OrganizationKind)],
    admin_of: &dyn Fn(usize) -> anyhow::Result<i64>,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let pairs: Vec<(usize, usize)> = (0..orgs.len())
        .flat_map(|i| [1, 7].map(|step| (i, (i + step) % orgs.len())))
        .filter(|(i, j)| i != j)
        .collect();
    let stage_of = |n: usize| n % PIPELINE.len();
    let rows = pairs
        .iter()
        .enumerate()
        .map(|(n, &(i, j))| {
            let stage = stage_of(n);
            Ok(deal::ActiveModel {
                title_en: Set(Some(format!("Load deal {i}-{j}"))),
                deal_type: Set(if n % 2 == 0 {
                    deal::DealType::RdContract
                } else {
                    deal::DealType::NonExclusiveLicence
                }),
                stage: Set(PIPELINE[stage]),
                value: Set((n as i64 % 50 + 1) * 100_000_000),
                milestones: Set(Strings(Vec::new())),
                signed_at: Set(PIPELINE[..=stage]
                    .contains(&DealStage::Signed)
                    .then_some(now)),
                version: Set(stage as i32 + 1),
                created_by: Set(admin_of(i)?),
                created_at: Set(now - Duration::days(stage as i64 * 30)),
                updated_at: Set(now),
                ..Default::default()
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let ids = insert_all_of(db, rows, deal::Column::Id).await?;
    let (mut parties, mut history) = (Vec::new(), Vec::new());
    for (n, (&id, &(i, j))) in ids.iter().zip(&pairs).enumerate() {
        for (org, role) in [
            (i, deal_party::PartyRole::Recipient),
            (j, deal_party::PartyRole::Provider),
        ] {
            parties.push(deal_party::ActiveModel {
                deal_id: Set(id),
                organization_id: Set(orgs[org].0),
                role: Set(role),
            });
        }
        let stage = stage_of(n);
        for (reached, &to) in PIPELINE[..=stage].iter().enumerate() {
            history.push(deal_history::ActiveModel {
                deal_id: Set(id),
                version: Set(reached as i32 + 1),
                actor_user_id: Set(admin_of(i)?),
                at: Set(now - Duration::days((stage - reached) as i64 * 30)),
                change: Set(if reached == 0 {
                    deal_history::DealChange::Recorded
                } else {
                    deal_history::DealChange::Stage
                }),
                from_stage: Set(reached.checked_sub(1).map(|s| PIPELINE[s])),
                to_stage: Set(Some(to)),
                ..Default::default()
            });
        }
    }
    insert_in_chunks(db, parties).await?;
    insert_in_chunks(db, history).await?;
    Ok(ids.len())
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

/// Inserts `rows` into a table that holds nothing else and answers their ids in insertion order.
async fn insert_all_of<A>(
    db: &DatabaseConnection,
    rows: Vec<A>,
    id: <A::Entity as EntityTrait>::Column,
) -> anyhow::Result<Vec<i64>>
where
    A: ActiveModelTrait + Clone + Send,
{
    let inserted = insert_in_chunks(db, rows).await?;
    let ids: Vec<i64> = A::Entity::find()
        .select_only()
        .column(id)
        .order_by_asc(id)
        .into_tuple()
        .all(db)
        .await?;
    anyhow::ensure!(ids.len() == inserted, "rows other than the load set");
    Ok(ids)
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
