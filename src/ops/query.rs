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
    ctx.store.view(|db| db.get(target).cloned())?
}

/// What a list page sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    Name,
    /// When it was created (the stored order).
    #[default]
    Created,
    /// Its end of life; environments that never expire come last.
    Expires,
    Status,
}

impl SortKey {
    pub const ALL: [SortKey; 4] = [
        SortKey::Name,
        SortKey::Created,
        SortKey::Expires,
        SortKey::Status,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::Created => "created",
            SortKey::Expires => "expires",
            SortKey::Status => "status",
        }
    }
}

/// Environments a page shows at most (the API's default page too).
pub const BROWSE_PAGE: usize = crate::ops::requests::DEFAULT_PAGE;

/// A list to browse: a filter, a label and a name to look for, an order and
/// a page. Made from a [`BrowseRequest`], which checks every value.
#[derive(Debug, Clone, Default)]
pub struct Browse {
    pub filter: ListFilter,
    /// `key` (has the label) or `key=value`.
    pub label: Option<(String, Option<String>)>,
    /// Part of the name, any case.
    pub search: Option<String>,
    pub sort: SortKey,
    pub descending: bool,
    /// From 1.
    pub page: usize,
    pub per_page: usize,
}

/// A list page's query string as typed: every field optional, an empty one
/// meaning "any" (a GET form sends its empty fields).
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct BrowseRequest {
    pub status: String,
    pub owner: String,
    pub template: String,
    /// `key` or `key=value`.
    pub label: String,
    /// Part of the name.
    pub q: String,
    /// name, created, expires or status.
    pub sort: String,
    /// asc or desc.
    pub order: String,
    pub page: String,
}

fn given(text: &str) -> Option<&str> {
    Some(text.trim()).filter(|t| !t.is_empty())
}

impl BrowseRequest {
    /// The checked query; the messages say what to type instead.
    pub fn into_browse(self) -> Result<Browse> {
        let status = given(&self.status).map(str::parse::<Status>).transpose()?;
        let owner = given(&self.owner).map(str::to_owned);
        if let Some(o) = &owner {
            crate::names::check_owner(o)?;
        }
        let label = match given(&self.label) {
            None => None,
            Some(text) => Some(match text.split_once('=') {
                Some(_) => {
                    let (k, v) = crate::names::parse_label(text)?;
                    (k, Some(v))
                }
                None => {
                    crate::names::check_label(text, "")?;
                    (text.to_owned(), None)
                }
            }),
        };
        let search = given(&self.q).map(str::to_lowercase);
        if search.as_ref().is_some_and(|s| s.len() > 64) {
            return Err(Error::InvalidInput(
                "the name to search for may be at most 64 characters".into(),
            ));
        }
        let sort = match given(&self.sort) {
            None => SortKey::default(),
            Some(s) => SortKey::ALL
                .into_iter()
                .find(|k| k.as_str() == s)
                .ok_or_else(|| {
                    Error::InvalidInput(format!(
                        "cannot sort by '{}'; sort by name, created, expires or status",
                        crate::names::printable(s, 40)
                    ))
                })?,
        };
        let descending = match given(&self.order) {
            None | Some("asc") => false,
            Some("desc") => true,
            Some(o) => {
                return Err(Error::InvalidInput(format!(
                    "order '{}' is neither asc nor desc",
                    crate::names::printable(o, 40)
                )));
            }
        };
        let page = match given(&self.page) {
            None => 1,
            Some(p) => p
                .parse::<usize>()
                .ok()
                .filter(|p| (1..=crate::ops::requests::MAX_OFFSET).contains(p))
                .ok_or_else(|| {
                    Error::InvalidInput(format!(
                        "page '{}' is not a page number (1, 2, ...)",
                        crate::names::printable(p, 40)
                    ))
                })?,
        };
        Ok(Browse {
            filter: ListFilter {
                status,
                owner,
                template: given(&self.template).map(str::to_owned),
                all: false,
            },
            label,
            search,
            sort,
            descending,
            page,
            per_page: BROWSE_PAGE,
        })
    }
}

impl Browse {
    /// True when `env` passes the filter, the label and the search.
    pub fn matches(&self, env: &Environment) -> bool {
        self.filter
            .matches(env.status, &env.owner, &env.template, env.pool.is_some())
            && self.label.as_ref().is_none_or(|(k, v)| {
                env.labels
                    .get(k)
                    .is_some_and(|have| v.as_ref().is_none_or(|v| v == have))
            })
            && self
                .search
                .as_ref()
                .is_none_or(|s| env.name.to_lowercase().contains(s.as_str()))
    }
}

/// One page of a browsed list.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    pub environments: Vec<Environment>,
    /// How many match in all.
    pub total: usize,
    /// This page (from 1) and how many there are (at least 1).
    pub page: usize,
    pub pages: usize,
}

