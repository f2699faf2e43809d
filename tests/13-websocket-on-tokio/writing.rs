//! Chapter 13, exercise 13.3: writing what the core produces.
//! Run them with `cargo test -p chapter-13`.

mod peers;

use chapter_13::Config;
use peers::*;
use support::tokio::{run, within_async};
use support::{Book, Section, expect_bytes, expect_eq};
use tokio::io::AsyncReadExt;
use tungstenite::Message as Tm;

const BOOK: Book = Book::page("ch13-websocket-on-tokio.md");
const WRITING: Section = BOOK.section("13.3 Writing what the core produces");

#[test]
fn a_ping_is_answered_with_a_pong() {
    let (server, addr) = echo_server(Config::default(), WRITING);
    let what = "the pong for a ping";
    let pong = run(SOON, what, WRITING, async move {
        let mut stream = raw_client(addr, &client_frame(0x9, b"hi")).await;
        let mut pong = [0; 4];
        let read = stream.read_exact(&mut pong);
        within_async(SOON, what, WRITING, read).await.unwrap();
        pong
    });
    // 0x8a: FIN and opcode 0xA (pong); 0x02: not masked, 2 bytes.
    expect_bytes(&pong, &[0x8a, 0x02, b'h', b'i'], what, WRITING);
    server.stop();
}

#[test]
fn an_echo_after_a_ping_comes_after_its_pong() {
    let (server, addr) = echo_server(Config::default(), WRITING);
    let what = "the answers to a ping then a text";
    let answers = run(SOON, what, WRITING, async move {
        let mut frames = client_frame(0x9, b"p");
        frames.extend(client_frame(0x1, b"t"));
        let mut stream = raw_client(addr, &frames).await;
        let mut answers = [0; 6];
        let read = stream.read_exact(&mut answers);
        within_async(SOON, what, WRITING, read).await.unwrap();
        answers
    });
    expect_bytes(
        &answers,
        &[0x8a, 0x01, b'p', 0x81, 0x01, b't'],
        what,
        WRITING,
    );
    server.stop();
}

#[test]
fn a_message_larger_than_the_socket_buffers_comes_back_whole() {
    let (server, addr) = echo_server(Config::default(), WRITING);
    let big: Vec<u8> = (0..8 << 20).map(|i: u32| (i % 251) as u8).collect();
    let sent = big.clone();
    let echoed = support::within(SOON, "an 8 MiB echo", WRITING, move || {
        let mut client = tungstenite_client(addr);
        client
            .send(Tm::binary(sent))
            .expect("tungstenite could not send");
        client.read().map_err(|e| e.to_string())
    });
    let echoed = match echoed {
        Ok(Tm::Binary(data)) => data.to_vec(),
        other => panic!("expected the binary message back, got {other:?}"),
    };
    expect_eq(echoed.len(), big.len(), "the echo's length", WRITING);
    expect_eq(
        echoed == big,
        true,
        "the echo equals what was sent",
        WRITING,
    );
    server.stop();
}

#[test]
fn a_message_the_server_sends_reaches_the_peer_unmasked() {
    let what = "a text the server sent, as its client read it";
    let frame = run(SOON, what, WRITING, async move {
        let (listener, addr) = support::tokio::listener().await;
        let client = async move {
            let mut stream = raw_client(addr, b"").await;
            let mut frame = [0; 7];
            stream.read_exact(&mut frame).await.map(|_| frame)
        };
        let server = async {
            let mut socket = accept_one(&listener, &Config::default()).await;
            socket.send("hello").await.unwrap();
            socket.flush().await.unwrap();
            socket
        };
        // The server's socket lives until the client has read.
        tokio::join!(client, server).0
    });
    let frame = frame.expect("the client read no whole frame");
    let expected = [0x81, 0x05, b'h', b'e', b'l', b'l', b'o'];
    expect_bytes(&frame, &expected, what, WRITING);
}
