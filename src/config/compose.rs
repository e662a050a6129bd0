//! `envctl template import`: a Docker Compose file turned into an envctl
//! template (TOML text), with a note for every key that could not be carried
//! over, and appending that template to a config file (`--write`).
//!
//! The file is read with `serde_yaml` into a plain YAML tree (anchors and
//! `<<` merge keys resolved), interpolated the way Compose does
//! (`${VAR}`, `$VAR`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`,
//! `${VAR?error}`, `${VAR:+alt}`, `$$`) from the caller's environment and then
//! the `.env` beside the file, and then translated key by key against the
//! Compose specification. Walking the tree rather than deserialising into a
//! typed Compose crate is deliberate: every key a service has is seen, so a
//! key envctl cannot carry (including ones newer than this code) is listed
//! instead of silently dropped, and one exotic key never makes the whole file
//! unreadable. See docs/templates.md, "Importing a Compose file".
//!
//! Strings envctl resolves variables in (env values, command and readiness
//! command items) are escaped after interpolation, so a literal `${` left by
//! Compose's `$${...}` stays literal in envctl too (`$${`).
//!
//! Must not: talk to the engine or read the database.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;
use serde_yaml::{Mapping, Value};

use crate::config::{Config, Size, Template};
use crate::error::{Error, Result};
use crate::names;

/// What to import and how.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The template's name; by default the Compose project name (the file's
    /// top-level `name:`, else its directory's name), made a valid envctl name.
    pub name: Option<String>,
    /// Compose profiles to enable: a service with `profiles:` is imported only
    /// when one of its profiles is named here (as `docker compose --profile`).
    pub profiles: Vec<String>,
}

/// A Compose file, imported.
#[derive(Debug, Clone, Serialize)]
pub struct Import {
    /// The template's name.
    pub name: String,
    /// The template as config text: `[templates.NAME]` and its services.
    pub toml: String,
    /// What could not be carried over, per service and key, with what to do.
    pub notes: Vec<Note>,
    /// The template as envctl loads it (the TOML, parsed and validated).
    #[serde(skip)]
    pub template: Template,
}

/// One key that was not carried over as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// The Compose service, or "" for a top-level key.
    pub service: String,
    /// The Compose key (`ports[1]`, `build`, `volumes[0]`, ...).
    pub key: String,
    pub kind: NoteKind,
    /// Why, and what to do instead.
    pub what_to_do: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NoteKind {
    /// Not carried over (or changed on the way); the template still works.
    Listed,
    /// Refused: templates never mount the host or build images.
    Refused,
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.kind {
            NoteKind::Listed => "note",
            NoteKind::Refused => "refused",
        };
        let service = if self.service.is_empty() {
            "(top level)".to_owned()
        } else {
            format!("service {}", self.service)
        };
        write!(f, "{kind}: {service}: {}: {}", self.key, self.what_to_do)
    }
}

/// Reads `file` (and the `.env` beside it) and imports it, with variables from
/// envctl's own environment.
pub fn import_file(file: &Path, opts: &ImportOptions) -> Result<Import> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        Error::InvalidInput(format!("cannot read Compose file {}: {e}", file.display()))
    })?;
    import(&text, file, &|var| std::env::var(var).ok(), opts)
}

/// Turns Compose text into a template. `file` names the file in messages and
/// its directory is where `.env` and `env_file`s are read from; `env` gives
/// variables before `.env` does.
pub fn import(
    text: &str,
    file: &Path,
    env: &dyn Fn(&str) -> Option<String>,
    opts: &ImportOptions,
) -> Result<Import> {
    let invalid = |message: String| {
        Error::InvalidInput(format!(
            "cannot import Compose file {}: {message}",
            file.display()
        ))
    };
    let base_dir = file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut root: Value = serde_yaml::from_str(text).map_err(|e| invalid(yaml_error(&e)))?;
    root.apply_merge().map_err(|e| invalid(yaml_error(&e)))?;
    let Value::Mapping(mut root) = root else {
        return Err(invalid("expected a mapping with `services:`".into()));
    };

    let dotenv = match std::fs::read_to_string(base_dir.join(".env")) {
        Ok(text) => parse_dotenv(&text),
        Err(_) => BTreeMap::new(),
    };
    let lookup = |var: &str| env(var).or_else(|| dotenv.get(var).cloned());
    let mut unset = BTreeSet::new();
    for (_, value) in root.iter_mut() {
        interpolate_tree(value, &lookup, &mut unset).map_err(invalid)?;
    }

    let mut notes = Vec::new();
    for var in &unset {
        notes.push(Note {
            service: String::new(),
            key: format!("${{{var}}}"),
            kind: NoteKind::Listed,
            what_to_do: format!(
                "{var} is not set (in the environment or .env), so it became an empty string, \
                 as in Compose; set it and import again if it matters"
            ),
        });
    }
    top_level_notes(&root, &mut notes);

    let services = match root.get("services") {
        Some(Value::Mapping(m)) => m.clone(),
        _ => return Err(invalid("no `services:` mapping".into())),
    };

    let name = match &opts.name {
        Some(n) => {
            names::validate_name(n).map_err(|e| Error::InvalidInput(format!("--name: {e}")))?;
            n.clone()
        }
        None => {
            let project = root
                .get("name")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .or_else(|| {
                    std::fs::canonicalize(base_dir)
                        .ok()
                        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
                })
                .unwrap_or_else(|| "imported".into());
            let name = envctl_name(&project);
            names::validate_name(&name).map_err(|e| {
                Error::InvalidInput(format!(
                    "the Compose project name does not make a template name ({e}); pass --name"
                ))
            })?;
            name
        }
    };

    // Which services are imported: profiles first, then those that can be.
    let mut selected: Vec<(String, String, Mapping)> = Vec::new();
    let mut left_out: BTreeMap<String, String> = BTreeMap::new();
    for (key, value) in &services {
        let compose_name = scalar_text(key).unwrap_or_default();
        let service = match value {
            Value::Mapping(m) => m.clone(),
            Value::Null => Mapping::new(),
            _ => {
                return Err(invalid(format!(
                    "service '{compose_name}' is not a mapping"
                )));
            }
        };
        if let Some(profiles) = service.get("profiles") {
            let theirs = string_list(profiles);
            let enabled = opts.profiles.iter().any(|p| p == "*" || theirs.contains(p));
            if !enabled {
                left_out.insert(
                    compose_name.clone(),
                    format!("it is in profile(s) {} (not enabled)", theirs.join(", ")),
                );
                notes.push(Note {
                    service: compose_name.clone(),
                    key: "profiles".into(),
                    kind: NoteKind::Listed,
                    what_to_do: format!(
                        "left out: its profiles ({}) are not enabled; pass --profile {} to import it",
                        theirs.join(", "),
                        theirs.first().map(String::as_str).unwrap_or("NAME")
                    ),
                });
                continue;
            }
        }
        let has_image = service
            .get("image")
            .and_then(scalar_text)
            .is_some_and(|i| !i.trim().is_empty());
        if service.contains_key("build") && !has_image {
            left_out.insert(compose_name.clone(), "it is built, not pulled".into());
            notes.push(Note {
                service: compose_name.clone(),
                key: "build".into(),
                kind: NoteKind::Refused,
                what_to_do:
                    "left out: it has `build:` and no `image:`, and templates do not build \
                             images; build and push the image, then add the service with `image =`"
                        .into(),
            });
            continue;
        }
        if !has_image {
            return Err(invalid(format!("service '{compose_name}' has no `image:`")));
        }
        let envctl = envctl_name(&compose_name);
        names::validate_name(&envctl).map_err(|e| {
            invalid(format!(
                "service '{compose_name}' does not make an envctl service name: {e}"
            ))
        })?;
        if selected.iter().any(|(_, n, _)| *n == envctl) {
            return Err(invalid(format!(
                "two services become '{envctl}' in envctl (names are lowercase letters, digits and '-')"
            )));
        }
        if envctl != compose_name {
            notes.push(Note {
                service: compose_name.clone(),
                key: "name".into(),
                kind: NoteKind::Listed,
                what_to_do: format!(
                    "named '{envctl}' in the template (lowercase letters, digits and '-'); other \
                     services reach it by that name"
                ),
            });
        }
        selected.push((compose_name, envctl, service));
    }
    if selected.is_empty() {
        let reasons: Vec<String> = left_out
            .iter()
            .map(|(service, why)| format!("{service}: {why}"))
            .collect();
        return Err(invalid(format!(
            "no service can be imported ({})",
            reasons.join("; ")
        )));
    }
    let renamed: BTreeMap<String, String> = selected
        .iter()
        .map(|(c, e, _)| (c.clone(), e.clone()))
        .collect();

    let mut out = Vec::new();
    let mut offset = 0u16;
    for (compose_name, envctl, service) in &selected {
        let mut t = Translation {
            compose: compose_name,
            base_dir,
            lookup: &lookup,
            notes: &mut notes,
        };
        let mut svc = t.service(envctl, service, &renamed, &left_out)?;
        if svc.port.is_some() {
            svc.offset = offset;
            offset = offset.saturating_add(1);
        }
        out.push(svc);
    }

    let description = format!(
        "Imported from {}",
        file.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "a Compose file".into())
    );
    let toml = render(&name, &description, &out);
    let config = Config::parse(&toml, file).map_err(|e| {
        Error::Failed(format!(
            "the imported template does not load ({e}); this is a bug in the import, please report it"
        ))
    })?;
    let template = config
        .templates
        .get(&name)
        .cloned()
        .ok_or_else(|| Error::Failed("the imported template is missing".into()))?;
    Ok(Import {
        name,
        toml,
        notes,
        template,
    })
}

