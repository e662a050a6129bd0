//! Whether a whole database could have been written by envctl: every record
//! as strict as a create makes it (names, owners, labels, ports inside the
//! configured range and not overlapping, unique ids and names, containers
//! named after their environment and service). A backup must pass this
//! before it replaces the database, so a crafted or foreign file can neither
//! point envctl at another program's container nor hold every port.

use std::collections::HashSet;

use crate::config::PortsConfig;
use crate::names;
use crate::store::Database;

/// Every problem of `db` (empty when it is sound), each naming its record.
pub fn problems(db: &Database, ports: &PortsConfig) -> Vec<String> {
    let mut out = Vec::new();
    if db.instance_id.is_empty()
        || db.instance_id.len() > 64
        || !db
            .instance_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        out.push(format!(
            "instance_id '{}' is not an envctl instance id",
            names::printable(&db.instance_id, 70)
        ));
    }
    let mut ids = HashSet::new();
    let mut names_seen = HashSet::new();
    let mut blocks: Vec<(u32, u32, &str)> = Vec::new();
    for (i, env) in db.environments.iter().enumerate() {
        let who = format!("record {} ('{}')", i + 1, names::printable(&env.name, 40));
        let mut bad = |what: String| out.push(format!("{who}: {what}"));
        if let Err(e) = names::validate_name(&env.id) {
            bad(format!("id: {}", names::printable(&e, 120)));
        }
        if let Err(e) = names::validate_name(&env.name) {
            bad(format!("name: {}", names::printable(&e, 120)));
        }
        if let Err(e) = names::validate_name(&env.template) {
            bad(format!("template: {}", names::printable(&e, 120)));
        }
        if let Err(e) = names::check_owner(&env.owner) {
            bad(e.to_string());
        }
        if let Err(e) = names::check_labels(&env.labels) {
            bad(e.to_string());
        }
        if !ids.insert(env.id.as_str()) {
            bad(format!("id {} is used twice", env.id));
        }
        if !names_seen.insert(env.name.as_str()) {
            bad(format!("name '{}' is used twice", env.name));
        }
        let first = u32::from(env.base_port);
        let last = first + u32::from(env.port_count);
        if env.port_count == 0 || first < u32::from(ports.base) || last > u32::from(ports.max) + 1 {
            bad(format!(
                "ports {first}..{} are outside the configured range {}..={}",
                last.saturating_sub(1),
                ports.base,
                ports.max
            ));
        } else if let Some((_, _, other)) = blocks.iter().find(|(a, b, _)| first < *b && *a < last)
        {
            bad(format!(
                "ports {first}..{} overlap those of '{}'",
                last - 1,
                names::printable(other, 40)
            ));
        }
        blocks.push((first, last, &env.name));
        for (service, port) in &env.ports {
            if !(first..last).contains(&u32::from(*port)) {
                bad(format!(
                    "service {}: port {port} is outside its block",
                    names::printable(service, 40)
                ));
            }
        }
        for (service, state) in &env.services {
            if let Err(e) = names::validate_name(service) {
                bad(format!("service: {}", names::printable(&e, 120)));
            }
            let expected = crate::ops::create::container_name(&env.id, service);
            if state.container != expected {
                bad(format!(
                    "service {}: container '{}' is not envctl's name for it ('{expected}')",
                    names::printable(service, 40),
                    names::printable(&state.container, 80)
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ports() -> PortsConfig {
        PortsConfig {
            base: 20000,
            max: 20099,
            public_host: "localhost".into(),
        }
    }

    fn db(records: serde_json::Value) -> Database {
        serde_json::from_value(serde_json::json!({
            "schema_version": 1, "instance_id": "0123456789abcdef", "environments": records
        }))
        .unwrap()
    }

    fn record(id: &str, name: &str, base: u16, count: u16, container: &str) -> serde_json::Value {
        serde_json::json!({"id": id, "name": name, "template": "web", "owner": "alice",
            "status": "stopped", "ready": false, "base_port": base, "port_count": count,
            "ports": {}, "urls": {}, "services": {"web": {"image": "x", "container": container, "ready": false}},
            "created_at": "2026-11-26T12:00:00Z", "updated_at": "2026-11-26T12:00:00Z",
            "expires_at": null, "labels": {}, "error": null})
    }

    #[test]
    fn a_sound_database_passes() {
        let d = db(serde_json::json!([
            record("0000000a", "one", 20000, 1, "envctl-0000000a-web"),
            record("0000000b", "two", 20001, 3, "envctl-0000000b-web"),
        ]));
        assert_eq!(problems(&d, &ports()), Vec::<String>::new());
    }

    #[test]
    fn crafted_records_are_each_named() {
        let d = db(serde_json::json!([
            record("0000000a", "one", 20000, 1, "envctl-0000000a-web"),
            record("0000000a", "one", 20000, 1, "envctl-0000000a-web"),
            record("0000000c", "evil\u{1b}[2J", 20010, 1, "envctl-0000000c-web"),
            record("0000000d", "hog", 20020, 65535, "envctl-0000000d-web"),
            record("0000000e", "thief", 20030, 1, "postgres"),
        ]));
        let p = problems(&d, &ports()).join("\n");
        assert!(p.contains("id 0000000a is used twice"), "{p}");
        assert!(p.contains("name 'one' is used twice"), "{p}");
        assert!(p.contains("overlap"), "{p}");
        assert!(p.contains("not a valid name"), "{p}");
        assert!(!p.contains('\u{1b}'), "no escape sequence in the report");
        assert!(p.contains("outside the configured range"), "{p}");
        assert!(
            p.contains("container 'postgres' is not envctl's name"),
            "{p}"
        );
    }
}
