//! How a connection can end badly, or refuse what the application asked.

use std::fmt;
use std::io;

use protocol::{ProtocolError, SendError};

/// What took too long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Waited {
    /// The opening handshake (`Config::handshake_timeout`).
    Handshake,
    /// An answer to our ping (`Config::pong_timeout`).
    Pong,
    /// The end of the closing handshake (`Config::close_timeout`).
    Close,
}

/// Why a WebSocket operation failed.
#[derive(Debug)]
pub enum Error {
    /// The socket failed: reset, broken pipe, no route...
    Io(io::Error),
    /// The opening handshake failed: the request or the response was
    /// refused, or the peer closed before the end of it.
    Handshake(String),
    /// The URL given to `connect` cannot be used.
    Url(handshake::UrlError),
    /// The peer took longer than the configured time.
    Timeout(Waited),
    /// The peer broke the protocol: our close frame told it why (RFC 6455
    /// section 7.1.7), and the connection is over.
    Protocol(ProtocolError),
    /// The TCP connection ended before the closing handshake did (the
    /// 1006 of RFC 6455 section 7.1.5).
    Lost,
    /// The application asked to send what may not be sent, such as a
    /// message after the close.
    Send(SendError),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io(error) => write!(f, "socket error: {error}"),
            Error::Handshake(why) => write!(f, "handshake failed: {why}"),
            Error::Url(error) => write!(f, "bad URL: {error}"),
            Error::Timeout(Waited::Handshake) => {
                f.write_str("the opening handshake took too long")
            }
            Error::Timeout(Waited::Pong) => {
                f.write_str("the peer did not answer a ping in time")
            }
            Error::Timeout(Waited::Close) => {
                f.write_str("the peer did not finish closing in time")
            }
            Error::Protocol(error) => {
                write!(f, "the peer broke the protocol: {error}")
            }
            Error::Lost => {
                f.write_str("the connection ended without a close frame")
            }
            Error::Send(error) => write!(f, "cannot send: {error}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<io::Error> for Error {
    fn from(error: io::Error) -> Self {
        Error::Io(error)
    }
}
