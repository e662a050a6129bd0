//! What every operation needs: the configuration, the database and (lazily,
//! so commands that only read the database never wait on Docker) the engine.

use tokio::sync::OnceCell;

use crate::config::Config;
use crate::engine::Engine;
use crate::error::Result;
use crate::store::Store;

pub struct Context {
    pub config: Config,
    pub store: Store,
    /// Wakes the delivery task and counts deliveries (see `crate::notify`).
    pub notifier: crate::notify::Notifier,
    engine: OnceCell<Engine>,
}

impl Context {
    pub fn new(config: Config, store: Store) -> Context {
        crate::store::events::configure(config.events.limits());
        Context {
            config,
            store,
            notifier: crate::notify::Notifier::default(),
            engine: OnceCell::new(),
        }
    }

    /// The engine `[engine]` names, connected on first use.
    pub async fn engine(&self) -> Result<&Engine> {
        self.engine
            .get_or_try_init(|| Engine::connect(&self.config.engine))
            .await
    }
}
