//! Exercise 8.7: a fixed pool of worker threads, each serving one connection at
//! a time.

use std::io;
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::thread;

use super::blocking::{accept_until, echo_until_closed};

// ANCHOR: pool
/// Starts `workers` threads that each take one connection from `listener`, echo
/// it until the client closes, then take the next. Returns once `stop` is set
/// and the connections the workers hold have closed.
pub fn pool(
    listener: TcpListener,
    workers: usize,
    stop: Arc<AtomicBool>,
) -> io::Result<()> {
    // BEGIN SOLUTION: `workers` scoped threads, each: accept_until, echo_until_closed
    let listener = &listener;
    let stop = &stop;
    thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(move || {
                // A worker that holds a connection accepts no other: while all
                // workers hold one, new clients wait in the accept queue.
                while let Some(stream) = accept_until(listener, stop) {
                    let _ = echo_until_closed(stream);
                }
            });
        }
    });
    Ok(())
    // END SOLUTION
}
// ANCHOR_END: pool
