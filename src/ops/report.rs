//! The report: figures of a time range computed from the event log (and,
//! for environments older than the range, the database), the same for
//! `envctl report`, `GET /api/onboarding/report` and the dashboard.
//!
//! How each figure is computed (docs/reports.md says the same for users):
//! - an environment's *life* runs from its create (`created_at`) to its
//!   delete; warm pool members count from their claim. Environments created
//!   before the range are known from their delete line (which carries
//!   `created_at`) or from their record in the database;
//! - *created*: successful creates in the range (claims from a pool
//!   included, a pool's own warm-ups not); *removed*: successful deletes;
//!   *alive*: lives begun by `until` and not ended by then;
//! - *environment-hours*: the part of each life inside the range;
//! - *provisioning*: the `duration_ms` of successful creates, by template,
//!   p50 and p95 by nearest rank (the ⌈p·n⌉-th smallest);
//! - *failure rate*: failed creates over all creates; *causes*: failures
//!   grouped by error code and the first line of the message;
//! - *cleanup*: runs, and removals by the retention rule that made them;
//! - *utilisation*: the monitor's minute samples (`usage` lines), mean used
//!   over mean limit per template;
//! - *uptime*: from each `server-start` to its `server-stop`; a server that
//!   died without one counts until its last `usage` line.
//!
//! `by` groups created, alive, removed, hours and failures; provisioning,
//! pools and utilisation are per template, cleanup and uptime are whole.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::{DateTime, Duration as Span, Utc};
use serde::{Deserialize, Serialize};

use crate::access::{Action, Caller};
use crate::config::Config;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::ops::stats::EnvironmentStats;
use crate::store::Environment;
use crate::store::events::files::FileText;
use crate::store::events::{self, Usage};

/// The longest range a report covers.
pub const MAX_RANGE_DAYS: i64 = 400;
/// Points of a usage series at most (a month of minutes is bucketed).
const USAGE_POINTS: usize = 240;
/// Steps of a count over time at most.
const MAX_STEPS: usize = 480;

/// What figures are grouped by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum GroupBy {
    Owner,
    Template,
    /// The value of one label (`(none)` for environments without it).
    Label(String),
}

impl GroupBy {
    pub fn parse(text: &str) -> Result<GroupBy> {
        match text.trim() {
            "owner" => Ok(GroupBy::Owner),
            "template" => Ok(GroupBy::Template),
            t => match t.strip_prefix("label:") {
                Some(key)
                    if crate::names::check_labels(&BTreeMap::from([(
                        key.to_owned(),
                        "x".to_owned(),
                    )]))
                    .is_ok() =>
                {
                    Ok(GroupBy::Label(key.to_owned()))
                }
                _ => Err(Error::InvalidInput(format!(
                    "by: '{t}' is not owner, template or label:KEY (a label key such as label:team)"
                ))),
            },
        }
    }

    /// The group of an environment with `owner`, `template` and the label
    /// values `label` gives.
    fn key<'a>(
        &self,
        owner: Option<&'a str>,
        template: Option<&'a str>,
        label: impl FnOnce(&str) -> Option<&'a str>,
    ) -> &'a str {
        let text = match self {
            GroupBy::Owner => owner,
            GroupBy::Template => template,
            GroupBy::Label(key) => label(key),
        };
        text.unwrap_or("(none)")
    }
}

impl GroupBy {
    /// The group of the environment a line is about.
    fn key_of<'a>(&self, line: &Line<'a>) -> Text<'a> {
        let text = match self {
            GroupBy::Owner => line.owner.as_ref(),
            GroupBy::Template => line.template.as_ref(),
            GroupBy::Label(key) => line.labels.get(key.as_str()),
        };
        text.cloned().unwrap_or(Text::none())
    }
}

impl std::fmt::Display for GroupBy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GroupBy::Owner => f.write_str("owner"),
            GroupBy::Template => f.write_str("template"),
            GroupBy::Label(key) => write!(f, "label:{key}"),
        }
    }
}

/// A report's question: a range and a grouping, checked when built.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportRequest {
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub by: GroupBy,
}

/// `30d` (that long before now, or before `until`) or a time.
fn point(field: &str, text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    if let Ok(d) = crate::config::durations::parse(text) {
        let d = Span::from_std(d).unwrap_or(Span::MAX);
        return now
            .checked_sub_signed(d)
            .ok_or_else(|| Error::InvalidInput(format!("{field}: '{text}' is too far back")));
    }
    crate::config::durations::parse_time(text).map_err(|e| {
        Error::InvalidInput(format!(
            "{field}: '{text}' is neither a duration back (30d, 12h) nor a time ({e})"
        ))
    })
}

