//! The admin page: the cleanup plan and its run, sync and reset (each
//! planned, then confirmed), with the backups' and tokens' sections from
//! [`super::backups`] and [`super::tokens`]. Operators see cleanup and sync;
//! admins everything. The dashboard is `report.rs`.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use maud::{Markup, html};
use serde::Deserialize;

use super::{CsrfForm, Shared, User, fail, form_user, page, pages, require_user};
use crate::access::Action;
use crate::api::ApiError;
use crate::ops::cleanup::{self, CleanupOptions};
use crate::ops::reset::{self, ResetOptions, ResetReport};
use crate::ops::sync::{self, SyncOptions};

/// The archives this user may see, and the store's size against its limit.
async fn archive_store(app: &Shared, user: &User) -> Result<pages::ArchiveStore, ApiError> {
    let caller = user.caller();
    super::super::blocking(app, move |ctx| {
        Ok(pages::ArchiveStore {
            list: crate::ops::archive::list(ctx, &caller, None)?,
            usage: crate::ops::archive::usage(ctx)?,
            free: crate::ops::archive::free_space(ctx),
        })
    })
    .await
}

/// The config's retention policy, as a dry run.
fn policy(app: &Shared) -> CleanupOptions {
    CleanupOptions::from_config(&app.ctx.config.cleanup, true)
}

pub(super) async fn admin_page(app: &Shared, user: &User, outcome: Option<&str>) -> Response {
    if !user.caller().may(Action::Maintain, None) {
        return fail(user, ApiError::forbidden("see the admin page"));
    }
    // The dry run syncs (as a dry run) before it plans: its report is the page's sync report.
    let cleanup = cleanup::cleanup(&app.ctx, &user.caller(), &policy(app))
        .await
        .map_err(|e| ApiError::from(e).message);
    let sync = cleanup
        .as_ref()
        .map(|r| r.sync.clone())
        .map_err(Clone::clone);
    let admin = user.caller().may(Action::Administer, None);
    let caller = user.caller();
    let backups = if admin {
        let caller = caller.clone();
        Some(
            super::super::blocking(app, move |ctx| crate::ops::backup::list_for(ctx, &caller))
                .await
                .map_err(|e| e.message),
        )
    } else {
        None
    };
    let tokens = if admin {
        let (tokens, caller) = (app.tokens.clone(), caller.clone());
        Some(
            tokio::task::spawn_blocking(move || crate::ops::tokens::list(&tokens, &caller))
                .await
                .map_err(|e| e.to_string())
                .and_then(|r| r.map_err(|e| ApiError::from(e).message)),
        )
    } else {
        None
    };
    let archives = archive_store(app, user).await.map_err(|e| e.message);
    let view = pages::AdminView {
        cleanup,
        sync,
        backups,
        tokens,
        archives,
        outcome,
    };
    page(StatusCode::OK, pages::admin(&user.viewer(), &view))
}

pub(super) async fn admin(State(app): State<Shared>, headers: HeaderMap) -> Response {
    let user = match require_user(&app, &headers, true) {
        Ok(u) => u,
        Err(r) => return r,
    };
    admin_page(&app, &user, None).await
}

pub(super) async fn run_cleanup(
    State(app): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Response {
    let user = match form_user(
        &app,
        &headers,
        &form.csrf,
        Some((Action::Maintain, "run cleanups")),
    ) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let mut opts = policy(&app);
    opts.dry_run = false;
    let (ctx, caller) = (app.ctx.clone(), user.caller());
    let run = super::super::detached(async move { cleanup::cleanup(&ctx, &caller, &opts).await });
    let outcome = match run.await.map_err(|e| e.message) {
        Ok(report) => {
            app.metrics.cleanup(&report);
            format!(
                "Cleanup done: {} removed, {} failed{}.",
                report.removed(),
                report.failed(),
                report
                    .backup
                    .as_deref()
                    .map(|b| format!("; backup {b}"))
                    .unwrap_or_default()
            )
        }
        Err(message) => format!("Cleanup did not run: {message}"),
    };
    admin_page(&app, &user, Some(&outcome)).await
}

/// A page that shows what an action would do and a form to confirm it.
pub(super) fn plan_page(viewer: &pages::Viewer, title: &str, body: Markup) -> Markup {
    pages::layout(
        title,
        Some(viewer),
        html! {
            p { a href="/admin" { "← Admin" } }
            h1 { (title) }
            (body)
        },
    )
}

/// The sync's options, from its plan form (checkboxes) or its confirm form.
#[derive(Deserialize, Default)]
pub(super) struct SyncForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    remove_orphans: Option<String>,
    #[serde(default)]
    adopt: Option<String>,
}

impl SyncForm {
    fn options(&self, dry_run: bool) -> SyncOptions {
        SyncOptions {
            dry_run,
            remove_orphans: self.remove_orphans.is_some(),
            adopt: self.adopt.is_some(),
            wait_for_lock: false,
            leave_dead_services: false,
        }
    }
}

