//! The registry: organisations, memberships and science cities, with their rules and rights.

use serde_json::{Value, json};

use crate::helpers::{TestApp, bins};

const CREATE: &str = "mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id kind bin country name { kk ru en text(lang: KK) } region { code } viewerRole members { role user { email } } } } }";
const UPDATE: &str = "mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { organization { id name { en ru } website description { en } } } }";

fn org_input(bin: &str) -> Value {
    json!({ "kind": "UNIVERSITY", "name": { "en": "Satbayev University", "kk": "Сәтбаев университеті" }, "bin": bin, "regionCode": "KZ-75" })
}

async fn register_login_create_and_update(app: TestApp) {
    app.register("rector@satbayev.kz").await;
    let token = app
        .login("rector@satbayev.kz", "correct horse battery")
        .await;
    let token = token
        .data("/login/accessToken")
        .as_str()
        .expect("token")
        .to_owned();
    let bin = &bins(1)[0];

    let created = app
        .gql(Some(&token), CREATE, json!({ "input": org_input(bin) }))
        .await;
    let org = created.data("/createOrganization/organization");
    assert_eq!(org["kind"], "UNIVERSITY");
    assert_eq!(org["bin"], json!(bin));
    assert_eq!(org["country"], "KZ");
    assert_eq!(
        org["name"],
        json!({ "kk": "Сәтбаев университеті", "ru": null, "en": "Satbayev University", "text": "Сәтбаев университеті" })
    );
    assert_eq!(org["region"]["code"], "KZ-75");
    assert_eq!(org["viewerRole"], "ADMIN");
    assert_eq!(
        org["members"],
        json!([{ "role": "ADMIN", "user": { "email": "rector@satbayev.kz" } }])
    );
    let id = org["id"].as_str().expect("id").to_owned();

    // Matching reads an organisation's kind and place, not its profile: editing the profile
    // takes no matching revision (so it never queues behind matching writes); moving it does.
    let revision = "SELECT value FROM matching_revision WHERE id = 1";
    let before = app.count(revision).await;
    let updated = app
        .gql(
            Some(&token),
            UPDATE,
            json!({ "input": { "id": id, "name": { "en": "Satbayev University", "ru": "Университет Сатпаева" }, "website": "https://satbayev.university", "description": { "en": "Technical research university" } } }),
        )
        .await;
    assert_eq!(
        updated.data("/updateOrganization/organization"),
        &json!({ "id": id, "name": { "en": "Satbayev University", "ru": "Университет Сатпаева" }, "website": "https://satbayev.university", "description": { "en": "Technical research university" } })
    );
    // `null` clears an optional field; omitting it leaves it.
    let cleared = app
        .gql(
            Some(&token),
            UPDATE,
            json!({ "input": { "id": id, "website": null } }),
        )
        .await;
    assert_eq!(
        cleared.data("/updateOrganization/organization/website"),
        &Value::Null
    );
    assert_eq!(
        cleared.data("/updateOrganization/organization/description/en"),
        "Technical research university"
    );
    assert_eq!(app.count(revision).await, before, "profile edits");
    app.gql(
        Some(&token),
        UPDATE,
        json!({ "input": { "id": id, "regionCode": "KZ-71" } }),
    )
    .await
    .data("/updateOrganization");
    assert_eq!(app.count(revision).await, before + 1, "a move");

    let fetched = app.gql(None, "query($id: ID!) { organization(id: $id) { name { ru } members { role } } node(id: $id) { id } }", json!({ "id": id })).await;
    assert_eq!(
        fetched.data("/organization/name/ru"),
        "Университет Сатпаева"
    );
    assert_eq!(
        fetched.data("/organization/members"),
        &Value::Null,
        "strangers do not see members"
    );
    assert_eq!(fetched.data("/node/id"), &json!(id));
}

