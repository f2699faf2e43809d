//! Chapter 3: Connecting and accepting.
//!
//! Read `book/src/ch03-connecting-and-accepting.md`, replace each `todo`
//! placeholder in this folder with your code, and check your work with
//! `cargo test -p chapter-3`.
//!
//! - `lib.rs` (this file): 3.1 connecting, 3.2 the two ends of a connection.
//! - `echo.rs`: 3.3 an echo, 3.4 a server for one client at a time, 3.5
//!   a thread per client.
//! - `nonblocking.rs`: 3.6 and 3.7, a connect that does not wait.

use std::fmt;
use std::io;
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

mod echo;
mod nonblocking;

pub use echo::{echo, serve_one_at_a_time, serve_thread_per_client};
pub use nonblocking::{
    ConnectStart, finish_connect, is_in_progress, start_connect,
};

// ANCHOR: connect_any
/// Exercise 3.1: connect to the first of `addresses` that accepts, trying them
/// in order, each for at most `timeout`.
///
/// A name such as `localhost` often resolves to several addresses (`::1` and
/// `127.0.0.1`); a client tries them one after another. When none accepts, the
/// error of the last attempt is returned. An empty list is an
/// `io::ErrorKind::InvalidInput` error.
pub fn connect_any(
    addresses: &[SocketAddr],
    timeout: Duration,
) -> io::Result<TcpStream> {
    // BEGIN SOLUTION: try TcpStream::connect_timeout on each address; keep the last error
    let mut last_error = None;
    for address in addresses {
        match TcpStream::connect_timeout(address, timeout) {
            Ok(stream) => return Ok(stream),
            Err(e) => last_error = Some(e),
        }
    }
    Err(last_error.unwrap_or_else(|| {
        io::Error::new(io::ErrorKind::InvalidInput, "no address to connect to")
    }))
    // END SOLUTION
}
// ANCHOR_END: connect_any

// ANCHOR: ends
/// The two ends of a TCP connection, as one side sees them. With the protocol
/// (TCP), the two addresses make the 4-tuple that names the connection: local
/// IP and port, peer IP and port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ends {
    /// This side's address: `getsockname()`.
    pub local: SocketAddr,
    /// The other side's address: `getpeername()`.
    pub peer: SocketAddr,
}

/// Exercise 3.2: read both ends of a connected stream from the kernel.
pub fn ends(stream: &TcpStream) -> io::Result<Ends> {
    // BEGIN SOLUTION: fill Ends from local_addr() and peer_addr()
    Ok(Ends {
        local: stream.local_addr()?,
        peer: stream.peer_addr()?,
    })
    // END SOLUTION
}
// ANCHOR_END: ends

impl Ends {
    /// Are these the ends of the same connection seen from the other side? Then
    /// each side's local address is the other side's peer address.
    pub fn mirrors(&self, other: &Ends) -> bool {
        self.local == other.peer && self.peer == other.local
    }
}

impl fmt::Display for Ends {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "local {} <-> peer {}", self.local, self.peer)
    }
}
