//! The journal beside the snapshot: `environments.json.journal`, one JSON
//! line per changed record, so that a write costs what it changed rather than
//! the size of the database.
//!
//! ```text
//! {"snapshot_crc32":"1c291ca3","snapshot_bytes":8123456}
//! {"seq":1,"put":{"id":"0000002a","name":"dev-42",...},"crc32":"5d0c1e7f"}
//! {"seq":2,"delete":"00000007","crc32":"0e1f2a3b"}
//! ```
//!
//! The header names the snapshot the journal belongs to (its header checksum
//! and its length): a journal paired with any other snapshot is stale (a
//! crash came between writing a new snapshot and removing the old journal)
//! and is ignored, never replayed. Each entry carries a sequence number and
//! a CRC-32 of the line before `,"crc32"`. `put` is a whole record (replaced
//! in place when its id exists, else appended), `delete` an id. A damaged
//! last line is a write that a crash cut short and is ignored (the next
//! writer cuts it off); a damaged line before the last is a corrupt database.
//!
//! Must not: decide when to write the journal or to compact (the store does).

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use crate::error::{Error, Result};

use super::model::Environment;

pub const JOURNAL_FILE: &str = "environments.json.journal";

/// Which snapshot a journal belongs to: the snapshot header's checksum (of
/// its environment lines) and the snapshot file's length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pairing {
    pub crc: u32,
    pub bytes: u64,
}

impl Pairing {
    pub(super) fn header(self) -> String {
        format!(
            "{{\"snapshot_crc32\":\"{:08x}\",\"snapshot_bytes\":{}}}\n",
            self.crc, self.bytes
        )
    }
}

/// One change, borrowed from the journal's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op<'a> {
    /// The whole record (its JSON text) and its id.
    Put {
        id: &'a str,
        json: &'a str,
    },
    Delete(&'a str),
}

/// The entries of a journal read from some offset on.
#[derive(Debug)]
pub struct Entries<'a> {
    pub ops: Vec<Op<'a>>,
    /// Bytes of whole, valid lines read (a torn tail is not counted).
    pub valid: usize,
    /// The sequence number the next entry must carry.
    pub next_seq: u64,
}

/// Where a journal stands: its inode, the length of its valid lines and the
/// next sequence number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub ino: u64,
    pub len: u64,
    pub next_seq: u64,
}

/// A change to write: a record or the id of a deleted one.
pub enum Change<'a> {
    Put(&'a Environment),
    Delete(&'a str),
}

/// The header's length when `bytes` start with the header of a journal
/// paired with `pairing`; `None` for a stale journal. A header that is not
/// one is a damaged journal.
pub fn header_len(bytes: &[u8], pairing: Pairing, path: &Path) -> Result<Option<usize>> {
    let Some(end) = bytes.iter().position(|&b| b == b'\n') else {
        return Err(damaged(path, "its header line is incomplete".into()));
    };
    let expected = pairing.header();
    if bytes[..=end] == *expected.as_bytes() {
        return Ok(Some(end + 1));
    }
    if bytes.starts_with(b"{\"snapshot_crc32\":\"") {
        Ok(None)
    } else {
        Err(damaged(
            path,
            "its header line is not a journal header".into(),
        ))
    }
}

/// Parses the entries in `text` (whole lines after the header, or after the
/// last entry read), expecting `first_seq` first.
pub fn entries<'a>(text: &'a [u8], first_seq: u64, path: &Path) -> Result<Entries<'a>> {
    let mut ops = Vec::new();
    let mut seq = first_seq;
    let mut at = 0;
    while at < text.len() {
        let rest = &text[at..];
        let Some(end) = rest.iter().position(|&b| b == b'\n') else {
            break; // torn tail: a crash in the middle of an append
        };
        let is_last = at + end + 1 == text.len();
        match entry(&rest[..end], seq) {
            Ok(op) => ops.push(op),
            Err(_) if is_last => break, // a last line whose bytes did not all reach the disk
            Err(reason) => {
                return Err(damaged(path, format!("entry {seq}: {reason}")));
            }
        }
        seq += 1;
        at += end + 1;
    }
    Ok(Entries {
        ops,
        valid: at,
        next_seq: seq,
    })
}

