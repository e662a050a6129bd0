//! The environment pages: the live list with its create form, one
//! environment's page and the fragments its script refreshes, and actions.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::super::environments::{begin_create, begin_start};
use super::{CsrfForm, Shared, User, fail, find, form_user, page, pages, require_user};
use crate::api::ApiError;
use crate::ops;
use crate::ops::progress::Silent;
use crate::ops::query::BrowseRequest;
use crate::ops::requests::CreateRequest;
use crate::store::Environment;

#[derive(Deserialize, Default)]
pub(super) struct ListQuery {
    deleted: Option<String>,
}

pub(super) async fn list(
    State(app): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
    browse: Result<Query<BrowseRequest>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let user = match require_user(&app, &headers, true) {
        Ok(u) => u,
        Err(r) => return r,
    };
    // Every field is text: only a malformed query string fails, read as none.
    let browse = browse.map(|Query(b)| b).unwrap_or_default();
    let notice = q.deleted.map(|n| format!("Deleting {}.", url_safe(&n)));
    list_page(
        &app,
        &user,
        &browse,
        notice.as_deref(),
        None,
        StatusCode::OK,
    )
    .await
}

/// The list page for this query (a bad query: the whole list, saying why).
pub(super) async fn list_page(
    app: &Shared,
    user: &User,
    query: &BrowseRequest,
    notice: Option<&str>,
    problem: Option<&str>,
    status: StatusCode,
) -> Response {
    let (query, browse, problem, status) = match query.clone().into_browse() {
        Ok(b) => (query.clone(), b, problem.map(str::to_owned), status),
        Err(e) => {
            let e = ApiError::from(e);
            let fallback = BrowseRequest::default();
            let browse = fallback.clone().into_browse().unwrap_or_default();
            let status = e.status();
            (fallback, browse, Some(e.message), status)
        }
    };
    let checked = browse.clone();
    match super::super::blocking(app, move |ctx| ops::query::browse(ctx, &checked)).await {
        Ok(listing) => page(
            status,
            pages::environments(
                &user.viewer(),
                &pages::ListView {
                    listing: &listing,
                    query: &query,
                    browse: &browse,
                },
                &app.ctx.config.template_summaries(),
                notice,
                problem.as_deref(),
            ),
        ),
        Err(e) => fail(user, e),
    }
}

#[derive(Deserialize)]
pub(super) struct CreateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    template: String,
    /// Restore this archive's volumes (the template is then the archive's).
    #[serde(default)]
    from_archive: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    ttl: String,
    /// `key=value`, one a line or separated by commas.
    #[serde(default)]
    labels: String,
    /// Operators may create for someone else.
    #[serde(default)]
    owner: String,
    #[serde(default)]
    timeout: String,
    /// A checkbox: present ("on") when ticked.
    #[serde(default)]
    pinned: Option<String>,
    #[serde(default)]
    keep_on_failure: Option<String>,
}

/// A form's optional text: `None` when left empty.
fn typed(text: &str) -> Option<String> {
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}

pub(super) async fn create(
    State(app): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<CreateForm>,
) -> Response {
    let user = match form_user(
        &app,
        &headers,
        &form.csrf,
        Some((crate::access::Action::Create, "create environments")),
    ) {
        Ok(u) => u,
        Err(r) => return r,
    };
    // The same request the API reads, so the same checks and messages.
    let request = crate::names::parse_labels(&form.labels).map(|labels| CreateRequest {
        name: typed(&form.name),
        template: typed(&form.template),
        owner: typed(&form.owner),
        ttl: typed(&form.ttl),
        timeout: typed(&form.timeout),
        labels,
        pinned: Some(form.pinned.is_some()),
        keep_on_failure: Some(form.keep_on_failure.is_some()),
        from_archive: typed(&form.from_archive),
        ..Default::default()
    });
    let opts = match request.and_then(CreateRequest::into_options) {
        Ok(opts) => opts,
        Err(e) => {
            let e = ApiError::from(e);
            let query = BrowseRequest::default();
            return list_page(&app, &user, &query, None, Some(&e.message), e.status()).await;
        }
    };
    // Validated and authorised in the core, as through the API.
    match begin_create(&app, &user.caller(), opts).await {
        Ok(env) => Redirect::to(&format!("/environments/{}", env.id)).into_response(),
        Err(e) => {
            let query = BrowseRequest::default();
            list_page(&app, &user, &query, None, Some(&e.message), e.status()).await
        }
    }
}

/// Figures for the page: the monitor's latest when the environment runs.
fn figures(app: &Shared, env: &Environment) -> Option<crate::ops::stats::EnvironmentStats> {
    app.monitor.latest_of(&env.id)
}

