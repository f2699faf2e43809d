//! Exercise 12.2: close frames (RFC 6455 sections 5.5.1 and 7.4).
//!
//! A close frame's payload is empty, or a 2-byte status code (big-endian)
//! followed by a reason in UTF-8. Which codes may travel on the wire is decided
//! by section 7.4.

use crate::code;
use crate::error::ProtocolError;

/// What a close frame says: why the peer closes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CloseFrame {
    /// The status code; [`code::NO_STATUS_RECEIVED`] (1005) when the payload
    /// was empty.
    pub code: u16,
    /// Text for people, maybe empty. Never longer than 123 bytes: a control
    /// frame's payload is at most 125 bytes and the code takes 2.
    pub reason: String,
}

// ANCHOR: is_valid_close_code
/// Exercise 12.2: may `code` appear in a close frame on the wire?
///
/// RFC 6455 section 7.4: 1000-1003 and 1007-1014 are defined (7.4.1, and the
/// IANA registry since), 3000-4999 belong to libraries and applications
/// (7.4.2). 1004 is reserved, 1005, 1006 and 1015 are reserved for reporting
/// only, and everything else is unassigned.
pub fn is_valid_close_code(code: u16) -> bool {
    todo!("true for 1000-1003, 1007-1014 and 3000-4999 only")
}
// ANCHOR_END: is_valid_close_code

// ANCHOR: parse_close_payload
/// Exercise 12.2: read the payload of a close frame the peer sent.
///
/// - empty: no code given, reported as 1005 with an empty reason;
/// - 1 byte: a protocol error (half a code);
/// - otherwise a code that [`is_valid_close_code`] accepts, then a
///   UTF-8 reason.
pub fn parse_close_payload(
    payload: &[u8],
) -> Result<CloseFrame, ProtocolError> {
    todo!("[] is 1005, [_] too short, else a valid code and UTF-8 reason")
}
// ANCHOR_END: parse_close_payload

/// The payload of a close frame we send: the code, big-endian, then the reason.
/// Code 1005 means "no code" and gives an empty payload (section 7.1.5).
pub fn encode_close_payload(code: u16, reason: &str) -> Vec<u8> {
    if code == code::NO_STATUS_RECEIVED {
        return Vec::new();
    }
    let mut payload = Vec::with_capacity(2 + reason.len());
    payload.extend_from_slice(&code.to_be_bytes());
    payload.extend_from_slice(reason.as_bytes());
    payload
}
