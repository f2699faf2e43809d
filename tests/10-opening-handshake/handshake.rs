//! Helpers for chapter 10's tests: the RFC's example handshake, requests and
//! responses with edits, chapter 9's parser reading what this chapter
//! writes, and an in-memory stream.

// Each test program uses some of the helpers, not all.
#![allow(dead_code)]

use std::io::{self, Read, Write};

use base64::prelude::{BASE64_STANDARD, Engine as _};
use chapter_10::{WEBSOCKET_GUID, parse_response};
use http_head::{Limits, Progress, Request, RequestReader};
use sha1::{Digest, Sha1};
use support::Section;
use support::report::Failure;

use crate::browsers;

// ANCHOR: rfc_example
/// The opening handshake of RFC 6455 section 1.2, request and response.
pub const RFC_REQUEST: &[&str] = &[
    "GET /chat HTTP/1.1",
    "Host: server.example.com",
    "Upgrade: websocket",
    "Connection: Upgrade",
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    "Origin: http://example.com",
    "Sec-WebSocket-Protocol: chat, superchat",
    "Sec-WebSocket-Version: 13",
];
pub const RFC_RESPONSE: &[&str] = &[
    "HTTP/1.1 101 Switching Protocols",
    "Upgrade: websocket",
    "Connection: Upgrade",
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
    "Sec-WebSocket-Protocol: chat",
];
pub const RFC_KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";
pub const RFC_ACCEPT: &str = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
// ANCHOR_END: rfc_example

/// A request head read by chapter 9's reference parser.
pub fn parsed(bytes: &[u8]) -> Request {
    match RequestReader::new(Limits::default()).feed(bytes) {
        Ok(Progress::Done { request, .. }) => request,
        other => panic!("the test's own request did not parse: {other:?}"),
    }
}

/// Changes to a head: each line that starts with a prefix is replaced by the
/// lines given with it (none: the line is removed).
pub type Edits<'a> = &'a [(&'a str, &'a [&'a str])];

/// The RFC's request with `edits` made.
pub fn rfc_request_with(edits: Edits) -> Vec<u8> {
    let mut lines = Vec::new();
    for line in RFC_REQUEST {
        match edits.iter().find(|(prefix, _)| line.starts_with(prefix)) {
            Some((_, replacement)) => lines.extend_from_slice(replacement),
            None => lines.push(*line),
        }
    }
    browsers::head(&lines)
}

/// A head that a function of this chapter wrote, read by chapter 9's
/// parser. A head the parser cannot finish is that function's mistake, and
/// the failure says which function and the likely cause.
pub fn read_head(
    what: &str,
    bytes: &[u8],
    read: Section,
) -> Result<Request, String> {
    let found = match RequestReader::new(Limits::default()).feed(bytes) {
        Ok(Progress::Done { request, .. }) => return Ok(request),
        Ok(Progress::NeedMore) => format!(
            "a head that never ends: the parser waits for more bytes.\n\
             Likely cause: the empty line after the last header is\n\
             missing (a head ends in \\r\\n\\r\\n). The head, each CRLF\n\
             shown:\n{}",
            shown_head(bytes)
        ),
        Err(error) => format!(
            "the parser refused it: {error}. The head, each CRLF shown:\n{}",
            shown_head(bytes)
        ),
    };
    let failure = Failure {
        what: format!("{what}, read by chapter 9's request parser"),
        expected: "a whole head: request line, headers, then an empty line"
            .into(),
        found,
        read,
    };
    Err(failure.to_string())
}

/// [`read_head`], failing the test on a broken head.
pub fn written_head(what: &str, bytes: &[u8], read: Section) -> Request {
    read_head(what, bytes, read)
        .unwrap_or_else(|message| panic!("\n{message}\n"))
}

/// The accept value RFC 6455 section 4.2.2 asks for, computed here with the
/// `sha1` and `base64` crates, and the failure text for any other value: it
/// names the two classic mistakes.
pub fn check_accept(
    found: &str,
    key: &str,
    read: Section,
) -> Result<(), String> {
    let digest = Sha1::new()
        .chain_update(key.as_bytes())
        .chain_update(WEBSOCKET_GUID.as_bytes())
        .finalize();
    let expected = BASE64_STANDARD.encode(digest);
    if found == expected {
        return Ok(());
    }
    let without_guid = BASE64_STANDARD.encode(Sha1::digest(key.as_bytes()));
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    let cause = if found == without_guid {
        "\nLikely cause: this is base64(SHA-1(key)), the GUID left out.\n\
         Hash the key's bytes followed by the GUID's bytes."
    } else if found == BASE64_STANDARD.encode(&hex) || found.len() == 56 {
        "\nLikely cause: 56 characters are base64 of the digest written\n\
         as 40 hex digits. Encode the digest's 20 raw bytes (28\n\
         characters of base64)."
    } else if found.len() != 28 {
        "\nAn accept value is base64 of 20 bytes: always 28 characters."
    } else {
        ""
    };
    let failure = Failure {
        what: format!("accept_key({key:?})"),
        expected: format!("{expected:?}"),
        found: format!("{found:?}\n({} characters){cause}", found.len()),
        read,
    };
    Err(failure.to_string())
}

/// Response bytes with each CRLF shown, one line per line.
pub fn shown_head(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).replace("\r\n", "\\r\\n\n")
}

pub fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// The RFC's response with `edits` made.
pub fn rfc_response_with(edits: Edits) -> chapter_10::Response {
    let mut lines = Vec::new();
    for line in RFC_RESPONSE {
        match edits.iter().find(|(prefix, _)| line.starts_with(prefix)) {
            Some((_, replacement)) => lines.extend_from_slice(replacement),
            None => lines.push(*line),
        }
    }
    match parse_response(&browsers::head(&lines)) {
        Ok(Some((response, _))) => response,
        other => panic!("the test's own response did not parse: {other:?}"),
    }
}

/// An in-memory connection: reads return `input` at most `piece` bytes at a
/// time, then end-of-file; writes are collected in `output`.
pub struct Scripted {
    pub input: Vec<u8>,
    pub position: usize,
    piece: usize,
    pub output: Vec<u8>,
}

impl Scripted {
    pub fn new(input: Vec<u8>, piece: usize) -> Self {
        Scripted {
            input,
            position: 0,
            piece,
            output: Vec::new(),
        }
    }
}

impl Read for Scripted {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let rest = &self.input[self.position..];
        let count = rest.len().min(buffer.len()).min(self.piece);
        buffer[..count].copy_from_slice(&rest[..count]);
        self.position += count;
        Ok(count)
    }
}

impl Write for Scripted {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.output.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
