//! Every way a request head can be wrong, each its own value.
//!
//! A server answers each with 400 Bad Request or 431 Request Header Fields
//! Too Large (exercise 9.6), and logs the message, which names the rule and
//! where it comes from.

use std::fmt;

// ANCHOR: head_error
/// Why a request head was refused. Line numbers count from 1, the request line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HeadError {
    /// The request line is not three parts separated by single spaces.
    MalformedRequestLine,
    /// The method is empty or has a character a token may not have.
    InvalidMethod,
    /// The request target is empty or has a space, a control or a non-ASCII
    /// byte.
    InvalidTarget,
    /// The version is not `HTTP/1.1` or `HTTP/1.0`.
    UnsupportedVersion,
    /// A line ends in LF without the CR before it.
    BareLineFeed { line: usize },
    /// A header line starts with a space or tab: the obsolete way
    /// to continue a value.
    ObsoleteLineFolding { line: usize },
    /// A header line has no colon.
    MissingColon { line: usize },
    /// Whitespace between a header's name and its colon.
    SpaceBeforeColon { line: usize },
    /// A header name is empty or has a character a token may not have.
    InvalidHeaderName { line: usize },
    /// A header value has a control character or bytes that are not UTF-8.
    InvalidHeaderValue { line: usize },
    /// More header lines than the limit allows.
    TooManyHeaders { limit: usize },
    /// The head did not end within the limit's number of bytes.
    HeadTooLarge { limit: usize },
}
// ANCHOR_END: head_error

impl fmt::Display for HeadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeadError::MalformedRequestLine => write!(
                f,
                "the request line is not `method SP target SP version` (RFC 9112 section 3)"
            ),
            HeadError::InvalidMethod => {
                write!(f, "the method is not a token (RFC 9110 section 9.1)")
            }
            HeadError::InvalidTarget => write!(
                f,
                "the request target is empty or not visible ASCII (RFC 9112 section 3.2)"
            ),
            HeadError::UnsupportedVersion => write!(
                f,
                "the version is not HTTP/1.1 or HTTP/1.0 (RFC 9112 section 2.3)"
            ),
            HeadError::BareLineFeed { line } => write!(
                f,
                "line {line} ends in a bare LF, not CRLF (RFC 9112 section 2.2)"
            ),
            HeadError::ObsoleteLineFolding { line } => write!(
                f,
                "line {line} starts with whitespace: obsolete line folding (RFC 9112 section 5.2)"
            ),
            HeadError::MissingColon { line } => {
                write!(f, "line {line} is not `name: value`: it has no colon")
            }
            HeadError::SpaceBeforeColon { line } => write!(
                f,
                "line {line} has whitespace between the name and the colon (RFC 9112 section 5.1)"
            ),
            HeadError::InvalidHeaderName { line } => write!(
                f,
                "line {line} has a header name that is not a token (RFC 9110 section 5.1)"
            ),
            HeadError::InvalidHeaderValue { line } => write!(
                f,
                "line {line} has a header value with a control character or invalid UTF-8 (RFC 9110 section 5.5)"
            ),
            HeadError::TooManyHeaders { limit } => {
                write!(f, "the head has more than {limit} header lines")
            }
            HeadError::HeadTooLarge { limit } => {
                write!(f, "the head does not end within {limit} bytes")
            }
        }
    }
}

impl std::error::Error for HeadError {}
