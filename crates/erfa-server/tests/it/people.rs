//! The people page and the account page: offboarding asks first, open links can be
//! withdrawn, last logins, changing one's own password.

use erfa_accounts::Role;

use crate::auth::{
    PASSWORD, get_as, get_bearer, login, login_with, owned, people_link, post_form, shown, site,
};
use crate::support::{enc, sample};

#[tokio::test]
async fn offboarding_asks_first_and_only_the_confirmation_removes_the_account() {
    let site = site(&owned(sample()), false);
    let app = &site.router;
    let fran = login(app, "fran").await;
    let mia = login(app, "mia").await;
    let id = site.accounts.require("mia").expect("mia").id;

    // The button on the people page posts without `confirm`: a page that asks.
    let resp = post_form(
        app,
        "/admin/people/mia/offboard",
        &format!("account={id}"),
        Some(&fran),
    )
    .await;
    assert_eq!(resp.status, 200);
    let page = resp.text();
    assert!(page.contains("Offboard this account?"), "{page}");
    assert!(page.contains("cannot be undone"), "{page}");
    assert!(
        page.contains(&format!(
            "<input type=\"hidden\" name=\"account\" value=\"{id}\">"
        )),
        "{page}"
    );
    assert!(page.contains("<input type=\"hidden\" name=\"confirm\" value=\"yes\">"));
    assert!(page.contains("href=\"/admin/people\""), "a way back");
    assert!(site.accounts.user("mia").expect("db").is_some(), "not yet");
    assert_eq!(get_as(app, "/account", Some(&mia)).await.status, 200);

    // In Danish too.
    let resp = crate::support::send(
        app,
        axum::http::Request::post("/admin/people/mia/offboard")
            .header("host", "erfa.example")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .header("origin", "https://erfa.example")
            .header("accept-language", "da")
            .header("cookie", &fran)
            .body(axum::body::Body::from(format!("account={id}")))
            .expect("a request"),
    )
    .await;
    assert!(resp.text().contains("Fjern adgang for denne konto?"));

    // Confirmed: gone, and the session with it.
    let resp = post_form(
        app,
        "/admin/people/mia/offboard",
        &format!("account={id}&confirm=yes"),
        Some(&fran),
    )
    .await;
    assert_eq!(resp.status, 200);
    assert!(site.accounts.user("mia").expect("db").is_none());
    assert_eq!(get_as(app, "/account", Some(&mia)).await.status, 303);
}

