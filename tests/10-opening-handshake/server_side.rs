//! Checks for chapter 10, exercises 10.1 to 10.4: the server's side of the
//! opening handshake. Run them with `cargo test -p chapter-10`.
//!
//! Requests are read with chapter 9's reference parser (`http_head`), never
//! with code of this chapter. Expected bytes are written out by hand or come
//! from RFC 6455's own example.

#[path = "../09-http-requests/browsers.rs"]
mod browsers;
mod handshake;

use std::fmt::Write as _;

use base64::prelude::{BASE64_STANDARD, Engine as _};
use chapter_10::{
    Answer, HandshakeError, Offer, Origins, ServerConfig, WEBSOCKET_GUID,
    accept_key, answer, choose_subprotocol, validate_request,
};
use handshake::*;
use proptest::prelude::*;
use sha1::{Digest, Sha1};
use support::{Book, Section, check_eq, expect_bytes, expect_eq, expect_that};

const BOOK: Book = Book::page("ch10-opening-handshake.md");
const ACCEPT_VALUE: Section = BOOK.section("10.1 The accept value");
const VALIDATING: Section = BOOK.section("10.2 Validating the upgrade request");
const POLICY: Section = BOOK.section("10.3 Subprotocol and origin");
const ANSWER: Section = BOOK.section("10.4 The server's answer");

// ---------------------------------------------------------------- 10.1 The
// accept value

// ANCHOR: accept_test
#[test]
fn accept_key_of_the_rfc_example() {
    let read = ACCEPT_VALUE;
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
    let read = ACCEPT_VALUE;
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
            ACCEPT_VALUE,
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
            VALIDATING,
        )
        .map_err(TestCaseError::fail)?;
    }
}

// ---------------------------------------------------------------- 10.2
// Validating the request

#[test]
fn validate_request_accepts_chrome_and_firefox() {
    let read = VALIDATING;
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
    support::assert_snapshot!(VALIDATING, table);
}

// ---------------------------------------------------------------- 10.3
// Subprotocol and origin

#[test]
fn choose_subprotocol_takes_the_servers_favourite_that_was_offered() {
    let read = POLICY;
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
    let read = POLICY;
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
    let read = ANSWER;
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
    support::assert_snapshot!(ANSWER, all);
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
        ANSWER,
    );
}