/// Appends `import`'s template to the config file at `path` (created if
/// missing), leaving every existing line as it is. Refuses a name the config
/// (or the built-in templates) already has, and a result that would not load;
/// writes durably (temp file, fsync, rename, fsync of the directory).
pub fn append_to_config(path: &Path, import: &Import) -> Result<()> {
    let config_error = |message: String| Error::Config {
        path: path.to_owned(),
        message,
    };
    let existing = match std::fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(config_error(format!("cannot read it: {e}"))),
    };
    let old = existing.as_deref().unwrap_or("");
    let doc: toml_edit::DocumentMut = old
        .parse()
        .map_err(|e: toml_edit::TomlError| config_error(e.to_string()))?;
    let taken = doc
        .get("templates")
        .and_then(|t| t.as_table_like())
        .is_some_and(|t| t.contains_key(&import.name));
    if taken || Config::builtin().templates.contains_key(&import.name) {
        return Err(Error::Conflict(format!(
            "the config {} already has a template named '{}'; pick another with --name \
             (the file was not changed)",
            path.display(),
            import.name
        )));
    }
    let mut text = old.to_owned();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str(&import.toml);
    // Loads as every command will load it, before anything is written.
    Config::parse(&text, path)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(Error::io(dir))?;
    }
    let mode = match std::fs::metadata(path) {
        Ok(m) => std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o7777,
        Err(_) => 0o644,
    };
    // A config that is a symlink (into a dotfiles repository, say) is
    // written where it points, so the link stays a link.
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
    crate::store::atomic::write_with_mode(&target, text.as_bytes(), mode)
}

/// The path `--write` appends to when no `--config` is given: the default
/// config file, whether or not it exists yet.
pub fn default_write_path() -> Option<PathBuf> {
    crate::config::user_config_path()
}

/// A service as the template will have it.
#[derive(Debug, Default)]
struct Service {
    name: String,
    image: String,
    port: Option<u16>,
    offset: u16,
    command: Option<Vec<String>>,
    env: BTreeMap<String, String>,
    volumes: Vec<String>,
    cpus: Option<f64>,
    memory: Option<String>,
    pids: Option<i64>,
    ready_cmd: Option<Vec<String>>,
    ready_timeout: Option<Duration>,
    /// (service, condition): `started`, `ready` or `completed`.
    depends_on: Vec<(String, String)>,
}

struct Translation<'a> {
    compose: &'a str,
    base_dir: &'a Path,
    lookup: &'a dyn Fn(&str) -> Option<String>,
    notes: &'a mut Vec<Note>,
}

