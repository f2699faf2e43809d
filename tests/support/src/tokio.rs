//! Helpers for tests of async code on tokio (feature `tokio`).
//!
//! Three jobs, as for blocking code:
//!
//! - deadlines: [`within_async`] for one await, with exactly the message of
//!   [`crate::within`]; [`run`] for a whole async test body, on a runtime of its own that
//!   is shut down at the end, so no task the body spawned outlives the test;
//! - loopback: [`listener`] and [`connect`], port 0 only, a deadline on connecting;
//! - a reader's server in the background: [`serve_on_loopback`] runs it on its own thread
//!   and runtime with a [`Shutdown`] signal, and stopping it reports how many tasks were
//!   still alive when the server returned.
//!
//! ```ignore
//! #[test]
//! fn echoes_one_line() {
//!     let (server, addr) =
//!         support::tokio::serve_on_loopback("serve()", SECTION, |listener, shutdown| {
//!             serve(listener, shutdown.wait())
//!         });
//!     support::tokio::run(DEFAULT, "echo one line", SECTION, async move {
//!         let mut client = support::tokio::connect(addr).await.unwrap();
//!         // ... write, then read under within_async ...
//!     });
//!     let served = server.stop();
//!     expect_eq(served.tasks_left, 0, "tasks alive after serve() returned", SECTION);
//! }
//! ```

use std::future::{Future, IntoFuture};
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::mpsc;
use std::time::Duration;

use ::tokio::net::{TcpListener, TcpStream};
use ::tokio::runtime::{Builder, Runtime};
use ::tokio::sync::watch;

use crate::background::Background;
use crate::deadline::{self, timed_out};
use crate::net::{IO_TIMEOUT, loopback_v4};
use crate::report::Section;

/// How long a runtime's shutdown may wait for tasks blocked outside an await.
const SHUTDOWN_LIMIT: Duration = Duration::from_secs(1);

/// Awaits `work`, or fails the test once `limit` has passed, with the message
/// [`crate::within`] gives. The future is dropped at the deadline: it is cancelled, not
/// left running.
///
/// A future that blocks its thread (a loop with no `.await` in it, a blocking read) never
/// lets the timer fire; [`run`] catches that case too.
pub fn within_async<T>(
    limit: Duration,
    what: &str,
    read: Section,
    work: impl Future<Output = T>,
) -> impl Future<Output = T> {
    let what = what.to_string();
    async move {
        match ::tokio::time::timeout(limit, work).await {
            Ok(value) => value,
            Err(_elapsed) => timed_out(limit, &what, read),
        }
    }
}

/// A single-threaded runtime with timers and sockets, what every helper here runs on.
pub fn runtime() -> Runtime {
    Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .build()
        .expect("start a tokio runtime for the test")
}

/// Runs an async test body to its end on a runtime of its own, under a deadline, then
/// shuts the runtime down: tasks the body spawned and left running are dropped with it.
///
/// The deadline works whether the body awaits forever (the message of [`within_async`])
/// or blocks its thread (the message of [`crate::within`], a moment later).
#[track_caller]
pub fn run<T, F>(limit: Duration, what: &str, read: Section, body: F) -> T
where
    T: Send + 'static,
    F: Future<Output = T> + Send + 'static,
{
    let named = what.to_string();
    deadline::within(limit + SHUTDOWN_LIMIT, what, read, move || {
        let runtime = runtime();
        let value = runtime.block_on(within_async(limit, &named, read, body));
        runtime.shutdown_timeout(SHUTDOWN_LIMIT);
        value
    })
}

/// A tokio listener on `127.0.0.1`, on a port the kernel chose, and its address. Call it
/// inside the runtime that will use it.
pub async fn listener() -> (TcpListener, SocketAddr) {
    let listener = TcpListener::bind(loopback_v4())
        .await
        .expect("bind a tokio test listener on 127.0.0.1:0");
    let addr = listener.local_addr().expect("the test listener's address");
    (listener, addr)
}

/// Connects to `addr`, giving up with `TimedOut` after [`IO_TIMEOUT`]. Async streams have
/// no socket timeouts: put later reads and writes under [`within_async`].
pub async fn connect(addr: SocketAddr) -> io::Result<TcpStream> {
    match ::tokio::time::timeout(IO_TIMEOUT, TcpStream::connect(addr)).await {
        Ok(connected) => connected,
        Err(_elapsed) => Err(io::Error::new(
            io::ErrorKind::TimedOut,
            format!("no connection to {addr} within {IO_TIMEOUT:?}"),
        )),
    }
}

/// The test's request that a server shut down gracefully. Clone it for every part of the
/// server that must hear it.
#[derive(Clone, Debug)]
pub struct Shutdown {
    requested: watch::Receiver<bool>,
}

impl Shutdown {
    /// A signal and the function that raises it.
    pub fn new() -> (Shutdown, impl FnOnce() + Send + 'static) {
        let (raise, requested) = watch::channel(false);
        let ask = move || {
            // No receiver left means nobody listens any more: nothing to tell.
            let _ = raise.send(true);
        };
        (Shutdown { requested }, ask)
    }

    /// Has the shutdown been asked for?
    pub fn is_requested(&self) -> bool {
        *self.requested.borrow()
    }

    /// Completes once the shutdown is asked for (at once if it was already), for example
    /// as a branch of `tokio::select!`, or as the future a `serve` function takes.
    pub fn wait(self) -> impl Future<Output = ()> + Send + 'static {
        let mut requested = self.requested;
        async move {
            // An error means the test is gone: that is a shutdown too.
            let _ = requested.wait_for(|asked| *asked).await;
        }
    }
}

impl IntoFuture for Shutdown {
    type Output = ();
    type IntoFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.wait())
    }
}

/// What a server that was stopped left behind.
#[derive(Debug)]
pub struct Served<T> {
    /// What the server's future returned.
    pub output: T,
    /// Tasks still alive on the server's runtime when its future returned: after a
    /// graceful shutdown, 0. They are dropped with the runtime either way.
    pub tasks_left: usize,
}

/// Binds a tokio listener on loopback and runs `server(listener, shutdown)` on a thread
/// and runtime of its own; returns the guard that stops it and the address to connect to.
///
/// [`Background::stop`] raises the [`Shutdown`] signal, waits for the server's future to
/// return (5 s at most), then shuts its runtime down, so no task, thread or port is left.
/// Because the server has a thread of its own, the test may talk to it with blocking
/// clients ([`crate::net::connect`]) or inside [`run`].
pub fn serve_on_loopback<T, F, Fut>(
    what: &str,
    read: Section,
    server: F,
) -> (Background<Served<T>>, SocketAddr)
where
    T: Send + 'static,
    F: FnOnce(TcpListener, Shutdown) -> Fut + Send + 'static,
    Fut: Future<Output = T> + 'static,
{
    let (shutdown, ask) = Shutdown::new();
    let (bound, address) = mpsc::channel();
    let guard = Background::start(
        what,
        read,
        move || {
            let runtime = runtime();
            let output = runtime.block_on(async move {
                let (listener, addr) = listener().await;
                let _ = bound.send(addr);
                server(listener, shutdown).await
            });
            let tasks_left = runtime.metrics().num_alive_tasks();
            runtime.shutdown_timeout(SHUTDOWN_LIMIT);
            Served { output, tasks_left }
        },
        ask,
    );
    let addr = address
        .recv_timeout(IO_TIMEOUT)
        .expect("the server thread binds its listener");
    (guard, addr)
}
