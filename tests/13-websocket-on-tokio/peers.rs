//! The other ends of the tests' connections: our echo server on a thread of
//! its own, tungstenite as an independent client, and raw frames written by
//! hand. Shared by the test files of chapter 13 (each uses some of it).
#![allow(dead_code)]

use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use chapter_13::{Config, accept, echo};
use support::background::Background;
use support::net::IO_TIMEOUT;
use support::report::Failure;
use support::tokio::{Served, serve_on_loopback};
use support::{Book, Section};

const BOOK: Book = Book::page("ch13-websocket-on-tokio.md");
/// Where a failed handshake sends the reader, whatever the test is about.
const ACCEPT: Section = BOOK.section("13.1 The handshake under a deadline");

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
/// [`IO_TIMEOUT`]. A failed handshake fails the test.
pub fn tungstenite_client(
    addr: SocketAddr,
) -> tungstenite::WebSocket<TcpStream> {
    let connected = support::net::connect(addr);
    let stream = connected.unwrap_or_else(|error| {
        handshake_failed("a TCP connection", &error.to_string())
    });
    stream.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    stream.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
    let url = format!("ws://{addr}/");
    match tungstenite::client(url, stream) {
        Ok((socket, _response)) => socket,
        Err(error) => handshake_failed(
            "HTTP/1.1 101 Switching Protocols",
            &format!("tungstenite's handshake failed: {error}"),
        ),
    }
}

/// Ends the test: the server under test did not complete a handshake.
fn handshake_failed(expected: &str, found: &str) -> ! {
    Failure {
        what: "the server's answer to a client's opening handshake".into(),
        expected: expected.into(),
        found: found.into(),
        read: ACCEPT,
    }
    .fail()
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

/// A raw client's end of a connection whose handshake it did by hand:
/// after [`UPGRADE_REQUEST`] (and `first_frames` in the same write), it
/// read the whole 101 response. Panics with the answer if it is not a 101.
pub async fn raw_client(
    addr: SocketAddr,
    first_frames: &[u8],
) -> tokio::net::TcpStream {
    let stream = support::tokio::connect(addr).await.unwrap();
    raw_handshake(stream, first_frames).await
}

/// [`raw_client`]'s handshake on a stream the test connected itself.
pub async fn raw_handshake(
    mut stream: tokio::net::TcpStream,
    first_frames: &[u8],
) -> tokio::net::TcpStream {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream.set_nodelay(true).unwrap();
    let mut request = UPGRADE_REQUEST.to_vec();
    request.extend_from_slice(first_frames);
    stream.write_all(&request).await.unwrap();
    // Byte by byte, so as not to read past the head into the frames.
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut byte = [0];
        match stream.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    let head = String::from_utf8_lossy(&head);
    if !head.starts_with("HTTP/1.1 101 ") {
        let found = match head.lines().next() {
            Some(line) => format!("{line:?}"),
            None => "the connection ended with no answer".to_string(),
        };
        handshake_failed("HTTP/1.1 101 Switching Protocols", &found);
    }
    stream
}

/// Accepts one connection on `listener` and completes the server's
/// handshake with the reader's `accept`.
pub async fn accept_one(
    listener: &tokio::net::TcpListener,
    config: &Config,
) -> chapter_13::WebSocket<tokio::net::TcpStream> {
    let (stream, _) = listener.accept().await.unwrap();
    match accept(stream, config).await {
        Ok(socket) => socket,
        Err(error) => Failure {
            what: "accept() with a test client".into(),
            expected: "Ok(a WebSocket)".into(),
            found: format!("Err({error:?})"),
            read: ACCEPT,
        }
        .fail(),
    }
}

/// Reads until the peer's end of stream (or an error, or `limit` bytes).
pub async fn read_to_end(
    stream: &mut tokio::net::TcpStream,
    limit: usize,
) -> (Vec<u8>, &'static str) {
    use tokio::io::AsyncReadExt;
    let mut received = Vec::new();
    let mut buffer = [0; 4096];
    while received.len() < limit {
        match stream.read(&mut buffer).await {
            Ok(0) => return (received, "end of stream"),
            Ok(n) => received.extend_from_slice(&buffer[..n]),
            Err(_) => return (received, "error"),
        }
    }
    (received, "still open")
}

/// Every message `socket` receives until it ends, and how it ended.
pub async fn receive_all<S>(
    socket: &mut chapter_13::WebSocket<S>,
) -> (Vec<chapter_13::Message>, String)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let mut messages = Vec::new();
    loop {
        match socket.receive().await {
            Ok(Some(message)) => messages.push(message),
            Ok(None) => return (messages, "Ok(None)".to_string()),
            Err(error) => return (messages, format!("Err({error:?})")),
        }
    }
}
