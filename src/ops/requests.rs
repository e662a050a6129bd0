//! Requests as they travel between the remote client and the server: one
//! set of types, serialised by the client ([`crate::client::remote`]) and
//! read by the API's handlers, each turned into the operation's typed
//! options here, so a value is checked (and the config's defaults merged) in
//! one place whichever door it came through. Durations travel as text
//! ("90s", "2h", "7d"), numbers as JSON numbers.
//!
//! Must not: know HTTP (status codes, headers) or axum.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::config::CleanupConfig;
use crate::config::durations;
use crate::engine::Removed;
use crate::error::{Error, Result};
use crate::ops::cleanup::CleanupOptions;
use crate::ops::create::CreateOptions;
use crate::ops::delete::{DeleteOptions, Deleted};
use crate::ops::lifecycle::Update;
use crate::ops::query::ListFilter;
use crate::retention::RetentionPolicy;
use crate::store::{Environment, Status};

/// A duration as the wire writes it: whole seconds.
pub fn duration_text(d: Duration) -> String {
    format!("{}s", d.as_secs().max(1))
}

fn duration(field: &str, text: Option<&str>) -> Result<Option<Duration>> {
    text.map(|t| durations::parse_field(field, t)).transpose()
}

/// `GET /api/onboarding/environments`'s query: a filter and a page.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct ListRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<usize>,
    /// Also warm pool members.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub all: Option<bool>,
}

/// Page size when `limit` is not given, and the largest allowed.
pub const DEFAULT_PAGE: usize = 100;
pub const MAX_PAGE: usize = 1000;
pub const MAX_OFFSET: usize = 1_000_000_000;

/// A checked [`ListRequest`].
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub filter: ListFilter,
    pub offset: usize,
    pub limit: usize,
}

impl Page {
    /// True when the `index`th match (from 0) is on this page.
    pub fn holds(&self, index: usize) -> bool {
        index >= self.offset && index < self.offset.saturating_add(self.limit)
    }
}

impl ListRequest {
    pub fn into_page(self) -> Result<Page> {
        let offset = self.offset.unwrap_or(0);
        if offset > MAX_OFFSET {
            return Err(Error::InvalidInput(format!(
                "offset may be at most {MAX_OFFSET}"
            )));
        }
        let limit = self.limit.unwrap_or(DEFAULT_PAGE);
        if limit > MAX_PAGE {
            return Err(Error::InvalidInput(format!(
                "limit may be at most {MAX_PAGE}"
            )));
        }
        let status = self
            .status
            .as_deref()
            .map(str::parse::<Status>)
            .transpose()?;
        Ok(Page {
            filter: ListFilter {
                status,
                owner: self.owner,
                template: self.template,
                all: self.all.unwrap_or(false),
            },
            offset,
            limit,
        })
    }
}

/// `POST /api/onboarding/new-environment`.
#[derive(Debug, Default, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(pattern = "^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$")]
    pub name: Option<String>,
    /// One of the config's templates (404 for another).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(pattern = "^[A-Za-z0-9._@-]{1,64}$")]
    pub owner: Option<String>,
    /// Time to live: a number and a unit (s, m, h, d, w).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(pattern = "^([0-9]{1,8}s|[0-9]{1,6}m|[0-9]{1,4}h|[0-9]{1,3}d|[0-9]{1,2}w)$")]
    pub ttl: Option<String>,
    #[serde(default)]
    #[schema(schema_with = crate::api::openapi::labels_schema)]
    pub labels: BTreeMap<String, String>,
    /// Probe readiness after starting (default true); false leaves `ready` false.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wait: Option<bool>,
    /// Give up (and roll back) after this long: a number and a unit (s, m, h, d, w).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(
        pattern = "^([1-9][0-9]{0,7}s|[1-9][0-9]{0,5}m|[1-9][0-9]{0,3}h|[1-9][0-9]{0,2}d|[1-9][0-9]?w)$"
    )]
    pub timeout: Option<String>,
    /// On failure keep the containers for inspection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keep_on_failure: Option<bool>,
    /// Never let cleanup remove it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pinned: Option<bool>,
    /// Create cold even when the template's warm pool has a ready member.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_pool: Option<bool>,
    /// Restore this archive's volumes (an archive id, or an environment name
    /// for its newest archive); the template is the archive's unless given.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(pattern = "^[a-z0-9][a-z0-9-]{0,79}$")]
    pub from_archive: Option<String>,
}

