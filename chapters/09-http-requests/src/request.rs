//! The lines of a request head: the request line first, then one
//! header field per line.
//!
//! ```text
//! GET /chat HTTP/1.1\r\n          request line     (exercise 9.1)
//! Host: example.com\r\n           header field     (exercise 9.2)
//! Upgrade: websocket\r\n          header field
//! \r\n                            the empty line that ends the head
//! ```

use crate::error::HeadError;
use crate::headers::Headers;

// ANCHOR: request_types
/// The HTTP version of a request. Only HTTP/1.0 and HTTP/1.1 are text; HTTP/2
/// and HTTP/3 are binary protocols and never reach this parser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    Http10,
    Http11,
}

/// The first line of a request: `GET /chat HTTP/1.1`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestLine {
    pub method: String,
    pub target: String,
    pub version: Version,
}

/// One header field: `Name: value`. The name keeps the case it was sent
/// in; compare it with `eq_ignore_ascii_case`. The value has no
/// whitespace around it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub name: String,
    pub value: String,
}

/// A whole request head, as [`crate::RequestReader`] returns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub target: String,
    pub version: Version,
    pub headers: Headers,
}
// ANCHOR_END: request_types

impl Header {
    pub fn new(name: &str, value: &str) -> Self {
        Header {
            name: name.to_string(),
            value: value.to_string(),
        }
    }
}

// ANCHOR: helpers
/// Is `bytes` a token (RFC 9110 section 5.6.2): one or more of the letters,
/// digits and ``!#$%&'*+-.^_`|~``? Methods and header names are tokens.
pub fn is_token(bytes: &[u8]) -> bool {
    !bytes.is_empty()
        && bytes.iter().all(|&b| {
            b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
        })
}

/// Optional whitespace, OWS (RFC 9110 section 5.6.3): a space or a horizontal
/// tab.
fn is_ows(byte: u8) -> bool {
    byte == b' ' || byte == b'\t'
}

/// `bytes` without the spaces and tabs at either end.
fn trim_ows(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|&b| !is_ows(b))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| !is_ows(b))
        .map_or(start, |i| i + 1);
    &bytes[start..end]
}

/// Bytes already checked to be ASCII, as a `String`.
fn ascii(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
// ANCHOR_END: helpers

// ANCHOR: parse_request_line
/// Exercise 9.1: parse a request line, given without its CRLF
/// (RFC 9112 section 3):
///
/// ```text
/// request-line = method SP request-target SP HTTP-version
/// ```
///
/// Exactly one space between the parts. The method is a token ([`is_token`]);
/// the target is one or more visible ASCII characters (`u8::is_ascii_graphic`);
/// the version is exactly `HTTP/1.1` or `HTTP/1.0`. Check in that order and
/// return the first error.
pub fn parse_request_line(line: &[u8]) -> Result<RequestLine, HeadError> {
    todo!("split at single spaces into exactly three parts, check each one")
}
// ANCHOR_END: parse_request_line

// ANCHOR: parse_header_line
/// Exercise 9.2: parse one header field, given without its CRLF
/// (RFC 9112 section 5):
///
/// ```text
/// field-line = field-name ":" OWS field-value OWS
/// ```
///
/// In this order: a line that starts with a space or tab is obsolete line
/// folding; the name is everything before the first colon, a token with no
/// whitespace before the colon; the value is the rest without the whitespace
/// around it, with no control character except tab, and valid UTF-8. `line` is
/// the line's number, for the error.
pub fn parse_header_line(
    bytes: &[u8],
    line: usize,
) -> Result<Header, HeadError> {
    todo!("no folding; split at the first colon; check name; trim, check value")
}
// ANCHOR_END: parse_header_line
