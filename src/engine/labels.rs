//! The labels that tie a runtime object to an installation and an
//! environment, written and read back here and nowhere else: enough that a
//! record can be rebuilt from the runtime alone (`sync --adopt`, `reset-db`).
//!
//! Labels are fixed when an object is created, so what changes later (the
//! pin, the end of life, the user labels) is kept in a *marker*: a small
//! labelled object the engine replaces on each change (see
//! [`super::Runtime::set_marker`]). [`record`] reads the creation labels and
//! lays the newest marker over them; the round trip is a unit test.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};

use super::EnvironmentObjects;
use crate::store::{Environment, ServiceState, Status};

pub const MANAGED: &str = "io.envctl.managed";
pub const INSTANCE: &str = "io.envctl.instance";
pub const ENVIRONMENT: &str = "io.envctl.environment";
pub const SERVICE: &str = "io.envctl.service";
pub const NAME: &str = "io.envctl.name";
pub const TEMPLATE: &str = "io.envctl.template";
pub const OWNER: &str = "io.envctl.owner";
pub const BASE_PORT: &str = "io.envctl.base-port";
pub const PORT_COUNT: &str = "io.envctl.port-count";
pub const HOST_PORT: &str = "io.envctl.host-port";
pub const CREATED_AT: &str = "io.envctl.created-at";
pub const EXPIRES_AT: &str = "io.envctl.expires-at";
/// User labels are stored under this prefix.
pub const USER_PREFIX: &str = "io.envctl.label.";
/// A service's sign-in hint (resolved), so an adopted record keeps it.
pub const SIGN_IN: &str = "io.envctl.sign-in";
/// On a job's container (a service others wait for to complete): "true".
pub const JOB: &str = "io.envctl.job";
/// On a marker object: which marker it is.
pub const MARKER: &str = "io.envctl.marker";
/// On the `record` marker: "true" when the environment is pinned.
pub const PINNED: &str = "io.envctl.pinned";
/// On the `record` marker: "true" when its end of life was removed.
pub const NO_EXPIRY: &str = "io.envctl.no-expiry";
/// On a marker: the record's `updated_at` when it was written (its version).
pub const UPDATED_AT: &str = "io.envctl.updated-at";
/// The template whose warm pool holds the environment, while it is a member.
pub const POOL: &str = "io.envctl.pool";
/// "true" when the environment was claimed from a warm pool.
pub const FROM_POOL: &str = "io.envctl.from-pool";
/// On a Swarm: the node the environment is placed on (id, host name, address).
pub const NODE_ID: &str = "io.envctl.node-id";
pub const NODE_HOSTNAME: &str = "io.envctl.node-hostname";
pub const NODE_ADDRESS: &str = "io.envctl.node-address";

/// The marker holding what changed after creation: the pin, the end of life,
/// the labels, and (a claim from a warm pool) the name, owner and creation time.
pub const RECORD_MARKER: &str = "record";

/// Labels shared by every object of `env`: enough to rebuild its record.
pub fn environment(instance: &str, env: &Environment) -> HashMap<String, String> {
    let mut labels = HashMap::from([
        (MANAGED.to_owned(), "true".to_owned()),
        (INSTANCE.to_owned(), instance.to_owned()),
        (ENVIRONMENT.to_owned(), env.id.clone()),
        (NAME.to_owned(), env.name.clone()),
        (TEMPLATE.to_owned(), env.template.clone()),
        (OWNER.to_owned(), env.owner.clone()),
        (BASE_PORT.to_owned(), env.base_port.to_string()),
        (PORT_COUNT.to_owned(), env.port_count.to_string()),
        (CREATED_AT.to_owned(), env.created_at.to_rfc3339()),
    ]);
    if let Some(node) = &env.node {
        labels.insert(NODE_ID.to_owned(), node.id.clone());
        labels.insert(NODE_HOSTNAME.to_owned(), node.hostname.clone());
        labels.insert(NODE_ADDRESS.to_owned(), node.address.clone());
    }
    labels.extend(changeable(env));
    labels
}

/// Labels of one service's objects (its container and volumes), on top of
/// [`environment`]'s.
pub fn service(
    mut labels: HashMap<String, String>,
    service: &str,
    sign_in: Option<&str>,
    host_port: Option<u16>,
) -> HashMap<String, String> {
    labels.insert(SERVICE.into(), service.to_owned());
    if let Some(hint) = sign_in {
        labels.insert(SIGN_IN.into(), hint.to_owned());
    }
    if let Some(p) = host_port {
        labels.insert(HOST_PORT.into(), p.to_string());
    }
    labels
}

