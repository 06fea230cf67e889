//! Access tokens: every malformed, forged or out-of-date token is refused with
//! `UNAUTHENTICATED` (HTTP 401) before any resolver runs; a valid one passes.

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{JWT_SECRET, PREVIOUS_JWT_SECRET, TestApp};

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn claims(sub: &str) -> Value {
    json!({ "sub": sub, "iss": "kopir", "aud": "kopir-api", "exp": now() + 600, "nbf": now() - 5, "iat": now() - 5 })
}

fn sign(claims: &Value, secret: &str, kid: Option<&str>, alg: Algorithm) -> String {
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_owned);
    sign_with(header, claims, secret)
}

fn sign_with(header: Header, claims: &Value, secret: &str) -> String {
    jsonwebtoken::encode(
        &header,
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("sign")
}

/// An HS256 header with kid `k1`, changed by `edit`.
fn header_with(edit: impl FnOnce(&mut Header)) -> Header {
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("k1".into());
    edit(&mut header);
    header
}

fn with(mut claims: Value, key: &str, value: Value) -> Value {
    if value.is_null() {
        claims.as_object_mut().expect("object").remove(key);
    } else {
        claims[key] = value;
    }
    claims
}

async fn forged_and_stale_tokens_are_refused(app: TestApp) {
    let token = app.register("jwt@example.kz").await;
    let valid = app.gql(Some(&token), "{ me { email } }", json!({})).await;
    assert_eq!(valid.data("/me/email"), "jwt@example.kz");
    let sub = jsonwebtoken::dangerous::insecure_decode::<Value>(&token)
        .expect("decodes")
        .claims["sub"]
        .as_str()
        .expect("sub")
        .to_owned();
    let good = claims(&sub);
    // Our own forgery with the right secret works, so each case below differs in one thing only.
    let control = sign(&good, JWT_SECRET, Some("k1"), Algorithm::HS256);
    assert_eq!(
        app.gql(Some(&control), "{ me { email } }", json!({}))
            .await
            .data("/me/email"),
        "jwt@example.kz"
    );

    // Tokens signed with the retired key `k0` are still accepted during the rotation.
    let retired = sign(&good, PREVIOUS_JWT_SECRET, Some("k0"), Algorithm::HS256);
    assert_eq!(
        app.gql(Some(&retired), "{ me { email } }", json!({}))
            .await
            .data("/me/email"),
        "jwt@example.kz"
    );

    let (header, payload, signature) = {
        let mut parts = control.split('.');
        (
            parts.next().expect("h"),
            parts.next().expect("p"),
            parts.next().expect("s"),
        )
    };
    let tampered_payload =
        URL_SAFE_NO_PAD.encode(with(good.clone(), "sub", json!("999999")).to_string());
    let none_header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT","kid":"k1"}"#);

    let cases: Vec<(&str, String)> = vec![
        (
            "expired beyond the 30 s leeway",
            sign(
                &with(good.clone(), "exp", json!(now() - 31)),
                JWT_SECRET,
                Some("k1"),
                Algorithm::HS256,
            ),
        ),
        (
            "missing exp",
            sign(
                &with(good.clone(), "exp", Value::Null),
                JWT_SECRET,
                Some("k1"),
                Algorithm::HS256,
            ),
        ),
        (
            "not yet valid (nbf)",
            sign(
                &with(good.clone(), "nbf", json!(now() + 120)),
                JWT_SECRET,
                Some("k1"),
                Algorithm::HS256,
            ),
        ),
        (
            "wrong audience",
            sign(
                &with(good.clone(), "aud", json!("someone-else")),
                JWT_SECRET,
                Some("k1"),
                Algorithm::HS256,
            ),
        ),
        (
            "missing audience",
            sign(
                &with(good.clone(), "aud", Value::Null),
                JWT_SECRET,
                Some("k1"),
                Algorithm::HS256,
            ),
        ),
        (
            "wrong issuer",
            sign(
                &with(good.clone(), "iss", json!("evil")),
                JWT_SECRET,
                Some("k1"),
                Algorithm::HS256,
            ),
        ),
        (
            "missing issuer",
            sign(
                &with(good.clone(), "iss", Value::Null),
                JWT_SECRET,
                Some("k1"),
                Algorithm::HS256,
            ),
        ),
        (
            "other secret",
            sign(
                &good,
                "another-secret-that-is-long-enough-012345",
                Some("k1"),
                Algorithm::HS256,
            ),
        ),
        (
            "other algorithm (HS512)",
            sign(&good, JWT_SECRET, Some("k1"), Algorithm::HS512),
        ),
        (
            "unknown kid",
            sign(&good, JWT_SECRET, Some("k2"), Algorithm::HS256),
        ),
        ("no kid", sign(&good, JWT_SECRET, None, Algorithm::HS256)),
        (
            "tampered payload",
            format!("{header}.{tampered_payload}.{signature}"),
        ),
        ("alg none", format!("{none_header}.{payload}.")),
        ("garbage", "not.a.token".to_owned()),
        (
            "exp as a string",
            sign(
                &with(good.clone(), "exp", json!((now() + 600).to_string())),
                JWT_SECRET,
                Some("k1"),
                Algorithm::HS256,
            ),
        ),
        (
            "nbf as a string",
            sign(
                &with(good.clone(), "nbf", json!((now() - 5).to_string())),
                JWT_SECRET,
                Some("k1"),
                Algorithm::HS256,
            ),
        ),
        (
            "crit header",
            sign_with(
                header_with(|h| h.crit = Some(vec!["exp".into()])),
                &good,
                JWT_SECRET,
            ),
        ),
        (
            "jku header",
            sign_with(
                header_with(|h| h.jku = Some("https://evil.example/keys".into())),
                &good,
                JWT_SECRET,
            ),
        ),
        (
            "x5u header",
            sign_with(
                header_with(|h| h.x5u = Some("https://evil.example/cert".into())),
                &good,
                JWT_SECRET,
            ),
        ),
        (
            "x5c header",
            sign_with(
                header_with(|h| h.x5c = Some(vec!["MIIB".into()])),
                &good,
                JWT_SECRET,
            ),
        ),
        (
            "retired key id with the current secret",
            sign(&good, JWT_SECRET, Some("k0"), Algorithm::HS256),
        ),
        (
            "current key id with the retired secret",
            sign(&good, PREVIOUS_JWT_SECRET, Some("k1"), Algorithm::HS256),
        ),
        (
            "rotated-out key",
            sign(
                &good,
                "a-key-no-longer-configured-0123456789abc",
                Some("k-2025"),
                Algorithm::HS256,
            ),
        ),
    ];
    for (case, token) in cases {
        let reply = app.gql(Some(&token), "{ me { email } }", json!({})).await;
        assert_eq!(
            reply.status,
            StatusCode::UNAUTHORIZED,
            "{case}: {:#}",
            reply.body
        );
        assert_eq!(reply.error_code(), "UNAUTHENTICATED", "{case}");
        assert_eq!(reply.body["data"], Value::Null, "{case}");
    }
    // Refused tokens never reach a mutation: nothing is written.
    let bad = sign(
        &with(good, "exp", json!(now() - 31)),
        JWT_SECRET,
        Some("k1"),
        Algorithm::HS256,
    );
    let before = app.count("SELECT COUNT(*) FROM organization").await;
    let reply = app
        .gql(
            Some(&bad),
            "mutation { createOrganization(input: { kind: ENTERPRISE, name: { en: \"X\" }, bin: \"940140000385\", regionCode: \"KZ-75\" }) { organization { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(reply.error_code(), "UNAUTHENTICATED");
    assert_eq!(app.count("SELECT COUNT(*) FROM organization").await, before);
}

async fn a_token_for_a_deleted_account_is_refused(app: TestApp) {
    use sea_orm::ConnectionTrait as _;
    let token = app.register("gone@example.kz").await;
    app.db
        .execute_unprepared("DELETE FROM user_account WHERE email = 'gone@example.kz'")
        .await
        .expect("delete");
    // Refused at the door with 401, whatever the operation asks for, never served as anonymous.
    for query in ["{ me { email } }", "{ __typename }"] {
        let reply = app.gql(Some(&token), query, json!({})).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{query}");
        assert_eq!(reply.error_code(), "UNAUTHENTICATED", "{query}");
        assert_eq!(reply.body["data"], Value::Null, "{query}");
    }
}

/// A platform admin deactivates an account: its access token is refused with 401 on the next
/// request, its refresh token and password stop working; reactivated, it signs in again.
async fn a_deactivated_account_is_refused_at_once(app: TestApp) {
    let admin = app.admin().await;
    app.register("leaver@example.kz").await;
    let signed_in = app
        .login("leaver@example.kz", "correct horse battery")
        .await;
    let token = signed_in
        .data("/login/accessToken")
        .as_str()
        .expect("token")
        .to_owned();
    let refresh = signed_in.data("/login/refreshToken").clone();
    let id = signed_in.data("/login/user/id").clone();
    let set = "mutation($id: ID!, $active: Boolean!) { setAccountActive(input: { userId: $id, active: $active }) { user { deactivatedAt } } }";
    let not_admin = app
        .gql(Some(&token), set, json!({ "id": id, "active": false }))
        .await;
    assert_eq!(not_admin.error_code(), "FORBIDDEN");
    let done = app
        .gql(Some(&admin), set, json!({ "id": id, "active": false }))
        .await;
    assert!(
        done.data("/setAccountActive/user/deactivatedAt")
            .is_string()
    );

    let reply = app.gql(Some(&token), "{ __typename }", json!({})).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.error_code(), "UNAUTHENTICATED");
    let refreshed = app
        .gql(
            None,
            "mutation($t: String!) { refreshToken(input: { refreshToken: $t }) { accessToken } }",
            json!({ "t": refresh }),
        )
        .await;
    assert_eq!(refreshed.error_code(), "UNAUTHENTICATED");
    let login = app
        .login("leaver@example.kz", "correct horse battery")
        .await;
    assert_eq!(login.error_code(), "UNAUTHENTICATED");

    app.gql(Some(&admin), set, json!({ "id": id, "active": true }))
        .await
        .data("/setAccountActive/user");
    let back = app
        .login("leaver@example.kz", "correct horse battery")
        .await;
    assert!(back.data("/login/accessToken").is_string());
}

crate::db_tests!(
    forged_and_stale_tokens_are_refused,
    a_token_for_a_deleted_account_is_refused,
    a_deactivated_account_is_refused_at_once
);
