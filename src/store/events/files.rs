//! The event log on disk: `<data dir>/events/YYYY-MM-DD.jsonl`, one file per
//! UTC day, continued in `YYYY-MM-DD.1.jsonl`, `.2.jsonl`, ... once a part
//! passes `[events] file_size`. Nothing is ever renamed while in use (two
//! processes appending at once both pick the same part), so rotation is only
//! "start the next file"; when one is started, the oldest files go while
//! the whole log is older than `[events] max_age` or larger than
//! `[events] max_bytes`. A reader of a time range lists the directory and
//! opens only the days it covers.
//!
//! The log of envctl before 0.x (`events.log`, `events.log.1`) is split into
//! day files by the first write after an upgrade: the writer that renames it
//! away owns it, so two processes never both migrate it.

use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::{DateTime, NaiveDate, Utc};

/// The directory of the log, inside the data directory.
pub const DIR: &str = "events";
/// The single file of envctl's older log, and its rotated predecessor.
pub const LEGACY: [&str; 2] = ["events.log.1", "events.log"];

/// How large and how old the log may grow (`[events]` in the config).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// A part of a day's file is closed past this size.
    pub file_bytes: u64,
    /// The whole log: the oldest files go past this size.
    pub max_bytes: u64,
    /// Files of days older than this many go.
    pub max_days: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            file_bytes: 16 * 1024 * 1024,
            max_bytes: 1024 * 1024 * 1024,
            max_days: 400,
        }
    }
}

static LIMITS: OnceLock<Limits> = OnceLock::new();

/// Sets the limits of this process's writes (once: the first config loaded
/// wins; a process serves one config).
pub fn configure(limits: Limits) {
    let _ = LIMITS.set(limits);
}

fn limits() -> Limits {
    LIMITS.get().copied().unwrap_or_default()
}

/// One file of the log.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct LogFile {
    pub day: NaiveDate,
    pub part: u32,
    pub path: PathBuf,
}

fn file_name(day: NaiveDate, part: u32) -> String {
    if part == 0 {
        format!("{}.jsonl", day.format("%Y-%m-%d"))
    } else {
        format!("{}.{part}.jsonl", day.format("%Y-%m-%d"))
    }
}

/// The day and part a file name stands for (`None` for anything else).
fn parse_name(name: &str) -> Option<(NaiveDate, u32)> {
    let stem = name.strip_suffix(".jsonl")?;
    let (day, part) = match stem.split_once('.') {
        Some((day, part)) => (day, part.parse().ok()?),
        None => (stem, 0),
    };
    if day.len() != 10 {
        return None;
    }
    Some((NaiveDate::parse_from_str(day, "%Y-%m-%d").ok()?, part))
}

/// Every file of the log, oldest first. Reads the directory, no file.
pub fn files(data_dir: &Path) -> Vec<LogFile> {
    let Ok(entries) = std::fs::read_dir(data_dir.join(DIR)) else {
        return Vec::new();
    };
    let mut out: Vec<LogFile> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let (day, part) = parse_name(e.file_name().to_str()?)?;
            Some(LogFile {
                day,
                part,
                path: e.path(),
            })
        })
        .collect();
    out.sort();
    out
}

/// The files holding events of the days `from` to `to` (both included),
/// oldest first: only these are opened by a reader of that range.
pub fn files_between(data_dir: &Path, from: NaiveDate, to: NaiveDate) -> Vec<LogFile> {
    files(data_dir)
        .into_iter()
        .filter(|f| f.day >= from && f.day <= to)
        .collect()
}

/// Opens `path` for appending: created 0600, never through a symlink, and
/// made 0600 if an older envctl left it readable by others.
fn open_append(path: &Path) -> Option<std::fs::File> {
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
        .ok()?;
    use std::os::unix::fs::PermissionsExt;
    if file
        .metadata()
        .is_ok_and(|m| m.permissions().mode() & 0o077 != 0)
    {
        let _ = file.set_permissions(std::fs::Permissions::from_mode(0o600));
    }
    Some(file)
}

/// The directory of the log, made 0700 if missing; `None` when it cannot be
/// or is a symlink (someone else's directory).
fn log_dir(data_dir: &Path) -> Option<PathBuf> {
    let dir = data_dir.join(DIR);
    match std::fs::symlink_metadata(&dir) {
        Ok(m) if m.is_dir() => Some(dir),
        Ok(_) => None,
        Err(_) => {
            use std::os::unix::fs::DirBuilderExt;
            let made = std::fs::DirBuilder::new().mode(0o700).create(&dir);
            (made.is_ok() || dir.is_dir()).then_some(dir)
        }
    }
}

