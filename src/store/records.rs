//! The records a process holds in memory between two reads of the database.
//!
//! A small database, or one not in envctl's checked layout, is decoded whole
//! ([`Records::Decoded`]). A large snapshot envctl wrote is kept as its lines
//! ([`Records::Lines`]): a record is decoded only when something asks for it,
//! so a CLI process that touches a few records (a create reserves one, then
//! commits it a few times) never decodes the other 10,000. What a create's
//! reservation checks against the others (ids, names, port blocks, and on a
//! Swarm the node and template that placement counts, and the operation
//! in flight, which tells a dead create's from a live one's) comes from
//! [`Roster`], a skim of each line that decodes no maps, and no strings or
//! timestamps it does not need (an operation is decoded only where a record
//! has one: while it is being changed). Anything that reads the database as a whole
//! ([`Records::database`]) decodes every line once, on several threads, and
//! the records stay decoded.

use std::borrow::Cow;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;

use super::journal;
use super::model::{Database, Environment, Status};
use crate::error::Result;

/// The records as read.
pub(super) enum Records {
    /// Every record decoded.
    Decoded(Database),
    /// A checked snapshot's lines, decoded on demand.
    Lines(Lines),
}

pub(super) struct Lines {
    schema_version: u32,
    instance_id: String,
    items: Vec<Line>,
}

enum Line {
    /// A line of the snapshot: the snapshot's text and the line's range in it.
    Snapshot(Arc<str>, Range<usize>),
    /// A record replayed from the journal, as its JSON text.
    Text(Box<str>),
    /// A record this process changed or added.
    Record(Box<Environment>),
}

/// What a new environment's reservation checks against each other record.
#[derive(Debug, Deserialize)]
pub struct Brief<'a> {
    #[serde(borrow)]
    pub id: Cow<'a, str>,
    #[serde(borrow)]
    pub name: Cow<'a, str>,
    #[serde(borrow)]
    pub template: Cow<'a, str>,
    pub status: Status,
    pub base_port: u16,
    pub port_count: u16,
    /// The id of the Swarm node it runs on.
    #[serde(default, borrow, deserialize_with = "node_id")]
    pub node: Option<Cow<'a, str>>,
    /// The operation in flight on it, if any.
    #[serde(default)]
    pub operation: Option<Cow<'a, super::Operation>>,
}

/// A record's `node` object, as its id alone.
fn node_id<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<Cow<'de, str>>, D::Error> {
    #[derive(Deserialize)]
    struct NodeRef<'a> {
        #[serde(borrow)]
        id: Cow<'a, str>,
    }
    Ok(Option::<NodeRef<'de>>::deserialize(d)?.map(|n| n.id))
}

impl Brief<'_> {
    /// The host ports the environment holds (as [`Environment::port_range`]).
    pub fn port_range(&self) -> Range<u32> {
        super::model::port_block(self.base_port, self.port_count)
    }
}

impl<'a> From<&'a Environment> for Brief<'a> {
    fn from(e: &'a Environment) -> Self {
        Brief {
            id: Cow::Borrowed(&e.id),
            name: Cow::Borrowed(&e.name),
            template: Cow::Borrowed(&e.template),
            status: e.status,
            base_port: e.base_port,
            port_count: e.port_count,
            node: e.node.as_ref().map(|n| Cow::Borrowed(n.id.as_str())),
            operation: e.operation.as_ref().map(Cow::Borrowed),
        }
    }
}

/// Every record's [`Brief`], in the database's order, and the database's
/// instance id.
#[derive(Debug)]
pub struct Roster<'a> {
    pub instance_id: &'a str,
    briefs: Vec<Brief<'a>>,
}

impl<'a> Roster<'a> {
    /// The roster of a decoded database.
    pub fn of(db: &'a Database) -> Roster<'a> {
        Roster {
            instance_id: &db.instance_id,
            briefs: db.environments.iter().map(Brief::from).collect(),
        }
    }

    /// The record with this id, else the one with this name (as [`Database::find`]).
    pub fn find(&self, id_or_name: &str) -> Option<&Brief<'a>> {
        self.briefs
            .iter()
            .find(|b| b.id == id_or_name)
            .or_else(|| self.briefs.iter().find(|b| b.name == id_or_name))
    }

    pub fn has_id(&self, id: &str) -> bool {
        self.briefs.iter().any(|b| b.id == id)
    }

    /// Every record's port block.
    pub fn port_ranges(&self) -> Vec<Range<u32>> {
        self.briefs.iter().map(Brief::port_range).collect()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Brief<'a>> {
        self.briefs.iter()
    }

    pub fn len(&self) -> usize {
        self.briefs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.briefs.is_empty()
    }
}

/// A record that does not decode: where it came from and why.
#[derive(Debug)]
pub(super) struct Undecodable {
    /// True for a record replayed from the journal, false for a snapshot line.
    pub from_journal: bool,
    /// Its position in the database.
    pub index: usize,
    /// Its id, as its line starts.
    pub id: String,
    pub error: serde_json::Error,
}

