//! The pages, as maud templates: everything a user typed (names, labels,
//! owners, log lines) goes through maud's escaping. What a role may not do,
//! its page does not offer; the handlers refuse it anyway.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use maud::{DOCTYPE, Markup, html};

use super::charts::{Series, line_chart, step_chart};
use crate::archives::ArchiveSummary;
use crate::config::TemplateSummary;
use crate::ops::backup::Backup;
use crate::ops::cleanup::CleanupReport;
use crate::ops::query::{Browse, BrowseRequest, Listing, SortKey};
use crate::ops::stats::{EnvironmentStats, ServiceStats};
use crate::ops::sync::SyncReport;
use crate::store::events::Logged;
use crate::store::{Environment, Status};
use crate::tokens::Token;

use super::super::monitor::{OverallPoint, Point};

/// Who is looking, for the layout and what the page offers.
pub struct Viewer<'a> {
    pub token: &'a Token,
    pub csrf: &'a str,
}

impl Viewer<'_> {
    fn caller(&self) -> crate::access::Caller {
        crate::access::Caller::token(self.token, "web")
    }

    /// Whether to offer the create form: the core's rule, asked.
    pub fn may_create(&self) -> bool {
        self.caller().may(crate::access::Action::Create, None)
    }

    /// Whether to offer start, stop and delete: the core's rule, asked.
    pub fn may_change(&self, env: &Environment) -> bool {
        self.caller()
            .may(crate::access::Action::Change, Some(&env.owner))
    }

    /// Whether to offer the admin page.
    pub fn is_operator(&self) -> bool {
        self.caller().may(crate::access::Action::Maintain, None)
    }
}

