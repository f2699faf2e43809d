//! The other ends of the tests' connections: our echo server on a thread of
//! its own, tungstenite as an independent client, and raw frames written by
//! hand. Shared by the test files of chapter 13 (each uses some of it).
#![allow(dead_code)]

use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use chapter_13::{Config, accept, echo};
use support::Section;
use support::background::Background;
use support::net::IO_TIMEOUT;
use support::tokio::{Served, serve_on_loopback};

/// A short deadline for what should happen at once on loopback.
pub const SOON: Duration = Duration::from_secs(5);

/// The reader's `accept` and `echo` serving every connection, each on a
/// task of its own, on a thread and runtime of their own.
pub fn echo_server(
    config: Config,
    read: Section,
) -> (Background<Served<()>>, SocketAddr) {
    serve_on_loopback(
        "the echo server",
        read,
        move |listener, shutdown| async move {
            let serving = async {
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        continue;
                    };
                    let config = config.clone();
                    tokio::spawn(async move {
                        if let Ok(mut socket) = accept(stream, &config).await {
                            let _ = echo(&mut socket).await;
                        }
                    });
                }
            };
            tokio::select! {
                () = serving => {}
                () = shutdown.wait() => {}
            }
        },
    )
}

/// A tungstenite client connected to `addr`, its reads and writes under
/// [`IO_TIMEOUT`].
pub fn tungstenite_client(
    addr: SocketAddr,
) -> tungstenite::Result<tungstenite::WebSocket<TcpStream>> {
    let stream = support::net::connect(addr).map_err(tungstenite::Error::Io)?;
    stream.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    stream.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
    let url = format!("ws://{addr}/");
    match tungstenite::client(url, stream) {
        Ok((socket, _response)) => Ok(socket),
        Err(tungstenite::HandshakeError::Failure(error)) => Err(error),
        Err(tungstenite::HandshakeError::Interrupted(_)) => Err(
            tungstenite::Error::Io(std::io::ErrorKind::WouldBlock.into()),
        ),
    }
}

/// A client's opening request, written by hand (RFC 6455 section 1.3's
/// example key).
pub const UPGRADE_REQUEST: &[u8] = b"GET /chat HTTP/1.1\r\n\
    Host: 127.0.0.1\r\n\
    Upgrade: websocket\r\n\
    Connection: Upgrade\r\n\
    Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
    Sec-WebSocket-Version: 13\r\n\r\n";

/// A frame as a client sends it: FIN, `opcode`, masked with a zero key so
/// the payload reads as itself (a zero key is legal, if unwise).
pub fn client_frame(opcode: u8, payload: &[u8]) -> Vec<u8> {
    assert!(payload.len() < 126, "short frames only");
    let mut frame = vec![0x80 | opcode, 0x80 | payload.len() as u8];
    frame.extend_from_slice(&[0, 0, 0, 0]);
    frame.extend_from_slice(payload);
    frame
}

/// A frame as a server sends it: FIN, `opcode`, not masked.
pub fn server_frame(opcode: u8, payload: &[u8]) -> Vec<u8> {
    assert!(payload.len() < 126, "short frames only");
    let mut frame = vec![0x80 | opcode, payload.len() as u8];
    frame.extend_from_slice(payload);
    frame
}

/// A config whose timeouts suit a test: short, so that a test of a
/// timeout takes a fraction of a second.
pub fn quick_config() -> Config {
    Config {
        handshake_timeout: Duration::from_millis(300),
        ping_interval: None,
        pong_timeout: Duration::from_millis(300),
        close_timeout: Duration::from_millis(300),
        ..Config::default()
    }
}
