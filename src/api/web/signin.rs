//! Signing in (a token for a session cookie) and out.

use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{CsrfForm, Shared, form_user, page, pages, secure, session, signed_in};

pub(super) async fn login_page(State(app): State<Shared>, headers: HeaderMap) -> Response {
    if signed_in(&app, &headers).is_some() {
        return Redirect::to("/").into_response();
    }
    let csrf = session::random_hex();
    let mut response = page(StatusCode::OK, pages::login(&csrf, None));
    set_cookie(
        &mut response,
        &session::set_cookie(session::LOGIN_COOKIE, &csrf, Some(600), secure(&headers)),
    );
    response
}

#[derive(Deserialize)]
pub(super) struct LoginForm {
    token: String,
    csrf: String,
}

pub(super) async fn login(
    State(app): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let expected = session::cookie(&headers, session::LOGIN_COOKIE).unwrap_or_default();
    if expected.is_empty() || !session::same_secret(&form.csrf, expected) {
        return page(
            StatusCode::FORBIDDEN,
            pages::login(
                &session::random_hex(),
                Some("The sign-in form was stale; reload the page."),
            ),
        );
    }
    let token = match app.caches.authenticate(&app.tokens, form.token.trim()) {
        Ok(Some(t)) => t,
        _ => {
            let csrf = session::random_hex();
            let mut response = page(
                StatusCode::UNAUTHORIZED,
                pages::login(&csrf, Some("That token is not valid (unknown or revoked).")),
            );
            set_cookie(
                &mut response,
                &session::set_cookie(session::LOGIN_COOKIE, &csrf, Some(600), secure(&headers)),
            );
            return response;
        }
    };
    let (id, _) = app.sessions.create(&token);
    crate::store::events::record(
        app.ctx.store.dir(),
        &crate::access::Caller::token(&token, "web"),
        "web-sign-in",
        None,
        "ok",
        Some(&token.name),
    );
    let mut response = Redirect::to("/").into_response();
    set_cookie(
        &mut response,
        &session::set_cookie(
            session::COOKIE,
            &id,
            Some(session::lifetime_secs()),
            secure(&headers),
        ),
    );
    set_cookie(
        &mut response,
        &session::set_cookie(session::LOGIN_COOKIE, "", Some(0), secure(&headers)),
    );
    response
}

fn set_cookie(response: &mut Response, cookie: &str) {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
}

pub(super) async fn logout(
    State(app): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Response {
    let user = match form_user(&app, &headers, &form.csrf, None) {
        Ok(u) => u,
        Err(r) => return r,
    };
    app.sessions.remove(&user.session);
    let mut response = Redirect::to("/login").into_response();
    set_cookie(
        &mut response,
        &session::set_cookie(session::COOKIE, "", Some(0), secure(&headers)),
    );
    response
}
