//! Chapter 2: Binding and listening.
//!
//! Read `book/src/ch02-binding-and-listening.md`, replace each `todo`
//! placeholder below with your code, and check your work with
//! `cargo test -p chapter-2`.

use std::io;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use socket2::{Domain, Protocol, Socket, Type};

// ANCHOR: bind_loopback
/// Exercise 2.1: an IPv4 TCP socket bound to `127.0.0.1:port`, not listening
/// yet. Port 0 asks the kernel to choose a free port.
pub fn bind_loopback(port: u16) -> io::Result<Socket> {
    todo!("create an IPv4 TCP socket and bind it to 127.0.0.1:port")
}
// ANCHOR_END: bind_loopback

// ANCHOR: local_port
/// Exercise 2.2: the port a socket is bound to; 0 for a socket
/// that is not bound yet.
pub fn local_port(socket: &Socket) -> io::Result<u16> {
    todo!("read local_addr() and take the port of its IP socket address")
}
// ANCHOR_END: local_port

// ANCHOR: is_port_taken
/// Exercise 2.3: would binding `address` fail because another socket holds it?
///
/// Binds a fresh socket, without `SO_REUSEADDR`, and reports `AddrInUse` as
/// `true`. Any other error is returned as an error.
pub fn is_port_taken(address: SocketAddr) -> io::Result<bool> {
    todo!("try to bind a new socket; map ErrorKind::AddrInUse to true")
}
// ANCHOR_END: is_port_taken

// ANCHOR: listen_on
/// Exercise 2.4: a listening socket on `address`, as a std `TcpListener`.
///
/// Sets `SO_REUSEADDR` first (on Unix), so a server can restart on its port
/// while connections from its last run are still in TIME_WAIT.
pub fn listen_on(address: SocketAddr, backlog: i32) -> io::Result<TcpListener> {
    todo!("socket for the address's family, SO_REUSEADDR, bind, listen, into()")
}
// ANCHOR_END: listen_on

// ANCHOR: ipv6_socket
/// Exercise 2.5: an IPv6 TCP socket, not bound yet, whose `IPV6_V6ONLY`
/// option is `v6_only`.
///
/// The option must be set before `bind`: it decides whether a socket bound to
/// `[::]` also takes IPv4 connections (dual stack) or IPv6 ones only.
pub fn ipv6_socket(v6_only: bool) -> io::Result<Socket> {
    todo!("IPv6 stream socket, then set_only_v6(v6_only)")
}
// ANCHOR_END: ipv6_socket

// ANCHOR: probe
/// What a client finds when it tries to connect to an address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Probe {
    /// The connection was established (by the kernel, even if
    /// nobody called accept yet).
    Accepted,
    /// Nothing listens there: the peer answered the connection
    /// request with a reset.
    Refused,
    /// No answer came before the timeout.
    NoAnswer,
}

/// Exercise 2.6: try to connect to `address` within `timeout` and say what
/// happened. Errors other than refused or timed out are returned as errors.
pub fn probe(address: SocketAddr, timeout: Duration) -> io::Result<Probe> {
    todo!("TcpStream::connect_timeout, then match on the error kind")
}
// ANCHOR_END: probe
