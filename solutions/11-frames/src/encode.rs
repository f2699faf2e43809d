//! From a frame to the bytes on the wire (RFC 6455 section 5.2).

use crate::frame::Frame;
use crate::length::encode_length;
use crate::mask::apply_mask;

// ANCHOR: encode
/// Exercise 11.5: append the wire bytes of `frame` to `out`.
///
/// `mask: Some(key)` is how a client sends (MASK bit set, the key, the masked
/// payload); `None` is how a server sends (MASK bit clear, no key, the payload
/// as it is). The RSV bits are always 0: this workbook negotiates no extension.
///
/// `encode` writes the frame it is given; keeping control frames short and
/// unfragmented is the caller's job (chapter 12 never builds one that is not).
pub fn encode(frame: &Frame, mask: Option<[u8; 4]>, out: &mut Vec<u8>) {
    // BEGIN SOLUTION: FIN and opcode, length and MASK bit, key, (masked) payload
    out.reserve(14 + frame.payload.len());
    out.push(u8::from(frame.fin) << 7 | frame.opcode.as_u8());
    let second_byte = out.len();
    encode_length(frame.payload.len(), out);
    match mask {
        None => out.extend_from_slice(&frame.payload),
        Some(key) => {
            out[second_byte] |= 0x80;
            out.extend_from_slice(&key);
            let payload = out.len();
            out.extend_from_slice(&frame.payload);
            apply_mask(&mut out[payload..], key, 0);
        }
    }
    // END SOLUTION
}
// ANCHOR_END: encode