/// `GET /admin/sync`: the sync's report with these options, as a dry run,
/// and the form that runs it.
pub(super) async fn plan_sync(
    State(app): State<Shared>,
    headers: HeaderMap,
    Query(form): Query<SyncForm>,
) -> Response {
    let user = match require_user(&app, &headers, true) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let opts = form.options(true);
    let report = match sync::sync(&app.ctx, &user.caller(), &opts).await {
        Ok(r) => r,
        Err(e) => return fail(&user, ApiError::from(e)),
    };
    let viewer = user.viewer();
    let body = html! {
        p.hint {
            "A dry run: nothing has changed yet. "
            @if opts.remove_orphans { "Orphans are removed. " }
            @if opts.adopt { "Orphans with containers get their records back. " }
            @if !opts.remove_orphans && !opts.adopt { "Orphans are only reported. " }
        }
        (pages::sync_table(&report))
        form #confirm-sync method="post" action="/admin/sync" {
            input type="hidden" name="csrf" value=(viewer.csrf);
            @if opts.remove_orphans { input type="hidden" name="remove_orphans" value="on"; }
            @if opts.adopt { input type="hidden" name="adopt" value="on"; }
            p { "Apply this? The database is backed up before any repair." }
            button.danger[opts.remove_orphans] type="submit" { "Run the sync" }
        }
    };
    page(StatusCode::OK, plan_page(&viewer, "Sync plan", body))
}

/// `POST /admin/sync`: runs the sync with the confirmed options.
pub(super) async fn run_sync(
    State(app): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<SyncForm>,
) -> Response {
    let user = match form_user(
        &app,
        &headers,
        &form.csrf,
        Some((Action::Maintain, "run syncs")),
    ) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let opts = form.options(false);
    let outcome = match sync::sync(&app.ctx, &user.caller(), &opts).await {
        Ok(report) => {
            app.metrics.sync(&report);
            let count = |what: &str| report.orphans.iter().filter(|o| o.action == what).count();
            format!(
                "Sync done: {} records corrected, {} orphans removed, {} adopted{}.",
                report.changes.len(),
                count("removed"),
                count("adopted"),
                report
                    .backup
                    .as_deref()
                    .map(|b| format!("; backup {b}"))
                    .unwrap_or_default()
            )
        }
        Err(e) => format!("Sync did not run: {}", ApiError::from(e).message),
    };
    admin_page(&app, &user, Some(&outcome)).await
}

/// The reset's option, from its plan form or its confirm form.
#[derive(Deserialize, Default)]
pub(super) struct ResetForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    empty: Option<String>,
}

impl ResetForm {
    fn options(&self) -> ResetOptions {
        ResetOptions {
            empty: self.empty.is_some(),
            wait_for_lock: false,
            concurrency: None,
        }
    }
}

fn names(list: &[String]) -> Markup {
    html! {
        @if list.is_empty() { "none" } @else {
            @for (i, n) in list.iter().enumerate() { @if i > 0 { ", " } code { (n) } }
        }
    }
}

fn reset_plan(plan: &ResetReport) -> Markup {
    html! {
        dl.facts #reset-plan {
            dt { "Records now" } dd { (plan.before) }
            dt { "Records after" } dd.after { (plan.after) }
            dt { "Kept (something runs behind them)" } dd.kept { (names(&plan.kept)) }
            dt { "Rebuilt from Docker's labels" } dd.adopted { (names(&plan.adopted)) }
            dt { "Dropped" } dd.dropped { (names(&plan.dropped)) }
            @if plan.empty {
                dt { "Environments whose containers and volumes are removed" } dd { (plan.removed_environments) }
            }
        }
    }
}

/// `GET /admin/reset`: what a reset would keep, rebuild and drop, and the
/// form that runs it.
pub(super) async fn plan_reset(
    State(app): State<Shared>,
    headers: HeaderMap,
    Query(form): Query<ResetForm>,
) -> Response {
    let user = match require_user(&app, &headers, true) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let opts = form.options();
    let plan = match reset::preview(&app.ctx, &user.caller(), &opts).await {
        Ok(p) => p,
        Err(e) => return fail(&user, ApiError::from(e)),
    };
    let viewer = user.viewer();
    let body = html! {
        p.hint { "Nothing has changed yet. The database is backed up first; API tokens are never touched." }
        @if opts.empty {
            p.error role="alert" { "This empties the database and removes every environment's containers, networks and volumes." }
        }
        (reset_plan(&plan))
        form #confirm-reset method="post" action="/admin/reset" {
            input type="hidden" name="csrf" value=(viewer.csrf);
            @if opts.empty { input type="hidden" name="empty" value="on"; }
            p { "Back up, then " (if opts.empty { "empty the database" } else { "rebuild the database from what Docker runs" }) "?" }
            button.danger type="submit" { "Reset the database" }
        }
    };
    page(StatusCode::OK, plan_page(&viewer, "Reset plan", body))
}

/// `POST /admin/reset`: runs the confirmed reset.
pub(super) async fn run_reset(
    State(app): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<ResetForm>,
) -> Response {
    let user = match form_user(
        &app,
        &headers,
        &form.csrf,
        Some((Action::Administer, "reset the database")),
    ) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let (ctx, caller, opts) = (app.ctx.clone(), user.caller(), form.options());
    let run = super::super::detached(async move { reset::reset(&ctx, &caller, &opts).await });
    let outcome = match run.await {
        Ok(r) => format!(
            "Reset done: {} records before, {} after{}.",
            r.before,
            r.after,
            r.backup
                .as_deref()
                .map(|b| format!("; backup {b}"))
                .unwrap_or_default()
        ),
        Err(e) => format!("Reset did not run: {}", e.message),
    };
    admin_page(&app, &user, Some(&outcome)).await
}
