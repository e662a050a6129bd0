//! In-memory copies of the environments and the tokens, refreshed whenever
//! their file's content changes (its fingerprint: a checksum written with
//! the data, never the clock), so that reads cost a short read rather than a
//! locked read and a parse, and yet never go stale: the CLI, cron and the
//! server all write the same files, and a revoked token stops working at
//! once even on a filesystem with coarse timestamps.

use std::sync::{Arc, RwLock};

use crate::error::Result;
use crate::store::{Status, Store};
use crate::tokens::{Token, Tokens};

/// A file's content identity for caching (see [`Store::fingerprint`]).
pub type Stamp = Option<(u64, u32)>;

/// One environment as stored: its JSON text and the fields lists filter on.
pub struct Cached {
    pub json: Box<str>,
    pub id: Box<str>,
    pub name: Box<str>,
    pub status: Status,
    pub owner: Box<str>,
    pub template: Box<str>,
}

/// The environments at one version of the database file.
pub struct Environments {
    stamp: Stamp,
    pub list: Vec<Cached>,
}

impl Environments {
    /// One environment by id, else by name (as the store's `get` looks).
    pub fn find(&self, target: &str) -> Option<&Cached> {
        self.list
            .iter()
            .find(|e| &*e.id == target)
            .or_else(|| self.list.iter().find(|e| &*e.name == target))
    }
}

#[derive(Default)]
pub struct Caches {
    environments: RwLock<Option<Arc<Environments>>>,
    refreshing: std::sync::Mutex<()>,
    tokens: RwLock<Option<(Stamp, Arc<Vec<Token>>)>>,
}

impl Caches {
    /// The environments in memory, if the file has not changed since (a `stat`).
    pub fn current_environments(&self, store: &Store) -> Option<Arc<Environments>> {
        let now = store.fingerprint();
        let cached = self.environments.read().unwrap_or_else(|e| e.into_inner());
        cached
            .as_ref()
            .filter(|c| c.stamp == now && now.is_some())
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
        let now = store.fingerprint();
        // The stamp is taken before the read: a write in between only makes the next call refresh again.
        let list = store.read_raw(|envs| {
            envs.iter()
                .map(|json| {
                    let f = crate::ops::ListFields::parse(json)?;
                    Ok(Cached {
                        json: (*json).into(),
                        id: f.id.into(),
                        name: f.name.into(),
                        status: f.status,
                        owner: f.owner.into(),
                        template: f.template.into(),
                    })
                })
                .collect::<Result<Vec<_>>>()
        })?;
        let fresh = Arc::new(Environments { stamp: now, list });
        *self.environments.write().unwrap_or_else(|e| e.into_inner()) = Some(fresh.clone());
        Ok(fresh)
    }

    /// Every token, from memory when the file has not changed.
    pub fn tokens(&self, tokens: &Tokens) -> Result<Arc<Vec<Token>>> {
        let now = crate::store::file_fingerprint(tokens.path());
        let cached = self
            .tokens
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        match cached {
            Some((s, list)) if s == now => Ok(list),
            _ => {
                let list = Arc::new(tokens.list()?);
                *self.tokens.write().unwrap_or_else(|e| e.into_inner()) = Some((now, list.clone()));
                Ok(list)
            }
        }
    }

    /// The token whose secret this is.
    pub fn authenticate(&self, tokens: &Tokens, secret: &str) -> Result<Option<Token>> {
        Ok(crate::tokens::find(&self.tokens(tokens)?, secret))
    }
}
