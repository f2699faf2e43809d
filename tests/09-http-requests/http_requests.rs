//! Checks for chapter 9, sections 9.1 to 9.3, 9.5 and 9.6: the request line,
//! header fields, repeated headers, the response head and answering a bad head.
//! Run them with `cargo test -p chapter-9`. Section 9.4, reading a head in
//! pieces, is checked in `reading_in_pieces.rs`.
//!
//! Everything here is sans-I/O, so the tests feed bytes and compare values and
//! bytes: no sockets, no deadlines needed. Expected values are written out by
//! hand or built from the test's own model, never by another exercise.

use std::fmt::Write as _;

use chapter_9::{
    HeadError, Header, Headers, RequestLine, Status, Version,
    parse_header_line, parse_request_line, rejection, response_head,
};
use support::{Book, Section, expect_bytes, expect_eq, expect_that};

const BOOK: Book = Book::page("ch09-http-requests.md");
const REQUEST_LINE: Section = BOOK.section("9.1 The request line");
const HEADER_FIELD: Section = BOOK.section("9.2 A header field");
const REPEATED_HEADERS: Section =
    BOOK.section("9.3 Repeated headers and token lists");
const RESPONSE_HEAD: Section = BOOK.section("9.5 Writing a response head");
const BAD_HEAD: Section = BOOK.section("9.6 Answering a bad head");

/// Bytes as text with `\r`, `\n` and other non-printing bytes escaped, for
/// tables.
fn shown(bytes: &[u8]) -> String {
    bytes.escape_ascii().to_string()
}

// ---------------------------------------------------------------- 9.1 The request line

#[test]
fn request_line_parses_method_target_and_version() {
    let cases: [(&[u8], &str, &str, Version); 4] = [
        (b"GET /chat HTTP/1.1", "GET", "/chat", Version::Http11),
        (
            b"GET /chat?room=rust&user=ferris HTTP/1.1",
            "GET",
            "/chat?room=rust&user=ferris",
            Version::Http11,
        ),
        (b"OPTIONS * HTTP/1.1", "OPTIONS", "*", Version::Http11),
        (b"POST /login HTTP/1.0", "POST", "/login", Version::Http10),
    ];
    for (line, method, target, version) in cases {
        expect_eq(
            parse_request_line(line),
            Ok(RequestLine {
                method: method.to_string(),
                target: target.to_string(),
                version,
            }),
            &format!("parse_request_line(b\"{}\")", shown(line)),
            REQUEST_LINE,
        );
    }
}

#[test]
fn request_line_errors() {
    let lines: [&[u8]; 12] = [
        b"GET /chat HTTP/1.1 extra",
        b"GET  /chat HTTP/1.1",
        b"GET /chat",
        b"",
        b"GET\t/chat\tHTTP/1.1",
        b"G@T /chat HTTP/1.1",
        b" /chat HTTP/1.1",
        b"GET /caf\xc3\xa9 HTTP/1.1",
        b"GET /ch\x7fat HTTP/1.1",
        b"GET /chat HTTP/2.0",
        b"GET /chat http/1.1",
        b"GET /chat HTTP/1.1\r",
    ];
    let mut table = String::new();
    for line in lines {
        let result = parse_request_line(line);
        let line = format!("\"{}\"", shown(line));
        writeln!(table, "{line:<34} -> {result:?}").unwrap();
    }
    support::assert_snapshot!(REQUEST_LINE, table);
}

// ---------------------------------------------------------------- 9.2 A header field

#[test]
fn header_line_splits_at_the_first_colon_and_trims_the_value() {
    let cases: [(&[u8], &str, &str); 6] = [
        (b"Host: localhost:9001", "Host", "localhost:9001"),
        (b"Upgrade:websocket", "Upgrade", "websocket"),
        (
            b"Sec-WebSocket-Key: \t dGhlIHNhbXBsZSBub25jZQ== \t",
            "Sec-WebSocket-Key",
            "dGhlIHNhbXBsZSBub25jZQ==",
        ),
        (b"X-Empty:", "X-Empty", ""),
        (
            b"User-Agent: a b\tc  d",
            "User-Agent",
            "a b\tc  d", // whitespace inside the value stays
        ),
        (b"X-Name: Caf\xc3\xa9", "X-Name", "Café"),
    ];
    for (line, name, value) in cases {
        expect_eq(
            parse_header_line(line, 2),
            Ok(Header::new(name, value)),
            &format!("parse_header_line(b\"{}\", 2)", shown(line)),
            HEADER_FIELD,
        );
    }
}