impl Translation<'_> {
    fn note(&mut self, key: impl Into<String>, kind: NoteKind, what_to_do: impl Into<String>) {
        self.notes.push(Note {
            service: self.compose.to_owned(),
            key: key.into(),
            kind,
            what_to_do: what_to_do.into(),
        });
    }

    fn invalid(&self, key: &str, message: impl std::fmt::Display) -> Error {
        Error::InvalidInput(format!(
            "cannot import service '{}': `{key}`: {message}",
            self.compose
        ))
    }

    fn service(
        &mut self,
        name: &str,
        spec: &Mapping,
        renamed: &BTreeMap<String, String>,
        left_out: &BTreeMap<String, String>,
    ) -> Result<Service> {
        let mut svc = Service {
            name: name.to_owned(),
            ..Default::default()
        };
        let mut entrypoint: Option<Vec<String>> = None;
        let mut command: Option<Vec<String>> = None;
        let mut environment: BTreeMap<String, String> = BTreeMap::new();
        let mut env_files: BTreeMap<String, String> = BTreeMap::new();
        for (key, value) in spec {
            let Some(key) = scalar_text(key) else {
                continue;
            };
            match key.as_str() {
                "image" => svc.image = scalar_text(value).unwrap_or_default(),
                "build" => self.note(
                    "build",
                    NoteKind::Refused,
                    "templates do not build images: the image named by `image:` is used as it is \
                     (build and push it first)",
                ),
                "command" => command = self.words("command", value)?,
                "entrypoint" => entrypoint = self.words("entrypoint", value)?,
                "environment" => environment = self.environment(value)?,
                "env_file" => env_files = self.env_files(value)?,
                "ports" => self.ports(value, &mut svc)?,
                "expose" => self.note(
                    "expose",
                    NoteKind::Listed,
                    "not needed: services reach each other on the environment's network by name, \
                     on any port",
                ),
                "volumes" => self.volumes(value, &mut svc),
                "healthcheck" => self.healthcheck(value, &mut svc)?,
                "depends_on" => self.depends_on(value, &mut svc, renamed, left_out),
                "deploy" => self.deploy(value, &mut svc)?,
                "mem_limit" => self.memory("mem_limit", value, &mut svc),
                "cpus" => self.cpus("cpus", value, &mut svc),
                "pids_limit" => self.pids("pids_limit", value, &mut svc),
                "profiles" => {}
                k if k.starts_with("x-") => {}
                other => {
                    let what = listed_key_advice(other);
                    self.note(other, NoteKind::Listed, what);
                }
            }
        }

        let mut env = env_files;
        env.extend(environment);
        svc.env = env
            .into_iter()
            .map(|(k, v)| (k, escape_for_envctl(&v)))
            .collect();
        svc.command = match (entrypoint, command) {
            (Some(e), c) if !e.is_empty() => {
                self.note(
                    "entrypoint",
                    NoteKind::Listed,
                    "envctl sets a container's command (Docker's Cmd), not its entrypoint: \
                     `command` is the entrypoint followed by the command, which runs as written \
                     only if the image has no ENTRYPOINT of its own (or one that runs its \
                     arguments, like most official images' docker-entrypoint.sh); check the image",
                );
                Some(e.into_iter().chain(c.unwrap_or_default()).collect())
            }
            (Some(_), c) => {
                self.note(
                    "entrypoint",
                    NoteKind::Listed,
                    "an empty entrypoint (clearing the image's) cannot be expressed: envctl keeps \
                     the image's ENTRYPOINT",
                );
                c
            }
            (None, c) => c,
        };
        // An empty command is the image's own, as in Compose.
        svc.command = svc
            .command
            .filter(|c| !c.is_empty())
            .map(|c| c.iter().map(|w| escape_for_envctl(w)).collect());
        svc.ready_cmd = svc
            .ready_cmd
            .map(|c| c.iter().map(|w| escape_for_envctl(w)).collect());
        Ok(svc)
    }

    /// `command`/`entrypoint`: a list as it is, a string split like a shell would.
    fn words(&mut self, key: &str, value: &Value) -> Result<Option<Vec<String>>> {
        match value {
            Value::Null => Ok(None),
            Value::Sequence(items) => Ok(Some(
                items
                    .iter()
                    .map(|i| scalar_text(i).unwrap_or_default())
                    .collect(),
            )),
            other => {
                let text = scalar_text(other).unwrap_or_default();
                split_words(&text)
                    .map(Some)
                    .map_err(|e| self.invalid(key, e))
            }
        }
    }

    fn environment(&mut self, value: &Value) -> Result<BTreeMap<String, String>> {
        let mut out = BTreeMap::new();
        let pass = |this: &mut Self, k: String| match (this.lookup)(&k) {
            Some(v) => Some((k, v)),
            None => {
                this.note(
                    format!("environment.{k}"),
                    NoteKind::Listed,
                    format!(
                        "{k} takes its value from the environment, where it is not set: left out; \
                         give it a value"
                    ),
                );
                None
            }
        };
        match value {
            Value::Mapping(m) => {
                for (k, v) in m {
                    let k = scalar_text(k).unwrap_or_default();
                    match v {
                        Value::Null => out.extend(pass(self, k)),
                        v => {
                            out.insert(k, scalar_text(v).unwrap_or_default());
                        }
                    }
                }
            }
            Value::Sequence(items) => {
                for item in items {
                    let item = scalar_text(item).unwrap_or_default();
                    match item.split_once('=') {
                        Some((k, v)) => {
                            out.insert(k.to_owned(), v.to_owned());
                        }
                        None => out.extend(pass(self, item)),
                    }
                }
            }
            Value::Null => {}
            _ => return Err(self.invalid("environment", "expected a mapping or a list")),
        }
        Ok(out)
    }

    fn env_files(&mut self, value: &Value) -> Result<BTreeMap<String, String>> {
        let entries: Vec<(String, bool)> = match value {
            Value::Sequence(items) => items
                .iter()
                .map(|i| match i {
                    Value::Mapping(m) => (
                        m.get("path").and_then(scalar_text).unwrap_or_default(),
                        m.get("required").and_then(Value::as_bool).unwrap_or(true),
                    ),
                    other => (scalar_text(other).unwrap_or_default(), true),
                })
                .collect(),
            other => vec![(scalar_text(other).unwrap_or_default(), true)],
        };
        let mut out = BTreeMap::new();
        for (path, required) in entries {
            let full = self.base_dir.join(&path);
            match std::fs::read_to_string(&full) {
                Ok(text) => {
                    for (k, v) in parse_dotenv(&text) {
                        let mut unset = BTreeSet::new();
                        let v = interpolate(&v, self.lookup, &mut unset)
                            .map_err(|e| self.invalid("env_file", e))?;
                        out.insert(k, v);
                    }
                }
                Err(_) if !required => {}
                Err(e) => {
                    return Err(
                        self.invalid("env_file", format!("cannot read {}: {e}", full.display()))
                    );
                }
            }
        }
        Ok(out)
    }

    fn ports(&mut self, value: &Value, svc: &mut Service) -> Result<()> {
        let Value::Sequence(items) = value else {
            return Err(self.invalid("ports", "expected a list"));
        };
        for (i, item) in items.iter().enumerate() {
            let key = format!("ports[{i}]");
            let (target, protocol) = match item {
                Value::Mapping(m) => (
                    m.get("target").and_then(scalar_text).unwrap_or_default(),
                    m.get("protocol")
                        .and_then(scalar_text)
                        .unwrap_or_else(|| "tcp".into()),
                ),
                other => {
                    let text = scalar_text(other).unwrap_or_default();
                    let (spec, protocol) = match text.split_once('/') {
                        Some((s, p)) => (s.to_owned(), p.to_owned()),
                        None => (text.clone(), "tcp".to_owned()),
                    };
                    // [[ip:]published:]target; an IPv6 address is in brackets.
                    let target = spec.rsplit(':').next().unwrap_or_default().to_owned();
                    (target, protocol)
                }
            };
            let port = target.parse::<u16>().ok().filter(|p| *p > 0);
            match port {
                Some(p) if protocol == "tcp" && svc.port.is_none() => svc.port = Some(p),
                Some(_) if protocol != "tcp" => self.note(
                    key,
                    NoteKind::Listed,
                    format!("envctl publishes TCP only ({protocol} port {target} is not published)"),
                ),
                Some(_) => self.note(
                    key,
                    NoteKind::Listed,
                    format!(
                        "envctl publishes one port per service (the first, {}); other services still \
                         reach port {target} as {}:{target} on the environment's network",
                        svc.port.unwrap_or_default(),
                        svc.name
                    ),
                ),
                None => self.note(
                    key,
                    NoteKind::Listed,
                    format!(
                        "'{target}' is not one port (ranges are not published); publish one port, \
                         or reach the others on the environment's network"
                    ),
                ),
            }
        }
        Ok(())
    }

    fn volumes(&mut self, value: &Value, svc: &mut Service) {
        let Value::Sequence(items) = value else {
            self.note("volumes", NoteKind::Listed, "expected a list; none carried");
            return;
        };
        for (i, item) in items.iter().enumerate() {
            let key = format!("volumes[{i}]");
            let (kind, source, target, read_only, extra) = match item {
                Value::Mapping(m) => {
                    let kind = m
                        .get("type")
                        .and_then(scalar_text)
                        .unwrap_or_else(|| "volume".into());
                    let extra: Vec<String> = m
                        .keys()
                        .filter_map(scalar_text)
                        .filter(|k| {
                            !["type", "source", "target", "read_only"].contains(&k.as_str())
                        })
                        .collect();
                    (
                        kind,
                        m.get("source").and_then(scalar_text).unwrap_or_default(),
                        m.get("target").and_then(scalar_text).unwrap_or_default(),
                        m.get("read_only").and_then(Value::as_bool).unwrap_or(false),
                        extra,
                    )
                }
                other => {
                    let text = scalar_text(other).unwrap_or_default();
                    let parts: Vec<&str> = text.split(':').collect();
                    let (source, target, options) = match parts.as_slice() {
                        [t] => (String::new(), (*t).to_owned(), Vec::new()),
                        [s, t] => ((*s).to_owned(), (*t).to_owned(), Vec::new()),
                        [s, t, o] => (
                            (*s).to_owned(),
                            (*t).to_owned(),
                            o.split(',').map(str::to_owned).collect(),
                        ),
                        _ => (String::new(), text.clone(), Vec::new()),
                    };
                    let bind = source.starts_with(['.', '/', '~', '$']) || source.contains('/');
                    let kind = if bind { "bind" } else { "volume" };
                    let read_only = options.iter().any(|o| o == "ro");
                    let extra = options
                        .into_iter()
                        .filter(|o| o != "ro" && o != "rw")
                        .collect();
                    (kind.to_owned(), source, target, read_only, extra)
                }
            };
            match kind.as_str() {
                "bind" => self.note(
                    key,
                    NoteKind::Refused,
                    format!(
                        "bind mount of {source} at {target}: templates do not mount the host; copy \
                         the files into the image (or a named volume)"
                    ),
                ),
                "volume" if source.is_empty() => self.note(
                    key,
                    NoteKind::Listed,
                    format!(
                        "anonymous volume at {target}: envctl has named volumes only; add one, e.g. \
                         \"data:{target}\", if the data must outlive the container"
                    ),
                ),
                "volume" => {
                    let name = envctl_name(&source);
                    let ro = if read_only { ":ro" } else { "" };
                    let spec = format!("{name}:{target}{ro}");
                    match crate::config::parse_volume(&spec) {
                        Ok(_) => {
                            if name != source {
                                self.note(
                                    key.clone(),
                                    NoteKind::Listed,
                                    format!(
                                        "volume '{source}' is named '{name}' (lowercase letters, \
                                         digits and '-')"
                                    ),
                                );
                            }
                            if !extra.is_empty() {
                                self.note(
                                    key,
                                    NoteKind::Listed,
                                    format!(
                                        "volume options {} are not carried (only read-only is)",
                                        extra.join(", ")
                                    ),
                                );
                            }
                            svc.volumes.push(spec);
                        }
                        Err(e) => self.note(key, NoteKind::Listed, format!("not carried: {e}")),
                    }
                }
                other => self.note(
                    key,
                    NoteKind::Listed,
                    format!("a {other} mount at {target} is not carried: envctl has named volumes only"),
                ),
            }
        }
    }

    fn healthcheck(&mut self, value: &Value, svc: &mut Service) -> Result<()> {
        let Value::Mapping(h) = value else {
            return Ok(());
        };
        if h.get("disable").and_then(Value::as_bool) == Some(true) {
            return Ok(());
        }
        let test: Option<Vec<String>> = match h.get("test") {
            None | Some(Value::Null) => None,
            Some(Value::Sequence(items)) => {
                let items: Vec<String> = items
                    .iter()
                    .map(|i| scalar_text(i).unwrap_or_default())
                    .collect();
                match items.split_first() {
                    Some((first, _)) if first == "NONE" => return Ok(()),
                    Some((first, rest)) if first == "CMD" => Some(rest.to_vec()),
                    Some((first, rest)) if first == "CMD-SHELL" => {
                        Some(["sh".to_owned(), "-c".to_owned(), rest.join(" ")].to_vec())
                    }
                    _ => {
                        return Err(self
                            .invalid("healthcheck.test", "expected CMD, CMD-SHELL or NONE first"));
                    }
                }
            }
            Some(other) => Some(vec![
                "sh".into(),
                "-c".into(),
                scalar_text(other).unwrap_or_default(),
            ]),
        };
        let duration = |this: &Self, key: &str, default: u64| -> Result<Duration> {
            match h.get(key).and_then(scalar_text) {
                None => Ok(Duration::from_secs(default)),
                Some(text) => parse_compose_duration(&text).ok_or_else(|| {
                    this.invalid(
                        &format!("healthcheck.{key}"),
                        format!("'{text}' is not a duration"),
                    )
                }),
            }
        };
        let interval = duration(self, "interval", 30)?;
        let start_period = duration(self, "start_period", 0)?;
        let retries = h.get("retries").and_then(Value::as_u64).unwrap_or(3);
        let Some(test) = test.filter(|t| !t.is_empty()) else {
            // Only timings: the image's own HEALTHCHECK is the probe.
            return Ok(());
        };
        svc.ready_cmd = Some(test);
        let timeout = start_period
            .saturating_add(interval.saturating_mul(u32::try_from(retries).unwrap_or(u32::MAX)))
            .max(Duration::from_secs(30));
        svc.ready_timeout = Some(timeout);
        let timings: Vec<String> = [
            "interval",
            "timeout",
            "retries",
            "start_period",
            "start_interval",
        ]
        .iter()
        .filter(|k| h.contains_key(**k))
        .map(|k| (*k).to_owned())
        .collect();
        if !timings.is_empty() {
            self.note(
                "healthcheck",
                NoteKind::Listed,
                format!(
                    "{} not carried as such: envctl runs the probe every second and waits up to \
                     ready.timeout = start_period + interval x retries ({}, at least 30s)",
                    timings.join(", "),
                    humantime::format_duration(timeout)
                ),
            );
        }
        Ok(())
    }

    fn depends_on(
        &mut self,
        value: &Value,
        svc: &mut Service,
        renamed: &BTreeMap<String, String>,
        left_out: &BTreeMap<String, String>,
    ) {
        let entries: Vec<(String, String, Option<&Mapping>)> = match value {
            Value::Sequence(items) => items
                .iter()
                .map(|i| {
                    (
                        scalar_text(i).unwrap_or_default(),
                        "service_started".into(),
                        None,
                    )
                })
                .collect(),
            Value::Mapping(m) => m
                .iter()
                .map(|(k, v)| {
                    let v = v.as_mapping();
                    let condition = v
                        .and_then(|v| v.get("condition"))
                        .and_then(scalar_text)
                        .unwrap_or_else(|| "service_started".into());
                    (scalar_text(k).unwrap_or_default(), condition, v)
                })
                .collect(),
            _ => Vec::new(),
        };
        for (target, condition, options) in entries {
            let key = format!("depends_on.{target}");
            let Some(name) = renamed.get(&target) else {
                let why = left_out
                    .get(&target)
                    .cloned()
                    .unwrap_or_else(|| "there is no such service".into());
                self.note(
                    key,
                    NoteKind::Listed,
                    format!("dropped: '{target}' is not in the template ({why})"),
                );
                continue;
            };
            let condition = match condition.as_str() {
                "service_started" => "started",
                "service_healthy" => "ready",
                "service_completed_successfully" => "completed",
                other => {
                    self.note(
                        key.clone(),
                        NoteKind::Listed,
                        format!("unknown condition '{other}': written as `started`"),
                    );
                    "started"
                }
            };
            if let Some(options) = options {
                for extra in options.keys().filter_map(scalar_text) {
                    if extra != "condition" {
                        self.note(
                            format!("{key}.{extra}"),
                            NoteKind::Listed,
                            "not carried: envctl dependencies are always required and do not \
                             restart their dependents",
                        );
                    }
                }
            }
            svc.depends_on.push((name.clone(), condition.to_owned()));
        }
    }

    fn deploy(&mut self, value: &Value, svc: &mut Service) -> Result<()> {
        let Value::Mapping(deploy) = value else {
            return Ok(());
        };
        for (key, value) in deploy {
            let key = scalar_text(key).unwrap_or_default();
            if key != "resources" {
                self.note(
                    format!("deploy.{key}"),
                    NoteKind::Listed,
                    "not carried: an environment runs one container per service (Swarm settings \
                     do not apply)",
                );
                continue;
            }
            let Value::Mapping(resources) = value else {
                continue;
            };
            for (rkey, rvalue) in resources {
                let rkey = scalar_text(rkey).unwrap_or_default();
                if rkey != "limits" {
                    self.note(
                        format!("deploy.resources.{rkey}"),
                        NoteKind::Listed,
                        "not carried: envctl sets limits only (memory, cpus, pids)",
                    );
                    continue;
                }
                let Value::Mapping(limits) = rvalue else {
                    continue;
                };
                for (lkey, lvalue) in limits {
                    let lkey = scalar_text(lkey).unwrap_or_default();
                    let key = format!("deploy.resources.limits.{lkey}");
                    match lkey.as_str() {
                        "memory" if svc.memory.is_none() => self.memory(&key, lvalue, svc),
                        "cpus" if svc.cpus.is_none() => self.cpus(&key, lvalue, svc),
                        "pids" if svc.pids.is_none() => self.pids(&key, lvalue, svc),
                        "memory" | "cpus" | "pids" => {}
                        _ => self.note(
                            key,
                            NoteKind::Listed,
                            "not carried: envctl limits memory, cpus and pids",
                        ),
                    }
                }
            }
        }
        Ok(())
    }

    fn memory(&mut self, key: &str, value: &Value, svc: &mut Service) {
        let text = scalar_text(value).unwrap_or_default().to_ascii_lowercase();
        match Size::parse(&text) {
            Ok(_) => svc.memory = Some(text),
            Err(e) => self.note(key, NoteKind::Listed, format!("not carried: {e}")),
        }
    }

    fn cpus(&mut self, key: &str, value: &Value, svc: &mut Service) {
        match scalar_text(value).and_then(|t| t.parse::<f64>().ok()) {
            Some(c) if c > 0.0 && c <= 1024.0 => svc.cpus = Some(c),
            _ => self.note(
                key,
                NoteKind::Listed,
                "not carried: expected a positive number of CPUs",
            ),
        }
    }

    fn pids(&mut self, key: &str, value: &Value, svc: &mut Service) {
        match value.as_i64() {
            Some(p) if p > 0 => svc.pids = Some(p),
            _ => self.note(
                key,
                NoteKind::Listed,
                "not carried: envctl takes a positive limit only (none means unlimited)",
            ),
        }
    }
}

