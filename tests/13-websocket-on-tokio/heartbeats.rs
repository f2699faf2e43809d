//! Chapter 13, exercise 13.5: heartbeats, and a peer that stops answering.
//! Run them with `cargo test -p chapter-13`.

mod peers;

use std::time::{Duration, Instant};

use chapter_13::{Config, Error, Message, Waited, code};
use peers::*;
use support::hex::hex_bytes;
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
    let (pings, received) = run(SOON, what, HEARTBEATS, async move {
        let (listener, addr) = listener().await;
        let client = async move {
            let mut stream = raw_client(addr, b"").await;
            for answered in 0..3 {
                let mut ping = [0; 2];
                let read = stream.read_exact(&mut ping).await;
                if read.is_err() || ping != [0x89, 0x00] {
                    let found = match read {
                        Ok(_) => format!("the bytes {}", hex_bytes(&ping)),
                        Err(error) => format!("{error}"),
                    };
                    return (
                        format!("ping {} was {found}", answered + 1),
                        stream,
                    );
                }
                stream.write_all(&client_frame(0xA, b"")).await.unwrap();
            }
            stream
                .write_all(&client_frame(0x1, b"alive"))
                .await
                .unwrap();
            ("three pings, each answered".to_string(), stream)
        };
        let server = async {
            let mut socket = accept_one(&listener, &heartbeat_config()).await;
            socket.receive().await.map_err(|e| e.to_string())
        };
        let ((pings, _stream), received) = tokio::join!(client, server);
        (pings, received)
    });
    // A peer whose pong is not noted (13.2: poll_read_in clears ping_sent)
    // is given up on after its first pong: the client reads an end.
    expect_eq(
        pings,
        "three pings, each answered".to_string(),
        "the pings (89 00) the client read, answering each with a pong \
         (each pong must be noted: poll_read_in, 13.2, clears ping_sent)",
        HEARTBEATS,
    );
    expect_eq(
        received,
        Ok(Some(Message::from("alive"))),
        "what receive() returned after 3 pings were answered",
        HEARTBEATS,
    );
}

#[test]
fn a_peer_that_never_answers_the_close_is_left_after_the_close_timeout() {
    let what = "close() with a peer that never answers";
    let (outcome, took) = run(SOON, what, HEARTBEATS, async {
        let (listener, addr) = listener().await;
        let client = async move {
            let mut stream = raw_client(addr, b"").await;
            // Reads everything, answers nothing, closes nothing.
            read_to_end(&mut stream, 1 << 20).await
        };
        let server = async {
            let mut socket = accept_one(&listener, &quick_config()).await;
            let start = Instant::now();
            let closed = socket.close(code::NORMAL, "").await;
            (closed.map_err(|e| format!("{e:?}")), start.elapsed())
        };
        tokio::join!(client, server).1
    });
    expect_eq(
        outcome,
        Err(format!("{:?}", Error::Timeout(Waited::Close))),
        what,
        HEARTBEATS,
    );
    expect_that(
        took < Duration::from_secs(2),
        "how long close() waited",
        "about close_timeout (300 ms)",
        format!("{took:?}"),
        HEARTBEATS,
    );
}

#[test]
fn a_peer_that_reads_slowly_is_not_taken_for_dead() {
    const MESSAGES: usize = 100;
    const SIZE: usize = 16 * 1024;
    let what = "send() to a peer that reads slowly and sends nothing";
    // Slow on purpose: more than a second, under a deadline of its own.
    let limit = Duration::from_secs(20);
    let (sent, read) = run(limit, what, HEARTBEATS, async move {
        // Small socket buffers at both ends (an accepted socket inherits
        // its listener's), so that the server's sends wait on the reads,
        // for longer than ping_interval + pong_timeout.
        let listening = tokio::net::TcpSocket::new_v4().unwrap();
        listening.set_send_buffer_size(8 * 1024).unwrap();
        listening.bind(support::net::loopback_v4()).unwrap();
        let listener = listening.listen(16).unwrap();
        let addr = listener.local_addr().unwrap();
        let client = async move {
            let socket = tokio::net::TcpSocket::new_v4().unwrap();
            socket.set_recv_buffer_size(8 * 1024).unwrap();
            let stream = socket.connect(addr).await.unwrap();
            let mut stream = raw_handshake(stream, b"").await;
            let mut read = 0;
            let mut buffer = vec![0; SIZE];
            while read < MESSAGES * (SIZE + 4) {
                match stream.read(&mut buffer).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => read += n,
                }
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            read
        };
        let server = async {
            let config = Config {
                max_queued: SIZE,
                ..heartbeat_config()
            };
            let mut socket = accept_one(&listener, &config).await;
            for _ in 0..MESSAGES {
                socket.send(vec![1; SIZE]).await?;
            }
            socket.flush().await?;
            Ok::<_, Error>(MESSAGES)
        };
        let (read, sent) = tokio::join!(client, server);
        (sent.map_err(|error| format!("{error:?}")), read)
    });
    expect_eq(
        sent,
        Ok(MESSAGES),
        "messages send() took for a slow reader that never pongs",
        HEARTBEATS,
    );
    // Each 16 KiB binary frame has a 4-byte header (126, then 2 bytes); a
    // heartbeat ping (2 bytes) comes in between.
    let frames = MESSAGES * (SIZE + 4);
    expect_that(
        read >= frames,
        "bytes the slow reader read",
        &format!("all {frames} bytes of the frames, and a ping's 2"),
        read,
        HEARTBEATS,
    );
}