#[test]
fn header_line_errors() {
    let lines: [&[u8]; 13] = [
        b" folded: value",
        b"\tcontinued value",
        b"Host localhost",
        b"",
        b"Host : localhost",
        b"Host\t: localhost",
        b": no name",
        b"Ho/st: localhost",
        b"Caf\xc3\xa9: latte",
        b"Host: local\x00host",
        b"Host: local\x7fhost",
        b"Host: localhost\r",
        b"X-Bytes: \xff\xfe",
    ];
    let mut table = String::new();
    for line in lines {
        let result = parse_header_line(line, 7);
        let line = format!("\"{}\"", shown(line));
        writeln!(table, "{line:<28} -> {result:?}").unwrap();
    }
    support::assert_snapshot!(HEADER_FIELD, table);
}

// ---------------------------------------------------------------- 9.3 Repeated headers and lists

/// The headers of a request, made by the test itself, not by the reader of 9.4.
fn headers(fields: &[(&str, &str)]) -> Headers {
    Headers::from(
        fields
            .iter()
            .map(|(name, value)| Header::new(name, value))
            .collect::<Vec<_>>(),
    )
}

#[test]
fn get_all_matches_names_in_any_case_and_keeps_order() {
    let fields = headers(&[
        ("Host", "localhost:9001"),
        ("sec-websocket-protocol", "chat.v2"),
        ("Cookie", "a=1"),
        ("SEC-WEBSOCKET-PROTOCOL", "chat.v1"),
    ]);
    expect_eq(
        fields.get_all("Sec-WebSocket-Protocol"),
        vec!["chat.v2", "chat.v1"],
        "get_all(\"Sec-WebSocket-Protocol\") with the name sent in two cases",
        REPEATED_HEADERS,
    );
    expect_eq(
        fields.get_all("HOST"),
        vec!["localhost:9001"],
        "get_all(\"HOST\")",
        REPEATED_HEADERS,
    );
    expect_eq(
        fields.get_all("Origin"),
        Vec::<&str>::new(),
        "get_all(\"Origin\") when no Origin was sent",
        REPEATED_HEADERS,
    );
    // get (given) is the first of get_all's values.
    expect_eq(
        (fields.get("SEC-WEBSOCKET-PROTOCOL"), fields.get("Origin")),
        (Some("chat.v2"), None),
        "(get(\"SEC-WEBSOCKET-PROTOCOL\"), get(\"Origin\")): the first value",
        REPEATED_HEADERS,
    );
    expect_eq(
        (fields.is_empty(), headers(&[]).is_empty()),
        (false, true),
        "(is_empty() of four fields, is_empty() of none)",
        REPEATED_HEADERS,
    );
}

#[test]
fn list_splits_values_at_commas_across_repeated_fields() {
    let fields = headers(&[
        ("Connection", "keep-alive, Upgrade"),
        ("Sec-WebSocket-Protocol", "chat.v2,chat.v1 ,\t, "),
        ("sec-websocket-protocol", "  soap"),
        ("Sec-WebSocket-Extensions", ","),
    ]);
    expect_eq(
        fields.list("connection"),
        vec!["keep-alive", "Upgrade"],
        "list(\"connection\") of `Connection: keep-alive, Upgrade`",
        REPEATED_HEADERS,
    );
    expect_eq(
        fields.list("Sec-WebSocket-Protocol"),
        vec!["chat.v2", "chat.v1", "soap"],
        "list() of two fields `chat.v2,chat.v1 ,\\t, ` and `  soap`",
        REPEATED_HEADERS,
    );
    expect_eq(
        fields.list("Sec-WebSocket-Extensions"),
        Vec::<&str>::new(),
        "list() of a value that is only a comma",
        REPEATED_HEADERS,
    );
    expect_that(
        fields.has_token("Connection", "upgrade")
            && !fields.has_token("Connection", "close"),
        "has_token(\"Connection\", ..) of `Connection: keep-alive, Upgrade`",
        "`upgrade` found in any case, `close` not found",
        format!("the list was {:?}", fields.list("Connection")),
        REPEATED_HEADERS,
    );
}

