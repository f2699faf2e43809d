//! Exercise 12.1: UTF-8 validation for a text message that arrives in pieces.
//!
//! A text message may be split into frames anywhere, even inside a code point:
//! "é" is the two bytes `c3 a9`, and one frame may end after `c3`. The
//! validator keeps those first bytes until the rest arrives, and reports
//! invalid UTF-8 as soon as the bytes that prove it have been fed, not at the
//! end of the message (RFC 6455 section 8.1).

use std::fmt;

/// The bytes fed so far are not the start of any valid UTF-8 text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidUtf8;

impl fmt::Display for InvalidUtf8 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("invalid UTF-8")
    }
}

impl std::error::Error for InvalidUtf8 {}

// ANCHOR: validator
/// Checks UTF-8 text fed piece by piece.
#[derive(Clone, Debug, Default)]
pub struct Utf8Validator {
    /// The first bytes of a code point whose last bytes have not been fed yet.
    /// A code point has at most 4 bytes, so at most 3 wait here; `waiting` says
    /// how many.
    partial: [u8; 4],
    waiting: usize,
}
// ANCHOR_END: validator

impl Utf8Validator {
    pub fn new() -> Self {
        Self::default()
    }

    // ANCHOR: feed
    /// Exercise 12.1: check the next piece of the text.
    ///
    /// `Err` as soon as the bytes fed so far cannot be the start of valid
    /// UTF-8; `Ok` while they still can, including when `bytes` ends in the
    /// middle of a code point.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<(), InvalidUtf8> {
        todo!("finish the waiting code point, check the rest, keep a tail")
    }
    // ANCHOR_END: feed

    // ANCHOR: finish
    /// Exercise 12.1: the text has ended. `Err` if it ended inside a code
    /// point. Either way the validator is ready for the next text.
    pub fn finish(&mut self) -> Result<(), InvalidUtf8> {
        todo!("Err if bytes still wait; reset for the next text")
    }
    // ANCHOR_END: finish
}