async fn another_organisations_member_is_forbidden(app: TestApp) {
    let owner = app.register("owner@a.kz").await;
    let stranger = app.register("stranger@b.kz").await;
    let b = bins(2);
    let org_a = app.create_org(&owner, "Org A", &b[0]).await;
    app.create_org(&stranger, "Org B", &b[1]).await;

    let reply = app
        .gql(
            Some(&stranger),
            UPDATE,
            json!({ "input": { "id": org_a, "name": { "en": "Hijacked" } } }),
        )
        .await;
    assert_eq!(reply.error_code(), "FORBIDDEN");
    let anonymous = app
        .gql(
            None,
            UPDATE,
            json!({ "input": { "id": org_a, "name": { "en": "Hijacked" } } }),
        )
        .await;
    assert_eq!(anonymous.error_code(), "UNAUTHENTICATED");
    let reply = app
        .gql(
            Some(&stranger),
            INVITE,
            json!({ "org": org_a, "email": "stranger@b.kz", "role": "ADMIN" }),
        )
        .await;
    assert_eq!(reply.error_code(), "FORBIDDEN");

    let name = app
        .gql(
            None,
            "query($id: ID!) { organization(id: $id) { name { en } } }",
            json!({ "id": org_a }),
        )
        .await;
    assert_eq!(name.data("/organization/name/en"), "Org A");
    assert_eq!(app.count("SELECT COUNT(*) FROM membership").await, 2);
}

const INVITE: &str = "mutation($org: ID!, $email: String!, $role: MembershipRole) { inviteMember(input: { organizationId: $org, email: $email, role: $role }) { invitation { id email role accepted organization { id } } } }";
const RESPOND: &str = "mutation($id: ID!, $accept: Boolean!) { respondToInvitation(input: { invitationId: $id, accept: $accept }) { invitation { accepted } membership { role user { email } organization { id } } } }";
const PENDING: &str = "{ me { pendingInvitations { id role organization { id } } } }";

fn reason(reply: &crate::helpers::Reply) -> Option<&str> {
    reply.body["errors"][0]["extensions"]["reason"].as_str()
}

/// The user ID of the member with `email` in an `organization { members { user { id email } } }`
/// reply.
fn member_id(members: &crate::helpers::Reply, email: &str) -> Value {
    members
        .data("/organization/members")
        .as_array()
        .expect("members")
        .iter()
        .find(|m| m["user"]["email"] == email)
        .expect("member")["user"]["id"]
        .clone()
}

