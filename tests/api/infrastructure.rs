//! The infrastructure programme over HTTP on both databases: projects and their stages,
//! financing from several sources with pledges, commitments and disbursements, programme
//! figures equal to hand-computed ones, refusals that change nothing, and concurrent writers
//! that lose nothing.

use std::collections::HashMap;

use chrono::{Datelike as _, Duration, Utc};
use serde_json::{Value, json};

use crate::helpers::{Reply, TestApp, bins};

const CREATE: &str = "mutation($input: CreateInfrastructureProjectInput!) { createInfrastructureProject(input: $input) { project { id version stage } } }";
const ADVANCE: &str = "mutation($input: AdvanceInfrastructureProjectInput!) { advanceInfrastructureProject(input: $input) { project { version stage } } }";
const FINANCE: &str = "mutation($input: RecordInfrastructureFinancingInput!) { recordInfrastructureFinancing(input: $input) { project { version financing { id source } } } }";
const DISBURSE: &str = "mutation($input: RecordInfrastructureDisbursementInput!) { recordInfrastructureDisbursement(input: $input) { project { version } } }";
const READ: &str = "query($id: ID!) { infrastructureProject(id: $id) { version stage history { version change } funding { pledged { amount } committed { amount } disbursed { amount } overPledged { amount } costCommittedPercent } } }";
const PROGRAMME: &str = "query($c: ID, $r: String, $y: Int!) { infrastructureProgramme(scienceCityId: $c, regionCode: $r, year: $y) {
    asOf projects totalCost { amount } pledged { amount } committed { amount } disbursed { amount }
    bySource { source pledged { amount } committed { amount } disbursed { amount } }
    privateSharePercent pppSharePercent ifiLeverage byStage { stage projects }
    behindSchedule { id } commissionedFloorAreaM2 } }";

fn id(reply: &Reply, pointer: &str) -> String {
    reply.data(pointer).as_str().expect("id").to_owned()
}

fn reason(reply: &Reply) -> Option<&str> {
    reply.body["errors"][0]["extensions"]["reason"].as_str()
}

/// A science city, the Management Company's admin, a sponsor university with its member, and
/// financiers: an enterprise, a private partner, a public body, a bank and an IFI.
struct World {
    admin: String,
    sponsor: String,
    city: String,
    university: String,
    /// Enterprise, private partner, public party, bank (INVESTOR), IFI (INVESTOR).
    financiers: [String; 5],
}

async fn world(app: &TestApp) -> World {
    let admin = app.admin().await;
    let city = id(
        &app.gql(Some(&admin), "mutation { createScienceCity(input: { name: { en: \"Alatau\" }, regionCode: \"KZ-75\" }) { scienceCity { id } } }", json!({})).await,
        "/createScienceCity/scienceCity/id",
    );
    let sponsor = app.register("rector@example.kz").await;
    let bins = bins(6);
    let mut orgs = Vec::new();
    for (i, kind) in [
        "UNIVERSITY",
        "ENTERPRISE",
        "ENTERPRISE",
        "MANAGEMENT_COMPANY",
        "INVESTOR",
        "INVESTOR",
    ]
    .into_iter()
    .enumerate()
    {
        let token = if i == 0 { &sponsor } else { &admin };
        orgs.push(id(
            &app.gql(Some(token), "mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } } }",
                json!({ "input": { "kind": kind, "name": { "en": format!("Org {i}") }, "bin": bins[i], "regionCode": "KZ-75" } })).await,
            "/createOrganization/organization/id",
        ));
    }
    let university = orgs.remove(0);
    World {
        admin,
        sponsor,
        city,
        university,
        financiers: orgs.try_into().expect("five"),
    }
}

