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
    // BEGIN SOLUTION: select! in a loop: read_line, sleep(idle), shutdown.changed()
    let (reading, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reading);
    // Outside the loop: a read that select! cancels leaves its bytes here.
    let mut pending = Vec::new();
    loop {
        tokio::select! {
            line = read_line(&mut reader, &mut pending, MAX_LINE) => {
                let Some(line) = line? else {
                    return Ok(Ending::PeerClosed);
                };
                let answer = format!("{}\n", line.to_uppercase());
                writer.write_all(answer.as_bytes()).await?;
            }
            // A new timer each time round: the limit counts from the last line.
            () = tokio::time::sleep(idle) => {
                writer.write_all(IDLE_GOODBYE.as_bytes()).await?;
                return Ok(Ending::Idle);
            }
            // Err means the sender is gone: the server is gone, so stop as
            // well.
            _ = shutdown.changed() => {
                writer.write_all(SHUTDOWN_GOODBYE.as_bytes()).await?;
                return Ok(Ending::Shutdown);
            }
        }
    }
    // END SOLUTION
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
    // BEGIN SOLUTION: accept into a JoinSet until stop; close, tell, wait, abort
    let (tell, told) = watch::channel(false);
    let mut tasks = JoinSet::new();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                // A failed accept concerns one connection that did not happen.
                if let Ok((stream, _peer)) = accepted {
                    tasks.spawn(connection(stream, idle, told.clone()));
                }
            }
            () = &mut stop => break,
        }
        // Forget tasks that have ended, so the set holds open connections only.
        while tasks.try_join_next().is_some() {}
    }
    // 1. Stop accepting: from now on a connect is refused.
    drop(listener);
    // 2. Tell every task at once.
    let _ = tell.send(true);
    // 3. Wait for them, but not for ever.
    let mut finished = 0;
    let deadline = tokio::time::sleep(grace);
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            joined = tasks.join_next() => match joined {
                Some(_) => finished += 1,
                None => break,
            },
            () = &mut deadline => break,
        }
    }
    // 4. Whatever is left is stuck (a client that does not read): abort it.
    let aborted = tasks.len();
    tasks.shutdown().await;
    Stopped { finished, aborted }
    // END SOLUTION
}
// ANCHOR_END: serve
