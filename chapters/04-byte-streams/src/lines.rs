//! Exercise 4.3: framing by delimiter. Each message ends with `\n`,
//! like a line of text.

use std::io::{self, Read, Write};

/// The byte that ends every message.
pub const DELIMITER: u8 = b'\n';

/// How many bytes one `read` asks for.
const CHUNK: usize = 4096;

// ANCHOR: lines
/// Messages that each end with [`DELIMITER`], read from a byte stream.
pub struct Lines<R> {
    reader: R,
    /// Bytes read but not returned yet: the start of the next
    /// message, maybe more.
    buffer: Vec<u8>,
    /// The longest message accepted, without its delimiter.
    max_len: usize,
}

impl<R: Read> Lines<R> {
    pub fn new(reader: R, max_len: usize) -> Self {
        Lines {
            reader,
            buffer: Vec::new(),
            max_len,
        }
    }

    /// Exercise 4.3: the next message, without its delimiter.
    ///
    /// `Ok(None)` when the stream ends between two messages. The stream ending
    /// inside a message is an `UnexpectedEof` error. A message longer than
    /// `max_len` is an `InvalidData` error, found without buffering much more
    /// than `max_len` bytes.
    pub fn next_line(&mut self) -> io::Result<Option<Vec<u8>>> {
        todo!("find DELIMITER; else check max_len, read a chunk, append")
    }
}
// ANCHOR_END: lines

fn too_long(max_len: usize) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("a message is longer than the limit of {max_len} bytes"),
    )
}

// ANCHOR: write_line
/// Exercise 4.3, the sending side: `message` and its delimiter, in one write.
///
/// A message that contains the delimiter cannot be sent this way (the reader
/// would see two): that is an `InvalidInput` error, and nothing is written.
pub fn write_line(writer: &mut impl Write, message: &[u8]) -> io::Result<()> {
    todo!("refuse a DELIMITER inside; write_all message and DELIMITER at once")
}
// ANCHOR_END: write_line
