//! Checks for chapter 10, exercises 10.5 to 10.7: the client's side of the
//! opening handshake. Run them with `cargo test -p chapter-10`.
//!
//! What the client writes is read with chapter 9's reference parser
//! (`http_head`), never with code of this chapter.

// Each program uses some of the browsers' requests, not all.
#[allow(dead_code)]
#[path = "../09-http-requests/browsers.rs"]
mod browsers;
mod handshake;

use std::fmt::Write as _;

use base64::prelude::{BASE64_STANDARD, Engine as _};
use chapter_10::{WsUrl, check_response, client_request, random_key};
use handshake::*;
use support::{Book, Section, expect_bytes, expect_eq, expect_ok, expect_that};

const BOOK: Book = Book::page("ch10-opening-handshake.md");
const URL: Section = BOOK.section("10.5 A ws:// URL");
const REQUEST: Section = BOOK.section("10.6 The client's request");
const CHECKING: Section = BOOK.section("10.7 Checking the server's answer");

// ---------------------------------------------------------------- 10.5 A
// ws:// URL

#[test]
fn ws_url_parses_host_port_and_resource() {
    let read = URL;
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
    support::assert_snapshot!(URL, table);
}

/// What a program that prints a URL error shows (connect() returns it as an
/// `InvalidInput` error): each mistake in its own words.
#[test]
fn ws_url_errors_say_what_is_wrong() {
    let urls = [
        "http://example.com/chat",
        "wss://example.com/chat",
        "ws:///chat",
        "ws://example.com:0/",
        "ws://example.com/a b",
        "ws://example.com/chat#top",
    ];
    let messages: Vec<(&str, String)> = urls
        .iter()
        .map(|url| match WsUrl::parse(url) {
            Ok(parsed) => (*url, format!("Ok({parsed:?})")),
            Err(error) => (*url, error.to_string()),
        })
        .collect();
    expect_distinct_messages(
        "the messages of WsUrl::parse()'s errors",
        &messages,
        URL,
    );
    let mut table = String::new();
    for (url, message) in &messages {
        writeln!(table, "{url:<26} {message}").unwrap();
    }
    support::assert_snapshot!(URL, table);
}

// ---------------------------------------------------------------- 10.6 The
// client's request

#[test]
fn random_key_is_base64_of_16_fresh_bytes() {
    let read = REQUEST;
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
        REQUEST,
    );
}

#[test]
fn client_request_without_subprotocols_to_an_ipv6_host() {
    let read = REQUEST;
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
    let read = REQUEST;
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

#[test]
fn check_response_accepts_the_rfcs_answer() {
    let read = CHECKING;
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
    support::assert_snapshot!(CHECKING, table);
}