async fn project(app: &TestApp, w: &World, extra: Value) -> String {
    let mut input = json!({
        "scienceCityId": w.city, "kind": "LABORATORY", "title": { "en": "Catalysis laboratory", "kk": "Катализ зертханасы" },
        "sponsorId": w.university, "totalCost": "10000000000",
    });
    for (k, v) in extra.as_object().expect("object") {
        input[k] = v.clone();
    }
    id(
        &app.gql(Some(&w.sponsor), CREATE, json!({ "input": input }))
            .await,
        "/createInfrastructureProject/project/id",
    )
}

async fn version(app: &TestApp, project: &str) -> i64 {
    app.gql(None, READ, json!({ "id": project }))
        .await
        .data("/infrastructureProject/version")
        .as_i64()
        .expect("version")
}

async fn advance(app: &TestApp, token: &str, project: &str, stage: &str) -> Reply {
    let v = version(app, project).await;
    app.gql(
        Some(token),
        ADVANCE,
        json!({ "input": { "id": project, "stage": stage, "expectedVersion": v } }),
    )
    .await
}

async fn finance(app: &TestApp, token: &str, project: &str, line: Value) -> Reply {
    let mut input = line;
    input["projectId"] = json!(project);
    input["expectedVersion"] = json!(version(app, project).await);
    app.gql(Some(token), FINANCE, json!({ "input": input }))
        .await
}