/// The page of `envs` (in created order) that `browse` selects: filtered,
/// sorted (ties by creation, then name), cut to the page. A page past the
/// last is empty, with `pages` saying how many there are.
pub fn select(mut envs: Vec<Environment>, browse: &Browse) -> Listing {
    envs.retain(|e| browse.matches(e));
    let by_created = |a: &Environment, b: &Environment| {
        a.created_at
            .cmp(&b.created_at)
            .then_with(|| a.name.cmp(&b.name))
    };
    envs.sort_by(|a, b| {
        let primary = match browse.sort {
            SortKey::Name => a.name.cmp(&b.name),
            SortKey::Created => std::cmp::Ordering::Equal,
            // Never expiring sorts after any end.
            SortKey::Expires => match (a.expires_at, b.expires_at) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            },
            SortKey::Status => a.status.as_str().cmp(b.status.as_str()),
        };
        let order = primary.then_with(|| by_created(a, b));
        if browse.descending {
            order.reverse()
        } else {
            order
        }
    });
    let total = envs.len();
    let per_page = browse.per_page.max(1);
    let pages = total.div_ceil(per_page).max(1);
    let start = browse.page.saturating_sub(1).saturating_mul(per_page);
    let environments = envs.into_iter().skip(start).take(per_page).collect();
    Listing {
        environments,
        total,
        page: browse.page.max(1),
        pages,
    }
}

/// The page of the database's environments that `browse` selects.
pub fn browse(ctx: &Context, browse: &Browse) -> Result<Listing> {
    Ok(select(ctx.store.read()?.environments, browse))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn env(i: i64, name: &str, status: Status, label: Option<(&str, &str)>) -> Environment {
        let created = chrono::DateTime::from_timestamp(1_800_000_000 + i, 0).unwrap();
        Environment {
            id: format!("{i:08x}"),
            name: name.into(),
            template: "web".into(),
            owner: if i % 2 == 0 { "alice" } else { "bob" }.into(),
            status,
            ready: false,
            base_port: 8090,
            port_count: 1,
            ports: BTreeMap::new(),
            urls: BTreeMap::new(),
            services: BTreeMap::new(),
            created_at: created,
            updated_at: created,
            expires_at: (i % 3 != 0).then(|| created + chrono::Duration::hours(100 - i)),
            labels: label
                .map(|(k, v)| BTreeMap::from([(k.to_owned(), v.to_owned())]))
                .unwrap_or_default(),
            error: None,
            pinned: false,
            operation: None,
            pool: None,
            from_pool: false,
            node: None,
        }
    }

    fn names(l: &Listing) -> Vec<&str> {
        l.environments.iter().map(|e| e.name.as_str()).collect()
    }

    fn request(query: &str) -> Result<Browse> {
        let mut r = BrowseRequest::default();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap();
            let field = match k {
                "status" => &mut r.status,
                "owner" => &mut r.owner,
                "label" => &mut r.label,
                "q" => &mut r.q,
                "sort" => &mut r.sort,
                "order" => &mut r.order,
                "page" => &mut r.page,
                _ => &mut r.template,
            };
            *field = v.to_owned();
        }
        r.into_browse()
    }

    #[test]
    fn filters_search_sort_and_pages_compose() {
        let envs: Vec<Environment> = (1..=250)
            .map(|i| {
                let status = if i % 5 == 0 {
                    Status::Stopped
                } else {
                    Status::Running
                };
                let team = if i % 2 == 0 { "red" } else { "blue" };
                env(i, &format!("env-{i:03}"), status, Some(("team", team)))
            })
            .collect();
        let all = select(envs.clone(), &request("").unwrap());
        assert_eq!(
            (all.total, all.pages, all.environments.len()),
            (250, 3, 100)
        );
        assert_eq!(names(&all)[0], "env-001", "created order by default");
        let last = select(envs.clone(), &request("page=3").unwrap());
        assert_eq!(last.environments.len(), 50);
        assert!(
            select(envs.clone(), &request("page=4").unwrap())
                .environments
                .is_empty()
        );

        let stopped_red = select(
            envs.clone(),
            &request("status=stopped&label=team=red&owner=alice&sort=name&order=desc").unwrap(),
        );
        assert_eq!(stopped_red.total, 25, "every 10th");
        assert_eq!(names(&stopped_red)[..2], ["env-250", "env-240"]);
        assert_eq!(
            select(envs.clone(), &request("label=team").unwrap()).total,
            250
        );
        assert_eq!(
            select(envs.clone(), &request("label=nope").unwrap()).total,
            0
        );
        assert_eq!(
            select(envs.clone(), &request("q=ENV-12").unwrap()).total,
            10
        );

        // Ends first by time, never-ending last (descending: the reverse).
        let by_end = select(envs.clone(), &request("sort=expires").unwrap());
        assert_eq!(names(&by_end)[0], "env-250");
        let never = select(envs, &request("sort=expires&order=desc").unwrap());
        assert!(never.environments[0].expires_at.is_none());
    }

    #[test]
    fn a_bad_query_says_what_to_type() {
        for (query, says) in [
            ("sort=size", "sort by name, created, expires or status"),
            ("order=up", "neither asc nor desc"),
            ("page=0", "not a page number"),
            ("status=sleeping", "sleeping"),
            ("label=bad key", "label"),
        ] {
            let e = request(query).unwrap_err();
            assert!(e.to_string().contains(says), "{query}: {e}");
            assert_eq!(e.exit_code(), crate::exit::USAGE, "{query}");
        }
    }
}
