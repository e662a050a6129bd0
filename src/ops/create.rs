//! Creating an environment: reserve the record and its ports under the lock,
//! make the Docker objects unlocked (services in parallel), commit each status
//! as it is reached, and on any failure (a pull, a port taken at bind time, a
//! container that exits, a timeout, Ctrl-C) mark the record `failed` with the
//! reason and roll back everything labelled with the environment.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::time::Duration;

use chrono::Utc;
use futures_util::future::try_join_all;
use tokio::time::Instant;

use crate::access::{Action, Caller};
use crate::config::{Config, NetworkConfig, ServiceSpec, Template};
use crate::context::Context;
use crate::engine::labels as label;
use crate::engine::readiness;
use crate::engine::{ContainerSpec, Engine, NetworkError, Runtime};
use crate::error::{Error, Result};
use crate::names;
use crate::ops::progress::{Progress, Step};
use crate::ports;
use crate::store::runs::{self, Task};
use crate::store::{Environment, Operation, ServiceState, Status, Store};

/// What `envctl create` (and `one-click`, and the API) asks for.
#[derive(Debug, Clone, Default)]
pub struct CreateOptions {
    /// Environment name; generated from the owner when `None`.
    pub name: Option<String>,
    /// Template name; the config's default when `None`.
    pub template: Option<String>,
    /// Owner; the current user when `None`.
    pub owner: Option<String>,
    pub labels: BTreeMap<String, String>,
    /// Time to live; the config's default when `None`.
    pub ttl: Option<Duration>,
    /// Wait until every service is ready (else return once started).
    pub wait: bool,
    /// Limit for the whole create; the config's default when `None`.
    pub timeout: Option<Duration>,
    /// On failure keep the containers for inspection (the record is still `failed`).
    pub keep_on_failure: bool,
    /// Pinned environments are never removed by cleanup.
    pub pinned: bool,
    /// Create cold even when the template has a warm pool with a ready member.
    pub no_pool: bool,
    /// Make a member of the template's warm pool (the pool's own creates).
    pub for_pool: bool,
    /// Restore the volumes of this archive (an id, or an environment name
    /// for its newest) into the new environment before it starts; the
    /// template is the archive's unless `template` says otherwise.
    pub from_archive: Option<String>,
}

impl CreateOptions {
    /// The one check of a create request, whichever door it came through:
    /// name, owner, labels, durations within their maximum, the template.
    pub fn validate(&self, config: &Config) -> Result<()> {
        if let Some(name) = &self.name {
            names::check_name(name)?;
        }
        if let Some(owner) = &self.owner {
            names::check_owner(owner)?;
        }
        names::check_labels(&self.labels)?;
        if let Some(ttl) = self.ttl {
            crate::config::durations::check("ttl", ttl)?;
            if let Some(max) = config.defaults.max_lifetime
                && ttl > max
            {
                return Err(Error::InvalidInput(format!(
                    "ttl: at most [defaults] max_lifetime = {}, got {}",
                    humantime::format_duration(max),
                    humantime::format_duration(ttl)
                )));
            }
        }
        if let Some(timeout) = self.timeout {
            crate::config::durations::check("timeout", timeout)?;
            if timeout.is_zero() {
                return Err(Error::InvalidInput(
                    "timeout: must be more than zero".into(),
                ));
            }
        }
        if let Some(t) = &self.template {
            config.template(t)?;
        }
        Ok(())
    }
}

/// Creates an environment for `caller`. `cancel` resolving (Ctrl-C) stops
/// the work and rolls back.
pub async fn create(
    ctx: &Context,
    caller: &Caller,
    opts: &CreateOptions,
    progress: &dyn Progress,
    cancel: impl Future<Output = ()>,
) -> Result<Environment> {
    // A refusal is logged by `reserve_environment`, the outcome by `provision`
    // (a claim's by the pool).
    match reserve_environment(ctx, caller, opts).await? {
        Start::Claimed(env) => {
            progress.environment(&env);
            Ok(env)
        }
        Start::Cold(reservation) => {
            progress.environment(&reservation.env);
            provision(ctx, caller, reservation, opts, progress, cancel).await
        }
    }
}

/// How a create begins: with a member claimed from the template's warm pool
/// (running and ready: nothing more to do), or with a reservation to build.
#[derive(Debug)]
pub enum Start {
    Claimed(Environment),
    Cold(Reservation),
}