impl ReportRequest {
    /// From the words of a door: `since` and `until` as a duration back from
    /// now (`30d`) or a time, `by` as `owner`, `template` or `label:KEY`.
    /// Defaults: the last 30 days, by owner.
    pub fn parse(
        since: Option<&str>,
        until: Option<&str>,
        by: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<ReportRequest> {
        let until = match until.filter(|t| !t.trim().is_empty()) {
            Some(t) => point("until", t, now)?,
            None => now,
        };
        // A duration for `since` counts back from `until` (which is now
        // unless given): `--since 7d --until 2026-11-01` is the week before.
        let since = match since.filter(|t| !t.trim().is_empty()) {
            Some(t) => point("since", t, until)?,
            None => until - Span::days(30),
        };
        if since >= until {
            return Err(Error::InvalidInput(format!(
                "since ({}) must be before until ({})",
                since.to_rfc3339(),
                until.to_rfc3339()
            )));
        }
        if until - since > Span::days(MAX_RANGE_DAYS) {
            return Err(Error::InvalidInput(format!(
                "the range is longer than {MAX_RANGE_DAYS} days: ask for a shorter --since"
            )));
        }
        let by = match by.filter(|t| !t.trim().is_empty()) {
            Some(t) => GroupBy::parse(t)?,
            None => GroupBy::Owner,
        };
        Ok(ReportRequest { since, until, by })
    }
}

/// One value from a time on, until the next.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Step {
    pub at: DateTime<Utc>,
    pub value: f64,
}

/// The figures of one group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct GroupFigures {
    /// The group's key (an owner, a template or a label's value; `(none)`).
    pub key: String,
    pub created: u64,
    /// Alive at the end of the range.
    pub alive: u64,
    pub removed: u64,
    pub environment_hours: f64,
    pub creates_failed: u64,
    /// Failed creates over all creates (0 when none).
    pub failure_rate: f64,
    /// Removals by retention rule (cleanup); `manual` for deletes.
    pub removed_by: BTreeMap<String, u64>,
    /// Environments alive over the range: a step each create or removal.
    pub alive_series: Vec<Step>,
}

/// Provisioning time of one template's creates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Provisioning {
    pub template: String,
    pub creates: u64,
    pub p50_ms: u64,
    pub p95_ms: u64,
}

/// One cause of failed creates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Cause {
    /// The error code (`invalid_input`, `docker`, ...).
    pub code: String,
    /// The first line of the message.
    pub cause: String,
    pub count: u64,
}

/// What cleanup did in the range.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Cleanup {
    pub runs: u64,
    /// Environments its runs removed, by retention rule.
    pub removed_by_rule: BTreeMap<String, u64>,
    /// Removed per run (0 without runs).
    pub removed_per_run: f64,
    /// Runs where some removal failed.
    pub partial_runs: u64,
}

/// One warm pool's claims and misses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PoolFigures {
    pub template: String,
    pub claims: u64,
    pub misses: u64,
}

/// One template's use of its limits, from the monitor's samples.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Utilisation {
    pub template: String,
    pub samples: u64,
    /// Mean memory used and mean memory limit, in bytes.
    pub memory_used: f64,
    pub memory_limit: f64,
    /// Used over limit, in percent (`null` without limits).
    pub memory_percent: Option<f64>,
    /// Mean CPU used and limit, in percent of one CPU.
    pub cpu_used: f64,
    pub cpu_limit: f64,
    pub cpu_percent: Option<f64>,
    /// Memory used over the range (bucket means).
    pub memory_series: Vec<Step>,
    pub memory_limit_series: Vec<Step>,
    pub cpu_series: Vec<Step>,
}

/// The server's uptime in the range.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Uptime {
    pub up_seconds: f64,
    /// The range up to now (a future end does not count).
    pub range_seconds: f64,
    pub percent: f64,
    pub starts: u64,
    /// Starts that followed a server that stopped without saying so.
    pub unclean_stops: u64,
}

/// The report of a range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Report {
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
    /// `owner`, `template` or `label:KEY`.
    pub by: String,
    /// Lines of the event log read for it.
    pub events: u64,
    pub groups: Vec<GroupFigures>,
    /// Every group together.
    pub total: GroupFigures,
    pub provisioning: Vec<Provisioning>,
    /// The most frequent causes of failed creates, most first (at most 10).
    pub causes: Vec<Cause>,
    pub cleanup: Cleanup,
    pub pools: Vec<PoolFigures>,
    pub utilisation: Vec<Utilisation>,
    pub uptime: Uptime,
}

/// The report of `request`. Reading figures is what a viewer may do.
pub fn report(ctx: &Context, caller: &Caller, request: &ReportRequest) -> Result<Report> {
    caller.authorize(Action::Read, None)?;
    let current = ctx.store.read()?.environments;
    Ok(compute(ctx.store.dir(), &current, request, Utc::now()))
}

/// The report of `request` from the event log in `data_dir` and the records
/// `current`, as of `now`.
pub fn compute(
    data_dir: &Path,
    current: &[Environment],
    request: &ReportRequest,
    now: DateTime<Utc>,
) -> Report {
    // Lines after `until` tell which lives ended after it (alive at `until`).
    let read_until = now.max(request.until) + Span::seconds(1);
    let texts = events::files::read_between(data_dir, request.since, read_until);
    figures(&texts, read_until, current, request, now)
}

