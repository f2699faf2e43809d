//! Masking: XOR with a 4-byte key, repeated (RFC 6455 section 5.3).
//!
//! Masking and unmasking are the same operation, since `(b ^ k) ^ k == b`.

// ANCHOR: apply_mask_bytewise
/// Exercise 11.3: XOR every byte of `data` with the key byte its position
/// calls for.
///
/// `data[0]` is payload byte number `offset`, not necessarily the first:
/// payload byte `i` is XORed with `mask[i % 4]`, so masking can stop and
/// continue later where it left off.
pub fn apply_mask_bytewise(data: &mut [u8], mask: [u8; 4], offset: usize) {
    // BEGIN SOLUTION: data[i] ^= mask[(offset + i) % 4] for every i
    for (i, byte) in data.iter_mut().enumerate() {
        *byte ^= mask[(offset + i) % 4];
    }
    // END SOLUTION
}
// ANCHOR_END: apply_mask_bytewise

// ANCHOR: apply_mask
/// Exercise 11.4: the same result as [`apply_mask_bytewise`], eight bytes at
/// a time.
///
/// Rotate the key so that its first byte is the one for `data[0]`, repeat it
/// twice into a `u64`, XOR each whole 8-byte chunk with that word, and finish
/// the few bytes left over one at a time. Eight is a multiple of four, so every
/// chunk starts at the same place in the key.
pub fn apply_mask(data: &mut [u8], mask: [u8; 4], offset: usize) {
    // BEGIN SOLUTION: rotate the key, XOR 8-byte chunks as u64, then the rest
    let mut key = mask;
    key.rotate_left(offset % 4);
    let [a, b, c, d] = key;
    // Native byte order both ways: the word is only ever XORed with words read
    // the same way.
    let word = u64::from_ne_bytes([a, b, c, d, a, b, c, d]);
    let (chunks, rest) = data.as_chunks_mut::<8>();
    for chunk in chunks {
        *chunk = (u64::from_ne_bytes(*chunk) ^ word).to_ne_bytes();
    }
    for (byte, k) in rest.iter_mut().zip(key.iter().cycle()) {
        *byte ^= k;
    }
    // END SOLUTION
}
// ANCHOR_END: apply_mask
