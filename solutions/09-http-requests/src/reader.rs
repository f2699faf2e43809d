//! Reading a request head from whatever the socket gives, one piece at a time.
//!
//! A read returns what has arrived: half a line, one byte, or the whole head
//! followed by the first bytes of what comes after it. The reader keeps the
//! head's bytes until it has them all, checks each line as soon as it ends, and
//! never keeps more than the limit.

use std::mem;

use crate::error::HeadError;
use crate::headers::Headers;
use crate::request::{
    Request, RequestLine, parse_header_line, parse_request_line,
};

// ANCHOR: limits
/// How much of a head a server is willing to hold. A client that
/// sends more gets 431.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The most bytes a head may have, request line and empty line included.
    pub max_head_bytes: usize,
    /// The most header lines a head may have.
    pub max_headers: usize,
}

impl Default for Limits {
    /// 8 KiB and 100 headers: what many servers allow. A browser's
    /// WebSocket request is well under 1 KiB with about 15 headers, unless
    /// it carries large cookies.
    fn default() -> Self {
        Limits {
            max_head_bytes: 8 * 1024,
            max_headers: 100,
        }
    }
}
// ANCHOR_END: limits

// ANCHOR: progress
/// What [`RequestReader::feed`] found in the bytes it was given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Progress {
    /// The head is not complete yet: read more and feed it.
    NeedMore,
    /// The head is complete. Only the first `consumed` bytes of the last `feed`
    /// belonged to it; the rest (a body, or WebSocket frames) is the caller's.
    Done { request: Request, consumed: usize },
}

/// Reads one request head from bytes fed in pieces of any size.
///
/// After `Done` it is ready for the next head on the same connection. After
/// an error, drop it: the connection no longer speaks HTTP the way this
/// server understands it.
#[derive(Debug)]
pub struct RequestReader {
    limits: Limits,
    /// Every byte of the head so far; never more than `limits.max_head_bytes`.
    buffer: Vec<u8>,
    /// Where the line being read starts in `buffer`.
    line_start: usize,
    /// How many lines have ended so far, to name the line in an error.
    lines: usize,
    request_line: Option<RequestLine>,
    headers: Headers,
}
// ANCHOR_END: progress

impl RequestReader {
    pub fn new(limits: Limits) -> Self {
        RequestReader {
            limits,
            buffer: Vec::new(),
            line_start: 0,
            lines: 0,
            request_line: None,
            headers: Headers::new(),
        }
    }

    /// How many bytes of the head the reader holds now.
    pub fn buffered(&self) -> usize {
        self.buffer.len()
    }

    // ANCHOR: feed
    /// Exercise 9.4: take the next bytes from the connection.
    ///
    /// Byte by byte: fail with `HeadTooLarge` rather than hold more than
    /// `limits.max_head_bytes`; at each LF, let [`Self::end_line`] look at
    /// the line that just ended. If that finished the head, return `Done`
    /// with the number of bytes of *this* call that belonged to the head. Out
    /// of bytes: `NeedMore`.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<Progress, HeadError> {
        // BEGIN SOLUTION: push to the limit; end_line at each LF; Done: this call's bytes
        for (index, &byte) in bytes.iter().enumerate() {
            if self.buffer.len() == self.limits.max_head_bytes {
                return Err(HeadError::HeadTooLarge {
                    limit: self.limits.max_head_bytes,
                });
            }
            self.buffer.push(byte);
            if byte == b'\n'
                && let Some(request) = self.end_line()?
            {
                return Ok(Progress::Done {
                    request,
                    consumed: index + 1,
                });
            }
        }
        Ok(Progress::NeedMore)
        // END SOLUTION
    }
    // ANCHOR_END: feed

    // ANCHOR: end_line
    /// Exercise 9.4: a line (`buffer[line_start..]`, LF
    /// included) has just ended.
    ///
    /// It must end in CRLF (RFC 9112 section 2.2). Without the CRLF it is:
    /// an empty line before the request line, which is skipped (same
    /// section); the request line; the empty line that ends the head, which
    /// returns the finished request; or a header line, at most
    /// `limits.max_headers` of them.
    fn end_line(&mut self) -> Result<Option<Request>, HeadError> {
        // BEGIN SOLUTION: check the CRLF; skip, request line, finish, or header line
        self.lines += 1;
        let line = &self.buffer[self.line_start..];
        let Some(content) = line.strip_suffix(b"\r\n") else {
            return Err(HeadError::BareLineFeed { line: self.lines });
        };
        match self.request_line.take() {
            None if content.is_empty() => {}
            None => self.request_line = Some(parse_request_line(content)?),
            Some(line) if content.is_empty() => {
                return Ok(Some(self.finish(line)));
            }
            Some(line) => {
                self.request_line = Some(line);
                if self.headers.len() == self.limits.max_headers {
                    return Err(HeadError::TooManyHeaders {
                        limit: self.limits.max_headers,
                    });
                }
                self.headers.push(parse_header_line(content, self.lines)?);
            }
        }
        self.line_start = self.buffer.len();
        Ok(None)
        // END SOLUTION
    }
    // ANCHOR_END: end_line

    /// The finished request, leaving the reader ready for the next head.
    fn finish(&mut self, line: RequestLine) -> Request {
        self.buffer.clear();
        self.line_start = 0;
        self.lines = 0;
        Request {
            method: line.method,
            target: line.target,
            version: line.version,
            headers: mem::take(&mut self.headers),
        }
    }
}