pub(super) fn layout(title: &str, viewer: Option<&Viewer>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · envctl" }
                link rel="stylesheet" href="/static/app.css";
                script src="/static/app.js" defer {}
            }
            body {
                header {
                    a.brand href="/" { "envctl" }
                    @if let Some(v) = viewer {
                        nav aria-label="Main" {
                            a href="/" { "Environments" }
                            a href="/dashboard" { "Dashboard" }
                            @if v.is_operator() { a href="/admin" { "Admin" } }
                        }
                        div.who {
                            span { (v.token.user()) " (" (v.token.role) ")" }
                            form method="post" action="/logout" {
                                input type="hidden" name="csrf" value=(v.csrf);
                                button type="submit" { "Sign out" }
                            }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

pub fn login(csrf: &str, error: Option<&str>) -> Markup {
    layout(
        "Sign in",
        None,
        html! {
            h1 { "Sign in" }
            @if let Some(e) = error { p.error role="alert" { (e) } }
            form.card method="post" action="/login" {
                input type="hidden" name="csrf" value=(csrf);
                label for="token" { "API token" }
                input #token type="password" name="token" required autocomplete="off" autofocus;
                p.hint { "An administrator makes one with " code { "envctl token create" } "." }
                button type="submit" { "Sign in" }
            }
        },
    )
}

pub fn error(viewer: Option<&Viewer>, message: &str) -> Markup {
    layout(
        "Error",
        viewer,
        html! {
            h1 { "Something went wrong" }
            p.error role="alert" { (message) }
            p { a href="/" { "Back to the environments" } }
        },
    )
}

pub(super) fn status_badge(status: Option<Status>) -> Markup {
    let text = status.map_or("deleted", Status::as_str);
    html! { span.status data-status=(text) { (text) } }
}

fn ready_text(ready: bool) -> &'static str {
    if ready { "yes" } else { "no" }
}

pub(super) fn when(t: DateTime<Utc>) -> Markup {
    html! { time datetime=(t.to_rfc3339()) { (t.format("%Y-%m-%d %H:%M UTC")) } }
}

/// One row of the environment list (also sent alone for a new environment).
pub fn row(env: &Environment) -> Markup {
    html! {
        tr data-env=(env.id) {
            td { a href=(format!("/environments/{}", env.id)) { (env.name) } }
            td { (env.template) }
            td { (env.owner) }
            td.created { (when(env.created_at)) }
            td.expires { @match env.expires_at { Some(t) => (when(t)), None => "never" } }
            td { (status_badge(Some(env.status))) }
            td.ready { (ready_text(env.ready)) }
            td {
                @for (service, url) in &env.urls {
                    a.url href=(url) rel="noopener noreferrer" { (service) } " "
                }
            }
        }
    }
}

/// The list page's query as typed, for the filter form and the links.
pub struct ListView<'a> {
    pub listing: &'a Listing,
    pub query: &'a BrowseRequest,
    /// The checked query, for what the links keep and change.
    pub browse: &'a Browse,
}

/// `text` for a query string: everything but letters, digits and `-_.~` escaped.
fn query_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The link to the list with this query, changing `sort`, `order` and `page`.
fn list_link(q: &BrowseRequest, sort: SortKey, descending: bool, page: usize) -> String {
    let mut parts = Vec::new();
    for (key, value) in [
        ("status", &q.status),
        ("owner", &q.owner),
        ("template", &q.template),
        ("label", &q.label),
        ("q", &q.q),
    ] {
        if !value.trim().is_empty() {
            parts.push(format!("{key}={}", query_escape(value.trim())));
        }
    }
    parts.push(format!("sort={}", sort.as_str()));
    parts.push(format!("order={}", if descending { "desc" } else { "asc" }));
    if page > 1 {
        parts.push(format!("page={page}"));
    }
    format!("/?{}", parts.join("&"))
}

/// A sortable column's heading: a link that sorts by it (the other way when
/// it already does), with `aria-sort` on the current one.
fn sort_heading(view: &ListView, key: SortKey, text: &str) -> Markup {
    let current = view.browse.sort == key;
    let next_desc = current && !view.browse.descending;
    let aria = match (current, view.browse.descending) {
        (false, _) => None,
        (true, false) => Some("ascending"),
        (true, true) => Some("descending"),
    };
    html! {
        th aria-sort=[aria] {
            a.sort data-sort=(key.as_str()) href=(list_link(view.query, key, next_desc, 1)) {
                (text)
                @if current { (if view.browse.descending { " ↓" } else { " ↑" }) }
            }
        }
    }
}

/// The create form: everything `envctl create` takes but the pool and
/// archive switches (the archive has its own form).
fn create_form(
    viewer: &Viewer,
    templates: &BTreeMap<String, TemplateSummary>,
    open: bool,
) -> Markup {
    html! {
        details.card open[open] {
            summary { "New environment" }
            form #create method="post" action="/environments" {
                input type="hidden" name="csrf" value=(viewer.csrf);
                label for="template" { "Template" }
                select #template name="template" {
                    @for (name, t) in templates {
                        option value=(name) selected[t.default] {
                            (name) @if !t.description.is_empty() { " — " (t.description) }
                        }
                    }
                }
                label for="name" { "Name " span.hint { "(optional; lowercase letters, digits and -)" } }
                input #name type="text" name="name" pattern="[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?" maxlength="40";
                label for="ttl" { "Time to live " span.hint { "(optional, e.g. 8h or 7d)" } }
                input #ttl type="text" name="ttl" placeholder="8h";
                label for="labels" { "Labels " span.hint { "(optional; key=value, one a line or separated by commas)" } }
                textarea #labels name="labels" rows="2" placeholder="team=payments" {}
                @if viewer.is_operator() {
                    label for="owner" { "Owner " span.hint { "(optional; you when empty)" } }
                    input #owner type="text" name="owner" maxlength="64";
                }
                label for="timeout" { "Give up after " span.hint { "(optional, e.g. 10m; the server's default otherwise)" } }
                input #timeout type="text" name="timeout" placeholder="15m";
                label.check { input #pinned type="checkbox" name="pinned" value="on"; " Pin it (cleanup never removes it)" }
                label.check { input #keep_on_failure type="checkbox" name="keep_on_failure" value="on"; " On failure, keep the containers for inspection" }
                button type="submit" { "Create" }
            }
        }
    }
}

pub fn environments(
    viewer: &Viewer,
    view: &ListView,
    templates: &BTreeMap<String, TemplateSummary>,
    notice: Option<&str>,
    problem: Option<&str>,
) -> Markup {
    let (listing, q, browse) = (view.listing, view.query, view.browse);
    let filtered = browse.filter.status.is_some()
        || browse.filter.owner.is_some()
        || browse.filter.template.is_some()
        || browse.label.is_some()
        || browse.search.is_some();
    // A new environment lands at the end of the unfiltered list in created
    // order: only there does the script add rows as they come.
    let appends = !filtered
        && browse.sort == SortKey::Created
        && !browse.descending
        && listing.page >= listing.pages;
    layout(
        "Environments",
        Some(viewer),
        html! {
            h1 { "Environments" }
            @if let Some(n) = notice { p.notice role="status" { (n) } }
            @if let Some(p) = problem { p.error role="alert" { (p) } }
            @if viewer.may_create() { (create_form(viewer, templates, listing.total == 0 && !filtered)) }
            form #filters.card method="get" action="/" role="search" {
                div.filters {
                    label { "Status "
                        select name="status" {
                            option value="" { "any" }
                            @for s in Status::ALL {
                                option value=(s.as_str()) selected[browse.filter.status == Some(s)] { (s.as_str()) }
                            }
                        }
                    }
                    label { "Owner " input type="text" name="owner" value=(q.owner) maxlength="64"; }
                    label { "Template "
                        select name="template" {
                            option value="" { "any" }
                            @for name in templates.keys() {
                                option value=(name) selected[browse.filter.template.as_deref() == Some(name.as_str())] { (name) }
                            }
                        }
                    }
                    label { "Label " input type="text" name="label" value=(q.label) placeholder="key or key=value"; }
                    label { "Name " input type="search" name="q" value=(q.q) placeholder="part of the name" maxlength="64"; }
                }
                input type="hidden" name="sort" value=(browse.sort.as_str());
                input type="hidden" name="order" value=(if browse.descending { "desc" } else { "asc" });
                button type="submit" { "Filter" }
                " "
                a href="/" { "Clear" }
            }
            p.hint #count {
                (listing.total) " environment(s)"
                @if filtered { " match" }
                @if listing.pages > 1 { "; page " (listing.page) " of " (listing.pages) }
                "."
            }
            div.scroll {
                table {
                    caption.visually-hidden { "Environments and their status (live)" }
                    thead { tr {
                        (sort_heading(view, SortKey::Name, "Name"))
                        th { "Template" } th { "Owner" }
                        (sort_heading(view, SortKey::Created, "Created"))
                        (sort_heading(view, SortKey::Expires, "Expires"))
                        (sort_heading(view, SortKey::Status, "Status"))
                        th { "Ready" } th { "Services" }
                    } }
                    tbody data-rows="" data-live="" data-append=[appends.then_some("")] {
                        @for env in &listing.environments { (row(env)) }
                    }
                }
            }
            @if listing.environments.is_empty() {
                p.empty { @if filtered || listing.page > 1 { "No environments match." } @else { "No environments yet." } }
            }
            @if listing.pages > 1 {
                nav.pages aria-label="Pages" {
                    @if listing.page > 1 {
                        a rel="prev" href=(list_link(q, browse.sort, browse.descending, listing.page - 1)) { "← Previous" }
                    }
                    " "
                    @if listing.page < listing.pages {
                        a rel="next" href=(list_link(q, browse.sort, browse.descending, listing.page + 1)) { "Next →" }
                    }
                }
            }
        },
    )
}

