//! Exercise 4.4: framing by length prefix. Each message starts with its length.

use std::io::{self, Read, Write};

/// The length prefix: a `u32` in 4 bytes, big-endian (the most significant byte
/// first, "network byte order").
pub const HEADER_LEN: usize = 4;

// ANCHOR: write_frame
/// Exercise 4.4: one frame: the payload's length as a big-endian `u32`, then
/// the payload, in one write.
///
/// A payload too long for a `u32` length is an `InvalidInput` error.
pub fn write_frame(writer: &mut impl Write, payload: &[u8]) -> io::Result<()> {
    todo!("u32::try_from the length, to_be_bytes; one write_all of both")
}
// ANCHOR_END: write_frame

// ANCHOR: read_frame
/// Exercise 4.4: read one frame and return its payload.
///
/// `Ok(None)` when the stream ends before the first byte of a frame: the peer
/// is done. The stream ending inside a frame is an `UnexpectedEof` error. A
/// length over `max_len` is an `InvalidData` error, found before any of the
/// payload is read or memory set aside for it.
pub fn read_frame(
    reader: &mut impl Read,
    max_len: usize,
) -> io::Result<Option<Vec<u8>>> {
    todo!("1st byte (Ok(0): None), read_exact 3, check max_len, read payload")
}
// ANCHOR_END: read_frame
