//! Chapter 13, exercise 13.6: the end of a connection, in the right order.
//! Run them with `cargo test -p chapter-13`.

mod peers;

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chapter_13::{CloseFrame, Config, code};
use peers::*;
use support::tokio::{listener, run};
use support::{Book, Section, expect_bytes, expect_eq, expect_that};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const BOOK: Book = Book::page("ch13-websocket-on-tokio.md");
const CLOSING: Section = BOOK.section("13.6 Closing the connection");

#[test]
fn the_server_answers_a_close_then_closes_tcp_first() {
    let what = "what a client that sent a close frame reads";
    let ((received, end), (ending, close)) = run(SOON, what, CLOSING, async {
        let (listener, addr) = listener().await;
        let close = client_frame(0x8, b"\x03\xe8bye");
        let client = async move {
            // The client sends its close, then only reads: it does not
            // close its side of TCP.
            let mut stream = raw_client(addr, &close).await;
            let read = read_to_end(&mut stream, 1 << 20).await;
            drop(stream);
            read
        };
        let server = async {
            let mut socket = accept_one(&listener, &patient_config()).await;
            let (_, ending) = receive_all(&mut socket).await;
            (ending, socket.close_frame().cloned())
        };
        tokio::join!(client, server)
    });
    // The close frame echoed, unmasked: 0x88, 5 bytes, 1000, "bye".
    expect_bytes(&received, b"\x88\x05\x03\xe8bye", what, CLOSING);
    expect_eq(end, "end of stream", "and then the client read", CLOSING);
    expect_eq(
        ending,
        "Ok(None)".to_string(),
        "receive() at the end",
        CLOSING,
    );
    expect_eq(
        close,
        Some(CloseFrame {
            code: code::NORMAL,
            reason: "bye".to_string(),
        }),
        "close_frame() after the client's close",
        CLOSING,
    );
}

#[test]
fn close_completes_the_closing_handshake_with_tungstenite() {
    let listener = support::net::listener();
    let addr = listener.local_addr().unwrap();
    let client = std::thread::spawn(move || {
        let mut client = tungstenite_client(addr);
        let mut frames = Vec::new();
        loop {
            match client.read() {
                Ok(tungstenite::Message::Close(Some(close))) => {
                    let code = u16::from(close.code);
                    frames.push(format!(
                        "Close({code}, {:?})",
                        close.reason.as_str()
                    ));
                }
                Ok(message) => frames.push(format!("{message:?}")),
                Err(tungstenite::Error::ConnectionClosed) => {
                    return (frames, "ConnectionClosed".to_string());
                }
                Err(error) => return (frames, format!("{error}")),
            }
        }
    });
    let what = "close(1001, \"going away\") with a tungstenite client";
    let closed = run(SOON, what, CLOSING, async move {
        listener.set_nonblocking(true).unwrap();
        let listener = tokio::net::TcpListener::from_std(listener).unwrap();
        let mut socket = accept_one(&listener, &Config::default()).await;
        socket
            .close(code::GOING_AWAY, "going away")
            .await
            .map_err(|e| e.to_string())
    });
    let (frames, end) = client.join().expect("the tungstenite client panicked");
    expect_eq(closed, Ok(()), "what close() returned", CLOSING);
    expect_eq(
        frames,
        vec!["Close(1001, \"going away\")".to_string()],
        "what the tungstenite client read",
        CLOSING,
    );
    expect_eq(end, "ConnectionClosed".to_string(), "then", CLOSING);
}

#[test]
fn a_protocol_error_is_reported_after_the_close_frame_went_out() {
    let what = "an unmasked frame from a client";
    let ((received, _), ending) = run(SOON, what, CLOSING, async {
        let (listener, addr) = listener().await;
        let client = async move {
            let mut stream = raw_client(addr, b"").await;
            // A server requires masked frames (RFC 6455 section 5.1).
            stream
                .write_all(&server_frame(0x1, b"unmasked"))
                .await
                .unwrap();
            read_to_end(&mut stream, 1 << 20).await
        };
        let server = async {
            let mut socket = accept_one(&listener, &Config::default()).await;
            receive_all(&mut socket).await.1
        };
        tokio::join!(client, server)
    });
    // 1002, protocol error.
    expect_bytes(
        &received,
        b"\x88\x02\x03\xea",
        "the server's close frame",
        CLOSING,
    );
    expect_that(
        ending.starts_with("Err(Protocol("),
        "what receive() returned",
        "Err(Protocol(..))",
        ending,
        CLOSING,
    );
}

#[test]
fn close_waits_for_the_peers_end_of_stream() {
    let what = "close() while the client, its close frame sent, keeps TCP open";
    let (returned_early, returned) = run(SOON, what, CLOSING, async {
        let (listener, addr) = listener().await;
        let done = AtomicBool::new(false);
        let client = async {
            let mut stream = raw_client(addr, b"").await;
            let mut close = [0; 7];
            stream.read_exact(&mut close).await.unwrap();
            let reply = client_frame(0x8, b"\x03\xe8bye");
            stream.write_all(&reply).await.unwrap();
            // The server has both close frames now. Until this client
            // ends its side, the server's close() must wait (or time out).
            tokio::time::sleep(Duration::from_millis(300)).await;
            let early = done.load(Ordering::Relaxed);
            stream.shutdown().await.unwrap();
            let _ = read_to_end(&mut stream, 1 << 20).await;
            early
        };
        let server = async {
            let mut socket = accept_one(&listener, &patient_config()).await;
            let closed = socket.close(code::NORMAL, "bye").await;
            done.store(true, Ordering::Relaxed);
            format!("{closed:?}")
        };
        tokio::join!(client, server)
    });
    expect_that(
        !returned_early,
        what,
        "close() still waiting 300 ms after both close frames: it reads \
         until the client's end of stream before dropping the socket",
        "close() had returned already",
        CLOSING,
    );
    expect_eq(
        returned,
        "Ok(())".to_string(),
        "what close() returned",
        CLOSING,
    );
}
