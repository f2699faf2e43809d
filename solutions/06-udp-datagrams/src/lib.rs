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
    // BEGIN SOLUTION: one send_to per message
    for message in messages {
        // A datagram goes whole or not at all: there is no
        // partial send to retry.
        socket.send_to(message, to)?;
    }
    Ok(())
    // END SOLUTION
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
    // BEGIN SOLUTION: recv_from into capacity + 1 bytes; the extra byte filled: truncated
    // One spare byte: if the kernel fills it, the datagram did
    // not fit in `capacity`.
    let mut buffer = vec![0; capacity.min(MAX_DATAGRAM) + 1];
    let (received, from) = socket.recv_from(&mut buffer)?;
    let truncated = received > capacity;
    buffer.truncate(received.min(capacity));
    Ok(Datagram {
        from,
        bytes: buffer,
        truncated,
    })
    // END SOLUTION
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
    // BEGIN SOLUTION: bind the unspecified address of server's family, port 0; connect
    let any: SocketAddr = match server {
        SocketAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, 0).into(),
        SocketAddr::V6(_) => (Ipv6Addr::UNSPECIFIED, 0).into(),
    };
    let socket = UdpSocket::bind(any)?;
    socket.connect(server)?;
    Ok(socket)
    // END SOLUTION
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
    // BEGIN SOLUTION: send, set_read_timeout, receive (6.2); turn a timeout into TimedOut
    socket.send(request)?;
    socket.set_read_timeout(Some(timeout))?;
    match receive(socket, MAX_DATAGRAM) {
        Ok(reply) => Ok(reply.bytes),
        Err(e) if is_timeout(&e) => Err(io::Error::new(
            io::ErrorKind::TimedOut,
            format!("no reply within {timeout:?}"),
        )),
        Err(e) => Err(e),
    }
    // END SOLUTION
}
// ANCHOR_END: exchange

// ANCHOR: encode
/// The bytes in front of every request and reply: the request's number.
pub const ID_LEN: usize = 4;

/// Exercise 6.5: a request or reply on the wire: the id as 4 bytes in network
/// byte order (big-endian), then the payload.
pub fn encode(id: u32, payload: &[u8]) -> Vec<u8> {
    // BEGIN SOLUTION: id.to_be_bytes(), then the payload
    let mut datagram = Vec::with_capacity(ID_LEN + payload.len());
    datagram.extend_from_slice(&id.to_be_bytes());
    datagram.extend_from_slice(payload);
    datagram
    // END SOLUTION
}

/// Exercise 6.5: the id and the payload of a datagram made by [`encode`]. A
/// datagram too short to hold an id is an `InvalidData` error: anyone can send
/// anything to a UDP port.
pub fn decode(datagram: &[u8]) -> io::Result<(u32, &[u8])> {
    // BEGIN SOLUTION: split_first_chunk of 4 bytes, read big-endian; the rest is payload
    match datagram.split_first_chunk::<ID_LEN>() {
        Some((id, payload)) => Ok((u32::from_be_bytes(*id), payload)),
        None => Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "a datagram of {} bytes is too short for a {ID_LEN}-byte id",
                datagram.len()
            ),
        )),
    }
    // END SOLUTION
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
    // BEGIN SOLUTION: each attempt: send, receive until this id's reply or the deadline
    let request = encode(id, payload);
    for _ in 0..retry.attempts {
        socket.send(&request)?;
        let give_up = Instant::now() + retry.timeout;
        loop {
            let left = give_up.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break; // this attempt is over: send again
            }
            socket.set_read_timeout(Some(left))?;
            let reply = match receive(socket, MAX_DATAGRAM) {
                Ok(reply) => reply,
                Err(e) if is_timeout(&e) => break,
                Err(e) => return Err(e),
            };
            if reply.truncated {
                continue;
            }
            match decode(&reply.bytes) {
                Ok((reply_id, answer)) if reply_id == id => {
                    return Ok(answer.to_vec());
                }
                _ => continue, // not the answer to this request
            }
        }
    }
    Err(no_reply(id, retry))
    // END SOLUTION
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
