//! Reading environments: `list` (records, or the stored JSON as it is) and `show`.

use crate::context::Context;
use crate::error::{Error, Result};
use crate::store::{Environment, Status};

/// Which environments `list` shows.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub status: Option<Status>,
    pub owner: Option<String>,
    pub template: Option<String>,
    /// Also warm pool members (hidden otherwise).
    pub all: bool,
}

/// The environments matching `filter`, in the order they were created.
/// Reads only the database.
pub fn list(ctx: &Context, filter: &ListFilter) -> Result<Vec<Environment>> {
    let mut envs = ctx.store.read()?.environments;
    envs.retain(|e| filter.matches(e.status, &e.owner, &e.template, e.pool.is_some()));
    Ok(envs)
}

/// [`list`] as the JSON array `--json` prints, one environment per line.
/// Copies the stored objects without decoding them (only the filter fields
/// are read, and only when filtering), so it stays fast at 10,000 records.
pub fn list_json(ctx: &Context, filter: &ListFilter) -> Result<String> {
    ctx.store.read_raw(|envs| {
        let mut matching = Vec::with_capacity(envs.len());
        for raw in envs {
            if !filter.keeps_all(raw) {
                let f = ListFields::parse(raw)?;
                if !filter.matches(f.status, &f.owner, &f.template, f.pool.is_some()) {
                    continue;
                }
            }
            matching.push(raw.as_ref());
        }
        Ok(json_array(&matching))
    })
}

/// A JSON array of already-encoded objects, one per line: the layout of
/// `list --json`, in both local and remote mode.
pub fn json_array(items: &[&str]) -> String {
    let mut out = String::with_capacity(items.iter().map(|i| i.len() + 2).sum::<usize>() + 4);
    out.push('[');
    let mut first = true;
    for item in items {
        out.push_str(if first { "\n" } else { ",\n" });
        out.push_str(item);
        first = false;
    }
    out.push_str(if first { "]\n" } else { "\n]\n" });
    out
}

/// The fields of a stored environment that lists filter on, read from its
/// JSON text without decoding the rest.
#[derive(serde::Deserialize)]
pub struct ListFields<'a> {
    #[serde(borrow)]
    pub id: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    pub name: std::borrow::Cow<'a, str>,
    pub status: Status,
    #[serde(borrow)]
    pub owner: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    pub template: std::borrow::Cow<'a, str>,
    #[serde(default, borrow)]
    pub pool: Option<std::borrow::Cow<'a, str>>,
}

impl<'a> ListFields<'a> {
    pub fn parse(json: &'a str) -> Result<ListFields<'a>> {
        serde_json::from_str(json)
            .map_err(|e| Error::Failed(format!("a stored environment is malformed: {e}")))
    }
}

impl ListFilter {
    /// True when it keeps every record (a stored record that never held a
    /// `"pool"` key is no pool member, so it needs no decoding).
    fn keeps_all(&self, raw: &str) -> bool {
        self.status.is_none()
            && self.owner.is_none()
            && self.template.is_none()
            && (self.all || !raw.contains("\"pool\""))
    }

    /// True when a record with these fields passes the filter.
    pub fn matches(&self, status: Status, owner: &str, template: &str, member: bool) -> bool {
        self.status.is_none_or(|s| status == s)
            && self.owner.as_deref().is_none_or(|o| owner == o)
            && self.template.as_deref().is_none_or(|t| template == t)
            && (self.all || !member)
    }
}

/// One environment by id or name.
pub fn show(ctx: &Context, target: &str) -> Result<Environment> {
    ctx.store.read()?.get(target).cloned()
}
