//! API tokens, in a credentials file of their own (`<data dir>/tokens.json`,
//! mode 0600) so that resetting the environments database never touches them.
//!
//! A token is 256 random bits, shown once when created; the file keeps only
//! its SHA-256, and a presented token is compared in constant time.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::store::lock::{self, Mode};

pub const TOKENS_FILE: &str = "tokens.json";
const PREFIX: &str = "envctl_";

/// What a token may do. Each role may do everything the ones before it may.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Read (project managers).
    Viewer,
    /// Create; change and delete their own environments (developers).
    Developer,
    /// Every environment, cleanup, sync (DevOps engineers).
    Operator,
    /// Everything: reset, backups, tokens (system administrators).
    Admin,
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Role::Viewer => "viewer",
            Role::Developer => "developer",
            Role::Operator => "operator",
            Role::Admin => "admin",
        })
    }
}

/// One token as stored: never the secret itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Token {
    pub id: String,
    pub name: String,
    pub role: Role,
    /// The user whose environments a developer token owns (default: the token's name).
    pub owner: Option<String>,
    /// Hex SHA-256 of the secret.
    #[serde(rename = "sha256")]
    pub hash: String,
    pub created_at: DateTime<Utc>,
}

impl Token {
    /// The owner this token acts as.
    pub fn user(&self) -> &str {
        self.owner.as_deref().unwrap_or(&self.name)
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct TokenFile {
    tokens: Vec<Token>,
}

/// The credentials file in one data directory.
#[derive(Debug, Clone)]
pub struct Tokens {
    path: PathBuf,
    lock_path: PathBuf,
    lock_timeout: std::time::Duration,
}

impl Tokens {
    pub fn new(data_dir: &Path, lock_timeout: std::time::Duration) -> Tokens {
        Tokens {
            path: data_dir.join(TOKENS_FILE),
            lock_path: data_dir.join(format!("{TOKENS_FILE}.lock")),
            lock_timeout,
        }
    }

    /// Every token (without secrets).
    pub fn list(&self) -> Result<Vec<Token>> {
        crate::store::off_worker(|| {
            let _guard =
                lock::acquire(&self.lock_path, &self.path, Mode::Shared, self.lock_timeout)?;
            Ok(self.load()?.tokens)
        })
    }

    /// Creates a token; returns it and its secret, which is not stored.
    pub fn create(&self, name: &str, role: Role, owner: Option<&str>) -> Result<(Token, String)> {
        crate::names::check_name(name)?;
        if looks_like_id(name) {
            return Err(Error::InvalidInput(format!(
                "token name '{name}' looks like a token id (8 hex digits); choose a name \
                 with another letter in it, so `token revoke` can never mistake one for the other"
            )));
        }
        // A token acts as its owner (or its name): held to the owner rule.
        crate::names::check_owner(owner.unwrap_or(name))?;
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let secret = format!("{PREFIX}{}", hex(&bytes));
        let token = Token {
            id: crate::names::new_id(),
            name: name.to_owned(),
            role,
            owner: owner.map(str::to_owned),
            hash: hash(&secret),
            created_at: Utc::now(),
        };
        self.update(|file| {
            if file.tokens.iter().any(|t| t.name == name) {
                return Err(Error::Conflict(format!(
                    "a token named '{name}' already exists"
                )));
            }
            file.tokens.push(token.clone());
            Ok(())
        })?;
        Ok((token, secret))
    }

    /// Removes the token with this id or name. An argument that is one
    /// token's id and another's name (a name made before names were kept
    /// apart from ids) is refused, saying which is which.
    pub fn revoke(&self, id_or_name: &str) -> Result<Token> {
        self.update(|file| {
            let matches: Vec<usize> = file
                .tokens
                .iter()
                .enumerate()
                .filter(|(_, t)| t.id == id_or_name || t.name == id_or_name)
                .map(|(i, _)| i)
                .collect();
            match matches.as_slice() {
                [] => Err(Error::NotFound {
                    what: "token",
                    name: id_or_name.to_owned(),
                }),
                [index] => Ok(file.tokens.remove(*index)),
                _ => {
                    let which: Vec<String> = matches
                        .iter()
                        .map(|&i| {
                            let t = &file.tokens[i];
                            format!("id {} (named '{}')", t.id, t.name)
                        })
                        .collect();
                    Err(Error::Conflict(format!(
                        "'{id_or_name}' names more than one token: {}; revoke by the id of \
                         the one you mean (`envctl token list` shows them)",
                        which.join(" and ")
                    )))
                }
            }
        })
    }

    /// The token whose secret this is, compared in constant time.
    pub fn authenticate(&self, secret: &str) -> Result<Option<Token>> {
        Ok(find(&self.list()?, secret))
    }

    /// The credentials file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn load(&self) -> Result<TokenFile> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| Error::CorruptDatabase {
                path: self.path.clone(),
                reason: e.to_string(),
                hint: "It was left untouched; fix it or move it aside (every token is then lost)."
                    .into(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(TokenFile::default()),
            Err(e) => Err(Error::io(&self.path)(e)),
        }
    }

    fn update<T>(&self, change: impl FnOnce(&mut TokenFile) -> Result<T>) -> Result<T> {
        crate::store::off_worker(|| self.update_here(change))
    }

    fn update_here<T>(&self, change: impl FnOnce(&mut TokenFile) -> Result<T>) -> Result<T> {
        let _guard = lock::acquire(
            &self.lock_path,
            &self.path,
            Mode::Exclusive,
            self.lock_timeout,
        )?;
        let mut file = self.load()?;
        let value = change(&mut file)?;
        let bytes = serde_json::to_vec_pretty(&file).map_err(|e| Error::Failed(e.to_string()))?;
        // The temp file is created 0600, and the rename keeps that mode.
        crate::store::write_atomic(&self.path, &bytes)?;
        Ok(value)
    }
}

/// A token id is 8 lowercase hex digits; no name may look like one.
fn looks_like_id(name: &str) -> bool {
    name.len() == 8 && name.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The token among `tokens` whose secret this is, compared in constant time.
pub fn find(tokens: &[Token], secret: &str) -> Option<Token> {
    let presented = hash(secret);
    let mut found = None;
    for t in tokens {
        // Look at every token, whatever matches, so timing says nothing.
        if constant_time_eq(t.hash.as_bytes(), presented.as_bytes()) {
            found = Some(t.clone());
        }
    }
    found
}

fn hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn a_token_is_shown_once_and_stored_only_as_a_hash() {
        let dir = tempfile::tempdir().unwrap();
        let tokens = Tokens::new(dir.path(), std::time::Duration::from_secs(1));
        let (token, secret) = tokens.create("ci", Role::Developer, Some("alice")).unwrap();
        assert!(
            secret.starts_with(PREFIX) && secret.len() == PREFIX.len() + 64,
            "256 bits"
        );
        let file = std::fs::read_to_string(dir.path().join(TOKENS_FILE)).unwrap();
        assert!(!file.contains(&secret[PREFIX.len()..]));
        let mode = std::fs::metadata(dir.path().join(TOKENS_FILE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        assert_eq!(tokens.authenticate(&secret).unwrap(), Some(token.clone()));
        assert_eq!(tokens.authenticate("envctl_wrong").unwrap(), None);
        assert_eq!(token.user(), "alice");
        assert!(
            tokens.create("ci", Role::Admin, None).is_err(),
            "names are unique"
        );
        tokens.revoke("ci").unwrap();
        assert_eq!(tokens.authenticate(&secret).unwrap(), None);
    }

    #[test]
    fn names_cannot_look_like_ids_and_revoke_refuses_an_ambiguous_argument() {
        let dir = tempfile::tempdir().unwrap();
        let tokens = Tokens::new(dir.path(), std::time::Duration::from_secs(1));
        let (victim, _) = tokens.create("victim", Role::Admin, None).unwrap();
        let e = tokens.create(&victim.id, Role::Viewer, None).unwrap_err();
        assert!(e.to_string().contains("looks like a token id"), "{e}");
        assert!(tokens.create("deadbeef", Role::Viewer, None).is_err());
        assert!(
            tokens
                .create("ci", Role::Viewer, Some("bad owner\n"))
                .is_err()
        );
        // A file written before the rule: a name equal to another's id.
        let (old, _) = tokens.create("old", Role::Viewer, None).unwrap();
        tokens
            .update(|f| {
                f.tokens.iter_mut().find(|t| t.id == old.id).unwrap().name = victim.id.clone();
                Ok(())
            })
            .unwrap();
        let e = tokens.revoke(&victim.id).unwrap_err();
        assert!(matches!(e, Error::Conflict(_)), "{e}");
        assert_eq!(tokens.list().unwrap().len(), 2, "nothing was revoked");
        assert_eq!(tokens.revoke(&old.id).unwrap().id, old.id);
    }

    #[test]
    fn roles_are_ordered() {
        assert!(
            Role::Viewer < Role::Developer
                && Role::Developer < Role::Operator
                && Role::Operator < Role::Admin
        );
    }
}
