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
        // BEGIN SOLUTION: finish the waiting code point, check the rest, keep a tail
        let mut rest = bytes;
        if self.waiting > 0 {
            // Put the waiting bytes and the first new ones side by side, and
            // let std judge them: at most 4 bytes, so this costs nothing.
            let have = self.waiting;
            let take = rest.len().min(4 - have);
            let mut window = self.partial;
            window[have..have + take].copy_from_slice(&rest[..take]);
            match std::str::from_utf8(&window[..have + take]) {
                // The code point is complete (and maybe a few more after it).
                Ok(_) => rest = &rest[take..],
                // error_len() is Some: these bytes can never become valid.
                Err(e) if e.error_len().is_some() => return Err(InvalidUtf8),
                // Still not complete: every new byte went into the window.
                Err(e) if e.valid_up_to() == 0 => {
                    self.partial = window;
                    self.waiting = have + take;
                    return Ok(());
                }
                // Complete, and a new unfinished one starts after it: check
                // from there.
                Err(e) => rest = &rest[e.valid_up_to() - have..],
            }
            self.waiting = 0;
        }
        match std::str::from_utf8(rest) {
            Ok(_) => Ok(()),
            Err(e) if e.error_len().is_some() => Err(InvalidUtf8),
            // The piece ends inside a code point: keep its first bytes for the
            // next piece.
            Err(e) => {
                let tail = &rest[e.valid_up_to()..];
                self.partial[..tail.len()].copy_from_slice(tail);
                self.waiting = tail.len();
                Ok(())
            }
        }
        // END SOLUTION
    }
    // ANCHOR_END: feed

    // ANCHOR: finish
    /// Exercise 12.1: the text has ended. `Err` if it ended inside a code
    /// point. Either way the validator is ready for the next text.
    pub fn finish(&mut self) -> Result<(), InvalidUtf8> {
        // BEGIN SOLUTION: Err if bytes still wait; reset for the next text
        let complete = self.waiting == 0;
        self.waiting = 0;
        if complete { Ok(()) } else { Err(InvalidUtf8) }
        // END SOLUTION
    }
    // ANCHOR_END: finish
}