/// A record reserved (status `creating`, ports held) and not yet built.
#[derive(Debug, Clone)]
pub struct Reservation {
    pub env: Environment,
    /// True when the template has a warm pool and it had no member to claim.
    pub pool_miss: bool,
    instance: String,
    template: Template,
    deadline: Instant,
    timeout: Duration,
    /// With `from_archive`: what goes back into which service.
    pub restore: Option<Box<crate::ops::archive::Restore>>,
}

/// The first half of a create: checks the request, reaches Docker, then
/// claims a ready member of the template's warm pool, or writes the
/// `creating` record with its ports. The API answers with this record and
/// runs [`provision`] in the background.
pub async fn reserve_environment(
    ctx: &Context,
    caller: &Caller,
    opts: &CreateOptions,
) -> Result<Start> {
    let reserved = reserve_checked(ctx, caller, opts).await;
    // A create refused before it had a record is logged here; one that got
    // a record is logged by `provision`, with the record's name.
    if reserved.is_err() {
        let name = opts.name.as_deref().unwrap_or("-");
        let template = opts
            .template
            .as_deref()
            .unwrap_or(&ctx.config.defaults.template);
        let owner = opts.owner.as_deref().unwrap_or(&caller.user);
        crate::store::events::Entry::new("create")
            .target(name)
            .template(template)
            .owner(owner)
            .result(&reserved)
            .write(ctx.store.dir(), caller);
    }
    reserved
}

async fn reserve_checked(ctx: &Context, caller: &Caller, opts: &CreateOptions) -> Result<Start> {
    // The role first: a viewer is told it may not create, whatever it sent.
    caller.authorize(Action::Create, None)?;
    opts.validate(&ctx.config)?;
    let archive = match &opts.from_archive {
        Some(key) => Some(crate::ops::archive::show(ctx, caller, key)?),
        None => None,
    };
    let template_name = opts
        .template
        .clone()
        .or_else(|| archive.as_ref().map(|a| a.environment.template.clone()))
        .unwrap_or_else(|| ctx.config.defaults.template.clone());
    let template = ctx.config.template(&template_name)?.clone();
    // Developers create for themselves; operators and admins may name an owner.
    let owner = opts.owner.clone().unwrap_or_else(|| caller.user.clone());
    caller.authorize(Action::Create, Some(&owner))?;
    let restore = archive
        .map(|a| {
            crate::ops::archive::plan_restore(ctx, caller, a, &owner, &template_name, &template)
                .map(Box::new)
        })
        .transpose()?;
    // Reach Docker before writing anything, so "Docker is down" leaves the database as it was.
    let engine = ctx.engine().await?;
    let pooled = template.pool.is_some() && !opts.no_pool && !opts.for_pool && restore.is_none();
    if pooled
        && let Some(env) =
            crate::ops::pool::claim(ctx, caller, &template_name, &owner, opts).await?
    {
        return Ok(Start::Claimed(env));
    }
    let timeout = opts.timeout.unwrap_or(ctx.config.defaults.create_timeout);
    let deadline = crate::config::durations::instant_after(timeout);
    // What placement needs (on a Swarm: the nodes and the memory taken on
    // each; the node is chosen under the lock) and the ports in use
    // elsewhere in the cluster.
    let site = engine.site().await?;
    let mut secrets = crate::store::secrets::generate(&template.secrets);
    // Restored data was made with the archived secrets: keep them.
    if let Some(restore) = &restore {
        for (key, value) in &restore.secrets {
            if let Some(slot) = secrets.get_mut(key) {
                slot.clone_from(value);
            }
        }
    }
    let (env, instance, template) = reserve(
        &ctx.store,
        &ctx.config,
        &template_name,
        &template,
        &owner,
        opts,
        timeout,
        &secrets,
        &site,
    )?;
    Ok(Start::Cold(Reservation {
        env,
        pool_miss: pooled,
        instance,
        template,
        deadline,
        timeout,
        restore,
    }))
}

