//! In-memory copies of the environments and the tokens, refreshed whenever
//! their file changes, so that a request costs a `stat` rather than a locked
//! read and a parse, and yet never goes stale: the CLI, cron and the server
//! all write the same files.
//!
//! "Changed" is decided as git decides a racily clean index entry: the
//! file's size, modification time and inode are compared first; when the
//! file was modified within the last two seconds (so a second write in the
//! same timestamp tick could leave all three unchanged, on a filesystem with
//! coarse timestamps) its content fingerprint is compared too (the CRC-32
//! envctl writes in the database header; a CRC-32 of the token file). So a
//! revoked token stops working at once, and an idle file costs one `stat`.

use std::path::Path;
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use crate::error::Result;
use crate::store::{Status, Store};
use crate::tokens::{Token, Tokens};

/// A file's identity for caching: (size, modification time, inode), with a
/// second file's (the database's journal; the token file passes itself
/// twice), and their content fingerprint when it was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// The first file's length, modification time and inode, and the
    /// second's when there is one (the database's journal).
    meta: (Meta, Option<Meta>),
    content: Option<(u64, u32)>,
}

/// Within this of its modification time, a file is checked by content too.
const RACY: Duration = Duration::from_secs(2);

/// A file's length, modification time and inode.
type Meta = (u64, SystemTime, u64);

fn meta(path: &Path) -> Option<Meta> {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).ok()?;
    Some((m.len(), m.modified().ok()?, m.ino()))
}

fn racy(modified: SystemTime) -> bool {
    SystemTime::now()
        .duration_since(modified)
        .map_or(true, |age| age < RACY)
}

fn metas([first, second]: [&Path; 2]) -> Option<(Meta, Option<Meta>)> {
    Some((meta(first)?, meta(second)))
}

impl Stamp {
    /// The files' stamp now (`content` computes their fingerprint): a file
    /// and a second one that may be missing (the database and its journal).
    pub fn take(paths: [&Path; 2], content: impl Fn() -> Option<(u64, u32)>) -> Option<Stamp> {
        Some(Stamp {
            meta: metas(paths)?,
            content: content(),
        })
    }

    /// Whether the files are still the ones this stamp was taken of.
    pub fn current(&self, paths: [&Path; 2], content: impl Fn() -> Option<(u64, u32)>) -> bool {
        match metas(paths) {
            Some(now) if now == self.meta => {
                let recent = racy(now.0.1) || now.1.is_some_and(|m| racy(m.1));
                !recent || content() == self.content
            }
            _ => false,
        }
    }
}

/// One environment as stored: its JSON text and the fields lists filter on.
pub struct Cached {
    pub json: Box<str>,
    /// The record decoded and encoded again (every field, as `show --json`
    /// prints it), made on the first request for it.
    shown: std::sync::OnceLock<Box<str>>,
    pub id: Box<str>,
    pub name: Box<str>,
    pub status: Status,
    pub owner: Box<str>,
    pub template: Box<str>,
    /// A warm pool member (hidden from lists unless asked for).
    pub member: bool,
}

impl Cached {
    /// The record with every field (a hand-edited file may lack some), as
    /// JSON: decoded once per version of the file, then answered as text.
    pub fn shown(&self) -> Result<&str> {
        if let Some(shown) = self.shown.get() {
            return Ok(shown);
        }
        let env: crate::store::Environment = serde_json::from_str(&self.json).map_err(|e| {
            crate::error::Error::Failed(format!("a stored environment is malformed: {e}"))
        })?;
        let text = serde_json::to_string(&env)
            .map_err(|e| crate::error::Error::Failed(format!("cannot encode: {e}")))?;
        Ok(self.shown.get_or_init(|| text.into()))
    }
}

/// The environments at one version of the database file.
pub struct Environments {
    stamp: Option<Stamp>,
    pub list: Vec<Cached>,
}

impl Environments {
    /// One page of the records `page` selects, as a JSON array of their
    /// stored text, and how many match in all.
    pub fn page(&self, page: &crate::ops::requests::Page) -> (String, usize) {
        let matching = self.list.iter().filter(|e| {
            page.filter
                .matches(e.status, &e.owner, &e.template, e.member)
        });
        let mut total = 0usize;
        let mut body = String::with_capacity(page.limit.min(self.list.len()) * 900 + 2);
        body.push('[');
        for (i, e) in matching.enumerate() {
            total += 1;
            if page.holds(i) {
                if body.len() > 1 {
                    body.push(',');
                }
                body.push_str(&e.json);
            }
        }
        body.push(']');
        (body, total)
    }

    /// One environment by id, else by name (as the store's `get` looks).
    pub fn find(&self, target: &str) -> Option<&Cached> {
        self.list
            .iter()
            .find(|e| &*e.id == target)
            .or_else(|| self.list.iter().find(|e| &*e.name == target))
    }
}