/// The fields a record may change after creation, as marker labels.
pub fn changeable(env: &Environment) -> HashMap<String, String> {
    let mut labels = HashMap::from([
        (NAME.to_owned(), env.name.clone()),
        (OWNER.to_owned(), env.owner.clone()),
        (CREATED_AT.to_owned(), env.created_at.to_rfc3339()),
        (
            UPDATED_AT.to_owned(),
            env.updated_at
                .to_rfc3339_opts(chrono::SecondsFormat::Nanos, true),
        ),
    ]);
    if let Some(pool) = &env.pool {
        labels.insert(POOL.to_owned(), pool.clone());
    }
    if env.from_pool {
        labels.insert(FROM_POOL.to_owned(), "true".to_owned());
    }
    match env.expires_at {
        Some(expires) => labels.insert(EXPIRES_AT.to_owned(), expires.to_rfc3339()),
        None => labels.insert(NO_EXPIRY.to_owned(), "true".to_owned()),
    };
    if env.pinned {
        labels.insert(PINNED.to_owned(), "true".to_owned());
    }
    for (k, v) in &env.labels {
        labels.insert(format!("{USER_PREFIX}{k}"), v.clone());
    }
    labels
}

/// The record that `objects` describe: the creation labels of its containers,
/// with the record marker (when there is one) laid over them. `None` when the
/// labels are incomplete or fail the rules a create applies: labels are data
/// anyone with access to the engine could have written.
pub fn record(id: &str, objects: &EnvironmentObjects, public_host: &str) -> Option<Environment> {
    crate::names::validate_name(id).ok()?;
    let first = objects.containers.first()?;
    // What changed after creation: the marker's values replace the creation labels'.
    let changed = objects.markers.get(RECORD_MARKER).unwrap_or(&first.labels);
    let get = |key: &str| changed.get(key).or_else(|| first.labels.get(key)).cloned();
    let created_at = parse_time(&get(CREATED_AT)?)?;
    let expires_at = changed.get(EXPIRES_AT).and_then(|t| parse_time(t));
    let labels: BTreeMap<String, String> = changed
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix(USER_PREFIX)
                .map(|k| (k.to_owned(), v.clone()))
        })
        .collect();
    let node = match (
        first.labels.get(NODE_ID),
        first.labels.get(NODE_HOSTNAME),
        first.labels.get(NODE_ADDRESS),
    ) {
        (Some(id), Some(hostname), Some(address)) => Some(crate::store::Node {
            id: id.clone(),
            hostname: hostname.clone(),
            address: address.clone(),
        }),
        _ => None,
    };
    // URLs name the node's address where the environment has one.
    let public_host = crate::store::Node::url_host(node.as_ref(), public_host);
    let mut ports = BTreeMap::new();
    let mut urls = BTreeMap::new();
    let mut services = BTreeMap::new();
    for c in &objects.containers {
        if let Some(port) = c.labels.get(HOST_PORT).and_then(|p| p.parse::<u16>().ok()) {
            ports.insert(c.service.clone(), port);
            urls.insert(c.service.clone(), format!("http://{public_host}:{port}"));
        }
        services.insert(
            c.service.clone(),
            ServiceState {
                image: c.image.clone(),
                container: c.name.clone(),
                ready: false,
                sign_in: c.labels.get(SIGN_IN).cloned(),
                job: c.labels.get(JOB).is_some_and(|v| v == "true"),
            },
        );
    }
    // A job that ran (and exited) does not make the environment stopped.
    let all_running = objects
        .containers
        .iter()
        .filter(|c| c.labels.get(JOB).is_none_or(|v| v != "true"))
        .all(|c| c.running);
    let (name, template, owner) = (get(NAME)?, get(TEMPLATE)?, get(OWNER)?);
    let sound = crate::names::validate_name(&name).is_ok()
        && crate::names::validate_name(&template).is_ok()
        && crate::names::check_owner(&owner).is_ok()
        && crate::names::check_labels(&labels).is_ok()
        && changed
            .get(POOL)
            .is_none_or(|p| crate::names::validate_name(p).is_ok())
        && node.as_ref().is_none_or(|n| {
            [&n.id, &n.hostname, &n.address].iter().all(|t| {
                !t.is_empty()
                    && t.len() <= 253
                    && !t
                        .chars()
                        .any(|c| c.is_control() || c.is_whitespace() || c == '/')
            })
        })
        && services.values().all(|s: &ServiceState| {
            s.sign_in
                .as_deref()
                .is_none_or(|h| h.len() <= 1000 && !h.chars().any(char::is_control))
        });
    if !sound {
        return None;
    }
    Some(Environment {
        id: id.to_owned(),
        name,
        template,
        owner,
        status: if all_running {
            Status::Running
        } else {
            Status::Stopped
        },
        ready: false,
        base_port: get(BASE_PORT)?.parse().ok()?,
        port_count: get(PORT_COUNT)?.parse().ok()?,
        ports,
        urls,
        services,
        created_at,
        updated_at: Utc::now(),
        expires_at,
        labels,
        error: None,
        pinned: changed.get(PINNED).is_some_and(|v| v == "true"),
        operation: None,
        pool: changed.get(POOL).cloned(),
        from_pool: changed.get(FROM_POOL).is_some_and(|v| v == "true"),
        node,
    })
}

fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ContainerInfo;

    fn sample() -> Environment {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let mut env = Environment {
            id: "a1b2c3d4e5f6".into(),
            name: "alice-dev".into(),
            template: "onboarding".into(),
            owner: "alice@example.com".into(),
            status: Status::Running,
            ready: false,
            base_port: 8090,
            port_count: 3,
            ports: BTreeMap::new(),
            urls: BTreeMap::new(),
            services: BTreeMap::new(),
            created_at: at("2026-11-01T10:00:00+00:00"),
            updated_at: Utc::now(),
            expires_at: Some(at("2026-12-01T10:00:00+00:00")),
            labels: BTreeMap::from([("team".into(), "core".into())]),
            error: None,
            pinned: false,
            operation: None,
            pool: None,
            from_pool: false,
            node: None,
        };
        for (i, service) in ["jira", "gitlab"].iter().enumerate() {
            let port = 8090 + i as u16;
            env.ports.insert(service.to_string(), port);
            env.urls
                .insert(service.to_string(), format!("http://localhost:{port}"));
            env.services.insert(
                service.to_string(),
                ServiceState {
                    image: format!("{service}:1"),
                    container: format!("envctl-{}-{service}", env.id),
                    ready: false,
                    sign_in: (i == 0).then(|| "admin / secret".to_owned()),
                    job: false,
                },
            );
        }
        env
    }

    /// What the engine would list for `env` created as `created`, then changed to `env`.
    fn objects(created: &Environment, env: &Environment) -> EnvironmentObjects {
        let base = environment("inst", created);
        let containers = created
            .services
            .iter()
            .map(|(name, s)| ContainerInfo {
                name: s.container.clone(),
                service: name.clone(),
                image: s.image.clone(),
                running: true,
                status: "Up".into(),
                labels: service(
                    base.clone(),
                    name,
                    s.sign_in.as_deref(),
                    created.ports.get(name).copied(),
                ),
            })
            .collect();
        EnvironmentObjects {
            containers,
            markers: BTreeMap::from([(RECORD_MARKER.to_owned(), changeable(env))]),
            ..Default::default()
        }
    }

    fn same(a: &Environment, b: &Environment) {
        let mut b = b.clone();
        b.updated_at = a.updated_at;
        assert_eq!(
            serde_json::to_value(a).unwrap(),
            serde_json::to_value(&b).unwrap()
        );
    }

    #[test]
    fn record_to_labels_to_record_is_identity_pin_included() {
        let env = sample();
        let back = record(&env.id, &objects(&env, &env), "localhost").unwrap();
        same(&env, &back);

        // Changed after creation: pinned, no end of life, other labels.
        let mut changed = env.clone();
        changed.pinned = true;
        changed.expires_at = None;
        changed.labels = BTreeMap::from([("ticket".into(), "OPS-1".into())]);
        let back = record(&env.id, &objects(&env, &changed), "localhost").unwrap();
        same(&changed, &back);
    }

    #[test]
    fn a_claim_from_a_pool_comes_back_as_the_claimed_environment() {
        let mut member = sample();
        member.name = "pool-a1b2c3d4".into();
        member.owner = "pool".into();
        member.pool = Some("onboarding".into());
        member.labels.clear();
        let back = record(&member.id, &objects(&member, &member), "localhost").unwrap();
        same(&member, &back);
        // No marker yet: still a member, from its creation labels.
        let mut objs = objects(&member, &member);
        objs.markers.clear();
        same(&member, &record(&member.id, &objs, "localhost").unwrap());

        let mut claimed = sample();
        claimed.pool = None;
        claimed.from_pool = true;
        let back = record(&member.id, &objects(&member, &claimed), "localhost").unwrap();
        same(&claimed, &back);
    }

    #[test]
    fn without_a_marker_the_creation_labels_hold() {
        let env = sample();
        let mut objs = objects(&env, &env);
        objs.markers.clear();
        same(&env, &record(&env.id, &objs, "localhost").unwrap());
    }

    #[test]
    fn labels_that_break_the_rules_rebuild_nothing() {
        let env = sample();
        let mut objs = objects(&env, &env);
        objs.markers
            .get_mut(RECORD_MARKER)
            .unwrap()
            .insert(NAME.into(), "../../etc".into());
        assert!(record(&env.id, &objs, "localhost").is_none());
        objs.markers.clear();
        objs.containers[0]
            .labels
            .insert(NAME.into(), "../../etc".into());
        assert!(record(&env.id, &objs, "localhost").is_none());
        assert!(record("bad id!", &objects(&env, &env), "localhost").is_none());
    }
}
