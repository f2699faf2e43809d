//! Chapter 13, exercise 13.5: heartbeats, and a peer that stops answering.
//! Run them with `cargo test -p chapter-13`.

mod peers;

use std::time::{Duration, Instant};

use chapter_13::{Config, Error, Message, Waited};
use peers::*;
use support::tokio::{listener, run, within_async};
use support::{Book, Section, expect_bytes, expect_eq, expect_that};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const BOOK: Book = Book::page("ch13-websocket-on-tokio.md");
const HEARTBEATS: Section = BOOK.section("13.5 Heartbeats");

fn heartbeat_config() -> Config {
    Config {
        ping_interval: Some(Duration::from_millis(100)),
        pong_timeout: Duration::from_millis(200),
        ..Config::default()
    }
}

#[test]
fn a_quiet_peer_is_pinged() {
    let (server, addr) = echo_server(heartbeat_config(), HEARTBEATS);
    let what = "a ping from a server whose client is quiet";
    let ping = run(SOON, what, HEARTBEATS, async move {
        let mut stream = raw_client(addr, b"").await;
        let mut ping = [0; 2];
        let read = stream.read_exact(&mut ping);
        within_async(SOON, what, HEARTBEATS, read).await.unwrap();
        ping
    });
    // 0x89: FIN and opcode 0x9 (ping); 0x00: no payload.
    expect_bytes(&ping, &[0x89, 0x00], what, HEARTBEATS);
    server.stop();
}

#[test]
fn a_peer_that_never_answers_a_ping_is_given_up() {
    let what = "receive() with a peer that never answers pings";
    let (ending, took) = run(SOON, what, HEARTBEATS, async move {
        let (listener, addr) = listener().await;
        let client = async move {
            let mut stream = raw_client(addr, b"").await;
            read_to_end(&mut stream, 1 << 20).await
        };
        let server = async {
            let mut socket = accept_one(&listener, &heartbeat_config()).await;
            let start = Instant::now();
            let (_, ending) = receive_all(&mut socket).await;
            (ending, start.elapsed())
        };
        tokio::join!(client, server).1
    });
    expect_eq(
        ending,
        format!("Err({:?})", Error::Timeout(Waited::Pong)),
        what,
        HEARTBEATS,
    );
    expect_that(
        took < Duration::from_secs(2),
        "how long receive() waited for the pong",
        "ping_interval + pong_timeout (300 ms), give or take",
        format!("{took:?}"),
        HEARTBEATS,
    );
}

#[test]
fn a_peer_that_answers_pings_stays_connected() {
    let what = "a peer that answers three pings, then sends a text";
    let received = run(SOON, what, HEARTBEATS, async move {
        let (listener, addr) = listener().await;
        let client = async move {
            let mut stream = raw_client(addr, b"").await;
            for _ in 0..3 {
                let mut ping = [0; 2];
                stream.read_exact(&mut ping).await.unwrap();
                assert_eq!(ping, [0x89, 0x00], "expected an empty ping");
                stream.write_all(&client_frame(0xA, b"")).await.unwrap();
            }
            stream
                .write_all(&client_frame(0x1, b"alive"))
                .await
                .unwrap();
            stream
        };
        let server = async {
            let mut socket = accept_one(&listener, &heartbeat_config()).await;
            socket.receive().await.map_err(|e| e.to_string())
        };
        tokio::join!(client, server).1
    });
    expect_eq(
        received,
        Ok(Some(Message::from("alive"))),
        "what receive() returned after 3 pings were answered",
        HEARTBEATS,
    );
}
