//! Chapter 13, exercise 13.1: the server's handshake, under a deadline.
//! Run them with `cargo test -p chapter-13`.

mod peers;

use std::time::{Duration, Instant};

use chapter_13::{Config, Error, Message, Waited, accept};
use peers::*;
use support::tokio::{listener, run, within_async};
use support::{Book, Section, expect_eq, expect_that};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tungstenite::Message as Tm;

const BOOK: Book = Book::page("ch13-websocket-on-tokio.md");
const ACCEPT: Section = BOOK.section("13.1 The handshake under a deadline");

#[test]
fn a_tungstenite_client_gets_every_message_back() {
    let (server, addr) = echo_server(Config::default(), ACCEPT);
    let echoed =
        support::within(SOON, "a tungstenite client", ACCEPT, move || {
            let mut client = tungstenite_client(addr);
            let mut echoed = Vec::new();
            for message in [Tm::text("hello"), Tm::binary(vec![0, 1, 2, 255])] {
                client.send(message).expect("tungstenite could not send");
                echoed.push(client.read().map_err(|e| e.to_string()));
            }
            echoed
        });
    expect_eq(
        echoed,
        vec![Ok(Tm::text("hello")), Ok(Tm::binary(vec![0, 1, 2, 255]))],
        "what a tungstenite client read back from accept() + echo()",
        ACCEPT,
    );
    server.stop();
}

#[test]
fn a_client_that_says_nothing_is_dropped_after_the_handshake_timeout() {
    let config = Config {
        handshake_timeout: Duration::from_millis(200),
        ..Config::default()
    };
    let what = "accept() with a client that sends nothing";
    let (outcome, took) = run(SOON, what, ACCEPT, async move {
        let (listener, addr) = listener().await;
        let _silent = tokio::net::TcpStream::connect(addr).await.unwrap();
        let (stream, _) = listener.accept().await.unwrap();
        let start = Instant::now();
        let accepted =
            within_async(SOON, what, ACCEPT, accept(stream, &config));
        let outcome = match accepted.await {
            Ok(_) => "Ok(a WebSocket)".to_string(),
            Err(error) => format!("Err({error:?})"),
        };
        (outcome, start.elapsed())
    });
    expect_eq(
        outcome,
        format!("Err({:?})", Error::Timeout(Waited::Handshake)),
        what,
        ACCEPT,
    );
    expect_that(
        took < Duration::from_secs(2),
        "how long accept() waited for a silent client",
        "about handshake_timeout (200 ms)",
        format!("{took:?}"),
        ACCEPT,
    );
}

#[test]
fn a_plain_http_request_is_refused_with_426() {
    let what = "accept() answering a plain HTTP GET";
    let (answer, outcome) = run(SOON, what, ACCEPT, async move {
        let (listener, addr) = listener().await;
        let client = async move {
            let mut stream = tokio::net::TcpStream::connect(addr).await?;
            stream
                .write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .await?;
            let mut answer = Vec::new();
            stream.read_to_end(&mut answer).await?;
            std::io::Result::Ok(answer)
        };
        let server = async {
            let (stream, _) = listener.accept().await.unwrap();
            accept(stream, &Config::default()).await.map(|_| ())
        };
        let (answer, outcome) = tokio::join!(client, server);
        (
            answer.unwrap_or_default(),
            outcome.map_err(|e| e.to_string()),
        )
    });
    let answer = String::from_utf8_lossy(&answer).to_string();
    expect_that(
        answer.starts_with("HTTP/1.1 426 "),
        "the answer to a request that is not an upgrade",
        "HTTP/1.1 426 Upgrade Required (chapter 10's answer)",
        &answer,
        ACCEPT,
    );
    expect_that(
        outcome.is_err(),
        "what accept() returned",
        "Err(Handshake(..))",
        format!("{outcome:?}"),
        ACCEPT,
    );
}

#[test]
fn frames_in_the_same_write_as_the_handshake_are_all_delivered() {
    let what = "receive() after a request, two texts and a close in one write \
                (the texts, then Ok(None): the bytes read past the head go to the \
                core too)";
    let (messages, ending) = run(SOON, what, ACCEPT, async move {
        let (listener, addr) = listener().await;
        let mut frames = client_frame(0x1, b"one");
        frames.extend(client_frame(0x1, b"two"));
        frames.extend(client_frame(0x8, &1000u16.to_be_bytes()));
        let client = async move {
            let mut stream = raw_client(addr, &frames).await;
            read_to_end(&mut stream, 1 << 20).await
        };
        let server = async {
            let mut socket = accept_one(&listener, &Config::default()).await;
            receive_all(&mut socket).await
        };
        tokio::join!(client, server).1
    });
    expect_eq(
        messages,
        vec![Message::from("one"), Message::from("two")],
        "the messages receive() returned",
        ACCEPT,
    );
    expect_eq(
        ending,
        "Ok(None)".to_string(),
        "then receive() gave",
        ACCEPT,
    );
}