async fn members_join_by_invitation_and_the_last_admin_stays(app: TestApp) {
    let owner = app.register("owner@a.kz").await;
    let colleague = app.register("colleague@a.kz").await;
    let org = app.create_org(&owner, "Org A", &bins(1)[0]).await;

    // Inviting answers alike whether the e-mail has an account or not.
    let invite = |email: &'static str| {
        let (app, owner, org) = (&app, &owner, &org);
        async move {
            app.gql(Some(owner), INVITE, json!({ "org": org, "email": email }))
                .await
        }
    };
    let unknown = invite("nobody@a.kz").await;
    let known = invite("Colleague@A.kz").await;
    for reply in [&unknown, &known] {
        let invitation = reply.data("/inviteMember/invitation");
        assert_eq!(invitation["role"], "MEMBER");
        assert_eq!(invitation["accepted"], Value::Null);
        assert_eq!(invitation["organization"]["id"], json!(org));
    }
    assert_eq!(
        known.data("/inviteMember/invitation/email"),
        "colleague@a.kz"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM membership").await, 1);

    // Only the addressee sees and answers it; a stranger's answer is "not found".
    let pending = app.gql(Some(&colleague), PENDING, json!({})).await;
    let id = pending.data("/me/pendingInvitations/0/id").clone();
    assert_eq!(
        app.gql(Some(&owner), PENDING, json!({}))
            .await
            .data("/me/pendingInvitations"),
        &json!([])
    );
    let stranger = app.register("stranger@b.kz").await;
    let stolen = app
        .gql(
            Some(&stranger),
            RESPOND,
            json!({ "id": id, "accept": true }),
        )
        .await;
    assert_eq!(stolen.error_code(), "NOT_FOUND");
    assert_eq!(stolen.error_field(), Some("invitationId"));
    let joined = app
        .gql(
            Some(&colleague),
            RESPOND,
            json!({ "id": id, "accept": true }),
        )
        .await;
    assert_eq!(
        joined.data("/respondToInvitation/membership"),
        &json!({ "role": "MEMBER", "user": { "email": "colleague@a.kz" }, "organization": { "id": org } })
    );
    let twice = app
        .gql(
            Some(&colleague),
            RESPOND,
            json!({ "id": id, "accept": true }),
        )
        .await;
    assert_eq!(twice.error_field(), Some("invitationId"));
    let again = invite("colleague@a.kz").await;
    assert_eq!(again.error_field(), Some("email"), "already a member");

    // A member edits the profile but does not manage members.
    let edit = app
        .gql(
            Some(&colleague),
            UPDATE,
            json!({ "input": { "id": org, "name": { "en": "Org A Ltd" } } }),
        )
        .await;
    assert_eq!(
        edit.data("/updateOrganization/organization/name/en"),
        "Org A Ltd"
    );
    let manage = app
        .gql(
            Some(&colleague),
            INVITE,
            json!({ "org": org, "email": "friend@a.kz", "role": "ADMIN" }),
        )
        .await;
    assert_eq!(manage.error_code(), "FORBIDDEN");
    let bin_change = app
        .gql(
            Some(&owner),
            UPDATE,
            json!({ "input": { "id": org, "bin": bins(2)[1] } }),
        )
        .await;
    assert_eq!(
        bin_change.error_code(),
        "FORBIDDEN",
        "only platform admins change a BIN"
    );

    // The last admin can neither leave nor be demoted; once another admin exists, both can.
    let members = app
        .gql(
            Some(&owner),
            "query($id: ID!) { organization(id: $id) { members { role user { id email } } } }",
            json!({ "id": org }),
        )
        .await;
    let (owner_id, colleague_id) = (
        member_id(&members, "owner@a.kz"),
        member_id(&members, "colleague@a.kz"),
    );
    let leave = "mutation($org: ID!) { leaveOrganization(organizationId: $org) { userId } }";
    let role = "mutation($org: ID!, $user: ID!, $role: MembershipRole!) { changeMemberRole(input: { organizationId: $org, userId: $user, role: $role }) { membership { role } } }";
    let refused = app.gql(Some(&owner), leave, json!({ "org": org })).await;
    assert_eq!(reason(&refused), Some("LAST_ADMIN"));
    // Without Accept-Language the message is English; a client that asks for Kazakh or
    // Russian reads it in that language, the English original kept as `detail`, the code and
    // reason unchanged.
    let english = refused.body["errors"][0]["message"].clone();
    assert!(english.as_str().is_some_and(|m| m.is_ascii()), "{english}");
    for (lang, words) in [
        ("kk", "Ұйым әкімшісіз қалар еді."),
        (
            "ru-RU,ru;q=0.9",
            "Организация осталась бы без администратора.",
        ),
    ] {
        let refused = app
            .gql_in(lang, Some(&owner), leave, json!({ "org": org }))
            .await;
        assert_eq!(reason(&refused), Some("LAST_ADMIN"));
        let error = &refused.body["errors"][0];
        assert_eq!(error["message"], words, "{lang}");
        assert_eq!(error["extensions"]["detail"], english, "{lang}");
    }
    let unknown = app
        .gql_in(
            "kk",
            Some(&owner),
            leave,
            json!({ "org": "T3JnYW5pemF0aW9uOjk5OTk5" }),
        )
        .await;
    assert_eq!(unknown.error_code(), "NOT_FOUND", "{:#}", unknown.body);
    assert_eq!(
        unknown.body["errors"][0]["message"],
        "«organizationId» өрісінде көрсетілген нысан табылмады."
    );
    let refused = app
        .gql(
            Some(&owner),
            role,
            json!({ "org": org, "user": owner_id, "role": "MEMBER" }),
        )
        .await;
    assert_eq!(reason(&refused), Some("LAST_ADMIN"));
    let promoted = app
        .gql(
            Some(&owner),
            role,
            json!({ "org": org, "user": colleague_id, "role": "ADMIN" }),
        )
        .await;
    assert_eq!(promoted.data("/changeMemberRole/membership/role"), "ADMIN");
    let left = app.gql(Some(&owner), leave, json!({ "org": org })).await;
    assert_eq!(left.data("/leaveOrganization/userId"), &owner_id);
    let removed = app
        .gql(
            Some(&colleague),
            "mutation($org: ID!, $user: ID!) { removeMember(input: { organizationId: $org, userId: $user }) { userId } }",
            json!({ "org": org, "user": colleague_id }),
        )
        .await;
    assert_eq!(reason(&removed), Some("LAST_ADMIN"));
    assert_eq!(app.count("SELECT COUNT(*) FROM membership").await, 1);

    // Two admins demoting each other at the same moment: one wins, one admin remains.
    let second = app.register("second@a.kz").await;
    let invited = app
        .gql(
            Some(&colleague),
            INVITE,
            json!({ "org": org, "email": "second@a.kz", "role": "ADMIN" }),
        )
        .await;
    let id = invited.data("/inviteMember/invitation/id").clone();
    app.gql(Some(&second), RESPOND, json!({ "id": id, "accept": true }))
        .await
        .data("/respondToInvitation/membership");
    let members = app
        .gql(
            Some(&colleague),
            "query($id: ID!) { organization(id: $id) { members { user { id email } } } }",
            json!({ "id": org }),
        )
        .await;
    let demote = |token: &str, user: Value| {
        app.spawn_gql(
            Some(token.to_owned()),
            "mutation($org: ID!, $user: ID!) { changeMemberRole(input: { organizationId: $org, userId: $user, role: MEMBER }) { membership { role } } }",
            json!({ "org": org, "user": user }),
        )
    };
    let (a, b) = (
        demote(&colleague, member_id(&members, "second@a.kz")),
        demote(&second, member_id(&members, "colleague@a.kz")),
    );
    let answers = [a.await.expect("joined"), b.await.expect("joined")];
    // The loser is refused as the last admin, or — if the winner committed before its request
    // began — as no longer an admin at all.
    let code = |r: &crate::helpers::Reply| r.body["errors"][0]["extensions"]["code"].clone();
    let refused = answers
        .iter()
        .filter(|r| reason(r) == Some("LAST_ADMIN") || code(r) == "FORBIDDEN")
        .count();
    let won = answers
        .iter()
        .filter(|r| r.body["errors"].is_null())
        .count();
    assert_eq!(
        (won, refused),
        (1, 1),
        "{:#?}",
        answers.iter().map(|r| &r.body).collect::<Vec<_>>()
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM membership WHERE role = 'ADMIN'")
            .await,
        1
    );
}

