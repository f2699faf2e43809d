//! The experiment: one echo protocol served four ways, and a client that holds
//! many connections open while it measures a few.
//!
//! The program that runs it and prints the figures is
//! `solutions/08-async-with-tokio/examples/experiment/`: `cargo run --release
//! -p solution-8 --example experiment`.

mod blocking;
mod client;
mod pool;

use std::io;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use socket2::{Domain, Socket, Type};

pub use blocking::{accept_until, echo_until_closed, thread_per_connection};
pub use client::{Figures, Plan, hold_and_measure};
pub use pool::pool;

/// The four ways to serve the same echo protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// A fixed pool of [`pool_size`] threads, each serving one connection at a
    /// time.
    Pool,
    /// A new thread for every connection.
    ThreadPerConnection,
    /// One thread running a mio event loop (chapter 7).
    Mio,
    /// One thread running tokio, a task per connection (exercise 8.1).
    Tokio,
}

impl Model {
    pub const ALL: [Model; 4] = [
        Model::Pool,
        Model::ThreadPerConnection,
        Model::Mio,
        Model::Tokio,
    ];

    /// The short name the program takes on its command line and prints.
    pub fn name(self) -> &'static str {
        match self {
            Model::Pool => "pool",
            Model::ThreadPerConnection => "threads",
            Model::Mio => "mio",
            Model::Tokio => "tokio",
        }
    }

    pub fn from_name(name: &str) -> Option<Model> {
        Model::ALL.into_iter().find(|m| m.name() == name)
    }
}

/// `2 × cores + 1`: the usual advice for a pool of synchronous workers.
pub fn pool_size() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    2 * cores + 1
}

/// How often a blocked server thread looks at its stop flag.
pub const STOP_CHECK: Duration = Duration::from_millis(20);

// ANCHOR: serve
/// Serves the echo protocol on `listener` the way `model` does, until `stop` is
/// set.
///
/// Returns soon after `stop` is set. Connections being served by threads end
/// when their clients close them.
pub fn serve(
    model: Model,
    listener: TcpListener,
    stop: Arc<AtomicBool>,
) -> io::Result<()> {
    match model {
        Model::Pool => pool(listener, pool_size(), stop),
        Model::ThreadPerConnection => thread_per_connection(listener, stop),
        Model::Mio => event_loop::serve_echo(listener, stop),
        Model::Tokio => serve_tokio(listener, stop),
    }
}
// ANCHOR_END: serve

/// Exercise 8.1's server on a runtime that runs on this one thread, like the
/// mio loop.
fn serve_tokio(listener: TcpListener, stop: Arc<AtomicBool>) -> io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        listener.set_nonblocking(true)?;
        let listener = tokio::net::TcpListener::from_std(listener)?;
        tokio::select! {
            served = crate::echo::serve(listener) => served,
            () = stopped(&stop) => Ok(()),
        }
    })
    // Dropping the runtime drops every task, and with it every connection.
}

async fn stopped(stop: &AtomicBool) {
    while !stop.load(Ordering::Relaxed) {
        tokio::time::sleep(STOP_CHECK).await;
    }
}

/// A listener on `addr` with an accept queue of `backlog` connections (the
/// kernel may cap it: on Linux at `net.core.somaxconn`). std always asks for
/// 128.
pub fn listener(addr: SocketAddr, backlog: i32) -> io::Result<TcpListener> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    socket.listen(backlog)?;
    Ok(socket.into())
}
