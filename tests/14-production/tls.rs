//! Chapter 14: TLS, the layer `wss://` puts under the WebSocket: a test CA made
//! at run time, a server certificate it signed, and a client that trusts that
//! CA and nothing else.

use std::sync::Arc;

use chapter_14::tls::{self, TestCertificates};
use rustls::pki_types::ServerName;
use support::tokio::{connect, listener, run};
use support::{Book, Section, deadline, expect_eq, expect_ok, expect_that};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::{TlsAcceptor, TlsConnector};

const BOOK: Book = Book::page("ch14-production.md");
const WSS: Section = BOOK.section("14.1 wss: TLS under the WebSocket");

fn certificates() -> TestCertificates {
    expect_ok(
        TestCertificates::generate(),
        "TestCertificates::generate()",
        "a CA and a server certificate",
        WSS,
    )
}

/// The reader's server config made from `server_side`, and their client
/// config from `client_side` (the same certificates, unless a test wants a
/// client that trusts another CA).
fn configs(
    server_side: &TestCertificates,
    client_side: &TestCertificates,
) -> (Arc<rustls::ServerConfig>, Arc<rustls::ClientConfig>) {
    let server = expect_ok(
        tls::server_config(server_side),
        "server_config()",
        "a server config",
        WSS,
    );
    let client = expect_ok(
        tls::client_config(client_side),
        "client_config()",
        "a client config",
        WSS,
    );
    (server, client)
}

/// Runs one TLS connection on loopback: the server answers the client's
/// bytes in upper case. Returns what the client read, or the client's error.
async fn exchange(
    server: Arc<rustls::ServerConfig>,
    client: Arc<rustls::ClientConfig>,
    name: &'static str,
) -> Result<(String, Option<Vec<u8>>), String> {
    let (listener, addr) = listener().await;
    let serving = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.ok()?;
        let mut tls = TlsAcceptor::from(server).accept(tcp).await.ok()?;
        let alpn = tls.get_ref().1.alpn_protocol().map(<[u8]>::to_vec);
        let mut line = [0; 5];
        tls.read_exact(&mut line).await.ok()?;
        tls.write_all(&line.to_ascii_uppercase()).await.ok()?;
        tls.shutdown().await.ok()?;
        Some(alpn)
    });
    let tcp = connect(addr).await.map_err(|e| e.to_string())?;
    let name = ServerName::try_from(name).map_err(|e| e.to_string())?;
    let mut tls = TlsConnector::from(client)
        .connect(name, tcp)
        .await
        .map_err(|e| e.to_string())?;
    tls.write_all(b"hello").await.map_err(|e| e.to_string())?;
    let mut answer = String::new();
    tls.read_to_string(&mut answer)
        .await
        .map_err(|e| e.to_string())?;
    let alpn = serving.await.map_err(|e| e.to_string())?;
    Ok((answer, alpn.flatten()))
}

#[test]
fn a_client_that_trusts_the_test_ca_talks_to_the_server_by_ip_and_by_name() {
    let certificates = certificates();
    let (server, client) = configs(&certificates, &certificates);
    for name in tls::SERVER_NAMES {
        let (server, client) = (server.clone(), client.clone());
        let what = format!("a TLS exchange with the server as {name:?}");
        let exchanged = run(
            deadline::DEFAULT,
            &what,
            WSS,
            exchange(server, client, name),
        );
        let (answer, _) = expect_ok(exchanged, &what, "the server's answer", WSS);
        expect_eq(
            answer.as_str(),
            "HELLO",
            &format!("what the client read through TLS ({name})"),
            WSS,
        );
    }
}

#[test]
fn the_server_offers_http_1_1_in_alpn() {
    let certificates = certificates();
    let (server, client) = configs(&certificates, &certificates);
    let mut asking = (*client).clone();
    asking.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let what = "a TLS exchange where the client offers h2 and http/1.1";
    let exchanged = run(
        deadline::DEFAULT,
        what,
        WSS,
        exchange(server, Arc::new(asking), "localhost"),
    );
    let (_, alpn) = expect_ok(exchanged, what, "the server's answer", WSS);
    expect_eq(
        alpn.as_deref().map(String::from_utf8_lossy),
        Some("http/1.1".into()),
        "the protocol the server chose in ALPN (the WebSocket handshake is HTTP/1.1)",
        WSS,
    );
}

#[test]
fn a_client_refuses_a_server_whose_certificate_another_ca_signed() {
    let ours = certificates();
    let theirs = certificates();
    let (server, client) = configs(&theirs, &ours);
    let what = "a TLS handshake with a server the client's CA did not sign";
    let exchanged = run(
        deadline::DEFAULT,
        what,
        WSS,
        exchange(server, client, "localhost"),
    );
    let found = match &exchanged {
        Ok(_) => "the handshake succeeded: the client trusted a certificate \
                  its CA did not sign"
            .to_string(),
        Err(error) => format!("the handshake refused: {error}"),
    };
    expect_that(
        matches!(&exchanged, Err(error) if error.starts_with("invalid peer certificate")),
        "client_config(): whom the client trusts",
        "the handshake refused: invalid peer certificate (signed by a CA it does not trust)",
        found,
        WSS,
    );
}

#[test]
fn a_client_refuses_a_name_the_certificate_does_not_carry() {
    let certificates = certificates();
    let (server, client) = configs(&certificates, &certificates);
    let what = "a TLS handshake naming example.com";
    let exchanged = run(
        deadline::DEFAULT,
        what,
        WSS,
        exchange(server, client, "example.com"),
    );
    let found = match &exchanged {
        Ok(_) => "the handshake succeeded: the client accepted a certificate \
                  for other names"
            .to_string(),
        Err(error) => format!("the handshake refused: {error}"),
    };
    expect_that(
        matches!(&exchanged, Err(error) if error.contains("not valid for name")),
        "the server certificate's names",
        "the handshake refused: the certificate is not valid for example.com",
        found,
        WSS,
    );
}