fn entry(line: &[u8], seq: u64) -> std::result::Result<Op<'_>, String> {
    let line = std::str::from_utf8(line).map_err(|_| "not UTF-8".to_owned())?;
    const CRC: &str = ",\"crc32\":\"";
    let (body, crc) = line
        .rsplit_once(CRC)
        .ok_or_else(|| "no checksum".to_owned())?;
    let crc = crc
        .strip_suffix("\"}")
        .ok_or_else(|| "no checksum".to_owned())?;
    if format!("{:08x}", crc32fast::hash(body.as_bytes())) != crc {
        return Err("its checksum does not match".into());
    }
    let rest = body
        .strip_prefix(&format!("{{\"seq\":{seq},"))
        .ok_or_else(|| format!("expected sequence number {seq}"))?;
    if let Some(json) = rest.strip_prefix("\"put\":") {
        let id = record_id(json).ok_or_else(|| "a record without an id first".to_owned())?;
        Ok(Op::Put { id, json })
    } else if let Some(id) = rest.strip_prefix("\"delete\":") {
        let id = plain_string(id).ok_or_else(|| "a delete without an id".to_owned())?;
        Ok(Op::Delete(id))
    } else {
        Err("neither a put nor a delete".into())
    }
}

/// The id of a record's JSON text as envctl writes it (`{"id":"…",…}`).
pub fn record_id(json: &str) -> Option<&str> {
    let rest = json.strip_prefix("{\"id\":")?;
    let end = rest.find(',').unwrap_or(rest.len().saturating_sub(1));
    plain_string(&rest[..end])
}

/// A JSON string without escapes (ids are letters and digits).
fn plain_string(s: &str) -> Option<&str> {
    let inner = s.strip_prefix('"')?.strip_suffix('"')?;
    (!inner.contains(['"', '\\'])).then_some(inner)
}

pub(super) fn damaged(path: &Path, reason: String) -> Error {
    Error::CorruptDatabase {
        path: path.to_owned(),
        reason: format!("the journal is damaged: {reason}"),
        hint: "It was left untouched, and so was environments.json. Restore the newest backup \
               with `envctl backup restore`, or move the journal aside to go back to the state \
               environments.json holds."
            .into(),
    }
}