/// What to do about a service key that is not carried.
fn listed_key_advice(key: &str) -> String {
    match key {
        "container_name" | "hostname" | "domainname" => {
            "envctl names each environment's containers itself; other services reach this one by \
             its service name"
                .into()
        }
        "restart" => {
            "envctl restarts dead services itself (`envctl serve`, [api] restart_limit)".into()
        }
        "networks" | "network_mode" | "links" | "external_links" => {
            "each environment has one network on which every service reaches the others by name"
                .into()
        }
        "secrets" | "configs" => format!(
            "{key} are files from the host: use [templates.NAME.secrets] and ${{secret.NAME}} in \
             `env` for generated passwords, or bake the file into the image"
        ),
        "labels" | "annotations" => "envctl sets its own labels; not carried".into(),
        "logging" => {
            "envctl reads the engine's logs (`envctl logs`); the engine's log driver applies".into()
        }
        "stop_grace_period" => "set [defaults] stop_timeout instead (one for all services)".into(),
        "init" => "envctl always runs containers with an init process".into(),
        "user" | "working_dir" | "cap_add" | "cap_drop" | "privileged" | "security_opt"
        | "devices" | "ulimits" | "sysctls" | "shm_size" | "tmpfs" | "read_only" | "ipc"
        | "pid" | "extra_hosts" | "dns" | "dns_search" | "group_add" | "platform" | "runtime"
        | "stop_signal" | "tty" | "stdin_open" | "mem_reservation" | "memswap_limit"
        | "cpu_shares" | "cpuset" | "gpus" | "oom_score_adj" => {
            format!("envctl has no `{key}`: set it in the image (a Dockerfile) or drop it")
        }
        "pull_policy" => "envctl uses the local image and pulls it when it is missing".into(),
        "extends" => {
            "resolve `extends` by hand (copy the keys into the service) and import again".into()
        }
        "develop" => "Compose Watch has no envctl equivalent".into(),
        _ => format!("envctl has no equivalent of `{key}`; not carried"),
    }
}

