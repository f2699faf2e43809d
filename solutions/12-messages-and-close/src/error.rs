//! What can go wrong: the peer breaks the protocol (we fail the connection), or
//! the application asks to send what may not be sent (we refuse).

use std::fmt;

use frames::{FrameError, OpCode};

use crate::code;

// ANCHOR: protocol_error
/// The peer broke the protocol. The connection fails: it sends a close frame
/// with [`ProtocolError::close_code`] and reads nothing more (RFC 6455
/// section 7.1.7).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProtocolError {
    /// The frame layer of chapter 11 refused a frame.
    Frame(FrameError),
    /// A continuation frame arrived while no fragmented message was going on.
    ContinuationWithoutStart,
    /// A text or binary frame started a new message before the last one
    /// was finished.
    MessageNotFinished,
    /// A text message, or a close reason, that is not UTF-8.
    InvalidUtf8,
    /// A close frame whose payload is a single byte: half a status code.
    CloseTooShort,
    /// A close frame with a status code that may not be sent (see
    /// `is_valid_close_code`).
    InvalidCloseCode(u16),
    /// A message larger than `Config::max_message`, whatever its fragments.
    MessageTooBig { size: usize, max: usize },
}
// ANCHOR_END: protocol_error

impl ProtocolError {
    // ANCHOR: close_code
    /// Exercise 12.4: the status code the close frame carries when this error
    /// fails the connection (RFC 6455 section 7.4.1).
    pub fn close_code(&self) -> u16 {
        // BEGIN SOLUTION: 1007 bad UTF-8, 1009 too big, 1002 the rest
        match self {
            ProtocolError::InvalidUtf8 => code::INVALID_DATA,
            ProtocolError::MessageTooBig { .. }
            | ProtocolError::Frame(FrameError::TooLarge { .. }) => {
                code::MESSAGE_TOO_BIG
            }
            _ => code::PROTOCOL_ERROR,
        }
        // END SOLUTION
    }
    // ANCHOR_END: close_code
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProtocolError::Frame(e) => write!(f, "bad frame: {e}"),
            ProtocolError::ContinuationWithoutStart => {
                f.write_str("a continuation frame with no message to continue")
            }
            ProtocolError::MessageNotFinished => f.write_str(
                "a new message started before the last one was finished",
            ),
            ProtocolError::InvalidUtf8 => f.write_str("text that is not UTF-8"),
            ProtocolError::CloseTooShort => {
                f.write_str("a close frame with a 1-byte payload")
            }
            ProtocolError::InvalidCloseCode(c) => {
                write!(f, "close code {c} may not be sent")
            }
            ProtocolError::MessageTooBig { size, max } => {
                write!(
                    f,
                    "a message of at least {size} bytes, \
                     over the limit of {max}"
                )
            }
        }
    }
}

impl std::error::Error for ProtocolError {}

/// What the application asked to send cannot be sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendError {
    /// A close frame was sent or received: no more frames may follow
    /// (section 5.5.1).
    Closed,
    /// A close code that may not appear on the wire.
    InvalidCloseCode(u16),
    /// A control frame's payload over 125 bytes (a close reason over 123).
    ControlTooLong(usize),
    /// A new message while a fragmented one is still being sent.
    MessageUnderWay,
    /// `send_fragment` with an opcode other than Text or Binary.
    NotAMessage(OpCode),
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendError::Closed => {
                f.write_str("the connection is closing or closed")
            }
            SendError::InvalidCloseCode(c) => {
                write!(f, "close code {c} may not be sent")
            }
            SendError::ControlTooLong(n) => {
                write!(f, "a control frame payload of {n} bytes (at most 125)")
            }
            SendError::MessageUnderWay => {
                f.write_str("a fragmented message is still being sent")
            }
            SendError::NotAMessage(opcode) => {
                write!(f, "{opcode:?} is not the opcode of a message")
            }
        }
    }
}

impl std::error::Error for SendError {}
