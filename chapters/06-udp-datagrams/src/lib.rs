//! Chapter 6: UDP datagrams.
//!
//! Read `book/src/ch06-udp-datagrams.md`, replace each `todo` placeholder below
//! with your code, and check your work with `cargo test -p chapter-6`.

use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

// ANCHOR: max_datagram
/// No UDP payload is larger: the UDP length field has 16 bits and counts
/// its own 8-byte header (RFC 768). Over IPv4 the IP header takes 20
/// more, leaving 65,507.
pub const MAX_DATAGRAM: usize = 65_535 - 8;
// ANCHOR_END: max_datagram

// ANCHOR: send_each
/// Exercise 6.1: send each message to `to` as a datagram of its own.
pub fn send_each(
    socket: &UdpSocket,
    to: SocketAddr,
    messages: &[&[u8]],
) -> io::Result<()> {
    todo!("one send_to per message")
}
// ANCHOR_END: send_each

// ANCHOR: receive
/// One datagram as [`receive`] returns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Datagram {
    /// Who sent it.
    pub from: SocketAddr,
    /// Its bytes: all of them, or the first `capacity` if it was truncated.
    pub bytes: Vec<u8>,
    /// It was longer than `capacity`; the rest of it is lost for good.
    pub truncated: bool,
}

/// Exercise 6.2: receive one datagram, keeping at most `capacity` bytes of it,
/// and say whether it had more.
pub fn receive(socket: &UdpSocket, capacity: usize) -> io::Result<Datagram> {
    todo!("recv_from into capacity + 1 bytes; the extra byte filled: truncated")
}
// ANCHOR_END: receive

// ANCHOR: connect_to
/// Exercise 6.3: a UDP socket connected to `server`: `send` goes to the server,
/// `recv` takes datagrams from the server only, and the kernel reports errors
/// such as "nobody listens on that port" (`ConnectionRefused`) to it.
///
/// The socket is bound to port 0 of the unspecified address of the
/// server's family (`0.0.0.0` or `[::]`): the kernel chooses the port, and
/// `connect` the source address.
pub fn connect_to(server: SocketAddr) -> io::Result<UdpSocket> {
    todo!("bind the unspecified address of server's family, port 0; connect")
}
// ANCHOR_END: connect_to

// ANCHOR: exchange
/// Exercise 6.4: send `request` on a connected socket and wait at most
/// `timeout` for one datagram back. No reply in time is a `TimedOut` error;
/// any other error (such as `ConnectionRefused`) is returned as it is.
/// `timeout` must not be zero.
pub fn exchange(
    socket: &UdpSocket,
    request: &[u8],
    timeout: Duration,
) -> io::Result<Vec<u8>> {
    todo!("send, set_read_timeout, receive (6.2); turn a timeout into TimedOut")
}
// ANCHOR_END: exchange

// ANCHOR: encode
/// The bytes in front of every request and reply: the request's number.
pub const ID_LEN: usize = 4;

/// Exercise 6.5: a request or reply on the wire: the id as 4 bytes in network
/// byte order (big-endian), then the payload.
pub fn encode(id: u32, payload: &[u8]) -> Vec<u8> {
    todo!("id.to_be_bytes(), then the payload")
}

/// Exercise 6.5: the id and the payload of a datagram made by [`encode`]. A
/// datagram too short to hold an id is an `InvalidData` error: anyone can send
/// anything to a UDP port.
pub fn decode(datagram: &[u8]) -> io::Result<(u32, &[u8])> {
    todo!("split_first_chunk of 4 bytes, read big-endian; the rest is payload")
}
// ANCHOR_END: encode

// ANCHOR: call
/// How hard [`call`] tries: how many times it sends a request, and how long it
/// waits for the reply after each send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retry {
    pub attempts: u32,
    pub timeout: Duration,
}

/// Exercise 6.6: send request `id` with `payload` on a connected socket and
/// return the payload of its reply, sending again after each `retry.timeout`
/// without one, at most `retry.attempts` times in all.
///
/// A datagram that is not a reply to this request (an earlier request's late
/// reply, a datagram too short to decode, a truncated one) is skipped, and the
/// wait goes on until the attempt's time is up. When every attempt has timed
/// out, return [`no_reply`]'s error. Any other error ends the call at once.
pub fn call(
    socket: &UdpSocket,
    id: u32,
    payload: &[u8],
    retry: Retry,
) -> io::Result<Vec<u8>> {
    todo!("each attempt: send, receive until this id's reply or the deadline")
}
// ANCHOR_END: call

// ANCHOR: helpers
/// A read that hit its timeout: Unix reports `WouldBlock`
/// (EAGAIN), Windows `TimedOut`.
pub fn is_timeout(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// The error [`call`] returns when no attempt got a reply.
pub fn no_reply(id: u32, retry: Retry) -> io::Error {
    io::Error::new(
        io::ErrorKind::TimedOut,
        format!(
            "no reply to request {id} after {} attempts, \
             waiting {:?} after each",
            retry.attempts, retry.timeout
        ),
    )
}
// ANCHOR_END: helpers