/// Notes for top-level keys: what an environment does instead.
fn top_level_notes(root: &Mapping, notes: &mut Vec<Note>) {
    for (key, value) in root {
        let Some(key) = scalar_text(key) else {
            continue;
        };
        let what = match key.as_str() {
            "services" | "name" | "version" => continue,
            k if k.starts_with("x-") => continue,
            "volumes" => {
                // Named volumes are per environment in envctl; only options are lost.
                let Value::Mapping(volumes) = value else {
                    continue;
                };
                for (name, spec) in volumes {
                    let has_options = spec.as_mapping().is_some_and(|m| !m.is_empty());
                    if has_options {
                        notes.push(Note {
                            service: String::new(),
                            key: format!("volumes.{}", scalar_text(name).unwrap_or_default()),
                            kind: NoteKind::Listed,
                            what_to_do: "volume options (driver, external, name, labels) are not \
                                         carried: envctl makes each environment's volumes itself"
                                .into(),
                        });
                    }
                }
                continue;
            }
            "networks" => "each environment has one network of its own; not carried".to_owned(),
            "secrets" | "configs" => format!(
                "{key} are files from the host: use [templates.NAME.secrets] for generated \
                 passwords, or bake the files into the images"
            ),
            "include" => "import each included file on its own".to_owned(),
            other => format!("envctl has no equivalent of `{other}`; not carried"),
        };
        notes.push(Note {
            service: String::new(),
            key,
            kind: NoteKind::Listed,
            what_to_do: what,
        });
    }
}

/// The config text of the template.
fn render(name: &str, description: &str, services: &[Service]) -> String {
    use toml_edit::{Array, InlineTable, Value as T};
    let string = |s: &str| T::from(s).to_string().trim().to_owned();
    let array = |items: &[String]| {
        let mut a = Array::new();
        for i in items {
            a.push(i.as_str());
        }
        T::Array(a).to_string().trim().to_owned()
    };
    let key = |k: &str| toml_edit::Key::new(k).display_repr().into_owned();
    let mut out = format!(
        "[templates.{}]\ndescription = {}\n",
        key(name),
        string(description)
    );
    for s in services {
        out.push_str(&format!("\n[[templates.{}.services]]\n", key(name)));
        out.push_str(&format!("name = {}\n", string(&s.name)));
        out.push_str(&format!("image = {}\n", string(&s.image)));
        if let Some(p) = s.port {
            out.push_str(&format!("port = {p}\noffset = {}\n", s.offset));
        }
        if let Some(c) = &s.command {
            out.push_str(&format!("command = {}\n", array(c)));
        }
        if !s.volumes.is_empty() {
            out.push_str(&format!("volumes = {}\n", array(&s.volumes)));
        }
        if let Some(m) = &s.memory {
            out.push_str(&format!("memory = {}\n", string(m)));
        }
        if let Some(c) = s.cpus {
            out.push_str(&format!("cpus = {}\n", T::from(c).to_string().trim()));
        }
        if let Some(p) = s.pids {
            out.push_str(&format!("pids = {p}\n"));
        }
        if let Some(cmd) = &s.ready_cmd {
            let mut ready = InlineTable::new();
            let mut a = Array::new();
            for i in cmd {
                a.push(i.as_str());
            }
            ready.insert("cmd", T::Array(a));
            if let Some(t) = s.ready_timeout {
                ready.insert(
                    "timeout",
                    T::from(humantime::format_duration(t).to_string()),
                );
            }
            out.push_str(&format!(
                "ready = {}\n",
                T::InlineTable(ready).to_string().trim()
            ));
        }
        if !s.depends_on.is_empty() {
            let value = if s.depends_on.iter().all(|(_, c)| c == "started") {
                let names: Vec<String> = s.depends_on.iter().map(|(n, _)| n.clone()).collect();
                array(&names)
            } else {
                let mut t = InlineTable::new();
                for (n, c) in &s.depends_on {
                    t.insert(n, T::from(c.as_str()));
                }
                T::InlineTable(t).to_string().trim().to_owned()
            };
            out.push_str(&format!("depends_on = {value}\n"));
        }
        if !s.env.is_empty() {
            out.push_str(&format!("[templates.{}.services.env]\n", key(name)));
            for (k, v) in &s.env {
                out.push_str(&format!("{} = {}\n", key(k), string(v)));
            }
        }
    }
    out
}

/// `serde_yaml`'s message with the line and column it gives.
fn yaml_error(e: &serde_yaml::Error) -> String {
    match e.location() {
        Some(at) => format!("line {} column {}: {e}", at.line(), at.column()),
        None => e.to_string(),
    }
}

