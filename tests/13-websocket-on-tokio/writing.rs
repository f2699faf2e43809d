//! Chapter 13, exercise 13.3: writing what the core produces.
//! Run them with `cargo test -p chapter-13`.

mod peers;

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use chapter_13::{Config, Role, WebSocket};
use peers::*;
use support::tokio::{run, within_async};
use support::{Book, Section, expect_bytes, expect_eq, expect_that};
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

#[test]
fn once_a_large_message_is_written_no_large_buffer_is_left() {
    let what = "buffer_capacity() after a 1 MiB send, once flushed";
    let (capacity, read) = run(SOON, what, WRITING, async move {
        let (listener, addr) = support::tokio::listener().await;
        let client = async move {
            let mut stream = raw_client(addr, b"").await;
            let (received, _) = read_to_end(&mut stream, (1 << 20) + 10).await;
            received.len()
        };
        let server = async {
            let mut socket = accept_one(&listener, &Config::default()).await;
            socket.send(vec![0; 1 << 20]).await.unwrap();
            socket.flush().await.unwrap();
            socket.buffer_capacity()
        };
        let (read, capacity) = tokio::join!(client, server);
        (capacity, read)
    });
    // 1 MiB of payload and a 10-byte header (127, then 8 bytes of length).
    expect_eq(read, (1 << 20) + 10, "bytes the client read", WRITING);
    expect_that(
        capacity <= 4096,
        what,
        "a few KiB at most: the queue is freed once written",
        capacity,
        WRITING,
    );
}

#[test]
fn send_writes_at_once_without_a_flush_or_a_receive() {
    let what =
        "the frame of send(\"hello\"), with no flush() or receive() after";
    let frame = run(SOON, what, WRITING, async move {
        let (listener, addr) = support::tokio::listener().await;
        let (read, got_it) = tokio::sync::oneshot::channel();
        let client = async move {
            let mut stream = raw_client(addr, b"").await;
            let mut frame = [0; 7];
            let wait = Duration::from_secs(2);
            let read_frame = stream.read_exact(&mut frame);
            let outcome = tokio::time::timeout(wait, read_frame).await;
            let _ = read.send(());
            match outcome {
                Ok(Ok(_)) => Some(frame),
                _ => None,
            }
        };
        let server = async {
            let mut socket = accept_one(&listener, &Config::default()).await;
            socket.send("hello").await.unwrap();
            // Only hold the socket until the client is done: send() alone
            // must have written what the socket took.
            let _ = got_it.await;
            socket
        };
        tokio::join!(client, server).0
    });
    match frame {
        Some(frame) => expect_bytes(
            &frame,
            &[0x81, 0x05, b'h', b'e', b'l', b'l', b'o'],
            what,
            WRITING,
        ),
        None => expect_that(
            false,
            what,
            "the 7-byte frame within 2 s: send() writes what the socket \
             takes (poll_io) before it returns",
            "nothing; is the message still in the queue?",
            WRITING,
        ),
    }
}

/// A stream that keeps what is written to it until it is flushed, as a TLS
/// stream keeps its records, and then passes it on a few bytes at a time
/// (its flush stays pending while `inner` is full).
struct FlushedLater {
    inner: tokio::io::DuplexStream,
    kept: Vec<u8>,
}

impl tokio::io::AsyncWrite for FlushedLater {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        bytes: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.kept.extend_from_slice(bytes);
        Poll::Ready(Ok(bytes.len()))
    }

    fn poll_flush(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        while !this.kept.is_empty() {
            let inner = Pin::new(&mut this.inner);
            let wrote = ready!(inner.poll_write(cx, &this.kept))?;
            this.kept.drain(..wrote);
        }
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<()>> {
        ready!(self.as_mut().poll_flush(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

impl tokio::io::AsyncRead for FlushedLater {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

#[test]
fn a_stream_whose_flush_takes_time_gets_every_byte() {
    let what = "send() and flush() of 10 000 bytes on a stream that writes \
                only when flushed, as TLS does";
    let payload: Vec<u8> = (0..10_000).map(|i: u32| (i % 251) as u8).collect();
    let sent = payload.clone();
    let (flushed, received) = run(SOON, what, WRITING, async move {
        // 64 bytes of room between the two ends: the flush takes many polls.
        let (ours, mut peer) = tokio::io::duplex(64);
        let stream = FlushedLater {
            inner: ours,
            kept: Vec::new(),
        };
        let config = Config::default();
        let mut socket = WebSocket::new(stream, Role::Server, &config);
        let server = async {
            socket.send(sent).await?;
            socket.flush().await
        };
        let client = async {
            let mut received = vec![0; 4 + 10_000];
            let read_all = peer.read_exact(&mut received);
            let outcome =
                tokio::time::timeout(Duration::from_secs(2), read_all);
            outcome.await.ok().and_then(Result::ok).map(|_| received)
        };
        let (flushed, received) = tokio::join!(server, client);
        (format!("{flushed:?}"), received)
    });
    expect_eq(
        flushed,
        "Ok(())".to_string(),
        "what flush() returned",
        WRITING,
    );
    // 0x82 binary, 126: a 16-bit length follows, 10 000 = 0x2710.
    let mut expected = vec![0x82, 0x7e, 0x27, 0x10];
    expected.extend_from_slice(&payload);
    let received = received.unwrap_or_default();
    expect_eq(
        received.len(),
        expected.len(),
        "bytes the peer read",
        WRITING,
    );
    expect_eq(
        received == expected,
        true,
        "the peer read the frame as sent",
        WRITING,
    );
}
