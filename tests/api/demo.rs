//! The demo world: seeded twice it is the same world (the second run adds nothing), it holds
//! what a frontend needs to build every screen, every demo account signs in, and each need is
//! answered first by the capability written for it.

use serde_json::json;

use crate::helpers::TestApp;

/// Rows per table that the demo writes.
async fn counts(app: &TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in [
        "user_account",
        "organization",
        "membership",
        "science_city",
        "need",
        "capability",
        "portfolio_item",
        "session",
        "session_registration",
        "meeting",
        "deal",
        "deal_financing",
        "infrastructure_project",
        "infrastructure_financing",
        "indicator_target",
    ] {
        counts.push(app.count(&format!("SELECT COUNT(*) FROM {table}")).await);
    }
    counts
}

async fn seeding_twice_gives_one_world(app: TestApp) {
    use kopir::domain::demo::{self, Seeded};
    let first = demo::seed(&app.services).await.expect("seeded");
    assert!(
        matches!(first, Seeded::Written { organizations } if organizations > 50),
        "{first:?}"
    );
    let once = counts(&app).await;
    assert_eq!(
        demo::seed(&app.services).await.expect("second run"),
        Seeded::AlreadyThere
    );
    assert_eq!(counts(&app).await, once, "the second run added nothing");

    // Meetings in every state a coming session can hold, deals in every stage up to their end.
    let meetings = app
        .count("SELECT COUNT(DISTINCT status) FROM meeting")
        .await;
    assert_eq!(
        meetings, 5,
        "requested, accepted, declined, booked, cancelled"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM portfolio_item WHERE members_only")
            .await,
        1,
        "one members-only item"
    );
    // The past session's meetings show every verdict and an expired request, to the organiser.
    let mc = app.token("mc@demo.kopir.kz", demo::PASSWORD).await;
    let sessions = app
        .gql(
            Some(&mc),
            "{ sessions(first: 10) { nodes { endsAt meetings { status verdict } } } }",
            json!({}),
        )
        .await;
    let ended: Vec<&serde_json::Value> = sessions
        .data("/sessions/nodes")
        .as_array()
        .expect("sessions")
        .iter()
        .filter(|s| {
            let ends = s["endsAt"].as_str().expect("endsAt");
            chrono::DateTime::parse_from_rfc3339(ends).expect("RFC 3339") < chrono::Utc::now()
        })
        .collect();
    assert_eq!(ended.len(), 1, "{:#}", sessions.body);
    let mut seen: Vec<String> = ended[0]["meetings"]
        .as_array()
        .expect("meetings")
        .iter()
        .map(|m| {
            format!(
                "{}/{}",
                m["status"].as_str().unwrap_or("-"),
                m["verdict"].as_str().unwrap_or("-")
            )
        })
        .collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            "BOOKED/AWAITING_REPORTS",
            "BOOKED/DISPUTED",
            "BOOKED/HELD",
            "BOOKED/NOT_HELD",
            "EXPIRED/-"
        ]
    );
    let stages = app.count("SELECT COUNT(DISTINCT stage) FROM deal").await;
    assert_eq!(stages, 6);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM indicator_target WHERE is_demo")
            .await,
        app.count("SELECT COUNT(*) FROM indicator_target").await,
        "every demo target is marked as such"
    );

    // Every demo account signs in; each of the enterprise's needs is answered first, by a
    // clear margin, by a capability of its own.
    for (email, _) in demo::ACCOUNTS {
        app.token(email, demo::PASSWORD).await;
    }
    let token = app.token("enterprise@demo.kopir.kz", demo::PASSWORD).await;
    let needs = app
        .gql(
            Some(&token),
            "{ needs(first: 10) { nodes { id } } }",
            json!({}),
        )
        .await;
    let needs = needs
        .data("/needs/nodes")
        .as_array()
        .expect("needs")
        .clone();
    assert_eq!(needs.len(), 6);
    let mut tops = Vec::new();
    for need in &needs {
        let matches = app
            .gql(Some(&token), "query($n: ID!) { matchesForNeed(needId: $n, first: 2) { score capability { id } } }", json!({ "n": need["id"] }))
            .await;
        let best = matches.data("/matchesForNeed/0");
        let runner_up = matches
            .data("/matchesForNeed/1/score")
            .as_f64()
            .expect("score");
        assert!(
            best["score"].as_f64().expect("score") > runner_up + 20.0,
            "{need}: {best} barely ahead of {runner_up}"
        );
        tops.push(best["capability"]["id"].clone());
    }
    tops.sort_by_key(ToString::to_string);
    tops.dedup();
    assert_eq!(
        tops.len(),
        6,
        "each need has a capability of its own on top"
    );
}

crate::db_tests!(seeding_twice_gives_one_world);