/// One line of the event log as the report reads it: borrowed from the
/// file's text (no copy of its strings), only the fields a figure uses.
/// The types are those of [`events::Logged`], so a line decodes here
/// exactly when it decodes there.
#[derive(Deserialize)]
struct Line<'a> {
    #[serde(borrow)]
    time: Text<'a>,
    #[serde(borrow)]
    action: Text<'a>,
    #[serde(default, borrow)]
    environment: Option<Text<'a>>,
    #[serde(default, borrow)]
    outcome: Text<'a>,
    #[serde(default, borrow)]
    detail: Option<Text<'a>>,
    #[serde(default, borrow)]
    id: Option<Text<'a>>,
    #[serde(default, borrow)]
    template: Option<Text<'a>>,
    #[serde(default, borrow)]
    owner: Option<Text<'a>>,
    #[serde(default, borrow)]
    labels: BTreeMap<Text<'a>, Text<'a>>,
    #[serde(default, borrow)]
    created_at: Option<Text<'a>>,
    #[serde(default, borrow)]
    pool: Option<Text<'a>>,
    #[serde(default)]
    duration_ms: Option<u64>,
    #[serde(default, borrow)]
    code: Option<Text<'a>>,
    #[serde(default, borrow)]
    cause: Option<Text<'a>>,
    #[serde(default, borrow)]
    rule: Option<Text<'a>>,
    #[serde(default, borrow)]
    usage: Option<BTreeMap<Text<'a>, Usage>>,
}

/// A string of a line: borrowed from the file's text unless it has escapes.
#[derive(Debug, Default, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Text<'a>(Cow<'a, str>);

impl<'a> Text<'a> {
    /// `(none)`: the key of what has no value.
    fn none() -> Text<'a> {
        Text::from("(none)")
    }

    /// Its first line.
    fn first_line(self) -> Text<'a> {
        match self.0 {
            Cow::Borrowed(t) => Text::from(first_line(t)),
            Cow::Owned(t) => Text(Cow::Owned(first_line(&t).to_owned())),
        }
    }
}

impl<'a> From<&'a str> for Text<'a> {
    fn from(text: &'a str) -> Text<'a> {
        Text(Cow::Borrowed(text))
    }
}

impl std::fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::ops::Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Text<'_> {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> std::result::Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> std::result::Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> std::result::Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_str(Visitor)
    }
}

/// A decoded line with its times parsed (once).
struct Event<'a> {
    at: DateTime<Utc>,
    created_at: Option<DateTime<Utc>>,
    line: Line<'a>,
}

/// `2026-12-01T10:00:00.000Z`, the format envctl writes, read without
/// chrono's general parser; anything else goes through it.
fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    fn fast(b: &[u8]) -> Option<DateTime<Utc>> {
        if b.len() != 24
            || b[4] != b'-'
            || b[7] != b'-'
            || b[10] != b'T'
            || b[13] != b':'
            || b[16] != b':'
            || b[19] != b'.'
            || b[23] != b'Z'
        {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            b[r].iter().try_fold(0u32, |n, &c| {
                c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
            })
        };
        let (sec, ms) = (num(17..19)?, num(20..23)?);
        if sec >= 60 {
            return None;
        }
        let date = chrono::NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?;
        let time = chrono::NaiveTime::from_hms_milli_opt(num(11..13)?, num(14..16)?, sec, ms)?;
        Some(date.and_time(time).and_utc())
    }
    fast(text.as_bytes()).or_else(|| {
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    })
}

/// The lines of one file of the log that fall from `from` to `to` (times
/// in the log's one format, which compare as text), decoded, appended to
/// `out` in the file's order. Answers how many lines it read before `end`,
/// including the actions no figure uses, which are counted without being
/// decoded.
fn decode_into<'a>(
    text: &'a [u8],
    (from, to, end): (&str, &str, &str),
    out: &mut Vec<Event<'a>>,
) -> u64 {
    let mut read = 0;
    // Checked as UTF-8 once for the whole file (per line only when it is
    // not), so decoding borrows strings without checking each again.
    let whole = std::str::from_utf8(text).ok();
    let mut start = 0;
    for stop in memchr::memchr_iter(b'\n', text).chain([text.len()]) {
        let range = start..stop;
        start = stop + 1;
        if range.is_empty() {
            continue;
        }
        let line = match whole {
            Some(whole) => &whole[range],
            None => match std::str::from_utf8(&text[range]) {
                Ok(line) => line,
                Err(_) => continue,
            },
        };
        // A line cut short (a crash mid-write) is not counted, decoded or not.
        if let Some(time) = unused(line.as_bytes()).filter(|_| line.ends_with('}')) {
            if time >= from.as_bytes() && time < end.as_bytes() && parse_time_bytes(time).is_some()
            {
                read += 1;
            }
            continue;
        }
        let Ok(line) = serde_json::from_str::<Line>(line) else {
            continue;
        };
        if &*line.time < from || &*line.time >= to {
            continue;
        }
        // A `created_at` that is not a time fails the line (as a
        // `DateTime` field does); a `time` that is not one skips it.
        let created_at = match &line.created_at {
            None => None,
            Some(t) => match parse_time(t) {
                Some(t) => Some(t),
                None => match t.parse::<DateTime<chrono::FixedOffset>>() {
                    Ok(t) => Some(t.with_timezone(&Utc)),
                    Err(_) => continue,
                },
            },
        };
        let Some(at) = parse_time(&line.time) else {
            continue;
        };
        if *line.time < *end {
            read += 1;
        }
        out.push(Event {
            at,
            created_at,
            line,
        });
    }
    read
}

