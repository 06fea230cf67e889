//! `partnersForNeed` and `partnerSuggestions` over HTTP on both databases: organisations ranked
//! by what they have done
//! and with whom, the evidence naming the items and partners behind each score, members-only
//! work that counts without showing its words, and a removed item that stops counting.

use serde_json::{Value, json};

use crate::helpers::{TestApp, bins};

const CREATE_ORG: &str = "mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } } }";
const POST_NEED: &str =
    "mutation($input: PostNeedInput!) { postNeed(input: $input) { need { id } } }";
const ADD_ITEM: &str =
    "mutation($input: AddPortfolioItemInput!) { addPortfolioItem(input: $input) { item { id } } }";
const REMOVE_ITEM: &str =
    "mutation($id: ID!) { removePortfolioItem(input: { id: $id }) { removedId } }";
const PARTNER_FIELDS: &str = "
    organization { id }
    score
    factors { name weight value contribution detail }
    evidence {
      texts { hidden coverage matchedTerms portfolioItem { id title { en } } capability { id } }
      sharedItems { id }
      hiddenSharedItems
      sharedYears { first last }
      completedDeals
      meetingsHeld
      commonPartners { id }
      commonPartnerCount
    }";

/// A signed-in member of a fresh organisation.
struct Member {
    token: String,
    org: String,
}

async fn member(app: &TestApp, email: &str, kind: &str, bin: &str) -> Member {
    let token = app.register(email).await;
    let org = app
        .gql(
            Some(&token),
            CREATE_ORG,
            json!({ "input": { "kind": kind, "name": { "en": email }, "bin": bin, "regionCode": "KZ-35" } }),
        )
        .await
        .data("/createOrganization/organization/id")
        .as_str()
        .expect("id")
        .to_owned();
    Member { token, org }
}

async fn add_item(app: &TestApp, by: &Member, item: Value) -> String {
    app.gql(Some(&by.token), ADD_ITEM, json!({ "input": item }))
        .await
        .data("/addPortfolioItem/item/id")
        .as_str()
        .expect("id")
        .to_owned()
}

/// An enterprise with a need; a university that worked with it on that very subject; a
/// university whose only matching work is members-only; an institute that worked with the
/// first university on something else; a stranger enterprise.
struct World {
    enterprise: Member,
    partner: Member,
    secretive: Member,
    institute: Member,
    stranger: Member,
    need: String,
    shared_item: String,
    secret_item: String,
}

/// Words of the members-only item that appear nowhere else.
const SECRET_TITLE: &str = "Quetzal pilot line";
const SECRET_WORD: &str = "zeolitic";

async fn world(app: &TestApp) -> World {
    let bins = bins(5);
    let enterprise = member(app, "e@e.kz", "ENTERPRISE", &bins[0]).await;
    let partner = member(app, "u@u.kz", "UNIVERSITY", &bins[1]).await;
    let secretive = member(app, "s@s.kz", "UNIVERSITY", &bins[2]).await;
    let institute = member(app, "r@r.kz", "RESEARCH_INSTITUTE", &bins[3]).await;
    let stranger = member(app, "x@x.kz", "ENTERPRISE", &bins[4]).await;
    let shared_item = add_item(
        app,
        &partner,
        json!({ "kind": "PROJECT", "title": { "en": "Hydrocracking catalysts for heavy oil" },
                "abstract": { "en": "Nickel-molybdenum catalysts for hydrocracking heavy oil residues, tested at pilot scale." },
                "year": 2016,
                "participants": [{ "organizationId": partner.org, "role": "COORDINATOR" }, { "organizationId": enterprise.org }] }),
    )
    .await;
    let secret_item = add_item(
        app,
        &secretive,
        json!({ "kind": "PATENT", "title": { "en": SECRET_TITLE },
                "abstract": { "en": format!("{SECRET_WORD} hydrocracking catalysts for heavy oil residues") },
                "year": 2021, "membersOnly": true,
                "participants": [{ "organizationId": secretive.org }] }),
    )
    .await;
    add_item(
        app,
        &institute,
        json!({ "kind": "PROJECT", "title": { "en": "Wheat irrigation in dry steppe land" }, "year": 2015,
                "participants": [{ "organizationId": institute.org }, { "organizationId": partner.org }] }),
    )
    .await;
    let need = app
        .gql(
            Some(&enterprise.token),
            POST_NEED,
            json!({ "input": { "organizationId": enterprise.org,
                "title": { "en": "Catalysts for hydrocracking heavy oil residues" },
                "description": { "en": "We upgrade heavy oil residues and need hydrocracking catalysts." },
                "confidentiality": "CONFIDENTIAL" } }),
        )
        .await
        .data("/postNeed/need/id")
        .as_str()
        .expect("id")
        .to_owned();
    World {
        enterprise,
        partner,
        secretive,
        institute,
        stranger,
        need,
        shared_item,
        secret_item,
    }
}

