//! Chapter 13, exercise 13.7: a client, against tungstenite's server.
//! Run them with `cargo test -p chapter-13`.

mod peers;

use std::net::TcpListener;
use std::thread;
use std::time::Duration;

use chapter_13::{Config, Error, Message, Waited, code, connect};
use peers::*;
use support::net::IO_TIMEOUT;
use support::tokio::run;
use support::{Book, Section, expect_eq, expect_that};
use tungstenite::Message as Tm;

const BOOK: Book = Book::page("ch13-websocket-on-tokio.md");
const CLIENT: Section = BOOK.section("13.7 A client");

/// A tungstenite echo server for one connection, on a thread: what it
/// received, and how its connection ended.
fn tungstenite_echo_server() -> (thread::JoinHandle<(Vec<Tm>, String)>, String)
{
    let listener = support::net::listener();
    let url = format!("ws://{}/echo", listener.local_addr().unwrap());
    let server = thread::spawn(move || serve_one(listener));
    (server, url)
}

fn serve_one(listener: TcpListener) -> (Vec<Tm>, String) {
    let Ok((stream, _)) = support::net::accept(&listener) else {
        return (Vec::new(), "no client connected".to_string());
    };
    stream.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    let mut socket = match tungstenite::accept(stream) {
        Ok(socket) => socket,
        Err(error) => return (Vec::new(), format!("handshake: {error}")),
    };
    let mut received = Vec::new();
    loop {
        match socket.read() {
            Ok(message) if message.is_text() || message.is_binary() => {
                received.push(message.clone());
                if socket.send(message).is_err() {
                    return (received, "send failed".to_string());
                }
            }
            Ok(Tm::Close(close)) => {
                let code = close.map(|close| u16::from(close.code));
                received.push(Tm::text(format!("close frame {code:?}")));
            }
            Ok(_) => {}
            Err(tungstenite::Error::ConnectionClosed) => {
                return (received, "closed cleanly".to_string());
            }
            Err(error) => return (received, error.to_string()),
        }
    }
}

#[test]
fn our_client_talks_to_a_tungstenite_server() {
    let (server, url) = tungstenite_echo_server();
    let what = "connect(), send, receive and close with a tungstenite server";
    let echoed = run(SOON, what, CLIENT, async move {
        let mut socket = connect(&url, &Config::default()).await?;
        let mut echoed = Vec::new();
        for message in [Message::from("hello"), Message::Binary(vec![1, 2, 3])]
        {
            socket.send(message).await?;
            echoed.push(socket.receive().await?);
        }
        socket.close(code::NORMAL, "").await?;
        Ok::<_, Error>(echoed)
    });
    let (received, end) =
        server.join().expect("the tungstenite server panicked");
    expect_eq(
        echoed.map_err(|e| e.to_string()),
        Ok(vec![
            Some(Message::from("hello")),
            Some(Message::Binary(vec![1, 2, 3])),
        ]),
        "what our client received back",
        CLIENT,
    );
    expect_eq(
        received,
        vec![
            Tm::text("hello"),
            Tm::binary(vec![1, 2, 3]),
            Tm::text("close frame Some(1000)"),
        ],
        "what the tungstenite server received",
        CLIENT,
    );
    expect_eq(
        end,
        "closed cleanly".to_string(),
        "how its connection ended",
        CLIENT,
    );
}

#[test]
fn a_url_that_is_not_ws_is_an_error() {
    let what = "connect() to URLs it cannot use";
    let outcomes = run(SOON, what, CLIENT, async move {
        let mut outcomes = Vec::new();
        for url in ["http://127.0.0.1:1/", "ws://", "ws://host:99999/"] {
            let outcome = connect(url, &Config::default()).await;
            outcomes.push(match outcome {
                Err(error @ Error::Url(_)) => error.to_string(),
                Err(error) => format!("another error: {error:?}"),
                Ok(_) => "connected".to_string(),
            });
        }
        outcomes
    });
    // The errors of chapter 10's URL parser, each behind "bad URL: ".
    expect_eq(
        outcomes,
        vec![
            "bad URL: the URL does not start with ws://".to_string(),
            "bad URL: the URL's host is empty or not valid".to_string(),
            "bad URL: the URL's port is not a number from 1 to 65535"
                .to_string(),
        ],
        "connect()'s errors, as the application prints them",
        CLIENT,
    );
}

