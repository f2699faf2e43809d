//! Chapter 1: Creating a socket.
//!
//! Read `book/src/ch01-creating-sockets.md`, replace each `todo` placeholder
//! below with your code, and check your work with `cargo test -p chapter-1`.

use std::fmt;
use std::io;

use socket2::{Domain, Protocol, Socket, Type};

// ANCHOR: tcp_socket
/// Exercise 1.1: an IPv4 TCP socket, not yet bound to an address or connected.
pub fn tcp_socket() -> io::Result<Socket> {
    // BEGIN SOLUTION: create an IPv4 stream socket that speaks TCP (Socket::new)
    Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP))
    // END SOLUTION
}
// ANCHOR_END: tcp_socket

// ANCHOR: udp_socket_v6
/// Exercise 1.2: an IPv6 UDP socket.
pub fn udp_socket_v6() -> io::Result<Socket> {
    // BEGIN SOLUTION: create an IPv6 datagram socket that speaks UDP
    Socket::new(Domain::IPV6, Type::DGRAM, Some(Protocol::UDP))
    // END SOLUTION
}
// ANCHOR_END: udp_socket_v6

// ANCHOR: socket_kind
/// The address family of a socket: which kind of IP addresses it uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    V4,
    V6,
}

/// How a socket moves data: a byte stream (TCP) or separate datagrams (UDP).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Stream,
    Datagram,
}

/// What [`describe`] finds out about a socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SocketKind {
    pub family: Family,
    pub kind: Kind,
}
// ANCHOR_END: socket_kind

impl fmt::Display for SocketKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let family = match self.family {
            Family::V4 => "IPv4",
            Family::V6 => "IPv6",
        };
        let kind = match self.kind {
            Kind::Stream => "stream",
            Kind::Datagram => "datagram",
        };
        write!(f, "{family} {kind}")
    }
}

// ANCHOR: describe
/// Exercise 1.3: ask the operating system what kind of socket this is.
///
/// The family is the family of the socket's local address (an unbound socket
/// reports the unspecified address of its family, `0.0.0.0:0` or `[::]:0`); the
/// kind is `SO_TYPE`. Any other family or type is an
/// `io::ErrorKind::Unsupported` error.
pub fn describe(socket: &Socket) -> io::Result<SocketKind> {
    // BEGIN SOLUTION: read the family from local_addr() and the kind from r#type()
    let family = match socket.local_addr()?.domain() {
        Domain::IPV4 => Family::V4,
        Domain::IPV6 => Family::V6,
        other => return Err(unsupported(format!("address family {other:?}"))),
    };
    let kind = match socket.r#type()? {
        Type::STREAM => Kind::Stream,
        Type::DGRAM => Kind::Datagram,
        other => return Err(unsupported(format!("socket type {other:?}"))),
    };
    Ok(SocketKind { family, kind })
    // END SOLUTION
}
// ANCHOR_END: describe

fn unsupported(what: String) -> io::Error {
    io::Error::new(
        io::ErrorKind::Unsupported,
        format!("{what} is not covered here"),
    )
}

// ANCHOR: options
/// The socket options a server cares about first, as the kernel reports them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// `SO_REUSEADDR`: may bind a port whose old connections are still in
    /// TIME_WAIT.
    pub reuse_address: bool,
    /// `TCP_NODELAY`: send small writes at once instead of waiting
    /// to batch them (Nagle).
    pub nodelay: bool,
    /// `O_NONBLOCK`: calls that would wait return `WouldBlock` instead.
    pub nonblocking: bool,
}

/// Exercise 1.4: read the three options back from the kernel.
pub fn options(socket: &Socket) -> io::Result<Options> {
    // BEGIN SOLUTION: read reuse_address(), tcp_nodelay() and nonblocking()
    Ok(Options {
        reuse_address: socket.reuse_address()?,
        nodelay: socket.tcp_nodelay()?,
        nonblocking: socket.nonblocking()?,
    })
    // END SOLUTION
}
// ANCHOR_END: options

// ANCHOR: prepare_server_socket
/// Exercise 1.5: switch on all three options, as a server does before it binds.
pub fn prepare_server_socket(socket: &Socket) -> io::Result<()> {
    // BEGIN SOLUTION: set SO_REUSEADDR, TCP_NODELAY and the non-blocking flag
    socket.set_reuse_address(true)?;
    socket.set_tcp_nodelay(true)?;
    socket.set_nonblocking(true)
    // END SOLUTION
}
// ANCHOR_END: prepare_server_socket

// ANCHOR: request_receive_buffer
/// Exercise 1.6: ask for a receive buffer of `bytes` and return the size the
/// kernel actually gave, which is not always the size asked for.
pub fn request_receive_buffer(
    socket: &Socket,
    bytes: usize,
) -> io::Result<usize> {
    // BEGIN SOLUTION: set SO_RCVBUF, then read it back
    socket.set_recv_buffer_size(bytes)?;
    socket.recv_buffer_size()
    // END SOLUTION
}
// ANCHOR_END: request_receive_buffer
