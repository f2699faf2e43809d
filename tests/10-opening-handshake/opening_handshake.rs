//! Checks for chapter 10: the opening handshake. Run them with `cargo test
//! -p chapter-10`.
//!
//! Requests are read with chapter 9's reference parser (`http_head`), never
//! with code of this chapter. Expected bytes are written out by hand or come
//! from RFC 6455's own example; the last tests put an independent
//! implementation, tungstenite, on the other end of a loopback connection.

#[path = "../09-http-requests/browsers.rs"]
mod browsers;

use std::fmt::Write as _;
use std::io::{self, Read, Write};
use std::thread;

use base64::prelude::{BASE64_STANDARD, Engine as _};
use chapter_10::{
    Answer, Established, HandshakeError, Offer, Origins, ServerConfig,
    WEBSOCKET_GUID, WsUrl, accept_key, accept_websocket, answer,
    check_response, choose_subprotocol, client_handshake, client_request,
    connect, parse_response, random_key, validate_request,
};
use http_head::{Limits, Progress, Request, RequestReader};
use proptest::prelude::*;
use sha1::{Digest, Sha1};
use support::net::{self, IO_TIMEOUT};
use support::report::Failure;
use support::{
    Book, Section, check_eq, deadline, expect_bytes, expect_eq, expect_ok,
    expect_that,
};

const BOOK: Book = Book::page("ch10-opening-handshake.md");

// ANCHOR: rfc_example
/// The opening handshake of RFC 6455 section 1.2, request and response.
const RFC_REQUEST: &[&str] = &[
    "GET /chat HTTP/1.1",
    "Host: server.example.com",
    "Upgrade: websocket",
    "Connection: Upgrade",
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    "Origin: http://example.com",
    "Sec-WebSocket-Protocol: chat, superchat",
    "Sec-WebSocket-Version: 13",
];
const RFC_RESPONSE: &[&str] = &[
    "HTTP/1.1 101 Switching Protocols",
    "Upgrade: websocket",
    "Connection: Upgrade",
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
    "Sec-WebSocket-Protocol: chat",
];
const RFC_KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";
const RFC_ACCEPT: &str = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";
// ANCHOR_END: rfc_example

/// A request head read by chapter 9's reference parser.
fn parsed(bytes: &[u8]) -> Request {
    match RequestReader::new(Limits::default()).feed(bytes) {
        Ok(Progress::Done { request, .. }) => request,
        other => panic!("the test's own request did not parse: {other:?}"),
    }
}

