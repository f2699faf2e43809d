//! Chapter 14: the chat server over TLS (`wss://`), and our client for it.

mod serving;

use std::sync::Arc;

use chapter_14::client::{connect_wss, parse_wss};
use chapter_14::tls::{self, TestCertificates};
use serving::*;
use support::tokio::{run, within_async};
use support::{Book, Section, expect_eq, expect_ok, expect_that};
use tokio_rustls::TlsAcceptor;
use websocket::Config;

const BOOK: Book = Book::page("ch14-production.md");
const WSS: Section = BOOK.section("14.1 wss: TLS under the WebSocket");
const CLIENT: Section = BOOK.section("14.2 A wss:// client");

/// The server over TLS, and the client's configuration that trusts it.
fn wss_server() -> (Running, Arc<rustls::ClientConfig>) {
    let certificates = expect_ok(
        TestCertificates::generate(),
        "TestCertificates::generate()",
        "certificates",
        WSS,
    );
    let server = tls::server_config(&certificates).expect("server_config() (exercise 14.1)");
    let client = tls::client_config(&certificates).expect("client_config() (exercise 14.1)");
    let running = start(quick_limits(), Some(TlsAcceptor::from(server)), WSS);
    (running, client)
}

#[test]
fn a_wss_url_is_a_ws_url_with_443_for_its_default_port() {
    let cases = [
        (
            "wss://example.com/chat/a",
            Some(("example.com", 443, "/chat/a")),
        ),
        ("WSS://example.com:8443", Some(("example.com", 8443, "/"))),
        ("wss://[::1]/x", Some(("::1", 443, "/x"))),
        ("wss://[::1]:9001/x", Some(("::1", 9001, "/x"))),
        ("ws://example.com/", None),
        ("https://example.com/", None),
    ];
    for (url, expected) in cases {
        let parsed = parse_wss(url).ok().map(|u| (u.host, u.port, u.resource));
        let expected = expected.map(|(h, p, r)| (h.to_string(), p, r.to_string()));
        expect_eq(parsed, expected, &format!("parse_wss({url:?})"), CLIENT);
    }
}

#[test]
fn two_clients_chat_over_wss_by_name_and_by_ip() {
    let (running, client) = wss_server();
    let (alice_url, bob_url) = (
        running.wss_url("localhost", "lobby"),
        running.wss_url("127.0.0.1", "lobby"),
    );
    let heard = run(
        SOON * 2,
        "two wss:// clients in one room",
        CLIENT,
        async move {
            let config = Config::default();
            let what = "connect_wss() to the server";
            let alice = within_async(
                SOON,
                what,
                CLIENT,
                connect_wss(&alice_url, client.clone(), &config),
            )
            .await;
            let mut alice = alice.unwrap_or_else(|e| panic!("{what} ({alice_url}): {e}"));
            let bob =
                within_async(SOON, what, CLIENT, connect_wss(&bob_url, client, &config)).await;
            let mut bob = bob.unwrap_or_else(|e| panic!("{what} ({bob_url}): {e}"));
            alice.send("hello over TLS").await.expect("alice sends");
            next_text(&mut bob, "bob (wss)", CLIENT).await
        },
    );
    expect_eq(
        heard.as_str(),
        "hello over TLS",
        "what bob heard from alice, both over wss://",
        CLIENT,
    );
    running.stop();
}

#[test]
fn a_client_that_does_not_trust_the_server_gets_an_error_not_a_hang() {
    let (running, _trusting) = wss_server();
    let strangers = TestCertificates::generate().expect("certificates");
    let stranger = tls::client_config(&strangers).expect("client_config()");
    let url = running.wss_url("localhost", "lobby");
    let outcome = run(
        SOON,
        "connect_wss() to a server signed by another CA",
        CLIENT,
        async move {
            match connect_wss(&url, stranger, &Config::default()).await {
                Ok(_) => "Ok(a WebSocket)".to_string(),
                Err(error) => format!("Err({error})"),
            }
        },
    );
    expect_that(
        outcome.contains("invalid peer certificate"),
        "connect_wss() with a client that trusts another CA",
        "Err(socket error: invalid peer certificate ...)",
        &outcome,
        CLIENT,
    );
    running.stop();
}
