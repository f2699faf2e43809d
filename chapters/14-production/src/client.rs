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
    todo!("the scheme, then WsUrl::parse; 443 if no port")
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
    todo!("ServerName, then TCP, TLS, client_handshake")
}
// ANCHOR_END: connect_wss