/// The part of `day` to append to, and whether it is a new file.
fn current_part(dir: &Path, day: NaiveDate, file_bytes: u64) -> (PathBuf, bool) {
    let mut part = 0;
    while dir.join(file_name(day, part + 1)).exists() {
        part += 1;
    }
    let path = dir.join(file_name(day, part));
    match std::fs::symlink_metadata(&path) {
        Ok(m) if m.len() >= file_bytes => (dir.join(file_name(day, part + 1)), true),
        Ok(_) => (path, false),
        Err(_) => (path, true),
    }
}

/// Appends one line (with its newline) to the file of the day of `time`:
/// one `write` with `O_APPEND`, so lines of concurrent processes never
/// interleave. Never fails: a log that cannot be written is skipped.
pub fn append(data_dir: &Path, time: DateTime<Utc>, line: &[u8]) {
    let Some(dir) = log_dir(data_dir) else {
        return;
    };
    migrate_legacy(data_dir, &dir);
    let limits = limits();
    let (path, new) = current_part(&dir, time.date_naive(), limits.file_bytes);
    if let Some(mut file) = open_append(&path) {
        let _ = file.write_all(line);
    }
    if new {
        prune(data_dir, time.date_naive(), &limits);
    }
}

/// Removes the oldest files while the log is older or larger than `limits`
/// allow; today's newest file always stays.
pub fn prune(data_dir: &Path, today: NaiveDate, limits: &Limits) {
    let mut all: Vec<(LogFile, u64)> = files(data_dir)
        .into_iter()
        .map(|f| {
            let len = std::fs::symlink_metadata(&f.path).map_or(0, |m| m.len());
            (f, len)
        })
        .collect();
    let oldest_kept = today - chrono::Days::new(u64::from(limits.max_days));
    let mut total: u64 = all.iter().map(|(_, len)| len).sum();
    while all.len() > 1 {
        let (first, len) = &all[0];
        if first.day >= oldest_kept && total <= limits.max_bytes {
            break;
        }
        let _ = std::fs::remove_file(&first.path);
        total = total.saturating_sub(*len);
        all.remove(0);
    }
}

/// Splits the older single-file log into day files, once: the process whose
/// rename succeeds does it.
fn migrate_legacy(data_dir: &Path, dir: &Path) {
    for legacy in LEGACY {
        let from = data_dir.join(legacy);
        if !std::fs::symlink_metadata(&from).is_ok_and(|m| m.is_file()) {
            continue;
        }
        let claimed = dir.join(format!(".migrating-{}-{legacy}", std::process::id()));
        if std::fs::rename(&from, &claimed).is_err() {
            continue;
        }
        let Ok(text) = std::fs::read(&claimed) else {
            continue;
        };
        let mut by_day: BTreeMap<NaiveDate, Vec<u8>> = BTreeMap::new();
        for line in text.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
            let Some(day) = line_time(line).map(|t| t.date_naive()) else {
                continue;
            };
            let out = by_day.entry(day).or_default();
            out.extend_from_slice(line);
            out.push(b'\n');
        }
        for (day, lines) in by_day {
            let (path, _) = current_part(dir, day, u64::MAX);
            if let Some(mut file) = open_append(&path) {
                let _ = file.write_all(&lines);
            }
        }
        let _ = std::fs::remove_file(&claimed);
    }
}

/// The `time` of one line, read without decoding the rest.
pub fn line_time(line: &[u8]) -> Option<DateTime<Utc>> {
    #[derive(serde::Deserialize)]
    struct Time<'a> {
        #[serde(borrow)]
        time: &'a str,
    }
    let t: Time = serde_json::from_slice(line).ok()?;
    DateTime::parse_from_rfc3339(t.time)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// One file's text.
#[derive(Debug, PartialEq)]
pub struct FileText {
    /// The day its lines are of; `None` for the older single-file log,
    /// which holds any day.
    pub day: Option<NaiveDate>,
    pub bytes: Vec<u8>,
}