/// The actions a figure reads.
const USED: [&str; 8] = [
    "create",
    "delete",
    "cleanup",
    "pool-claim",
    "pool-miss",
    "usage",
    "server-start",
    "server-stop",
];

/// The `time` of a line whose action no figure reads (a start, a stop, a
/// log read...), found without decoding it; `None` for every other line.
/// Only an `action` key before any nested object is trusted to be the
/// line's own (a label may be called `action` too).
fn unused(line: &[u8]) -> Option<&[u8]> {
    use memchr::memmem::Finder;
    use std::sync::LazyLock;
    static ACTION: LazyLock<Finder> = LazyLock::new(|| Finder::new(b"\"action\":\""));
    static TIME: LazyLock<Finder> = LazyLock::new(|| Finder::new(b"\"time\":\""));
    let value = |key: &Finder| -> Option<(usize, &[u8])> {
        let at = key.find(line)? + key.needle().len();
        let len = memchr::memchr2(b'"', b'\\', &line[at..])?;
        (line.get(at + len) == Some(&b'"')).then(|| (at, &line[at..at + len]))
    };
    let (at, action) = value(&ACTION)?;
    let top_level = memchr::memchr_iter(b'{', &line[..at]).count() == 1;
    let used = USED.iter().any(|u| u.as_bytes() == action);
    if used || !top_level {
        return None;
    }
    let (at, time) = value(&TIME)?;
    (memchr::memchr_iter(b'{', &line[..at]).count() == 1).then_some(time)
}

/// [`parse_time`] of raw bytes.
fn parse_time_bytes(bytes: &[u8]) -> Option<DateTime<Utc>> {
    parse_time(std::str::from_utf8(bytes).ok()?)
}

/// The events of `texts` (the log's files, oldest first) from `since` to
/// `read_until`, handed to `f` in time order a day at a time (a day's files
/// hold only that day's lines), so the whole range is never held decoded at
/// once. Answers the lines read before `until`.
fn each_event<'a>(
    texts: &'a [FileText],
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    read_until: DateTime<Utc>,
    mut f: impl FnMut(Event<'a>),
) -> u64 {
    let stamp = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let (from, to, end) = (stamp(since), stamp(read_until), stamp(until));
    let mut read = 0;
    let mut batch: Vec<Event<'a>> = Vec::new();
    // The old single-file log holds any day: while one is read, everything
    // is one batch (as before the day files); otherwise each day is one.
    let legacy = texts.iter().any(|t| t.day.is_none());
    for day in texts.chunk_by(|a, b| legacy || a.day == b.day) {
        for text in day {
            read += decode_into(&text.bytes, (&from, &to, &end), &mut batch);
        }
        batch.sort_by_key(|e| e.at);
        batch.drain(..).for_each(&mut f);
    }
    read
}

/// One environment's life as the log tells it.
struct Life<'a> {
    key: Text<'a>,
    start: DateTime<Utc>,
    end: Option<DateTime<Utc>>,
}

