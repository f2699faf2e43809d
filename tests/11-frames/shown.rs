//! How the tests show frames and bytes when a check fails: every byte in hex,
//! as the RFC and the book write them, and a long payload shortened to its ends
//! and its length.
//!
//! The `check_*` functions return the failure text instead of panicking, for
//! the property tests (`check_bytes(..).map_err(TestCaseError::fail)?`):
//! proptest then prints the message once, for the smallest failing input,
//! instead of a panic at every step of shrinking.
#![allow(dead_code)] // each test file uses a different part

use std::fmt;
use std::ops::Deref;

use chapter_11::{Decoded, Frame, FrameError, Header, HeaderRead};
use support::{Section, check_eq, check_that};

/// Payloads up to this many bytes are shown whole; longer ones by their ends.
const WHOLE: usize = 16;

/// A value shown with its bytes in hex: `Shown(&frame)` prints `Frame {
/// fin: true, opcode: Text, payload: [48 65 6c 6c 6f] }`. Compares as the
/// value does.
#[derive(PartialEq)]
pub struct Shown<'a, T>(pub &'a T);

/// `[48 65 6c 6c 6f]`, or `[00 01 02 03 04 05 06 07 .. fc fd fe ff]
/// (256 bytes)`.
fn payload(bytes: &[u8]) -> String {
    let hex = support::hex::hex_bytes;
    if bytes.len() <= WHOLE {
        format!("[{}]", hex(bytes))
    } else {
        let (start, end) = (&bytes[..8], &bytes[bytes.len() - 4..]);
        format!("[{} .. {}] ({} bytes)", hex(start), hex(end), bytes.len())
    }
}

/// A frame error as `Debug` shows it, but a reserved opcode in
/// hex (`ReservedOpcode(0xB)`).
fn error(error: &FrameError) -> String {
    match error {
        FrameError::ReservedOpcode(bits) => {
            format!("ReservedOpcode({bits:#X})")
        }
        other => format!("{other:?}"),
    }
}

fn frame(frame: &Frame) -> String {
    format!(
        "Frame {{ fin: {}, opcode: {:?}, payload: {} }}",
        frame.fin,
        frame.opcode,
        payload(&frame.payload)
    )
}

fn decoded(found: &Decoded) -> String {
    match found {
        Decoded::NeedMore(n) => format!("NeedMore({n})"),
        Decoded::Frame { frame: f, consumed } => {
            format!("Frame {{ frame: {}, consumed: {consumed} }}", frame(f))
        }
    }
}

fn header(header: &Header) -> String {
    let mask = match header.mask {
        Some(key) => format!("Some([{}])", support::hex::hex_bytes(&key)),
        None => "None".to_string(),
    };
    format!(
        "Header {{ fin: {}, rsv: {}, opcode: {:?}, mask: {mask}, payload_len: {} }}",
        header.fin, header.rsv, header.opcode, header.payload_len
    )
}

impl fmt::Debug for Shown<'_, Frame> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&frame(self.0))
    }
}

impl fmt::Debug for Shown<'_, Vec<Frame>> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let frames: Vec<String> = self.0.iter().map(frame).collect();
        write!(f, "[{}]", frames.join(", "))
    }
}

impl fmt::Debug for Shown<'_, Result<Decoded, FrameError>> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Ok(found) => write!(f, "Ok({})", decoded(found)),
            Err(e) => write!(f, "Err({})", error(e)),
        }
    }
}

impl fmt::Debug for Shown<'_, Result<HeaderRead, FrameError>> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Ok(HeaderRead::NeedMore(n)) => write!(f, "Ok(NeedMore({n}))"),
            Ok(HeaderRead::Complete {
                header: h,
                consumed,
            }) => write!(
                f,
                "Ok(Complete {{ header: {}, consumed: {consumed} }})",
                header(h)
            ),
            Err(e) => write!(f, "Err({})", error(e)),
        }
    }
}

impl fmt::Debug for Shown<'_, Header> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&header(self.0))
    }
}

impl fmt::Debug for Shown<'_, Vec<u8>> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}]", support::hex::hex_bytes(self.0))
    }
}

