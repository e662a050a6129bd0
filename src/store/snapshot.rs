//! The snapshot's layout on disk (`environments.json`): how a database is
//! written, how a file envctl wrote is recognised by its checksum (and its
//! lines trusted without parsing), and how any other file is parsed.
//! Reading and writing the file, the lock and the journal are the store's
//! ([`super::Store`]).

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::{Database, SCHEMA_VERSION, journal, records};
use crate::error::{Error, Result};

/// The file's layout: compact JSON, one environment per line, so it reads
/// fast, diffs well and each line is exactly the object `--json` prints. The
/// header carries a CRC-32 of everything after it, so a reader can trust the
/// lines of a file envctl wrote without parsing them ([`checked_body`]), and
/// falls back to parsing a file edited by hand.
pub(super) fn encode(db: &Database) -> Result<Vec<u8>> {
    let json_error = |e: serde_json::Error| Error::Failed(format!("encoding the database: {e}"));
    let mut body = Vec::with_capacity(8 + db.environments.len() * 800);
    for (i, env) in db.environments.iter().enumerate() {
        body.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
        serde_json::to_writer(&mut body, env).map_err(json_error)?;
    }
    body.extend_from_slice(b"\n]}\n");
    let mut out = Vec::with_capacity(body.len() + 128);
    out.extend_from_slice(b"{\"schema_version\":");
    out.extend_from_slice(db.schema_version.to_string().as_bytes());
    out.extend_from_slice(b",\"instance_id\":");
    serde_json::to_writer(&mut out, &db.instance_id).map_err(json_error)?;
    out.extend_from_slice(
        format!(
            ",\"{CHECKSUM_KEY}\":\"{:08x}\"",
            crc32fast::hash(&body[1..])
        )
        .as_bytes(),
    );
    out.extend_from_slice(b",\"environments\":[");
    out.extend_from_slice(&body);
    Ok(out)
}

pub(super) const CHECKSUM_KEY: &str = "environments_crc32";

/// What a journal must name to belong to the snapshot `bytes` (a file in
/// [`encode`]'s layout whose checksum matches); `None` for anything else.
pub(super) fn pairing_of(bytes: &[u8]) -> Option<journal::Pairing> {
    let (crc, _) = checked_body(bytes)?;
    Some(journal::Pairing {
        crc,
        bytes: bytes.len() as u64,
    })
}

/// The checksum and the body (after the header line) of a file in
/// [`encode`]'s layout whose checksum matches.
pub(super) fn checked_body(bytes: &[u8]) -> Option<(u32, &str)> {
    checked_parts(bytes).map(|(crc, _, body)| (crc, body))
}

/// [`checked_body`], with the header line (up to the environments' `[`).
pub(super) fn checked_parts(bytes: &[u8]) -> Option<(u32, &str, &str)> {
    let text = std::str::from_utf8(bytes).ok()?;
    let (header_line, body) = text.split_once('\n')?;
    let header = header_line.strip_suffix("\"environments\":[")?;
    let version: u32 = header
        .strip_prefix("{\"schema_version\":")?
        .split(',')
        .next()?
        .parse()
        .ok()?;
    let (_, checksum) = header.rsplit_once(&format!("\"{CHECKSUM_KEY}\":\""))?;
    let checksum = checksum.strip_suffix("\",")?;
    let crc = crc32fast::hash(body.as_bytes());
    if version != SCHEMA_VERSION || format!("{crc:08x}") != checksum {
        return None;
    }
    Some((crc, header_line, body))
}

/// The environment lines of a file in [`encode`]'s layout whose checksum
/// matches; `None` for anything else.
#[cfg(test)]
pub(super) fn checked_lines(bytes: &[u8]) -> Option<Vec<&str>> {
    lines_of(checked_body(bytes)?.1)
}

/// The environment lines of a checked body.
pub(super) fn lines_of(body: &str) -> Option<Vec<&str>> {
    let body = body.strip_suffix("]}\n")?;
    let mut lines = Vec::new();
    for line in body.split_terminator('\n') {
        let line = line.strip_suffix(',').unwrap_or(line);
        if !(line.starts_with('{') && line.ends_with('}')) {
            return None;
        }
        lines.push(line);
    }
    Some(lines)
}

pub(super) enum ParseError {
    /// The file is of a newer schema version.
    Newer(u32),
    /// It is not a database: why.
    Invalid(String),
}