/// The text of every file holding the days of `since` to `until`, oldest
/// first; the older single-file log too while it is not migrated.
pub fn read_between(data_dir: &Path, since: DateTime<Utc>, until: DateTime<Utc>) -> Vec<FileText> {
    let mut out = Vec::new();
    for legacy in LEGACY {
        let path = data_dir.join(legacy);
        let recent = std::fs::symlink_metadata(&path)
            .ok()
            .filter(|m| m.is_file())
            .and_then(|m| m.modified().ok())
            .is_some_and(|m| DateTime::<Utc>::from(m) >= since);
        if recent && let Ok(bytes) = std::fs::read(&path) {
            out.push(FileText { day: None, bytes });
        }
    }
    for f in files_between(data_dir, since.date_naive(), until.date_naive()) {
        if let Ok(bytes) = std::fs::read(&f.path) {
            out.push(FileText {
                day: Some(f.day),
                bytes,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn names_stand_for_a_day_and_a_part() {
        assert_eq!(parse_name("2026-12-01.jsonl"), Some((day("2026-12-01"), 0)));
        assert_eq!(
            parse_name("2026-12-01.3.jsonl"),
            Some((day("2026-12-01"), 3))
        );
        assert_eq!(parse_name("events.log"), None);
        assert_eq!(parse_name(".migrating-1-events.log"), None);
        assert_eq!(file_name(day("2026-12-01"), 2), "2026-12-01.2.jsonl");
    }

    #[test]
    fn a_range_read_opens_only_the_files_of_its_days() {
        let dir = tempfile::tempdir().unwrap();
        let events = dir.path().join(DIR);
        std::fs::create_dir(&events).unwrap();
        for name in [
            "2026-11-01.jsonl",
            "2026-11-20.jsonl",
            "2026-11-20.1.jsonl",
            "2026-11-21.jsonl",
            "2026-12-01.jsonl",
        ] {
            std::fs::write(events.join(name), "").unwrap();
        }
        let picked: Vec<String> = files_between(dir.path(), day("2026-11-20"), day("2026-11-21"))
            .iter()
            .map(|f| f.path.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            picked,
            ["2026-11-20.jsonl", "2026-11-20.1.jsonl", "2026-11-21.jsonl"]
        );
        // And what it reads is only theirs.
        std::fs::write(events.join("2026-11-01.jsonl"), "outside\n").unwrap();
        std::fs::write(events.join("2026-11-20.1.jsonl"), "inside\n").unwrap();
        let since = "2026-11-20T12:00:00Z".parse().unwrap();
        let until = "2026-11-21T12:00:00Z".parse().unwrap();
        let texts: Vec<Vec<u8>> = read_between(dir.path(), since, until)
            .into_iter()
            .map(|t| t.bytes)
            .collect();
        assert_eq!(texts, [b"".to_vec(), b"inside\n".to_vec(), b"".to_vec()]);
    }

    #[test]
    fn a_full_part_starts_the_next_and_the_log_stays_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let limits = Limits {
            file_bytes: 100,
            max_bytes: 1000,
            max_days: 3,
        };
        let events = log_dir(dir.path()).unwrap();
        let start: DateTime<Utc> = "2026-11-01T00:00:00Z".parse().unwrap();
        let line = [b'x'; 59];
        // Ten days, 60 lines a day of 60 bytes: far more than 1000 bytes.
        for d in 0..10 {
            for i in 0..60 {
                let time = start + chrono::Duration::days(d) + chrono::Duration::minutes(i);
                let (path, new) = current_part(&events, time.date_naive(), limits.file_bytes);
                let mut f = open_append(&path).unwrap();
                f.write_all(&line).unwrap();
                f.write_all(b"\n").unwrap();
                if new {
                    prune(dir.path(), time.date_naive(), &limits);
                }
            }
        }
        let all = files(dir.path());
        let total: u64 = all
            .iter()
            .map(|f| std::fs::metadata(&f.path).unwrap().len())
            .sum();
        assert!(total <= limits.max_bytes + limits.file_bytes, "{total}");
        assert!(
            all.iter()
                .all(|f| std::fs::metadata(&f.path).unwrap().len() <= 120)
        );
        assert!(all.iter().all(|f| f.day >= day("2026-11-07")), "{all:?}");
        assert_eq!(all.last().unwrap().day, day("2026-11-10"));
    }

    #[test]
    fn the_older_log_is_split_into_days_on_the_first_write() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("events.log.1"),
            "{\"time\":\"2026-11-01T10:00:00.000Z\",\"action\":\"create\"}\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("events.log"),
            "{\"time\":\"2026-11-02T10:00:00.000Z\",\"action\":\"delete\"}\nnot json\n",
        )
        .unwrap();
        let now: DateTime<Utc> = "2026-11-03T10:00:00Z".parse().unwrap();
        append(
            dir.path(),
            now,
            b"{\"time\":\"2026-11-03T10:00:00.000Z\"}\n",
        );
        assert!(!dir.path().join("events.log").exists());
        assert!(!dir.path().join("events.log.1").exists());
        let days: Vec<NaiveDate> = files(dir.path()).iter().map(|f| f.day).collect();
        assert_eq!(
            days,
            [day("2026-11-01"), day("2026-11-02"), day("2026-11-03")]
        );
        let first = std::fs::read_to_string(dir.path().join(DIR).join("2026-11-01.jsonl")).unwrap();
        assert!(first.contains("\"create\""));
    }
}