async fn invalid_bins_are_refused_and_nothing_is_written(app: TestApp) {
    let token = app.register("bins@example.kz").await;
    let vectors = include_str!("../fixtures/bin_iin_test_vectors.csv");
    let mut refused = 0;
    for line in vectors.lines().skip(1) {
        let cols: Vec<&str> = line.splitn(4, ',').collect();
        // Every invalid BIN vector, and every IIN: a personal number is not a BIN.
        if cols[1] == "BIN" && cols[2] == "true" {
            continue;
        }
        let reply = app
            .gql(Some(&token), CREATE, json!({ "input": org_input(cols[0]) }))
            .await;
        assert_eq!(reply.error_code(), "BAD_USER_INPUT", "{line}");
        assert_eq!(reply.error_field(), Some("bin"), "{line}");
        refused += 1;
    }
    assert_eq!(refused, 11);
    for (input, field) in [
        (
            json!({ "kind": "ENTERPRISE", "name": { "en": "No BIN" }, "regionCode": "KZ-75" }),
            "bin",
        ),
        (
            json!({ "kind": "ENTERPRISE", "name": { "en": "No region" }, "bin": bins(1)[0] }),
            "regionCode",
        ),
        (
            json!({ "kind": "ENTERPRISE", "name": { "en": "Bad region" }, "bin": bins(1)[0], "regionCode": "KZ-99" }),
            "regionCode",
        ),
        (
            json!({ "kind": "ENTERPRISE", "name": { "en": " ", "ru": "" }, "bin": bins(1)[0], "regionCode": "KZ-75" }),
            "name",
        ),
        (
            json!({ "kind": "INVESTOR", "name": { "en": "EBRD" }, "country": "GB", "bin": bins(1)[0] }),
            "bin",
        ),
        (
            json!({ "kind": "ENTERPRISE", "name": { "en": "Site" }, "bin": bins(1)[0], "regionCode": "KZ-75", "website": "ftp://x" }),
            "website",
        ),
    ] {
        let reply = app
            .gql(Some(&token), CREATE, json!({ "input": input }))
            .await;
        assert_eq!(reply.error_code(), "BAD_USER_INPUT", "{input}");
        assert_eq!(reply.error_field(), Some(field), "{input}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM organization").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM membership").await, 0);

    // A foreign organisation has neither BIN nor region.
    let ebrd = json!({ "kind": "INVESTOR", "name": { "en": "EBRD" }, "country": "gb" });
    let reply = app
        .gql(Some(&token), CREATE, json!({ "input": ebrd }))
        .await;
    assert_eq!(reply.data("/createOrganization/organization/country"), "GB");
    assert_eq!(
        reply.data("/createOrganization/organization/bin"),
        &Value::Null
    );
}

async fn a_duplicate_bin_gets_a_clear_error(app: TestApp) {
    let first = app.register("first@example.kz").await;
    let second = app.register("second@example.kz").await;
    let bin = &bins(1)[0];
    app.create_org(&first, "First", bin).await;
    let reply = app
        .gql(Some(&second), CREATE, json!({ "input": org_input(bin) }))
        .await;
    assert_eq!(reply.error_code(), "BAD_USER_INPUT");
    assert_eq!(reply.error_field(), Some("bin"));
    assert_eq!(
        reply.body["errors"][0]["message"],
        "an organisation with this BIN is already registered"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM organization").await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM membership").await,
        1,
        "the loser got no membership"
    );
}

