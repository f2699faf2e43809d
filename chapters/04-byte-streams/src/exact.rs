//! Exercises 4.1 and 4.2: a whole buffer in, a whole buffer out.

use std::io::{self, Read, Write};

// ANCHOR: fill
/// Exercise 4.1: read from `reader` until `buffer` is full.
///
/// One `read` returns whatever has arrived, from one byte up to the buffer's
/// length, so this calls it as often as needed. A read interrupted by a
/// signal (`Interrupted`) is simply tried again. If the stream ends first,
/// the error is `UnexpectedEof`. (std's `Read::read_exact` does exactly this;
/// from 4.3 on, use it.)
pub fn fill(reader: &mut impl Read, buffer: &mut [u8]) -> io::Result<()> {
    todo!("read into the unfilled part until full; Ok(0): the stream ended")
}
// ANCHOR_END: fill

// ANCHOR: send_all
/// Exercise 4.2: write all of `bytes` to `writer`.
///
/// One `write` may take fewer bytes than it was given (a full socket buffer,
/// a signal), so this writes the rest until none is left. `Interrupted` is
/// tried again; a writer that takes nothing (`Ok(0)`) is a `WriteZero` error,
/// or this would loop forever. (std's `Write::write_all` does exactly this;
/// from 4.3 on, use it.)
pub fn send_all(writer: &mut impl Write, bytes: &[u8]) -> io::Result<()> {
    todo!("write the unwritten part until none is left; Ok(0) is WriteZero")
}
// ANCHOR_END: send_all
