//! IDs an input names, on both databases: an object the caller may not see answers exactly as
//! one that does not exist (`NOT_FOUND`, the same field and message) and writes nothing; a
//! visible object that does not belong to the operation is refused by name.

use std::collections::HashMap;

use chrono::{Duration, Utc};
use kopir::graphql::ids::{NodeType, encode};
use serde_json::{Value, json};

use crate::helpers::{Reply, TestApp, bins};

const CREATE_ORG: &str = "mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } } }";
const RECORD: &str = "mutation($input: RecordDealInput!) { recordDeal(input: $input) { deal { id session { id } } } }";
const REQUEST: &str = "mutation($input: RequestMeetingInput!) { requestMeeting(input: $input) { meeting { id score } } }";
const UPDATE_NEED: &str =
    "mutation($input: UpdateNeedInput!) { updateNeed(input: $input) { need { id status } } }";

fn id(reply: &Reply, pointer: &str) -> String {
    reply.data(pointer).as_str().expect("id").to_owned()
}

/// The parts of an error a client can tell apart.
fn answer(reply: &Reply) -> Value {
    let e = &reply.body["errors"][0];
    json!({ "code": e["extensions"]["code"], "field": e["extensions"]["field"], "message": e["message"], "data": reply.body["data"] })
}

/// The owner runs two organisations (an enterprise with a confidential need, a university with
/// an inactive capability) that met at a session; the outsider runs two others, registered for
/// the same session.
struct World {
    admin: String,
    owner: String,
    outsider: String,
    owner_user: String,
    outsider_user: String,
    city: String,
    /// A valid BIN no organisation has.
    spare_bin: String,
    /// The owner's enterprise and university; the outsider's university and enterprise.
    orgs: [String; 4],
    session: String,
    need: String,
    inactive_capability: String,
    meeting: String,
    /// The owner's deal between its two organisations, and a members-only portfolio item.
    deal: String,
    item: String,
    /// The owner's invitation of a third person.
    invitation: String,
    /// The outsider's own need, active capability, portfolio item and deal.
    outsider_need: String,
    outsider_capability: String,
    outsider_item: String,
    outsider_deal: String,
    /// The outsider's infrastructure project (its university sponsors it), at version 1.
    outsider_project: String,
}

