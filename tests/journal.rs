//! The database's journal through the real binary: a `kill -9` in the middle
//! of an append or of a compaction, two processes writing at once, and a
//! backup restored over a journalled database. Every command here runs with
//! `ENVCTL_JOURNAL_FROM_BYTES=0`, so even these small databases journal.
//! (The store's unit tests cover replay, torn tails, damage and migration.)

mod common;

use std::process::Command;
use std::time::Duration;

use common::{Sandbox, text, wait_until};
use envctl::store::{Database, Environment, JOURNAL_FROM_ENV, Store};
use serde_json::Value;

/// Record `i`, holding port `base + i` (inside the sandbox's range).
fn record(base: u16, i: u32) -> Environment {
    let port = u32::from(base) + i;
    serde_json::from_value(serde_json::json!({
        "id": format!("{i:08x}"), "name": format!("dev-{i}"), "template": "t", "owner": "tester",
        "status": "stopped", "ready": false, "base_port": port, "port_count": 1,
        "ports": {"web": port}, "urls": {"web": format!("http://localhost:{port}")},
        "services": {"web": {"image": "i", "container": format!("envctl-{i:08x}-web"), "ready": false}},
        "created_at": "2026-11-26T12:00:00Z", "updated_at": "2026-11-26T12:00:00Z", "expires_at": null,
        "labels": {}, "error": null, "pinned": false, "operation": null
    }))
    .unwrap()
}

/// A database of `n` records written by the store, and the store (journalling every write).
fn seeded(sb: &Sandbox, n: u32) -> Store {
    let store = Store::open(&sb.data_dir(), Duration::from_secs(10))
        .unwrap()
        .with_journal_from(0);
    store
        .replace(Database {
            environments: (0..n).map(|i| record(sb.base, i)).collect(),
            ..Database::new()
        })
        .unwrap();
    store
}

/// `envctl` journalling every write.
fn envctl(sb: &Sandbox) -> Command {
    let mut cmd = sb.cmd();
    cmd.env(JOURNAL_FROM_ENV, "0");
    cmd
}

fn run(sb: &Sandbox, args: &[&str]) {
    let out = envctl(sb).args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
}

