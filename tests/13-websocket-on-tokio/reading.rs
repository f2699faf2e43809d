//! Chapter 13, exercise 13.2: reading from the socket into the core.
//! Run them with `cargo test -p chapter-13`.

mod peers;

use chapter_13::{Config, Error, Message};
use peers::*;
use support::tokio::{listener, run};
use support::{Book, Section, expect_eq};
use tokio::io::AsyncWriteExt;

const BOOK: Book = Book::page("ch13-websocket-on-tokio.md");
const READING: Section = BOOK.section("13.2 Reading into the core");

#[test]
fn frames_in_the_same_write_as_the_handshake_are_all_delivered() {
    let what = "receive() after a request, two texts and a close in one write";
    let (messages, ending) = run(SOON, what, READING, async move {
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
        READING,
    );
    expect_eq(
        ending,
        "Ok(None)".to_string(),
        "then receive() gave",
        READING,
    );
}

#[test]
fn a_message_written_one_byte_at_a_time_arrives_whole() {
    let what = "receive() of a text written a byte at a time";
    let (messages, _) = run(SOON, what, READING, async move {
        let (listener, addr) = listener().await;
        let client = async move {
            let mut stream = raw_client(addr, b"").await;
            let mut frames = client_frame(0x1, b"a byte at a time");
            frames.extend(client_frame(0x8, &1000u16.to_be_bytes()));
            for byte in frames {
                stream.write_all(&[byte]).await.unwrap();
                tokio::task::yield_now().await;
            }
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
        vec![Message::from("a byte at a time")],
        "what receive() returned",
        READING,
    );
}

#[test]
fn a_peer_that_vanishes_mid_message_is_reported_lost() {
    let what = "receive() when the peer leaves in the middle of a frame";
    let (messages, ending) = run(SOON, what, READING, async move {
        let (listener, addr) = listener().await;
        let client = async move {
            let stream = raw_client(addr, b"").await;
            let mut stream = stream;
            // The header says 100 bytes; 3 come, then the end.
            stream
                .write_all(&[0x81, 0x80 | 100, 0, 0, 0, 0])
                .await
                .unwrap();
            stream.write_all(b"abc").await.unwrap();
            drop(stream);
        };
        let server = async {
            let mut socket = accept_one(&listener, &Config::default()).await;
            receive_all(&mut socket).await
        };
        tokio::join!(client, server).1
    });
    expect_eq(messages, vec![], "the messages receive() returned", READING);
    expect_eq(
        ending,
        format!("Err({:?})", Error::Lost),
        "what receive() said when the stream ended mid-frame",
        READING,
    );
}
