//! Template variables: `${env.name}`, `${services.gitlab.url}`,
//! `${secret.root}` ... in a template's `env` values, `command` items,
//! readiness `http` paths and `sign_in` hints. Parsed and checked when the
//! config loads (an unknown variable is a config error), resolved once at
//! create time into the containers' configuration. Resolution is plain
//! string substitution: nothing ever reaches a shell.
//!
//! `$$` is a literal `$`; a `$` not followed by `{` or `$` is kept as it is,
//! so shell snippets such as `$HOME` in a command pass through untouched.

use std::collections::BTreeMap;

use crate::error::{Error, Result};

/// One variable a template string refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Variable {
    /// `${env.name}`, `${env.id}`, `${env.owner}`, `${env.base_port}`, `${env.public_host}`.
    Env(EnvField),
    /// `${services.NAME.port}`: the service's host port.
    Port(String),
    /// `${services.NAME.url}`: its public URL.
    Url(String),
    /// `${services.NAME.host}`: its name on the environment's network.
    Host(String),
    /// `${secret.NAME}`: a secret generated for the environment.
    Secret(String),
    /// `${labels.KEY}`: a label given at create time.
    Label(String),
    /// `${host.VAR}`: a variable of envctl's own environment, if `[defaults] pass_env` lists it.
    HostEnv(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvField {
    Name,
    Id,
    Owner,
    BasePort,
    PublicHost,
}

/// A piece of a template string.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Var(Variable),
}

/// Splits `text` into literal text and variables; an unknown or malformed
/// variable is an error naming it.
fn parse(text: &str) -> Result<Vec<Piece>, String> {
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        literal.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            literal.push('$');
            rest = tail;
        } else if let Some(body) = after.strip_prefix('{') {
            let end = body.find('}').ok_or_else(|| {
                format!("unclosed variable '${{{body}' (write $$ for a literal $)")
            })?;
            if !literal.is_empty() {
                pieces.push(Piece::Text(std::mem::take(&mut literal)));
            }
            pieces.push(Piece::Var(variable(&body[..end])?));
            rest = &body[end + 1..];
        } else {
            literal.push('$');
            rest = after;
        }
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        pieces.push(Piece::Text(literal));
    }
    Ok(pieces)
}

fn variable(name: &str) -> Result<Variable, String> {
    let unknown = || {
        format!(
            "unknown variable '${{{name}}}' (known: env.name, env.id, env.owner, env.base_port, \
             env.public_host, services.NAME.port, services.NAME.url, services.NAME.host, \
             secret.NAME, labels.KEY, host.VAR)"
        )
    };
    let parts: Vec<&str> = name.split('.').collect();
    Ok(match parts.as_slice() {
        ["env", "name"] => Variable::Env(EnvField::Name),
        ["env", "id"] => Variable::Env(EnvField::Id),
        ["env", "owner"] => Variable::Env(EnvField::Owner),
        ["env", "base_port"] => Variable::Env(EnvField::BasePort),
        ["env", "public_host"] => Variable::Env(EnvField::PublicHost),
        ["services", service, "port"] => Variable::Port((*service).to_owned()),
        ["services", service, "url"] => Variable::Url((*service).to_owned()),
        ["services", service, "host"] => Variable::Host((*service).to_owned()),
        ["secret", secret] if !secret.is_empty() => Variable::Secret((*secret).to_owned()),
        ["host", var] if !var.is_empty() => Variable::HostEnv((*var).to_owned()),
        // Label keys may hold dots: everything after "labels.".
        ["labels", ..] if name.len() > "labels.".len() => {
            Variable::Label(name["labels.".len()..].to_owned())
        }
        _ => return Err(unknown()),
    })
}

/// What a template offers its strings: the names a variable may refer to.
pub struct Scope<'a> {
    /// Every service, and whether it publishes a port.
    pub services: &'a [(String, bool)],
    pub secrets: &'a [String],
    pub pass_env: &'a [String],
}

