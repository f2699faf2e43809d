//! Exercises 7.3 and 7.6: one thread, one `Poll`, every client.

use std::collections::HashMap;
use std::io::{self, ErrorKind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use mio::event::Event;
use mio::net::TcpListener;
use mio::{Events, Interest, Poll, Token};

use crate::connection::{Connection, Status};

/// The listener's token. Connections get 1, 2, 3, ... and a token is
/// never reused, so an event for a connection closed earlier in the same
/// batch finds nothing.
pub const LISTENER: Token = Token(0);

/// How long `poll` waits at most: the loop looks at its stop flag at
/// least this often.
const STOP_CHECK: Duration = Duration::from_millis(50);

/// How many events one `poll` returns at most; more wait for the next call.
const EVENTS: usize = 1024;

/// What the server does with the bytes a client sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// Send every byte back to the client that sent it.
    Echo,
    /// Send every line to every other client (section 7.7).
    Chat,
}

/// Counters the loop keeps, for tests and for the curious: what it did, and
/// what it was woken up for in vain.
#[derive(Debug, Default)]
pub struct Stats {
    /// Times `poll` returned with at least one event (its timeouts
    /// are not counted).
    pub wakeups: AtomicU64,
    /// Writable events for a connection with nothing to send: wake-ups
    /// for no work.
    pub idle_writable: AtomicU64,
    /// Connections accepted.
    pub accepted: AtomicU64,
    /// Connections closed, for any reason.
    pub closed: AtomicU64,
    /// Connections closed because they did not read what they were sent.
    pub too_slow: AtomicU64,
    /// Calls to `accept` that failed with an error other than `WouldBlock`.
    pub accept_errors: AtomicU64,
}

// ANCHOR: server
/// A one-thread server for many clients.
pub struct Server {
    pub(crate) poll: Poll,
    pub(crate) listener: TcpListener,
    /// Every open connection, under the token it is registered with.
    pub(crate) connections: HashMap<Token, Connection>,
    pub(crate) next_token: usize,
    service: Service,
    pub(crate) stats: Arc<Stats>,
}
// ANCHOR_END: server

impl Server {
    /// Takes a std listener (blocking, as `bind` makes it), makes it
    /// non-blocking and registers it for readable events: each one means
    /// "connections are waiting".
    pub fn new(
        listener: std::net::TcpListener,
        service: Service,
    ) -> io::Result<Server> {
        listener.set_nonblocking(true)?;
        let mut listener = TcpListener::from_std(listener);
        let poll = Poll::new()?;
        poll.registry().register(
            &mut listener,
            LISTENER,
            Interest::READABLE,
        )?;
        Ok(Server {
            poll,
            listener,
            connections: HashMap::new(),
            next_token: 1,
            service,
            stats: Arc::default(),
        })
    }

    /// The loop's counters, readable from another thread while it runs.
    pub fn stats(&self) -> Arc<Stats> {
        Arc::clone(&self.stats)
    }

    // ANCHOR: run
    /// Exercise 7.6: the event loop. Waits for events and handles each one
    /// until `stop` is set, then returns `Ok(())` within [`STOP_CHECK`] or so.
    ///
    /// Counts in `stats.wakeups` each `poll` that returned events. An
    /// event for [`LISTENER`] calls `accept_all` (a failure there is
    /// counted in `stats.accept_errors`, and the loop goes on); any other
    /// goes to `on_connection_event`.
    pub fn run(&mut self, stop: &AtomicBool) -> io::Result<()> {
        // BEGIN SOLUTION: until stop: poll, count the wake-up, dispatch by token
        let mut events = Events::with_capacity(EVENTS);
        while !stop.load(Relaxed) {
            match self.poll.poll(&mut events, Some(STOP_CHECK)) {
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                result => result?,
            }
            if events.is_empty() {
                continue; // the timeout: time to look at `stop` again
            }
            self.stats.wakeups.fetch_add(1, Relaxed);
            for event in events.iter() {
                match event.token() {
                    LISTENER => {
                        if self.accept_all().is_err() {
                            self.stats.accept_errors.fetch_add(1, Relaxed);
                        }
                    }
                    token => self.on_connection_event(token, event),
                }
            }
        }
        Ok(())
        // END SOLUTION
    }
    // ANCHOR_END: run