fn nearest_rank(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn hours(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    (to - from).num_milliseconds().max(0) as f64 / 3_600_000.0
}

/// The report of the log's files `texts` (read up to `read_until`) and the
/// records `current`.
fn figures<'a>(
    texts: &'a [FileText],
    read_until: DateTime<Utc>,
    current: &'a [Environment],
    request: &ReportRequest,
    now: DateTime<Utc>,
) -> Report {
    let (since, until, by) = (request.since, request.until, &request.by);
    let in_range = |t: DateTime<Utc>| t >= since && t < until;
    let mut groups: BTreeMap<String, GroupFigures> = BTreeMap::new();
    let mut lives: HashMap<Text<'a>, Life<'a>> = HashMap::new();
    let mut durations: BTreeMap<Text<'a>, Vec<u64>> = BTreeMap::new();
    let mut causes: HashMap<(Text<'a>, Text<'a>), u64> = HashMap::new();
    let mut cleanup = Cleanup::default();
    let mut pools: BTreeMap<String, PoolFigures> = BTreeMap::new();
    let mut usage: BTreeMap<Text<'a>, Vec<(DateTime<Utc>, Usage)>> = BTreeMap::new();
    let mut server: Vec<(DateTime<Utc>, &str)> = Vec::new();
    // The figures of a group, made on first sight.
    fn group<'g>(
        groups: &'g mut BTreeMap<String, GroupFigures>,
        key: &str,
    ) -> &'g mut GroupFigures {
        if !groups.contains_key(key) {
            groups.insert(key.to_owned(), GroupFigures::default());
        }
        groups.get_mut(key).expect("inserted")
    }
    let read = each_event(texts, since, until, read_until, |event| {
        let (at, created_at, mut e) = (event.at, event.created_at, event.line);
        let key = by.key_of(&e);
        let life_id = e.id.take().or(e.environment.take());
        match &*e.action {
            "create" if e.pool.is_none() => {
                if !in_range(at) {
                    return;
                }
                let g = group(&mut groups, &key);
                if &*e.outcome == "ok" {
                    g.created += 1;
                    if let Some(ms) = e.duration_ms {
                        let template = e.template.take().unwrap_or(Text::none());
                        durations.entry(template).or_default().push(ms);
                    }
                    if let Some(id) = life_id {
                        lives.insert(
                            id,
                            Life {
                                key,
                                start: created_at.unwrap_or(at).min(at),
                                end: None,
                            },
                        );
                    }
                } else {
                    g.creates_failed += 1;
                    let cause = (
                        e.code.take().unwrap_or(Text::from("error")),
                        e.cause
                            .take()
                            .or_else(|| e.detail.take().map(Text::first_line))
                            .unwrap_or_default(),
                    );
                    *causes.entry(cause).or_default() += 1;
                }
            }
            "delete" if e.pool.is_none() && &*e.outcome == "ok" => {
                if let Some(id) = life_id {
                    let life = lives.entry(id).or_insert_with(|| Life {
                        key: key.clone(),
                        start: created_at.unwrap_or(since).min(at),
                        end: None,
                    });
                    life.end = Some(at);
                }
                if in_range(at) {
                    let rule = e.rule.as_deref().unwrap_or("manual");
                    let g = group(&mut groups, &key);
                    g.removed += 1;
                    match g.removed_by.get_mut(rule) {
                        Some(n) => *n += 1,
                        None => {
                            g.removed_by.insert(rule.to_owned(), 1);
                        }
                    }
                    if e.rule.is_some() {
                        *cleanup.removed_by_rule.entry(rule.to_owned()).or_default() += 1;
                    }
                }
            }
            "cleanup" if in_range(at) => {
                cleanup.runs += 1;
                if &*e.outcome == "partial" {
                    cleanup.partial_runs += 1;
                }
            }
            "pool-claim" | "pool-miss" if in_range(at) => {
                let template = e
                    .template
                    .as_deref()
                    .or(e.detail.as_deref())
                    .unwrap_or("(none)");
                if !pools.contains_key(template) {
                    pools.insert(
                        template.to_owned(),
                        PoolFigures {
                            template: template.to_owned(),
                            claims: 0,
                            misses: 0,
                        },
                    );
                }
                let p = pools.get_mut(template).expect("inserted");
                if &*e.action == "pool-claim" {
                    p.claims += 1;
                } else {
                    p.misses += 1;
                }
            }
            "usage" if in_range(at) => {
                server.push((at, "usage"));
                for (template, u) in e.usage.take().into_iter().flatten() {
                    usage.entry(template).or_default().push((at, u));
                }
            }
            "server-start" | "server-stop" if in_range(at) => {
                server.push((
                    at,
                    if &*e.action == "server-start" {
                        "start"
                    } else {
                        "stop"
                    },
                ));
            }
            _ => {}
        }
    });
    // Environments still here: those older than the range from their
    // records. A failed one's life ended when it failed (`updated_at`):
    // a life begun by a create line ends there; one made before the range
    // (whose create may have failed: then it is seconds long) too; and a
    // failed create in the range began none.
    for env in current {
        if env.pool.is_some() || env.created_at >= until {
            continue;
        }
        let failed = (env.status == crate::store::Status::Failed).then_some(env.updated_at);
        if let Some(life) = lives.get_mut(env.id.as_str()) {
            if life.end.is_none() {
                life.end = failed;
            }
            continue;
        }
        if failed.is_some() && env.created_at >= since {
            continue;
        }
        lives.insert(
            Text::from(env.id.as_str()),
            Life {
                key: Text::from(by.key(Some(&env.owner), Some(&env.template), |k| {
                    env.labels.get(k).map(String::as_str)
                })),
                start: env.created_at,
                end: failed,
            },
        );
    }
    let mut changes: HashMap<&str, Vec<(DateTime<Utc>, i64)>> = HashMap::new();
    for life in lives.values() {
        let end = life.end.unwrap_or(until).min(until);
        let start = life.start.max(since);
        if life.start >= until || end <= since {
            continue;
        }
        let g = group(&mut groups, &life.key);
        g.environment_hours += hours(start, end);
        if life.end.is_none_or(|t| t >= until) {
            g.alive += 1;
        }
        let c = changes.entry(&life.key).or_default();
        c.push((start, 1));
        if end < until {
            c.push((end, -1));
        }
    }
    let mut total = GroupFigures {
        key: "total".into(),
        ..GroupFigures::default()
    };
    let mut all_changes = Vec::new();
    for (key, g) in groups.iter_mut() {
        g.key = key.clone();
        g.failure_rate = rate(g.creates_failed, g.created + g.creates_failed);
        total.created += g.created;
        total.alive += g.alive;
        total.removed += g.removed;
        total.environment_hours += g.environment_hours;
        total.creates_failed += g.creates_failed;
        for (rule, n) in &g.removed_by {
            *total.removed_by.entry(rule.clone()).or_default() += n;
        }
        let c = changes.remove(key.as_str()).unwrap_or_default();
        all_changes.extend_from_slice(&c);
        g.alive_series = steps(c, since, until);
    }
    total.failure_rate = rate(total.creates_failed, total.created + total.creates_failed);
    total.alive_series = steps(all_changes, since, until);
    let removed_by_cleanup: u64 = cleanup.removed_by_rule.values().sum();
    cleanup.removed_per_run = if cleanup.runs == 0 {
        0.0
    } else {
        removed_by_cleanup as f64 / cleanup.runs as f64
    };
    let mut causes: Vec<Cause> = causes
        .into_iter()
        .map(|((code, cause), count)| Cause {
            code: code.to_string(),
            cause: cause.to_string(),
            count,
        })
        .collect();
    causes.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.cause.cmp(&b.cause)));
    causes.truncate(10);
    Report {
        since,
        until,
        by: by.to_string(),
        events: read,
        groups: groups.into_values().collect(),
        total,
        provisioning: durations
            .into_iter()
            .map(|(template, mut ms)| {
                ms.sort_unstable();
                Provisioning {
                    template: template.to_string(),
                    creates: ms.len() as u64,
                    p50_ms: nearest_rank(&ms, 0.50),
                    p95_ms: nearest_rank(&ms, 0.95),
                }
            })
            .collect(),
        causes,
        cleanup,
        pools: pools.into_values().collect(),
        utilisation: usage
            .into_iter()
            .map(|(template, samples)| utilisation(template.to_string(), &samples, since, until))
            .collect(),
        uptime: uptime(&server, since, until.min(now)),
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

fn rate(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// A count over time from its changes: one step per time it changes.
fn steps(
    mut changes: Vec<(DateTime<Utc>, i64)>,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Vec<Step> {
    changes.sort_by_key(|c| c.0);
    let mut out = vec![Step {
        at: since,
        value: 0.0,
    }];
    let mut n: i64 = 0;
    for (at, d) in changes {
        n += d;
        match out.last_mut() {
            Some(last) if last.at == at => last.value = n as f64,
            _ => out.push(Step {
                at,
                value: n as f64,
            }),
        }
    }
    out.push(Step {
        at: until,
        value: n as f64,
    });
    thin(out, since, until)
}

/// At most [`MAX_STEPS`] steps: beyond, the last value of each of as many
/// equal slices of the range (a month of creates and deletes would be
/// tens of thousands of steps, more than a chart has pixels).
fn thin(steps: Vec<Step>, since: DateTime<Utc>, until: DateTime<Utc>) -> Vec<Step> {
    if steps.len() <= MAX_STEPS {
        return steps;
    }
    let span = (until - since).num_milliseconds().max(1) as f64;
    let slice = |t: DateTime<Utc>| {
        (((t - since).num_milliseconds() as f64 / span) * (MAX_STEPS - 2) as f64) as i64
    };
    let last = steps.len() - 1;
    steps
        .iter()
        .enumerate()
        .filter(|&(i, s)| i == 0 || i == last || slice(s.at) != slice(steps[i + 1].at))
        .map(|(_, s)| *s)
        .collect()
}

fn utilisation(
    template: String,
    samples: &[(DateTime<Utc>, Usage)],
    since: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Utilisation {
    let n = samples.len().max(1) as f64;
    let mean = |f: fn(&Usage) -> f64| samples.iter().map(|(_, u)| f(u)).sum::<f64>() / n;
    let memory_used = mean(|u| u.memory_used as f64);
    let memory_limit = mean(|u| u.memory_limit as f64);
    let cpu_used = mean(|u| u.cpu_percent);
    let cpu_limit = mean(|u| u.cpu_limit);
    let percent = |used: f64, limit: f64| (limit > 0.0).then(|| used / limit * 100.0);
    // Bucket means: a month of minutes would be 43,200 points.
    let span = (until - since).num_seconds().max(1) as f64;
    let bucket = |t: DateTime<Utc>| {
        (((t - since).num_seconds() as f64 / span) * USAGE_POINTS as f64) as usize
    };
    let series = |f: fn(&Usage) -> f64| -> Vec<Step> {
        let mut out: Vec<(usize, DateTime<Utc>, f64, f64)> = Vec::new();
        for (at, u) in samples {
            let b = bucket(*at);
            match out.last_mut() {
                Some(last) if last.0 == b => {
                    last.2 += f(u);
                    last.3 += 1.0;
                }
                _ => out.push((b, *at, f(u), 1.0)),
            }
        }
        out.into_iter()
            .map(|(_, at, sum, count)| Step {
                at,
                value: sum / count,
            })
            .collect()
    };
    Utilisation {
        template,
        samples: samples.len() as u64,
        memory_used,
        memory_limit,
        memory_percent: percent(memory_used, memory_limit),
        cpu_used,
        cpu_limit,
        cpu_percent: percent(cpu_used, cpu_limit),
        memory_series: series(|u| u.memory_used as f64),
        memory_limit_series: series(|u| u.memory_limit as f64),
        cpu_series: series(|u| u.cpu_percent),
    }
}

/// Up from each start to its stop; a start with no stop before the next
/// start (or the end) ends at the last sign of life (`usage`). A range that
/// begins while the server runs (its first line is a usage or a stop)
/// counts from its beginning.
fn uptime(server: &[(DateTime<Utc>, &str)], since: DateTime<Utc>, end: DateTime<Utc>) -> Uptime {
    let mut out = Uptime {
        range_seconds: (end - since).num_milliseconds().max(0) as f64 / 1000.0,
        ..Uptime::default()
    };
    let mut up: Option<DateTime<Utc>> = None;
    let mut last_seen = since;
    let mut total = Span::zero();
    for (i, &(at, what)) in server.iter().enumerate() {
        match what {
            "start" => {
                if let Some(from) = up {
                    total += last_seen - from;
                    out.unclean_stops += 1;
                }
                out.starts += 1;
                up = Some(at);
            }
            "stop" => {
                let from = up.take().or((i == 0).then_some(since));
                if let Some(from) = from {
                    total += at - from;
                }
            }
            _ => {
                if up.is_none() {
                    up = Some(if i == 0 { since } else { at });
                }
            }
        }
        last_seen = at;
    }
    if let Some(from) = up {
        // Still running when its last sign of life is recent (two samples).
        let running = end - last_seen <= Span::minutes(2);
        total += if running { end } else { last_seen } - from;
    }
    out.up_seconds = total.num_milliseconds().max(0) as f64 / 1000.0;
    out.percent = if out.range_seconds > 0.0 {
        (out.up_seconds / out.range_seconds * 100.0).min(100.0)
    } else {
        0.0
    };
    out
}

/// The monitor's usage line: per template, what its running environments
/// used (from `stats`) against the sum of their services' limits.
pub fn usage_by_template(
    config: &Config,
    running: &[Environment],
    stats: &[EnvironmentStats],
) -> BTreeMap<String, Usage> {
    let mut out: BTreeMap<String, Usage> = BTreeMap::new();
    for s in stats {
        let Some(env) = running.iter().find(|e| e.id == s.id) else {
            continue;
        };
        let u = out.entry(env.template.clone()).or_default();
        u.environments += 1;
        u.memory_used += s.total.memory_used;
        u.cpu_percent += s.total.cpu_percent;
        if let Some(t) = config.templates.get(&env.template) {
            for service in &t.services {
                if let Some(m) = &service.memory {
                    u.memory_limit += u64::try_from(m.bytes()).unwrap_or(0);
                }
                if let Some(c) = service.cpus {
                    u.cpu_limit += c * 100.0;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn requests_are_checked_when_built() {
        let now = t("2026-12-01T12:00:00Z");
        let r = ReportRequest::parse(None, None, None, now).unwrap();
        assert_eq!(
            (r.since, r.until, r.by),
            (now - Span::days(30), now, GroupBy::Owner)
        );
        let r = ReportRequest::parse(
            Some("7d"),
            Some("2026-11-30T00:00:00Z"),
            Some("label:team"),
            now,
        )
        .unwrap();
        // A duration for `since` counts back from `until`.
        assert_eq!(r.since, r.until - Span::days(7));
        assert_eq!(r.by, GroupBy::Label("team".into()));
        for (since, by) in [
            (Some("soon"), None),
            (None, Some("colour")),
            (Some("1d"), Some("label:")),
            (Some("500d"), None),
        ] {
            let e = ReportRequest::parse(since, None, by, now).unwrap_err();
            assert!(matches!(e, Error::InvalidInput(_)), "{e}");
        }
        // An end before its start; a duration for `since` cannot invert it.
        let inverted = ReportRequest::parse(
            Some("2026-11-20T00:00:00Z"),
            Some("2026-11-10T00:00:00Z"),
            None,
            now,
        );
        assert!(inverted.is_err());
        assert!(ReportRequest::parse(Some("1d"), Some("2d"), None, now).is_ok());
    }

    #[test]
    fn lines_no_figure_reads_are_counted_without_decoding_and_labels_do_not_fool_it() {
        let time = "2026-12-01T10:00:00.000Z";
        let start = format!(r#"{{"time":"{time}","user":"a","action":"start","environment":"e"}}"#);
        assert_eq!(unused(start.as_bytes()), Some(time.as_bytes()));
        let create = format!(r#"{{"time":"{time}","action":"create","environment":"e"}}"#);
        assert_eq!(unused(create.as_bytes()), None);
        // A label called `action` before the line's own is not taken for it.
        let label = format!(
            r#"{{"labels":{{"action":"start"}},"time":"{time}","action":"create","id":"i"}}"#
        );
        assert_eq!(unused(label.as_bytes()), None);
        let text = [start, create, label, "not json".to_owned(), String::new()].join("\n");
        let mut out = Vec::new();
        let range = (
            "2026-12-01T00:00:00.000Z",
            "2026-12-02T00:00:00.001Z",
            "2026-12-02T00:00:00.000Z",
        );
        // The start is counted, both creates decoded and counted, the garbage skipped.
        assert_eq!(decode_into(text.as_bytes(), range, &mut out), 3);
        assert_eq!(out.len(), 2);
        // Outside the range: nothing.
        let early = (
            "2026-12-02T00:00:00.000Z",
            "2026-12-03T00:00:00.000Z",
            "2026-12-03T00:00:00.000Z",
        );
        assert_eq!(decode_into(text.as_bytes(), early, &mut Vec::new()), 0);
    }

    #[test]
    fn records_older_than_the_range_live_until_they_failed() {
        let record = |id: &str, status: &str, updated_at: &str| -> Environment {
            serde_json::from_value(serde_json::json!({
                "id": id, "name": id, "template": "web", "owner": "ann",
                "status": status, "ready": false, "base_port": 8000, "port_count": 1,
                "ports": {}, "urls": {}, "services": {},
                "created_at": "2026-10-01T00:00:00Z", "updated_at": updated_at,
                "expires_at": null, "labels": {}, "error": null
            }))
            .unwrap()
        };
        let current = [
            record("a", "running", "2026-10-01T00:00:00Z"),
            record("b", "prepared", "2026-10-01T00:00:00Z"),
            // Its create failed (or it broke) long before the range.
            record("c", "failed", "2026-10-01T00:00:05Z"),
            // It broke a day into the range.
            record("d", "failed", "2026-11-25T00:00:00Z"),
        ];
        let now = t("2026-12-01T00:00:00Z");
        let request = ReportRequest::parse(Some("7d"), None, None, now).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let report = compute(dir.path(), &current, &request, now);
        assert_eq!(report.total.alive, 2, "{:?}", report.total);
        assert_eq!(report.total.environment_hours, 2.0 * 7.0 * 24.0 + 24.0);
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<u64> = (1..=20).collect();
        assert_eq!(nearest_rank(&v, 0.5), 10);
        assert_eq!(nearest_rank(&v, 0.95), 19);
        assert_eq!(nearest_rank(&[7], 0.95), 7);
        assert_eq!(nearest_rank(&[], 0.5), 0);
    }

    #[test]
    fn uptime_counts_starts_to_stops_and_a_crash_to_its_last_sign_of_life() {
        let since = t("2026-12-01T00:00:00Z");
        let end = t("2026-12-01T10:00:00Z");
        let server = [
            (t("2026-12-01T01:00:00Z"), "start"),
            (t("2026-12-01T02:00:00Z"), "stop"),
            (t("2026-12-01T03:00:00Z"), "start"),
            (t("2026-12-01T03:30:00Z"), "usage"),
            // died here; started again an hour later
            (t("2026-12-01T04:30:00Z"), "start"),
            (t("2026-12-01T09:59:00Z"), "usage"),
        ];
        let u = uptime(&server, since, end);
        // 1 h + 30 min + 5 h 30 min (still running: its last sample is recent)
        assert_eq!(u.up_seconds, 7.0 * 3600.0);
        assert_eq!((u.starts, u.unclean_stops), (3, 1));
        assert!((u.percent - 70.0).abs() < 1e-9);
        // A range that starts while the server runs counts from its start.
        let u = uptime(&[(t("2026-12-01T01:00:00Z"), "stop")], since, end);
        assert_eq!(u.up_seconds, 3600.0);
    }

    #[test]
    fn steps_hold_until_they_change() {
        let since = t("2026-12-01T00:00:00Z");
        let until = t("2026-12-02T00:00:00Z");
        let s = steps(
            vec![
                (t("2026-12-01T05:00:00Z"), 1),
                (t("2026-12-01T01:00:00Z"), 1),
                (t("2026-12-01T05:00:00Z"), -1),
            ],
            since,
            until,
        );
        let values: Vec<f64> = s.iter().map(|s| s.value).collect();
        assert_eq!(values, [0.0, 1.0, 1.0, 1.0]);
        assert_eq!(s[2].at, t("2026-12-01T05:00:00Z"));
        assert_eq!(s.last().unwrap().at, until);
        // Thousands of changes: at most MAX_STEPS, the last one kept.
        let many: Vec<(DateTime<Utc>, i64)> = (0..5000)
            .map(|i| (since + Span::seconds(i * 17), 1))
            .collect();
        let s = steps(many, since, until);
        assert!(s.len() <= MAX_STEPS, "{}", s.len());
        assert_eq!(s.last().unwrap().value, 5000.0);
        assert!(s.windows(2).all(|w| w[0].at <= w[1].at));
    }
}
