//! The listener of `envctl serve`: accepts connections and serves [`app`]
//! on each, with the limits a server on a shared host needs.
//!
//! - A connection that does not send a whole request header within
//!   `[api] header_timeout` (default 10 s) is closed: a new one that says
//!   nothing, a slow-loris sending a byte at a time, or a kept-alive one idle
//!   between requests (hyper starts the same timer while it waits for the
//!   next request).
//! - At most `[api] max_connections` (default 512) connections are served at
//!   once; past it, new ones wait in the listen queue (and a log line says
//!   so once), so the process never runs out of file descriptors. An accept
//!   that fails (out of descriptors) is logged and retried after a pause.
//! - SIGTERM or Ctrl-C: stop accepting at once, end the event streams and
//!   interrupt creates in flight (they roll back), let requests in flight
//!   finish for `[api] shutdown_grace` (default 10 s), then close whatever is
//!   left, and wait (bounded) for the rollbacks.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use tower::ServiceExt;

use super::{App, app, monitor, upkeep};

/// How long a rollback of a create interrupted by the shutdown may take.
const ROLLBACK_LIMIT: Duration = Duration::from_secs(60);

/// Serves `state` on `listen` until Ctrl-C or SIGTERM.
pub async fn serve(state: Arc<App>, listen: SocketAddr) -> crate::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| crate::Error::Failed(format!("cannot listen on {listen}: {e}")))?;
    if let Some(warning) = crate::store::permission_warning(state.ctx.store.dir()) {
        tracing::warn!("{warning}");
    }
    // The server's life, for the report's uptime (with the monitor's minute lines).
    let server = crate::access::Caller::server();
    crate::store::events::Entry::new("server-start")
        .detail(&format!("listening on {listen}"))
        .write(state.ctx.store.dir(), &server);
    raise_open_files_limit();
    tokio::spawn(upkeep::run(Arc::downgrade(&state)));
    tokio::spawn(monitor::run(Arc::downgrade(&state)));
    tokio::spawn(crate::notify::deliver::run(Arc::downgrade(&state.ctx)));
    let api = &state.ctx.config.api;
    let router = app(state.clone());
    let slots = Arc::new(tokio::sync::Semaphore::new(api.max_connections));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    // HTTP/1.1 only: every client speaks it, and its header timeout also
    // closes idle kept-alive connections (HTTP/2 has no such timer).
    let mut builder = auto::Builder::new(TokioExecutor::new()).http1_only();
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(api.header_timeout);

    let stop = shutdown_signal();
    tokio::pin!(stop);
    let mut at_limit = false;
    loop {
        if slots.available_permits() == 0 && !at_limit {
            at_limit = true;
            tracing::warn!(
                max_connections = api.max_connections,
                "connection limit reached; new connections wait until one closes \
                 (raise [api] max_connections if this is normal load)"
            );
        }
        let permit = tokio::select! {
            permit = slots.clone().acquire_owned() => match permit {
                Ok(p) => p,
                Err(_) => break,
            },
            () = &mut stop => break,
        };
        if slots.available_permits() > 0 {
            at_limit = false;
        }
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors, most often: wait for some to close.
                    tracing::error!(error = %e, "accepting a connection failed; retrying shortly");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        keep_alive(&stream);
        let service = TowerToHyperService::new(router.clone().map_request(
            move |mut request: axum::http::Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request
            },
        ));
        let connection = builder
            // Upgrades: remote exec (see api::exec).
            .serve_connection_with_upgrades(TokioIo::new(stream), service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    state.closing.send_replace(true);
    // Creates still provisioning are interrupted and roll back, so nothing is left half made.
    state.stopping.send_replace(true);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(api.shutdown_grace) => {
            tracing::warn!("closing connections still busy after the shutdown grace period");
        }
    }
    let settled = async {
        while state.in_flight.load(Ordering::SeqCst) > 0 {
            let idle = state.idle.notified();
            if state.in_flight.load(Ordering::SeqCst) == 0 {
                break;
            }
            idle.await;
        }
    };
    let _ = tokio::time::timeout(ROLLBACK_LIMIT, settled).await;
    crate::store::events::Entry::new("server-stop").write(state.ctx.store.dir(), &server);
    Ok(())
}

async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let Ok(mut term) = signal(SignalKind::terminate()) else {
        return std::future::pending().await;
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}

/// Raises the soft limit of open files to the hard one, as Go programs
/// (dockerd among them) do: the monitor holds a connection to the engine per
/// running container (see [`crate::engine::Runtime::watched_samples`]), and
/// systemd's default soft limit of 1,024 is fewer than the containers of a
/// few hundred environments. Best effort: a refusal keeps the limit.
fn raise_open_files_limit() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: pointers to a live rlimit, as the calls expect.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 && limit.rlim_cur < limit.rlim_max
        {
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}

/// TCP keepalive on a connection (first probe after a minute idle, then every
/// 15 s, 4 tries): a remote exec or a followed log whose client vanished
/// without closing (a laptop asleep, a network gone) ends within about two
/// minutes and frees its stream slot, instead of holding it for ever.
fn keep_alive(stream: &tokio::net::TcpStream) {
    use std::os::fd::AsRawFd;
    let fd = stream.as_raw_fd();
    let set = |level: libc::c_int, name: libc::c_int, value: libc::c_int| {
        // SAFETY: a valid socket and a pointer to a live c_int of the size given.
        unsafe {
            libc::setsockopt(
                fd,
                level,
                name,
                (&value as *const libc::c_int).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        }
    };
    // Best effort: a socket that refuses keeps the system's defaults.
    set(libc::SOL_SOCKET, libc::SO_KEEPALIVE, 1);
    set(libc::IPPROTO_TCP, libc::TCP_KEEPIDLE, 60);
    set(libc::IPPROTO_TCP, libc::TCP_KEEPINTVL, 15);
    set(libc::IPPROTO_TCP, libc::TCP_KEEPCNT, 4);
}