async fn science_cities_are_run_by_platform_admins(app: TestApp) {
    let admin = app.admin().await;
    let user = app.register("user@example.kz").await;
    let create = "mutation($input: CreateScienceCityInput!) { createScienceCity(input: $input) { scienceCity { id status name { en } region { code } } } }";
    let input = json!({ "name": { "en": "Alatau Science City", "kk": "Алатау ғылым қаласы" }, "regionCode": "KZ-19" });
    assert_eq!(
        app.gql(Some(&user), create, json!({ "input": input }))
            .await
            .error_code(),
        "FORBIDDEN"
    );
    assert_eq!(
        app.gql(None, create, json!({ "input": input }))
            .await
            .error_code(),
        "UNAUTHENTICATED"
    );
    let city = app
        .gql(Some(&admin), create, json!({ "input": input }))
        .await;
    assert_eq!(
        city.data("/createScienceCity/scienceCity/status"),
        "CANDIDATE"
    );
    assert_eq!(
        city.data("/createScienceCity/scienceCity/region/code"),
        "KZ-19"
    );
    let city_id = city
        .data("/createScienceCity/scienceCity/id")
        .as_str()
        .expect("id")
        .to_owned();

    let update = "mutation($input: UpdateScienceCityInput!) { updateScienceCity(input: $input) { scienceCity { status } } }";
    let skip = app
        .gql(
            Some(&admin),
            update,
            json!({ "input": { "id": city_id, "status": "ACTIVE" } }),
        )
        .await;
    assert_eq!(skip.error_code(), "BAD_USER_INPUT");
    let step = app
        .gql(
            Some(&admin),
            update,
            json!({ "input": { "id": city_id, "status": "DESIGNATED" } }),
        )
        .await;
    assert_eq!(
        step.data("/updateScienceCity/scienceCity/status"),
        "DESIGNATED"
    );
    let back = app
        .gql(
            Some(&admin),
            update,
            json!({ "input": { "id": city_id, "status": "CANDIDATE" } }),
        )
        .await;
    assert_eq!(back.error_code(), "BAD_USER_INPUT");

    // An organisation joins a science city only in the city's own region.
    let b = bins(2);
    let elsewhere = json!({ "kind": "TECHNOPARK", "name": { "en": "Park" }, "bin": b[0], "regionCode": "KZ-75", "scienceCityId": city_id });
    let reply = app
        .gql(Some(&user), CREATE, json!({ "input": elsewhere }))
        .await;
    assert_eq!(reply.error_field(), Some("scienceCityId"));
    let inside = json!({ "kind": "TECHNOPARK", "name": { "en": "Park" }, "bin": b[1], "regionCode": "KZ-19", "scienceCityId": city_id });
    app.gql(Some(&user), CREATE, json!({ "input": inside }))
        .await
        .data("/createOrganization");
    let moved = app
        .gql(
            Some(&admin),
            update,
            json!({ "input": { "id": city_id, "regionCode": "KZ-75" } }),
        )
        .await;
    assert_eq!(
        moved.error_field(),
        Some("regionCode"),
        "a city with members cannot move"
    );

    let list = app
        .gql(None, "query($id: ID!) { scienceCities(filter: { status: DESIGNATED }) { totalCount nodes { name { text(lang: KK) } } } organizations(filter: { scienceCityId: $id }) { totalCount nodes { name { en } scienceCity { id } } } }", json!({ "id": city_id }))
        .await;
    assert_eq!(
        list.data("/scienceCities"),
        &json!({ "totalCount": 1, "nodes": [{ "name": { "text": "Алатау ғылым қаласы" } }] })
    );
    assert_eq!(
        list.data("/organizations"),
        &json!({ "totalCount": 1, "nodes": [{ "name": { "en": "Park" }, "scienceCity": { "id": city_id } }] })
    );
}