impl CreateRequest {
    pub fn from_options(o: &CreateOptions) -> CreateRequest {
        CreateRequest {
            name: o.name.clone(),
            template: o.template.clone(),
            owner: o.owner.clone(),
            ttl: o.ttl.map(duration_text),
            labels: o.labels.clone(),
            wait: Some(o.wait),
            timeout: o.timeout.map(duration_text),
            keep_on_failure: Some(o.keep_on_failure),
            pinned: Some(o.pinned),
            no_pool: o.no_pool.then_some(true),
            from_archive: o.from_archive.clone(),
        }
    }

    /// The create's options; the rest of the checks are
    /// [`CreateOptions::validate`]'s, run by the create itself.
    pub fn into_options(self) -> Result<CreateOptions> {
        Ok(CreateOptions {
            ttl: duration("ttl", self.ttl.as_deref())?,
            timeout: duration("timeout", self.timeout.as_deref())?,
            name: self.name,
            template: self.template,
            owner: self.owner,
            labels: self.labels,
            wait: self.wait.unwrap_or(true),
            keep_on_failure: self.keep_on_failure.unwrap_or(false),
            pinned: self.pinned.unwrap_or(false),
            no_pool: self.no_pool.unwrap_or(false),
            for_pool: false,
            from_archive: self.from_archive,
        })
    }
}

/// `PUT /api/onboarding/environments/{id}`: change the record, and start or
/// stop the environment.
#[derive(Debug, Default, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRequest {
    /// "running" starts the environment, "stopped" stops it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(pattern = "^(running|stopped)$")]
    pub status: Option<String>,
    /// A new time to live from now (s, m, h, d, w). With `expires_at` too, the earlier end wins.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(pattern = "^([0-9]{1,8}s|[0-9]{1,6}m|[0-9]{1,4}h|[0-9]{1,3}d|[0-9]{1,2}w)$")]
    pub ttl: Option<String>,
    /// A new end of life (in the future). With `ttl` too, the earlier end wins.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Move the end of life this much later (from now when it has passed);
    /// 409 for an environment that has none. With `ttl` or `expires_at` too,
    /// the earlier end wins. Every end is at most `[defaults] max_lifetime`
    /// from the creation (else 409).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(
        pattern = "^([1-9][0-9]{0,7}s|[1-9][0-9]{0,5}m|[1-9][0-9]{0,3}h|[1-9][0-9]{0,2}d|[1-9][0-9]?w)$"
    )]
    pub extend: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(schema_with = crate::api::openapi::optional_labels_schema)]
    pub labels: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pinned: Option<bool>,
    /// With status "running": how long readiness may take before the environment is `failed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(
        pattern = "^([1-9][0-9]{0,7}s|[1-9][0-9]{0,5}m|[1-9][0-9]{0,3}h|[1-9][0-9]{0,2}d|[1-9][0-9]?w)$"
    )]
    pub timeout: Option<String>,
}

/// What an [`UpdateRequest`] asks for, checked.
#[derive(Debug, Clone, Default)]
pub struct Change {
    pub update: Update,
    pub run: Option<Run>,
}

/// Start or stop, after the record's change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Run {
    /// Start; readiness may take `timeout` (the template's when `None`).
    Start {
        timeout: Option<Duration>,
    },
    Stop,
}

impl UpdateRequest {
    pub fn start(timeout: Option<Duration>) -> UpdateRequest {
        UpdateRequest {
            status: Some("running".into()),
            timeout: timeout.map(duration_text),
            ..Default::default()
        }
    }

    pub fn stop() -> UpdateRequest {
        UpdateRequest {
            status: Some("stopped".into()),
            ..Default::default()
        }
    }

    /// `envctl extend`: by `by`, or to `until`.
    pub fn extend(
        by: Option<Duration>,
        until: Option<chrono::DateTime<chrono::Utc>>,
    ) -> UpdateRequest {
        UpdateRequest {
            extend: by.map(duration_text),
            expires_at: until,
            ..Default::default()
        }
    }

    pub fn pin(pinned: bool) -> UpdateRequest {
        UpdateRequest {
            pinned: Some(pinned),
            ..Default::default()
        }
    }