/// The names of the pinned environments, as `list --json` prints them.
fn pinned(sb: &Sandbox) -> Vec<String> {
    let out = envctl(sb).args(["list", "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut names: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["pinned"] == true)
        .map(|e| e["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

fn journal(store: &Store) -> Vec<u8> {
    std::fs::read(store.journal_path()).unwrap_or_default()
}

/// Every line of the journal is whole (nothing torn is left behind).
fn whole_lines(store: &Store) -> bool {
    let bytes = journal(store);
    bytes.is_empty() || bytes.ends_with(b"\n")
}

#[test]
fn kill_9_in_the_middle_of_a_journal_append_leaves_the_old_state() {
    let sb = Sandbox::new(30100);
    let store = seeded(&sb, 30);
    run(&sb, &["pin", "dev-1"]);
    assert!(
        store.journal_path().exists(),
        "the first pin started a journal"
    );
    let snapshot = std::fs::read(store.path()).unwrap();
    let mut child = envctl(&sb)
        .args(["pin", "dev-2"])
        .env("ENVCTL_FAULT_PAUSE_IN_WRITE_MS", "30000")
        .spawn()
        .unwrap();
    let torn = wait_until(Duration::from_secs(20), || !whole_lines(&store));
    assert!(torn, "the writer reached the middle of its append");
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_eq!(std::fs::read(store.path()).unwrap(), snapshot);
    assert_eq!(pinned(&sb), ["dev-1"], "the old state, torn line ignored");
    run(&sb, &["pin", "dev-3"]);
    assert!(whole_lines(&store), "the next writer cut the torn line off");
    assert_eq!(pinned(&sb), ["dev-1", "dev-3"]);
    let fresh = Store::open(&sb.data_dir(), Duration::from_secs(10)).unwrap();
    assert_eq!(fresh.read().unwrap().environments.len(), 30);
}

#[test]
fn kill_9_in_the_middle_of_a_compaction_leaves_the_new_state() {
    let sb = Sandbox::new(30200);
    let store = seeded(&sb, 12);
    let share = std::fs::metadata(store.path()).unwrap().len() / 4;
    // Fill the journal until the next write folds it into the snapshot.
    let pin = |i: u32| {
        store
            .commit(&format!("{i:08x}"), |e| {
                e.pinned = true;
                Ok(())
            })
            .unwrap();
    };
    let mut i = 0;
    loop {
        pin(i);
        i += 1;
        let bytes = journal(&store);
        let line = bytes.split(|&b| b == b'\n').map(|l| l.len() + 1).max();
        if bytes.len() + line.unwrap() * 2 > share as usize {
            break; // one more append of ours would still fit; the child's will not
        }
    }
    let bytes = journal(&store);
    let line = bytes.split(|&b| b == b'\n').map(|l| l.len() + 1).max();
    if bytes.len() + line.unwrap() <= share as usize {
        pin(i);
        i += 1;
    }
    assert!(store.journal_path().exists());
    let before = pinned(&sb);
    assert_eq!(before.len(), i as usize);
    let snapshot = std::fs::read(store.path()).unwrap();
    let mut child = envctl(&sb)
        .args(["pin", "dev-11"])
        .env("ENVCTL_FAULT_PAUSE_IN_WRITE_MS", "1500")
        .spawn()
        .unwrap();
    // The append pauses first, then the new snapshot's temp file.
    let compacting = wait_until(Duration::from_secs(20), || sb.writing_database());
    assert!(
        compacting,
        "the writer reached the middle of its compaction"
    );
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_eq!(
        std::fs::read(store.path()).unwrap(),
        snapshot,
        "the old snapshot"
    );
    let mut after = before.clone();
    after.push("dev-11".into());
    after.sort();
    assert_eq!(pinned(&sb), after, "the append was durable: the new state");
    run(&sb, &["unpin", "dev-0"]);
    after.retain(|n| n != "dev-0");
    assert_eq!(pinned(&sb), after);
    let leftovers = std::fs::read_dir(sb.data_dir())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .count();
    assert_eq!(leftovers, 0);
}

#[test]
fn two_processes_writing_at_once_lose_nothing() {
    let sb = Sandbox::new(30300);
    let store = seeded(&sb, 24);
    std::thread::scope(|s| {
        for w in 0..2u32 {
            let sb = &sb;
            s.spawn(move || {
                for i in (w..24).step_by(2) {
                    run(sb, &["pin", &format!("dev-{i}")]);
                }
            });
        }
    });
    let mut all: Vec<String> = (0..24).map(|i| format!("dev-{i}")).collect();
    all.sort();
    assert_eq!(pinned(&sb), all);
    assert!(whole_lines(&store));
    let fresh = Store::open(&sb.data_dir(), Duration::from_secs(10)).unwrap();
    assert!(fresh.read().unwrap().environments.iter().all(|e| e.pinned));
}

#[test]
fn a_backup_of_a_journalled_database_restores_its_state() {
    let sb = Sandbox::new(30400);
    let store = seeded(&sb, 30);
    run(&sb, &["pin", "dev-4"]);
    run(&sb, &["pin", "dev-5"]);
    assert!(store.journal_path().exists());
    run(&sb, &["backup", "create"]);
    let backups = sb.json(&["backup", "list"]);
    assert_eq!(backups.as_array().unwrap().len(), 1, "{backups}");
    let backup = &backups[0];
    let name = backup["name"].as_str().unwrap().to_owned();
    // The backup is one self-contained file holding the journal's changes.
    let saved: Database =
        serde_json::from_slice(&std::fs::read(backup["path"].as_str().unwrap()).unwrap()).unwrap();
    assert_eq!(saved.environments.iter().filter(|e| e.pinned).count(), 2);
    run(&sb, &["unpin", "dev-4"]);
    run(&sb, &["pin", "dev-6"]);
    assert_eq!(pinned(&sb), ["dev-5", "dev-6"]);
    run(&sb, &["backup", "restore", &name, "--yes"]);
    assert_eq!(pinned(&sb), ["dev-4", "dev-5"]);
    assert!(
        !store.journal_path().exists(),
        "a restore leaves no journal"
    );
    run(&sb, &["pin", "dev-7"]);
    assert_eq!(pinned(&sb), ["dev-4", "dev-5", "dev-7"]);
}
