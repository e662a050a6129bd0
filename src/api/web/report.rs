//! The dashboard at `/dashboard`: the figures of a time range from the
//! history (the event log, through [`crate::ops::report`]), so a server
//! restart forgets nothing and creates made with the CLI count; step charts
//! of environments alive and of the templates' use against their limits;
//! ranges (`?range=day|week|month`) and groupings (`?by=owner|template|
//! label:KEY`) as plain links and a GET form, so it all works without
//! JavaScript. A project manager's view of a team is `?by=label:team`.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::Utc;
use maud::{Markup, html};
use serde::Deserialize;

use super::charts::{Series, step_chart};
use super::pages::{self, bytes, cpu_text};
use super::{Shared, fail, page, read_envs, require_user};
use crate::api::ApiError;
use crate::ops::report::{Report, ReportRequest, Step};

/// The ranges offered, as (query value, words, length).
const RANGES: [(&str, &str, i64); 3] = [
    ("day", "Day", 1),
    ("week", "Week", 7),
    ("month", "Month", 30),
];
/// Groups drawn as their own line in the chart of environments alive.
const CHARTED_GROUPS: usize = 4;

#[derive(Debug, Default, Deserialize)]
pub(super) struct DashboardQuery {
    range: Option<String>,
    by: Option<String>,
}

pub(super) async fn dashboard(
    State(app): State<Shared>,
    headers: HeaderMap,
    query: Result<Query<DashboardQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let user = match require_user(&app, &headers, true) {
        Ok(u) => u,
        Err(r) => return r,
    };
    let q = query.map(|Query(q)| q).unwrap_or_default();
    let range = q.range.as_deref().unwrap_or("day");
    let Some(&(range, _, days)) = RANGES.iter().find(|r| r.0 == range) else {
        return fail(
            &user,
            ApiError::from(crate::Error::InvalidInput(format!(
                "range: '{range}' is not day, week or month"
            ))),
        );
    };
    let since = format!("{days}d");
    let request = match ReportRequest::parse(Some(&since), None, q.by.as_deref(), Utc::now()) {
        Ok(r) => r,
        Err(e) => return fail(&user, e.into()),
    };
    let caller = user.caller();
    let report = match super::super::blocking(&app, move |ctx| {
        crate::ops::report::report(ctx, &caller, &request)
    })
    .await
    {
        Ok(r) => r,
        Err(e) => return fail(&user, e),
    };
    let envs = match read_envs(&app).await {
        Ok(envs) => envs,
        Err(e) => return fail(&user, e),
    };
    let mut label_keys: Vec<&str> = envs
        .iter()
        .flat_map(|e| e.labels.keys().map(String::as_str))
        .collect();
    label_keys.sort_unstable();
    label_keys.dedup();
    let history = history(&report, range, &label_keys);
    let overall = app.monitor.overall();
    let latest = app.monitor.latest();
    let pools = super::super::blocking(&app, |ctx| {
        crate::ops::pool::status(ctx, crate::ops::pool::now())
    })
    .await
    .unwrap_or_default();
    let view = pages::DashboardView {
        envs: &envs,
        overall: &overall,
        latest: &latest,
        history,
        pools: &pools,
        archives: super::super::blocking(&app, crate::ops::archive::usage)
            .await
            .ok(),
    };
    page(StatusCode::OK, pages::dashboard(&user.viewer(), &view))
}

fn points(steps: &[Step]) -> Vec<(f64, f64)> {
    steps
        .iter()
        .map(|s| (s.at.timestamp() as f64, s.value))
        .collect()
}

const CLASSES: [&str; 5] = ["a", "b", "c", "d", "e"];

fn link(range: &str, by: &str) -> String {
    format!("/dashboard?range={range}&by={}", urlencoding(by))
}