/// The second half of a create: builds what `reservation` describes, rolling
/// back on failure or when `cancel` resolves.
pub async fn provision(
    ctx: &Context,
    caller: &Caller,
    reservation: Reservation,
    opts: &CreateOptions,
    progress: &dyn Progress,
    cancel: impl Future<Output = ()>,
) -> Result<Environment> {
    // From the reservation: what the user waits for, whichever door answered first.
    let reserved_at = reservation.deadline.checked_sub(reservation.timeout);
    let described = reservation.env.clone();
    let result = provision_inner(ctx, reservation, opts, progress, cancel).await;
    let mut entry = crate::store::events::Entry::new("create")
        .environment(result.as_ref().unwrap_or(&described))
        .result(&result);
    if let Some(at) = reserved_at {
        entry = entry.since(at.into_std());
    }
    entry.write(ctx.store.dir(), caller);
    // A create the user interrupted did not fail: the ledger counts the others.
    if !matches!(result, Err(crate::Error::Interrupted)) {
        runs::mark_result(ctx.store.dir(), Task::Create, &result);
    }
    result
}

async fn provision_inner(
    ctx: &Context,
    reservation: Reservation,
    opts: &CreateOptions,
    progress: &dyn Progress,
    cancel: impl Future<Output = ()>,
) -> Result<Environment> {
    let engine = ctx.engine().await?;
    let Reservation {
        env,
        instance,
        template,
        deadline,
        timeout,
        restore,
        ..
    } = reservation;
    if let Some(restore) = &restore {
        for name in &restore.left_out {
            progress.service(name, Step::NotRestored);
        }
    }
    let work = build(
        ctx,
        engine,
        &instance,
        &env,
        &template,
        opts.wait,
        deadline,
        progress,
        restore.as_deref(),
    );
    let outcome = tokio::select! {
        r = tokio::time::timeout_at(deadline, work) => r.unwrap_or_else(|_| Err(Error::Failed(format!(
            "timed out after {} (raise --timeout or the template's ready.timeout)",
            humantime::format_duration(timeout)
        )))),
        () = cancel => Err(Error::Interrupted),
    };
    match outcome {
        Ok(env) => Ok(env),
        Err(error) => {
            let cause = error.chain_text();
            let error = fail(
                &ctx.store,
                engine,
                &instance,
                &env,
                error,
                opts.keep_on_failure,
                progress,
            )
            .await;
            if !matches!(error, Error::Interrupted | Error::Conflict(_)) {
                crate::notify::emit(ctx, crate::notify::Notice::failed(&env, "create", &cause));
            }
            Err(error)
        }
    }
}

