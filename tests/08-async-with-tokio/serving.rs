//! The support crate's tokio helpers, shaped for this chapter's tests.
//!
//! Each server runs on a runtime of its own thread (`support::tokio`); the tests
//! talk to it with ordinary blocking sockets that have timeouts.

use std::future::Future;
use std::net::SocketAddr;

use support::background::Background;
use support::tokio::{Served, serve_on_loopback};
use support::{Section, deadline};
use tokio::net::TcpListener;

/// Runs the future that `make` builds to its end on a runtime of its own,
/// failing the test when it takes longer than the default deadline.
#[track_caller]
pub fn block_on<T, F, Fut>(what: &str, read: Section, make: F) -> T
where
    T: Send + 'static,
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    support::tokio::run(deadline::DEFAULT, what, read, async move { make().await })
}

/// A server on a loopback port, stopped when this value is dropped.
pub struct Running {
    pub addr: SocketAddr,
    _server: Background<Served<()>>,
}

/// Runs `serve(listener)` on loopback until the test is over (or until it ends
/// by itself, say with the panic of an unsolved exercise).
pub fn start<F, Fut>(what: &str, read: Section, serve: F) -> Running
where
    F: FnOnce(TcpListener) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + 'static,
{
    let (server, addr) = serve_on_loopback(what, read, |listener, shutdown| async move {
        tokio::select! {
            () = serve(listener) => {}
            () = shutdown.wait() => {}
        }
    });
    Running {
        addr,
        _server: server,
    }
}
