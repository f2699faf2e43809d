//! Exercises 7.1 and 7.2: reading and writing on a non-blocking socket.
//!
//! A non-blocking socket never waits. A read with nothing to read, or a write
//! with no room left in the send buffer, fails at once with `WouldBlock`: not
//! an error, just "nothing more right now". These two functions move as many
//! bytes as the socket allows at this moment, and say why they stopped.

use std::io::{self, ErrorKind, Read, Write};

/// How many bytes one `read` asks for.
const CHUNK: usize = 4096;

/// Why [`drain`] stopped reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drained {
    /// Nothing more to read for now: the next readable event says
    /// when there is.
    WouldBlock,
    /// The peer closed its side: a read returned 0.
    Closed,
    /// The buffer reached its limit. More bytes may still wait in the
    /// socket, and no new event will announce them: handle what you have,
    /// then drain again.
    Full,
}

// ANCHOR: drain
/// Exercise 7.1: appends to `buffer` everything `reader` has to give right now.
///
/// Reads until `WouldBlock` or end of file, asking again after `Interrupted`.
/// Never lets `buffer` grow past `limit` bytes: once it holds `limit`, stops
/// with [`Drained::Full`]. Any other error is returned.
pub fn drain(
    reader: &mut impl Read,
    buffer: &mut Vec<u8>,
    limit: usize,
) -> io::Result<Drained> {
    todo!("read chunks until Ok(0), WouldBlock or the limit")
}
// ANCHOR_END: drain

// ANCHOR: flush
/// Exercise 7.2: writes as much of `pending` as `writer` takes right now, and
/// removes what it took from the front of `pending`.
///
/// Stops when `pending` is empty or at `WouldBlock`; whatever is left stays in
/// `pending`, in order, for the next writable event. Asks again after
/// `Interrupted`; a write that takes 0 bytes is a `WriteZero` error; any other
/// error is returned.
pub fn flush(writer: &mut impl Write, pending: &mut Vec<u8>) -> io::Result<()> {
    todo!("write until all is written or WouldBlock; drain(..written)")
}
// ANCHOR_END: flush
