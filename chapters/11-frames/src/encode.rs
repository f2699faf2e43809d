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
    todo!("FIN and opcode, length and MASK bit, key, (masked) payload")
}
// ANCHOR_END: encode
