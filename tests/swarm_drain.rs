//! A drained node, on the single-node swarm `scripts/test.sh` makes. Draining
//! the only node stops every swarm task on it, so this test is `#[ignore]`d
//! in the main run and run alone after it (`scripts/test.sh` does both).
//! Ports: 30760–30799.

mod common;

use std::process::Command;

use common::{EngineKind, Sandbox, http_get, swarm_node, text};

/// Sets the node's availability; back to active when dropped.
struct Availability(String);

impl Availability {
    fn set(&self, availability: &str) {
        let out = Command::new("docker")
            .args(["node", "update", "--availability", availability, &self.0])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
}

impl Drop for Availability {
    fn drop(&mut self) {
        self.set("active");
    }
}

#[test]
#[ignore = "drains the only swarm node: run alone (scripts/test.sh does)"]
fn sync_names_an_environment_on_a_drained_node_and_start_works_once_it_is_back() {
    // Draining a swarm someone else made would evict their services too.
    assert_eq!(
        std::env::var("ENVCTL_TEST_OWN_SWARM").as_deref(),
        Ok("1"),
        "this test drains the node: it runs only on a swarm scripts/test.sh made (ENVCTL_TEST_OWN_SWARM=1)"
    );
    let sb = Sandbox::on(EngineKind::Swarm, 30760);
    let node = Availability(swarm_node().unwrap());
    let env = sb.json(&["create", "moored"]);
    assert_eq!(env["ready"], true);

    node.set("drain");
    let report = sb.json(&["sync"]);
    let stranded = &report["stranded"][0];
    assert_eq!(stranded["name"], "moored", "{report}");
    assert!(
        stranded["problem"].as_str().unwrap().contains("drained"),
        "{report}"
    );
    assert!(
        stranded["advice"]
            .as_str()
            .unwrap()
            .contains("envctl archive create moored"),
        "{report}"
    );
    // Its tasks were stopped by the drain: sync records it.
    assert_eq!(
        sb.json(&["show", "moored"])["status"],
        "stopped",
        "{report}"
    );
    let out = sb.run(&["sync"]);
    assert!(
        text(&out.stdout).contains("is drained"),
        "{}",
        text(&out.stdout)
    );
    // Nowhere to go: start says so at once rather than waiting.
    let out = sb.run(&["start", "moored"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("cannot place"),
        "{}",
        text(&out.stderr)
    );

    node.set("active");
    let started = sb.json(&["start", "moored"]);
    assert_eq!(started["ready"], true, "{started}");
    assert_eq!(http_get(30760).as_deref(), Some("ok\n"));
    assert_eq!(sb.json(&["sync"])["stranded"], serde_json::json!([]));
}
