//! The admin page (cleanup plan and run, sync, backups). The dashboard is
//! `report.rs`.

use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::{CsrfForm, Shared, User, fail, form_user, page, pages, require_user};
use crate::access::Action;
use crate::api::ApiError;
use crate::ops::cleanup::{self, CleanupOptions};
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
    let backups = (user.caller().may(Action::Administer, None))
        .then(|| crate::ops::backup::list(&app.ctx.store).map_err(|e| ApiError::from(e).message));
    let archives = archive_store(app, user).await.map_err(|e| e.message);
    let view = pages::AdminView {
        cleanup,
        sync,
        backups,
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

pub(super) async fn run_sync(
    State(app): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
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
    let outcome = match sync::sync(&app.ctx, &user.caller(), &SyncOptions::default()).await {
        Ok(report) => {
            app.metrics.sync(&report);
            format!("Sync done: {} records corrected.", report.changes.len())
        }
        Err(e) => format!("Sync did not run: {}", ApiError::from(e).message),
    };
    admin_page(&app, &user, Some(&outcome)).await
}