/// Under the lock: check the name, pick the port block, resolve the
/// template's variables, store the secrets and write the `creating` record.
/// Answers the record, the instance id and the resolved template.
#[allow(clippy::too_many_arguments)]
fn reserve(
    store: &Store,
    config: &Config,
    template_name: &str,
    template: &Template,
    owner: &str,
    opts: &CreateOptions,
    timeout: Duration,
    secrets: &BTreeMap<String, String>,
    site: &crate::engine::Site,
) -> Result<(Environment, String, Template)> {
    store.insert(|others| {
        let name = match &opts.name {
            Some(name) => {
                if let Some(existing) = others.find(name) {
                    return Err(Error::Conflict(format!(
                        "an environment named '{name}' already exists (id {}, {})",
                        existing.id, existing.status
                    )));
                }
                name.clone()
            }
            None => loop {
                let candidate = names::default_name(owner);
                if others.find(&candidate).is_none() {
                    break candidate;
                }
            },
        };
        let id = loop {
            let candidate = names::new_id();
            if others.find(&candidate).is_none() {
                break candidate;
            }
        };
        let held = others.port_ranges();
        // The node, chosen here under the lock: an environment reserved
        // meanwhile takes its node's room before its services exist, and
        // one made after the engine was read counts too. A template since
        // removed from the config promises nothing, nor does a create whose
        // process is gone: what it made counts as the engine read it.
        let now = Utc::now();
        let being_made = others.iter().filter_map(|b| {
            let node = b.node.as_deref()?;
            if matches!(b.status, Status::Failed | Status::Deleting) {
                return None;
            }
            let memory = config.templates.get(b.template.as_ref())?.memory_bytes();
            let being_made = matches!(b.status, Status::Creating | Status::Prepared);
            if being_made
                && b.operation
                    .as_ref()
                    .is_some_and(|op| op.abandoned(now).is_some())
            {
                return None;
            }
            let uncounted = site.uncounted(others.instance_id, &b.id, memory, being_made);
            (uncounted > 0).then_some((node, uncounted))
        });
        let node = site.place(template.memory_bytes(), being_made)?;
        let size = template.block_size();
        let base = ports::allocate(config.ports.base, config.ports.max, size, &held, |port| {
            !site.taken_ports.contains(&port) && ports::host_port_is_free(port)
        })?;
        // Without a TTL, an environment ends at the longest lifetime allowed.
        let ttl = opts
            .ttl
            .or(config.defaults.ttl)
            .or(config.defaults.max_lifetime);
        let mut env = Environment {
            id: id.clone(),
            name,
            template: template_name.to_owned(),
            owner: owner.to_owned(),
            status: Status::Creating,
            ready: false,
            base_port: base,
            port_count: size,
            ports: BTreeMap::new(),
            urls: BTreeMap::new(),
            services: BTreeMap::new(),
            created_at: now,
            updated_at: now,
            expires_at: ttl.map(|t| crate::config::durations::add(now, t)),
            labels: opts.labels.clone(),
            error: None,
            pinned: opts.pinned,
            operation: Some(Operation::begin("create", timeout)),
            pool: opts.for_pool.then(|| template_name.to_owned()),
            from_pool: false,
            node: node.clone(),
        };
        // On a Swarm, URLs name the node's address.
        let public_host = crate::store::Node::url_host(node.as_ref(), &config.ports.public_host);
        for s in &template.services {
            if s.port.is_some() {
                let port = base + s.offset;
                env.ports.insert(s.name.clone(), port);
                env.urls
                    .insert(s.name.clone(), format!("http://{public_host}:{port}"));
            }
            env.services.insert(
                s.name.clone(),
                ServiceState {
                    image: s.image.clone(),
                    container: container_name(&id, &s.name),
                    ready: false,
                    sign_in: None,
                    job: template.is_job(&s.name),
                },
            );
        }
        // Resolved once, here: a label the template needs and the create
        // lacks fails before anything is written.
        let resolved = template.resolve(&values(&env, config, secrets, &host_values(config)))?;
        for s in &resolved.services {
            if let Some(state) = env.services.get_mut(&s.name) {
                state.sign_in = s.sign_in.clone();
            }
        }
        crate::store::secrets::save(store.dir(), &id, secrets)?;
        Ok((env.clone(), (env, others.instance_id.to_owned(), resolved)))
    })
}

/// The values of a template's variables for `env`.
fn values<'a>(
    env: &'a Environment,
    config: &'a Config,
    secrets: &'a BTreeMap<String, String>,
    host: &'a BTreeMap<String, String>,
) -> crate::config::variables::Values<'a> {
    crate::config::variables::Values {
        name: &env.name,
        id: &env.id,
        owner: &env.owner,
        base_port: env.base_port,
        // On a Swarm, the node's address.
        public_host: crate::store::Node::url_host(env.node.as_ref(), &config.ports.public_host),
        ports: &env.ports,
        urls: &env.urls,
        secrets,
        labels: &env.labels,
        host,
    }
}

/// The variables of envctl's own environment that `[defaults] pass_env` lets
/// templates read.
fn host_values(config: &Config) -> BTreeMap<String, String> {
    config
        .defaults
        .pass_env
        .iter()
        .filter_map(|k| std::env::var(k).ok().map(|v| (k.clone(), v)))
        .collect()
}

/// What `template_name` resolves to for an environment called `name` of
/// `owner` on `base_port` (`config check --render`): no environment is made,
/// and each secret shows as `<secret NAME>`.
pub fn render_template(
    config: &Config,
    template_name: &str,
    name: &str,
    owner: &str,
    base_port: u16,
    labels: &BTreeMap<String, String>,
) -> Result<Template> {
    let template = config.template(template_name)?;
    let id = "00000000";
    let mut env = Environment {
        id: id.into(),
        name: name.into(),
        template: template_name.into(),
        owner: owner.into(),
        status: Status::Creating,
        ready: false,
        base_port,
        port_count: template.block_size(),
        ports: BTreeMap::new(),
        urls: BTreeMap::new(),
        services: BTreeMap::new(),
        created_at: Utc::now(),
        updated_at: Utc::now(),
        expires_at: None,
        labels: labels.clone(),
        error: None,
        pinned: false,
        operation: None,
        pool: None,
        from_pool: false,
        node: None,
    };
    for s in template.services.iter().filter(|s| s.port.is_some()) {
        let port = base_port.saturating_add(s.offset);
        env.ports.insert(s.name.clone(), port);
        env.urls.insert(
            s.name.clone(),
            format!("http://{}:{port}", config.ports.public_host),
        );
    }
    let secrets = template
        .secrets
        .keys()
        .map(|k| (k.clone(), format!("<secret {k}>")))
        .collect();
    template.resolve(&values(&env, config, &secrets, &host_values(config)))
}

