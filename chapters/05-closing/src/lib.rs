//! Chapter 5: Closing.
//!
//! Read `book/src/ch05-closing.md`, replace each `todo` placeholder below with
//! your code, and check your work with `cargo test -p chapter-5`.
//!
//! std implements `Read` and `Write` for `&TcpStream` as well as for
//! `TcpStream`, so a shared reference is enough to read and write:
//! `(&stream).read(&mut buffer)` for an owned stream,
//! `let mut writer = stream; writer.write_all(...)` for a `&TcpStream`.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

use socket2::SockRef;

// ANCHOR: finish_sending
/// Exercise 5.1: tell the peer "I will send nothing more" without
/// closing the connection.
///
/// The peer reads end-of-file once it has read everything sent before; the
/// other direction stays open, so the peer can still answer and this side can
/// still read the answer.
pub fn finish_sending(stream: &TcpStream) -> io::Result<()> {
    todo!("shut down the write half only (Shutdown::Write)")
}
// ANCHOR_END: finish_sending

// ANCHOR: read_to_eof
/// Exercise 5.2: read until the peer has finished sending and
/// return everything it sent.
///
/// End-of-file is a read that returns 0 bytes, and nothing else is: a reset, a
/// timeout or any other error is returned as the error it is. More than `limit`
/// bytes is an `InvalidData` error, returned as soon as byte `limit + 1`
/// arrives, so a peer can never make this function buffer without end.
pub fn read_to_eof(stream: &TcpStream, limit: usize) -> io::Result<Vec<u8>> {
    todo!("read_to_end through take(limit + 1), then check the length")
}
// ANCHOR_END: read_to_eof

// ANCHOR: request_reply
/// Exercise 5.3: the client of a protocol where end-of-file ends each message:
/// send the whole request, finish sending, then read the whole reply (at most
/// `limit` bytes) up to the server's end-of-file.
///
/// The stream is consumed: once both sides have finished sending,
/// the connection is done.
pub fn request_reply(
    stream: TcpStream,
    request: &[u8],
    limit: usize,
) -> io::Result<Vec<u8>> {
    todo!("write_all, then finish_sending (5.1), then read_to_eof (5.2)")
}
// ANCHOR_END: request_reply

// ANCHOR: abort
/// Exercise 5.4: close the connection at once with a reset instead of
/// the orderly FIN exchange. Bytes not yet delivered are thrown away,
/// and the peer's next read fails with `ConnectionReset` instead of
/// returning end-of-file.
pub fn abort(stream: TcpStream) -> io::Result<()> {
    todo!("SO_LINGER of zero seconds (through SockRef), then drop the stream")
}
// ANCHOR_END: abort

// ANCHOR: write_to_peer
/// What became of a write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// The kernel took every byte into its send buffer. That is all it means:
    /// the peer may never read them.
    Queued,
    /// The peer is gone; the error kind says how the kernel found out.
    PeerGone(io::ErrorKind),
}

/// Exercise 5.5: write all of `bytes`, and tell a peer that has gone away apart
/// from other failures.
///
/// `BrokenPipe`, `ConnectionReset` and `ConnectionAborted` mean the connection
/// is over: that is `Ok(Delivery::PeerGone(kind))`, an ordinary event for a
/// server. Any other error (a write timeout, say) is returned as an error.
pub fn write_to_peer(stream: &TcpStream, bytes: &[u8]) -> io::Result<Delivery> {
    todo!("write_all, then match the error kind")
}
// ANCHOR_END: write_to_peer

// ANCHOR: close_gracefully
/// Exercise 5.6: close without losing a byte of what was sent.
///
/// Finish sending (5.1), then read and throw away whatever the peer still
/// sends until its end-of-file, and only then close (by dropping the stream).
/// Returns how many bytes were thrown away. If the peer has not finished
/// within `wait`, return a `TimedOut` error (the `gave_up` helper below makes
/// it); the stream is closed anyway.
pub fn close_gracefully(
    stream: TcpStream,
    wait: Duration,
) -> io::Result<usize> {
    todo!("finish_sending, then read and discard until EOF or `wait` is over")
}
// ANCHOR_END: close_gracefully

// ANCHOR: helpers
/// A read that hit its timeout: Unix reports `WouldBlock`
/// (EAGAIN), Windows `TimedOut`.
pub fn is_timeout(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

/// The error [`close_gracefully`] returns when the peer did not
/// finish within `wait`.
pub fn gave_up(wait: Duration) -> io::Error {
    io::Error::new(
        io::ErrorKind::TimedOut,
        format!(
            "the peer did not finish sending within {wait:?}; closed anyway"
        ),
    )
}
// ANCHOR_END: helpers
