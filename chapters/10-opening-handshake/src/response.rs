//! The client reads the server's answer and checks that it really is a
//! WebSocket server agreeing to this request (RFC 6455 section 4.1, the
//! client's requirements).

use std::fmt;

use http_head::{Headers, parse_header_line};

use crate::accept::accept_key;

/// The most bytes of a response head a client reads before it gives up.
const MAX_RESPONSE_HEAD: usize = 8 * 1024;

// ANCHOR: response_types
/// A response head: `HTTP/1.1 101 Switching Protocols` and its header fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub reason: String,
    pub headers: Headers,
}

/// Why a client refuses the server's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResponseError {
    /// Not an HTTP/1.1 response head; says what is wrong with it.
    Malformed(String),
    /// The status is not 101: the server did not switch (an error, or
    /// a redirect).
    NotSwitchingProtocols { status: u16 },
    /// `Upgrade` does not name `websocket`.
    NoWebSocketUpgrade,
    /// `Connection` does not hold the `upgrade` token.
    NoConnectionUpgrade,
    /// `Sec-WebSocket-Accept` is missing, repeated, or not the hash of this
    /// client's key.
    WrongAccept {
        expected: String,
        found: Option<String>,
    },
    /// The server chose a subprotocol the client did not offer, or several.
    UnexpectedSubprotocol(String),
    /// The server named an extension; this client offers none.
    UnexpectedExtension(String),
}
// ANCHOR_END: response_types

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResponseError::Malformed(what) => {
                write!(f, "not an HTTP/1.1 response head: {what}")
            }
            ResponseError::NotSwitchingProtocols { status } => {
                write!(
                    f,
                    "the server answered {status}, not 101 Switching Protocols"
                )
            }
            ResponseError::NoWebSocketUpgrade => {
                write!(f, "Upgrade does not name websocket")
            }
            ResponseError::NoConnectionUpgrade => {
                write!(f, "Connection does not hold the upgrade token")
            }
            ResponseError::WrongAccept {
                expected,
                found: Some(found),
            } => write!(
                f,
                "Sec-WebSocket-Accept is {found:?}, expected {expected:?} \
                 for this key"
            ),
            ResponseError::WrongAccept {
                expected,
                found: None,
            } => write!(
                f,
                "there is no Sec-WebSocket-Accept, expected {expected:?} \
                 for this key"
            ),
            ResponseError::UnexpectedSubprotocol(chosen) => {
                write!(
                    f,
                    "the server chose subprotocol {chosen:?}, \
                     which was not offered"
                )
            }
            ResponseError::UnexpectedExtension(named) => {
                write!(
                    f,
                    "the server named extension {named:?}, \
                     which was not offered"
                )
            }
        }
    }
}

impl std::error::Error for ResponseError {}

fn malformed(what: &str) -> ResponseError {
    ResponseError::Malformed(what.to_string())
}

// ANCHOR: parse_response
/// Reads a response head from the start of `bytes`, all that arrived so far:
/// `None` until the empty line that ends it is there, then the response and the
/// length of its head.
///
/// Not an exercise: the mirror image of chapter 9's reader, simpler because it
/// waits for the whole head and then looks at it. A client only reads one
/// answer, from the server it chose to contact.
pub fn parse_response(
    bytes: &[u8],
) -> Result<Option<(Response, usize)>, ResponseError> {
    let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") else {
        if bytes.len() > MAX_RESPONSE_HEAD {
            return Err(malformed("the head does not end within 8 KiB"));
        }
        return Ok(None);
    };
    // Every line up to the empty one, each without its CRLF.
    let mut lines = Vec::new();
    for line in bytes[..end + 2].split_inclusive(|&b| b == b'\n') {
        lines.push(
            line.strip_suffix(b"\r\n")
                .ok_or_else(|| malformed("a line ends in a bare LF"))?,
        );
    }
    // status-line = HTTP-version SP status-code SP [ reason-phrase ]  (RFC 9112
    // section 4)
    let status_line = String::from_utf8_lossy(lines[0]);
    let (version, rest) = status_line
        .split_once(' ')
        .ok_or_else(|| malformed("the status line has no space"))?;
    if version != "HTTP/1.1" {
        return Err(malformed("the version is not HTTP/1.1"));
    }
    let (code, reason) = rest.split_once(' ').unwrap_or((rest, ""));
    let status = match code.parse::<u16>() {
        Ok(status)
            if code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit()) =>
        {
            status
        }
        _ => return Err(malformed("the status code is not three digits")),
    };
    let mut headers = Headers::new();
    for (index, line) in lines[1..].iter().enumerate() {
        let header = parse_header_line(line, index + 2)
            .map_err(|error| ResponseError::Malformed(error.to_string()))?;
        headers.push(header);
    }
    let response = Response {
        status,
        reason: reason.to_string(),
        headers,
    };
    Ok(Some((response, end + 4)))
}
// ANCHOR_END: parse_response

// ANCHOR: check_response
/// Exercise 10.7: is this the answer of a WebSocket server that accepted *this*
/// request? (RFC 6455 section 4.1, the client's checks, in this order):
///
/// 1. the status is 101;
/// 2. `Upgrade` is `websocket` itself, nothing more, and `Connection` holds
///    `upgrade`, in any case (a server's request check may accept `websocket`
///    in a list; a client's answer check may not);
/// 3. there is exactly one `Sec-WebSocket-Accept`, equal to `accept_key(key)`;
/// 4. there is no `Sec-WebSocket-Extensions` (this client offers no extension);
/// 5. `Sec-WebSocket-Protocol` is absent (no subprotocol: `Ok(None)`), or one
///    value the client offered (`Ok(Some(..))`). Anything else is
///    `UnexpectedSubprotocol` with the values joined by `", "`.
pub fn check_response(
    response: &Response,
    key: &str,
    offered: &[&str],
) -> Result<Option<String>, ResponseError> {
    todo!("check the five rules in order; return the chosen subprotocol")
}
// ANCHOR_END: check_response