/// `env`'s template with its variables resolved as they were at create time
/// (the same record, the same stored secrets): what start probes.
pub fn resolved_template(ctx: &Context, env: &Environment) -> Result<Template> {
    let template = ctx.config.template(&env.template)?;
    let secrets = crate::store::secrets::load(ctx.store.dir(), &env.id)?;
    template.resolve(&values(
        env,
        &ctx.config,
        &secrets,
        &host_values(&ctx.config),
    ))
}

/// The Docker work of a create, unlocked, committing each status as it is reached.
#[allow(clippy::too_many_arguments)]
async fn build(
    ctx: &Context,
    engine: &Engine,
    instance: &str,
    env: &Environment,
    template: &Template,
    wait: bool,
    deadline: Instant,
    progress: &dyn Progress,
    restore: Option<&crate::ops::archive::Restore>,
) -> Result<Environment> {
    let store = &ctx.store;
    // Images: each distinct one once, in parallel.
    let mut images: Vec<&str> = template.services.iter().map(|s| s.image.as_str()).collect();
    images.sort_unstable();
    images.dedup();
    try_join_all(images.into_iter().map(|image| async move {
        if engine.has_image(image).await? {
            return Ok(());
        }
        let users: Vec<&str> = template
            .services
            .iter()
            .filter(|s| s.image == image)
            .map(|s| s.name.as_str())
            .collect();
        engine
            .pull(image, |done, total| {
                for s in &users {
                    progress.service(s, Step::Pulling { done, total });
                }
            })
            .await
    }))
    .await?;

    let base_labels = label::environment(instance, env);
    let network = network_name(&env.id);
    create_network(
        engine,
        &network,
        &env.id,
        base_labels.clone(),
        &ctx.config.network,
    )
    .await?;

    // Each service starts as soon as its container exists (the engine's
    // starts are the slowest step); the record turns `prepared` when every
    // container exists, while the first ones may already be starting.
    let (created_tx, mut created_rx) = tokio::sync::watch::channel(0usize);
    let services = template.services.len();
    let gates = crate::ops::order::Gates::new(
        Some(template),
        template.services.iter().map(|s| s.name.as_str()),
    );
    let gates = &gates;
    let make_and_start = try_join_all(template.services.iter().map(|s| {
        let labels = base_labels.clone();
        let network = network.clone();
        let created_tx = &created_tx;
        async move {
            progress.service(&s.name, Step::Creating);
            // A restored volume gets the archive's files only, not the image's too.
            // (in every service that mounts it, whichever is made first).
            let no_copy: Vec<String> = restore
                .map(|r| {
                    r.volumes
                        .iter()
                        .map(|(v, _, _)| format!("envctl-{}-{}", env.id, v.name))
                        .collect()
                })
                .unwrap_or_default();
            let mut volumes = Vec::new();
            for v in &s.volumes {
                let v = v.clone();
                let volume = format!("envctl-{}-{}", env.id, v.name);
                let mut vlabels = labels.clone();
                vlabels.insert(label::SERVICE.into(), s.name.clone());
                engine.create_volume(&volume, vlabels).await?;
                volumes.push((volume, v.target, v.read_only));
            }
            engine
                .create_container(container_spec(
                    env,
                    s,
                    labels,
                    network,
                    volumes,
                    no_copy,
                    template.is_job(&s.name),
                    ctx.config.defaults.stop_timeout,
                ))
                .await?;
            let mut all_made = created_tx.subscribe();
            if let Some(restore) = restore {
                let container = container_name(&env.id, &s.name);
                crate::ops::archive::restore_service(
                    ctx, engine, restore, &s.name, &container, progress,
                )
                .await?;
            }
            created_tx.send_modify(|n| *n += 1);
            // A restore fills volumes other services may share: nothing
            // starts before every container is made and every volume restored.
            if restore.is_some() {
                let _ = all_made.wait_for(|n| *n == services).await;
            }
            gates.before_start(&s.name, progress).await;
            progress.service(&s.name, Step::Starting);
            engine
                // A second past the create's own: its timeout is what a slow start reports.
                .start_container(
                    &container_name(&env.id, &s.name),
                    service_deadline(deadline, None),
                )
                .await
                .map_err(|e| Error::Failed(format!("service {}: {e}", s.name)))?;
            gates
                .after_start(store, engine, env, &s.name, deadline, progress)
                .await
        }
    }));
    let prepared = async {
        // Ends only when all are made; a failure above ends the join first.
        let _ = created_rx.wait_for(|n| *n == services).await;
        let env = store.commit(&env.id, |e| e.transition(Status::Prepared))?;
        progress.environment(&env);
        Ok::<_, Error>(())
    };
    futures_util::future::try_join(make_and_start, prepared).await?;

    let env = store.commit(&env.id, |e| {
        e.transition(Status::Running)?;
        if !wait {
            e.operation = None;
        }
        Ok(())
    })?;
    progress.environment(&env);
    if !wait {
        return Ok(env);
    }
    wait_until_ready(store, engine, &env, template, deadline, progress).await
}

