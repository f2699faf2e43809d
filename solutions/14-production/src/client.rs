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
    // BEGIN SOLUTION: the scheme, then WsUrl::parse; 443 if no port
    let not_wss = || Error::Url(handshake::UrlError::NotWebSocket);
    let (scheme, rest) = url.split_once("://").ok_or_else(not_wss)?;
    if !scheme.eq_ignore_ascii_case("wss") {
        return Err(not_wss());
    }
    let mut parsed =
        WsUrl::parse(&format!("ws://{rest}")).map_err(Error::Url)?;
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    // An IPv6 host has colons inside its brackets; a port comes after them.
    let after_host = authority
        .rsplit_once(']')
        .map_or(authority, |(_, port)| port);
    if !after_host.contains(':') {
        parsed.port = 443;
    }
    Ok(parsed)
    // END SOLUTION
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
    // BEGIN SOLUTION: ServerName, then TCP, TLS, client_handshake
    let name = ServerName::try_from(url.host.clone()).map_err(|error| {
        Error::Io(std::io::Error::new(std::io::ErrorKind::InvalidInput, error))
    })?;
    let handshakes = async {
        let tcp = TcpStream::connect((url.host.as_str(), url.port)).await?;
        tcp.set_nodelay(true)?;
        let tls = TlsConnector::from(tls).connect(name, tcp).await?;
        websocket::client_handshake(tls, &url, config).await
    };
    match timeout(config.handshake_timeout, handshakes).await {
        Ok(connected) => connected,
        Err(_elapsed) => Err(Error::Timeout(websocket::Waited::Handshake)),
    }
    // END SOLUTION
}
// ANCHOR_END: connect_wss
