//! Exercises 7.4 and 7.5: one client's state, kept by the loop under
//! the client's token.

use std::io;

use mio::net::TcpStream;
use mio::{Interest, Registry, Token};

use crate::nonblocking::{Drained, drain, flush};

/// The most bytes a connection may have waiting to be sent. A client
/// that lets more pile up is not reading what it is sent, and is
/// disconnected (section 7.7).
pub const MAX_OUTPUT: usize = 256 * 1024;

// ANCHOR: connection
/// What the loop keeps for each client.
pub struct Connection {
    pub(crate) stream: TcpStream,
    /// Bytes received but not handled yet: the chat's unfinished line.
    pub(crate) input: Vec<u8>,
    /// Bytes to send that the socket has not taken yet.
    pub(crate) output: Vec<u8>,
    /// Whether the registration asks for writable events too.
    pub(crate) writable: bool,
}
// ANCHOR_END: connection

/// What the loop should do with a connection after an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Keep it.
    Open,
    /// The peer closed its side.
    Closed,
    /// Its unsent output reached [`MAX_OUTPUT`]: it does not read what
    /// it is sent.
    TooSlow,
    /// It sent a line longer than the chat allows.
    LineTooLong,
}

impl Connection {
    /// A connection just accepted, registered for readable events only.
    pub fn new(stream: TcpStream) -> Connection {
        Connection {
            stream,
            input: Vec::new(),
            output: Vec::new(),
            writable: false,
        }
    }

    // ANCHOR: update_interest
    /// Exercise 7.4: asks for writable events while output waits,
    /// and only then.
    ///
    /// Reregisters `self.stream` under `token` with `READABLE | WRITABLE`
    /// when `output` holds bytes, with `READABLE` alone when it is empty, and
    /// keeps `self.writable` saying which. Makes no system call when the
    /// interest is already right.
    pub fn update_interest(
        &mut self,
        registry: &Registry,
        token: Token,
    ) -> io::Result<()> {
        todo!("reregister only when !output.is_empty() != writable")
    }
    // ANCHOR_END: update_interest

    /// Sends what the socket takes of `output` now.
    pub fn flush(&mut self) -> io::Result<()> {
        flush(&mut self.stream, &mut self.output)
    }

    // ANCHOR: echo
    /// Exercise 7.5: the echo service, on a readable event. Reads what has
    /// arrived straight into `output` and sends what the socket takes, until
    /// the socket has nothing more to read.
    pub fn echo(&mut self) -> io::Result<Status> {
        todo!("loop: drain into output, flush; Full after flush: TooSlow")
    }
    // ANCHOR_END: echo
}
