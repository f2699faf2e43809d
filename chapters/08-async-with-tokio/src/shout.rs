//! Exercises 8.4 and 8.5: a line server that waits on three things at once, and
//! stops gracefully.
//!
//! The protocol: the client sends lines, the server answers each one in
//! capitals. A client that sends no line for `idle` is told so and
//! disconnected. When the server shuts down, every client is told so and
//! disconnected.

use std::future::Future;
use std::io;
use std::time::Duration;

use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::lines::{MAX_LINE, read_line};

/// What the server writes before it closes an idle connection.
pub const IDLE_GOODBYE: &str = "idle for too long, goodbye\n";
/// What the server writes to every connection when it shuts down.
pub const SHUTDOWN_GOODBYE: &str = "server shutting down, goodbye\n";

/// Why a connection ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// The client closed its side between lines.
    PeerClosed,
    /// No line arrived within the idle limit.
    Idle,
    /// The server is shutting down.
    Shutdown,
}

// ANCHOR: connection
/// Serves one connection: each line comes back in capitals, until the client
/// closes, stays idle for `idle`, or `shutdown` changes (or its sender is
/// dropped).
pub async fn connection(
    stream: TcpStream,
    idle: Duration,
    mut shutdown: watch::Receiver<bool>,
) -> io::Result<Ending> {
    todo!("select! in a loop: read_line, sleep(idle), shutdown.changed()")
}
// ANCHOR_END: connection

/// How a graceful shutdown went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stopped {
    /// Connections open at shutdown whose task ended within the grace period.
    pub finished: usize,
    /// Connections still busy when the grace period ran out, whose tasks were
    /// aborted.
    pub aborted: usize,
}

// ANCHOR: serve
/// Serves [`connection`] on every accepted stream until `stop` completes; then
/// stops accepting, tells every connection, waits up to `grace` for them,
/// aborts the rest.
pub async fn serve(
    listener: TcpListener,
    idle: Duration,
    stop: impl Future<Output = ()>,
    grace: Duration,
) -> Stopped {
    todo!("accept into a JoinSet until stop; close, tell, wait, abort")
}
// ANCHOR_END: serve