async fn world(app: &TestApp) -> World {
    let admin = app.admin().await;
    let owner = app.register("owner@example.kz").await;
    let outsider = app.register("outsider@example.kz").await;
    let bins = bins(5);
    let mut orgs = Vec::new();
    for (i, (token, kind)) in [
        (&owner, "ENTERPRISE"),
        (&owner, "UNIVERSITY"),
        (&outsider, "UNIVERSITY"),
        (&outsider, "ENTERPRISE"),
    ]
    .into_iter()
    .enumerate()
    {
        let input = json!({ "kind": kind, "name": { "en": format!("Org {i}") }, "bin": bins[i], "regionCode": "KZ-75" });
        orgs.push(id(
            &app.gql(Some(token), CREATE_ORG, json!({ "input": input }))
                .await,
            "/createOrganization/organization/id",
        ));
    }
    let orgs: [String; 4] = orgs.try_into().expect("four");
    let need = id(
        &app.gql(
            Some(&owner),
            "mutation($input: PostNeedInput!) { postNeed(input: $input) { need { id } } }",
            json!({ "input": { "organizationId": orgs[0], "title": { "en": "Secret catalysts" }, "confidentiality": "CONFIDENTIAL" } }),
        )
        .await,
        "/postNeed/need/id",
    );
    let inactive_capability = id(
        &app.gql(
            Some(&owner),
            "mutation($input: PostCapabilityInput!) { postCapability(input: $input) { capability { id } } }",
            json!({ "input": { "organizationId": orgs[1], "title": { "en": "Catalyst testing" }, "active": false } }),
        )
        .await,
        "/postCapability/capability/id",
    );
    let start = Utc::now() + Duration::days(1);
    let session = id(
        &app.gql(
            Some(&admin),
            "mutation($input: CreateSessionInput!) { createSession(input: $input) { session { id } } }",
            json!({ "input": { "title": { "en": "Session" }, "venueOrganizationId": orgs[1],
                "startsAt": start.to_rfc3339(), "endsAt": (start + Duration::hours(3)).to_rfc3339(),
                "tables": 5, "capacity": 10 } }),
        )
        .await,
        "/createSession/session/id",
    );
    for (token, org) in [
        (&owner, &orgs[0]),
        (&owner, &orgs[1]),
        (&outsider, &orgs[2]),
        (&outsider, &orgs[3]),
    ] {
        app.gql(
            Some(token),
            "mutation($s: ID!, $o: ID!) { registerForSession(input: { sessionId: $s, organizationId: $o }) { registration { registeredAt } } }",
            json!({ "s": session, "o": org }),
        )
        .await
        .data("/registerForSession");
    }
    let meeting = id(
        &app.gql(
            Some(&owner),
            REQUEST,
            json!({ "input": { "sessionId": session, "fromOrganizationId": orgs[0], "toOrganizationId": orgs[1] } }),
        )
        .await,
        "/requestMeeting/meeting/id",
    );
    let user = |token: String| async move {
        id(
            &app.gql(Some(&token), "{ me { id } }", json!({})).await,
            "/me/id",
        )
    };
    let (owner_user, outsider_user) = (user(owner.clone()).await, user(outsider.clone()).await);
    let city = id(
        &app.gql(Some(&admin), "mutation { createScienceCity(input: { name: { en: \"City\" }, regionCode: \"KZ-75\" }) { scienceCity { id } } }", json!({}))
            .await,
        "/createScienceCity/scienceCity/id",
    );
    let record = |token: &str, provider: &str, recipient: &str| {
        let input = json!({ "title": { "en": "Licence" }, "dealType": "NON_EXCLUSIVE_LICENCE", "value": "1000",
            "parties": [{ "organizationId": provider, "role": "PROVIDER" }, { "organizationId": recipient, "role": "RECIPIENT" }] });
        let token = token.to_owned();
        async move {
            id(
                &app.gql(Some(&token), RECORD, json!({ "input": input }))
                    .await,
                "/recordDeal/deal/id",
            )
        }
    };
    let deal = record(&owner, &orgs[1], &orgs[0]).await;
    let outsider_deal = record(&outsider, &orgs[2], &orgs[3]).await;
    let add_item = |token: &str, org: &str, members_only: bool| {
        let input = json!({ "kind": "PROJECT", "title": { "en": "Catalysis project" }, "membersOnly": members_only,
            "participants": [{ "organizationId": org }] });
        let token = token.to_owned();
        async move {
            id(&app.gql(Some(&token), "mutation($input: AddPortfolioItemInput!) { addPortfolioItem(input: $input) { item { id } } }", json!({ "input": input })).await,
                "/addPortfolioItem/item/id")
        }
    };
    let item = add_item(&owner, &orgs[0], true).await;
    let outsider_item = add_item(&outsider, &orgs[2], false).await;
    let invitation = id(
        &app.gql(Some(&owner), "mutation($org: ID!) { inviteMember(input: { organizationId: $org, email: \"third@example.kz\" }) { invitation { id } } }", json!({ "org": orgs[0] }))
            .await,
        "/inviteMember/invitation/id",
    );
    let outsider_need = id(
        &app.gql(
            Some(&outsider),
            "mutation($input: PostNeedInput!) { postNeed(input: $input) { need { id } } }",
            json!({ "input": { "organizationId": orgs[3], "title": { "en": "Testing" } } }),
        )
        .await,
        "/postNeed/need/id",
    );
    let outsider_capability = id(
        &app.gql(
            Some(&outsider),
            "mutation($input: PostCapabilityInput!) { postCapability(input: $input) { capability { id } } }",
            json!({ "input": { "organizationId": orgs[2], "title": { "en": "Testing services" } } }),
        )
        .await,
        "/postCapability/capability/id",
    );
    let outsider_project = id(
        &app.gql(Some(&outsider), "mutation($c: ID!, $s: ID!) { createInfrastructureProject(input: { scienceCityId: $c, kind: LABORATORY, title: { en: \"Lab\" }, sponsorId: $s, totalCost: \"1000\" }) { project { id } } }", json!({ "c": city, "s": orgs[2] })).await,
        "/createInfrastructureProject/project/id",
    );
    World {
        outsider_project,
        admin,
        owner,
        outsider,
        owner_user,
        outsider_user,
        city,
        spare_bin: bins[4].clone(),
        deal,
        item,
        invitation,
        outsider_need,
        outsider_capability,
        outsider_item,
        outsider_deal,
        orgs,
        session,
        need,
        inactive_capability,
        meeting,
    }
}

