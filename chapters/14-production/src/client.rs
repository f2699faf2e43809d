//! A `wss://` client: TCP, then TLS verified against the client's trusted
//! CAs, then chapter 13's client handshake inside TLS.

use std::sync::Arc;

use rustls::ClientConfig;
use rustls::pki_types::ServerName;
use tokio::net::TcpStream;
use tokio::time::timeout;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use websocket::{Config, Error, WebSocket, WsUrl};

/// A WebSocket over TLS, as a client holds it.
pub type Wss = WebSocket<TlsStream<TcpStream>>;

/// Takes a `wss://` URL apart: as a `ws://` one, but 443 when it gives no
/// port (RFC 6455 section 3).
pub fn parse_wss(url: &str) -> Result<WsUrl, Error> {
    todo!(
        "check the scheme (any case); parse the rest as ws://; port 443 unless the authority names one (an IPv6 host has colons inside its brackets)"
    )
}

// ANCHOR: connect_wss
/// Connects to a `wss://` URL, trusting whom `tls` trusts, and completes
/// both handshakes within `config.handshake_timeout`.
pub async fn connect_wss(
    url: &str,
    tls: Arc<ClientConfig>,
    config: &Config,
) -> Result<Wss, Error> {
    let url = parse_wss(url)?;
    todo!(
        "the server's name (ServerName::try_from the host; a bad one is an Io error), then under the deadline: TCP connect, nodelay, TlsConnector::connect, client_handshake"
    )
}
// ANCHOR_END: connect_wss