async fn a_project_financed_by_four_sources_gives_hand_computed_figures(app: TestApp) {
    let w = world(&app).await;
    let [enterprise, partner, public, _bank, ifi] = &w.financiers;
    let today = Utc::now().date_naive();
    let (last_month, last_week) = (today - Duration::days(30), today - Duration::days(7));
    let lab = project(
        &app,
        &w,
        json!({ "milestones": [
            { "stage": "FINANCING", "plannedOn": (today - Duration::days(60)).to_string() },
            { "stage": "CONSTRUCTION", "plannedOn": (today - Duration::days(10)).to_string() },
        ] }),
    )
    .await;
    advance(&app, &w.sponsor, &lab, "FINANCING")
        .await
        .data("/advanceInfrastructureProject");
    // Four sources; the pledges (11.5 bn) exceed the cost (10 bn), the commitments (8 bn) do not.
    let mut ids = HashMap::new();
    for (source, line) in [
        (
            "PRIVATE",
            json!({ "source": "PRIVATE", "instrument": "EQUITY", "financierId": enterprise, "pledged": "3000000000", "committed": "2000000000", "pledgedOn": last_month.to_string(), "committedOn": last_week.to_string() }),
        ),
        (
            "PPP",
            json!({ "source": "PPP", "instrument": "CONCESSION", "financierId": partner, "publicPartyId": public, "pledged": "2000000000", "committed": "2000000000", "pledgedOn": last_month.to_string(), "committedOn": last_week.to_string() }),
        ),
        (
            "IFI",
            json!({ "source": "IFI", "instrument": "LOAN", "financierId": ifi, "pledged": "4000000000", "committed": "1500000000", "pledgedOn": last_month.to_string(), "committedOn": today.to_string() }),
        ),
        (
            "STATE_BUDGET",
            json!({ "source": "STATE_BUDGET", "instrument": "GRANT", "pledged": "2500000000", "committed": "2500000000", "pledgedOn": last_month.to_string(), "committedOn": last_month.to_string() }),
        ),
    ] {
        let reply = finance(&app, &w.sponsor, &lab, line).await;
        let lines = reply
            .data("/recordInfrastructureFinancing/project/financing")
            .as_array()
            .expect("lines");
        let line = lines
            .iter()
            .find(|l| l["source"] == source)
            .expect("the new line");
        ids.insert(source, line["id"].as_str().expect("id").to_owned());
    }
    for (source, amount) in [("PRIVATE", "500000000.50"), ("STATE_BUDGET", "1000000000")] {
        let v = version(&app, &lab).await;
        app.gql(Some(&w.sponsor), DISBURSE, json!({ "input": { "financingId": ids[source], "expectedVersion": v, "amount": amount, "paidOn": last_week.to_string() } }))
            .await
            .data("/recordInfrastructureDisbursement");
    }
    // A second, small project goes all the way to commissioning.
    let centre = project(
        &app,
        &w,
        json!({ "kind": "ROBOTICS_CENTER", "totalCost": "100", "floorAreaM2": 1200 }),
    )
    .await;
    for stage in ["FINANCING", "CONSTRUCTION", "COMMISSIONED"] {
        advance(&app, &w.sponsor, &centre, stage)
            .await
            .data("/advanceInfrastructureProject");
    }

    let read = app.gql(None, READ, json!({ "id": lab })).await;
    assert_eq!(
        read.data("/infrastructureProject/funding"),
        &json!({ "pledged": { "amount": "11500000000.00" }, "committed": { "amount": "8000000000.00" },
                 "disbursed": { "amount": "1500000000.50" }, "overPledged": { "amount": "1500000000.00" },
                 "costCommittedPercent": "80.00" })
    );
    // Version 1 recorded, 2 financing stage, 3–6 commitments, 7–8 disbursements.
    assert_eq!(read.data("/infrastructureProject/version"), 8);
    assert_eq!(
        read.data("/infrastructureProject/history")
            .as_array()
            .map(Vec::len),
        Some(8)
    );

    let year = today.year();
    let figures = app
        .gql(None, PROGRAMME, json!({ "c": w.city, "y": year }))
        .await;
    let f = figures.data("/infrastructureProgramme");
    assert_eq!(f["asOf"], today.to_string());
    assert_eq!(f["projects"], 2);
    assert_eq!(f["totalCost"]["amount"], "10000000100.00");
    assert_eq!(f["pledged"]["amount"], "11500000000.00");
    assert_eq!(f["committed"]["amount"], "8000000000.00");
    assert_eq!(f["disbursed"]["amount"], "1500000000.50");
    let source = |s: &str| {
        f["bySource"]
            .as_array()
            .expect("sources")
            .iter()
            .find(|b| b["source"] == s)
            .cloned()
            .expect("every source listed")
    };
    assert_eq!(
        source("PRIVATE"),
        json!({ "source": "PRIVATE", "pledged": { "amount": "3000000000.00" }, "committed": { "amount": "2000000000.00" }, "disbursed": { "amount": "500000000.50" } })
    );
    assert_eq!(source("BANK")["committed"]["amount"], "0.00");
    assert_eq!(f["privateSharePercent"], "25.00");
    assert_eq!(f["pppSharePercent"], "25.00");
    // (1.5 + 2 + 2) bn of IFI, private and PPP money per 2.5 bn of budget money.
    assert_eq!(f["ifiLeverage"], "2.20");
    let stages: HashMap<String, i64> = f["byStage"]
        .as_array()
        .expect("stages")
        .iter()
        .map(|s| {
            (
                s["stage"].as_str().expect("stage").to_owned(),
                s["projects"].as_i64().expect("n"),
            )
        })
        .collect();
    assert_eq!(stages.len(), 7, "every stage listed");
    assert_eq!(
        (
            stages["FINANCING"],
            stages["COMMISSIONED"],
            stages["PLANNED"]
        ),
        (1, 1, 0)
    );
    assert_eq!(
        f["behindSchedule"],
        json!([{ "id": lab }]),
        "construction was due 10 days ago"
    );
    assert_eq!(f["commissionedFloorAreaM2"], 1200);

    // The same figures by region, and the last year's (before anything was recorded).
    let by_region = app
        .gql(None, PROGRAMME, json!({ "r": "KZ-75", "y": year }))
        .await;
    assert_eq!(by_region.data("/infrastructureProgramme"), f);
    let last_year = app
        .gql(None, PROGRAMME, json!({ "c": w.city, "y": year - 1 }))
        .await;
    assert_eq!(last_year.data("/infrastructureProgramme/projects"), 0);
    assert_eq!(
        last_year.data("/infrastructureProgramme/committed/amount"),
        "0.00"
    );

    // The figures feed the indicator report.
    let report = app
        .gql(None, "query($c: ID!, $y: Int!) { indicatorReport(scienceCityId: $c, year: $y) { code actual lowerIsBetter } }", json!({ "c": w.city, "y": year }))
        .await;
    let lines: HashMap<String, Value> = report
        .data("/indicatorReport")
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| (l["code"].as_str().expect("code").to_owned(), l.clone()))
        .collect();
    let actual = |code: &str| lines[code]["actual"].clone();
    assert_eq!(actual("INFRASTRUCTURE_COMMITTED"), "8000000000.00");
    assert_eq!(actual("INFRASTRUCTURE_DISBURSED"), "1500000000.50");
    assert_eq!(actual("INFRASTRUCTURE_PRIVATE_SHARE"), "25.00");
    assert_eq!(actual("INFRASTRUCTURE_PPP_SHARE"), "25.00");
    assert_eq!(actual("INFRASTRUCTURE_BEHIND_SCHEDULE"), "1");
    assert_eq!(
        lines["INFRASTRUCTURE_BEHIND_SCHEDULE"]["lowerIsBetter"],
        true
    );

    // And region potential, as a platform component.
    let potential = app
        .gql(None, "query($y: Int!) { regionPotential(year: $y, weights: [{ name: \"INFRASTRUCTURE\", weight: 1 }]) { regions { region { code } components { name raw } } } }", json!({ "y": year }))
        .await;
    let almaty = potential
        .data("/regionPotential/regions")
        .as_array()
        .expect("regions")
        .iter()
        .find(|r| r["region"]["code"] == "KZ-75")
        .cloned()
        .expect("KZ-75");
    assert_eq!(almaty["components"][0]["raw"], "8000000000.000");
}

