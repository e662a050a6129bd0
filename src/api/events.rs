//! `GET /api/onboarding/events`: Server-Sent Events of status changes.
//!
//! One watcher per server looks at the database file twice a second (its
//! size and modification time first, so an idle database costs nothing) and
//! broadcasts every change of an environment's status or readiness, whoever
//! made it: this server, the CLI or cron.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Weak};
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::{Stream, StreamExt};
use serde::Serialize;
use tokio::sync::broadcast;

use super::{ApiError, App, Shared, require};
use crate::access::{Action, Caller};
use crate::store::{Environment, Status};

const POLL: Duration = Duration::from_millis(500);

/// One change, as sent in an event's `data`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StatusChange {
    pub id: String,
    pub name: String,
    /// `None` when the environment was removed.
    pub status: Option<Status>,
    pub ready: bool,
    pub error: Option<String>,
}

#[utoipa::path(get, path = "/api/onboarding/events", tag = "environments",
    responses((status = 200, description = "Server-Sent Events: `event: status`, data a StatusChange", content_type = "text/event-stream", body = StatusChange),
              (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody)))]
pub async fn stream(
    State(app): State<Shared>,
    caller: Result<Caller, ApiError>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let caller = caller?;
    require(&caller, Action::Read)?;
    let slot = app.streams.open(
        caller.token.as_deref().unwrap_or("-"),
        app.ctx.config.api.max_streams,
    )?;
    Ok(subscribe(&app, slot).await)
}

/// The event stream for one subscriber (the API's, or a signed-in page's).
pub(super) async fn subscribe(
    app: &Shared,
    slot: super::limits::StreamSlot,
) -> Sse<impl Stream<Item = Result<Event, Infallible>> + use<>> {
    let receiver = (app.events.subscribe(), slot);
    let mut closing = app.closing.subscribe();
    start_watcher(app).await;
    // The slot lives as long as the stream, so its count drops with it.
    let events = futures_util::stream::unfold(receiver, |(mut rx, slot)| async move {
        loop {
            match rx.recv().await {
                Ok(change) => {
                    let event = Event::default()
                        .event("status")
                        .json_data(&change)
                        .unwrap_or_default();
                    return Some((Ok(event), (rx, slot)));
                }
                // A slow client missed some: carry on with the next.
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    // The stream ends when the server stops, so its connection does not hold the shutdown.
    let until_closing = async move {
        let _ = closing.wait_for(|c| *c).await;
    };
    Sse::new(events.take_until(until_closing)).keep_alive(KeepAlive::default())
}

/// Starts the watcher once per server (it stops when the server is
/// dropped). Its first look is taken before the subscriber's response goes
/// out, so every change after that is seen.
async fn start_watcher(app: &Arc<App>) {
    if app.watching.swap(true, std::sync::atomic::Ordering::SeqCst) {
        return;
    }
    let (stamp, seen) = look(app).await;
    tokio::spawn(watch(Arc::downgrade(app), stamp, seen));
}

type Snapshot = HashMap<String, (Status, bool)>;
/// The database's content fingerprint (its header's checksum): twice a second, a short read.
type Stamp = Option<(u64, u32)>;

fn stamp_of(app: &App) -> Stamp {
    app.ctx.store.fingerprint()
}

async fn look(app: &Arc<App>) -> (Stamp, Option<Snapshot>) {
    let stamp = stamp_of(app);
    let ctx = app.ctx.clone();
    let seen = match tokio::task::spawn_blocking(move || ctx.store.read()).await {
        Ok(Ok(db)) => Some(
            db.environments
                .iter()
                .map(|e| (e.id.clone(), (e.status, e.ready)))
                .collect(),
        ),
        _ => None,
    };
    (stamp, seen)
}

async fn watch(app: Weak<App>, mut stamp: Stamp, mut seen: Option<Snapshot>) {
    loop {
        tokio::time::sleep(POLL).await;
        let Some(strong) = app.upgrade() else { return };
        let current = stamp_of(&strong);
        if current != stamp || seen.is_none() {
            stamp = current;
            let ctx = strong.ctx.clone();
            let read = tokio::task::spawn_blocking(move || ctx.store.read()).await;
            if let Ok(Ok(db)) = read {
                let now: Snapshot = db
                    .environments
                    .iter()
                    .map(|e| (e.id.clone(), (e.status, e.ready)))
                    .collect();
                if let Some(before) = &seen {
                    for change in diff(before, &db.environments) {
                        let _ = strong.events.send(change);
                    }
                }
                seen = Some(now);
            }
        }
    }
}

fn diff(before: &HashMap<String, (Status, bool)>, now: &[Environment]) -> Vec<StatusChange> {
    let mut changes: Vec<StatusChange> = now
        .iter()
        .filter(|e| before.get(&e.id) != Some(&(e.status, e.ready)))
        .map(|e| StatusChange {
            id: e.id.clone(),
            name: e.name.clone(),
            status: Some(e.status),
            ready: e.ready,
            error: e.error.clone(),
        })
        .collect();
    for id in before.keys().filter(|id| now.iter().all(|e| &e.id != *id)) {
        changes.push(StatusChange {
            id: id.clone(),
            name: String::new(),
            status: None,
            ready: false,
            error: None,
        });
    }
    changes
}