fn partners_query() -> String {
    format!(
        "query($need: ID!, $kinds: [OrganizationKind!]) {{
            partnersForNeed(needId: $need, kinds: $kinds, first: 10) {{ {PARTNER_FIELDS} }} }}"
    )
}

fn suggestions_query() -> String {
    format!(
        "query($org: ID!, $kinds: [OrganizationKind!]) {{
            partnerSuggestions(organizationId: $org, kinds: $kinds, first: 10) {{ {PARTNER_FIELDS} }} }}"
    )
}

async fn partners(app: &TestApp, token: &str, need: &str, kinds: Value) -> Vec<Value> {
    app.gql(
        Some(token),
        &partners_query(),
        json!({ "need": need, "kinds": kinds }),
    )
    .await
    .data("/partnersForNeed")
    .as_array()
    .expect("a list")
    .clone()
}

/// The members-only item's words appear nowhere in `reply`.
fn assert_no_secret(reply: &crate::helpers::Reply) {
    let body = serde_json::to_string(&reply.body).expect("json");
    for secret in [SECRET_TITLE, SECRET_WORD] {
        assert!(!body.contains(secret), "{secret} leaked: {body}");
    }
}

fn find<'a>(ranked: &'a [Value], org: &str) -> Option<&'a Value> {
    ranked.iter().find(|p| p["organization"]["id"] == org)
}

fn factor<'a>(partner: &'a Value, name: &str) -> &'a Value {
    partner["factors"]
        .as_array()
        .expect("factors")
        .iter()
        .find(|f| f["name"] == name)
        .expect("the factor")
}

async fn partners_are_ranked_by_record_and_history_with_evidence(app: TestApp) {
    let w = world(&app).await;
    let universities = json!(["UNIVERSITY", "RESEARCH_INSTITUTE"]);
    let ranked = partners(&app, &w.enterprise.token, &w.need, universities).await;
    let order: Vec<&Value> = ranked.iter().map(|p| &p["organization"]["id"]).collect();
    assert_eq!(
        order,
        [
            &json!(w.partner.org),
            &json!(w.institute.org),
            &json!(w.secretive.org)
        ],
        "text and shared history first; for a need this short, a partner of a partner before \
         a weaker text match without history"
    );
    // The need has 13 distinct words: the short-need weights apply.
    let weights: Vec<f64> = ranked[0]["factors"]
        .as_array()
        .expect("factors")
        .iter()
        .map(|f| f["weight"].as_f64().expect("weight"))
        .collect();
    assert_eq!(weights, [35.0, 28.0, 17.0, 3.0, 17.0]);
    assert!(find(&ranked, &w.enterprise.org).is_none() && find(&ranked, &w.stranger.org).is_none());

    let best = &ranked[0];
    let total: f64 = best["factors"]
        .as_array()
        .expect("factors")
        .iter()
        .map(|f| f["contribution"].as_f64().expect("a number"))
        .sum();
    assert!((total - best["score"].as_f64().expect("score")).abs() < 1e-9);
    let text = &best["evidence"]["texts"][0];
    assert_eq!(text["portfolioItem"]["id"], json!(w.shared_item));
    assert_eq!(text["hidden"], json!(false));
    let terms = text["matchedTerms"].as_array().expect("terms");
    for word in ["hydrocracking", "catalysts", "heavy", "oil"] {
        assert!(terms.contains(&json!(word)), "{word} in {terms:?}");
    }
    assert_eq!(
        best["evidence"]["sharedItems"],
        json!([{ "id": w.shared_item }])
    );
    assert_eq!(
        best["evidence"]["sharedYears"],
        json!({ "first": 2016, "last": 2016 })
    );
    assert_eq!(factor(best, "HISTORY")["value"].as_f64(), Some(1.0 / 3.0));
    // In Russian, as no `Accept-Language` was sent.
    assert_eq!(
        factor(best, "HISTORY")["detail"],
        "совместных записей портфолио: 1, 2016; 3 и более засчитываются полностью"
    );
    assert!(factor(best, "TEXT")["value"].as_f64() > Some(0.8));
    assert_eq!(factor(best, "GEOGRAPHY")["detail"], "один регион");

    // The institute only shares a partner with the enterprise; the evidence names it.
    let institute = find(&ranked, &w.institute.org).expect("the institute");
    assert_eq!(
        institute["evidence"]["commonPartners"],
        json!([{ "id": w.partner.org }])
    );
    assert_eq!(institute["evidence"]["commonPartnerCount"], json!(1));
    assert!(factor(institute, "NETWORK")["value"].as_f64() > Some(0.0));
    assert_eq!(factor(institute, "TEXT")["value"].as_f64(), Some(0.0));

    // Kinds filter: enterprises only leaves the stranger (with no record) out entirely.
    let enterprises = partners(&app, &w.enterprise.token, &w.need, json!(["ENTERPRISE"])).await;
    assert!(enterprises.is_empty(), "{enterprises:?}");
}