/// Enough escaping for the few characters a label key may hold.
fn urlencoding(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The history part of the dashboard: range and grouping links, then the
/// report's figures.
pub(super) fn history(r: &Report, range: &str, label_keys: &[&str]) -> Markup {
    let mut charted: Vec<&crate::ops::report::GroupFigures> = r.groups.iter().collect();
    charted.sort_by(|a, b| b.environment_hours.total_cmp(&a.environment_hours));
    charted.truncate(CHARTED_GROUPS);
    let mut alive = vec![Series {
        label: "all",
        class: CLASSES[0],
        points: points(&r.total.alive_series),
    }];
    for (g, class) in charted.iter().zip(&CLASSES[1..]) {
        alive.push(Series {
            label: &g.key,
            class,
            points: points(&g.alive_series),
        });
    }
    let mut groupings: Vec<String> = vec!["owner".into(), "template".into()];
    groupings.extend(label_keys.iter().map(|k| format!("label:{k}")));
    let span = RANGES.iter().find(|x| x.0 == range).map_or("day", |x| x.0);
    html! {
        section #history {
            h2 { "History" }
            nav.ranges aria-label="Time range" {
                @for (value, words, _) in RANGES {
                    @if value == range { strong aria-current="page" { (words) } } @else { a href=(link(value, &r.by)) { (words) } }
                    " "
                }
            }
            nav.groupings aria-label="Group by" {
                "By: "
                @for g in &groupings {
                    @if *g == r.by { strong aria-current="true" { (g) } } @else { a href=(link(range, g)) { (g) } }
                    " "
                }
                form method="get" action="/dashboard" {
                    input type="hidden" name="range" value=(range);
                    label { "label key " input type="text" name="by" value=(r.by) placeholder="label:team" size="14"; }
                    button type="submit" { "Show" }
                }
            }
            p.range { (r.since.format("%Y-%m-%d %H:%M")) " to " (r.until.format("%Y-%m-%d %H:%M UTC")) ", " (r.events) " events" }
            (step_chart(&format!("Environments alive, last {span}"), &alive, |v| format!("{v:.0}"), 1.0))
            div.scroll { table #groups {
                caption { "By " (r.by) }
                thead { tr { th { (r.by) } th { "Created" } th { "Alive" } th { "Removed" } th { "Environment-hours" } th { "Failed creates" } th { "Failure rate" } } }
                tbody {
                    @for g in r.groups.iter().chain([&r.total]) {
                        tr { td { (g.key) } td { (g.created) } td { (g.alive) } td { (g.removed) } td { (format!("{:.1}", g.environment_hours)) } td { (g.creates_failed) } td { (format!("{:.1}%", g.failure_rate * 100.0)) } }
                    }
                }
            } }
            h3 { "Provisioning time" }
            @if r.provisioning.is_empty() { p.empty { "No creates in this range." } } @else {
                table #provisioning { thead { tr { th { "Template" } th { "Creates" } th { "p50" } th { "p95" } } }
                    tbody { @for p in &r.provisioning { tr { td { (p.template) } td { (p.creates) } td { (format!("{:.1} s", p.p50_ms as f64 / 1000.0)) } td { (format!("{:.1} s", p.p95_ms as f64 / 1000.0)) } } } } }
            }
            @if !r.causes.is_empty() {
                h3 { "Why creates failed" }
                table #causes { thead { tr { th { "Count" } th { "Code" } th { "Cause" } } }
                    tbody { @for c in &r.causes { tr { td { (c.count) } td { code { (c.code) } } td { (c.cause) } } } } }
            }
            h3 { "Cleanup" }
            p #cleanup {
                (r.cleanup.runs) " run(s), " (format!("{:.1}", r.cleanup.removed_per_run)) " removed per run"
                @for (rule, n) in &r.cleanup.removed_by_rule { "; " (rule) ": " (n) }
                "."
            }
            @if !r.pools.is_empty() {
                h3 { "Pool claims and misses" }
                table #pool-demand { thead { tr { th { "Template" } th { "Claims" } th { "Misses" } } }
                    tbody { @for p in &r.pools { tr { td { (p.template) } td { (p.claims) } td { (p.misses) } } } } }
            }
            h3 { "Utilisation" }
            @if r.utilisation.is_empty() { p.empty { "No samples in this range: the server samples once a minute while it runs." } }
            @for u in &r.utilisation {
                div.charts {
                    (step_chart(&format!("{}: memory used and limit", u.template), &[
                        Series { label: "used", class: "a", points: points(&u.memory_series) },
                        Series { label: "limit", class: "b", points: points(&u.memory_limit_series) },
                    ], |v| bytes(v as u64), 0.0))
                    (step_chart(&format!("{}: CPU", u.template), &[
                        Series { label: "CPU", class: "c", points: points(&u.cpu_series) },
                    ], cpu_text, 5.0))
                }
                p.utilisation {
                    (u.template) ": memory " (u.memory_percent.map_or("-".into(), |p| format!("{p:.0}%"))) " of its limit, CPU "
                    (u.cpu_percent.map_or("-".into(), |p| format!("{p:.0}%"))) " of its limit (" (u.samples) " samples)."
                }
            }
            h3 { "Server uptime" }
            p #uptime { strong { (format!("{:.1}%", r.uptime.percent)) } " (" (format!("{:.1}", r.uptime.up_seconds / 3600.0)) " h of " (format!("{:.1}", r.uptime.range_seconds / 3600.0)) " h), " (r.uptime.starts) " start(s), " (r.uptime.unclean_stops) " without a clean stop." }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_key_is_escaped_in_links() {
        assert_eq!(
            link("week", "label:team"),
            "/dashboard?range=week&by=label%3Ateam"
        );
    }
}