    /// Checks every field; `now` is when a `ttl` starts.
    pub fn into_change(self, now: chrono::DateTime<chrono::Utc>) -> Result<Change> {
        let timeout = duration("timeout", self.timeout.as_deref())?;
        if timeout.is_some_and(|t| t.is_zero()) {
            return Err(Error::InvalidInput(
                "timeout: must be more than zero".into(),
            ));
        }
        let run = match self.status.as_deref() {
            None => None,
            Some("running") => Some(Run::Start { timeout }),
            Some("stopped") => Some(Run::Stop),
            Some(other) => {
                return Err(Error::InvalidInput(format!(
                    "status may be \"running\" or \"stopped\", not \"{}\"",
                    crate::names::printable(other, 40)
                )));
            }
        };
        // Both given: the earlier end wins.
        let from_ttl = duration("ttl", self.ttl.as_deref())?.map(|d| durations::add(now, d));
        let expires_at = match (from_ttl, self.expires_at) {
            (Some(a), Some(b)) => Some(Some(a.min(b))),
            (Some(t), None) | (None, Some(t)) => Some(Some(t)),
            (None, None) => None,
        };
        let extend = duration("extend", self.extend.as_deref())?;
        if extend.is_some_and(|d| d.is_zero()) {
            return Err(Error::InvalidInput("extend: must be more than zero".into()));
        }
        Ok(Change {
            update: Update {
                expires_at,
                extend,
                labels: self.labels,
                pinned: self.pinned,
            },
            run,
        })
    }
}

/// `DELETE /api/onboarding/environments/{id}`'s query.
#[derive(Debug, Default, Clone, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeleteRequest {
    /// Answer when the environment is gone (200, with what was removed), not at once (202).
    #[serde(default)]
    pub wait: bool,
    /// Keep its named volumes.
    #[serde(default)]
    pub keep_volumes: bool,
    /// Remove the volumes without archiving them first.
    #[serde(default)]
    pub no_archive: bool,
}

impl DeleteRequest {
    /// The delete's options: deleting what is gone is no error.
    pub fn options(&self) -> DeleteOptions {
        DeleteOptions {
            if_exists: true,
            keep_volumes: self.keep_volumes,
            no_archive: self.no_archive,
            ..Default::default()
        }
    }
}

/// The answer to a delete.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct DeleteAnswer {
    /// False when there was nothing to delete.
    pub deleted: bool,
    pub environment: Option<Environment>,
    /// With `wait`: what was removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed: Option<Removed>,
    /// With `wait`: the archive its volumes went into first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive: Option<crate::archives::ArchiveSummary>,
}

impl DeleteAnswer {
    /// A delete that was waited for.
    pub fn removed(deleted: Option<Deleted>) -> DeleteAnswer {
        match deleted {
            Some(d) => DeleteAnswer {
                deleted: true,
                environment: Some(d.environment),
                removed: Some(d.removed),
                archive: d.archive,
            },
            None => DeleteAnswer::default(),
        }
    }

    /// A delete going on in the background.
    pub fn accepted(environment: Option<Environment>) -> DeleteAnswer {
        DeleteAnswer {
            deleted: environment.is_some(),
            environment,
            removed: None,
            archive: None,
        }
    }

    /// What the client's delete returns.
    pub fn into_deleted(self) -> Option<Deleted> {
        match (self.deleted, self.environment) {
            (true, Some(environment)) => Some(Deleted {
                environment,
                removed: self.removed.unwrap_or_default(),
                archive: self.archive,
            }),
            _ => None,
        }
    }
}

/// `POST /api/admin/cleanup`, and the CLI's `cleanup`: overrides of the
/// retention policy; the rest comes from the config of whoever runs it.
#[derive(Debug, Default, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CleanupRequest {
    /// Keep only this many of the most recent.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<u32>, minimum = 0, maximum = 1000000)]
    pub keep: Option<serde_json::Number>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(pattern = "^([0-9]{1,8}s|[0-9]{1,6}m|[0-9]{1,4}h|[0-9]{1,3}d|[0-9]{1,2}w)$")]
    pub older_than: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(pattern = "^([0-9]{1,8}s|[0-9]{1,6}m|[0-9]{1,4}h|[0-9]{1,3}d|[0-9]{1,2}w)$")]
    pub failed_grace: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_owner: Option<bool>,
    #[serde(default)]
    pub dry_run: bool,
    /// Local only: how many removals at once (the config's when `None`).
    #[serde(skip)]
    pub concurrency: Option<usize>,
    /// Local only: wait for another maintenance run (a server never does).
    #[serde(skip)]
    pub wait_for_lock: bool,
}

impl CleanupRequest {
    /// The overrides of the command line.
    pub fn new(
        keep: Option<usize>,
        older_than: Option<Duration>,
        failed_grace: Option<Duration>,
        per_owner: bool,
    ) -> CleanupRequest {
        CleanupRequest {
            keep: keep.map(|k| serde_json::Number::from(k as u64)),
            older_than: older_than.map(duration_text),
            failed_grace: failed_grace.map(duration_text),
            per_owner: per_owner.then_some(true),
            ..Default::default()
        }
    }