async fn invalid_writes_get_their_code_and_change_nothing(app: TestApp) {
    let w = world(&app).await;
    let [enterprise, _partner, public, _bank, _ifi] = &w.financiers;
    let lab = project(&app, &w, json!({ "totalCost": "1000" })).await;
    let today = Utc::now().date_naive().to_string();
    let line = |committed: &str| json!({ "source": "PRIVATE", "instrument": "EQUITY", "financierId": enterprise, "pledged": "5000", "committed": committed, "pledgedOn": today, "committedOn": today });
    let financing = id(
        &finance(&app, &w.sponsor, &lab, line("600")).await,
        "/recordInfrastructureFinancing/project/financing/0/id",
    );
    let history = "SELECT COUNT(*) FROM infrastructure_history";
    let (rows, v) = (app.count(history).await, version(&app, &lab).await);
    assert_eq!((rows, v), (2, 2));

    let skipped = advance(&app, &w.sponsor, &lab, "CONSTRUCTION").await;
    assert_eq!(reason(&skipped), Some("INVALID_TRANSITION"));
    let over_cost = finance(&app, &w.sponsor, &lab, line("500")).await;
    assert_eq!(reason(&over_cost), Some("FINANCING_EXCEEDS_COST"));
    assert_eq!(over_cost.error_field(), Some("committed"));
    let over_paid = app
        .gql(Some(&w.sponsor), DISBURSE, json!({ "input": { "financingId": financing, "expectedVersion": v, "amount": "600.01", "paidOn": today } }))
        .await;
    assert_eq!(reason(&over_paid), Some("DISBURSEMENT_EXCEEDS_COMMITMENT"));
    let stale = app
        .gql(
            Some(&w.sponsor),
            ADVANCE,
            json!({ "input": { "id": lab, "stage": "FINANCING", "expectedVersion": 1 } }),
        )
        .await;
    assert_eq!(stale.error_code(), "VERSION_CONFLICT");
    let mut ppp = line("0");
    ppp["source"] = json!("PPP");
    let no_public_party = finance(&app, &w.sponsor, &lab, ppp.clone()).await;
    assert_eq!(no_public_party.error_field(), Some("publicPartyId"));
    let stranger = app.register("stranger@example.kz").await;
    let forbidden = advance(&app, &stranger, &lab, "FINANCING").await;
    assert_eq!(forbidden.error_code(), "FORBIDDEN");
    assert_eq!(
        (app.count(history).await, version(&app, &lab).await),
        (rows, v),
        "no refusal wrote anything"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM infrastructure_disbursement")
            .await,
        0
    );

    // The operator's members change the project too.
    let operator = app.register("operator@example.kz").await;
    let operator_org = app.create_org(&operator, "Operator", &bins(7)[6]).await;
    let run = project(&app, &w, json!({ "operatorId": operator_org })).await;
    assert_eq!(
        advance(&app, &operator, &run, "FINANCING")
            .await
            .data("/advanceInfrastructureProject/project/stage"),
        "FINANCING"
    );

    // A PPP with both parties is fine; a cancelled project takes nothing more.
    ppp["publicPartyId"] = json!(public);
    finance(&app, &w.sponsor, &lab, ppp)
        .await
        .data("/recordInfrastructureFinancing");
    advance(&app, &w.admin, &lab, "CANCELLED")
        .await
        .data("/advanceInfrastructureProject");
    let closed = finance(&app, &w.sponsor, &lab, line("1")).await;
    assert_eq!(reason(&closed), Some("PROJECT_CLOSED"));
}

