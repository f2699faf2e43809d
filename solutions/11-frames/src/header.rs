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
    // BEGIN SOLUTION: bytes 0 and 1, length, key; NeedMore while any is missing
    let Some(&first) = input.first() else {
        return Ok(HeaderRead::NeedMore(2));
    };
    let bits = first & 0x0F;
    let opcode =
        OpCode::from_u8(bits).ok_or(FrameError::ReservedOpcode(bits))?;
    let Some(&second) = input.get(1) else {
        return Ok(HeaderRead::NeedMore(1));
    };

    let length_bytes = match second & 0x7F {
        126 => 2,
        127 => 8,
        _ => 0,
    };
    let masked = second & 0x80 != 0;
    let header_len = 2 + length_bytes + if masked { 4 } else { 0 };

    let Some(extended) = input.get(2..2 + length_bytes) else {
        return Ok(HeaderRead::NeedMore(header_len - input.len()));
    };
    let payload_len = match *extended {
        [a, b] => u64::from(u16::from_be_bytes([a, b])),
        [a, b, c, d, e, f, g, h] => {
            u64::from_be_bytes([a, b, c, d, e, f, g, h])
        }
        _ => u64::from(second & 0x7F),
    };
    if payload_len >> 63 != 0 {
        return Err(FrameError::LengthTopBitSet);
    }
    if input.len() < header_len {
        return Ok(HeaderRead::NeedMore(header_len - input.len()));
    }

    let mask = masked.then(|| {
        let key = &input[header_len - 4..header_len];
        [key[0], key[1], key[2], key[3]]
    });
    let header = Header {
        fin: first & 0x80 != 0,
        rsv: (first >> 4) & 0b111,
        opcode,
        mask,
        payload_len,
    };
    Ok(HeaderRead::Complete {
        header,
        consumed: header_len,
    })
    // END SOLUTION
}
// ANCHOR_END: parse_header
