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
use support::report::Failure;
use support::{Section, expect_that};

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

/// `lines` with `edits` made.
pub fn edited<'a>(lines: &[&'a str], edits: Edits<'a>) -> Vec<&'a str> {
    let mut result = Vec::new();
    for line in lines {
        match edits.iter().find(|(prefix, _)| line.starts_with(prefix)) {
            Some((_, replacement)) => result.extend_from_slice(replacement),
            None => result.push(*line),
        }
    }
    result
}

/// The RFC's request with `edits` made.
pub fn rfc_request_with(edits: Edits) -> Vec<u8> {
    browsers::head(&edited(RFC_REQUEST, edits))
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
    let digest = accept_digest(key);
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

/// SHA-1 of the key followed by the GUID (RFC 6455 section 4.2.2).
fn accept_digest(key: &str) -> [u8; 20] {
    Sha1::new()
        .chain_update(key.as_bytes())
        .chain_update(WEBSOCKET_GUID.as_bytes())
        .finalize()
        .into()
}

/// The accept value for `key`, computed with the `sha1` and `base64` crates.
pub fn expected_accept(key: &str) -> String {
    BASE64_STANDARD.encode(accept_digest(key))
}

/// Fails unless each error has a message and no two messages are the same:
/// the message is all a program that prints the error tells its user.
pub fn expect_distinct_messages(
    what: &str,
    messages: &[(&str, String)],
    read: Section,
) {
    for (index, (case, message)) in messages.iter().enumerate() {
        let same = messages[..index].iter().find(|(_, m)| m == message);
        let found = match same {
            _ if message.trim().is_empty() => {
                format!("{case}: an empty message")
            }
            Some((other, _)) => {
                format!("{case} and {other} both say {message:?}")
            }
            None => continue,
        };
        expect_that(
            false,
            what,
            "a message for each error that says what went wrong, \
             different for each",
            found,
            read,
        );
    }
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
    match parse_response(&browsers::head(&edited(RFC_RESPONSE, edits))) {
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

/// A scripted server for a client's handshake. Once the client has written
/// its request, the answer is `lines` with `{accept}` replaced by the accept
/// value for the key that request sent (`accept`); it is then read `piece`
/// bytes at a time, then end-of-file.
pub struct Answering<'a> {
    lines: Vec<&'a str>,
    pub accept: Option<String>,
    pub stream: Scripted,
}

impl<'a> Answering<'a> {
    pub fn new(lines: Vec<&'a str>, piece: usize) -> Self {
        Answering {
            lines,
            accept: None,
            stream: Scripted::new(Vec::new(), piece),
        }
    }
}

impl Read for Answering<'_> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        if self.accept.is_none() {
            // A request the parser cannot read, or without a key, gets the
            // answer for an empty key: a wrong accept.
            let mut reader = RequestReader::new(Limits::default());
            let key = match reader.feed(&self.stream.output) {
                Ok(Progress::Done { request, .. }) => request
                    .headers
                    .get("Sec-WebSocket-Key")
                    .unwrap_or("")
                    .to_string(),
                _ => String::new(),
            };
            let accept = expected_accept(&key);
            let lines: Vec<String> = self
                .lines
                .iter()
                .map(|line| line.replace("{accept}", &accept))
                .collect();
            let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
            self.stream.input = browsers::head(&lines);
            self.accept = Some(accept);
        }
        self.stream.read(buffer)
    }
}

impl Write for Answering<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.stream.write(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