/// Sixteen writers add a commitment each at once, retrying on `VERSION_CONFLICT`: every one
/// lands, and the history has one entry per version.
async fn sixteen_concurrent_writers_lose_nothing(app: TestApp) {
    let w = world(&app).await;
    let lab = project(&app, &w, json!({})).await;
    let today = Utc::now().date_naive().to_string();
    let writers: Vec<_> = (0..16)
        .map(|i| {
            let (client, base, token, lab, today) = (app.client.clone(), app.base.clone(), w.sponsor.clone(), lab.clone(), today.clone());
            tokio::spawn(async move {
                let post = |query: &'static str, variables: Value| {
                    let (client, base, token) = (client.clone(), base.clone(), token.clone());
                    async move {
                        client.post(format!("{base}/graphql")).bearer_auth(token)
                            .json(&json!({ "query": query, "variables": variables }))
                            .send().await.expect("POST").json::<Value>().await.expect("JSON")
                    }
                };
                loop {
                    let v = post(READ, json!({ "id": lab })).await["data"]["infrastructureProject"]["version"].clone();
                    let body = post(FINANCE, json!({ "input": { "projectId": lab, "expectedVersion": v, "source": "STATE_BUDGET", "instrument": "GRANT",
                        "pledged": format!("{}", i + 1), "committed": format!("{}", i + 1), "pledgedOn": today, "committedOn": today } })).await;
                    match body["errors"][0]["extensions"]["code"].as_str() {
                        None => break,
                        Some("VERSION_CONFLICT") => continue,
                        Some(other) => panic!("unexpected {other}: {body}"),
                    }
                }
            })
        })
        .collect();
    for writer in writers {
        writer.await.expect("writer");
    }
    let read = app.gql(None, READ, json!({ "id": lab })).await;
    assert_eq!(read.data("/infrastructureProject/version"), 17);
    assert_eq!(
        read.data("/infrastructureProject/history")
            .as_array()
            .map(Vec::len),
        Some(17)
    );
    // 1 + 2 + … + 16 tenge.
    assert_eq!(
        read.data("/infrastructureProject/funding/committed/amount"),
        "136.00"
    );
}

crate::db_tests!(
    a_project_financed_by_four_sources_gives_hand_computed_figures,
    invalid_writes_get_their_code_and_change_nothing,
    sixteen_concurrent_writers_lose_nothing,
);