/// Changes to a head: each line that starts with a prefix is replaced by the
/// lines given with it (none: the line is removed).
type Edits<'a> = &'a [(&'a str, &'a [&'a str])];

/// The RFC's request with `edits` made.
fn rfc_request_with(edits: Edits) -> Vec<u8> {
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
fn read_head(
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
fn written_head(what: &str, bytes: &[u8], read: Section) -> Request {
    read_head(what, bytes, read)
        .unwrap_or_else(|message| panic!("\n{message}\n"))
}

/// The accept value RFC 6455 section 4.2.2 asks for, computed here with the
/// `sha1` and `base64` crates, and the failure text for any other value: it
/// names the two classic mistakes.
fn check_accept(found: &str, key: &str, read: Section) -> Result<(), String> {
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
fn shown_head(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).replace("\r\n", "\\r\\n\n")
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

// ---------------------------------------------------------------- 10.1 The
// accept value

// ANCHOR: accept_test
#[test]
fn accept_key_of_the_rfc_example() {
    let read = BOOK.section("10.1 The accept value");
    expect_eq(
        check_accept(RFC_ACCEPT, RFC_KEY, read),
        Ok(()),
        "the test's own accept value for the RFC's key",
        read,
    );
    if let Err(message) = check_accept(&accept_key(RFC_KEY), RFC_KEY, read) {
        panic!("\n{message}\n");
    }
}
// ANCHOR_END: accept_test

/// The failure texts for the two classic mistakes, as a reader sees them.
#[test]
fn accept_key_mistakes_are_named() {
    let read = BOOK.section("10.1 The accept value");
    let digest = Sha1::new()
        .chain_update(RFC_KEY.as_bytes())
        .chain_update(WEBSOCKET_GUID.as_bytes())
        .finalize();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    let mistakes = [
        BASE64_STANDARD.encode(Sha1::digest(RFC_KEY.as_bytes())),
        BASE64_STANDARD.encode(&hex),
    ];
    let mut shown = String::new();
    for mistake in mistakes {
        shown.push_str(&check_accept(&mistake, RFC_KEY, read).unwrap_err());
        shown.push_str("\n\n");
    }
    support::assert_snapshot!(read, shown);
    // The reader's function, so that this test waits for exercise 10.1 too.
    if let Err(message) = check_accept(&accept_key(RFC_KEY), RFC_KEY, read) {
        panic!("\n{message}\n");
    }
}

proptest! {
    // Failures are shown, not saved: the tests must not write files into
    // the workbook.
    #![proptest_config(ProptestConfig {
        cases: 100,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn accept_key_agrees_with_tungstenite(key in any::<[u8; 16]>().prop_map(|nonce| BASE64_STANDARD.encode(nonce))) {
        support::print_each_panic_once();
        let independent = tungstenite::handshake::derive_accept_key(key.as_bytes());
        check_eq(
            accept_key(&key),
            independent,
            &format!("accept_key({key:?}), next to tungstenite's derive_accept_key"),
            BOOK.section("10.1 The accept value"),
        )
        .map_err(TestCaseError::fail)?;
    }

    #[test]
    fn validate_request_takes_keys_of_16_bytes_only(
        (key, bytes) in prop::collection::vec(any::<u8>(), 0..40)
            .prop_map(|nonce| (BASE64_STANDARD.encode(&nonce), nonce.len())),
    ) {
        support::print_each_panic_once();
        let key_line = format!("Sec-WebSocket-Key: {key}");
        let request = parsed(&rfc_request_with(&[("Sec-WebSocket-Key", &[key_line.as_str()])]));
        let result = validate_request(&request).map(|offer| offer.key);
        let expected = if bytes == 16 { Ok(key.clone()) } else { Err(HandshakeError::InvalidKey) };
        check_eq(
            result,
            expected,
            &format!(
                "validate_request() of the RFC's request with the key {key:?}, base64 of {bytes} bytes"
            ),
            BOOK.section("10.2 Validating the upgrade request"),
        )
        .map_err(TestCaseError::fail)?;
    }
}

// ---------------------------------------------------------------- 10.2
// Validating the request

#[test]
fn validate_request_accepts_chrome_and_firefox() {
    let read = BOOK.section("10.2 Validating the upgrade request");
    for (browser, lines, key) in [
        ("Chrome", browsers::CHROME, "I4OBLhOPu5L+Jv5+olPY+A=="),
        ("Firefox", browsers::FIREFOX, "2eaM2S4j2EWg9SeQe6/d4w=="),
    ] {
        expect_eq(
            validate_request(&parsed(&browsers::head(lines))),
            Ok(Offer {
                key: key.to_string(),
                subprotocols: strings(&["chat.v2", "chat.v1"]),
                origin: Some("http://localhost:8000".to_string()),
            }),
            &format!("validate_request() of {browser}'s request"),
            read,
        );
    }
}

#[test]
fn validate_request_refuses_each_broken_rule() {
    let cases: [(&str, Edits); 21] = [
        ("the RFC's request", &[]),
        ("POST", &[("GET", &["POST /chat HTTP/1.1"])]),
        ("lower-case get", &[("GET", &["get /chat HTTP/1.1"])]),
        ("HTTP/1.0", &[("GET", &["GET /chat HTTP/1.0"])]),
        ("no Host", &[("Host", &[])]),
        (
            "two Hosts",
            &[("Host", &["Host: a.example", "Host: b.example"])],
        ),
        ("no Upgrade", &[("Upgrade", &[])]),
        ("Upgrade: h2c", &[("Upgrade", &["Upgrade: h2c"])]),
        (
            "UPGRADE: WebSocket",
            &[("Upgrade", &["UPGRADE: WebSocket"])],
        ),
        (
            "Connection: keep-alive",
            &[("Connection", &["Connection: keep-alive"])],
        ),
        (
            "Connection: keep-alive, UPGRADE",
            &[("Connection", &["Connection: keep-alive, UPGRADE"])],
        ),
        ("no version", &[("Sec-WebSocket-Version", &[])]),
        (
            "version 8",
            &[("Sec-WebSocket-Version", &["Sec-WebSocket-Version: 8"])],
        ),
        (
            "versions 8, 13 in one header",
            &[("Sec-WebSocket-Version", &["Sec-WebSocket-Version: 8, 13"])],
        ),
        (
            "two version headers, both 13",
            &[(
                "Sec-WebSocket-Version",
                &["Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 13"],
            )],
        ),
        ("no key", &[("Sec-WebSocket-Key", &[])]),
        (
            "key of 15 bytes",
            &[(
                "Sec-WebSocket-Key",
                &["Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25j"],
            )],
        ),
        (
            "key without its padding",
            &[(
                "Sec-WebSocket-Key",
                &["Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ"],
            )],
        ),
        (
            "key with stray low bits",
            &[(
                "Sec-WebSocket-Key",
                &["Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZR=="],
            )],
        ),
        (
            "key not base64",
            &[("Sec-WebSocket-Key", &["Sec-WebSocket-Key: not base64!"])],
        ),
        (
            "two keys",
            &[(
                "Sec-WebSocket-Key",
                &[
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                ],
            )],
        ),
    ];
    let mut table = String::new();
    for (what, edits) in cases {
        let result = validate_request(&parsed(&rfc_request_with(edits)));
        let outcome = match result {
            Ok(_) => "accepted".to_string(),
            Err(error) => format!("{error:?} -> {}", error.status().code()),
        };
        writeln!(table, "{what:<32} {outcome}").unwrap();
    }
    support::assert_snapshot!(
        BOOK.section("10.2 Validating the upgrade request"),
        table
    );
}

// ---------------------------------------------------------------- 10.3
// Subprotocol and origin

#[test]
fn choose_subprotocol_takes_the_servers_favourite_that_was_offered() {
    let read = BOOK.section("10.3 Subprotocol and origin");
    let cases: [(&[&str], &[&str], Option<&str>); 6] = [
        (&["chat", "superchat"], &["chat"], Some("chat")),
        (
            &["chat.v2", "chat.v1"],
            &["chat.v1", "chat.v2"],
            Some("chat.v1"),
        ),
        (&["chat.v1"], &["chat.v2", "chat.v1"], Some("chat.v1")),
        (&["soap"], &["chat"], None),
        (&[], &["chat"], None),
        (&["Chat"], &["chat"], None),
    ];
    for (offered, supported, chosen) in cases {
        expect_eq(
            choose_subprotocol(&strings(offered), &strings(supported)),
            chosen.map(String::from),
            &format!(
                "choose_subprotocol(offered {offered:?}, supported {supported:?})"
            ),
            read,
        );
    }
}

#[test]
fn origins_allow_listed_pages_and_requests_without_origin() {
    let read = BOOK.section("10.3 Subprotocol and origin");
    let only = Origins::Only(strings(&[
        "https://chat.example.com",
        "http://localhost:8000",
    ]));
    let cases = [
        (&Origins::Any, Some("https://evil.example"), true),
        (&Origins::Any, None, true),
        (&only, Some("https://chat.example.com"), true),
        (&only, Some("HTTP://LOCALHOST:8000"), true),
        (&only, Some("https://evil.example"), false),
        (&only, Some("https://chat.example.com.evil.example"), false),
        (&only, Some("null"), false),
        (&only, None, true),
    ];
    for (origins, origin, allowed) in cases {
        expect_eq(
            origins.allows(origin),
            allowed,
            &format!("{origins:?}.allows({origin:?})"),
            read,
        );
    }
}

// ---------------------------------------------------------------- 10.4 The
// server's answer

// ANCHOR: answer_test
#[test]
fn answer_to_the_rfc_example_is_the_rfcs_response() {
    let config = ServerConfig {
        subprotocols: strings(&["chat"]),
        origins: Origins::Only(strings(&["http://example.com"])),
    };
    let found = answer(&parsed(&browsers::head(RFC_REQUEST)), &config);
    let read = BOOK.section("10.4 The server's answer");
    match found {
        Answer::Accept {
            response,
            subprotocol,
        } => {
            expect_bytes(
                &response,
                &browsers::head(RFC_RESPONSE),
                "the response to the RFC's request",
                read,
            );
            expect_eq(
                subprotocol.as_deref(),
                Some("chat"),
                "the subprotocol",
                read,
            );
        }
        other => expect_that(
            false,
            "answer() to the RFC's request",
            "Accept",
            format!("{other:?}"),
            read,
        ),
    }
}
// ANCHOR_END: answer_test

#[test]
fn answer_gives_every_outcome_its_bytes() {
    let chrome = parsed(&browsers::head(browsers::CHROME));
    let plain = ServerConfig::default();
    let chat = ServerConfig {
        subprotocols: strings(&["chat.v1", "chat.v2"]),
        origins: Origins::Any,
    };
    let elsewhere = ServerConfig {
        subprotocols: Vec::new(),
        origins: Origins::Only(strings(&["https://chat.example.com"])),
    };
    let no_key = parsed(&rfc_request_with(&[("Sec-WebSocket-Key", &[])]));
    let version_8 = parsed(&rfc_request_with(&[(
        "Sec-WebSocket-Version",
        &["Sec-WebSocket-Version: 8"],
    )]));
    let cases = [
        ("101, Chrome, a server with no subprotocol", &chrome, &plain),
        ("101, Chrome, a server that prefers chat.v1", &chrome, &chat),
        ("400, no Sec-WebSocket-Key", &no_key, &plain),
        (
            "403, Chrome from an origin not on the list",
            &chrome,
            &elsewhere,
        ),
        ("426, Sec-WebSocket-Version: 8", &version_8, &plain),
    ];
    let mut all = String::new();
    for (what, request, config) in cases {
        let (response, note) = match answer(request, config) {
            Answer::Accept {
                response,
                subprotocol,
            } => (response, format!("Accept, subprotocol {subprotocol:?}")),
            Answer::Reject { response, error } => {
                (response, format!("Reject, {error:?}"))
            }
        };
        writeln!(all, "# {what}:\n# {note}\n{}", shown_head(&response))
            .unwrap();
    }
    support::assert_snapshot!(BOOK.section("10.4 The server's answer"), all);
}

#[test]
fn answer_to_an_old_version_is_426_naming_version_13() {
    let request = parsed(&rfc_request_with(&[(
        "Sec-WebSocket-Version",
        &["Sec-WebSocket-Version: 8"],
    )]));
    let response = match answer(&request, &ServerConfig::default()) {
        Answer::Reject { response, .. } | Answer::Accept { response, .. } => {
            response
        }
    };
    let text = String::from_utf8_lossy(&response);
    expect_that(
        text.starts_with("HTTP/1.1 426 Upgrade Required\r\n")
            && text.contains("\r\nSec-WebSocket-Version: 13\r\n")
            && text.ends_with("\r\n\r\n"),
        "answer() to a request for WebSocket version 8",
        "a 426 response head with `Sec-WebSocket-Version: 13`",
        text.escape_debug(),
        BOOK.section("10.4 The server's answer"),
    );
}

// ---------------------------------------------------------------- 10.5 A
// ws:// URL

#[test]
fn ws_url_parses_host_port_and_resource() {
    let read = BOOK.section("10.5 A ws:// URL");
    let cases = [
        (
            "ws://localhost:9001/chat",
            "localhost",
            9001,
            "/chat",
            "localhost:9001",
        ),
        ("ws://example.com", "example.com", 80, "/", "example.com"),
        (
            "WS://example.com:80/",
            "example.com",
            80,
            "/",
            "example.com",
        ),
        (
            "ws://127.0.0.1:8080?room=rust",
            "127.0.0.1",
            8080,
            "/?room=rust",
            "127.0.0.1:8080",
        ),
        (
            "ws://[::1]:9001/a/b?c=d",
            "::1",
            9001,
            "/a/b?c=d",
            "[::1]:9001",
        ),
        ("ws://[::1]/", "::1", 80, "/", "[::1]"),
    ];
    for (text, host, port, resource, host_header) in cases {
        let url = WsUrl::parse(text);
        expect_eq(
            url.clone(),
            Ok(WsUrl {
                host: host.to_string(),
                port,
                resource: resource.to_string(),
            }),
            &format!("WsUrl::parse({text:?})"),
            read,
        );
        expect_eq(
            url.map(|url| url.host_header()),
            Ok(host_header.to_string()),
            &format!("the Host header for {text:?}"),
            read,
        );
    }
}

#[test]
fn ws_url_errors() {
    let urls = [
        "http://example.com/chat",
        "example.com/chat",
        "wss://example.com/chat",
        "ws:///chat",
        "ws://exa mple.com/",
        "ws://user@example.com/",
        "ws://[::1/",
        "ws://[zz::1]:80/",
        "ws://example.com:0/",
        "ws://example.com:65536/",
        "ws://example.com:+80/",
        "ws://example.com:/",
        "ws://example.com/a b",
        "ws://example.com/chat#top",
    ];
    let mut table = String::new();
    for url in urls {
        writeln!(table, "{url:<28} -> {:?}", WsUrl::parse(url)).unwrap();
    }
    support::assert_snapshot!(BOOK.section("10.5 A ws:// URL"), table);
}

// ---------------------------------------------------------------- 10.6 The
// client's request

#[test]
fn random_key_is_base64_of_16_fresh_bytes() {
    let read = BOOK.section("10.6 The client's request");
    let keys: Vec<String> = (0..8)
        .map(|_| {
            expect_ok(
                random_key(),
                "random_key()",
                "a key: base64 of 16 random bytes",
                read,
            )
        })
        .collect();
    for key in &keys {
        let decoded = BASE64_STANDARD.decode(key).map(|nonce| nonce.len());
        expect_eq(
            decoded,
            Ok(16),
            &format!("the length of base64-decoding random_key() {key:?}"),
            read,
        );
    }
    let mut distinct = keys.clone();
    distinct.sort();
    distinct.dedup();
    expect_that(
        distinct.len() == keys.len(),
        "eight keys from random_key()",
        "eight different keys",
        format!("{keys:?}"),
        read,
    );
}

#[test]
fn client_request_for_the_rfc_example() {
    let url = WsUrl {
        host: "server.example.com".to_string(),
        port: 80,
        resource: "/chat".to_string(),
    };
    expect_bytes(
        &client_request(&url, RFC_KEY, &["chat", "superchat"]),
        b"GET /chat HTTP/1.1\r\n\
          Host: server.example.com\r\n\
          Upgrade: websocket\r\n\
          Connection: Upgrade\r\n\
          Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
          Sec-WebSocket-Version: 13\r\n\
          Sec-WebSocket-Protocol: chat, superchat\r\n\
          \r\n",
        "client_request() for ws://server.example.com/chat, the RFC's key, [chat, superchat]",
        BOOK.section("10.6 The client's request"),
    );
}

#[test]
fn client_request_without_subprotocols_to_an_ipv6_host() {
    let read = BOOK.section("10.6 The client's request");
    let url = WsUrl {
        host: "::1".to_string(),
        port: 9001,
        resource: "/?room=rust".to_string(),
    };
    let request = written_head(
        "client_request() for ws://[::1]:9001/?room=rust",
        &client_request(&url, RFC_KEY, &[]),
        read,
    );
    expect_eq(
        (request.target.as_str(), request.headers.get("Host")),
        ("/?room=rust", Some("[::1]:9001")),
        "(target, Host) of client_request() for ws://[::1]:9001/?room=rust",
        read,
    );
    expect_eq(
        request.headers.get("Sec-WebSocket-Protocol"),
        None,
        "the Sec-WebSocket-Protocol header when no subprotocol is offered",
        read,
    );
}

/// The failure a reader sees when client_request() forgets the empty line
/// that ends the head.
#[test]
fn a_head_without_its_empty_line_names_the_cause() {
    let read = BOOK.section("10.6 The client's request");
    let url = WsUrl {
        host: "server.example.com".to_string(),
        port: 80,
        resource: "/chat".to_string(),
    };
    let mut unfinished = browsers::head(RFC_REQUEST);
    unfinished.truncate(unfinished.len() - 2);
    let what = "client_request() for ws://server.example.com/chat";
    support::assert_snapshot!(
        read,
        read_head(what, &unfinished, read).unwrap_err()
    );
    // The reader's function, so that this test waits for exercise 10.6 too.
    written_head(what, &client_request(&url, RFC_KEY, &[]), read);
}

// ---------------------------------------------------------------- 10.7
// Checking the answer

/// The RFC's response with `edits` made.
fn rfc_response_with(edits: Edits) -> chapter_10::Response {
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

#[test]
fn check_response_accepts_the_rfcs_answer() {
    let read = BOOK.section("10.7 Checking the server's answer");
    expect_eq(
        check_response(
            &rfc_response_with(&[]),
            RFC_KEY,
            &["chat", "superchat"],
        ),
        Ok(Some("chat".to_string())),
        "check_response() of the RFC's response, offered [chat, superchat]",
        read,
    );
    let no_protocol = rfc_response_with(&[("Sec-WebSocket-Protocol", &[])]);
    expect_eq(
        check_response(&no_protocol, RFC_KEY, &["chat", "superchat"]),
        Ok(None),
        "check_response() of a 101 that chose no subprotocol",
        read,
    );
}

#[test]
fn check_response_refuses_each_broken_rule() {
    let offered = ["chat", "superchat"];
    let cases: [(&str, Edits); 15] = [
        ("the RFC's response", &[]),
        ("200 OK", &[("HTTP/1.1", &["HTTP/1.1 200 OK"])]),
        ("302 redirect", &[("HTTP/1.1", &["HTTP/1.1 302 Found"])]),
        ("no Upgrade", &[("Upgrade", &[])]),
        (
            "Upgrade: a list",
            &[("Upgrade", &["Upgrade: websocket, h2c"])],
        ),
        (
            "UPGRADE: WEBSOCKET",
            &[("Upgrade", &["UPGRADE: WEBSOCKET"])],
        ),
        ("no Connection", &[("Connection", &[])]),
        (
            "wrong accept",
            &[(
                "Sec-WebSocket-Accept",
                &["Sec-WebSocket-Accept: dGhlIHNhbXBsZSBub25jZQ=="],
            )],
        ),
        ("no accept", &[("Sec-WebSocket-Accept", &[])]),
        (
            "accept in upper case",
            &[(
                "Sec-WebSocket-Accept",
                &["Sec-WebSocket-Accept: S3PPLMBITXAQ9KYGZZHZRBK+XOO="],
            )],
        ),
        (
            "two accepts",
            &[(
                "Sec-WebSocket-Accept",
                &[
                    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
                    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
                ],
            )],
        ),
        (
            "an extension",
            &[(
                "Sec-WebSocket-Protocol",
                &[
                    "Sec-WebSocket-Protocol: chat",
                    "Sec-WebSocket-Extensions: permessage-deflate",
                ],
            )],
        ),
        (
            "protocol not offered",
            &[("Sec-WebSocket-Protocol", &["Sec-WebSocket-Protocol: soap"])],
        ),
        (
            "two protocols",
            &[(
                "Sec-WebSocket-Protocol",
                &["Sec-WebSocket-Protocol: chat, superchat"],
            )],
        ),
        (
            "protocol in another case",
            &[("Sec-WebSocket-Protocol", &["Sec-WebSocket-Protocol: CHAT"])],
        ),
    ];
    let mut table = String::new();
    for (what, edits) in cases {
        let result =
            check_response(&rfc_response_with(edits), RFC_KEY, &offered);
        // A long result goes on its own line, to fit the book's column.
        let shown = format!("{result:?}");
        if shown.len() > 55 {
            writeln!(
                table,
                "{what}\n    {}",
                shown.replace(", found", ",\n    found")
            )
            .unwrap();
        } else {
            writeln!(table, "{what:<24} {shown}").unwrap();
        }
    }
    support::assert_snapshot!(
        BOOK.section("10.7 Checking the server's answer"),
        table
    );
}

// ---------------------------------------------------------------- 10.8 Over a
// real connection

/// An in-memory connection: reads return `input` at most `piece` bytes at a
/// time, then end-of-file; writes are collected in `output`.
struct Scripted {
    input: Vec<u8>,
    position: usize,
    piece: usize,
    output: Vec<u8>,
}

impl Scripted {
    fn new(input: Vec<u8>, piece: usize) -> Self {
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

const SECTION_8: &str = "10.8 Over a real connection";

// ANCHOR: tungstenite_client_test
#[test]
fn accept_websocket_completes_a_handshake_with_a_tungstenite_client() {
    let read = BOOK.section(SECTION_8);
    let listener = net::listener();
    let address = listener.local_addr().unwrap();
    let (server_side, first_bytes, client_side) = deadline::within(
        deadline::DEFAULT,
        "a tungstenite client's handshake with accept_websocket()",
        read,
        move || {
            let server = thread::spawn(move || {
                let (mut stream, _) =
                    net::accept(&listener).expect("no client connected");
                let config = ServerConfig {
                    subprotocols: strings(&["chat.v2", "chat.v1"]),
                    origins: Origins::Any,
                };
                let established = accept_websocket(&mut stream, &config);
                // The client's first frame: what came with the head, then
                // the stream.
                let mut frame = match &established {
                    Ok(established) => established.leftover.clone(),
                    Err(_) => Vec::new(),
                };
                let mut buffer = [0; 64];
                while established.is_ok() && frame.len() < 2 {
                    match stream.read(&mut buffer) {
                        Ok(0) | Err(_) => break,
                        Ok(count) => frame.extend_from_slice(&buffer[..count]),
                    }
                }
                (
                    established
                        .map(|e| e.subprotocol)
                        .map_err(|e| e.to_string()),
                    frame,
                )
            });

            let stream = net::connect(address).unwrap();
            let url = format!("ws://{address}/chat").parse().unwrap();
            let request = tungstenite::ClientRequestBuilder::new(url)
                .with_sub_protocol("chat.v1")
                .with_sub_protocol("superchat");
            let client_side = match tungstenite::client(request, stream) {
                Ok((mut socket, response)) => {
                    socket.send(tungstenite::Message::text("hello")).unwrap();
                    let chosen =
                        response.headers().get("Sec-WebSocket-Protocol");
                    Ok(chosen.map(|v| v.to_str().unwrap().to_string()))
                }
                Err(error) => Err(error.to_string()),
            };
            let (server_side, frame) = server
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (server_side, frame, client_side)
        },
    );
    expect_eq(
        client_side,
        Ok(Some("chat.v1".to_string())),
        "the handshake as tungstenite's client saw it (the subprotocol it got)",
        read,
    );
    expect_eq(
        server_side,
        Ok(Some("chat.v1".to_string())),
        "what accept_websocket() returned (the subprotocol)",
        read,
    );
    // 0x81: a final text frame; 0x85: masked (every client frame is), 5 bytes.
    expect_bytes(
        first_bytes.get(..2).unwrap_or(&first_bytes),
        &[0x81, 0x85],
        "the first two bytes the client sent after the handshake",
        read,
    );
}
// ANCHOR_END: tungstenite_client_test

#[test]
fn connect_completes_a_handshake_with_a_tungstenite_server() {
    use tungstenite::handshake::server::{
        Request as HttpRequest, Response as HttpResponse,
    };

    let read = BOOK.section(SECTION_8);
    let listener = net::listener();
    let address = listener.local_addr().unwrap();
    let (client_side, frame, server_side, timeouts) = deadline::within(
        deadline::DEFAULT,
        "connect() to a tungstenite server",
        read,
        move || {
            let server = thread::spawn(move || {
                let (stream, _) =
                    net::accept(&listener).map_err(|e| e.to_string())?;
                // Speak chat.v1 if the client offers it. (The error type
                // is tungstenite's.)
                #[allow(clippy::result_large_err)]
                let choose =
                    |request: &HttpRequest, mut response: HttpResponse| {
                        let offered = request
                            .headers()
                            .get_all("Sec-WebSocket-Protocol")
                            .iter()
                            .filter_map(|v| v.to_str().ok())
                            .flat_map(|v| v.split(',').map(str::trim))
                            .any(|p| p == "chat.v1");
                        if offered {
                            let chat =
                                tungstenite::http::HeaderValue::from_static(
                                    "chat.v1",
                                );
                            response
                                .headers_mut()
                                .insert("Sec-WebSocket-Protocol", chat);
                        }
                        Ok(response)
                    };
                let mut socket = tungstenite::accept_hdr(stream, choose)
                    .map_err(|e| e.to_string())?;
                socket
                    .send(tungstenite::Message::text("hi"))
                    .map_err(|e| e.to_string())
            });

            let url = format!("ws://{address}/chat");
            let client_side =
                connect(&url, &["chat.v2", "chat.v1"], IO_TIMEOUT);
            let mut frame = Vec::new();
            let mut timeouts = None;
            if let Ok((stream, established)) = &client_side {
                timeouts = Some((
                    stream.read_timeout().map_err(|e| e.to_string()),
                    stream.write_timeout().map_err(|e| e.to_string()),
                ));
                frame = established.leftover.clone();
                let mut stream = stream;
                let mut buffer = [0; 64];
                while frame.len() < 4 {
                    match stream.read(&mut buffer) {
                        Ok(0) | Err(_) => break,
                        Ok(count) => frame.extend_from_slice(&buffer[..count]),
                    }
                }
            }
            let server_side =
                server.join().expect("the tungstenite server thread");
            let client_side = client_side
                .map(|(_, e)| e.subprotocol)
                .map_err(|e| e.to_string());
            (client_side, frame, server_side, timeouts)
        },
    );
    expect_eq(
        server_side,
        Ok(()),
        "the handshake as tungstenite's server saw it",
        read,
    );
    expect_eq(
        client_side,
        Ok(Some("chat.v1".to_string())),
        "what connect() returned (the subprotocol)",
        read,
    );
    // 0x81: a final text frame; 0x02: not masked (server frames never are),
    // 2 bytes.
    expect_bytes(
        frame.get(..4).unwrap_or(&frame),
        &[0x81, 0x02, b'h', b'i'],
        "the server's first frame, after the handshake",
        read,
    );
    // A quiet WebSocket must not time out: the handshake's limits go.
    expect_eq(
        timeouts,
        Some((Ok(None), Ok(None))),
        "(read_timeout(), write_timeout()) of the stream connect() returned",
        read,
    );
}

#[test]
fn accept_websocket_keeps_the_bytes_after_the_head() {
    let read = BOOK.section(SECTION_8);
    let frame = [
        0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
    ];
    let mut input = browsers::head(browsers::FIREFOX);
    input.extend_from_slice(&frame);
    let (result, rest) = deadline::within(
        deadline::DEFAULT,
        "accept_websocket()",
        read,
        move || {
            // Reads of 100 bytes: the last one holds the end of the head and
            // part of the frame.
            let mut stream = Scripted::new(input, 100);
            let result =
                accept_websocket(&mut stream, &ServerConfig::default());
            let rest = stream.input[stream.position..].to_vec();
            (result.map_err(|e| e.to_string()), rest)
        },
    );
    match result {
        Ok(Established { leftover, .. }) => {
            let mut after = leftover;
            after.extend_from_slice(&rest);
            expect_bytes(
                &after,
                &frame,
                "leftover, then what was still unread: the frame behind the head",
                read,
            );
        }
        Err(error) => expect_that(
            false,
            "accept_websocket() of Firefox's request",
            "Ok",
            error,
            read,
        ),
    }
}

#[test]
fn accept_websocket_answers_a_head_too_large_with_431() {
    let read = BOOK.section(SECTION_8);
    let mut input = b"GET /chat HTTP/1.1\r\nCookie: ".to_vec();
    input.resize(64 * 1024, b'a');
    let (result, output, position) = deadline::within(
        deadline::DEFAULT,
        "accept_websocket()",
        read,
        move || {
            let mut stream = Scripted::new(input, 4096);
            let result =
                accept_websocket(&mut stream, &ServerConfig::default());
            (result, stream.output, stream.position)
        },
    );
    expect_that(
        position <= Limits::default().max_head_bytes + 4096,
        "how much of a 64 KiB head accept_websocket() read",
        "it stops soon after the reader's 8 KiB limit",
        format!("{position} bytes"),
        read,
    );
    let error = result
        .map(|_| ())
        .map_err(|e| format!("{:?}: {e}", e.kind()));
    support::assert_snapshot!(
        BOOK.section("10.8 Over a real connection"),
        format!("{error:?}\n{}", shown_head(&output))
    );
}

#[test]
fn accept_websocket_writes_the_rejection_and_returns_an_error() {
    let read = BOOK.section(SECTION_8);
    let input = browsers::head(browsers::CHROME);
    let config = ServerConfig {
        subprotocols: Vec::new(),
        origins: Origins::Only(strings(&["https://chat.example.com"])),
    };
    let (kind, output) = deadline::within(
        deadline::DEFAULT,
        "accept_websocket()",
        read,
        move || {
            let mut stream = Scripted::new(input, 512);
            let result = accept_websocket(&mut stream, &config);
            (result.map(|_| ()).map_err(|e| e.kind()), stream.output)
        },
    );
    expect_eq(
        kind,
        Err(io::ErrorKind::InvalidData),
        "accept_websocket() of a request from an origin not on the list",
        read,
    );
    expect_bytes(
        &output,
        b"HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
        "the bytes accept_websocket() wrote",
        read,
    );
}

/// A client that goes away before its head is complete: every later read
/// returns 0 bytes. The server must give up with `UnexpectedEof`, not read 0
/// bytes again forever.
#[test]
fn accept_websocket_reports_a_client_that_closes_mid_head() {
    let read = BOOK.section(SECTION_8);
    let head = browsers::head(browsers::FIREFOX);
    let half = head[..head.len() / 2].to_vec();
    for (what, input) in
        [("no bytes at all", Vec::new()), ("half a head", half)]
    {
        let sent = input.len();
        let (kind, output) = deadline::within(
            deadline::DEFAULT,
            &format!(
                "accept_websocket() of a client that sends {what}, then closes"
            ),
            read,
            move || {
                let mut stream = Scripted::new(input, 64);
                let result =
                    accept_websocket(&mut stream, &ServerConfig::default());
                (result.map(|_| ()).map_err(|e| e.kind()), stream.output)
            },
        );
        expect_eq(
            kind,
            Err(io::ErrorKind::UnexpectedEof),
            &format!(
                "accept_websocket() of a client that sends {what} ({sent} bytes), then closes"
            ),
            read,
        );
        expect_bytes(
            &output,
            b"",
            &format!(
                "the bytes accept_websocket() wrote to a client that left after {what}"
            ),
            read,
        );
    }
}

#[test]
fn client_handshake_refuses_a_wrong_accept_and_an_early_close() {
    let read = BOOK.section(SECTION_8);
    let url = expect_ok(
        WsUrl::parse("ws://server.example.com/chat"),
        "WsUrl::parse(\"ws://server.example.com/chat\")",
        "host server.example.com, port 80, resource /chat",
        BOOK.section("10.5 A ws:// URL"),
    );
    let (wrong, closed, request) = deadline::within(
        deadline::DEFAULT,
        "client_handshake()",
        read,
        move || {
            // The RFC's response answers the RFC's key, never a fresh
            // random one.
            let mut stream = Scripted::new(browsers::head(RFC_RESPONSE), 64);
            let wrong =
                client_handshake(&mut stream, &url, &["chat"]).map(|_| ());
            let request = stream.output;
            let mut silent = Scripted::new(Vec::new(), 64);
            let closed =
                client_handshake(&mut silent, &url, &["chat"]).map(|_| ());
            (
                wrong.map_err(|e| e.kind()),
                closed.map_err(|e| e.kind()),
                request,
            )
        },
    );
    let written =
        written_head("the request client_handshake() wrote", &request, read);
    expect_eq(
        (written.target.as_str(), written.headers.get("Host")),
        ("/chat", Some("server.example.com")),
        "(target, Host) of the request client_handshake() wrote",
        read,
    );
    expect_eq(
        wrong,
        Err(io::ErrorKind::InvalidData),
        "client_handshake() when the answer's Sec-WebSocket-Accept is for another key",
        read,
    );
    expect_eq(
        closed,
        Err(io::ErrorKind::UnexpectedEof),
        "client_handshake() when the server closes without answering",
        read,
    );
}