pub(super) async fn environment(
    State(app): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let user = match require_user(&app, &headers, true) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let env = match find(&app, id).await {
        Ok(env) => env,
        Err(e) => return fail(&user, e),
    };
    let figures = figures(&app, &env);
    let panel = pages::panel(
        &user.viewer(),
        &env,
        figures.as_ref(),
        &app.monitor.history(&env.id),
    );
    let dir = app.ctx.store.dir().to_owned();
    let (id, name) = (env.id.clone(), env.name.clone());
    let events =
        tokio::task::spawn_blocking(move || crate::store::events::history(&dir, &id, &name, 30))
            .await
            .unwrap_or_default();
    // `None` when this user may not read the logs (the API's rule, in the core).
    let logs = crate::ops::tail(&app.ctx, &user.caller(), &env, 40).await;
    // Only for the owner and admins (the core says), else nothing to reveal.
    let secrets = {
        let (app, caller, id) = (app.clone(), user.caller(), env.id.clone());
        tokio::task::spawn_blocking(move || crate::ops::secrets(&app.ctx, &caller, &id).ok())
            .await
            .ok()
            .flatten()
            .filter(|s| !s.is_empty())
    };
    let archives = {
        let (app, caller, name) = (app.clone(), user.caller(), env.name.clone());
        tokio::task::spawn_blocking(move || {
            crate::ops::archive::list(&app.ctx, &caller, Some(&name)).unwrap_or_default()
        })
        .await
        .unwrap_or_default()
    };
    let extras = pages::Extras {
        events: &events,
        logs: logs.as_deref(),
        secrets: secrets.as_ref(),
        archives: &archives,
    };
    page(
        StatusCode::OK,
        pages::environment(&user.viewer(), &env, panel, &extras),
    )
}

pub(super) async fn panel(
    State(app): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let user = match require_user(&app, &headers, false) {
        Ok(u) => u,
        Err(r) => return r,
    };
    match find(&app, id).await {
        Ok(env) => {
            let figures = figures(&app, &env);
            let html = pages::panel(
                &user.viewer(),
                &env,
                figures.as_ref(),
                &app.monitor.history(&env.id),
            );
            page(StatusCode::OK, html)
        }
        Err(e) => (e.status(), e.message).into_response(),
    }
}

pub(super) async fn row(
    State(app): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Err(r) = require_user(&app, &headers, false) {
        return r;
    }
    match find(&app, id).await {
        Ok(env) => page(StatusCode::OK, pages::row(&env)),
        Err(e) => (e.status(), e.message).into_response(),
    }
}

pub(super) async fn act(
    State(app): State<Shared>,
    headers: HeaderMap,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let user = match form_user(&app, &headers, &form.csrf, None) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let env = match find(&app, id).await {
        Ok(env) => env,
        Err(e) => return fail(&user, e),
    };
    let caller = user.caller();
    let back = Redirect::to(&format!("/environments/{}", env.id)).into_response();
    let result = match action.as_str() {
        "start" => begin_start(&app, &caller, &env, None).await.map(|_| back),
        "stop" => ops::stop(&app.ctx, &caller, &env.id, &Silent)
            .await
            .map(|_| back)
            .map_err(ApiError::from),
        "extend" => {
            let request = crate::ops::requests::UpdateRequest {
                extend: form.by.clone(),
                ..Default::default()
            };
            match request.into_change(chrono::Utc::now()) {
                Ok(change) => ops::update(&app.ctx, &caller, &env.id, &change.update)
                    .await
                    .map(|_| back)
                    .map_err(ApiError::from),
                Err(e) => Err(ApiError::from(e)),
            }
        }
        "pin" | "unpin" => ops::set_pinned(&app.ctx, &caller, &env.id, action == "pin")
            .await
            .map(|_| back)
            .map_err(ApiError::from),
        "archive" => {
            let (ctx, id) = (app.ctx.clone(), env.id.clone());
            let request = crate::ops::archive::ArchiveRequest::default();
            crate::api::detached(async move {
                crate::ops::archive::create(&ctx, &caller, &id, &request, &Silent).await
            })
            .await
            .map(|_| back)
        }
        "delete" => {
            let opts = crate::ops::requests::DeleteRequest::default().options();
            ops::delete_in_background(&app.ctx, &caller, &env.id, &opts)
                .await
                .map(|_| {
                    Redirect::to(&format!("/?deleted={}", url_safe(&env.name))).into_response()
                })
                .map_err(ApiError::from)
        }
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    result.unwrap_or_else(|e| fail(&user, e))
}

/// `POST /environments/{id}/services/{service}/restart`: restarts one
/// service, then back to the environment's page.
pub(super) async fn restart_service(
    State(app): State<Shared>,
    headers: HeaderMap,
    Path((id, service)): Path<(String, String)>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let user = match form_user(&app, &headers, &form.csrf, None) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let (ctx, caller) = (app.ctx.clone(), user.caller());
    let restarted = crate::api::detached(async move {
        ops::lifecycle::restart_service(&ctx, &caller, &id, &service).await
    })
    .await;
    match restarted {
        Ok(env) => Redirect::to(&format!("/environments/{}", env.id)).into_response(),
        Err(e) => fail(&user, e),
    }
}

/// Environment names are [a-z0-9-]; anything else is dropped from a URL.
fn url_safe(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
}

pub(super) async fn events(State(app): State<Shared>, headers: HeaderMap) -> Response {
    let user = match require_user(&app, &headers, false) {
        Ok(u) => u,
        Err(r) => return r,
    };
    match app
        .streams
        .open(&user.token.id, app.ctx.config.api.max_streams)
    {
        Ok(slot) => crate::api::events::subscribe(&app, slot)
            .await
            .into_response(),
        Err(e) => e.into_response(),
    }
}