/// Encodes `changes` as journal lines numbered from `seq`.
pub fn encode(changes: &[Change<'_>], mut seq: u64) -> Result<Vec<u8>> {
    let json_error = |e: serde_json::Error| Error::Failed(format!("encoding the journal: {e}"));
    let mut out = Vec::with_capacity(changes.len() * 900);
    for change in changes {
        let start = out.len();
        out.extend_from_slice(format!("{{\"seq\":{seq},").as_bytes());
        match change {
            Change::Put(env) => {
                out.extend_from_slice(b"\"put\":");
                serde_json::to_writer(&mut out, env).map_err(json_error)?;
            }
            Change::Delete(id) => {
                out.extend_from_slice(b"\"delete\":");
                serde_json::to_writer(&mut out, id).map_err(json_error)?;
            }
        }
        let crc = crc32fast::hash(&out[start..]);
        out.extend_from_slice(format!(",\"crc32\":\"{crc:08x}\"}}\n").as_bytes());
        seq += 1;
    }
    Ok(out)
}

/// Starts a journal for the snapshot `pairing` names with `lines` (from
/// [`encode`], numbered from 1), replacing any stale one atomically.
pub fn create(path: &Path, pairing: Pairing, lines: &[u8], count: u64) -> Result<Position> {
    let mut bytes = pairing.header().into_bytes();
    bytes.extend_from_slice(lines);
    super::atomic::write(path, &bytes)?;
    Ok(Position {
        ino: inode(path)?,
        len: bytes.len() as u64,
        next_seq: 1 + count,
    })
}

/// Appends `lines` (`count` entries) at `at`, the end of the valid lines
/// (cutting off a torn tail a crash left), and makes them durable.
pub fn append(path: &Path, at: Position, lines: &[u8], count: u64) -> Result<Position> {
    let mut file = OpenOptions::new()
        .write(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
        .map_err(Error::io(path))?;
    let len = file.metadata().map_err(Error::io(path))?.len();
    if len < at.len {
        return Err(Error::Failed(format!(
            "{} is shorter than when it was read",
            path.display()
        )));
    }
    if len > at.len {
        file.set_len(at.len).map_err(Error::io(path))?;
    }
    file.seek(SeekFrom::Start(at.len))
        .map_err(Error::io(path))?;
    match super::atomic::fault_pause() {
        Some(pause) => {
            let half = lines.len() / 2;
            file.write_all(&lines[..half]).map_err(Error::io(path))?;
            file.sync_data().map_err(Error::io(path))?;
            std::thread::sleep(pause);
            file.write_all(&lines[half..]).map_err(Error::io(path))?;
        }
        None => file.write_all(lines).map_err(Error::io(path))?,
    }
    file.sync_data().map_err(Error::io(path))?;
    Ok(Position {
        ino: at.ino,
        len: at.len + lines.len() as u64,
        next_seq: at.next_seq + count,
    })
}

/// Reads `path` from `offset` on, with its inode and length; `None` when it
/// does not exist.
pub fn read_from(path: &Path, offset: u64) -> Result<Option<(u64, u64, Vec<u8>)>> {
    let mut file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(path)(e)),
    };
    use std::os::unix::fs::MetadataExt;
    let meta = file.metadata().map_err(Error::io(path))?;
    let mut bytes = Vec::with_capacity(meta.len().saturating_sub(offset) as usize);
    file.seek(SeekFrom::Start(offset))
        .map_err(Error::io(path))?;
    file.read_to_end(&mut bytes).map_err(Error::io(path))?;
    Ok(Some((meta.ino(), meta.len(), bytes)))
}

fn inode(path: &Path) -> Result<u64> {
    use std::os::unix::fs::MetadataExt;
    Ok(std::fs::metadata(path).map_err(Error::io(path))?.ino())
}

/// Removes the journal (after a new snapshot made it stale). A crash before
/// this leaves a stale journal, which readers ignore.
pub fn remove(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(path)(e)),
    }
}

