//! The admin page's API tokens (admins only): the list, create (the secret
//! shown once, on the answer's page, and never again) and revoke.

use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::admin::{admin_page, plan_page};
use super::pages::{Viewer, when};
use super::{Shared, form_user, page};
use crate::access::Action;
use crate::ops::tokens::{self, NewToken};
use crate::tokens::{Role, Token};

const ROLES: [Role; 4] = [Role::Viewer, Role::Developer, Role::Operator, Role::Admin];

/// The tokens' section of the admin page.
pub(super) fn section(viewer: &Viewer, list: &Result<Vec<Token>, String>) -> Markup {
    html! {
        section #tokens {
            h2 { "API tokens" }
            p.hint { "Who may sign in here and call the API. A token's secret is shown once, when it is made." }
            @match list {
                Ok(list) if list.is_empty() => p.empty { "No tokens." },
                Ok(list) => div.scroll { table {
                    thead { tr { th { "Name" } th { "Id" } th { "Role" } th { "Acts as" } th { "Made" } th { "Revoke" } } }
                    tbody { @for t in list {
                        tr data-token=(t.id) {
                            td { (t.name) } td { code { (t.id) } } td.role { (t.role) } td { (t.user()) } td { (when(t.created_at)) }
                            td {
                                details.confirm {
                                    summary.danger { "Revoke…" }
                                    form method="post" action="/admin/tokens/revoke" {
                                        input type="hidden" name="csrf" value=(viewer.csrf);
                                        input type="hidden" name="token" value=(t.id);
                                        p { "Revoke " strong { (t.name) } "? Its sessions end at once." }
                                        button.danger type="submit" { "Revoke it" }
                                    }
                                }
                            }
                        }
                    } }
                } },
                Err(e) => p.error { (e) },
            }
            details.card {
                summary { "New token" }
                form #new-token method="post" action="/admin/tokens" {
                    input type="hidden" name="csrf" value=(viewer.csrf);
                    label for="token-name" { "Name " span.hint { "(lowercase letters, digits and -)" } }
                    input #token-name type="text" name="name" required maxlength="40";
                    label for="token-role" { "Role" }
                    select #token-role name="role" {
                        @for r in ROLES { option value=(r.to_string()) selected[r == Role::Developer] { (r.to_string()) } }
                    }
                    label for="token-owner" { "Acts as " span.hint { "(optional; the user whose environments it owns, its name otherwise)" } }
                    input #token-owner type="text" name="owner" maxlength="64";
                    button type="submit" { "Make the token" }
                }
            }
        }
    }
}

#[derive(Deserialize, Default)]
pub(super) struct NewTokenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    owner: String,
}

/// `POST /admin/tokens`: makes a token and shows its secret, this once.
pub(super) async fn create(
    State(app): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<NewTokenForm>,
) -> Response {
    let user = match form_user(
        &app,
        &headers,
        &form.csrf,
        Some((Action::Administer, "make tokens")),
    ) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let Some(role) = ROLES.into_iter().find(|r| r.to_string() == form.role) else {
        let problem = format!(
            "No token was made: role '{}' is not one of viewer, developer, operator, admin.",
            crate::names::printable(&form.role, 40)
        );
        return admin_page(&app, &user, Some(&problem)).await;
    };
    let new = NewToken {
        name: form.name.trim().to_owned(),
        role,
        owner: Some(form.owner.trim().to_owned()).filter(|o| !o.is_empty()),
    };
    let (tokens, caller) = (app.tokens.clone(), user.caller());
    let made =
        crate::api::blocking(&app, move |ctx| tokens::create(ctx, &tokens, &caller, &new)).await;
    let (token, secret) = match made {
        Ok(made) => made,
        Err(e) => {
            return admin_page(
                &app,
                &user,
                Some(&format!("No token was made: {}", e.message)),
            )
            .await;
        }
    };
    let viewer = user.viewer();
    let body = html! {
        p.notice role="status" { "Token " strong { (token.name) } " (" code { (token.id) } ") made with role " (token.role) ", acting as " (token.user()) "." }
        p { strong { "Copy its secret now: it is shown this once and never again" } " (envctl keeps only its hash)." }
        code.secret #secret { (secret) }
        p.hint { "Sign in here with it, or set it as " code { "ENVCTL_TOKEN" } " for " code { "envctl --server" } "." }
    };
    page(StatusCode::CREATED, plan_page(&viewer, "New token", body))
}

#[derive(Deserialize, Default)]
pub(super) struct RevokeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    token: String,
}

/// `POST /admin/tokens/revoke`: revokes a token by id or name.
pub(super) async fn revoke(
    State(app): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<RevokeForm>,
) -> Response {
    let user = match form_user(
        &app,
        &headers,
        &form.csrf,
        Some((Action::Administer, "revoke tokens")),
    ) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let (tokens, caller, target) = (app.tokens.clone(), user.caller(), form.token);
    let revoked = crate::api::blocking(&app, move |ctx| {
        tokens::revoke(ctx, &tokens, &caller, &target)
    })
    .await;
    match revoked {
        // Revoking one's own token ends this very session.
        Ok(t) if t.id == user.token.id => Redirect::to("/login").into_response(),
        Ok(t) => {
            let outcome = format!(
                "Token '{}' ({}) revoked; its sessions have ended.",
                t.name, t.id
            );
            admin_page(&app, &user, Some(&outcome)).await
        }
        Err(e) => admin_page(&app, &user, Some(&format!("Not revoked: {}", e.message))).await,
    }
}
