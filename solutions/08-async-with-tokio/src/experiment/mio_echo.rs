//! TEMPORARY: a local copy of chapter 7's one-thread mio echo server, with the
//! same signature as `chapter_7::echo::serve_echo`. It goes away when the
//! experiment depends on chapter 7's reference solution (`solution-7`) instead.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use mio::net::{TcpListener as MioListener, TcpStream};
use mio::{Events, Interest, Poll, Token};

use super::STOP_CHECK;

const LISTENER: Token = Token(0);

/// Bytes read but not yet written back, at most: a client that sends without
/// reading is not read from until it reads.
const MAX_UNSENT: usize = 64 * 1024;

/// One connection: its socket and the bytes read but not yet written back.
struct Connection {
    stream: TcpStream,
    unsent: Vec<u8>,
}

/// Echoes every connection on this one thread until `stop` is set.
pub fn serve_echo(
    listener: TcpListener,
    stop: Arc<AtomicBool>,
) -> io::Result<()> {
    listener.set_nonblocking(true)?;
    let mut listener = MioListener::from_std(listener);
    let mut poll = Poll::new()?;
    poll.registry()
        .register(&mut listener, LISTENER, Interest::READABLE)?;
    let mut events = Events::with_capacity(1024);
    let mut connections: HashMap<Token, Connection> = HashMap::new();
    let mut next = 1;
    while !stop.load(Ordering::Relaxed) {
        match poll.poll(&mut events, Some(STOP_CHECK)) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => other?,
        }
        for event in &events {
            if event.token() == LISTENER {
                // Edge-triggered: accept until WouldBlock.
                while let Ok((mut stream, _peer)) = listener.accept() {
                    let token = Token(next);
                    next += 1;
                    poll.registry().register(
                        &mut stream,
                        token,
                        Interest::READABLE,
                    )?;
                    let unsent = Vec::new();
                    connections.insert(token, Connection { stream, unsent });
                }
                continue;
            }
            let token = event.token();
            let Some(connection) = connections.get_mut(&token) else {
                continue;
            };
            let was_waiting = !connection.unsent.is_empty();
            if pump(connection).is_err() {
                if let Some(mut gone) = connections.remove(&token) {
                    poll.registry().deregister(&mut gone.stream)?;
                }
                continue;
            }
            // Writable interest only while bytes wait to be written.
            let waiting = !connection.unsent.is_empty();
            if waiting != was_waiting {
                let interest = if waiting {
                    Interest::READABLE | Interest::WRITABLE
                } else {
                    Interest::READABLE
                };
                poll.registry().reregister(
                    &mut connection.stream,
                    token,
                    interest,
                )?;
            }
        }
    }
    Ok(())
}

/// Reads until WouldBlock and writes back what it can. `Err` ends the
/// connection (end of stream included).
fn pump(connection: &mut Connection) -> io::Result<()> {
    let mut buffer = [0; 4096];
    while connection.unsent.len() < MAX_UNSENT {
        match connection.stream.read(&mut buffer) {
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => connection.unsent.extend_from_slice(&buffer[..n]),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    while !connection.unsent.is_empty() {
        match connection.stream.write(&connection.unsent) {
            Ok(n) => {
                connection.unsent.drain(..n);
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