// ---------------------------------------------------------------- 9.5 Writing a response head

/// Response bytes with each CRLF shown, one line per line.
fn shown_head(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).replace("\r\n", "\\r\\n\n")
}

#[test]
fn response_head_writes_status_line_headers_and_empty_line() {
    let head = response_head(
        Status::SwitchingProtocols,
        &[
            ("Upgrade", "websocket"),
            ("Connection", "Upgrade"),
            ("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
        ],
    );
    expect_bytes(
        &head,
        b"HTTP/1.1 101 Switching Protocols\r\n\
          Upgrade: websocket\r\n\
          Connection: Upgrade\r\n\
          Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\
          \r\n",
        "response_head(SwitchingProtocols, three headers)",
        RESPONSE_HEAD,
    );
}

#[test]
fn response_head_for_each_status() {
    let close: &[(&str, &str)] =
        &[("Connection", "close"), ("Content-Length", "0")];
    let cases: [(Status, &[(&str, &str)]); 5] = [
        (
            Status::SwitchingProtocols,
            &[("Upgrade", "websocket"), ("Connection", "Upgrade")],
        ),
        (Status::BadRequest, close),
        (Status::Forbidden, close),
        (
            Status::UpgradeRequired,
            &[("Upgrade", "websocket"), ("Sec-WebSocket-Version", "13")],
        ),
        (Status::RequestHeaderFieldsTooLarge, close),
    ];
    let mut all = String::new();
    for (status, headers) in cases {
        all.push_str(&shown_head(&response_head(status, headers)));
        all.push('\n');
    }
    support::assert_snapshot!(RESPONSE_HEAD, all);
}

#[test]
fn response_head_without_headers_is_two_lines() {
    expect_bytes(
        &response_head(Status::BadRequest, &[]),
        b"HTTP/1.1 400 Bad Request\r\n\r\n",
        "response_head(BadRequest, no headers)",
        RESPONSE_HEAD,
    );
}

// ---------------------------------------------------------------- 9.6 Answering a bad head

#[test]
fn head_error_status_is_431_for_limits_and_400_otherwise() {
    let errors = [
        (HeadError::MalformedRequestLine, 400),
        (HeadError::InvalidMethod, 400),
        (HeadError::InvalidTarget, 400),
        (HeadError::UnsupportedVersion, 400),
        (HeadError::BareLineFeed { line: 2 }, 400),
        (HeadError::ObsoleteLineFolding { line: 3 }, 400),
        (HeadError::MissingColon { line: 2 }, 400),
        (HeadError::SpaceBeforeColon { line: 2 }, 400),
        (HeadError::InvalidHeaderName { line: 2 }, 400),
        (HeadError::InvalidHeaderValue { line: 2 }, 400),
        (HeadError::TooManyHeaders { limit: 100 }, 431),
        (HeadError::HeadTooLarge { limit: 8192 }, 431),
    ];
    for (error, code) in errors {
        expect_eq(
            error.status().code(),
            code,
            &format!("the status code for {error:?}"),
            BAD_HEAD,
        );
    }
}

#[test]
fn rejection_of_a_malformed_head_is_a_400_that_closes() {
    expect_bytes(
        &rejection(&HeadError::BareLineFeed { line: 2 }),
        b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
        "rejection(BareLineFeed)",
        BAD_HEAD,
    );
}

#[test]
fn rejection_of_a_head_too_large_is_a_431() {
    support::assert_snapshot!(
        BAD_HEAD,
        shown_head(&rejection(&HeadError::HeadTooLarge { limit: 8192 }))
    );
}
