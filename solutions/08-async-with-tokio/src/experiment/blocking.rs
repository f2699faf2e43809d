//! The blocking pieces the pool and the thread-per-connection model share.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

use super::STOP_CHECK;

/// Waits for the next connection, or returns `None` once `stop` is set.
///
/// The listener is switched to non-blocking so that a waiting thread looks at
/// `stop` every [`STOP_CHECK`]; a blocked `accept` would never see it.
pub fn accept_until(
    listener: &TcpListener,
    stop: &AtomicBool,
) -> Option<TcpStream> {
    listener.set_nonblocking(true).ok()?;
    loop {
        if stop.load(Ordering::Relaxed) {
            return None;
        }
        match listener.accept() {
            Ok((stream, _peer)) => {
                // The accepted stream is served by blocking reads and writes.
                if stream.set_nonblocking(false).is_ok() {
                    return Some(stream);
                }
            }
            // Nothing waiting, or no file descriptor left for now: look again
            // soon.
            Err(_) => thread::sleep(STOP_CHECK),
        }
    }
}

/// Writes back every byte the client sends, blocking, until the client closes.
pub fn echo_until_closed(mut stream: TcpStream) -> io::Result<()> {
    let mut buffer = [0; 4096];
    loop {
        let n = stream.read(&mut buffer)?;
        if n == 0 {
            return Ok(());
        }
        stream.write_all(&buffer[..n])?;
    }
}

// ANCHOR: thread_per_connection
/// Chapter 3's server: a new thread for every connection. Returns once `stop`
/// is set.
pub fn thread_per_connection(
    listener: TcpListener,
    stop: Arc<AtomicBool>,
) -> io::Result<()> {
    while let Some(stream) = accept_until(&listener, &stop) {
        // Each thread gets its own stack (2 MiB reserved, a few pages
        // really used).
        let spawned =
            thread::Builder::new().spawn(move || echo_until_closed(stream));
        // No thread left (a limit of the system): this client is dropped.
        drop(spawned);
    }
    Ok(())
}
// ANCHOR_END: thread_per_connection
