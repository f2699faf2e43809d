//! The payload length: 7 bits, or 7 bits saying that 16 or 64 more follow
//! (RFC 6455 5.2).

// ANCHOR: encode_length
/// Exercise 11.2: append the payload length `length` the way the second byte of
/// a header and the bytes after it carry it, with the MASK bit (the top bit of
/// the first byte written) left clear:
///
/// - 0 to 125: one byte, the length itself;
/// - 126 to 65535: the byte 126, then the length as 2 bytes, most
///   significant first;
/// - anything larger: the byte 127, then the length as 8 bytes, most
///   significant first.
///
/// Always the shortest form that fits, as RFC 6455 section 5.2 requires of
/// a sender.
pub fn encode_length(length: usize, out: &mut Vec<u8>) {
    todo!("push one byte, or 126 and a u16, or 127 and a u64, big-endian")
}
// ANCHOR_END: encode_length
