//! Chapter 14: the chat server over TLS (`wss://`), and our client for it.

mod serving;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chapter_14::client::{connect_wss, parse_wss};
use chapter_14::tls::{self, TestCertificates};
use serving::*;
use support::tokio::{listener, run, within_async};
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
    let server = expect_ok(
        tls::server_config(&certificates),
        "server_config() (exercise 14.1)",
        "a server config",
        WSS,
    );
    let client = expect_ok(
        tls::client_config(&certificates),
        "client_config() (exercise 14.1)",
        "a client config",
        WSS,
    );
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
            let (what_alice, what_bob) = (
                format!("connect_wss({alice_url:?}) to the chat server"),
                format!("connect_wss({bob_url:?}) to the chat server"),
            );
            let expected = "a WebSocket over TLS";
            let alice = connect_wss(&alice_url, client.clone(), &config);
            let alice = within_async(SOON, &what_alice, CLIENT, alice).await;
            let mut alice = expect_ok(alice, &what_alice, expected, CLIENT);
            let bob = connect_wss(&bob_url, client, &config);
            let bob = within_async(SOON, &what_bob, CLIENT, bob).await;
            let mut bob = expect_ok(bob, &what_bob, expected, CLIENT);
            let sent = alice.send("hello over TLS").await;
            expect_ok(sent, "alice's send over wss://", "Ok(())", CLIENT);
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

/// How long a test client gives the handshakes in the timeout test.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_millis(300);

#[test]
fn a_server_that_accepts_and_never_answers_is_a_handshake_timeout() {
    let outcome = run(SOON, "connect_wss() to a silent server", CLIENT, async {
        let (listener, addr) = listener().await;
        // Accepts, then holds the connection without a byte: no TLS answer.
        let _silent = tokio::spawn(async move {
            let (tcp, _) = listener.accept().await.ok()?;
            std::future::pending::<()>().await;
            Some(tcp)
        });
        let certificates = TestCertificates::generate().expect("certificates");
        let client = tls::client_config(&certificates).expect("client_config()");
        let config = Config {
            handshake_timeout: HANDSHAKE_TIMEOUT,
            ..Config::default()
        };
        let url = format!("wss://localhost:{}/chat/lobby", addr.port());
        let started = Instant::now();
        let waited =
            tokio::time::timeout(HANDSHAKE_TIMEOUT * 4, connect_wss(&url, client, &config));
        match waited.await {
            Ok(Ok(_)) => "Ok(a WebSocket)".to_string(),
            Ok(Err(error)) => format!("Err({error}) after {:?}", started.elapsed()),
            Err(_) => format!(
                "still waiting after {:?} (a deadline on the WebSocket \
                 handshake only, not on TCP and TLS?)",
                HANDSHAKE_TIMEOUT * 4
            ),
        }
    });
    let expected = websocket::Error::Timeout(websocket::Waited::Handshake);
    expect_that(
        outcome.starts_with(&format!("Err({expected})")),
        "connect_wss() with handshake_timeout 300 ms to a server that never \
         answers (TCP, TLS and WebSocket handshakes under one deadline)",
        &format!("Err({expected}) after about 300 ms"),
        &outcome,
        CLIENT,
    );
}

#[test]
fn a_certificate_for_localhost_only_is_refused_at_127_0_0_1() {
    let (ca, server) = localhost_only_certificates();
    let outcome = run(
        SOON,
        "connect_wss() by IP, certificate by name",
        CLIENT,
        async {
            let (listener, addr) = listener().await;
            // A TLS server and nothing more: the test is over before a
            // WebSocket handshake would start.
            let _serving = tokio::spawn(async move {
                let acceptor = TlsAcceptor::from(server);
                while let Ok((tcp, _)) = listener.accept().await {
                    let _ = acceptor.accept(tcp).await;
                }
            });
            let url = format!("wss://127.0.0.1:{}/chat/lobby", addr.port());
            match connect_wss(&url, ca, &Config::default()).await {
                Ok(_) => "Ok(a WebSocket)".to_string(),
                Err(error) => format!("Err({error})"),
            }
        },
    );
    expect_that(
        outcome.contains("invalid peer certificate") && outcome.contains("not valid for name"),
        "connect_wss(\"wss://127.0.0.1:PORT/...\") to a server whose certificate \
         names localhost only (the name rustls checks comes from the URL's host)",
        "Err(socket error: invalid peer certificate: certificate not valid for name ...)",
        &outcome,
        CLIENT,
    );
}

/// A client config trusting a new CA, and a server config whose certificate
/// that CA signed for `localhost` and no other name.
fn localhost_only_certificates() -> (Arc<rustls::ClientConfig>, Arc<rustls::ServerConfig>) {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca_key = rcgen::KeyPair::generate().expect("a CA key");
    let ca = ca_params.self_signed(&ca_key).expect("the CA");
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).expect("params");
    let key = rcgen::KeyPair::generate().expect("a server key");
    let certificate = params
        .signed_by(&key, &issuer)
        .expect("the server certificate");
    let key = rustls::pki_types::PrivatePkcs8KeyDer::from(key.serialize_der());
    let server = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .and_then(|b| {
            b.with_no_client_auth()
                .with_single_cert(vec![certificate.der().clone()], key.into())
        })
        .expect("a server config");
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca.der().clone()).expect("the CA as a root");
    let client = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    (Arc::new(client), Arc::new(server))
}