async fn members_only_work_counts_without_showing_its_words(app: TestApp) {
    let w = world(&app).await;
    let reply = app
        .gql(
            Some(&w.enterprise.token),
            &partners_query(),
            json!({ "need": w.need, "kinds": ["UNIVERSITY"] }),
        )
        .await;
    let ranked = reply.data("/partnersForNeed").as_array().expect("a list");
    let secretive = find(ranked, &w.secretive.org).expect("ranked on its hidden work");
    assert!(factor(secretive, "TEXT")["value"].as_f64() > Some(0.0));
    assert_eq!(
        secretive["evidence"]["texts"],
        json!([{ "hidden": true, "coverage": secretive["evidence"]["texts"][0]["coverage"],
                 "matchedTerms": [], "portfolioItem": null, "capability": null }])
    );
    assert_no_secret(&reply);

    // The item's own members cannot read the enterprise's confidential need, so they get no
    // partners for it either.
    let refused = app
        .gql(
            Some(&w.secretive.token),
            &partners_query(),
            json!({ "need": w.need, "kinds": null }),
        )
        .await;
    assert_eq!(refused.error_code(), "NOT_FOUND");

    // Removed, the item stops counting at once.
    let removed = app
        .gql(
            Some(&w.secretive.token),
            REMOVE_ITEM,
            json!({ "id": w.secret_item }),
        )
        .await;
    assert_eq!(
        removed.data("/removePortfolioItem/removedId"),
        &json!(w.secret_item)
    );
    let ranked = partners(&app, &w.enterprise.token, &w.need, json!(["UNIVERSITY"])).await;
    assert!(find(&ranked, &w.secretive.org).is_none(), "{ranked:?}");
    assert!(find(&ranked, &w.partner.org).is_some());
}

async fn strangers_and_anonymous_callers_get_no_partners(app: TestApp) {
    let w = world(&app).await;
    let stranger = app
        .gql(
            Some(&w.stranger.token),
            &partners_query(),
            json!({ "need": w.need, "kinds": null }),
        )
        .await;
    assert_eq!(stranger.error_code(), "NOT_FOUND");
    let anonymous = app
        .gql(
            None,
            &partners_query(),
            json!({ "need": w.need, "kinds": null }),
        )
        .await;
    assert_eq!(anonymous.error_code(), "UNAUTHENTICATED");
}