/// Applies `ops` to records in order, as replaying them one by one would: a
/// put replaces the record with its id in place or appends it, a delete
/// removes it. `id` names a record. Linear for a few ops, indexed for more.
pub fn apply<T>(
    records: &mut Vec<T>,
    ops: impl ExactSizeIterator<Item = Result<(String, Option<T>)>>,
    id: impl Fn(&T) -> &str,
) -> Result<()> {
    if ops.len() <= 8 {
        for op in ops {
            let (key, value) = op?;
            let at = records.iter().position(|r| id(r) == key);
            match (at, value) {
                (Some(i), Some(v)) => records[i] = v,
                (None, Some(v)) => records.push(v),
                (Some(i), None) => {
                    records.remove(i);
                }
                (None, None) => {}
            }
        }
        return Ok(());
    }
    // Only the records the ops name are indexed: a journal is small, the
    // records may be 100,000.
    let ops: Vec<(String, Option<T>)> = ops.collect::<Result<_>>()?;
    let named: std::collections::HashSet<&str> = ops.iter().map(|(k, _)| k.as_str()).collect();
    let mut index: HashMap<String, usize> = HashMap::with_capacity(named.len());
    for (i, r) in records.iter().enumerate() {
        let key = id(r);
        // The first of two records with one id, as the scan above finds.
        if named.contains(key) && !index.contains_key(key) {
            index.insert(key.to_owned(), i);
        }
    }
    drop(named);
    let mut slots: Vec<Option<T>> = std::mem::take(records).into_iter().map(Some).collect();
    for (key, value) in ops {
        match (index.get(&key).copied(), value) {
            (Some(i), Some(v)) => slots[i] = Some(v),
            (None, Some(v)) => {
                index.insert(key, slots.len());
                slots.push(Some(v));
            }
            (Some(i), None) => {
                slots[i] = None;
                index.remove(&key);
            }
            (None, None) => {}
        }
    }
    *records = slots.into_iter().flatten().collect();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAIRING: Pairing = Pairing { crc: 7, bytes: 99 };

    fn line(seq: u64, op: &str) -> String {
        let body = format!("{{\"seq\":{seq},{op}");
        format!(
            "{body},\"crc32\":\"{:08x}\"}}\n",
            crc32fast::hash(body.as_bytes())
        )
    }

    #[test]
    fn entries_read_puts_and_deletes_and_stop_at_a_torn_tail() {
        let text = format!(
            "{}{}{{\"seq\":3,\"put\":{{\"id\":\"c\"",
            line(1, "\"put\":{\"id\":\"a\",\"name\":\"x\"}"),
            line(2, "\"delete\":\"b\"")
        );
        let e = entries(text.as_bytes(), 1, Path::new("j")).unwrap();
        assert_eq!(
            e.ops,
            [
                Op::Put {
                    id: "a",
                    json: "{\"id\":\"a\",\"name\":\"x\"}"
                },
                Op::Delete("b")
            ]
        );
        assert_eq!(e.next_seq, 3);
        assert_eq!(e.valid, text.find("{\"seq\":3").unwrap());
    }

    #[test]
    fn a_damaged_last_line_is_a_torn_write_but_one_before_it_is_corruption() {
        let good = line(2, "\"delete\":\"b\"");
        let bad = line(1, "\"delete\":\"a\"").replace("\"a\"", "\"z\"");
        let torn = format!("{}{bad}", line(1, "\"delete\":\"q\""));
        let e = entries(torn.as_bytes(), 1, Path::new("j")).unwrap();
        assert_eq!(e.ops.len(), 1);
        let err = entries(format!("{bad}{good}").as_bytes(), 1, Path::new("j")).unwrap_err();
        assert!(matches!(err, Error::CorruptDatabase { .. }), "{err}");
        // A sequence gap is corruption too.
        let gap = format!(
            "{}{good}{good}{}",
            line(1, "\"delete\":\"q\""),
            line(4, "\"delete\":\"r\"")
        );
        let err = entries(gap.as_bytes(), 1, Path::new("j")).unwrap_err();
        assert!(err.to_string().contains("entry 3"), "{err}");
    }

    #[test]
    fn a_journal_of_another_snapshot_is_stale() {
        let header = PAIRING.header();
        assert_eq!(
            header_len(header.as_bytes(), PAIRING, Path::new("j")).unwrap(),
            Some(header.len())
        );
        let other = Pairing { crc: 7, bytes: 100 };
        assert_eq!(
            header_len(header.as_bytes(), other, Path::new("j")).unwrap(),
            None
        );
        assert!(header_len(b"garbage\n", PAIRING, Path::new("j")).is_err());
    }

    #[test]
    fn apply_replays_in_order_linear_or_indexed() {
        for extra in [0usize, 20] {
            let mut records: Vec<(String, u32)> = (0..5).map(|i| (i.to_string(), i)).collect();
            let mut ops: Vec<(String, Option<(String, u32)>)> = vec![
                ("1".into(), Some(("1".into(), 10))),
                ("3".into(), None),
                ("9".into(), Some(("9".into(), 9))),
                ("0".into(), None),
                ("0".into(), Some(("0".into(), 100))),
            ];
            for _ in 0..extra {
                ops.push(("4".into(), Some(("4".into(), 4))));
            }
            apply(&mut records, ops.into_iter().map(Ok), |r| r.0.as_str()).unwrap();
            let values: Vec<u32> = records.iter().map(|r| r.1).collect();
            assert_eq!(values, [10, 2, 4, 9, 100], "extra {extra}");
        }
    }

    #[test]
    fn record_ids_are_read_from_the_text() {
        assert_eq!(record_id("{\"id\":\"00ab\",\"name\":\"x\"}"), Some("00ab"));
        assert_eq!(record_id("{\"id\":\"00ab\"}"), Some("00ab"));
        assert_eq!(record_id("{\"name\":\"x\"}"), None);
    }
}