async fn management_companies_are_registered_by_platform_admins(app: TestApp) {
    let user = app.register("user@example.kz").await;
    let admin = app.admin().await;
    let b = bins(2);
    let input = |bin: &str| json!({ "kind": "MANAGEMENT_COMPANY", "name": { "en": "MC" }, "bin": bin, "regionCode": "KZ-71" });
    assert_eq!(
        app.gql(Some(&user), CREATE, json!({ "input": input(&b[0]) }))
            .await
            .error_code(),
        "FORBIDDEN"
    );
    let created = app
        .gql(Some(&admin), CREATE, json!({ "input": input(&b[1]) }))
        .await;
    assert_eq!(
        created.data("/createOrganization/organization/kind"),
        "MANAGEMENT_COMPANY"
    );
}

async fn organizations_filter_by_kind_region_and_text(app: TestApp) {
    let token = app.register("filter@example.kz").await;
    let b = bins(3);
    for (kind, name, region, bin) in [
        (
            "UNIVERSITY",
            json!({ "kk": "Қарағанды техникалық университеті" }),
            "KZ-35",
            &b[0],
        ),
        (
            "ENTERPRISE",
            json!({ "ru": "Қазақмыс корпорациясы", "en": "Kazakhmys" }),
            "KZ-35",
            &b[1],
        ),
        (
            "ENTERPRISE",
            json!({ "en": "Almaty 100% Fresh_Foods" }),
            "KZ-75",
            &b[2],
        ),
    ] {
        let input = json!({ "kind": kind, "name": name, "bin": bin, "regionCode": region });
        app.gql(Some(&token), CREATE, json!({ "input": input }))
            .await
            .data("/createOrganization");
    }
    let query = "query($f: OrganizationFilterInput) { organizations(filter: $f) { totalCount nodes { bin } } }";
    let cases = [
        (json!({ "kind": "ENTERPRISE" }), vec![&b[1], &b[2]]),
        (json!({ "regionCode": "KZ-35" }), vec![&b[0], &b[1]]),
        (
            json!({ "regionCode": "350000000", "kind": "UNIVERSITY" }),
            vec![&b[0]],
        ),
        (json!({ "text": "ҚАРАҒАНДЫ" }), vec![&b[0]]),
        (json!({ "text": "kazakhmys" }), vec![&b[1]]),
        (json!({ "text": "100%" }), vec![&b[2]]),
        (json!({ "text": "_" }), vec![&b[2]]),
        (json!({ "text": &b[1][..8] }), vec![&b[0], &b[1], &b[2]]),
        (json!({ "text": "nothing like it" }), vec![]),
    ];
    for (filter, expected) in cases {
        let reply = app.gql(None, query, json!({ "f": filter })).await;
        let got: Vec<&str> = reply
            .data("/organizations/nodes")
            .as_array()
            .expect("nodes")
            .iter()
            .map(|n| n["bin"].as_str().expect("bin"))
            .collect();
        let expected: Vec<&str> = expected.iter().map(|s| s.as_str()).collect();
        assert_eq!(got, expected, "{filter}");
        assert_eq!(
            reply.data("/organizations/totalCount"),
            expected.len(),
            "{filter}"
        );
    }
    let unknown = app
        .gql(None, query, json!({ "f": { "regionCode": "KZ-00" } }))
        .await;
    assert_eq!(unknown.error_code(), "BAD_USER_INPUT");
}

