//! Chapter 12: Messages and the closing handshake.
//!
//! Read `book/src/ch12-messages-and-close.md`, replace each `todo` placeholder
//! in the files of this folder (and `connection/`) with your code, and check your work with `cargo
//! test -p chapter-12`.
//!
//! The result is a WebSocket connection without any I/O (a "sans-I/O" protocol
//! core): bytes that arrived go in with [`Connection::receive_data`], messages
//! and control events come out of [`Connection::next_event`], and the bytes to
//! write to the socket come out of [`Connection::data_to_send`]. Chapter 13
//! wires it to tokio.
//!
//! - `utf8.rs`: exercise 12.1, UTF-8 validation of a message that arrives
//!   in pieces.
//! - `close.rs`: exercise 12.2, close status codes and close frame payloads.
//! - `connection.rs`: exercises 12.4 to 12.8, the connection itself, and
//!   `connection/send.rs`: exercise 12.3, what the application sends.
//! - `event.rs`: what comes out: events and the state of the closing
//!   handshake.
//! - `error.rs`: what can go wrong, and the close code each protocol
//!   error sends.
//! - `code.rs`: the close status codes by name.

mod close;
pub mod code;
mod connection;
mod error;
mod event;
mod utf8;

pub use close::{
    CloseFrame, encode_close_payload, is_valid_close_code, parse_close_payload,
};
pub use connection::{Config, Connection};
pub use error::{ProtocolError, SendError};
pub use event::{Event, State};
pub use utf8::{InvalidUtf8, Utf8Validator};

/// Which end of the connection we are, from chapter 11: a client masks what
/// it sends, a server requires masked frames from its client (RFC 6455
/// section 5.1).
pub use frames::Role;
