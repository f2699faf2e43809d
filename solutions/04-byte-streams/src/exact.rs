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
    // BEGIN SOLUTION: read into the unfilled part until full; Ok(0): the stream ended
    let mut filled = 0;
    while filled < buffer.len() {
        match reader.read(&mut buffer[filled..]) {
            Ok(0) => {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!(
                        "the stream ended after {filled} of {} bytes",
                        buffer.len()
                    ),
                ));
            }
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
    // END SOLUTION
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
    // BEGIN SOLUTION: write the unwritten part until none is left; Ok(0) is WriteZero
    let mut written = 0;
    while written < bytes.len() {
        match writer.write(&bytes[written..]) {
            Ok(0) => {
                return Err(io::Error::new(
                    io::ErrorKind::WriteZero,
                    format!(
                        "the writer took nothing after {written} of {} bytes",
                        bytes.len()
                    ),
                ));
            }
            Ok(n) => written += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
    // END SOLUTION
}
// ANCHOR_END: send_all
