//! What comes out of a connection: the events the peer causes, and where
//! the closing handshake stands.

use std::fmt;

use crate::error::ProtocolError;

// ANCHOR: event
/// What the peer did, in the order it happened.
#[derive(Clone, PartialEq, Eq)]
pub enum Event {
    /// A whole text message, however many frames it came in.
    Text(String),
    /// A whole binary message.
    Binary(Vec<u8>),
    /// A ping. While the connection is open, the pong is already waiting
    /// in `data_to_send`.
    Ping(Vec<u8>),
    /// A pong, asked for or not. Nothing is sent back.
    Pong(Vec<u8>),
    /// The connection ended. `code` is the peer's close code, 1005 when its
    /// close frame carried none, or 1006 when the socket ended without any
    /// close frame (`receive_eof`, RFC 6455 section 7.1.5).
    Close { code: u16, reason: String },
    /// The peer broke the protocol: a close frame with `error.close_code()`
    /// is waiting in `data_to_send`, and nothing more is read.
    Failed(ProtocolError),
}
// ANCHOR_END: event

/// Payloads in hex (`Binary([01 02 ff])`), as RFC 6455 and the book write
/// bytes, rather than `Binary([1, 2, 255])`.
impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (name, bytes) = match self {
            Event::Text(text) => {
                return f.debug_tuple("Text").field(text).finish();
            }
            Event::Binary(data) => ("Binary", data),
            Event::Ping(data) => ("Ping", data),
            Event::Pong(data) => ("Pong", data),
            Event::Close { code, reason } => {
                return f
                    .debug_struct("Close")
                    .field("code", code)
                    .field("reason", reason)
                    .finish();
            }
            Event::Failed(error) => {
                return f.debug_tuple("Failed").field(error).finish();
            }
        };
        write!(f, "{name}([")?;
        for (i, byte) in bytes.iter().enumerate() {
            let space = if i == 0 { "" } else { " " };
            write!(f, "{space}{byte:02x}")?;
        }
        f.write_str("])")
    }
}

// ANCHOR: state
/// Where the closing handshake stands (RFC 6455 section 7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Messages flow both ways.
    Open,
    /// We sent a close frame and wait for the peer's. We send nothing
    /// more, but still read.
    Closing,
    /// Both close frames went, the connection failed, or the socket ended:
    /// nothing more is sent or read. What to do with the socket once
    /// `data_to_send` is written: see [`Connection::should_close_tcp`].
    Closed,
}
// ANCHOR_END: state