#[test]
fn a_server_that_never_answers_the_handshake_times_out() {
    let listener = support::net::listener();
    let url = format!("ws://{}/", listener.local_addr().unwrap());
    let config = Config {
        handshake_timeout: Duration::from_millis(200),
        ..Config::default()
    };
    let what = "connect() to a server that accepts and says nothing \
                (Err(Timeout(Handshake)): the deadline covers the whole \
                handshake, not only the TCP connect)";
    let outcome = run(SOON, what, CLIENT, async move {
        let outcome = connect(&url, &config).await;
        drop(listener);
        outcome.map(|_| ()).map_err(|e| format!("{e:?}"))
    });
    expect_eq(
        outcome,
        Err(format!("{:?}", Error::Timeout(Waited::Handshake))),
        what,
        CLIENT,
    );
}

#[test]
fn the_client_masks_its_frames_and_waits_for_the_server_to_close_tcp() {
    let what = "our client closing with a raw server";
    let ((request_frames, waited), ending) =
        run(SOON, what, CLIENT, async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let (listener, addr) = support::tokio::listener().await;
            let server = async move {
                let (mut stream, _) = listener.accept().await.unwrap();
                let mut head = Vec::new();
                while !head.ends_with(b"\r\n\r\n") {
                    let mut byte = [0];
                    stream.read_exact(&mut byte).await.unwrap();
                    head.push(byte[0]);
                }
                let key = String::from_utf8_lossy(&head)
                    .lines()
                    .find_map(|l| {
                        l.strip_prefix("Sec-WebSocket-Key: ")
                            .map(str::to_string)
                    })
                    .unwrap();
                let accept = handshake_accept(&key);
                let response = format!(
                    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\
                 Connection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
                );
                stream.write_all(response.as_bytes()).await.unwrap();
                // The client's close frame: 2 + 4 (mask) + 2 bytes.
                let mut close = [0; 8];
                stream.read_exact(&mut close).await.unwrap();
                stream
                    .write_all(&server_frame(0x8, &close_payload(&close)))
                    .await
                    .unwrap();
                // The server closes TCP first (RFC 6455 section 7.1.1): until
                // it does, the client must not end its side.
                let mut rest = [0; 16];
                let read = stream.read(&mut rest);
                let wait = Duration::from_millis(100);
                let waited = tokio::time::timeout(wait, read).await.is_err();
                drop(stream);
                (close, waited)
            };
            let client = async move {
                let url = format!("ws://{addr}/");
                let mut socket = connect(&url, &patient_config()).await?;
                socket.close(code::NORMAL, "").await
            };
            let (close, ending) = tokio::join!(server, client);
            (close, ending.map_err(|e| e.to_string()))
        });
    expect_eq(ending, Ok(()), "what close() returned", CLIENT);
    expect_eq(
        waited,
        true,
        "the client left its side of TCP open for the server to close",
        CLIENT,
    );
    expect_that(
        request_frames[0] == 0x88 && request_frames[1] == 0x82,
        "the first two bytes of the client's close frame",
        "0x88 0x82 (FIN, close; masked, 2 bytes)",
        format!("{:02x} {:02x}", request_frames[0], request_frames[1]),
        CLIENT,
    );
}

/// The payload of a masked close frame `[b0, b1, mask x4, payload x2]`.
fn close_payload(frame: &[u8; 8]) -> Vec<u8> {
    let mask = &frame[2..6];
    frame[6..].iter().zip(mask).map(|(b, m)| b ^ m).collect()
}

/// Sec-WebSocket-Accept for `key` (RFC 6455 section 4.2.2), from chapter 10.
fn handshake_accept(key: &str) -> String {
    handshake::accept_key(key)
}

#[test]
fn client_and_server_agree_on_a_subprotocol() {
    let server_config = Config {
        subprotocols: vec!["chat.v2".to_string(), "chat.v1".to_string()],
        ..Config::default()
    };
    let client_config = Config {
        subprotocols: vec!["chat.v1".to_string()],
        ..Config::default()
    };
    let what = "the subprotocol both ends report after the handshake";
    let (client_side, server_side) = run(SOON, what, CLIENT, async move {
        let (listener, addr) = support::tokio::listener().await;
        let url = format!("ws://{addr}/");
        let client = async move {
            let socket = connect(&url, &client_config).await;
            socket.map(|s| s.subprotocol().map(str::to_string))
        };
        let server = async {
            let socket = accept_one(&listener, &server_config).await;
            socket.subprotocol().map(str::to_string)
        };
        let (client_side, server_side) = tokio::join!(client, server);
        (client_side.map_err(|e| e.to_string()), server_side)
    });
    let agreed = Some("chat.v1".to_string());
    expect_eq(client_side, Ok(agreed.clone()), "connect()'s", CLIENT);
    expect_eq(server_side, agreed, "accept()'s", CLIENT);
}