/// A scalar as text (numbers and booleans as YAML writes them).
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Tagged(t) => scalar_text(&t.value),
        _ => None,
    }
}

fn string_list(value: &Value) -> Vec<String> {
    match value {
        Value::Sequence(items) => items.iter().filter_map(scalar_text).collect(),
        other => scalar_text(other).into_iter().collect(),
    }
}

/// A Compose name as an envctl name: lowercase, `_` and `.` as `-`.
fn envctl_name(name: &str) -> String {
    let mapped: String = name
        .chars()
        .map(|c| match c {
            '_' | '.' | ' ' => '-',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    mapped.trim_matches('-').to_owned()
}

/// Escapes what envctl would read as its own variable syntax: `${` and `$$`
/// become `$${` and `$$$`, so the value reaches the container as it is.
fn escape_for_envctl(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '$' && matches!(chars.peek(), Some('$' | '{')) {
            out.push('$');
        }
    }
    out
}

/// Interpolates every string (not keys) of the tree.
fn interpolate_tree(
    value: &mut Value,
    lookup: &dyn Fn(&str) -> Option<String>,
    unset: &mut BTreeSet<String>,
) -> Result<(), String> {
    match value {
        Value::String(s) => *s = interpolate(s, lookup, unset)?,
        Value::Sequence(items) => {
            for i in items {
                interpolate_tree(i, lookup, unset)?;
            }
        }
        Value::Mapping(m) => {
            for (_, v) in m.iter_mut() {
                interpolate_tree(v, lookup, unset)?;
            }
        }
        Value::Tagged(t) => interpolate_tree(&mut t.value, lookup, unset)?,
        _ => {}
    }
    Ok(())
}

/// Compose interpolation of one string.
fn interpolate(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    unset: &mut BTreeSet<String>,
) -> Result<String, String> {
    let mut out = String::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < text.len() {
        let Some(at) = text[i..].find('$') else {
            out.push_str(&text[i..]);
            break;
        };
        out.push_str(&text[i..i + at]);
        i += at;
        match bytes.get(i + 1) {
            Some(b'$') => {
                out.push('$');
                i += 2;
            }
            Some(b'{') => {
                // The matching brace, counting nested ones (`${A:-${B}}`).
                let mut depth = 0usize;
                let mut end = None;
                for (j, b) in bytes.iter().enumerate().skip(i + 1) {
                    match b {
                        b'{' => depth += 1,
                        b'}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = Some(j);
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                let end = end.ok_or_else(|| format!("unclosed '${{' in \"{text}\""))?;
                out.push_str(&expression(&text[i + 2..end], text, lookup, unset)?);
                i = end + 1;
            }
            Some(b) if b.is_ascii_alphabetic() || *b == b'_' => {
                let len = text[i + 1..]
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(text.len() - i - 1);
                let var = &text[i + 1..i + 1 + len];
                match lookup(var) {
                    Some(v) => out.push_str(&v),
                    None => {
                        unset.insert(var.to_owned());
                    }
                }
                i += 1 + len;
            }
            _ => {
                out.push('$');
                i += 1;
            }
        }
    }
    Ok(out)
}

/// The inside of `${...}`.
fn expression(
    body: &str,
    whole: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    unset: &mut BTreeSet<String>,
) -> Result<String, String> {
    let name_len = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(body.len());
    let (var, rest) = body.split_at(name_len);
    if var.is_empty() || var.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(format!("invalid variable '${{{body}}}' in \"{whole}\""));
    }
    let value = lookup(var);
    let set_nonempty = value.as_deref().is_some_and(|v| !v.is_empty());
    let word = |w: &str, unset: &mut BTreeSet<String>| interpolate(w, lookup, unset);
    if rest.is_empty() {
        return Ok(match value {
            Some(v) => v,
            None => {
                unset.insert(var.to_owned());
                String::new()
            }
        });
    }
    if let Some(default) = rest.strip_prefix(":-") {
        return if set_nonempty {
            Ok(value.unwrap_or_default())
        } else {
            word(default, unset)
        };
    }
    if let Some(default) = rest.strip_prefix('-') {
        return match value {
            Some(v) => Ok(v),
            None => word(default, unset),
        };
    }
    if let Some(message) = rest.strip_prefix(":?") {
        return if set_nonempty {
            Ok(value.unwrap_or_default())
        } else {
            Err(format!(
                "required variable {var} is not set or empty: {}",
                word(message, unset)?
            ))
        };
    }
    if let Some(message) = rest.strip_prefix('?') {
        return match value {
            Some(v) => Ok(v),
            None => Err(format!(
                "required variable {var} is not set: {}",
                word(message, unset)?
            )),
        };
    }
    if let Some(alt) = rest.strip_prefix(":+") {
        return if set_nonempty {
            word(alt, unset)
        } else {
            Ok(String::new())
        };
    }
    if let Some(alt) = rest.strip_prefix('+') {
        return if value.is_some() {
            word(alt, unset)
        } else {
            Ok(String::new())
        };
    }
    Err(format!(
        "unsupported substitution '${{{body}}}' in \"{whole}\""
    ))
}

/// `KEY=VALUE` lines of a `.env` or `env_file`: `#` comments, an optional
/// `export `, single quotes kept literal, double quotes with `\n` escapes.
fn parse_dotenv(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.trim();
        let value = if let Some(inner) = value.strip_prefix('\'').and_then(|v| v.strip_suffix('\''))
        {
            inner.to_owned()
        } else if let Some(inner) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
            inner.replace("\\n", "\n").replace("\\\"", "\"")
        } else {
            // An unquoted value ends at " #".
            value
                .split(" #")
                .next()
                .unwrap_or_default()
                .trim_end()
                .to_owned()
        };
        out.insert(key.trim().to_owned(), value);
    }
    out
}

