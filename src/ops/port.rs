//! `port` and `open`: where an environment's services listen on the host,
//! read from its record (host ports and URLs) and its template (container
//! ports, and the services' order). Pure, so both modes share it: the CLI
//! fetches the record and the template summary from either side.

use crate::config::TemplateSummary;
use crate::error::{Error, Result};
use crate::store::Environment;

/// One published port, as `docker port` shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Published {
    pub service: String,
    /// The port inside the container; `None` when the template is no longer
    /// in the config.
    pub container_port: Option<u16>,
    pub protocol: &'static str,
    /// The address Docker binds: every interface.
    pub host_ip: &'static str,
    pub host_port: u16,
    /// The service's URL on the host, as `show` prints it.
    pub url: Option<String>,
}

impl Published {
    /// `80/tcp -> 0.0.0.0:8090`, as `docker port` prints it.
    pub fn mapping(&self) -> String {
        let inside = self
            .container_port
            .map_or_else(|| "?".to_owned(), |p| p.to_string());
        format!(
            "{inside}/{} -> {}:{}",
            self.protocol, self.host_ip, self.host_port
        )
    }
}

/// The services of `env` in the template's order (the record's, by name,
/// for services the template no longer has).
fn ordered<'a>(env: &'a Environment, template: Option<&TemplateSummary>) -> Vec<&'a str> {
    let mut names: Vec<&str> = template
        .map(|t| {
            t.services
                .iter()
                .filter_map(|s| env.services.get_key_value(&s.name).map(|(k, _)| k.as_str()))
                .collect()
        })
        .unwrap_or_default();
    for name in env.services.keys() {
        if !names.contains(&name.as_str()) {
            names.push(name);
        }
    }
    names
}

/// The published ports of `env` (of `service` only, when named), in the
/// template's order.
pub fn published(
    env: &Environment,
    template: Option<&TemplateSummary>,
    service: Option<&str>,
) -> Result<Vec<Published>> {
    if let Some(name) = service {
        check_service(env, name)?;
    }
    Ok(ordered(env, template)
        .into_iter()
        .filter(|name| service.is_none_or(|s| s == *name))
        .filter_map(|name| {
            let host_port = *env.ports.get(name)?;
            let container_port = template
                .and_then(|t| t.services.iter().find(|s| s.name == name))
                .and_then(|s| s.port);
            Some(Published {
                service: name.to_owned(),
                container_port,
                protocol: "tcp",
                host_ip: "0.0.0.0",
                host_port,
                url: env.urls.get(name).cloned(),
            })
        })
        .collect())
}

/// The URL `open` opens: `service`'s, or the first service's that has one.
/// The service's name and its URL.
pub fn url(
    env: &Environment,
    template: Option<&TemplateSummary>,
    service: Option<&str>,
) -> Result<(String, String)> {
    if let Some(name) = service {
        check_service(env, name)?;
        return env
            .urls
            .get(name)
            .map(|u| (name.to_owned(), u.clone()))
            .ok_or_else(|| {
                Error::InvalidInput(format!(
                    "service {name} of '{}' publishes no port, so it has no URL",
                    env.name
                ))
            });
    }
    ordered(env, template)
        .into_iter()
        .find_map(|name| env.urls.get(name).map(|u| (name.to_owned(), u.clone())))
        .ok_or_else(|| {
            Error::InvalidInput(format!(
                "no service of '{}' publishes a port, so it has no URL",
                env.name
            ))
        })
}

fn check_service(env: &Environment, name: &str) -> Result<()> {
    if env.services.contains_key(name) {
        return Ok(());
    }
    Err(crate::ops::exec::unknown_service(env, name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ServiceSummary;

    fn env() -> Environment {
        let mut env: Environment = serde_json::from_value(serde_json::json!({
            "id": "e1", "name": "demo", "template": "trio", "owner": "alice",
            "status": "running", "ready": true, "base_port": 8090, "port_count": 3,
            "ports": {}, "urls": {}, "services": {}, "labels": {},
            "created_at": "2026-11-27T00:00:00Z", "updated_at": "2026-11-27T00:00:00Z",
        }))
        .unwrap();
        for (name, port) in [
            ("jira", Some(8090)),
            ("gitlab", Some(8091)),
            ("worker", None),
        ] {
            env.services.insert(
                name.into(),
                serde_json::from_value(
                    serde_json::json!({"image": "i", "container": format!("c-{name}"), "ready": true}),
                )
                .unwrap(),
            );
            if let Some(p) = port {
                env.ports.insert(name.into(), p);
                env.urls
                    .insert(name.into(), format!("http://localhost:{p}"));
            }
        }
        env
    }

    fn template() -> TemplateSummary {
        let service = |name: &str, port: Option<u16>, offset| ServiceSummary {
            name: name.into(),
            image: "i".into(),
            port,
            offset,
        };
        TemplateSummary {
            services: vec![
                service("worker", None, 0),
                service("jira", Some(8080), 0),
                service("gitlab", Some(80), 1),
            ],
            description: String::new(),
            default: false,
            ports: 3,
        }
    }

    #[test]
    fn ports_come_in_the_templates_order_with_container_ports() {
        let t = template();
        let ports = published(&env(), Some(&t), None).unwrap();
        let lines: Vec<String> = ports
            .iter()
            .map(|p| format!("{} {}", p.service, p.mapping()))
            .collect();
        assert_eq!(
            lines,
            [
                "jira 8080/tcp -> 0.0.0.0:8090",
                "gitlab 80/tcp -> 0.0.0.0:8091"
            ]
        );
        // Without the template: the record's order, container ports unknown.
        let ports = published(&env(), None, Some("jira")).unwrap();
        assert_eq!(ports[0].mapping(), "?/tcp -> 0.0.0.0:8090");
        let missing = published(&env(), Some(&t), Some("nope")).unwrap_err();
        assert_eq!(missing.exit_code(), crate::exit::NOT_FOUND);
    }

    #[test]
    fn open_defaults_to_the_first_service_with_a_url() {
        let t = template();
        assert_eq!(
            url(&env(), Some(&t), None).unwrap(),
            ("jira".into(), "http://localhost:8090".into())
        );
        assert_eq!(url(&env(), Some(&t), Some("gitlab")).unwrap().0, "gitlab");
        let e = url(&env(), Some(&t), Some("worker")).unwrap_err();
        assert_eq!(e.exit_code(), crate::exit::USAGE);
    }
}