impl fmt::Debug for Shown<'_, [u8; 4]> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}]", support::hex::hex_bytes(self.0))
    }
}

/// A value a property test generates, which proptest then prints (as its
/// smallest failing input) with its bytes in hex, the way [`Shown`] does. Use
/// it as the value itself.
#[derive(Clone, PartialEq)]
pub struct InHex<T>(pub T);

impl<T> fmt::Debug for InHex<T>
where
    for<'a> Shown<'a, T>: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Shown(&self.0).fmt(f)
    }
}

impl<T> Deref for InHex<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

/// Are two byte strings equal? If not, the failure shows both in hex with a
/// caret under the first byte that differs (as `support::expect_bytes` does).
pub fn check_bytes(
    found: &[u8],
    expected: &[u8],
    what: &str,
    read: Section,
) -> Result<(), String> {
    match support::hex::diff(expected, found) {
        None => Ok(()),
        Some(diff) => check_that(
            false,
            what,
            &count(expected.len()),
            format!("{} that differ:\n{diff}", count(found.len())),
            read,
        ),
    }
}

/// `1 byte`, `7 bytes`.
fn count(bytes: usize) -> String {
    match bytes {
        1 => "1 byte".to_string(),
        n => format!("{n} bytes"),
    }
}

/// Are two frames equal? FIN and opcode are compared first, then the payloads
/// byte by byte.
pub fn check_frame(
    found: &Frame,
    expected: &Frame,
    what: &str,
    read: Section,
) -> Result<(), String> {
    check_eq(
        (found.fin, found.opcode),
        (expected.fin, expected.opcode),
        &format!("(fin, opcode) of {what}"),
        read,
    )?;
    check_bytes(
        &found.payload,
        &expected.payload,
        &format!("the payload of {what}"),
        read,
    )
}

/// Are two lists of frames equal? First their number, then frame by frame.
pub fn check_frames(
    found: &Vec<Frame>,
    expected: &Vec<Frame>,
    what: &str,
    read: Section,
) -> Result<(), String> {
    if found.len() != expected.len() {
        return check_eq(Shown(found), Shown(expected), what, read);
    }
    for (index, (found, expected)) in found.iter().zip(expected).enumerate() {
        check_frame(
            found,
            expected,
            &format!("frame {index} of {what}"),
            read,
        )?;
    }
    Ok(())
}

/// Is `found` what `decode` should have answered? Two frames are compared field
/// by field (payloads byte by byte); anything else as a whole, in hex.
pub fn check_decoded(
    found: &Result<Decoded, FrameError>,
    expected: &Result<Decoded, FrameError>,
    what: &str,
    read: Section,
) -> Result<(), String> {
    match (found, expected) {
        (
            Ok(Decoded::Frame {
                frame: found,
                consumed: found_consumed,
            }),
            Ok(Decoded::Frame {
                frame: expected,
                consumed: expected_consumed,
            }),
        ) => {
            check_eq(
                found_consumed,
                expected_consumed,
                &format!("the bytes consumed by {what}"),
                read,
            )?;
            check_frame(
                found,
                expected,
                &format!("the frame from {what}"),
                read,
            )
        }
        _ => check_eq(Shown(found), Shown(expected), what, read),
    }
}

/// Ends the test with a failure text from one of the `check_*` functions.
#[track_caller]
pub fn fail_on(result: Result<(), String>) {
    if let Err(message) = result {
        panic!("\n{message}\n")
    }
}

/// [`check_decoded`] for a plain test: a failure ends the test.
#[track_caller]
pub fn expect_decoded(
    found: Result<Decoded, FrameError>,
    expected: Result<Decoded, FrameError>,
    what: &str,
    read: Section,
) {
    fail_on(check_decoded(&found, &expected, what, read));
}

/// `support::expect_eq` on the values as [`Shown`]: a failure prints their
/// bytes in hex.
#[track_caller]
pub fn expect_shown<T: PartialEq>(
    found: T,
    expected: T,
    what: &str,
    read: Section,
) where
    for<'a> Shown<'a, T>: fmt::Debug,
{
    support::expect_eq(Shown(&found), Shown(&expected), what, read);
}