/// Creates the environment's network: on a subnet of `[network] subnet_pool`
/// when configured (starting at a place derived from the id, moving on past
/// subnets other networks hold), else wherever Docker puts it.
async fn create_network(
    engine: &Engine,
    name: &str,
    env_id: &str,
    labels: HashMap<String, String>,
    config: &NetworkConfig,
) -> Result<()> {
    let Some((pool, pool_len)) = config.pool() else {
        return engine
            .create_network(name, labels, None)
            .await
            .map_err(network_error);
    };
    let prefix = config.subnet_prefix;
    let count = 1u64 << (prefix - pool_len);
    let start = u64::from(u32::from_str_radix(env_id, 16).unwrap_or(0)) % count;
    for i in 0..count.min(256) {
        let index = (start + i) % count;
        let base = u32::from(pool) + (index as u32) * (1u32 << (32 - prefix));
        let subnet = format!("{}/{prefix}", std::net::Ipv4Addr::from(base));
        match engine
            .create_network(name, labels.clone(), Some(subnet))
            .await
        {
            Ok(()) => return Ok(()),
            Err(NetworkError::SubnetTaken) => continue,
            Err(NetworkError::Other(e)) => return Err(e),
        }
    }
    Err(Error::Failed(format!(
        "no free /{prefix} subnet found in [network] subnet_pool {}: widen it",
        config.subnet_pool.as_deref().unwrap_or_default()
    )))
}

fn network_error(e: NetworkError) -> Error {
    match e {
        NetworkError::SubnetTaken => Error::Failed("the network's subnet is taken".into()),
        NetworkError::Other(e) => e,
    }
}

/// Waits for every service's probe, committing each service's `ready` as it
/// comes, then the environment's.
pub(crate) async fn wait_until_ready(
    store: &Store,
    engine: &Engine,
    env: &Environment,
    template: &Template,
    deadline: Instant,
    progress: &dyn Progress,
) -> Result<Environment> {
    try_join_all(template.services.iter().map(|s| async move {
        progress.service(&s.name, Step::Waiting);
        let service_deadline = service_deadline(deadline, s.ready_timeout());
        let container = container_name(&env.id, &s.name);
        let port = env.ports.get(&s.name).copied();
        readiness::wait_ready(
            engine,
            &s.name,
            &container,
            &template.probe(s),
            port.map(|p| (env.probe_host(), p)),
            service_deadline,
        )
        .await?;
        let updated = store.commit(&env.id, |e| {
            if let Some(state) = e.services.get_mut(&s.name) {
                state.ready = true;
            }
            Ok(())
        })?;
        progress.service(&s.name, Step::Ready);
        progress.environment(&updated);
        Ok::<_, Error>(())
    }))
    .await?;
    let env = store.commit(&env.id, |e| {
        e.ready = e.status == Status::Running && e.services.values().all(|s| s.ready);
        e.operation = None;
        Ok(())
    })?;
    progress.environment(&env);
    Ok(env)
}