    /// The cleanup's options: these overrides over `config` (the one place
    /// they are merged).
    pub fn options(&self, config: &CleanupConfig) -> Result<CleanupOptions> {
        let mut opts = CleanupOptions::from_config(config, self.dry_run);
        let policy = &mut opts.policy;
        policy.keep = keep(self.keep.as_ref())?.or(policy.keep);
        policy.older_than =
            duration("older_than", self.older_than.as_deref())?.or(policy.older_than);
        policy.failed_grace =
            duration("failed_grace", self.failed_grace.as_deref())?.or(policy.failed_grace);
        policy.per_owner |= self.per_owner.unwrap_or(false);
        opts.concurrency = self.concurrency.unwrap_or(opts.concurrency).max(1);
        opts.wait_for_lock = self.wait_for_lock;
        Ok(opts)
    }
}

impl CleanupOptions {
    /// The config's retention policy as it is.
    pub fn from_config(config: &CleanupConfig, dry_run: bool) -> CleanupOptions {
        CleanupOptions {
            policy: RetentionPolicy {
                keep: config.keep,
                older_than: config.older_than,
                failed_grace: config.failed_grace,
                per_owner: config.per_owner,
            },
            dry_run,
            leave_dead_services: false,
            concurrency: config.concurrency.max(1),
            wait_for_lock: false,
        }
    }
}

/// A whole number from 0 to 1,000,000 (JSON may write it 12 or 12.0).
fn keep(n: Option<&serde_json::Number>) -> Result<Option<usize>> {
    let Some(n) = n else { return Ok(None) };
    let value = n
        .as_f64()
        .filter(|v| v.fract() == 0.0 && (0.0..=1_000_000.0).contains(v));
    value
        .map(|v| Some(v as usize))
        .ok_or_else(|| Error::InvalidInput("keep: a whole number from 0 to 1000000".into()))
}

/// `PUT`'s status field, for the web pages' forms.
pub fn parse_run_status(status: &str) -> Option<Status> {
    match status {
        "running" => Some(Status::Running),
        "stopped" => Some(Status::Stopped),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_create_request_round_trips_through_the_wire() {
        let opts = CreateOptions {
            name: Some("a".into()),
            ttl: Some(Duration::from_secs(7200)),
            timeout: Some(Duration::from_secs(90)),
            wait: false,
            pinned: true,
            ..Default::default()
        };
        let wire = serde_json::to_string(&CreateRequest::from_options(&opts)).unwrap();
        let back: CreateRequest = serde_json::from_str(&wire).unwrap();
        let back = back.into_options().unwrap();
        assert_eq!(back.ttl, opts.ttl);
        assert_eq!(back.timeout, opts.timeout);
        assert_eq!((back.wait, back.pinned), (false, true));
        // An empty body takes every default.
        let empty: CreateRequest = serde_json::from_str("{}").unwrap();
        assert!(empty.into_options().unwrap().wait);
    }

    #[test]
    fn an_update_request_is_checked_field_by_field() {
        let now = chrono::Utc::now();
        let bad = |json: &str| {
            let r: UpdateRequest = serde_json::from_str(json).unwrap();
            r.into_change(now).unwrap_err().to_string()
        };
        assert!(bad(r#"{"status":"paused"}"#).contains("status may be"));
        assert!(bad(r#"{"timeout":"0s"}"#).contains("more than zero"));
        assert!(bad(r#"{"ttl":"forever"}"#).starts_with("ttl:"));
        let later = now + chrono::Duration::days(30);
        let r = UpdateRequest {
            ttl: Some("1d".into()),
            expires_at: Some(later),
            ..UpdateRequest::start(Some(Duration::from_secs(60)))
        };
        let change = r.into_change(now).unwrap();
        assert_eq!(
            change.run,
            Some(Run::Start {
                timeout: Some(Duration::from_secs(60))
            })
        );
        assert_eq!(
            change.update.expires_at,
            Some(Some(now + chrono::Duration::days(1))),
            "the earlier end wins"
        );
    }

    #[test]
    fn cleanup_overrides_lie_over_the_config_in_one_place() {
        let config = CleanupConfig {
            keep: Some(10),
            older_than: Some(Duration::from_secs(86400)),
            ..Default::default()
        };
        let request = CleanupRequest::new(Some(3), None, None, true);
        let wire = serde_json::to_string(&request).unwrap();
        let back: CleanupRequest = serde_json::from_str(&wire).unwrap();
        let opts = back.options(&config).unwrap();
        assert_eq!(opts.policy.keep, Some(3));
        assert_eq!(opts.policy.older_than, Some(Duration::from_secs(86400)));
        assert!(opts.policy.per_owner);
        let bad: CleanupRequest = serde_json::from_str(r#"{"keep": 1.5}"#).unwrap();
        assert!(bad.options(&config).is_err());
    }
}