pub(super) fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

/// CPU percent for axes and summaries: a decimal below 10 %.
pub(super) fn cpu_text(v: f64) -> String {
    if v < 10.0 {
        format!("{v:.1}%")
    } else {
        format!("{v:.0}%")
    }
}

fn figures_table(services: &[ServiceStats]) -> Markup {
    html! {
        div.scroll {
            table.figures {
                caption { "Now" }
                thead { tr { th { "Service" } th { "CPU" } th { "Memory" } th { "Network in / out" } th { "Disk read / write" } th { "Restarts" } th { "Up" } } }
                tbody {
                    @for s in services {
                        tr {
                            td { (s.service) }
                            td.cpu { (format!("{:.1} %", s.cpu_percent)) }
                            td.memory { (bytes(s.memory_used)) " of " (bytes(s.memory_limit)) }
                            td { (bytes(s.net_rx)) " / " (bytes(s.net_tx)) }
                            td { (bytes(s.block_read)) " / " (bytes(s.block_write)) }
                            td { (s.restarts) }
                            td { @match s.uptime_seconds { Some(u) => (format!("{}m {}s", u / 60, u % 60)), None => "stopped" } }
                        }
                    }
                }
            }
        }
    }
}

/// The live part of an environment's page, refreshed by the script.
pub fn panel(
    viewer: &Viewer,
    env: &Environment,
    figures: Option<&EnvironmentStats>,
    history: &[Point],
) -> Markup {
    let cpu: Vec<(f64, f64)> = history
        .iter()
        .map(|p| (p.at.timestamp() as f64, p.cpu_percent))
        .collect();
    let memory: Vec<(f64, f64)> = history
        .iter()
        .map(|p| (p.at.timestamp() as f64, p.memory_used as f64))
        .collect();
    let restartable =
        viewer.may_change(env) && env.status == Status::Running && env.operation.is_none();
    html! {
        p.state {
            "Status " (status_badge(Some(env.status)))
            " · ready " span.ready { (ready_text(env.ready)) }
            @if let Some(op) = &env.operation { " · " span.busy { (op.action) " in progress" } }
        }
        @if let Some(e) = &env.error { p.error role="alert" { (e) } }
        h2 { "Services" }
        div.scroll {
            table {
                thead { tr { th { "Service" } th { "URL" } th { "Ready" } @if restartable { th { "Restart" } } } }
                tbody {
                    @for (name, s) in &env.services {
                        tr data-service=(name) {
                            td { (name) }
                            td { @if let Some(url) = env.urls.get(name) { a href=(url) rel="noopener noreferrer" { (url) } } @else { "—" } }
                            td.ready { (ready_text(s.ready)) }
                            @if restartable {
                                td {
                                    form.restart method="post" action=(format!("/environments/{}/services/{}/restart", env.id, name)) {
                                        input type="hidden" name="csrf" value=(viewer.csrf);
                                        button type="submit" aria-label=(format!("Restart {name}")) { "Restart" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        @if viewer.may_change(env) {
            h2 { "Actions" }
            div.actions {
                @if matches!(env.status, Status::Stopped | Status::Failed) {
                    form method="post" action=(format!("/environments/{}/start", env.id)) {
                        input type="hidden" name="csrf" value=(viewer.csrf);
                        button type="submit" { "Start" }
                    }
                }
                @if env.status == Status::Running {
                    details.confirm {
                        summary { "Stop…" }
                        form method="post" action=(format!("/environments/{}/stop", env.id)) {
                            input type="hidden" name="csrf" value=(viewer.csrf);
                            p { "Stop " strong { (env.name) } "? Its containers and data are kept." }
                            button type="submit" { "Stop it" }
                        }
                    }
                }
                @if env.expires_at.is_some() {
                    form.extend method="post" action=(format!("/environments/{}/extend", env.id)) {
                        input type="hidden" name="csrf" value=(viewer.csrf);
                        label { "Extend by "
                            select name="by" {
                                option value="1h" { "1 hour" }
                                option value="8h" { "8 hours" }
                                option value="1d" selected { "1 day" }
                                option value="1w" { "1 week" }
                            }
                        }
                        " "
                        button type="submit" { "Extend" }
                    }
                }
                form.pin method="post" action=(format!("/environments/{}/{}", env.id, if env.pinned { "unpin" } else { "pin" })) {
                    input type="hidden" name="csrf" value=(viewer.csrf);
                    @if env.pinned {
                        button type="submit" { "Unpin" }
                    } @else {
                        button type="submit" title="Cleanup never removes a pinned environment" { "Pin" }
                    }
                }
                details.confirm {
                    summary.danger { "Delete…" }
                    form method="post" action=(format!("/environments/{}/delete", env.id)) {
                        input type="hidden" name="csrf" value=(viewer.csrf);
                        p { "Delete " strong { (env.name) } " with its containers and volumes? Unless archives are turned off, its volumes are archived first (see Archives)." }
                        button.danger type="submit" { "Delete it" }
                    }
                }
            }
        }
        h2 { "Resource use" }
        @if let Some(f) = figures { (figures_table(&f.services)) }
        @else { p.empty { "No figures: the environment is not running." } }
        div.charts {
            (line_chart("CPU, last 30 minutes", &[Series { label: "CPU", class: "a", points: cpu }], cpu_text, 5.0))
            (line_chart("Memory, last 30 minutes", &[Series { label: "Memory", class: "b", points: memory }], |v| bytes(v as u64), 0.0))
        }
    }
}

/// What an environment's page shows besides the record, each only when the
/// viewer may see it.
pub struct Extras<'a> {
    pub events: &'a [Logged],
    /// `None`: this viewer may not read the logs.
    pub logs: Option<&'a [(String, String)]>,
    /// `None`: not the owner nor an admin, or no secrets.
    pub secrets: Option<&'a std::collections::BTreeMap<String, String>>,
    /// This environment's archives the viewer may see.
    pub archives: &'a [ArchiveSummary],
}

/// Archives with a "restore into a new environment" form each (for those
/// who may create).
pub fn archives_table(viewer: &Viewer, archives: &[ArchiveSummary]) -> Markup {
    html! {
        @if archives.is_empty() { p.empty { "No archives." } }
        @else {
            div.scroll { table.archives {
                thead { tr { th { "Archive" } th { "Environment" } th { "Owner" } th { "Taken" } th { "Why" } th { "Data" } th { "Size" } th { "Restore" } } }
                tbody {
                    @for a in archives {
                        tr data-archive=(a.id) {
                            td { code { (a.id) } } td { (a.environment) } td { (a.owner) } td { (when(a.created_at)) }
                            td { (a.reason.to_string()) } td { (bytes(a.bytes)) } td { (bytes(a.stored_bytes)) }
                            td {
                                @if viewer.may_create() {
                                    details.confirm {
                                        summary { "Restore into a new environment…" }
                                        form method="post" action="/environments" {
                                            input type="hidden" name="csrf" value=(viewer.csrf);
                                            input type="hidden" name="from_archive" value=(a.id);
                                            label { "Name " input type="text" name="name" pattern="[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?" placeholder="generated"; }
                                            button type="submit" { "Restore" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            } }
        }
    }
}

pub fn environment(
    viewer: &Viewer,
    env: &Environment,
    panel_html: Markup,
    extras: &Extras,
) -> Markup {
    let (events, logs) = (extras.events, extras.logs);
    let hints: Vec<(&String, &str)> = env
        .services
        .iter()
        .filter_map(|(name, s)| Some((name, s.sign_in.as_deref()?)))
        .collect();
    layout(
        &env.name,
        Some(viewer),
        html! {
            p { a href="/" { "← Environments" } }
            h1 { (env.name) }
            dl.facts {
                dt { "Id" } dd { code { (env.id) } }
                dt { "Template" } dd { (env.template) }
                dt { "Owner" } dd { (env.owner) }
                dt { "Created" } dd { (when(env.created_at)) }
                dt { "Expires" } dd { @match env.expires_at { Some(t) => (when(t)), None => "never" } }
                dt { "Pinned" } dd { (if env.pinned { "yes" } else { "no" }) }
                @if let Some(node) = &env.node {
                    dt { "Node" } dd { (node.hostname) " (" (node.address) ")" }
                }
                @if !env.labels.is_empty() {
                    dt { "Labels" }
                    dd { @for (k, v) in &env.labels { code.label { (k) "=" (v) } " " } }
                }
            }
            section #panel data-env=(env.id) data-live="" aria-live="polite" { (panel_html) }
            @if !hints.is_empty() {
                h2 { "Sign in" }
                ul.hints {
                    @for (service, hint) in &hints {
                        li {
                            strong { (service) } " "
                            @if let Some(url) = env.urls.get(*service) { a href=(url) { (url) } " " }
                            "— " (hint)
                        }
                    }
                }
            }
            @if let Some(secrets) = extras.secrets {
                details.secrets {
                    summary { "Reveal passwords" }
                    table {
                        tbody {
                            @for (name, value) in secrets {
                                tr { th { (name) } td { code { (value) } } }
                            }
                        }
                    }
                }
            }
            h2 { "Archives" }
            p.hint { "Its volumes as they were when archived: before a removal, or on demand." }
            (archives_table(viewer, extras.archives))
            @if viewer.may_change(env) {
                form method="post" action=(format!("/environments/{}/archive", env.id)) {
                    input type="hidden" name="csrf" value=(viewer.csrf);
                    button type="submit" { "Archive its volumes now" }
                }
            }
            h2 { "Status history" }
            @if events.is_empty() { p.empty { "Nothing recorded yet." } }
            @else {
                div.scroll {
                    table {
                        thead { tr { th { "Time" } th { "What" } th { "Outcome" } th { "By" } th { "Detail" } } }
                        tbody {
                            @for e in events {
                                tr { td { (e.time) } td { (e.action) } td { (e.outcome) } td { (e.user) } td { (e.detail.as_deref().unwrap_or("")) } }
                            }
                        }
                    }
                }
            }
            // Only for those the API would give the logs to (the owner, operators).
            @if let Some(logs) = logs {
                h2 { "Logs" }
                @for (service, text) in logs {
                    details.logs open {
                        summary { (service) " — last lines" }
                        pre { (text) }
                    }
                }
            }
        },
    )
}

fn plan_table(report: &CleanupReport) -> Markup {
    html! {
        div.scroll {
            table {
                caption { (report.plan.remove.len()) " to remove, " (report.plan.keep.len()) " to keep" }
                thead { tr { th { "Name" } th { "Owner" } th { "Status" } th { "Verdict" } th { "Archived first" } } }
                tbody {
                    @for d in &report.plan.remove {
                        tr.remove { td { (d.name) } td { (d.owner) } td { (d.status) } td { "remove: " (d.verdict) }
                            td { @match report.archives.iter().find(|a| a.id == d.id) {
                                Some(a) => { (a.volumes) " volume(s)" @if let Some(b) = a.bytes { ", " (bytes(b)) } }
                                None => { "-" }
                            } } }
                    }
                    @for d in &report.plan.keep {
                        tr { td { (d.name) } td { (d.owner) } td { (d.status) } td { "keep: " (d.verdict) } td {} }
                    }
                }
            }
        }
    }
}

pub(super) fn sync_table(report: &SyncReport) -> Markup {
    html! {
        @if report.changes.is_empty() && report.orphans.is_empty() {
            p { "The database and Docker agree (" (report.checked) " records checked)." }
        } @else {
            ul {
                @for c in &report.changes {
                    li { (c.name) ": " (c.from) " → " (c.to.map_or("removed", Status::as_str)) " (" (c.reason) ")"
                        @if let Some(e) = &c.error { " — failed: " (e) } }
                }
                @for o in &report.orphans {
                    li { "orphan " (o.environment) ": " (o.containers) " containers, " (o.networks) " networks, " (o.volumes) " volumes (" (o.action) ")" }
                }
            }
        }
    }
}

/// Every archive a viewer may see, the store's size against `max_bytes`,
/// and the free space on its disk.
pub struct ArchiveStore {
    pub list: Vec<ArchiveSummary>,
    pub usage: crate::ops::archive::Usage,
    pub free: Option<u64>,
}

pub struct AdminView<'a> {
    pub cleanup: Result<CleanupReport, String>,
    pub sync: Result<SyncReport, String>,
    /// Only for admins.
    pub backups: Option<Result<Vec<Backup>, String>>,
    /// Only for admins.
    pub tokens: Option<Result<Vec<Token>, String>>,
    pub archives: Result<ArchiveStore, String>,
    pub outcome: Option<&'a str>,
}

pub fn admin(viewer: &Viewer, view: &AdminView) -> Markup {
    layout(
        "Admin",
        Some(viewer),
        html! {
            h1 { "Admin" }
            @if let Some(o) = view.outcome { p.notice role="status" { (o) } }
            section {
                h2 { "Cleanup plan" }
                p.hint { "The retention policy of the server's config, as a dry run." }
                @match &view.cleanup {
                    Ok(report) => {
                        (plan_table(report))
                        @if !report.plan.remove.is_empty() {
                            details.confirm {
                                summary.danger { "Run the cleanup…" }
                                form method="post" action="/admin/cleanup" {
                                    input type="hidden" name="csrf" value=(viewer.csrf);
                                    p { "Back up the database, then remove " (report.plan.remove.len()) " environment(s)?" }
                                    button.danger type="submit" { "Remove them" }
                                }
                            }
                        }
                    }
                    Err(e) => p.error { (e) }
                }
            }
            section #sync {
                h2 { "Sync report" }
                p.hint { "The database against what Docker runs, as a dry run." }
                @match &view.sync {
                    Ok(report) => (sync_table(report)),
                    Err(e) => p.error { (e) }
                }
                form #plan-sync method="get" action="/admin/sync" {
                    label.check { input type="checkbox" name="remove_orphans" value="on"; " Remove orphans (labelled objects with no record)" }
                    label.check { input type="checkbox" name="adopt" value="on"; " Adopt orphans that still have containers (rebuild their records)" }
                    button type="submit" { "Plan the sync…" }
                }
            }
            section {
                h2 { "Archives" }
                @match &view.archives {
                    Ok(store) => {
                        p.hint { (store.list.len()) " archive(s), " (bytes(store.usage.stored_bytes))
                            @if let Some(limit) = store.usage.max_bytes { " of " (bytes(limit)) " allowed (" code { "[archives] max_bytes" } ")" }
                            @if let Some(free) = store.free { "; " (bytes(free)) " free on their disk" } "." }
                        (archives_table(viewer, &store.list))
                    }
                    Err(e) => p.error { (e) },
                }
            }
            @if let Some(backups) = &view.backups { (super::backups::section(viewer, backups)) }
            @if let Some(tokens) = &view.tokens { (super::tokens::section(viewer, tokens)) }
            @if view.tokens.is_some() {
                section #reset {
                    h2 { "Reset the database" }
                    p.hint { "Back up, then rebuild the database from what Docker runs (or empty it). You see the plan first." }
                    form #plan-reset method="get" action="/admin/reset" {
                        label.check { input type="checkbox" name="empty" value="on"; " Empty it, and remove every environment's containers and volumes" }
                        button.danger type="submit" { "Plan the reset…" }
                    }
                }
            }
        },
    )
}

pub struct DashboardView<'a> {
    pub envs: &'a [Environment],
    pub overall: &'a [OverallPoint],
    pub latest: &'a [EnvironmentStats],
    /// The figures of the chosen range from the history (`web::report`).
    pub history: Markup,
    pub pools: &'a [crate::ops::pool::PoolStatus],
    /// The archive store, when readable.
    pub archives: Option<crate::ops::archive::Usage>,
}

pub fn dashboard(viewer: &Viewer, view: &DashboardView) -> Markup {
    let counts = Status::ALL.map(|s| (s, view.envs.iter().filter(|e| e.status == s).count()));
    let mut top: Vec<&EnvironmentStats> = view.latest.iter().collect();
    top.sort_by(|a, b| b.total.cpu_percent.total_cmp(&a.total.cpu_percent));
    top.truncate(10);
    layout(
        "Dashboard",
        Some(viewer),
        html! {
            h1 { "Dashboard" }
            section.tiles {
                @for (status, n) in counts {
                    div.tile { span.number { (n) } " " (status_badge(Some(status))) }
                }
            }
            (view.history)
            @if !view.pools.is_empty() {
                h2 { "Warm pools" }
                table.pools {
                    thead { tr { th { "Template" } th { "Ready / desired" } th { "Warming" } th { "Why" } th { "Claims 1 h / 1 d" } th { "Misses 1 h / 1 d" } } }
                    tbody {
                        @for p in view.pools {
                            tr {
                                td { (p.template) }
                                td.ready { (p.ready) " / " (p.desired.size) }
                                td { (p.warming) }
                                td { (p.desired.reason) }
                                td { (p.demand.claims_hour) " / " (p.demand.claims_day) }
                                td { (p.demand.misses_hour) " / " (p.demand.misses_day) }
                            }
                        }
                    }
                }
                @for p in view.pools {
                    (step_chart(&format!("Pool {}: ready and desired, last day", p.template), &[
                        Series { label: "ready", class: "a", points: view.overall.iter().filter_map(|o| o.pools.get(&p.template).map(|v| (o.at.timestamp() as f64, f64::from(v.0)))).collect() },
                        Series { label: "desired", class: "b", points: view.overall.iter().filter_map(|o| o.pools.get(&p.template).map(|v| (o.at.timestamp() as f64, f64::from(v.1)))).collect() },
                    ], |v| format!("{v:.0}"), 1.0))
                }
            }
            @if let Some(crate::ops::archive::Usage { archives: count, stored_bytes: stored, max_bytes: limit }) = view.archives {
                h2 { "Archive store" }
                @let share = limit.filter(|l| *l > 0).map(|l| (stored as f64 / l as f64).min(1.0));
                p #archive-store {
                    (count) " archive(s) take " strong { (bytes(stored)) }
                    @if let Some(limit) = limit { " of " (bytes(limit)) " (" (format!("{:.0}", share.unwrap_or(0.0) * 100.0)) "%)" }
                    "."
                }
                @if let Some(share) = share { meter min="0" max="1" value=(format!("{share:.3}")) { (format!("{:.0}%", share * 100.0)) } }
            }
            @if !top.is_empty() {
                div.scroll { table {
                    caption { "Busiest environments now" }
                    thead { tr { th { "Environment" } th { "CPU" } th { "Memory" } } }
                    tbody { @for s in top { tr { td { a href=(format!("/environments/{}", s.id)) { (s.name) } } td { (format!("{:.1} %", s.total.cpu_percent)) } td { (bytes(s.total.memory_used)) } } } }
                } }
            }
        },
    )
}
