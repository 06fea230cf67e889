//! Registration, sign-in, refresh-token rotation and sign-out.

use serde_json::json;

use crate::helpers::TestApp;

const REFRESH: &str = "mutation($t: String!) { refreshToken(input: { refreshToken: $t }) { accessToken refreshToken } }";

async fn register_login_and_me(app: TestApp) {
    app.register("Aigerim@Example.kz").await;
    let reply = app
        .login("aigerim@example.kz", "correct horse battery")
        .await;
    let token = reply
        .data("/login/accessToken")
        .as_str()
        .expect("token")
        .to_owned();
    assert_eq!(reply.data("/login/user/email"), "aigerim@example.kz");

    let me = app
        .gql(
            Some(&token),
            "{ me { email displayName isPlatformAdmin memberships { role } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        me.data("/me"),
        &json!({ "email": "aigerim@example.kz", "displayName": "Test User", "isPlatformAdmin": false, "memberships": [] })
    );
    let anonymous = app.gql(None, "{ me { email } }", json!({})).await;
    assert_eq!(anonymous.data("/me"), &json!(null));

    let wrong = app.login("aigerim@example.kz", "wrong horse battery").await;
    assert_eq!(wrong.error_code(), "UNAUTHENTICATED");
    let unknown = app
        .login("nobody@example.kz", "correct horse battery")
        .await;
    assert_eq!(unknown.error_code(), "UNAUTHENTICATED");
    assert_eq!(
        unknown.body["errors"][0]["message"],
        wrong.body["errors"][0]["message"]
    );
}

async fn bad_registrations_write_nothing(app: TestApp) {
    app.register("taken@example.kz").await;
    let register = "mutation($e: String!, $p: String!, $n: String!) { register(input: { email: $e, password: $p, displayName: $n }) { accessToken } }";
    for (email, password, name, field) in [
        ("TAKEN@example.kz", "long enough pw", "X", "email"),
        ("not-an-email", "long enough pw", "X", "email"),
        ("new@example.kz", "short", "X", "password"),
        ("new@example.kz", "long enough pw", "   ", "displayName"),
    ] {
        let reply = app
            .gql(
                None,
                register,
                json!({ "e": email, "p": password, "n": name }),
            )
            .await;
        assert_eq!(
            reply.error_code(),
            "BAD_USER_INPUT",
            "{email} {password} {name}"
        );
        assert_eq!(reply.error_field(), Some(field));
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM user_account").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM refresh_token").await, 1);
}

async fn refresh_tokens_rotate_and_reuse_revokes_the_session(app: TestApp) {
    app.register("rotate@example.kz").await;
    let first = app
        .login("rotate@example.kz", "correct horse battery")
        .await;
    let r1 = first
        .data("/login/refreshToken")
        .as_str()
        .expect("token")
        .to_owned();

    let second = app.gql(None, REFRESH, json!({ "t": r1 })).await;
    let r2 = second
        .data("/refreshToken/refreshToken")
        .as_str()
        .expect("token")
        .to_owned();
    let access = second
        .data("/refreshToken/accessToken")
        .as_str()
        .expect("token")
        .to_owned();
    assert_ne!(r1, r2);
    let me = app.gql(Some(&access), "{ me { email } }", json!({})).await;
    assert_eq!(me.data("/me/email"), "rotate@example.kz");

    // Replaying the used token fails and ends the whole session: r2 stops working too.
    let replay = app.gql(None, REFRESH, json!({ "t": r1 })).await;
    assert_eq!(replay.error_code(), "UNAUTHENTICATED");
    let after_replay = app.gql(None, REFRESH, json!({ "t": r2 })).await;
    assert_eq!(after_replay.error_code(), "UNAUTHENTICATED");

    let garbage = app.gql(None, REFRESH, json!({ "t": "not-a-token" })).await;
    assert_eq!(garbage.error_code(), "UNAUTHENTICATED");
}

async fn concurrent_refreshes_of_one_token_have_one_winner(app: TestApp) {
    app.register("race@example.kz").await;
    let login = app.login("race@example.kz", "correct horse battery").await;
    let token = login
        .data("/login/refreshToken")
        .as_str()
        .expect("token")
        .to_owned();
    let tasks: Vec<_> = (0..8)
        .map(|_| app.spawn_gql(None, REFRESH, json!({ "t": token })))
        .collect();
    let mut replies = Vec::new();
    for task in tasks {
        replies.push(task.await.expect("request task"));
    }
    let winners = replies
        .iter()
        .filter(|r| r.body.get("errors").is_none())
        .count();
    assert_eq!(winners, 1, "{replies:#?}");
    for loser in replies.iter().filter(|r| r.body.get("errors").is_some()) {
        assert_eq!(loser.error_code(), "UNAUTHENTICATED");
    }
}

async fn logout_ends_one_session_or_all(app: TestApp) {
    app.register("out@example.kz").await;
    let a = app.login("out@example.kz", "correct horse battery").await;
    let b = app.login("out@example.kz", "correct horse battery").await;
    let c = app.login("out@example.kz", "correct horse battery").await;
    let token = |r: &crate::helpers::Reply| {
        r.data("/login/refreshToken")
            .as_str()
            .expect("token")
            .to_owned()
    };
    let logout = "mutation($t: String!, $all: Boolean!) { logout(input: { refreshToken: $t, allSessions: $all }) { revokedTokens } }";

    let one = app
        .gql(None, logout, json!({ "t": token(&a), "all": false }))
        .await;
    assert_eq!(one.data("/logout/revokedTokens"), 1);
    assert_eq!(
        app.gql(None, REFRESH, json!({ "t": token(&a) }))
            .await
            .error_code(),
        "UNAUTHENTICATED"
    );
    let b2 = app.gql(None, REFRESH, json!({ "t": token(&b) })).await;
    let b2 = b2
        .data("/refreshToken/refreshToken")
        .as_str()
        .expect("b still works")
        .to_owned();

    // The registration session, b2 and c remain: all three end together.
    let all = app
        .gql(None, logout, json!({ "t": token(&c), "all": true }))
        .await;
    assert_eq!(all.data("/logout/revokedTokens"), 3);
    assert_eq!(
        app.gql(None, REFRESH, json!({ "t": b2 }))
            .await
            .error_code(),
        "UNAUTHENTICATED"
    );
}

crate::db_tests!(
    register_login_and_me,
    bad_registrations_write_nothing,
    refresh_tokens_rotate_and_reuse_revokes_the_session,
    concurrent_refreshes_of_one_token_have_one_winner,
    logout_ends_one_session_or_all,
);
