//! Writing a response head: the status line, the header fields and the empty
//! line.
//!
//! ```text
//! HTTP/1.1 101 Switching Protocols\r\n      status line
//! Upgrade: websocket\r\n                    header fields
//! Connection: Upgrade\r\n
//! \r\n                                      the empty line that ends the head
//! ```

use std::fmt::Write as _;

use crate::error::HeadError;

// ANCHOR: status
/// The five statuses a WebSocket server sends during the opening handshake.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// 101: the connection now speaks the protocol named in `Upgrade` (RFC
    /// 9110 section 15.2.2).
    SwitchingProtocols,
    /// 400: the request is malformed (RFC 9110 section 15.5.1).
    BadRequest,
    /// 403: understood, and refused, for example because of its `Origin` (RFC
    /// 9110 section 15.5.4).
    Forbidden,
    /// 426: the client must switch to another protocol first (RFC
    /// 9110 section 15.5.22).
    UpgradeRequired,
    /// 431: the head is too large (RFC 6585 section 5).
    RequestHeaderFieldsTooLarge,
}

impl Status {
    pub fn code(self) -> u16 {
        match self {
            Status::SwitchingProtocols => 101,
            Status::BadRequest => 400,
            Status::Forbidden => 403,
            Status::UpgradeRequired => 426,
            Status::RequestHeaderFieldsTooLarge => 431,
        }
    }

    /// The reason phrase the RFCs give the code. Clients ignore it; people read
    /// it.
    pub fn reason(self) -> &'static str {
        match self {
            Status::SwitchingProtocols => "Switching Protocols",
            Status::BadRequest => "Bad Request",
            Status::Forbidden => "Forbidden",
            Status::UpgradeRequired => "Upgrade Required",
            Status::RequestHeaderFieldsTooLarge => {
                "Request Header Fields Too Large"
            }
        }
    }
}
// ANCHOR_END: status

// ANCHOR: response_head
/// Exercise 9.5: the bytes of a response head (RFC 9112 sections 4 and 5):
///
/// ```text
/// status-line = HTTP-version SP status-code SP reason-phrase CRLF
/// field-line  = field-name ":" SP field-value CRLF  (one per header, in order)
///               CRLF                                (the empty line)
/// ```
///
/// The version is always `HTTP/1.1`. The names and values are the
/// caller's, written as given.
pub fn response_head(status: Status, headers: &[(&str, &str)]) -> Vec<u8> {
    // BEGIN SOLUTION: status line, `name: value` per header, empty line; each ends CRLF
    let mut head = String::new();
    // Writing to a String cannot fail.
    let _ = write!(head, "HTTP/1.1 {} {}\r\n", status.code(), status.reason());
    for (name, value) in headers {
        let _ = write!(head, "{name}: {value}\r\n");
    }
    head.push_str("\r\n");
    head.into_bytes()
    // END SOLUTION
}
// ANCHOR_END: response_head

// ANCHOR: rejection
impl HeadError {
    /// Exercise 9.6: the status a server answers this error with. The two
    /// limits are 431 Request Header Fields Too Large (RFC 6585 section 5);
    /// everything else is 400.
    pub fn status(&self) -> Status {
        // BEGIN SOLUTION: HeadTooLarge and TooManyHeaders are 431, every other error 400
        match self {
            HeadError::HeadTooLarge { .. }
            | HeadError::TooManyHeaders { .. } => {
                Status::RequestHeaderFieldsTooLarge
            }
            _ => Status::BadRequest,
        }
        // END SOLUTION
    }
}

/// Exercise 9.6: the whole response to a head the server could not read. It has
/// no body, and the server closes the connection after it: whatever follows a
/// broken head cannot be trusted to start where the head should have ended.
///
/// Headers, in this order: `Connection: close`, `Content-Length: 0`.
pub fn rejection(error: &HeadError) -> Vec<u8> {
    // BEGIN SOLUTION: response_head with error.status() and the two headers
    response_head(
        error.status(),
        &[("Connection", "close"), ("Content-Length", "0")],
    )
    // END SOLUTION
}
// ANCHOR_END: rejection