    // ANCHOR: accept_all
    /// Exercise 7.3: accepts every connection waiting on the listener.
    ///
    /// One readable event may stand for many connections, and no new event
    /// comes for those already waiting: accept until `WouldBlock`. Registers
    /// each new stream for readable events under a fresh token (`next_token`,
    /// then add 1) and keeps it in `connections`; counts it in
    /// `stats.accepted`. Accepting again after `Interrupted` or
    /// `ConnectionAborted`; any other error is returned.
    fn accept_all(&mut self) -> io::Result<()> {
        // BEGIN SOLUTION: accept until WouldBlock; register each under a new token
        loop {
            let (mut stream, _peer) = match self.listener.accept() {
                Ok(accepted) => accepted,
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(()),
                Err(e)
                    if matches!(
                        e.kind(),
                        ErrorKind::Interrupted | ErrorKind::ConnectionAborted
                    ) =>
                {
                    continue;
                }
                Err(e) => return Err(e),
            };
            // Small replies go out at once instead of waiting for an ACK.
            stream.set_nodelay(true)?;
            let token = Token(self.next_token);
            self.next_token += 1;
            self.poll.registry().register(
                &mut stream,
                token,
                Interest::READABLE,
            )?;
            self.connections.insert(token, Connection::new(stream));
            self.stats.accepted.fetch_add(1, Relaxed);
        }
        // END SOLUTION
    }
    // ANCHOR_END: accept_all

    // ANCHOR: on_connection_event
    /// Exercise 7.6: one event for one connection.
    ///
    /// Nothing to do if the connection is gone (closed earlier in this batch).
    /// Else: on a writable event, count it in `stats.idle_writable` if `output`
    /// is empty, and flush; on a readable event, hand the connection to its
    /// service (`echo`, or `self.chat(token)`). Then a connection still `Open`
    /// gets its interest updated; one that is not, or that failed with an
    /// error, is closed.
    fn on_connection_event(&mut self, token: Token, event: &Event) {
        // BEGIN SOLUTION: writable: flush; readable: serve; then interest or close
        let Some(connection) = self.connections.get_mut(&token) else {
            return;
        };
        let mut outcome = Ok(Status::Open);
        if event.is_writable() {
            if connection.output.is_empty() {
                self.stats.idle_writable.fetch_add(1, Relaxed);
            }
            outcome = connection.flush().map(|()| Status::Open);
        }
        if outcome.is_ok() && (event.is_readable() || event.is_error()) {
            outcome = match self.service {
                Service::Echo => connection.echo(),
                Service::Chat => self.chat(token),
            };
        }
        let status = outcome.unwrap_or(Status::Closed);
        if status != Status::Open {
            return self.close(token, status);
        }
        let registry = self.poll.registry();
        let updated = match self.connections.get_mut(&token) {
            Some(connection) => connection.update_interest(registry, token),
            None => Ok(()),
        };
        if updated.is_err() {
            self.close(token, Status::Closed);
        }
        // END SOLUTION
    }
    // ANCHOR_END: on_connection_event

    // ANCHOR: close
    /// Forgets a connection: deregisters it, and dropping it closes the socket.
    pub(crate) fn close(&mut self, token: Token, why: Status) {
        if let Some(mut connection) = self.connections.remove(&token) {
            // Closing the socket would remove it from the poll too; saying so
            // is clearer, and right even if the socket had been duplicated.
            let _ = self.poll.registry().deregister(&mut connection.stream);
            self.stats.closed.fetch_add(1, Relaxed);
            if why == Status::TooSlow {
                self.stats.too_slow.fetch_add(1, Relaxed);
            }
        }
    }
    // ANCHOR_END: close
}
