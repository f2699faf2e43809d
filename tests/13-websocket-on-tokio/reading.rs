//! Chapter 13, exercise 13.2: reading from the socket into the core.
//! Run them with `cargo test -p chapter-13`.

mod peers;

use std::time::Duration;

use chapter_13::{Config, Error, Message};
use peers::*;
use support::tokio::{listener, run};
use support::{Book, Section, expect_eq, expect_that};
use tokio::io::AsyncWriteExt;

const BOOK: Book = Book::page("ch13-websocket-on-tokio.md");
const READING: Section = BOOK.section("13.2 Reading into the core");

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
fn receive_cancelled_by_select_loses_nothing() {
    let what = "receive() in a select! that a timer cancels every millisecond";
    let (count, cancelled) = run(SOON, what, READING, async move {
        let (listener, addr) = listener().await;
        let client = async move {
            let mut stream = raw_client(addr, b"").await;
            for i in 0..200u32 {
                let frame = client_frame(0x2, &i.to_be_bytes());
                // Two writes per frame: reads that end inside a frame.
                stream.write_all(&frame[..3]).await.unwrap();
                tokio::time::sleep(Duration::from_micros(300)).await;
                stream.write_all(&frame[3..]).await.unwrap();
            }
            stream
        };
        let server = async {
            let mut socket = accept_one(&listener, &Config::default()).await;
            let (mut count, mut cancelled) = (0u32, 0);
            while count < 200 {
                let tick = tokio::time::sleep(Duration::from_millis(1));
                tokio::select! {
                    received = socket.receive() => match received {
                        Ok(Some(Message::Binary(data)))
                            if data == count.to_be_bytes() => count += 1,
                        _ => break,
                    },
                    () = tick => cancelled += 1,
                }
            }
            (count, cancelled)
        };
        tokio::join!(client, server).1
    });
    expect_eq(count, 200, "messages received in order, none lost", READING);
    expect_that(
        cancelled > 0,
        "how often the timer cancelled receive()",
        "at least once (else this test proved nothing)",
        cancelled,
        READING,
    );
}

#[test]
fn a_peer_that_vanishes_mid_message_is_reported_lost() {
    let what = "receive() when the peer leaves in the middle of a frame \
                (Err(Lost): a read of 0 bytes is the end of the stream)";
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

#[test]
fn a_peer_that_floods_pings_and_reads_nothing_is_not_read_either() {
    const LIMIT: usize = 8 << 20;
    let what = "pings written to a server whose pongs are never read";
    let (written, stalled) =
        run(Duration::from_secs(20), what, READING, async {
            // Small socket buffers, so that little hides in the kernel.
            let listening = tokio::net::TcpSocket::new_v4().unwrap();
            listening.set_send_buffer_size(8 * 1024).unwrap();
            listening.bind(support::net::loopback_v4()).unwrap();
            let listener = listening.listen(16).unwrap();
            let addr = listener.local_addr().unwrap();
            let client = async move {
                let socket = tokio::net::TcpSocket::new_v4().unwrap();
                socket.set_recv_buffer_size(8 * 1024).unwrap();
                socket.set_send_buffer_size(8 * 1024).unwrap();
                let stream = socket.connect(addr).await.unwrap();
                let mut stream = raw_handshake(stream, b"").await;
                let batch: Vec<u8> = (0..100)
                    .flat_map(|_| client_frame(0x9, &[0; 100]))
                    .collect();
                let mut written = 0;
                while written < LIMIT {
                    let write = stream.write_all(&batch);
                    let wait = Duration::from_millis(300);
                    match tokio::time::timeout(wait, write).await {
                        Ok(Ok(())) => written += batch.len(),
                        // The server stopped reading: what this test hopes.
                        Err(_) => return (written, true),
                        Ok(Err(_)) => break,
                    }
                }
                (written, false)
            };
            let server = async {
                let config = Config {
                    max_queued: 16 * 1024,
                    ..Config::default()
                };
                let mut socket = accept_one(&listener, &config).await;
                // Returns once the client is gone.
                receive_all(&mut socket).await
            };
            tokio::join!(client, server).0
        });
    expect_that(
        stalled && written < LIMIT,
        "the pings a client that reads no pong could write",
        "a few KiB more than max_queued, then its writes stall",
        format!("{written} bytes, stalled: {stalled}"),
        READING,
    );
}