/// The tokens at one version of the token file (no stamp: there was no file).
type CachedTokens = (Option<Stamp>, Arc<Vec<Token>>);

#[derive(Default)]
pub struct Caches {
    environments: RwLock<Option<Arc<Environments>>>,
    refreshing: std::sync::Mutex<()>,
    tokens: RwLock<Option<CachedTokens>>,
}

impl Caches {
    /// The environments in memory, if the file has not changed since (a
    /// `stat`; a short read of the header when it changed just now).
    pub fn current_environments(&self, store: &Store) -> Option<Arc<Environments>> {
        let cached = self.environments.read().unwrap_or_else(|e| e.into_inner());
        cached
            .as_ref()
            .filter(|c| {
                c.stamp
                    .is_some_and(|s| s.current(store.files(), || store.fingerprint()))
            })
            .cloned()
    }

    /// Reads the environments again (blocking: takes the database lock).
    pub fn refresh_environments(&self, store: &Store) -> Result<Arc<Environments>> {
        // One refresh at a time: callers that waited find the copy just made,
        // so a burst of requests (or the monitor with a request) parses once.
        let _one = self.refreshing.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(fresh) = self.current_environments(store) {
            return Ok(fresh);
        }
        let now = Stamp::take(store.files(), || store.fingerprint());
        // The stamp is taken before the read: a write in between only makes the next call refresh again.
        let list = store.read_raw(|envs| {
            envs.iter()
                .map(|json| {
                    let f = crate::ops::ListFields::parse(json)?;
                    Ok(Cached {
                        json: (*json).into(),
                        shown: std::sync::OnceLock::new(),
                        id: f.id.into(),
                        name: f.name.into(),
                        status: f.status,
                        owner: f.owner.into(),
                        template: f.template.into(),
                        member: f.pool.is_some(),
                    })
                })
                .collect::<Result<Vec<_>>>()
        })?;
        let fresh = Arc::new(Environments { stamp: now, list });
        *self.environments.write().unwrap_or_else(|e| e.into_inner()) = Some(fresh.clone());
        Ok(fresh)
    }

    /// Every token, from memory when the file has not changed (no lock, no
    /// wait: what an async worker may call); `None` when it must be read.
    pub fn current_tokens(&self, tokens: &Tokens) -> Option<Arc<Vec<Token>>> {
        let path = tokens.path();
        let cached = self.tokens.read().unwrap_or_else(|e| e.into_inner());
        match &*cached {
            Some((Some(s), list))
                if s.current([path, path], || crate::store::file_fingerprint(path)) =>
            {
                Some(list.clone())
            }
            // No file then, and none now: no tokens.
            Some((None, list)) if !path.exists() => Some(list.clone()),
            _ => None,
        }
    }

    /// Every token, from memory when the file has not changed, else read
    /// (blocking: takes the token file's lock).
    pub fn tokens(&self, tokens: &Tokens) -> Result<Arc<Vec<Token>>> {
        if let Some(list) = self.current_tokens(tokens) {
            return Ok(list);
        }
        let path = tokens.path();
        let now = Stamp::take([path, path], || crate::store::file_fingerprint(path));
        let list = Arc::new(tokens.list()?);
        *self.tokens.write().unwrap_or_else(|e| e.into_inner()) = Some((now, list.clone()));
        Ok(list)
    }

    /// The token whose secret this is.
    pub fn authenticate(&self, tokens: &Tokens, secret: &str) -> Result<Option<Token>> {
        Ok(crate::tokens::find(&self.tokens(tokens)?, secret))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::Role;

    /// Two writes of the same size within one timestamp tick: the cache
    /// still sees the second (a revoked token stops working at once).
    #[test]
    fn a_same_size_rewrite_in_the_same_tick_is_seen() {
        let dir = tempfile::tempdir().unwrap();
        let tokens = Tokens::new(dir.path(), Duration::from_secs(1));
        let (_, secret) = tokens.create("ci", Role::Viewer, None).unwrap();
        let caches = Caches::default();
        assert!(caches.authenticate(&tokens, &secret).unwrap().is_some());
        let path = tokens.path().to_owned();
        let before = std::fs::metadata(&path).unwrap().modified().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        // Same length, another hash: as if the token were replaced.
        let at = text.find("\"sha256\": \"").unwrap() + 11;
        let mut changed = text.clone();
        let flipped = if &text[at..at + 1] == "0" { "1" } else { "0" };
        changed.replace_range(at..at + 1, flipped);
        std::fs::write(&path, &changed).unwrap();
        let file = std::fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(before).unwrap();
        assert!(caches.authenticate(&tokens, &secret).unwrap().is_none());
    }
}
