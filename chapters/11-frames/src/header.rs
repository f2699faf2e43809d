//! Reading a frame header from the start of a buffer (RFC 6455 section 5.2).

use crate::error::FrameError;
use crate::frame::OpCode;

// ANCHOR: header
/// The fields of a frame header, as read from the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pub fin: bool,
    /// RSV1, RSV2 and RSV3 as a number: RSV1 = 4, RSV2 = 2, RSV3 = 1.
    pub rsv: u8,
    pub opcode: OpCode,
    /// The masking key, when the MASK bit is set.
    pub mask: Option<[u8; 4]>,
    /// How many bytes of payload follow the header.
    pub payload_len: u64,
}

/// What [`parse_header`] found at the start of a buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderRead {
    /// The header is not all there: at least this many more bytes are needed.
    NeedMore(usize),
    /// A whole header, and how many bytes it took (2 to 14).
    Complete { header: Header, consumed: usize },
}
// ANCHOR_END: header

// ANCHOR: parse_header
/// Exercise 11.6: read the header at the start of `input`.
///
/// ```text
///  byte 0: FIN | RSV1 | RSV2 | RSV3 | opcode (4 bits)
///  byte 1: MASK | payload length (7 bits: 0-125, or 126, or 127)
///  then:   2 more length bytes if it said 126, 8 if it said 127 (big-endian)
///  then:   4 bytes of masking key if MASK is set
/// ```
///
/// Reports an error as soon as the bytes that prove it are there: a reserved
/// opcode from the first byte alone, a 64-bit length with its top bit set once
/// its 8 bytes have arrived. Until the header is complete, says how many more
/// bytes it needs at least. Never reads past the header, and accepts a length
/// that did not need its 16 or 64 bits.
pub fn parse_header(input: &[u8]) -> Result<HeaderRead, FrameError> {
    todo!("bytes 0 and 1, length, key; NeedMore while any is missing")
}
// ANCHOR_END: parse_header