/// From this many records on, decoding is split between the cores.
const PARALLEL_FROM: usize = 512;

/// Decodes each text as a `T`, on several threads for many texts. The error
/// names the first text that does not decode.
pub(super) fn decode_each<'a, T: Deserialize<'a> + Send>(
    texts: &[&'a str],
) -> std::result::Result<Vec<T>, (usize, serde_json::Error)> {
    let one = |offset: usize, texts: &[&'a str]| {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| serde_json::from_str::<T>(t).map_err(|e| (offset + i, e)))
            .collect::<std::result::Result<Vec<T>, _>>()
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    if texts.len() < PARALLEL_FROM || threads == 1 {
        return one(0, texts);
    }
    let chunk = texts.len().div_ceil(threads);
    let chunks: Vec<&[&'a str]> = texts.chunks(chunk).collect();
    let parts: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .iter()
            .enumerate()
            .map(|(n, part)| scope.spawn(move || one(n * chunk, part)))
            .collect();
        handles
            .into_iter()
            .zip(chunks.iter().enumerate())
            // A thread that died (out of memory for one) is redone here.
            .map(|(h, (n, part))| h.join().unwrap_or_else(|_| one(n * chunk, part)))
            .collect()
    });
    let mut out = Vec::with_capacity(texts.len());
    for part in parts {
        out.extend(part?);
    }
    Ok(out)
}

impl Records {
    /// `text` kept as lines, with what a journal must name to belong to it,
    /// when it is a snapshot in [`super::snapshot::encode`]'s layout whose checksum
    /// matches and whose every line starts with its id; else `text` back.
    pub(super) fn lines(text: String) -> std::result::Result<(Records, journal::Pairing), String> {
        #[derive(Deserialize)]
        struct Header {
            schema_version: u32,
            instance_id: String,
        }
        let read = || {
            let (crc, header, body) = super::snapshot::checked_parts(text.as_bytes())?;
            let lines = super::snapshot::lines_of(body)?;
            // Every line must name its id where `line_id` reads it.
            if lines.iter().any(|l| journal::record_id(l).is_none()) {
                return None;
            }
            let header: Header = serde_json::from_str(&format!(
                "{}}}",
                header.strip_suffix(",\"environments\":[")?
            ))
            .ok()?;
            let base = text.as_ptr() as usize;
            let ranges: Vec<Range<usize>> = lines
                .iter()
                .map(|l| {
                    let start = l.as_ptr() as usize - base;
                    start..start + l.len()
                })
                .collect();
            Some((crc, header, ranges))
        };
        let Some((crc, header, ranges)) = read() else {
            return Err(text);
        };
        let pairing = journal::Pairing {
            crc,
            bytes: text.len() as u64,
        };
        let text: Arc<str> = text.into();
        let lines = Lines {
            schema_version: header.schema_version,
            instance_id: header.instance_id,
            items: ranges
                .into_iter()
                .map(|r| Line::Snapshot(text.clone(), r))
                .collect(),
        };
        Ok((Records::Lines(lines), pairing))
    }

    pub(super) fn len(&self) -> usize {
        match self {
            Records::Decoded(db) => db.environments.len(),
            Records::Lines(l) => l.items.len(),
        }
    }

    pub(super) fn instance_id(&self) -> &str {
        match self {
            Records::Decoded(db) => &db.instance_id,
            Records::Lines(l) => &l.instance_id,
        }
    }

    /// The whole database, every record decoded (once: they stay decoded).
    pub(super) fn database(&mut self) -> std::result::Result<&mut Database, Undecodable> {
        if let Records::Lines(lines) = self {
            let decoded: Vec<Environment> = lines.decode_texts()?;
            let mut decoded = decoded.into_iter();
            let environments = std::mem::take(&mut lines.items)
                .into_iter()
                .filter_map(|item| match item {
                    Line::Record(env) => Some(*env),
                    _ => decoded.next(),
                })
                .collect();
            *self = Records::Decoded(Database {
                schema_version: lines.schema_version,
                instance_id: std::mem::take(&mut lines.instance_id),
                environments,
            });
        }
        match self {
            Records::Decoded(db) => Ok(db),
            Records::Lines(_) => unreachable!("decoded above"),
        }
    }

    /// Every record's [`Brief`].
    pub(super) fn roster(&self) -> std::result::Result<Roster<'_>, Undecodable> {
        match self {
            Records::Decoded(db) => Ok(Roster::of(db)),
            Records::Lines(lines) => {
                let skimmed: Vec<Brief<'_>> = lines.decode_texts()?;
                let mut skimmed = skimmed.into_iter();
                let briefs = lines
                    .items
                    .iter()
                    .filter_map(|item| match item {
                        Line::Record(env) => Some(Brief::from(&**env)),
                        _ => skimmed.next(),
                    })
                    .collect();
                Ok(Roster {
                    instance_id: &lines.instance_id,
                    briefs,
                })
            }
        }
    }

    /// Where the record with this id is.
    pub(super) fn position(&self, id: &str) -> Option<usize> {
        match self {
            Records::Decoded(db) => db.environments.iter().position(|e| e.id == id),
            Records::Lines(lines) => lines.items.iter().position(|l| l.id() == id),
        }
    }

    /// A copy of the record at `index`, decoded.
    pub(super) fn get(&self, index: usize) -> std::result::Result<Environment, Undecodable> {
        match self {
            Records::Decoded(db) => Ok(db.environments[index].clone()),
            Records::Lines(lines) => match &lines.items[index] {
                Line::Record(env) => Ok((**env).clone()),
                item => serde_json::from_str(item.text().unwrap_or_default()).map_err(|error| {
                    Undecodable {
                        from_journal: matches!(item, Line::Text(_)),
                        index,
                        id: item.id().to_owned(),
                        error,
                    }
                }),
            },
        }
    }

    /// The decoded record at `index`, if it is held decoded (every record
    /// written is: it was set or pushed).
    pub(super) fn decoded(&self, index: usize) -> Option<&Environment> {
        match self {
            Records::Decoded(db) => db.environments.get(index),
            Records::Lines(lines) => match lines.items.get(index)? {
                Line::Record(env) => Some(env),
                _ => None,
            },
        }
    }

    pub(super) fn set(&mut self, index: usize, env: Environment) {
        match self {
            Records::Decoded(db) => db.environments[index] = env,
            Records::Lines(lines) => lines.items[index] = Line::Record(Box::new(env)),
        }
    }

    /// Adds a record at the end; answers its index.
    pub(super) fn push(&mut self, env: Environment) -> usize {
        match self {
            Records::Decoded(db) => db.environments.push(env),
            Records::Lines(lines) => lines.items.push(Line::Record(Box::new(env))),
        }
        self.len() - 1
    }

    /// Replays journal entries (see [`journal::apply`]). Each record is
    /// checked: decoded, or kept as text once its [`Brief`] reads (the rest
    /// is decoded when asked for). `journal` names the file in errors.
    pub(super) fn replay(&mut self, ops: &[journal::Op<'_>], journal: &Path) -> Result<()> {
        let does_not_read = |e: serde_json::Error| {
            journal::damaged(journal, format!("a record does not read: {e}"))
        };
        match self {
            Records::Decoded(db) => journal::apply(
                &mut db.environments,
                ops.iter().map(|op| match *op {
                    journal::Op::Put { id, json } => serde_json::from_str::<Environment>(json)
                        .map(|env| (id.to_owned(), Some(env)))
                        .map_err(does_not_read),
                    journal::Op::Delete(id) => Ok((id.to_owned(), None)),
                }),
                |e| e.id.as_str(),
            ),
            Records::Lines(lines) => {
                let texts: Vec<&str> = ops
                    .iter()
                    .filter_map(|op| match *op {
                        journal::Op::Put { json, .. } => Some(json),
                        journal::Op::Delete(_) => None,
                    })
                    .collect();
                decode_each::<Brief>(&texts).map_err(|(_, e)| does_not_read(e))?;
                journal::apply(
                    &mut lines.items,
                    ops.iter().map(|op| {
                        Ok(match *op {
                            journal::Op::Put { id, json } => {
                                (id.to_owned(), Some(Line::Text(json.into())))
                            }
                            journal::Op::Delete(id) => (id.to_owned(), None),
                        })
                    }),
                    Line::id,
                )
            }
        }
    }
}

impl Lines {
    /// Every record held as text decoded as a `T`, in order; an error names
    /// the record's position in the database and its file.
    fn decode_texts<'a, T: Deserialize<'a> + Send>(
        &'a self,
    ) -> std::result::Result<Vec<T>, Undecodable> {
        let (at, texts): (Vec<usize>, Vec<&str>) = self
            .items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| item.text().map(|t| (i, t)))
            .unzip();
        decode_each(&texts).map_err(|(n, error)| Undecodable {
            from_journal: matches!(self.items[at[n]], Line::Text(_)),
            index: at[n],
            id: self.items[at[n]].id().to_owned(),
            error,
        })
    }
}

impl Line {
    /// The record's JSON text, unless it is held decoded.
    fn text(&self) -> Option<&str> {
        match self {
            Line::Snapshot(text, range) => Some(&text[range.clone()]),
            Line::Text(text) => Some(text),
            Line::Record(_) => None,
        }
    }

    /// The record's id: read off the start of its text (envctl writes the
    /// id first, and ids need no escapes; [`Records::lines`] checks), else
    /// from the record.
    fn id(&self) -> &str {
        match self {
            Line::Record(env) => &env.id,
            line => journal::record_id(line.text().unwrap_or_default()).unwrap_or_default(),
        }
    }
}