/// An update that starts while another transaction is changing the same organisation waits for
/// it and then applies its change on top, so neither is lost. The test holds that other
/// transaction itself, which makes the interleaving certain rather than lucky: a plain read
/// would see the old row and write it back over the test's change.
async fn an_update_never_overwrites_a_concurrent_one(app: TestApp) {
    use sea_orm::{ConnectionTrait as _, DbBackend};
    let token = app.register("racer@example.kz").await;
    let org = app.create_org(&token, "Original", &bins(1)[0]).await;
    let id = app.count("SELECT MAX(id) FROM organization").await;

    let txn = kopir::db::begin_write(&app.db).await.expect("begin");
    if app.db.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared(&format!(
            "SELECT id FROM organization WHERE id = {id} FOR UPDATE"
        ))
        .await
        .expect("lock");
    }
    let update = app.spawn_gql(
        Some(token.clone()),
        UPDATE,
        json!({ "input": { "id": org, "website": "https://example.kz" } }),
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        !update.is_finished(),
        "the update must wait for the open transaction"
    );
    txn.execute_unprepared(&format!(
        "UPDATE organization SET name_en = 'Renamed' WHERE id = {id}"
    ))
    .await
    .expect("update");
    txn.commit().await.expect("commit");

    update.await.expect("task").data("/updateOrganization");
    let now = app
        .gql(
            None,
            "query($id: ID!) { organization(id: $id) { name { en } website } }",
            json!({ "id": org }),
        )
        .await;
    assert_eq!(
        now.data("/organization"),
        &json!({ "name": { "en": "Renamed" }, "website": "https://example.kz" })
    );
}

crate::db_tests!(
    an_update_never_overwrites_a_concurrent_one,
    register_login_create_and_update,
    another_organisations_member_is_forbidden,
    members_join_by_invitation_and_the_last_admin_stays,
    invalid_bins_are_refused_and_nothing_is_written,
    a_duplicate_bin_gets_a_clear_error,
    science_cities_are_run_by_platform_admins,
    management_companies_are_registered_by_platform_admins,
    organizations_filter_by_kind_region_and_text,
);