/// From this size on, a snapshot's records are decoded on several threads.
pub(super) const PARALLEL_FROM: usize = 256 * 1024;

pub(super) fn parse(bytes: &[u8]) -> Result<Database, ParseError> {
    if bytes.len() >= PARALLEL_FROM
        && let Some(db) = parse_parallel(bytes)
    {
        return Ok(db);
    }
    match serde_json::from_slice::<Database>(bytes) {
        Ok(db) => Ok(db),
        Err(full) => {
            // A newer schema may not parse as ours at all: say "newer", not "corrupt".
            #[derive(Deserialize)]
            struct Probe {
                schema_version: u32,
            }
            match serde_json::from_slice::<Probe>(bytes) {
                Ok(p) if p.schema_version > SCHEMA_VERSION => {
                    Err(ParseError::Newer(p.schema_version))
                }
                _ => Err(ParseError::Invalid(full.to_string())),
            }
        }
    }
}

/// A large database decoded as [`parse`] would, its records split between
/// the cores (a snapshot envctl wrote is kept as lines instead, see
/// [`records`]; this is for one edited by hand). `None` on anything unusual
/// (the caller's one-thread path then says what is wrong).
pub(super) fn parse_parallel(bytes: &[u8]) -> Option<Database> {
    #[derive(Deserialize)]
    struct Raw<'a> {
        schema_version: u32,
        instance_id: String,
        #[serde(borrow)]
        environments: Vec<&'a RawValue>,
    }
    let raw: Raw<'_> = serde_json::from_slice(bytes).ok()?;
    if raw.schema_version != SCHEMA_VERSION {
        return None;
    }
    let texts: Vec<&str> = raw.environments.iter().map(|r| r.get()).collect();
    let environments = records::decode_each(&texts).ok()?;
    Some(Database {
        schema_version: raw.schema_version,
        instance_id: raw.instance_id,
        environments,
    })
}

impl Database {
    /// A parsed file as envctl could have written it: a schema version it
    /// knows, and no two records with one id or one name (envctl addresses
    /// records by both, and its journal by id; only a hand edit makes two).
    pub(super) fn check(self, path: &Path) -> Result<Database> {
        if self.schema_version > SCHEMA_VERSION {
            return Err(Error::NewerSchema {
                path: path.to_owned(),
                found: self.schema_version,
                supported: SCHEMA_VERSION,
            });
        }
        if self.schema_version == 0 {
            return Err(Error::CorruptDatabase {
                path: path.to_owned(),
                reason: "schema_version 0 is not a version envctl ever wrote".into(),
                hint: "It was left untouched.".into(),
            });
        }
        let mut ids = HashMap::with_capacity(self.environments.len());
        let mut names = HashMap::with_capacity(self.environments.len());
        for (i, env) in self.environments.iter().enumerate() {
            let twice = match (
                ids.insert(env.id.as_str(), i),
                names.insert(env.name.as_str(), i),
            ) {
                (Some(first), _) => Some((first, "id", &env.id)),
                (None, Some(first)) => Some((first, "name", &env.name)),
                (None, None) => None,
            };
            if let Some((first, what, value)) = twice {
                return Err(Error::CorruptDatabase {
                    path: path.to_owned(),
                    reason: format!(
                        "records {} and {} have the same {what}, '{}'",
                        first + 1,
                        i + 1,
                        crate::names::printable(value, 70)
                    ),
                    hint: "It was left untouched. Remove or rename one of the two by hand \
                           (records are addressed by id and by name), or restore a backup."
                        .into(),
                });
            }
        }
        Ok(self)
    }
}

/// The snapshot's length and a CRC-32 of its header line (which carries
/// the checksum of the rest), or of the whole file when it has no checksum.
pub(super) fn content_fingerprint(path: &Path) -> Option<(u64, u32)> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    let mut head = Vec::with_capacity(512);
    file.by_ref().take(512).read_to_end(&mut head).ok()?;
    if let Some(end) = head.iter().position(|&b| b == b'\n') {
        let header = &head[..end];
        if header
            .windows(CHECKSUM_KEY.len())
            .any(|w| w == CHECKSUM_KEY.as_bytes())
        {
            return Some((len, crc32fast::hash(header)));
        }
    }
    let bytes = std::fs::read(path).ok()?;
    Some((bytes.len() as u64, crc32fast::hash(&bytes)))
}
