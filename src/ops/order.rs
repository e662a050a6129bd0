//! Dependency order (a service's `depends_on`): a service starts once every
//! service it depends on has started, is ready or has completed, as its
//! condition says, with independent services in parallel; on stop, a service
//! stops once everything that depends on it has stopped.
//!
//! Each service has a [`Gates`] entry that its own task moves forward; the
//! tasks that wait on it watch it. A task that fails ends the whole join (the
//! callers use `try_join_all`), so nobody waits on a service that never comes.

use std::collections::HashMap;

use tokio::sync::watch;
use tokio::time::Instant;

use crate::config::{Condition, Template};
use crate::engine::{Engine, readiness};
use crate::error::Result;
use crate::ops::progress::{Progress, Step};
use crate::store::{Environment, Store};

/// How far a service has come (on stop: `Started` means "stopped").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Stage {
    Pending,
    Started,
    /// Its probe passed; for a job, it exited 0.
    Ready,
}

/// One watch per service of an environment.
pub struct Gates<'t> {
    template: Option<&'t Template>,
    stages: HashMap<String, watch::Sender<Stage>>,
}

impl<'t> Gates<'t> {
    /// Gates for `services`; without a template (it left the config) nobody waits.
    pub fn new<'a>(
        template: Option<&'t Template>,
        services: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        let stages = services
            .into_iter()
            .map(|s| (s.to_owned(), watch::channel(Stage::Pending).0))
            .collect();
        Gates { template, stages }
    }

    /// Waits until every dependency of `service` holds its condition.
    pub async fn before_start(&self, service: &str, progress: &dyn Progress) {
        let Some(spec) = self
            .template
            .and_then(|t| t.services.iter().find(|s| s.name == service))
        else {
            return;
        };
        for (dep, condition) in spec.depends_on.iter() {
            let need = match condition {
                Condition::Started => Stage::Started,
                Condition::Ready | Condition::Completed => Stage::Ready,
            };
            self.wait(dep, need, service, condition, progress).await;
        }
    }

    /// Waits until every service that depends on `service` has stopped.
    pub async fn before_stop(&self, service: &str, progress: &dyn Progress) {
        let Some(template) = self.template else {
            return;
        };
        for dependant in template.dependants(service) {
            self.wait(
                dependant,
                Stage::Started,
                service,
                Condition::Started,
                progress,
            )
            .await;
        }
    }

    async fn wait(
        &self,
        on: &str,
        need: Stage,
        service: &str,
        condition: Condition,
        progress: &dyn Progress,
    ) {
        let Some(stage) = self.stages.get(on) else {
            return;
        };
        let mut rx = stage.subscribe();
        if *rx.borrow() >= need {
            return;
        }
        progress.service(
            service,
            Step::WaitingFor {
                service: on.to_owned(),
                condition,
            },
        );
        // The sender lives in `self`, so this ends only when the stage is reached.
        let _ = rx.wait_for(|s| *s >= need).await;
    }

    /// `service` was stopped (the stop order's gate).
    pub fn stopped(&self, service: &str) {
        self.reach(service, Stage::Started);
    }

    fn reach(&self, service: &str, stage: Stage) {
        if let Some(tx) = self.stages.get(service) {
            tx.send_if_modified(|s| {
                let moved = *s < stage;
                if moved {
                    *s = stage;
                }
                moved
            });
        }
    }

    /// `service` was started. When another waits for it to be ready or to
    /// complete, probes it now (recording its `ready`) before the others go on.
    pub async fn after_start(
        &self,
        store: &Store,
        engine: &Engine,
        env: &Environment,
        service: &str,
        deadline: Instant,
        progress: &dyn Progress,
    ) -> Result<()> {
        self.reach(service, Stage::Started);
        let Some(template) = self.template else {
            return Ok(());
        };
        let Some(spec) = template.services.iter().find(|s| s.name == service) else {
            return Ok(());
        };
        if template
            .awaited(service)
            .is_none_or(|c| c == Condition::Started)
        {
            return Ok(());
        }
        progress.service(service, Step::Waiting);
        let deadline = crate::ops::create::service_deadline(deadline, spec.ready_timeout());
        let container = crate::ops::create::container_name(&env.id, service);
        readiness::wait_ready(
            engine,
            service,
            &container,
            &template.probe(spec),
            env.ports.get(service).map(|&p| (env.probe_host(), p)),
            deadline,
        )
        .await?;
        let updated = store.commit(&env.id, |e| {
            if let Some(state) = e.services.get_mut(service) {
                state.ready = true;
            }
            Ok(())
        })?;
        progress.service(service, Step::Ready);
        progress.environment(&updated);
        self.reach(service, Stage::Ready);
        Ok(())
    }
}