/// Who sends a probe.
#[derive(Clone, Copy)]
enum Caller {
    Outsider,
    Admin,
}

/// One ID an input names, tried by one caller: `args` is a valid call apart from the ID at
/// `path`, which is set to `hidden` (an object of `kind` the caller may not see) and to an ID
/// of `kind` that does not exist. Without `hidden`, every object of the kind is visible to the
/// caller (the registry, sessions, science cities; every account to a platform admin), so only
/// the missing one is tried.
struct Probe {
    path: &'static str,
    caller: Caller,
    kind: NodeType,
    args: Value,
    hidden: Option<String>,
}

impl Probe {
    fn new(path: &'static str, caller: Caller, kind: NodeType, args: Value) -> Probe {
        Probe {
            path,
            caller,
            kind,
            args,
            hidden: None,
        }
    }

    fn hidden(self, id: &str) -> Probe {
        Probe {
            hidden: Some(id.to_owned()),
            ..self
        }
    }
}

/// Every mutation argument that names an ID, as `mutation.path.to.field` (a list's elements
/// are one step), read from the schema — a new mutation or input field appears here at once.
fn id_arguments() -> Vec<String> {
    use async_graphql::parser::types::{BaseType, Type, TypeKind};
    let inputs: HashMap<String, Vec<(String, Type)>> = crate::helpers::schema_types()
        .into_iter()
        .filter_map(|t| match t.kind {
            TypeKind::InputObject(input) => Some((
                t.name.node.to_string(),
                input
                    .fields
                    .into_iter()
                    .map(|f| (f.node.name.node.to_string(), f.node.ty.node))
                    .collect(),
            )),
            _ => None,
        })
        .collect();
    fn named(ty: &Type) -> &str {
        match &ty.base {
            BaseType::Named(name) => name,
            BaseType::List(inner) => named(inner),
        }
    }
    fn walk(
        inputs: &HashMap<String, Vec<(String, Type)>>,
        path: String,
        ty: &Type,
        out: &mut Vec<String>,
    ) {
        match named(ty) {
            "ID" => out.push(path),
            name => {
                for (field, ty) in inputs.get(name).into_iter().flatten() {
                    walk(inputs, format!("{path}.{field}"), ty, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    for mutation in crate::helpers::root_fields("Mutation") {
        for argument in &mutation.arguments {
            let path = format!("{}.{}", mutation.name.node, argument.node.name.node);
            walk(&inputs, path, &argument.node.ty.node, &mut out);
        }
    }
    out
}

/// A document that calls `mutation` with every argument as a variable of its schema type.
fn document(mutation: &str) -> String {
    let field = crate::helpers::root_fields("Mutation")
        .into_iter()
        .find(|f| f.name.node == mutation)
        .unwrap_or_else(|| panic!("no mutation {mutation}"));
    let (declared, passed): (Vec<String>, Vec<String>) = field
        .arguments
        .iter()
        .map(|a| {
            let name = &a.node.name.node;
            (
                format!("${name}: {}", a.node.ty.node),
                format!("{name}: ${name}"),
            )
        })
        .unzip();
    format!(
        "mutation({}) {{ {mutation}({}) {{ __typename }} }}",
        declared.join(", "),
        passed.join(", ")
    )
}

/// Sets the value at `path` (field names; into a list's first element) inside `args`.
fn set(args: &mut Value, path: &[&str], id: &str) {
    let Some((first, rest)) = path.split_first() else {
        *args = json!(id);
        return;
    };
    let mut slot = &mut args[*first];
    if let Value::Array(items) = slot {
        slot = items
            .first_mut()
            .expect("a list with one element to name the ID in");
    }
    set(slot, rest, id)
}

/// Every row of every table: what a refused write must leave exactly as it was.
async fn snapshot(app: &TestApp) -> Vec<(String, Vec<Value>)> {
    use sea_orm::{DatabaseBackend, FromQueryResult as _, Statement};
    let backend = app.db.get_database_backend();
    let tables = match backend {
        DatabaseBackend::Sqlite => {
            "SELECT name AS t FROM sqlite_master WHERE type = 'table' ORDER BY 1"
        }
        _ => "SELECT tablename AS t FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1",
    };
    let tables = Value::find_by_statement(Statement::from_string(backend, tables))
        .all(&app.db)
        .await
        .expect("tables");
    let mut rows = Vec::new();
    for table in tables {
        let table = table["t"].as_str().expect("table name").to_owned();
        let all = Value::find_by_statement(Statement::from_string(
            backend,
            format!("SELECT * FROM {table} ORDER BY 1"),
        ))
        .all(&app.db)
        .await
        .expect("rows");
        rows.push((table, all));
    }
    rows
}

fn probes(w: &World) -> HashMap<&'static str, Probe> {
    use Caller::{Admin, Outsider};
    use NodeType::{
        Capability, Deal, InfrastructureFinancing, InfrastructureProject, Invitation, Meeting,
        Need, Organization, PortfolioItem, ScienceCity, Session, User,
    };
    let [_, _, own_university, own_enterprise] = &w.orgs;
    let name = json!({ "en": "Probe" });
    let infrastructure = json!({ "input": { "scienceCityId": w.city, "kind": "LABORATORY", "title": name, "sponsorId": own_university, "operatorId": own_university, "totalCost": "1" } });
    let financing = json!({ "input": { "projectId": w.outsider_project, "expectedVersion": 1, "source": "PPP", "instrument": "CONCESSION",
        "financierId": own_university, "publicPartyId": own_university, "pledged": "1", "pledgedOn": "2026-01-01" } });
    let org = json!({ "input": { "kind": "ENTERPRISE", "name": name, "bin": w.spare_bin, "regionCode": "KZ-75", "scienceCityId": w.city } });
    let need = json!({ "input": { "organizationId": own_enterprise, "title": name, "sharedWith": [own_university] } });
    let capability = json!({ "input": { "organizationId": own_university, "title": name } });
    let item = json!({ "input": { "kind": "PROJECT", "title": name, "participants": [{ "organizationId": own_university }] } });
    let start = Utc::now() + Duration::days(2);
    let session = json!({ "input": { "title": name, "venueOrganizationId": own_university, "scienceCityId": w.city,
        "startsAt": start.to_rfc3339(), "endsAt": (start + Duration::hours(2)).to_rfc3339(), "tables": 2, "capacity": 4 } });
    let register = json!({ "input": { "sessionId": w.session, "organizationId": own_enterprise } });
    let meeting = json!({ "input": { "sessionId": w.session, "fromOrganizationId": own_enterprise, "toOrganizationId": own_university,
        "needId": w.outsider_need, "capabilityId": w.outsider_capability } });
    let deal = json!({ "input": { "title": name, "dealType": "NON_EXCLUSIVE_LICENCE", "value": "1000",
        "parties": [{ "organizationId": own_university, "role": "PROVIDER" }, { "organizationId": own_enterprise, "role": "RECIPIENT" }],
        "financing": [{ "source": "PRIVATE", "amount": "1000", "investorOrganizationId": own_enterprise }],
        "sessionId": w.session, "scienceCityId": w.city } });
    let role = json!({ "input": { "organizationId": own_university, "userId": w.outsider_user, "role": "MEMBER" } });
    let member =
        json!({ "input": { "organizationId": own_university, "userId": w.outsider_user } });
    let target = json!({ "input": { "indicatorCode": "JOBS_CREATED", "scienceCityId": w.city, "year": 2027, "target": "10", "critical": "5" } });
    let value = json!({ "input": { "indicatorCode": "JOBS_CREATED", "scienceCityId": w.city, "year": 2027, "value": "12" } });
    [
        ("setAccountActive.input.userId", Probe::new("input.userId", Admin, User, json!({ "input": { "userId": w.outsider_user, "active": false } }))),
        ("createOrganization.input.scienceCityId", Probe::new("input.scienceCityId", Outsider, ScienceCity, org.clone())),
        ("updateOrganization.input.id", Probe::new("input.id", Outsider, Organization, json!({ "input": { "id": own_university, "name": name } }))),
        ("updateOrganization.input.scienceCityId", Probe::new("input.scienceCityId", Outsider, ScienceCity, json!({ "input": { "id": own_university, "scienceCityId": w.city } }))),
        ("inviteMember.input.organizationId", Probe::new("input.organizationId", Outsider, Organization, json!({ "input": { "organizationId": own_university, "email": "new@example.kz" } }))),
        ("respondToInvitation.input.invitationId", Probe::new("input.invitationId", Outsider, Invitation, json!({ "input": { "invitationId": w.invitation, "accept": true } })).hidden(&w.invitation)),
        ("changeMemberRole.input.organizationId", Probe::new("input.organizationId", Outsider, Organization, role.clone())),
        ("changeMemberRole.input.userId", Probe::new("input.userId", Outsider, User, role).hidden(&w.owner_user)),
        ("removeMember.input.organizationId", Probe::new("input.organizationId", Outsider, Organization, member.clone())),
        ("removeMember.input.userId", Probe::new("input.userId", Outsider, User, member).hidden(&w.owner_user)),
        ("leaveOrganization.organizationId", Probe::new("organizationId", Outsider, Organization, json!({ "organizationId": own_university }))),
        ("updateScienceCity.input.id", Probe::new("input.id", Admin, ScienceCity, json!({ "input": { "id": w.city, "name": name } }))),
        ("postNeed.input.organizationId", Probe::new("input.organizationId", Outsider, Organization, need.clone())),
        ("postNeed.input.sharedWith", Probe::new("input.sharedWith", Outsider, Organization, need)),
        ("updateNeed.input.id", Probe::new("input.id", Outsider, Need, json!({ "input": { "id": w.need, "title": name } })).hidden(&w.need)),
        ("updateNeed.input.sharedWith", Probe::new("input.sharedWith", Outsider, Organization, json!({ "input": { "id": w.outsider_need, "sharedWith": [own_university] } }))),
        ("updateNeed.input.matchedCapabilityId", Probe::new("input.matchedCapabilityId", Outsider, Capability, json!({ "input": { "id": w.outsider_need, "status": "MATCHED" } })).hidden(&w.inactive_capability)),
        ("closeNeed.input.id", Probe::new("input.id", Outsider, Need, json!({ "input": { "id": w.need } })).hidden(&w.need)),
        ("postCapability.input.organizationId", Probe::new("input.organizationId", Outsider, Organization, capability)),
        ("updateCapability.input.id", Probe::new("input.id", Outsider, Capability, json!({ "input": { "id": w.inactive_capability, "title": name } })).hidden(&w.inactive_capability)),
        ("addPortfolioItem.input.participants.organizationId", Probe::new("input.participants.organizationId", Outsider, Organization, item)),
        ("updatePortfolioItem.input.id", Probe::new("input.id", Outsider, PortfolioItem, json!({ "input": { "id": w.item, "title": name } })).hidden(&w.item)),
        ("updatePortfolioItem.input.participants.organizationId", Probe::new("input.participants.organizationId", Outsider, Organization, json!({ "input": { "id": w.outsider_item, "participants": [{ "organizationId": own_university }] } }))),
        ("removePortfolioItem.input.id", Probe::new("input.id", Outsider, PortfolioItem, json!({ "input": { "id": w.item } })).hidden(&w.item)),
        ("createSession.input.venueOrganizationId", Probe::new("input.venueOrganizationId", Admin, Organization, session.clone())),
        ("createSession.input.scienceCityId", Probe::new("input.scienceCityId", Admin, ScienceCity, session)),
        ("registerForSession.input.sessionId", Probe::new("input.sessionId", Outsider, Session, register.clone())),
        ("registerForSession.input.organizationId", Probe::new("input.organizationId", Outsider, Organization, register)),
        ("requestMeeting.input.sessionId", Probe::new("input.sessionId", Outsider, Session, meeting.clone())),
        ("requestMeeting.input.fromOrganizationId", Probe::new("input.fromOrganizationId", Outsider, Organization, meeting.clone())),
        ("requestMeeting.input.toOrganizationId", Probe::new("input.toOrganizationId", Outsider, Organization, meeting.clone())),
        ("requestMeeting.input.needId", Probe::new("input.needId", Outsider, Need, meeting.clone()).hidden(&w.need)),
        ("requestMeeting.input.capabilityId", Probe::new("input.capabilityId", Outsider, Capability, meeting).hidden(&w.inactive_capability)),
        ("respondToMeeting.input.meetingId", Probe::new("input.meetingId", Outsider, Meeting, json!({ "input": { "meetingId": w.meeting, "accept": true } })).hidden(&w.meeting)),
        ("bookMeeting.input.meetingId", Probe::new("input.meetingId", Outsider, Meeting, json!({ "input": { "meetingId": w.meeting, "slot": 0 } })).hidden(&w.meeting)),
        ("cancelMeeting.input.meetingId", Probe::new("input.meetingId", Outsider, Meeting, json!({ "input": { "meetingId": w.meeting } })).hidden(&w.meeting)),
        ("reportMeetingOutcome.input.meetingId", Probe::new("input.meetingId", Outsider, Meeting, json!({ "input": { "meetingId": w.meeting, "attendance": "HELD" } })).hidden(&w.meeting)),
        ("reportMeetingOutcome.input.organizationId", Probe::new("input.organizationId", Outsider, Organization, json!({ "input": { "meetingId": w.meeting, "organizationId": w.orgs[2], "attendance": "HELD" } }))),
        ("scheduleSession.input.sessionId", Probe::new("input.sessionId", Admin, Session, json!({ "input": { "sessionId": w.session } }))),
        ("recordDeal.input.parties.organizationId", Probe::new("input.parties.organizationId", Outsider, Organization, deal.clone())),
        ("recordDeal.input.financing.investorOrganizationId", Probe::new("input.financing.investorOrganizationId", Outsider, Organization, deal.clone())),
        ("recordDeal.input.needId", Probe::new("input.needId", Outsider, Need, deal.clone()).hidden(&w.need)),
        ("recordDeal.input.capabilityId", Probe::new("input.capabilityId", Outsider, Capability, deal.clone()).hidden(&w.inactive_capability)),
        ("recordDeal.input.meetingId", Probe::new("input.meetingId", Outsider, Meeting, deal.clone()).hidden(&w.meeting)),
        ("recordDeal.input.sessionId", Probe::new("input.sessionId", Outsider, Session, deal.clone())),
        ("recordDeal.input.scienceCityId", Probe::new("input.scienceCityId", Outsider, ScienceCity, deal)),
        ("advanceDeal.input.id", Probe::new("input.id", Outsider, Deal, json!({ "input": { "id": w.deal, "stage": "NEGOTIATING", "expectedVersion": 1 } })).hidden(&w.deal)),
        ("updateDealTerms.input.id", Probe::new("input.id", Outsider, Deal, json!({ "input": { "id": w.deal, "expectedVersion": 1, "value": "2000" } })).hidden(&w.deal)),
        ("updateDealTerms.input.financing.investorOrganizationId", Probe::new("input.financing.investorOrganizationId", Outsider, Organization,
            json!({ "input": { "id": w.outsider_deal, "expectedVersion": 1, "financing": [{ "source": "PRIVATE", "amount": "1000", "investorOrganizationId": own_enterprise }] } }))),
        ("createInfrastructureProject.input.scienceCityId", Probe::new("input.scienceCityId", Outsider, ScienceCity, infrastructure.clone())),
        ("createInfrastructureProject.input.sponsorId", Probe::new("input.sponsorId", Outsider, Organization, infrastructure.clone())),
        ("createInfrastructureProject.input.operatorId", Probe::new("input.operatorId", Outsider, Organization, infrastructure)),
        ("updateInfrastructureProject.input.id", Probe::new("input.id", Outsider, InfrastructureProject, json!({ "input": { "id": w.outsider_project, "expectedVersion": 1 } }))),
        ("updateInfrastructureProject.input.operatorId", Probe::new("input.operatorId", Outsider, Organization, json!({ "input": { "id": w.outsider_project, "expectedVersion": 1, "operatorId": own_university } }))),
        ("advanceInfrastructureProject.input.id", Probe::new("input.id", Outsider, InfrastructureProject, json!({ "input": { "id": w.outsider_project, "stage": "FINANCING", "expectedVersion": 1 } }))),
        ("recordInfrastructureFinancing.input.projectId", Probe::new("input.projectId", Outsider, InfrastructureProject, financing.clone())),
        ("recordInfrastructureFinancing.input.financingId", Probe::new("input.financingId", Outsider, InfrastructureFinancing, financing.clone())),
        ("recordInfrastructureFinancing.input.financierId", Probe::new("input.financierId", Outsider, Organization, financing.clone())),
        ("recordInfrastructureFinancing.input.publicPartyId", Probe::new("input.publicPartyId", Outsider, Organization, financing)),
        ("recordInfrastructureDisbursement.input.financingId", Probe::new("input.financingId", Outsider, InfrastructureFinancing, json!({ "input": { "expectedVersion": 1, "amount": "1", "paidOn": "2026-01-01" } }))),
        ("setIndicatorTarget.input.scienceCityId", Probe::new("input.scienceCityId", Admin, ScienceCity, target)),
        ("recordIndicatorValue.input.scienceCityId", Probe::new("input.scienceCityId", Admin, ScienceCity, value)),
    ]
    .into_iter()
    .collect()
}

/// The walk the issue asks for: every ID argument of every mutation, read from the schema, is
/// tried with a hidden object (where one can exist) and a missing one. Both must answer alike,
/// `NOT_FOUND` naming the field, and leave every row of every table as it was. A new mutation
/// or ID field without a probe fails the test.
async fn every_id_an_input_names_answers_hidden_like_missing(app: TestApp) {
    let w = world(&app).await;
    let mut probes = probes(&w);
    let arguments = id_arguments();
    let unprobed: Vec<&String> = arguments
        .iter()
        .filter(|a| !probes.contains_key(a.as_str()))
        .collect();
    assert!(
        unprobed.is_empty(),
        "ID arguments without a probe: {unprobed:?}"
    );
    let stale: Vec<&&str> = probes
        .keys()
        .filter(|k| !arguments.iter().any(|a| a == *k))
        .collect();
    assert!(
        stale.is_empty(),
        "probes for arguments the schema no longer has: {stale:?}"
    );
    let mut failures = Vec::new();
    for argument in &arguments {
        let probe = probes.remove(argument.as_str()).expect("checked above");
        let mutation = argument.split('.').next().expect("mutation name");
        let document = document(mutation);
        let token = match probe.caller {
            Caller::Outsider => &w.outsider,
            Caller::Admin => &w.admin,
        };
        let path: Vec<&str> = probe.path.split('.').collect();
        let field = *path.last().expect("a field");
        let before = snapshot(&app).await;
        let mut answers = Vec::new();
        let missing = encode(probe.kind, 987_654_321).to_string();
        for id in probe.hidden.iter().chain([&missing]) {
            let mut args = probe.args.clone();
            set(&mut args, &path, id);
            answers.push(answer(&app.gql(Some(token), &document, args).await));
        }
        let first = &answers[0];
        if first != &answers[answers.len() - 1] {
            failures.push(format!(
                "{argument}: hidden and missing differ: {answers:?}"
            ));
        } else if first["code"] != "NOT_FOUND" || first["field"] != field {
            failures.push(format!("{argument}: {first}"));
        }
        if snapshot(&app).await != before {
            failures.push(format!("{argument}: a refused call changed stored rows"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

async fn visible_references_must_belong_to_the_operation(app: TestApp) {
    let w = world(&app).await;
    // The owner sees its own meeting, but a deal between other parties cannot come of it.
    let deal = json!({ "title": { "en": "Licence" }, "dealType": "NON_EXCLUSIVE_LICENCE", "value": "1000",
        "parties": [{ "organizationId": w.orgs[1], "role": "PROVIDER" }, { "organizationId": w.orgs[3], "role": "RECIPIENT" }],
        "meetingId": w.meeting });
    let reply = app
        .gql(Some(&w.owner), RECORD, json!({ "input": deal }))
        .await;
    assert_eq!(reply.error_code(), "BAD_USER_INPUT");
    assert_eq!(reply.error_field(), Some("meetingId"));
    // Between its parties, the deal takes the meeting's session.
    let deal = json!({ "title": { "en": "Licence" }, "dealType": "NON_EXCLUSIVE_LICENCE", "value": "1000",
        "parties": [{ "organizationId": w.orgs[1], "role": "PROVIDER" }, { "organizationId": w.orgs[0], "role": "RECIPIENT" }],
        "meetingId": w.meeting, "needId": w.need });
    let reply = app
        .gql(Some(&w.owner), RECORD, json!({ "input": deal }))
        .await;
    assert_eq!(reply.data("/recordDeal/deal/session/id"), &json!(w.session));
    // A need given a deadline that has passed is refused on update as on posting.
    let reply = app
        .gql(
            Some(&w.owner),
            UPDATE_NEED,
            json!({ "input": { "id": w.need, "deadline": "2020-01-01" } }),
        )
        .await;
    assert_eq!(reply.error_code(), "BAD_USER_INPUT");
    assert_eq!(reply.error_field(), Some("deadline"));
}

crate::db_tests!(
    every_id_an_input_names_answers_hidden_like_missing,
    visible_references_must_belong_to_the_operation,
);