#[tokio::test]
async fn open_links_are_listed_and_a_withdrawn_invitation_no_longer_opens() {
    let site = site(&owned(sample()), false);
    let app = &site.router;
    let fran = login(app, "fran").await;
    let page = get_as(app, "/admin/people", Some(&fran)).await.text();
    assert!(page.contains("No open links."), "{page}");

    let invite = people_link(app, "/admin/people/invite", "role=contributor", &fran).await;
    let reset = people_link(app, "/admin/people/target/reset", "", &fran).await;
    assert_eq!(get_as(app, &invite, None).await.status, 200);
    let page = get_as(app, "/admin/people", Some(&fran)).await.text();
    assert!(page.contains("Open links"), "{page}");
    assert!(page.contains("<th scope=\"row\">Invitation</th>"), "{page}");
    assert!(
        page.contains("<th scope=\"row\">Password reset</th>"),
        "{page}"
    );
    assert!(page.contains("<td>target</td>"), "{page}");
    assert!(!page.contains(&invite), "the secret is never shown again");

    // The invitation's withdraw form: its id in the action, its expiry in the form.
    let marker = "<th scope=\"row\">Invitation</th>";
    let row = &page[page.find(marker).expect("the row")..];
    let action = shown(row, "/admin/people/links/");
    let action = action.split('"').next().expect("the action").to_string();
    let expires = shown(row, "name=\"expires\" value=\"");
    let expires: String = expires["name=\"expires\" value=\"".len()..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();

    // A stale expiry withdraws nothing.
    let resp = post_form(app, &action, "expires=1", Some(&fran)).await;
    assert_eq!(resp.status, 404);
    let resp = post_form(app, &action, &format!("expires={expires}"), Some(&fran)).await;
    assert_eq!(resp.status, 200);
    assert!(resp.text().contains("The link is withdrawn"));
    assert_eq!(get_as(app, &invite, None).await.status, 404);
    let used = post_form(
        app,
        &invite,
        &format!(
            "name=newbie&password={}&password_again={}",
            enc(PASSWORD),
            enc(PASSWORD)
        ),
        None,
    )
    .await;
    assert_eq!(used.status, 404, "a withdrawn invitation creates nothing");
    assert!(site.accounts.user("newbie").expect("db").is_none());
    // The reset is untouched; only a facilitator may withdraw.
    assert_eq!(get_as(app, &reset, None).await.status, 200);
    let mia = login(app, "mia").await;
    let resp = post_form(app, &action, &format!("expires={expires}"), Some(&mia)).await;
    assert_eq!(resp.status, 403);
    let log = site.accounts.audit_log(20).expect("audit");
    assert!(log.iter().any(|e| e.action == "link.withdraw"));
}

#[tokio::test]
async fn the_people_page_shows_when_each_account_last_logged_in() {
    let site = site(&owned(sample()), false);
    let app = &site.router;
    let fran = login(app, "fran").await;
    let page = get_as(app, "/admin/people", Some(&fran)).await.text();
    assert!(page.contains("<th scope=\"col\">Last login</th>"), "{page}");
    let row = |name: &str| {
        let start = page
            .find(&format!("<th scope=\"row\">{name}"))
            .expect("the row");
        page[start..page[start..].find("</tr>").expect("row end") + start].to_string()
    };
    assert!(row("carl").contains("<td>never</td>"), "{}", row("carl"));
    assert!(!row("fran").contains("<td>never</td>"), "{}", row("fran"));
}

#[tokio::test]
async fn members_change_their_own_password_and_their_other_sessions_end() {
    let site = site(&owned(sample()), false);
    let app = &site.router;
    let here = login(app, "mia").await;
    let elsewhere = login(app, "mia").await;
    let mia = site.accounts.require("mia").expect("mia");
    let token = site
        .accounts
        .create_token(&mia, erfa_accounts::TokenKind::Api)
        .expect("a token");
    assert_eq!(
        get_bearer(app, "/api/search?q=cab", &token).await.status,
        200
    );
    let page = get_as(app, "/account", Some(&here)).await.text();
    assert!(page.contains("action=\"/account/password\""), "{page}");
    assert!(page.contains("autocomplete=\"current-password\""));

    let new = "mia's brand new password";
    let change = |current: &str, new: &str, again: &str| {
        format!(
            "current={}&new={}&new_again={}",
            enc(current),
            enc(new),
            enc(again)
        )
    };
    let resp = post_form(
        app,
        "/account/password",
        &change("wrong password!", new, new),
        Some(&here),
    )
    .await;
    assert_eq!(resp.status, 400);
    assert!(resp.text().contains("The current password is not right."));
    let resp = post_form(
        app,
        "/account/password",
        &change(PASSWORD, new, "something else"),
        Some(&here),
    )
    .await;
    assert_eq!(resp.status, 400);
    assert!(resp.text().contains("The two passwords differ."));
    let resp = post_form(
        app,
        "/account/password",
        &change(PASSWORD, "short", "short"),
        Some(&here),
    )
    .await;
    assert_eq!(resp.status, 400);
    assert!(resp.text().contains("at least 10 characters"));
    assert_eq!(get_as(app, "/account", Some(&elsewhere)).await.status, 200);

    let resp = post_form(
        app,
        "/account/password",
        &change(PASSWORD, new, new),
        Some(&here),
    )
    .await;
    assert_eq!(resp.status, 200);
    assert!(resp.text().contains("Your password is changed"));
    assert_eq!(
        get_as(app, "/account", Some(&here)).await.status,
        200,
        "this one stays"
    );
    assert_eq!(
        get_as(app, "/account", Some(&elsewhere)).await.status,
        303,
        "the other one ended"
    );
    assert_eq!(
        get_bearer(app, "/api/search?q=cab", &token).await.status,
        401,
        "and the API token"
    );
    login_with(app, "mia", new).await;
    assert!(
        site.accounts
            .verify_password("mia", PASSWORD)
            .expect("db")
            .is_none()
    );
    assert_eq!(
        site.accounts.require("mia").expect("mia").role,
        Role::Member
    );
}

/// Only a person logged in with their password changes it: an API token cannot, and
/// guesses at the current password are throttled like failed logins.
#[tokio::test]
async fn passwords_change_only_in_a_session_and_guesses_are_throttled() {
    let site = site(&owned(sample()), false);
    let app = &site.router;
    let mia = site.accounts.require("mia").expect("mia");
    let token = site
        .accounts
        .create_token(&mia, erfa_accounts::TokenKind::Api)
        .expect("a token");
    let request = axum::http::Request::post("/account/password")
        .header("host", "erfa.example")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(format!(
            "current={p}&new=another+long+password&new_again=another+long+password",
            p = enc(PASSWORD)
        )))
        .expect("a request");
    let resp = crate::support::send(app, request).await;
    assert_eq!(resp.status, 403, "{}", resp.text());
    assert!(
        site.accounts
            .verify_password("mia", PASSWORD)
            .expect("db")
            .is_some()
    );

    let session = login(app, "mia").await;
    let mut last = 0;
    for _ in 0..12 {
        let resp = post_form(
            app,
            "/account/password",
            "current=wrong+guess+here&new=another+long+password&new_again=another+long+password",
            Some(&session),
        )
        .await;
        last = resp.status.as_u16();
        if resp.text().contains("Too many") || resp.text().contains("too many") {
            break;
        }
    }
    assert_eq!(last, 400);
    let resp = post_form(
        app,
        "/account/password",
        &format!(
            "current={}&new=another+long+password&new_again=another+long+password",
            enc(PASSWORD)
        ),
        Some(&session),
    )
    .await;
    assert!(
        !resp.text().contains("Your password is changed"),
        "blocked after many guesses, even with the right one: {}",
        resp.text()
    );
}
