//! The admin page's backups (admins only): the list, back up now, verify
//! one, and restore one after seeing what it would change.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::admin::{admin_page, plan_page};
use super::pages::{Viewer, bytes, when};
use super::{Shared, fail, form_user, page, require_user};
use crate::access::Action;

use crate::ops::backup::{self, Backup, RestorePreview};

/// The backups' section of the admin page, newest first.
pub(super) fn section(viewer: &Viewer, backups: &Result<Vec<Backup>, String>) -> Markup {
    html! {
        section #backups {
            h2 { "Backups" }
            p.hint { "Copies of the environments database, taken before anything destructive and on demand." }
            @match backups {
                Ok(list) if list.is_empty() => p.empty { "No backups yet." },
                Ok(list) => div.scroll { table {
                    thead { tr { th { "Name" } th { "Taken" } th { "Reason" } th { "Size" } th { "Actions" } } }
                    tbody { @for b in list.iter().rev() {
                        tr data-backup=(b.name) {
                            td { code { (b.name) } } td { (when(b.created_at)) } td { (b.reason) } td { (bytes(b.bytes)) }
                            td.actions {
                                form.verify method="post" action="/admin/backups/verify" {
                                    input type="hidden" name="csrf" value=(viewer.csrf);
                                    input type="hidden" name="name" value=(b.name);
                                    button type="submit" { "Verify" }
                                }
                                form.restore method="get" action="/admin/backups/restore" {
                                    input type="hidden" name="name" value=(b.name);
                                    button type="submit" { "Restore…" }
                                }
                            }
                        }
                    } }
                } },
                Err(e) => p.error { (e) },
            }
            form #backup-now method="post" action="/admin/backups" {
                input type="hidden" name="csrf" value=(viewer.csrf);
                button type="submit" { "Back up now" }
            }
        }
    }
}

/// A form naming one backup.
#[derive(Deserialize, Default)]
pub(super) struct BackupForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
}

/// `POST /admin/backups`: back the database up now.
pub(super) async fn create(
    State(app): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<BackupForm>,
) -> Response {
    let user = match form_user(
        &app,
        &headers,
        &form.csrf,
        Some((Action::Administer, "make backups")),
    ) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let caller = user.caller();
    let outcome =
        match crate::api::blocking(&app, move |ctx| backup::take(ctx, &caller, "web")).await {
            Ok(b) => format!("Backup made: {} ({}).", b.name, bytes(b.bytes)),
            Err(e) => format!("No backup was made: {}", e.message),
        };
    admin_page(&app, &user, Some(&outcome)).await
}

/// `POST /admin/backups/verify`: checks one backup.
pub(super) async fn verify(
    State(app): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<BackupForm>,
) -> Response {
    let user = match form_user(
        &app,
        &headers,
        &form.csrf,
        Some((Action::Administer, "verify backups")),
    ) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let (caller, name) = (user.caller(), form.name);
    let checked =
        crate::api::blocking(&app, move |ctx| backup::check(ctx, &caller, Some(&name))).await;
    let outcome = match checked {
        Ok(results) => results
            .iter()
            .map(|v| match (&v.error, v.environments) {
                (None, Some(n)) => format!(
                    "Backup {} is sound: {n} environment(s), restorable.",
                    v.name
                ),
                (Some(e), _) => format!("Backup {} cannot be restored: {e}", v.name),
                (None, None) => format!("Backup {} is sound.", v.name),
            })
            .collect::<Vec<_>>()
            .join(" "),
        Err(e) => format!("Not verified: {}", e.message),
    };
    admin_page(&app, &user, Some(&outcome)).await
}

fn listed(names: &[String]) -> Markup {
    html! {
        @if names.is_empty() { "none" } @else {
            @for (i, n) in names.iter().enumerate() { @if i > 0 { ", " } code { (n) } }
        }
    }
}

fn preview_table(p: &RestorePreview) -> Markup {
    html! {
        dl.facts #restore-preview {
            dt { "Come back (in the backup, not in the database)" } dd.added { (listed(&p.added)) }
            dt { "Go away (in the database, not in the backup)" } dd.removed { (listed(&p.removed)) }
            dt { "Change (a different record in the backup)" } dd.changed { (listed(&p.changed)) }
            dt { "Unchanged" } dd.unchanged { (p.unchanged) }
        }
    }
}

/// `GET /admin/backups/restore?name=`: what restoring it would change, and
/// the form that restores it.
pub(super) async fn plan_restore(
    State(app): State<Shared>,
    headers: HeaderMap,
    Query(form): Query<BackupForm>,
) -> Response {
    let user = match require_user(&app, &headers, true) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let (caller, name) = (user.caller(), form.name);
    let preview =
        match crate::api::blocking(&app, move |ctx| backup::preview_for(ctx, &caller, &name)).await
        {
            Ok(p) => p,
            Err(e) => return fail(&user, e),
        };
    let viewer = user.viewer();
    let body = html! {
        p.hint { "Nothing has changed yet. The backup was read and every record checked; the current database is backed up before it is replaced. Docker is not touched: a sync afterwards reconciles the records with what runs." }
        p { "Restoring " code { (preview.backup) } " changes the environment records like this:" }
        (preview_table(&preview))
        form #confirm-restore method="post" action="/admin/backups/restore" {
            input type="hidden" name="csrf" value=(viewer.csrf);
            input type="hidden" name="name" value=(preview.backup);
            p { "Replace the database with " code { (preview.backup) } "?" }
            button.danger type="submit" { "Restore it" }
        }
    };
    page(StatusCode::OK, plan_page(&viewer, "Restore a backup", body))
}

/// `POST /admin/backups/restore`: restores the confirmed backup.
pub(super) async fn restore(
    State(app): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<BackupForm>,
) -> Response {
    let user = match form_user(
        &app,
        &headers,
        &form.csrf,
        Some((Action::Administer, "restore backups")),
    ) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let (caller, name) = (user.caller(), form.name.clone());
    let restored =
        crate::api::blocking(&app, move |ctx| backup::restore_for(ctx, &caller, &name)).await;
    let outcome = match restored {
        Ok(safety) => format!(
            "Restored {}{}.",
            form.name,
            safety
                .map(|s| format!("; the replaced database is in {}", s.name))
                .unwrap_or_default()
        ),
        Err(e) => format!("Not restored: {}", e.message),
    };
    admin_page(&app, &user, Some(&outcome)).await
}