/// Splits a command string into words as a POSIX shell would (quotes and
/// backslashes; no expansion), as Compose does with a string `command`.
fn split_words(text: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err(format!("unclosed quote in \"{text}\"")),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => word.push(c),
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err(format!("unclosed quote in \"{text}\"")),
                        },
                        Some(c) => word.push(c),
                        None => return Err(format!("unclosed quote in \"{text}\"")),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(c) = chars.next() {
                    word.push(c);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

/// A Compose duration: `1m30s`, `10s`, `500ms`, `1h`, or a number of seconds.
fn parse_compose_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    if let Ok(secs) = text.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let mut total = Duration::ZERO;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
        let (number, tail) = rest.split_at(digits);
        let number: f64 = number.parse().ok()?;
        let unit_len = tail
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(tail.len());
        let (unit, tail) = tail.split_at(unit_len);
        let scale = match unit {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 0.001,
            "us" | "µs" => 0.000_001,
            "ns" => 0.000_000_001,
            _ => return None,
        };
        total = total.checked_add(Duration::try_from_secs_f64(number * scale).ok()?)?;
        rest = tail;
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ServiceSpec;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k| map.get(k).cloned()
    }

    fn run(yaml: &str) -> Import {
        run_with(yaml, &[], &[])
    }

    fn run_with(yaml: &str, env: &[(&str, &str)], profiles: &[&str]) -> Import {
        let opts = ImportOptions {
            name: Some("app".into()),
            profiles: profiles.iter().map(|p| (*p).to_owned()).collect(),
        };
        import(
            yaml,
            Path::new("/nonexistent/compose.yaml"),
            &env_of(env),
            &opts,
        )
        .unwrap()
    }

    fn service<'a>(import: &'a Import, name: &str) -> &'a ServiceSpec {
        import
            .template
            .services
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no service {name} in {}", import.toml))
    }

    fn note<'a>(import: &'a Import, service: &str, key: &str) -> &'a Note {
        import
            .notes
            .iter()
            .find(|n| n.service == service && n.key == key)
            .unwrap_or_else(|| panic!("no note {service} {key} in {:#?}", import.notes))
    }

    #[test]
    fn interpolation_follows_compose() {
        let mut unset = BTreeSet::new();
        let env = env_of(&[("A", "1"), ("EMPTY", "")]);
        let i = |t: &str, unset: &mut BTreeSet<String>| interpolate(t, &env, unset);
        assert_eq!(i("${A}-$A-$$A-$$", &mut unset).unwrap(), "1-1-$A-$");
        assert_eq!(i("${EMPTY:-d} ${EMPTY-d}", &mut unset).unwrap(), "d ");
        assert_eq!(i("${NOPE:-${A}x}", &mut unset).unwrap(), "1x");
        assert_eq!(i("${A:+yes}${NOPE:+no}", &mut unset).unwrap(), "yes");
        assert_eq!(i("${NOPE}", &mut unset).unwrap(), "");
        assert!(unset.contains("NOPE"));
        let err = i("${EMPTY:?must be set}", &mut unset).unwrap_err();
        assert!(
            err.contains("EMPTY") && err.contains("must be set"),
            "{err}"
        );
        assert_eq!(i("${EMPTY?set but empty is fine}", &mut unset).unwrap(), "");
        assert!(i("${A", &mut unset).is_err());
    }

    #[test]
    fn a_required_variable_fails_the_import_naming_it() {
        let yaml = "services:\n  db:\n    image: postgres\n    environment:\n      PW: ${DB_PASSWORD:?set DB_PASSWORD}\n";
        let err = import(
            yaml,
            Path::new("c.yaml"),
            &env_of(&[]),
            &ImportOptions::default(),
        )
        .unwrap_err();
        assert_eq!(err.exit_code(), crate::exit::USAGE);
        assert!(err.to_string().contains("DB_PASSWORD"), "{err}");
        assert!(err.to_string().contains("set DB_PASSWORD"), "{err}");
    }

    #[test]
    fn dollar_brace_left_by_compose_stays_literal_in_envctl() {
        let yaml = "services:\n  app:\n    image: busybox\n    command: [\"sh\", \"-c\", \"echo $${HOME} $$HOME\"]\n    environment:\n      X: \"a$${b}c\"\n";
        let imp = run(yaml);
        assert!(imp.toml.contains("$${HOME}"), "{}", imp.toml);
        let app = service(&imp, "app");
        let empty = BTreeMap::new();
        let values = crate::config::variables::Values {
            name: "e",
            id: "1",
            owner: "o",
            base_port: 1,
            public_host: "h",
            ports: &BTreeMap::new(),
            urls: &empty,
            secrets: &empty,
            labels: &empty,
            host: &empty,
        };
        assert_eq!(values.resolve(&app.env["X"]).unwrap(), "a${b}c");
        let command = app.command.as_ref().unwrap();
        assert_eq!(values.resolve(&command[2]).unwrap(), "echo ${HOME} $HOME");
    }

    #[test]
    fn the_first_published_port_is_the_service_port_and_offsets_follow_service_order() {
        let yaml = "services:\n  web:\n    image: nginx\n    ports: [\"8080:80\", \"443:443\", \"53:53/udp\"]\n  db:\n    image: postgres\n  api:\n    image: api\n    ports:\n      - target: 3000\n        published: 80\n";
        let imp = run(yaml);
        assert_eq!(service(&imp, "web").port, Some(80));
        assert_eq!(service(&imp, "web").offset, 0);
        assert_eq!(service(&imp, "db").port, None);
        assert_eq!(service(&imp, "api").port, Some(3000));
        assert_eq!(service(&imp, "api").offset, 1);
        assert_eq!(note(&imp, "web", "ports[1]").kind, NoteKind::Listed);
        assert!(
            note(&imp, "web", "ports[2]")
                .what_to_do
                .contains("TCP only")
        );
    }

    #[test]
    fn entrypoint_and_command_become_one_command_with_a_note() {
        let yaml = "services:\n  app:\n    image: busybox\n    entrypoint: /bin/sh\n    command: -c 'echo \"hi there\"'\n";
        let imp = run(yaml);
        assert_eq!(
            service(&imp, "app").command.as_deref().unwrap(),
            ["/bin/sh", "-c", "echo \"hi there\""]
        );
        assert!(
            note(&imp, "app", "entrypoint")
                .what_to_do
                .contains("ENTRYPOINT")
        );
        let imp = run("services:\n  app:\n    image: busybox\n    command: []\n");
        assert!(
            service(&imp, "app").command.is_none(),
            "an empty command is the image's"
        );
    }

    #[test]
    fn healthchecks_become_cmd_probes_with_a_timeout_from_their_timings() {
        let yaml = "services:\n  a:\n    image: i\n    healthcheck:\n      test: [\"CMD\", \"pg_isready\"]\n      interval: 10s\n      retries: 5\n      start_period: 1m\n  b:\n    image: i\n    healthcheck:\n      test: [\"CMD-SHELL\", \"curl -f localhost || exit 1\"]\n  c:\n    image: i\n    healthcheck:\n      test: wget -q localhost\n  d:\n    image: i\n    healthcheck:\n      test: [\"NONE\"]\n  e:\n    image: i\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n      disable: true\n";
        let imp = run(yaml);
        let a = service(&imp, "a").ready.as_ref().unwrap();
        assert_eq!(a.cmd.as_deref().unwrap(), ["pg_isready"]);
        assert_eq!(a.timeout, Some(Duration::from_secs(60 + 10 * 5)));
        let b = service(&imp, "b").ready.as_ref().unwrap();
        assert_eq!(
            b.cmd.as_deref().unwrap(),
            ["sh", "-c", "curl -f localhost || exit 1"]
        );
        assert_eq!(b.timeout, Some(Duration::from_secs(90)));
        let c = service(&imp, "c").ready.as_ref().unwrap();
        assert_eq!(c.cmd.as_deref().unwrap(), ["sh", "-c", "wget -q localhost"]);
        assert!(service(&imp, "d").ready.is_none());
        assert!(service(&imp, "e").ready.is_none());
        assert!(
            note(&imp, "a", "healthcheck")
                .what_to_do
                .contains("ready.timeout")
        );
    }

    #[test]
    fn depends_on_conditions_map_to_envctl_conditions() {
        let yaml = "services:\n  db:\n    image: i\n  migrate:\n    image: i\n  app:\n    image: i\n    depends_on:\n      db:\n        condition: service_healthy\n      migrate:\n        condition: service_completed_successfully\n        restart: true\n  web:\n    image: i\n    depends_on: [app]\n";
        let imp = run(yaml);
        assert!(
            imp.toml
                .contains("depends_on = { db = \"ready\", migrate = \"completed\" }"),
            "{}",
            imp.toml
        );
        assert!(imp.toml.contains("depends_on = [\"app\"]"), "{}", imp.toml);
        note(&imp, "app", "depends_on.migrate.restart");
        use crate::config::Condition;
        let app = service(&imp, "app");
        let conditions: Vec<(&str, Condition)> = app.depends_on.iter().collect();
        assert_eq!(
            conditions,
            [("db", Condition::Ready), ("migrate", Condition::Completed)]
        );
    }

    #[test]
    fn limits_come_from_deploy_or_the_service_keys() {
        let yaml = "services:\n  a:\n    image: i\n    deploy:\n      replicas: 2\n      resources:\n        limits:\n          cpus: '0.5'\n          memory: 512M\n          pids: 100\n        reservations:\n          memory: 128M\n  b:\n    image: i\n    mem_limit: 1g\n    cpus: 1.5\n    pids_limit: 50\n";
        let imp = run(yaml);
        let a = service(&imp, "a");
        assert_eq!(a.cpus, Some(0.5));
        assert_eq!(a.memory_bytes(), Some(512 * 1024 * 1024));
        assert_eq!(a.pids, Some(100));
        note(&imp, "a", "deploy.replicas");
        note(&imp, "a", "deploy.resources.reservations");
        let b = service(&imp, "b");
        assert_eq!((b.cpus, b.pids), (Some(1.5), Some(50)));
        assert_eq!(b.memory_bytes(), Some(1024 * 1024 * 1024));
    }

    #[test]
    fn named_volumes_are_carried_and_host_mounts_refused() {
        let yaml = "services:\n  a:\n    image: i\n    build: .\n    volumes:\n      - db_data:/var/lib/db\n      - ./src:/src\n      - /etc/passwd:/etc/passwd:ro\n      - /cache\n      - type: bind\n        source: .\n        target: /app\n      - type: volume\n        source: logs\n        target: /logs\n        read_only: true\n";
        let imp = run(yaml);
        let volumes: Vec<String> = service(&imp, "a")
            .volumes
            .iter()
            .map(|v| format!("{}:{}:{}", v.name, v.target, v.read_only))
            .collect();
        assert_eq!(volumes, ["db-data:/var/lib/db:false", "logs:/logs:true"]);
        for key in ["volumes[1]", "volumes[2]", "volumes[4]", "build"] {
            assert_eq!(note(&imp, "a", key).kind, NoteKind::Refused, "{key}");
        }
        assert_eq!(note(&imp, "a", "volumes[3]").kind, NoteKind::Listed);
    }

    #[test]
    fn a_service_that_is_only_built_is_left_out_and_its_dependents_told() {
        let yaml = "services:\n  api:\n    build: ./api\n  web:\n    image: nginx\n    depends_on: [api]\n";
        let imp = run(yaml);
        assert_eq!(imp.template.services.len(), 1);
        let n = note(&imp, "api", "build");
        assert_eq!(n.kind, NoteKind::Refused);
        assert!(n.what_to_do.contains("no `image:`"));
        assert!(
            note(&imp, "web", "depends_on.api")
                .what_to_do
                .contains("built")
        );
    }

    #[test]
    fn a_file_with_nothing_importable_says_why_for_each_service() {
        let yaml =
            "services:\n  api:\n    build: .\n  tools:\n    image: i\n    profiles: [tools]\n";
        let err = import(
            yaml,
            Path::new("c.yaml"),
            &env_of(&[]),
            &ImportOptions::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("api: it is built"), "{err}");
        assert!(err.contains("tools: it is in profile(s) tools"), "{err}");
    }

    #[test]
    fn profiles_leave_services_out_unless_enabled() {
        let yaml =
            "services:\n  app:\n    image: i\n  debug:\n    image: i\n    profiles: [debug]\n";
        let imp = run(yaml);
        assert_eq!(imp.template.services.len(), 1);
        assert!(
            note(&imp, "debug", "profiles")
                .what_to_do
                .contains("--profile debug")
        );
        let imp = run_with(yaml, &[], &["debug"]);
        assert_eq!(imp.template.services.len(), 2);
        let imp = run_with(yaml, &[], &["*"]);
        assert_eq!(imp.template.services.len(), 2, "`*` enables every profile");
    }

    #[test]
    fn environment_env_file_and_dotenv_are_read_beside_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".env"), "TAG=1.2\nFROM_DOTENV=dot\n").unwrap();
        std::fs::write(
            dir.path().join("app.env"),
            "# comment\nA=from-file\nB='single $kept'\nexport C=\"two words\"\n",
        )
        .unwrap();
        let yaml = "services:\n  app:\n    image: app:${TAG}\n    env_file: app.env\n    environment:\n      - B=overridden\n      - D=${FROM_DOTENV}-${SHELL_VAR}\n      - PASSED\n";
        let file = dir.path().join("compose.yaml");
        let env = env_of(&[("SHELL_VAR", "shell"), ("PASSED", "p"), ("TAG", "9")]);
        let imp = import(yaml, &file, &env, &ImportOptions::default()).unwrap();
        let app = &imp.template.services[0];
        assert_eq!(app.image, "app:9", "the process environment wins over .env");
        assert_eq!(app.env["A"], "from-file");
        assert_eq!(app.env["B"], "overridden");
        assert_eq!(app.env["C"], "two words");
        assert_eq!(app.env["D"], "dot-shell");
        assert_eq!(app.env["PASSED"], "p");
    }

    #[test]
    fn other_keys_are_listed_with_what_to_do() {
        let yaml = "version: '3'\nnetworks:\n  back: {}\nservices:\n  My_App:\n    image: i\n    restart: always\n    container_name: app\n    networks: [back]\n    user: '1000'\n    x-custom: 1\n";
        let imp = run(yaml);
        assert_eq!(imp.template.services[0].name, "my-app");
        for key in ["restart", "container_name", "networks", "user", "name"] {
            assert_eq!(note(&imp, "My_App", key).kind, NoteKind::Listed, "{key}");
        }
        note(&imp, "", "networks");
        assert!(
            !imp.notes
                .iter()
                .any(|n| n.key == "x-custom" || n.key == "version")
        );
    }

    #[test]
    fn the_name_defaults_to_the_compose_project_name() {
        let yaml = "name: My_Shop\nservices:\n  web:\n    image: nginx\n";
        let opts = ImportOptions::default();
        let imp = import(yaml, Path::new("compose.yaml"), &env_of(&[]), &opts).unwrap();
        assert_eq!(imp.name, "my-shop");
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("Billing.Api");
        std::fs::create_dir(&project).unwrap();
        let yaml = "services:\n  web:\n    image: nginx\n";
        let file = project.join("compose.yaml");
        let imp = import(yaml, &file, &env_of(&[]), &opts).unwrap();
        assert_eq!(imp.name, "billing-api");
    }

    #[test]
    fn invalid_yaml_names_the_file_and_line() {
        let err = import(
            "services:\n  a:\n    image: [\n",
            Path::new("bad.yaml"),
            &env_of(&[]),
            &ImportOptions::default(),
        )
        .unwrap_err();
        assert_eq!(err.exit_code(), crate::exit::USAGE);
        let text = err.to_string();
        assert!(
            text.contains("bad.yaml") && text.contains("line "),
            "{text}"
        );
    }

    #[test]
    fn appending_keeps_the_file_and_refuses_a_taken_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let original = "# my config\n[ports]\nbase = 9000 # first port\nmax = 9100\n";
        std::fs::write(&path, original).unwrap();
        let imp = run("services:\n  web:\n    image: nginx\n    ports: ['80:80']\n");
        append_to_config(&path, &imp).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with(original), "{text}");
        let config = Config::load(Some(&path)).unwrap();
        assert_eq!(config.template("app").unwrap().services[0].port, Some(80));
        assert_eq!(config.ports.base, 9000);
        let err = append_to_config(&path, &imp).unwrap_err();
        assert_eq!(err.exit_code(), crate::exit::CONFLICT);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
        // A missing file is created.
        let fresh = dir.path().join("sub/new.toml");
        append_to_config(&fresh, &imp).unwrap();
        Config::load(Some(&fresh)).unwrap();
    }

    #[test]
    fn shell_words_split_like_a_shell() {
        assert_eq!(
            split_words(r#"a "b c" 'd e' f\ g "h\"i""#).unwrap(),
            ["a", "b c", "d e", "f g", "h\"i"]
        );
        assert!(split_words("'open").is_err());
    }

    #[test]
    fn compose_durations_parse() {
        assert_eq!(
            parse_compose_duration("1m30s"),
            Some(Duration::from_secs(90))
        );
        assert_eq!(
            parse_compose_duration("500ms"),
            Some(Duration::from_millis(500))
        );
        assert_eq!(parse_compose_duration("10"), Some(Duration::from_secs(10)));
        assert_eq!(parse_compose_duration("soon"), None);
    }
}