async fn organizations_get_partners_for_what_they_seek_and_do(app: TestApp) {
    let w = world(&app).await;
    let universities = json!(["UNIVERSITY", "RESEARCH_INSTITUTE"]);
    // The enterprise's confidential need and its shared project say what it looks for.
    let reply = app
        .gql(
            Some(&w.enterprise.token),
            &suggestions_query(),
            json!({ "org": w.enterprise.org, "kinds": universities }),
        )
        .await;
    let ranked = reply
        .data("/partnerSuggestions")
        .as_array()
        .expect("a list");
    let order: Vec<&Value> = ranked.iter().map(|p| &p["organization"]["id"]).collect();
    assert_eq!(
        order,
        [
            &json!(w.partner.org),
            &json!(w.institute.org),
            &json!(w.secretive.org)
        ]
    );
    let best = &ranked[0];
    assert_eq!(
        best["evidence"]["texts"][0]["portfolioItem"]["id"],
        json!(w.shared_item)
    );
    assert_eq!(
        best["evidence"]["sharedItems"],
        json!([{ "id": w.shared_item }])
    );
    assert_eq!(ranked[2]["evidence"]["texts"][0]["hidden"], json!(true));
    assert_no_secret(&reply);

    // An organisation with no need is described by its own work: the secretive university's
    // members-only patent finds the university that worked on the same catalysts.
    let own = app
        .gql(
            Some(&w.secretive.token),
            &suggestions_query(),
            json!({ "org": w.secretive.org, "kinds": ["UNIVERSITY"] }),
        )
        .await;
    let ranked = own.data("/partnerSuggestions").as_array().expect("a list");
    assert_eq!(ranked[0]["organization"]["id"], json!(w.partner.org));
    assert!(factor(&ranked[0], "TEXT")["value"].as_f64() > Some(0.5));
    assert!(find(ranked, &w.secretive.org).is_none());

    // Only its members (and platform admins) may ask.
    let stranger = app
        .gql(
            Some(&w.stranger.token),
            &suggestions_query(),
            json!({ "org": w.enterprise.org, "kinds": null }),
        )
        .await;
    assert_eq!(stranger.error_code(), "FORBIDDEN");
    let anonymous = app
        .gql(
            None,
            &suggestions_query(),
            json!({ "org": w.enterprise.org, "kinds": null }),
        )
        .await;
    assert_eq!(anonymous.error_code(), "UNAUTHENTICATED");
}

/// Every factor of a partner's score is explained in the language `Accept-Language` asks for:
/// Kazakh, Russian and English are three different texts, and the Kazakh and Russian ones are
/// written in Cyrillic. (Each wording of a pair's factors is checked the same way in
/// `domain::matching::explain`.)
async fn explanations_follow_accept_language(app: TestApp) {
    let w = world(&app).await;
    let cyrillic = |t: &str| t.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c));
    let mut details: Vec<[String; 3]> = Vec::new();
    for (query, path) in [(partners_query(), "/partnersForNeed")] {
        let mut by_lang = Vec::new();
        for lang in ["kk", "ru", "en"] {
            let reply = app
                .gql_in(
                    lang,
                    Some(&w.enterprise.token),
                    &query,
                    json!({ "need": w.need }),
                )
                .await;
            let ranked = reply.data(path).as_array().expect("ranked").clone();
            assert!(!ranked.is_empty(), "{path}");
            by_lang.push(
                ranked
                    .iter()
                    .flat_map(|r| r["factors"].as_array().expect("factors").clone())
                    .map(|f| f["detail"].as_str().expect("detail").to_owned())
                    .collect::<Vec<_>>(),
            );
        }
        for ((kk, ru), en) in by_lang[0].iter().zip(&by_lang[1]).zip(&by_lang[2]) {
            details.push([kk.clone(), ru.clone(), en.clone()]);
        }
    }
    assert!(details.len() >= 5, "{details:?}");
    for [kk, ru, en] in details {
        assert!(!cyrillic(&en), "English: {en}");
        assert!(cyrillic(&kk) && kk != ru, "Kazakh for {en:?}: {kk:?}");
        assert!(cyrillic(&ru), "Russian for {en:?}: {ru:?}");
    }
}

crate::db_tests!(
    explanations_follow_accept_language,
    organizations_get_partners_for_what_they_seek_and_do,
    partners_are_ranked_by_record_and_history_with_evidence,
    members_only_work_counts_without_showing_its_words,
    strangers_and_anonymous_callers_get_no_partners,
);
