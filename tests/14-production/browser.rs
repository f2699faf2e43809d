//! Chapter 14: headless Chromium loads the chat page over https:// from the
//! server with a test certificate, and chats over wss://. Chromium trusts
//! the certificate because its public key is pinned on the command line.

mod serving;

use base64::Engine;
use chapter_14::tls::{self, TestCertificates};
use serving::*;
use support::browser::{Options, chromium_or_skip};
use support::{Book, Section, expect_eq, expect_ok};
use tokio_rustls::TlsAcceptor;

const BOOK: Book = Book::page("ch14-production.md");
const WSS: Section = BOOK.section("14.1 wss: TLS under the WebSocket");

/// What `--ignore-certificate-errors-spki-list` takes: the base64 of the
/// SHA-256 of the certificate's SubjectPublicKeyInfo.
fn spki_pin(certificates: &TestCertificates) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, &certificates.server_spki);
    base64::engine::general_purpose::STANDARD.encode(digest.as_ref())
}

/// The text of the element `id` in a dumped DOM.
fn element<'a>(dom: &'a str, id: &str) -> &'a str {
    let start = format!("id=\"{id}\">");
    dom.split_once(&start)
        .and_then(|(_, rest)| rest.split_once('<'))
        .map_or("(no such element)", |(text, _)| text)
}

#[test]
fn chromium_chats_over_wss_with_a_pinned_test_certificate_and_refuses_ws() {
    let Some(chromium) = chromium_or_skip("the chat page over https:// and wss://") else {
        return;
    };
    let certificates = expect_ok(
        TestCertificates::generate(),
        "TestCertificates::generate()",
        "certificates",
        WSS,
    );
    let server = expect_ok(
        tls::server_config(&certificates),
        "server_config()",
        "a server config",
        WSS,
    );
    let running = start(quick_limits(), Some(TlsAcceptor::from(server)), WSS);
    // A name that is not localhost, so that the browser applies the rules of
    // a real site: it treats localhost as a secure origin even over ws://.
    // The name still leads to 127.0.0.1, by the browser's own resolver.
    let options = Options {
        args: vec![
            format!(
                "--ignore-certificate-errors-spki-list={}",
                spki_pin(&certificates)
            ),
            "--host-resolver-rules=MAP chat.test 127.0.0.1".to_string(),
        ],
        ..Options::default()
    };
    let url = format!("https://chat.test:{}/?probe", running.addr.port());
    let dom = expect_ok(
        chromium.dump_dom(&url, &options),
        "Chromium loading the page",
        "its DOM",
        WSS,
    );
    expect_eq(
        element(&dom, "result"),
        "heard: hello from the browser",
        "what the page heard back from its room over wss://",
        WSS,
    );
    expect_eq(
        element(&dom, "mixed"),
        "ws:// refused: SecurityError",
        "what happened when the https:// page opened a ws:// WebSocket (mixed content)",
        WSS,
    );
    running.stop();
}