/// Records the failure and rolls back; returns the error to report.
async fn fail(
    store: &Store,
    engine: &Engine,
    instance: &str,
    env: &Environment,
    error: Error,
    keep: bool,
    progress: &dyn Progress,
) -> Error {
    let reason = match &error {
        Error::Interrupted => "interrupted before it was ready".to_owned(),
        other => other.chain_text(),
    };
    // Mark the record failed, unless it was deleted (or is being deleted)
    // meanwhile: then the deleter owns it and we only remove what we made.
    let marked = store.update(
        |db| match db.environments.iter_mut().find(|e| e.id == env.id) {
            Some(e) if e.status != Status::Deleting => {
                e.fail(reason.clone());
                Ok(Some(e.clone()))
            }
            _ => Ok(None),
        },
    );
    let deleted_under_us = matches!(marked, Ok(None));
    if let Ok(Some(e)) = &marked {
        progress.environment(e);
    }
    let kept = keep && !deleted_under_us;
    let rollback = if kept {
        Ok(())
    } else {
        roll_back(engine, instance, &env.id).await
    };
    if deleted_under_us {
        return Error::Conflict(format!(
            "environment '{}' was deleted while it was being created",
            env.name
        ));
    }
    if matches!(error, Error::Interrupted) {
        return error;
    }
    let what_happened = match (kept, rollback) {
        (true, _) => format!(
            "its containers were kept for inspection (`envctl logs {}`)",
            env.name
        ),
        (false, Ok(())) => "everything it had created was removed".to_owned(),
        (false, Err(e)) => format!(
            "rolling back failed too ({e}); run `envctl delete {}`",
            env.name
        ),
    };
    let message = format!(
        "environment '{}' failed: {reason}\n  {what_happened}; the record stays as failed \
         (`envctl show {}`, `envctl delete {}`)",
        env.name, env.name, env.name
    );
    match error {
        // The output is for whoever ran the create, never for the record or the log.
        Error::ServiceExited { output, .. } if !output.is_empty() => {
            Error::FailedWithOutput { message, output }
        }
        _ => Error::Failed(message),
    }
}

/// Removes everything labelled with the environment. A create stopped
/// mid-request (Ctrl-C, a timeout) may have a request still being carried out
/// by the engine, which then makes its object after the first sweep; so sweep
/// again, half a second apart, until a sweep finds nothing.
async fn roll_back(engine: &Engine, instance: &str, env_id: &str) -> Result<()> {
    for pass in 0..4 {
        let removed = engine.remove_environment(instance, env_id, false).await?;
        let nothing = removed.containers + removed.networks + removed.volumes == 0;
        if pass > 0 && nothing {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    Ok(())
}

/// How long one service's readiness is waited for: its own `ready.timeout`
/// when that ends first; else a moment past the operation's `deadline`, so
/// that the operation's own timeout (which names `--timeout`) is the one
/// reported, not a race between two errors due at the same instant.
pub(crate) fn service_deadline(deadline: Instant, ready_timeout: Option<Duration>) -> Instant {
    match ready_timeout.map(|t| Instant::now() + t) {
        Some(own) if own < deadline => own,
        _ => deadline + Duration::from_secs(1),
    }
}

pub fn container_name(env_id: &str, service: &str) -> String {
    format!("envctl-{env_id}-{service}")
}

pub fn network_name(env_id: &str) -> String {
    format!("envctl-{env_id}")
}

#[allow(clippy::too_many_arguments)]
fn container_spec(
    env: &Environment,
    s: &ServiceSpec,
    labels: HashMap<String, String>,
    network: String,
    volumes: Vec<(String, String, bool)>,
    no_copy: Vec<String>,
    job: bool,
    stop_grace: Duration,
) -> ContainerSpec {
    let host_port = env.ports.get(&s.name).copied();
    let mut labels = label::service(labels, &s.name, s.sign_in.as_deref(), host_port);
    if job {
        labels.insert(label::JOB.into(), "true".into());
    }
    ContainerSpec {
        name: container_name(&env.id, &s.name),
        image: s.image.clone(),
        env: s.env.iter().map(|(k, v)| format!("{k}={v}")).collect(),
        command: s.command.clone(),
        labels,
        network,
        alias: s.name.clone(),
        publish: s.port.zip(host_port),
        volumes,
        no_copy,
        cpus: s.cpus,
        memory: s.memory_bytes(),
        pids: s.pids,
        health_cmd: s.ready.as_ref().and_then(|r| r.cmd.clone()),
        node: env.node.as_ref().map(|n| n.id.clone()),
        stop_grace,
    }
}