/// Checks every variable of `text` against `scope`: the config's check at load.
pub fn check(text: &str, scope: &Scope<'_>) -> Result<(), String> {
    for piece in parse(text)? {
        let Piece::Var(v) = piece else { continue };
        let service = |name: &str, field: &str| {
            let var = format!("'${{services.{name}.{field}}}'");
            match scope.services.iter().find(|(n, _)| n == name) {
                None => Err(format!("{var}: the template has no service '{name}'")),
                Some((_, false)) if field != "host" => Err(format!(
                    "{var}: service '{name}' publishes no port, so it has no host port or URL"
                )),
                Some(_) => Ok(()),
            }
        };
        match &v {
            Variable::Port(s) => service(s, "port")?,
            Variable::Url(s) => service(s, "url")?,
            Variable::Host(s) => service(s, "host")?,
            Variable::Secret(s) if !scope.secrets.contains(s) => {
                return Err(format!(
                    "'${{secret.{s}}}': no secret '{s}' is declared in the template's [secrets]"
                ));
            }
            Variable::HostEnv(var) if !scope.pass_env.contains(var) => {
                return Err(format!(
                    "'${{host.{var}}}': {var} is not listed in [defaults] pass_env \
                     (a template reads only the variables the config passes)"
                ));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Whether `text` refers to any secret (hints shown to every reader may not).
pub fn mentions_secret(text: &str) -> bool {
    parse(text).is_ok_and(|pieces| {
        pieces
            .iter()
            .any(|p| matches!(p, Piece::Var(Variable::Secret(_))))
    })
}

/// The first variable of `text` that a claim from a warm pool would leave
/// wrong (the name, the owner or a label: a member is created before anyone
/// asks for it), as it is written.
pub fn claim_dependent(text: &str) -> Option<&'static str> {
    parse(text).ok()?.iter().find_map(|p| match p {
        Piece::Var(Variable::Env(EnvField::Name)) => Some("${env.name}"),
        Piece::Var(Variable::Env(EnvField::Owner)) => Some("${env.owner}"),
        Piece::Var(Variable::Label(_)) => Some("${labels.*}"),
        _ => None,
    })
}

/// The values variables resolve to for one environment.
pub struct Values<'a> {
    pub name: &'a str,
    pub id: &'a str,
    pub owner: &'a str,
    pub base_port: u16,
    pub public_host: &'a str,
    /// Host port of each service that publishes one.
    pub ports: &'a BTreeMap<String, u16>,
    pub urls: &'a BTreeMap<String, String>,
    pub secrets: &'a BTreeMap<String, String>,
    pub labels: &'a BTreeMap<String, String>,
    /// The passed variables of envctl's own environment.
    pub host: &'a BTreeMap<String, String>,
}

impl Values<'_> {
    /// `text` with every variable replaced. A label the template needs but
    /// the create did not give is an error saying which.
    pub fn resolve(&self, text: &str) -> Result<String> {
        let pieces = parse(text).map_err(Error::InvalidInput)?;
        let mut out = String::with_capacity(text.len());
        for piece in pieces {
            match piece {
                Piece::Text(t) => out.push_str(&t),
                Piece::Var(v) => out.push_str(&self.value(&v)?),
            }
        }
        Ok(out)
    }

    fn value(&self, v: &Variable) -> Result<String> {
        let missing = |what: String| Error::InvalidInput(what);
        Ok(match v {
            Variable::Env(EnvField::Name) => self.name.to_owned(),
            Variable::Env(EnvField::Id) => self.id.to_owned(),
            Variable::Env(EnvField::Owner) => self.owner.to_owned(),
            Variable::Env(EnvField::BasePort) => self.base_port.to_string(),
            Variable::Env(EnvField::PublicHost) => self.public_host.to_owned(),
            Variable::Port(s) => self
                .ports
                .get(s)
                .map(u16::to_string)
                .ok_or_else(|| missing(format!("service {s} has no host port")))?,
            Variable::Url(s) => self
                .urls
                .get(s)
                .cloned()
                .ok_or_else(|| missing(format!("service {s} has no URL")))?,
            Variable::Host(s) => s.clone(),
            Variable::Secret(s) => self
                .secrets
                .get(s)
                .cloned()
                .ok_or_else(|| missing(format!("secret {s} was not generated")))?,
            Variable::Label(k) => self.labels.get(k).cloned().ok_or_else(|| {
                missing(format!(
                    "the template uses the label '{k}' (${{labels.{k}}}); give it with --label {k}=VALUE"
                ))
            })?,
            Variable::HostEnv(var) => self.host.get(var).cloned().unwrap_or_default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope() -> (Vec<(String, bool)>, Vec<String>, Vec<String>) {
        (
            vec![("web".into(), true), ("worker".into(), false)],
            vec!["root".into()],
            vec!["CI".into()],
        )
    }

    #[test]
    fn every_kind_of_variable_is_known_and_checked() {
        let (services, secrets, pass_env) = scope();
        let s = Scope {
            services: &services,
            secrets: &secrets,
            pass_env: &pass_env,
        };
        let ok = "${env.name} ${env.id} ${env.owner} ${env.base_port} ${env.public_host} \
                  ${services.web.port} ${services.web.url} ${services.worker.host} ${secret.root} \
                  ${labels.team.name} ${host.CI} $$ $HOME";
        assert_eq!(check(ok, &s), Ok(()));
        for (bad, says) in [
            ("${env.nope}", "unknown variable '${env.nope}'"),
            ("${services.db.port}", "no service 'db'"),
            ("${services.worker.url}", "publishes no port"),
            ("${secret.other}", "no secret 'other'"),
            ("${host.HOME}", "not listed in [defaults] pass_env"),
            ("${env.name", "unclosed variable"),
        ] {
            let e = check(bad, &s).unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }

    #[test]
    fn resolution_substitutes_and_escapes() {
        let ports = BTreeMap::from([("web".to_owned(), 8091)]);
        let urls = BTreeMap::from([("web".to_owned(), "http://h:8091".to_owned())]);
        let secrets = BTreeMap::from([("root".to_owned(), "s3cret".to_owned())]);
        let labels = BTreeMap::from([("team".to_owned(), "core".to_owned())]);
        let host = BTreeMap::new();
        let v = Values {
            name: "demo",
            id: "0000abcd",
            owner: "alice",
            base_port: 8090,
            public_host: "h",
            ports: &ports,
            urls: &urls,
            secrets: &secrets,
            labels: &labels,
            host: &host,
        };
        assert_eq!(
            v.resolve(
                "external_url '${services.web.url}'; pw=${secret.root}; $$x $HOME ${labels.team}"
            )
            .unwrap(),
            "external_url 'http://h:8091'; pw=s3cret; $x $HOME core"
        );
        let e = v.resolve("${labels.missing}").unwrap_err().to_string();
        assert!(e.contains("--label missing=VALUE"), "{e}");
        assert!(mentions_secret("a ${secret.root}"));
        assert!(!mentions_secret("${services.web.url}"));
    }
}
