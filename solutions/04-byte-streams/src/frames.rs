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
    // BEGIN SOLUTION: u32::try_from the length, to_be_bytes; one write_all of both
    let len = u32::try_from(payload.len()).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "a payload of 4 GiB or more does not fit a 4-byte length",
        )
    })?;
    let mut frame = Vec::with_capacity(HEADER_LEN + payload.len());
    frame.extend_from_slice(&len.to_be_bytes());
    frame.extend_from_slice(payload);
    writer.write_all(&frame)
    // END SOLUTION
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
    // BEGIN SOLUTION: 1st byte (Ok(0): None), read_exact 3, check max_len, read payload
    let mut header = [0; HEADER_LEN];
    // The first byte decides between "no more frames" and "a
    // frame": read it on its own.
    loop {
        match reader.read(&mut header[..1]) {
            Ok(0) => return Ok(None),
            Ok(_) => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    reader.read_exact(&mut header[1..])?;
    let len = u32::from_be_bytes(header) as usize;
    if len > max_len {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("a frame of {len} bytes is over the limit of {max_len}"),
        ));
    }
    let mut payload = vec![0; len];
    reader.read_exact(&mut payload)?;
    Ok(Some(payload))
    // END SOLUTION
}
// ANCHOR_END: read_frame
