//! Exercise 4.5: one time limit for a whole message, however
//! many reads it takes.

use std::io::{self, Read};
use std::net::TcpStream;
use std::time::{Duration, Instant};

// ANCHOR: deadline
/// Reads from a stream with one deadline for everything read through it.
///
/// A read timeout (`SO_RCVTIMEO`) limits each `read` call on its own: a
/// peer that sends one byte just before each timeout would keep a
/// reader busy forever. A `Deadline` sets the timeout before every read
/// to the time that is left.
pub struct Deadline<'a> {
    stream: &'a TcpStream,
    ends: Instant,
}

impl<'a> Deadline<'a> {
    /// Reads through this value must all be done within `limit` from now. The
    /// stream keeps the last read timeout this sets; set your own again if you
    /// read from it directly.
    pub fn new(stream: &'a TcpStream, limit: Duration) -> Self {
        Deadline {
            stream,
            ends: Instant::now() + limit,
        }
    }
}

impl Read for Deadline<'_> {
    /// Exercise 4.5: read like the stream does, but fail with `TimedOut`
    /// once the deadline has passed, whichever way the operating system
    /// reports the timeout.
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        todo!("time up: TimedOut; set_read_timeout; read; WouldBlock: TimedOut")
    }
}

fn past_deadline() -> io::Error {
    io::Error::new(
        io::ErrorKind::TimedOut,
        "the deadline passed before the message was complete",
    )
}
// ANCHOR_END: deadline
